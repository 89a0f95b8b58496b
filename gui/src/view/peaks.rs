//! Peaks: per channel a sample-peak and a true-peak bar with hold markers, the headroom zone a
//! mix should peak in (or the platform's ceiling for a master), the maxima since reset and the
//! clip and over counts. A click anywhere on the panel resets the maxima.

use egui::{pos2, Align2, Color32, Rect, RichText, Sense, Stroke, StrokeKind, Ui};
use preflight_dsp::readiness::{Profile, MIX_PEAK_MAX_DBTP, MIX_PEAK_MIN_DBTP};

use super::{child, panel_title, View, PANEL_PADDING, PANEL_RADIUS};
use crate::format::{channel_name, format_db};
use crate::model::PeakBar;
use crate::theme;
use crate::Actions;

/// Peaks above this leave too little headroom for mastering (the mix profile's headroom check,
/// [`MIX_PEAK_MAX_DBTP`]).
pub const PEAK_WARN_DBTP: f32 = MIX_PEAK_MAX_DBTP as f32;
/// Peaks at or above this clip on conversion and cannot be undone.
pub const PEAK_CLIP_DBTP: f32 = 0.0;
/// Bottom of the peak bar scale.
pub const BAR_FLOOR_DBTP: f32 = -60.0;
/// Top of the peak bar scale, a little above full scale so overs are visible.
pub const BAR_CEILING_DBTP: f32 = 3.0;

/// Where levels sit on the bars: (dB, fraction of the height). The top 10 dB get a third of the
/// height, so the headroom zone and the overs are easy to read.
const SCALE: [(f32, f32); 6] = [
    (BAR_FLOOR_DBTP, 0.0),
    (-40.0, 0.13),
    (-20.0, 0.36),
    (-10.0, 0.56),
    (PEAK_CLIP_DBTP, 0.90),
    (BAR_CEILING_DBTP, 1.0),
];
/// Levels labelled on the scale.
const SCALE_MARKS: [f32; 8] = [3.0, 0.0, -3.0, -6.0, -10.0, -20.0, -40.0, -60.0];

const SCALE_WIDTH: f32 = 24.0;
const BAR_WIDTH_MAX: f32 = 22.0;
const MAXIMA_ROW_HEIGHT: f32 = 15.0;

/// The peaks panel in `rect`; it draws its own frame because the whole panel is a click target.
pub(super) fn draw_panel(ui: &mut Ui, rect: Rect, view: &View, actions: &mut Actions) {
    let response = ui
        .interact(rect, ui.scope_id().with("peak_area"), Sense::click())
        .on_hover_text("Click to reset the maxima and clip counts");
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Button,
            true,
            "Peak meters (click to reset maxima)",
        )
    });
    if response.clicked() {
        actions.reset_maxima = true;
    }
    let stroke = if response.hovered() {
        theme::TEXT_STALE
    } else {
        theme::PANEL_STROKE
    };
    ui.painter().rect(
        rect,
        PANEL_RADIUS,
        theme::PANEL,
        Stroke::new(1.0, stroke),
        StrokeKind::Inside,
    );
    child(ui, rect.shrink2(PANEL_PADDING), |ui| draw(ui, view));
}

fn draw(ui: &mut Ui, view: &View) {
    let s = view.snapshot;
    panel_title(ui, "Peaks");
    super::caption(ui, "click: reset max".to_owned());
    clip_badges(ui, view);
    ui.add_space(4.0);

    // Before the first snapshot, an empty stereo pair.
    let channels = match usize::from(s.channels).min(s.true_peak_max_dbtp.len()) {
        0 => 2,
        n => n,
    };
    let table_rows = if channels <= 2 { channels.max(1) } else { 1 };
    let table_height = MAXIMA_ROW_HEIGHT * (table_rows as f32 + 1.0) + 2.0;
    let bars = ui.available_rect_before_wrap();
    let bars = Rect::from_min_max(bars.min, pos2(bars.right(), bars.bottom() - table_height));
    ui.allocate_rect(bars, Sense::hover());
    meters(ui, view, bars, channels);
    maxima(ui, view, channels);
}

fn clip_badges(ui: &mut Ui, view: &View) {
    let s = view.snapshot;
    ui.horizontal(|ui| {
        if s.clipped_samples > 0 {
            badge(ui, &format!("✖ CLIP {}", s.clipped_samples), theme::FAIL)
                .on_hover_text("Samples at full scale since reset");
        } else {
            ui.label(RichText::new("✔ no clips").color(theme::TEXT_WEAK))
                .on_hover_text("No sample at full scale since reset");
        }
        let overs = s.true_peak_overs;
        let color = if overs > 0 {
            theme::WARN
        } else {
            theme::TEXT_WEAK
        };
        let icon = if overs > 0 { "⚠ " } else { "" };
        ui.label(RichText::new(format!("{icon}TP overs {overs}")).color(color))
            .on_hover_text("Oversampled values above the true-peak ceiling since reset");
    });
}

fn badge(ui: &mut Ui, text: &str, color: Color32) -> egui::Response {
    egui::Frame::new()
        .fill(theme::faded(color, 0.25))
        .stroke(Stroke::new(1.0, color))
        .corner_radius(3.0)
        .inner_margin(egui::Margin::symmetric(4, 0))
        .show(ui, |ui| {
            ui.label(RichText::new(text).strong().color(theme::TEXT));
        })
        .response
}

/// Position of `level_db` up the bar, 0 at the floor and 1 at the ceiling.
pub(crate) fn bar_fraction(level_db: f32) -> f32 {
    if level_db <= SCALE[0].0 {
        return 0.0;
    }
    for pair in SCALE.windows(2) {
        let ((d0, f0), (d1, f1)) = (pair[0], pair[1]);
        if level_db <= d1 {
            return f0 + (level_db - d0) / (d1 - d0) * (f1 - f0);
        }
    }
    1.0
}

/// Colour of a level: calm below the warning level, amber above, red at clipping.
pub(crate) fn peak_color(level_db: f32) -> Color32 {
    if level_db >= PEAK_CLIP_DBTP {
        theme::FAIL
    } else if level_db > PEAK_WARN_DBTP {
        theme::WARN
    } else {
        theme::OK
    }
}

fn y_at(rect: Rect, db: f32) -> f32 {
    rect.bottom() - bar_fraction(db) * rect.height()
}

fn meters(ui: &mut Ui, view: &View, rect: Rect, channels: usize) {
    // Room for the channel names above and the S/T marks below.
    let track = Rect::from_min_max(
        pos2(rect.left() + SCALE_WIDTH, rect.top() + 16.0),
        pos2(rect.right(), rect.bottom() - 13.0),
    );
    let channels = channels.max(1);
    let group_w = track.width() / channels as f32;
    let bar_w = ((group_w - 8.0) / 2.0).clamp(4.0, BAR_WIDTH_MAX);
    let mut bars = Vec::with_capacity(2 * channels);
    for c in 0..channels {
        let centre = track.left() + group_w * (c as f32 + 0.5);
        let name = channel_name(channels, c);
        ui.painter().text(
            pos2(centre, rect.top()),
            Align2::CENTER_TOP,
            name,
            theme::font(theme::SIZE_BODY),
            theme::TEXT,
        );
        let sample = Rect::from_min_max(
            pos2(centre - bar_w - 1.0, track.top()),
            pos2(centre - 1.0, track.bottom()),
        );
        let true_peak = sample.translate(egui::vec2(bar_w + 2.0, 0.0));
        bars.push((
            sample,
            view.model.sample_peak_bars()[c],
            "S",
            format!("{name} sample peak"),
        ));
        bars.push((
            true_peak,
            view.model.true_peak_bars()[c],
            "T",
            format!("{name} true peak"),
        ));
    }

    let painter = ui.painter();
    for (bar_rect, ..) in &bars {
        painter.rect_filled(*bar_rect, 1.0, theme::TRACK);
    }
    // Target zone or ceiling, across all bars.
    match view.model.profile() {
        Profile::Mix => {
            let zone = Rect::from_x_y_ranges(
                track.x_range(),
                y_at(track, MIX_PEAK_MAX_DBTP as f32)..=y_at(track, MIX_PEAK_MIN_DBTP as f32),
            );
            painter.rect_filled(zone, 0.0, theme::TARGET_ZONE);
        }
        Profile::Master => {
            let ceiling = view
                .model
                .report()
                .and_then(|r| r.platforms.iter().find(|o| o.platform.id == r.platform.id))
                .map_or(view.model.platform().true_peak_ceiling_dbtp, |o| {
                    o.ceiling_dbtp
                }) as f32;
            let y = y_at(track, ceiling);
            painter.hline(
                track.x_range(),
                y,
                Stroke::new(1.0, theme::faded(theme::WARN, 0.9)),
            );
        }
    }
    for mark in SCALE_MARKS {
        let y = y_at(track, mark);
        painter.text(
            pos2(track.left() - 4.0, y),
            Align2::RIGHT_CENTER,
            format!("{mark:.0}"),
            theme::font(theme::SIZE_SMALL - 0.5),
            theme::TEXT_WEAK,
        );
        painter.hline(
            track.left() - 2.0..=track.left(),
            y,
            Stroke::new(1.0, theme::TEXT_STALE),
        );
    }
    for (bar_rect, bar, mark, label) in bars {
        let bar = if view.live { bar } else { PeakBar::default() };
        let response = ui.interact(bar_rect, ui.scope_id().with(&label), Sense::hover());
        response.widget_info(|| egui::WidgetInfo {
            value: bar.level_db.map(f64::from),
            ..egui::WidgetInfo::labeled(egui::Role::Meter, true, label.clone())
        });
        peak_bar(ui.painter(), bar_rect, bar);
        ui.painter().text(
            pos2(bar_rect.center().x, rect.bottom()),
            Align2::CENTER_BOTTOM,
            mark,
            theme::font(theme::SIZE_SMALL - 0.5),
            theme::TEXT_WEAK,
        );
    }
}

fn peak_bar(painter: &egui::Painter, rect: Rect, bar: PeakBar) {
    if let Some(level) = bar.level_db {
        // Coloured by zone: calm up to the warning level, amber to full scale, red above.
        let top = y_at(rect, level);
        for (from, to, color) in [
            (BAR_FLOOR_DBTP, PEAK_WARN_DBTP, theme::OK),
            (PEAK_WARN_DBTP, PEAK_CLIP_DBTP, theme::WARN),
            (PEAK_CLIP_DBTP, BAR_CEILING_DBTP, theme::FAIL),
        ] {
            let seg_bottom = y_at(rect, from);
            let seg_top = y_at(rect, to).max(top);
            if seg_top < seg_bottom {
                painter.rect_filled(
                    Rect::from_x_y_ranges(rect.x_range(), seg_top..=seg_bottom),
                    0.0,
                    theme::faded(color, 0.85),
                );
            }
        }
    }
    if let Some(hold) = bar.hold_db {
        let y = y_at(rect, hold);
        painter.hline(rect.x_range(), y, Stroke::new(2.0, peak_color(hold)));
    }
}

/// Maxima since reset under the bars: per channel for mono and stereo, the loudest channel
/// otherwise.
fn maxima(ui: &mut Ui, view: &View, channels: usize) {
    let s = view.snapshot;
    let color = view.text_color();
    let cell = |ui: &mut Ui, text: String, width: f32, strong: bool| {
        let mut rt = RichText::new(text).size(theme::SIZE_SMALL + 0.5);
        rt = if strong {
            rt.monospace().color(color)
        } else {
            rt.color(theme::TEXT_WEAK)
        };
        ui.add_sized([width, MAXIMA_ROW_HEIGHT], egui::Label::new(rt));
    };
    let widths = {
        let w = ui.available_width();
        [w * 0.14, w * 0.43, w * 0.43]
    };
    // Same order as the bars: sample peak, then true peak.
    let row = |ui: &mut Ui, name: &str, sample: Option<f32>, true_peak: Option<f32>| {
        cell(ui, name.to_owned(), widths[0], false);
        cell(ui, format_db(sample, "dBFS"), widths[1], true);
        cell(ui, format_db(true_peak, "dBTP"), widths[2], true);
        ui.end_row();
    };
    egui::Grid::new("peak_maxima")
        .num_columns(3)
        .spacing([0.0, 0.0])
        .min_col_width(0.0)
        .min_row_height(MAXIMA_ROW_HEIGHT)
        .show(ui, |ui| {
            cell(ui, "max".to_owned(), widths[0], false);
            cell(ui, "sample".to_owned(), widths[1], false);
            cell(ui, "true".to_owned(), widths[2], false);
            ui.end_row();
            if channels <= 2 {
                for c in 0..channels {
                    row(
                        ui,
                        channel_name(channels, c),
                        s.sample_peak_max_dbfs[c],
                        s.true_peak_max_dbtp[c],
                    );
                }
            } else {
                let loudest = |v: &[Option<f32>]| v.iter().flatten().copied().reduce(f32::max);
                row(
                    ui,
                    "all",
                    loudest(&s.sample_peak_max_dbfs[..channels]),
                    loudest(&s.true_peak_max_dbtp[..channels]),
                );
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_scale_and_colours_follow_the_thresholds() {
        assert_eq!(bar_fraction(BAR_FLOOR_DBTP - 10.0), 0.0);
        assert_eq!(bar_fraction(BAR_CEILING_DBTP + 10.0), 1.0);
        assert!((bar_fraction(PEAK_CLIP_DBTP) - 0.9).abs() < 1e-6);
        assert!((bar_fraction(-30.0) - 0.245).abs() < 1e-6);
        // Monotonic, and the headroom zone gets a tenth of the height.
        let mut last = -1.0;
        for db in -70..=5 {
            let f = bar_fraction(db as f32);
            assert!(f >= last, "{db}");
            last = f;
        }
        assert!(bar_fraction(-3.0) - bar_fraction(-6.0) > 0.09);
        assert_eq!(peak_color(-6.0), theme::OK);
        assert_eq!(peak_color(PEAK_WARN_DBTP), theme::OK);
        assert_eq!(peak_color(-1.0), theme::WARN);
        assert_eq!(peak_color(PEAK_CLIP_DBTP), theme::FAIL);
    }
}

//! Spectrum: the live 1/6-octave spectrum and the long-term one the readiness checks read, on a
//! log-frequency axis from 20 Hz to 20 kHz, drawn with a stated slope that pivots at 1 kHz so a
//! balanced mix reads flat. Behind the long-term spectrum lies the chosen style's tonal target
//! (its 10th-90th percentile range, placed at the mix's own level). The mud (200-500 Hz) and
//! harshness (2-5 kHz) regions are shaded when their check warns.

use egui::epaint::{Mesh, Vertex, WHITE_UV};
use egui::{pos2, vec2, Align, Align2, Color32, Layout, Rect, RichText, Sense, Shape, Stroke, Ui};
use preflight_dsp::readiness::{
    tilt_corrected, Check, Severity, Style, HARSH_BAND_HZ, MUD_BAND_HZ,
    REFERENCE_TILT_DB_PER_OCTAVE,
};
use preflight_dsp::{band_centers_hz, BAND_COUNT};
use preflight_dsp::{fft_len, FREQUENCY_GRID_HZ};

use super::{panel_title, View};
use crate::theme;
use crate::Actions;

/// Frequency axis (Hz).
pub const FREQ_RANGE_HZ: (f32, f32) = (20.0, 20_000.0);
/// Height of the level axis (dB).
pub const DB_SPAN: f32 = 50.0;
/// Slopes offered (dB per octave, pivoting at 1 kHz), with what each makes read flat.
pub const SLOPES_DB_PER_OCTAVE: [(f32, &str); 4] = [
    (0.0, "0 dB/oct (raw power per bin)"),
    (3.0, "3 dB/oct (pink noise reads flat)"),
    (
        REFERENCE_TILT_DB_PER_OCTAVE as f32,
        "4.5 dB/oct (a balanced mix reads flat)",
    ),
    (6.0, "6 dB/oct"),
];

pub(super) fn draw(ui: &mut Ui, view: &View, actions: &mut Actions) {
    let slope = view.model.spectrum_slope_db_per_octave();
    ui.horizontal(|ui| {
        panel_title(ui, "Spectrum");
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            slope_selector(ui, view, slope, actions);
            style_selector(ui, view, actions);
        });
    });
    let rect = ui.available_rect_before_wrap();
    if rect.height() < 30.0 {
        return;
    }
    let response = ui.allocate_rect(rect, Sense::hover());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, "Spectrum plot"));
    plot(ui, view, rect, slope);
}

/// The caption states resolution, slope and FFT size; it is also the slope selector.
fn slope_selector(ui: &mut Ui, view: &View, slope: f32, actions: &mut Actions) {
    let rate = view.snapshot.sample_rate_hz;
    let fft = if rate > 0 {
        fft_len(rate)
    } else {
        fft_len(48_000)
    };
    let caption = caption(slope, fft);
    ui.spacing_mut().interact_size.y = 16.0;
    ui.spacing_mut().button_padding = vec2(4.0, 0.0);
    egui::ComboBox::from_id_salt("spectrum_slope")
        .selected_text(
            RichText::new(caption)
                .size(theme::SIZE_SMALL)
                .color(theme::TEXT_WEAK),
        )
        .show_ui(ui, |ui| {
            for (option, text) in SLOPES_DB_PER_OCTAVE {
                if ui
                    .selectable_label((option - slope).abs() < 1e-3, text)
                    .clicked()
                {
                    actions.set_spectrum_slope = Some(option);
                }
            }
        })
        .response
        .on_hover_text(
            "Slope added to the display, pivoting at 1 kHz. The readiness checks use 4.5 dB/oct.",
        );
}

/// The style whose tonal target the checks read.
fn style_selector(ui: &mut Ui, view: &View, actions: &mut Actions) {
    let current = view.model.style();
    ui.spacing_mut().interact_size.y = 16.0;
    ui.spacing_mut().button_padding = vec2(4.0, 0.0);
    egui::ComboBox::from_id_salt("tonal_style")
        .selected_text(
            RichText::new(format!("target: {}", current.id()))
                .size(theme::SIZE_SMALL)
                .color(theme::TEXT_WEAK),
        )
        .show_ui(ui, |ui| {
            for style in Style::ALL {
                if ui
                    .selectable_label(style == current, style.title())
                    .clicked()
                    && style != current
                {
                    actions.set_style = Some(style);
                }
            }
        })
        .response
        .on_hover_text(format!(
            "Tonal-balance target the spectral checks read: {}",
            view.model.tonal_target().source
        ));
}

/// "1/6 oct · 4.5 dB/oct slope · 4096-pt FFT".
pub(crate) fn caption(slope_db_per_octave: f32, fft_points: usize) -> String {
    let slope = if slope_db_per_octave.fract() == 0.0 {
        format!("{slope_db_per_octave:.0}")
    } else {
        format!("{slope_db_per_octave:.1}")
    };
    format!("1/6 oct · {slope} dB/oct slope · {fft_points}-pt FFT")
}

fn x_of_hz(rect: Rect, hz: f32) -> f32 {
    let (lo, hi) = (FREQ_RANGE_HZ.0.log2(), FREQ_RANGE_HZ.1.log2());
    let t = ((hz.max(1.0).log2() - lo) / (hi - lo)).clamp(0.0, 1.0);
    rect.left() + t * rect.width()
}

/// Top of the level axis: the loudest band of the long-term spectrum (or the live one before
/// there is one) with some room, on a 10 dB step so the axis does not wander.
fn axis_top(view: &View, tilt: impl Fn(usize, f32) -> f32) -> f32 {
    let long_term = view.snapshot.readiness.spectrum_db;
    let mut loudest = long_term
        .iter()
        .enumerate()
        .filter_map(|(b, v)| v.map(|v| tilt(b, v as f32)))
        .fold(f32::NEG_INFINITY, f32::max);
    if !loudest.is_finite() {
        loudest = view
            .snapshot
            .spectrum_db
            .iter()
            .enumerate()
            .filter_map(|(b, v)| v.map(|v| tilt(b, v)))
            .fold(f32::NEG_INFINITY, f32::max);
    }
    if loudest.is_finite() {
        ((loudest + 8.0) / 10.0).ceil() * 10.0
    } else {
        -30.0
    }
}

fn plot(ui: &Ui, view: &View, rect: Rect, slope: f32) {
    let painter = ui.painter().with_clip_rect(rect);
    painter.rect_filled(rect, 3.0, theme::TRACK);
    // Frequency labels below the plot, level labels in a gutter on the right.
    let plot = Rect::from_min_max(rect.min, pos2(rect.right() - 30.0, rect.bottom() - 13.0));

    let centres = band_centers_hz();
    let tilt = |b: usize, db: f32| db + slope * (centres[b] as f32 / 1000.0).log2();
    let top = axis_top(view, tilt);
    let range = (top - DB_SPAN, top);
    let y_of = |db: f32| super::y_of(plot, db, range);

    // Problem regions, only when their check warns.
    if let Some(report) = view.model.report() {
        for (id, (lo, hi), word) in [
            (Check::LowEnd, MUD_BAND_HZ, "⚠ MUD"),
            (Check::Harshness, HARSH_BAND_HZ, "⚠ HARSH"),
        ] {
            let flagged = report
                .findings
                .iter()
                .any(|f| f.id == id && f.severity >= Severity::Warn);
            if flagged {
                let zone = Rect::from_x_y_ranges(
                    x_of_hz(plot, lo as f32)..=x_of_hz(plot, hi as f32),
                    plot.y_range(),
                );
                painter.rect_filled(zone, 0.0, theme::faded(theme::WARN, 0.16));
                let described = format!("{word} zone {lo:.0}-{hi:.0} Hz");
                ui.interact(zone, ui.scope_id().with(id), Sense::hover())
                    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &described));
                painter.text(
                    pos2(zone.center().x, zone.bottom() - 2.0),
                    Align2::CENTER_BOTTOM,
                    word,
                    theme::font(theme::SIZE_SMALL),
                    theme::WARN,
                );
            }
        }
    }

    // Grid.
    let grid = Stroke::new(1.0, theme::GRID);
    for (hz, label) in FREQUENCY_GRID_HZ {
        let x = x_of_hz(plot, hz as f32);
        painter.vline(x, plot.y_range(), grid);
        painter.text(
            pos2(x, rect.bottom()),
            Align2::CENTER_BOTTOM,
            label,
            theme::font(theme::SIZE_SMALL),
            theme::TEXT_WEAK,
        );
    }
    // Level grid every 10 dB, or 20 dB when the plot is short; labels on the right.
    let step = if plot.height() / (DB_SPAN / 10.0) < 16.0 {
        20.0
    } else {
        10.0
    };
    let mut db = top - step;
    while db > range.0 {
        let y = y_of(db);
        painter.hline(plot.x_range(), y, grid);
        painter.text(
            pos2(rect.right() - 3.0, y),
            Align2::RIGHT_CENTER,
            format!("{db:.0}"),
            theme::font(theme::SIZE_SMALL - 0.5),
            theme::TEXT_STALE,
        );
        db -= step;
    }
    painter.text(
        pos2(rect.right() - 3.0, plot.top() + 1.0),
        Align2::RIGHT_TOP,
        "dB",
        theme::font(theme::SIZE_SMALL - 0.5),
        theme::TEXT_STALE,
    );

    // Live spectrum: a filled area under a line.
    let live: [Option<f32>; BAND_COUNT] = if view.live {
        view.snapshot.spectrum_db
    } else {
        [None; BAND_COUNT]
    };
    let points: Vec<Option<egui::Pos2>> = live
        .iter()
        .enumerate()
        .map(|(b, v)| v.map(|v| pos2(x_of_hz(plot, centres[b] as f32), y_of(tilt(b, v)))))
        .collect();
    fill_under(&painter, &points, plot.bottom(), theme::SPECTRUM);
    for run in runs(&points) {
        painter.add(Shape::line(run, Stroke::new(1.5, theme::SPECTRUM)));
    }

    // The target's range behind the long-term spectrum, at the mix's own level: the target is
    // normalised (4.5 dB/oct tilt, relative to the median over 100 Hz-10 kHz), so it is placed
    // at the median of this mix and drawn with the display's slope.
    if let (_, Some(median)) = tilt_corrected(&view.snapshot.readiness.spectrum_db) {
        let edge = |pick: fn(&preflight_dsp::readiness::Range) -> f64| -> Vec<Option<egui::Pos2>> {
            view.model
                .tonal_target()
                .bands
                .iter()
                .enumerate()
                .map(|(b, r)| {
                    r.as_ref().map(|r| {
                        let raw = median + pick(r)
                            - REFERENCE_TILT_DB_PER_OCTAVE * (centres[b] / 1000.0).log2();
                        pos2(x_of_hz(plot, centres[b] as f32), y_of(tilt(b, raw as f32)))
                    })
                })
                .collect()
        };
        fill_between(&painter, &edge(|r| r.high), &edge(|r| r.low), theme::TARGET);
    }

    // The references' mean, loudness-matched: placed at this mix's integrated loudness.
    let reference_line: Vec<Option<egui::Pos2>> = match (
        view.snapshot.readiness.integrated_lufs,
        view.model.references_mean(),
    ) {
        (Some(integrated), Some(mean)) => mean
            .iter()
            .enumerate()
            .map(|(b, v)| {
                v.map(|v| {
                    pos2(
                        x_of_hz(plot, centres[b] as f32),
                        y_of(tilt(b, (v + integrated) as f32)),
                    )
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    for run in runs(&reference_line) {
        painter.add(Shape::line(run, Stroke::new(1.2, theme::REFERENCE)));
    }

    // Long-term spectrum (what the checks read).
    let long_term: Vec<Option<egui::Pos2>> = view
        .snapshot
        .readiness
        .spectrum_db
        .iter()
        .enumerate()
        .map(|(b, v)| v.map(|v| pos2(x_of_hz(plot, centres[b] as f32), y_of(tilt(b, v as f32)))))
        .collect();
    let lt_alpha = if view.live { 0.9 } else { 0.5 };
    for run in runs(&long_term) {
        painter.add(Shape::line(
            run,
            Stroke::new(1.2, theme::faded(theme::SPECTRUM_LONG_TERM, lt_alpha)),
        ));
    }

    // Legend, top left.
    let font = theme::font(theme::SIZE_SMALL);
    let mut x = plot.left() + 4.0;
    for (text, color) in [
        ("— live", theme::SPECTRUM),
        (
            "— long-term (what the checks read)",
            theme::SPECTRUM_LONG_TERM,
        ),
        ("■ target range", theme::TARGET),
    ]
    .into_iter()
    .chain((!reference_line.is_empty()).then_some(("— references", theme::REFERENCE)))
    {
        let r = painter.text(
            pos2(x, plot.top() + 2.0),
            Align2::LEFT_TOP,
            text,
            font.clone(),
            color,
        );
        x = r.right() + 10.0;
    }
    if points.iter().all(Option::is_none) && long_term.iter().all(Option::is_none) {
        painter.text(
            plot.center(),
            Align2::CENTER_CENTER,
            if view.live { "no signal" } else { "—" },
            theme::font(theme::SIZE_BODY),
            theme::TEXT_WEAK,
        );
    }
}

/// Runs of consecutive present points.
fn runs(points: &[Option<egui::Pos2>]) -> Vec<Vec<egui::Pos2>> {
    let mut out = Vec::new();
    let mut run = Vec::new();
    for p in points {
        match p {
            Some(p) => run.push(*p),
            None if run.len() > 1 => out.push(std::mem::take(&mut run)),
            None => run.clear(),
        }
    }
    if run.len() > 1 {
        out.push(run);
    }
    out
}

/// The area between the line through `points` and `bottom`, fading towards the bottom.
/// Adds the quad `corners` (clockwise) to `mesh`, each corner in its colour.
fn quad(mesh: &mut Mesh, corners: [(egui::Pos2, Color32); 4]) {
    let base = mesh.vertices.len() as u32;
    for (pos, color) in corners {
        mesh.vertices.push(Vertex {
            pos,
            uv: WHITE_UV,
            color,
        });
    }
    mesh.add_triangle(base, base + 1, base + 2);
    mesh.add_triangle(base, base + 2, base + 3);
}

fn paint(painter: &egui::Painter, mesh: Mesh) {
    if !mesh.is_empty() {
        painter.add(Shape::mesh(mesh));
    }
}

/// Fills the area between two lines (same x per index) where both have points.
fn fill_between(
    painter: &egui::Painter,
    upper: &[Option<egui::Pos2>],
    lower: &[Option<egui::Pos2>],
    color: Color32,
) {
    let mut mesh = Mesh::default();
    let fill = theme::faded(color, 0.22);
    for k in 1..upper.len().min(lower.len()) {
        if let (Some(a), Some(b), Some(c), Some(d)) =
            (upper[k - 1], upper[k], lower[k], lower[k - 1])
        {
            quad(&mut mesh, [(a, fill), (b, fill), (c, fill), (d, fill)]);
        }
    }
    paint(painter, mesh);
}

fn fill_under(painter: &egui::Painter, points: &[Option<egui::Pos2>], bottom: f32, color: Color32) {
    let mut mesh = Mesh::default();
    let top_color = theme::faded(color, 0.45);
    let bottom_color = theme::faded(color, 0.08);
    for pair in points.windows(2) {
        if let (Some(a), Some(b)) = (pair[0], pair[1]) {
            quad(
                &mut mesh,
                [
                    (a, top_color),
                    (b, top_color),
                    (pos2(b.x, bottom), bottom_color),
                    (pos2(a.x, bottom), bottom_color),
                ],
            );
        }
    }
    paint(painter, mesh);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caption_states_resolution_slope_and_fft_size() {
        assert_eq!(
            caption(4.5, 4096),
            "1/6 oct · 4.5 dB/oct slope · 4096-pt FFT"
        );
        assert_eq!(caption(3.0, 8192), "1/6 oct · 3 dB/oct slope · 8192-pt FFT");
    }

    #[test]
    fn slope_options_say_what_they_are() {
        for (slope, text) in SLOPES_DB_PER_OCTAVE {
            assert!(text.starts_with(&format!("{slope} dB/oct")), "{text}");
        }
        assert!(SLOPES_DB_PER_OCTAVE
            .iter()
            .any(|&(s, _)| s == REFERENCE_TILT_DB_PER_OCTAVE as f32));
    }

    #[test]
    fn frequency_axis_is_logarithmic() {
        let rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(300.0, 100.0));
        assert_eq!(x_of_hz(rect, 20.0), 0.0);
        assert_eq!(x_of_hz(rect, 20_000.0), 300.0);
        // Each decade is a third of the width.
        assert!((x_of_hz(rect, 200.0) - 100.0).abs() < 1e-3);
        assert!((x_of_hz(rect, 2_000.0) - 200.0).abs() < 1e-3);
    }
}

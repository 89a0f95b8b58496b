//! Loudness: momentary, short-term and integrated as numbers and bars, the loudness range
//! (flagged unstable for its first minute), PLR and PSR, and the history of the last minute with
//! the target of the chosen profile (the mix zone, or the platform's target line).

use egui::{pos2, vec2, Align2, Color32, Rect, RichText, Sense, Shape, Stroke, Ui};
use preflight_dsp::readiness::{Profile, MIX_LOUDNESS_MAX_LUFS, MIX_LOUDNESS_MIN_LUFS};

use super::{dashed_hline, x_of, y_of, View};
use crate::format::{format_db, format_lu, format_lufs};
use crate::model::{HISTORY_SECONDS, SNAPSHOT_RATE_HZ};
use crate::theme;

/// Scale of the loudness bars (LUFS).
pub const LOUDNESS_SCALE_LUFS: (f32, f32) = (-48.0, 0.0);
/// Scale of the history graph (LUFS): mixes and masters both sit well inside it.
pub const HISTORY_SCALE_LUFS: (f32, f32) = (-45.0, -5.0);
/// Grid lines of the history graph (LUFS).
const GRID_LUFS: [f32; 4] = [-40.0, -30.0, -20.0, -10.0];

const NAME_WIDTH: f32 = 76.0;
const VALUE_WIDTH: f32 = 108.0;
const ROW_HEIGHT: f32 = 22.0;
const BAR_HEIGHT: f32 = 9.0;

pub(super) fn draw(ui: &mut Ui, view: &View) {
    let bounds = ui.max_rect();
    let s = view.snapshot;
    // Momentary and short-term are live windows: when no audio arrives they do not exist.
    let live = |v: Option<f32>| if view.live { v } else { None };
    target_caption(ui, view);
    meter_row(
        ui,
        view,
        "Momentary",
        live(s.momentary_lufs),
        theme::MOMENTARY,
    );
    meter_row(
        ui,
        view,
        "Short-term",
        live(s.short_term_lufs),
        theme::SHORT_TERM,
    );
    meter_row(ui, view, "Integrated", s.integrated_lufs, theme::INTEGRATED);
    maxima(ui, view);
    ui.add_space(2.0);
    statistics(ui, view);
    ui.add_space(4.0);
    let rect = Rect::from_min_max(pos2(bounds.left(), ui.cursor().top()), bounds.max);
    if rect.height() > 30.0 {
        ui.allocate_rect(rect, Sense::hover());
        history(ui, view, rect);
    }
}

/// What the bars and graph are held against, top right of the panel.
fn target_caption(ui: &mut Ui, view: &View) {
    let text = match view.model.profile() {
        Profile::Mix => {
            format!("mix target {MIX_LOUDNESS_MIN_LUFS:.0} … {MIX_LOUDNESS_MAX_LUFS:.0} LUFS")
        }
        Profile::Master => {
            let p = view.model.platform();
            format!("{} target {:.0} LUFS", p.name, p.target_lufs)
        }
    };
    super::caption(ui, text);
}

fn meter_row(ui: &mut Ui, view: &View, name: &str, value: Option<f32>, color: Color32) {
    ui.horizontal(|ui| {
        ui.set_height(ROW_HEIGHT);
        ui.add_sized(
            [NAME_WIDTH, ROW_HEIGHT],
            egui::Label::new(RichText::new(name).color(theme::TEXT_WEAK)),
        );
        ui.add_sized(
            [VALUE_WIDTH, ROW_HEIGHT],
            egui::Label::new(
                RichText::new(format_lufs(value))
                    .font(theme::mono(theme::SIZE_READING))
                    .color(view.text_color()),
            ),
        );
        let width = ui.available_width().max(20.0);
        let (rect, response) = ui.allocate_exact_size(vec2(width, ROW_HEIGHT), Sense::hover());
        response.widget_info(|| egui::WidgetInfo {
            value: value.map(f64::from),
            ..egui::WidgetInfo::labeled(egui::Role::Meter, true, format!("{name} loudness"))
        });
        let bar = Rect::from_center_size(rect.center(), vec2(rect.width(), BAR_HEIGHT));
        loudness_bar(ui, view, bar, value, color);
    });
}

fn loudness_bar(ui: &Ui, view: &View, rect: Rect, value: Option<f32>, color: Color32) {
    let painter = ui.painter();
    painter.rect_filled(rect, 2.0, theme::TRACK);
    target_marks(painter, view, rect, true, LOUDNESS_SCALE_LUFS);
    if let Some(v) = value {
        let x = x_of(rect, v, LOUDNESS_SCALE_LUFS);
        let fill = Rect::from_min_max(rect.min, pos2(x, rect.bottom()));
        let color = if view.live {
            color
        } else {
            theme::faded(color, 0.4)
        };
        painter.rect_filled(fill, 2.0, theme::faded(color, 0.85));
        painter.vline(x, rect.y_range(), Stroke::new(2.0, color));
    }
}

/// The target of the chosen profile on a horizontal bar (`horizontal`) or across the history.
fn target_marks(
    painter: &egui::Painter,
    view: &View,
    rect: Rect,
    horizontal: bool,
    scale: (f32, f32),
) {
    match view.model.profile() {
        Profile::Mix => {
            let (lo, hi) = (MIX_LOUDNESS_MIN_LUFS as f32, MIX_LOUDNESS_MAX_LUFS as f32);
            let zone = if horizontal {
                Rect::from_x_y_ranges(
                    x_of(rect, lo, scale)..=x_of(rect, hi, scale),
                    rect.y_range(),
                )
            } else {
                Rect::from_x_y_ranges(
                    rect.x_range(),
                    y_of(rect, hi, scale)..=y_of(rect, lo, scale),
                )
            };
            painter.rect_filled(zone, 0.0, theme::TARGET_ZONE);
        }
        Profile::Master => {
            let target = view.model.platform().target_lufs as f32;
            let stroke = Stroke::new(1.0, theme::faded(theme::OK, 0.9));
            if horizontal {
                let x = x_of(rect, target, scale);
                painter.vline(x, rect.y_range(), stroke);
            } else {
                let y = y_of(rect, target, scale);
                dashed_hline(painter, (rect.left() + 24.0, rect.right()), y, stroke);
                painter.text(
                    pos2(rect.left() + 28.0, y - 1.0),
                    Align2::LEFT_BOTTOM,
                    format!("{} {target:.0}", view.model.platform().name),
                    theme::font(theme::SIZE_SMALL),
                    theme::OK,
                );
            }
        }
    }
}

fn maxima(ui: &mut Ui, view: &View) {
    let s = view.snapshot;
    ui.label(
        RichText::new(format!(
            "max momentary {}   ·   max short-term {}",
            format_lufs(s.max_momentary_lufs),
            format_lufs(s.max_short_term_lufs)
        ))
        .size(theme::SIZE_SMALL)
        .color(theme::TEXT_WEAK),
    );
}

fn statistics(ui: &mut Ui, view: &View) {
    let s = view.snapshot;
    ui.horizontal(|ui| {
        stat(ui, view, "LRA", format_lu(s.loudness_range_lu));
        if s.loudness_range_lu.is_some() && !s.lra_stable {
            ui.label(
                RichText::new("⚠ unstable")
                    .size(theme::SIZE_SMALL)
                    .color(theme::WARN),
            )
            .on_hover_text("The loudness range needs about 60 s of audio to mean anything");
        }
        ui.add_space(6.0);
        stat(ui, view, "PLR", format_db(s.plr_db, "dB").replace('+', ""));
        ui.add_space(6.0);
        let psr = if view.live { s.psr_db } else { None };
        stat(ui, view, "PSR", format_db(psr, "dB").replace('+', ""));
    })
    .response
    .on_hover_text(
        "LRA: loudness range (EBU Tech 3342) · PLR: true peak max − integrated · PSR: recent true peak − short-term",
    );
}

fn stat(ui: &mut Ui, view: &View, name: &str, value: String) {
    ui.label(RichText::new(name).color(theme::TEXT_WEAK));
    ui.label(
        RichText::new(value)
            .font(theme::mono(theme::SIZE_BODY + 0.5))
            .color(view.text_color()),
    );
}

/// Short-term and momentary loudness over the last minute, newest at the right.
fn history(ui: &Ui, view: &View, rect: Rect) {
    let painter = ui.painter().with_clip_rect(rect);
    painter.rect_filled(rect, 3.0, theme::TRACK);
    let plot = rect.shrink2(vec2(0.0, 2.0));
    let font = theme::font(theme::SIZE_SMALL);
    target_marks(&painter, view, plot, false, HISTORY_SCALE_LUFS);
    for lufs in GRID_LUFS {
        let y = y_of(plot, lufs, HISTORY_SCALE_LUFS);
        painter.hline(plot.x_range(), y, Stroke::new(1.0, theme::GRID));
        painter.text(
            pos2(plot.left() + 3.0, y),
            Align2::LEFT_CENTER,
            format!("{lufs:.0}"),
            font.clone(),
            theme::TEXT_WEAK,
        );
    }
    for seconds in [15.0, 30.0, 45.0] {
        let x = plot.right() - plot.width() * seconds / HISTORY_SECONDS as f32;
        painter.vline(x, plot.y_range(), Stroke::new(1.0, theme::GRID));
        painter.text(
            pos2(x - 2.0, plot.bottom()),
            Align2::RIGHT_BOTTOM,
            format!("-{seconds:.0} s"),
            font.clone(),
            theme::TEXT_STALE,
        );
    }

    let alpha = if view.live { 1.0 } else { 0.45 };
    for line in trace(view, plot, |p| p.momentary_lufs, true) {
        painter.add(Shape::line(
            line,
            Stroke::new(1.0, theme::faded(theme::MOMENTARY, 0.8 * alpha)),
        ));
    }
    for line in trace(view, plot, |p| p.short_term_lufs, false) {
        painter.add(Shape::line(
            line,
            Stroke::new(1.8, theme::faded(theme::SHORT_TERM, alpha)),
        ));
    }
    if let Some(i) = view.snapshot.integrated_lufs {
        let y = y_of(plot, i, HISTORY_SCALE_LUFS);
        dashed_hline(
            &painter,
            (plot.left() + 24.0, plot.right()),
            y,
            Stroke::new(1.0, theme::faded(theme::INTEGRATED, 0.8)),
        );
    }

    // Legend, top right.
    let mut x = plot.right() - 4.0;
    let stopped = if view.live { "" } else { " (stopped)" };
    for (text, color) in [
        (
            format!("last {HISTORY_SECONDS} s{stopped}"),
            theme::TEXT_WEAK,
        ),
        ("- - integrated".to_owned(), theme::INTEGRATED),
        ("— momentary".to_owned(), theme::MOMENTARY),
        ("— short-term".to_owned(), theme::SHORT_TERM),
    ] {
        let r = painter.text(
            pos2(x, plot.top() + 1.0),
            Align2::RIGHT_TOP,
            text,
            font.clone(),
            color,
        );
        x = r.left() - 8.0;
    }
}

/// The history decimated to one point per pixel column, split where the value is missing.
/// Momentary takes each column's maximum (so short bursts stay visible), short-term its newest.
fn trace(
    view: &View,
    plot: Rect,
    value: impl Fn(&crate::model::HistoryPoint) -> Option<f32>,
    column_max: bool,
) -> Vec<Vec<egui::Pos2>> {
    let history = view.model.history();
    let capacity = (SNAPSHOT_RATE_HZ * HISTORY_SECONDS) as usize;
    let columns = plot.width().max(1.0).floor() as usize;
    let per_column = capacity as f32 / columns as f32;
    let mut lines = Vec::new();
    let mut current: Vec<egui::Pos2> = Vec::new();
    // Column 0 is the newest (right edge).
    for column in 0..columns {
        let first_age = (column as f32 * per_column).floor() as usize;
        let end_age = (((column + 1) as f32 * per_column).floor() as usize).max(first_age + 1);
        if first_age >= history.len() {
            break;
        }
        let mut v: Option<f32> = None;
        for age in first_age..end_age.min(history.len()) {
            let Some(x) = history.get_back(age).and_then(&value) else {
                continue;
            };
            v = Some(match v {
                Some(prev) if column_max => prev.max(x),
                Some(prev) => prev,
                None => x,
            });
        }
        match v {
            Some(v) => current.push(pos2(
                plot.right() - column as f32 - 0.5,
                y_of(plot, v, HISTORY_SCALE_LUFS),
            )),
            None => {
                if current.len() > 1 {
                    lines.push(std::mem::take(&mut current));
                } else {
                    current.clear();
                }
            }
        }
    }
    if current.len() > 1 {
        lines.push(current);
    }
    lines
}

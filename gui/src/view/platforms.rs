//! The platform table: for every streaming or broadcast target, its loudness target and
//! true-peak ceiling, the gain it will apply to this master, the true peak after that gain, and
//! what that means. The platform chosen in the top bar is highlighted.

use egui::{pos2, vec2, Align, Color32, Layout, Rect, RichText, Sense, Ui, UiBuilder};
use preflight_dsp::platforms::{self, PlatformOutcome, PlatformStatus, PLATFORMS};

use super::{View, PANEL_PADDING};
use crate::format::{format_db, NO_VALUE};
use crate::theme;

const ROW_HEIGHT: f32 = 14.5;
/// Column widths (points); the last column takes the rest.
const COLUMNS: [(&str, f32); 6] = [
    ("PLATFORMS", 170.0),
    ("Target", 84.0),
    ("Ceiling", 78.0),
    ("Gain", 78.0),
    ("True peak after", 112.0),
    ("What happens", 0.0),
];

/// Height the panel needs for the whole table (points).
pub(super) fn height() -> f32 {
    2.0 * PANEL_PADDING.y + ROW_HEIGHT * (PLATFORMS.len() as f32 + 1.0) + 4.0
}

pub(super) fn draw(ui: &mut Ui, view: &View) {
    let computed;
    let outcomes: &[PlatformOutcome] = match view.model.report() {
        Some(r) => &r.platforms,
        None => {
            computed = platforms::table(None, None);
            &computed
        }
    };
    let chosen = view.model.platform().id;
    let top = ui.available_rect_before_wrap();
    let header = Rect::from_min_size(top.min, vec2(top.width(), ROW_HEIGHT));
    row(ui, header, |col| {
        let mut text = RichText::new(COLUMNS[col].0).color(theme::TEXT_WEAK);
        text = if col == 0 {
            text.size(theme::SIZE_TITLE).strong()
        } else {
            text.size(theme::SIZE_SMALL)
        };
        (text, None)
    });
    let below_header = header.bottom() + 1.0;
    ui.painter().hline(
        header.x_range(),
        below_header,
        egui::Stroke::new(1.0, theme::PANEL_STROKE),
    );
    for (i, outcome) in outcomes.iter().enumerate() {
        let rect = header.translate(vec2(0.0, ROW_HEIGHT * (i as f32 + 1.0) + 3.0));
        let is_chosen = outcome.platform.id == chosen;
        if is_chosen {
            ui.painter()
                .rect_filled(rect.expand2(vec2(4.0, 0.0)), 3.0, theme::HIGHLIGHT);
        }
        row(ui, rect, |col| cell(view, outcome, col, is_chosen));
    }
    ui.allocate_rect(
        Rect::from_min_max(
            top.min,
            pos2(
                top.right(),
                top.top() + ROW_HEIGHT * (outcomes.len() as f32 + 1.0),
            ),
        ),
        Sense::hover(),
    );
}

fn row(ui: &mut Ui, rect: Rect, mut content: impl FnMut(usize) -> (RichText, Option<String>)) {
    let mut x = rect.left();
    for (col, &(_, width)) in COLUMNS.iter().enumerate() {
        let width = if width > 0.0 { width } else { rect.right() - x };
        let cell_rect = Rect::from_min_size(pos2(x, rect.top()), vec2(width, rect.height()));
        let (text, hover) = content(col);
        ui.scope_builder(
            UiBuilder::new()
                .max_rect(cell_rect)
                .layout(Layout::left_to_right(Align::Center)),
            |ui| {
                let response = ui.add(egui::Label::new(text).truncate());
                if let Some(hover) = hover {
                    response.on_hover_text(hover);
                }
            },
        );
        x += width;
    }
}

fn cell(
    view: &View,
    outcome: &PlatformOutcome,
    col: usize,
    is_chosen: bool,
) -> (RichText, Option<String>) {
    let p = outcome.platform;
    let color = if is_chosen {
        theme::TEXT
    } else {
        view.text_color()
    };
    let plain = |text: String| RichText::new(text).color(color);
    match col {
        0 => {
            let marker = if is_chosen { "▶ " } else { "   " };
            let mut text = RichText::new(format!("{marker}{}", p.name)).color(color);
            if is_chosen {
                text = text.strong();
            }
            (text, Some(p.note.to_owned()))
        }
        1 => (plain(format!("{:.0} LUFS", p.target_lufs)), None),
        2 => (plain(format!("{:.0} dBTP", outcome.ceiling_dbtp)), None),
        3 => (
            plain(
                outcome
                    .gain_db
                    .map_or_else(|| NO_VALUE.to_owned(), |g| format_db(Some(g as f32), "dB")),
            )
            .monospace(),
            None,
        ),
        4 => (
            plain(format_db(
                outcome.true_peak_after_dbtp.map(|v| v as f32),
                "dBTP",
            ))
            .monospace(),
            None,
        ),
        _ => {
            let (icon, status_color) = status_style(outcome.status);
            let status_color = if view.live {
                status_color
            } else {
                theme::faded(status_color, 0.6)
            };
            (
                RichText::new(format!("{icon} {}", outcome.describe())).color(status_color),
                None,
            )
        }
    }
}

/// Icon and colour of a platform status (the sentence beside it says it in words).
fn status_style(status: PlatformStatus) -> (&'static str, Color32) {
    match status {
        PlatformStatus::TurnedDown => ("⏷", theme::INFO),
        PlatformStatus::Raised => ("⏶", theme::INFO),
        PlatformStatus::AtTarget => ("✔", theme::OK),
        PlatformStatus::StaysQuieter => ("○", theme::TEXT_WEAK),
        PlatformStatus::OverCeiling => ("⚠", theme::FAIL),
        PlatformStatus::NoSignal => ("—", theme::TEXT_WEAK),
    }
}

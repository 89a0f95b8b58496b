//! The main view: status, the loudness readings, per-channel true-peak bars and the transport of
//! the measurement (reset, reset maxima, pause).

use egui::{Color32, Rect, RichText, Sense, Ui, Vec2};
use preflight_dsp::Snapshot;

use crate::format::{channel_name, format_correlation, format_db, format_lu, format_lufs};
use crate::model::Model;

/// Peaks above this leave too little headroom for mastering (DOMAIN: "above -3 dBFS").
pub const PEAK_WARN_DBTP: f32 = -3.0;
/// Peaks at or above this clip on conversion and cannot be undone.
pub const PEAK_CLIP_DBTP: f32 = 0.0;
/// Bottom of the peak bar scale.
pub const BAR_FLOOR_DBTP: f32 = -60.0;
/// Top of the peak bar scale, a little above full scale so overs are visible.
pub const BAR_CEILING_DBTP: f32 = 3.0;

const BAR_SIZE: Vec2 = Vec2::new(320.0, 14.0);
const LABEL_WIDTH: f32 = 36.0;
const COLOR_OK: Color32 = Color32::from_rgb(80, 190, 110);
const COLOR_WARN: Color32 = Color32::from_rgb(235, 170, 40);
const COLOR_CLIP: Color32 = Color32::from_rgb(230, 60, 50);

/// What the user asked for during one frame. The host carries these out (on the audio side) after
/// [`draw`] returns; the view itself changes nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Actions {
    /// Start a new measurement (integrated, LRA, maxima, counts).
    pub reset: bool,
    /// Clear the maxima only.
    pub reset_maxima: bool,
    /// Pause (`Some(true)`) or resume (`Some(false)`) the integrating measurements.
    pub set_paused: Option<bool>,
}

/// Draws the editor's main view from `model` and records button presses in `actions`.
pub fn draw(ui: &mut Ui, model: &Model, actions: &mut Actions) {
    let fallback = Snapshot::default();
    let snapshot = model.latest().unwrap_or(&fallback);

    ui.heading("Preflight");
    status_line(ui, model, snapshot);
    ui.separator();
    readings(ui, snapshot);
    ui.separator();
    peak_bars(ui, model, snapshot);
    ui.separator();
    buttons(ui, snapshot, actions);
}

fn status_line(ui: &mut Ui, model: &Model, s: &Snapshot) {
    let (text, color) = if model.is_idle() {
        ("Idle — no audio".to_owned(), ui.visuals().weak_text_color())
    } else if model.is_held() {
        (
            "Held — transport stopped".to_owned(),
            ui.visuals().warn_fg_color,
        )
    } else if s.paused {
        ("Paused".to_owned(), ui.visuals().warn_fg_color)
    } else {
        let measured_s = if s.sample_rate_hz > 0 {
            s.frames_measured / u64::from(s.sample_rate_hz)
        } else {
            0
        };
        (
            format!(
                "Measuring · {:.1} kHz · {} ch · {}:{:02} measured",
                s.sample_rate_hz as f32 / 1000.0,
                s.channels,
                measured_s / 60,
                measured_s % 60
            ),
            ui.visuals().text_color(),
        )
    };
    ui.label(RichText::new(text).color(color));
}

fn readings(ui: &mut Ui, s: &Snapshot) {
    let channels = usize::from(s.channels).min(s.true_peak_max_dbtp.len());
    let max_true_peak = s.true_peak_max_dbtp[..channels]
        .iter()
        .flatten()
        .copied()
        .reduce(f32::max);
    egui::Grid::new("readings")
        .num_columns(3)
        .spacing([24.0, 6.0])
        .show(ui, |ui| {
            row(ui, "Momentary", format_lufs(s.momentary_lufs), None);
            row(ui, "Short-term", format_lufs(s.short_term_lufs), None);
            row(ui, "Integrated", format_lufs(s.integrated_lufs), None);
            let lra_note = (s.loudness_range_lu.is_some() && !s.lra_stable)
                .then_some("settling: under 60 s measured");
            row(
                ui,
                "Loudness range",
                format_lu(s.loudness_range_lu),
                lra_note,
            );
            row(ui, "True peak max", format_db(max_true_peak, "dBTP"), None);
            row(ui, "Correlation", format_correlation(s.correlation), None);
        });
}

fn row(ui: &mut Ui, name: &str, value: String, note: Option<&str>) {
    ui.label(name);
    ui.label(RichText::new(value).monospace().strong().size(18.0));
    match note {
        Some(note) => ui.label(RichText::new(note).small().weak()),
        None => ui.label(""),
    };
    ui.end_row();
}

fn peak_bars(ui: &mut Ui, model: &Model, s: &Snapshot) {
    let channels = usize::from(s.channels).min(s.true_peak_max_dbtp.len());
    for c in 0..channels {
        ui.horizontal(|ui| {
            let name = channel_name(channels, c);
            ui.add_sized([LABEL_WIDTH, BAR_SIZE.y], egui::Label::new(name));
            peak_bar(ui, name, model.bar_dbtp()[c]);
            ui.label(RichText::new(format_db(s.true_peak_max_dbtp[c], "dBTP")).monospace());
        });
    }
}

fn peak_color(level_dbtp: f32) -> Color32 {
    if level_dbtp >= PEAK_CLIP_DBTP {
        COLOR_CLIP
    } else if level_dbtp > PEAK_WARN_DBTP {
        COLOR_WARN
    } else {
        COLOR_OK
    }
}

/// Position of `level_dbtp` along the bar, 0 at the floor and 1 at the ceiling.
fn bar_fraction(level_dbtp: f32) -> f32 {
    ((level_dbtp - BAR_FLOOR_DBTP) / (BAR_CEILING_DBTP - BAR_FLOOR_DBTP)).clamp(0.0, 1.0)
}

fn peak_bar(ui: &mut Ui, channel: &str, level_dbtp: Option<f32>) {
    let (rect, response) = ui.allocate_exact_size(BAR_SIZE, Sense::hover());
    response.widget_info(|| egui::WidgetInfo {
        value: level_dbtp.map(f64::from),
        ..egui::WidgetInfo::labeled(egui::Role::Meter, true, format!("{channel} true peak"))
    });
    if !ui.is_rect_visible(rect) {
        return;
    }
    let painter = ui.painter();
    painter.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    if let Some(level) = level_dbtp {
        let width = rect.width() * bar_fraction(level);
        let filled = Rect::from_min_size(rect.min, Vec2::new(width, rect.height()));
        painter.rect_filled(filled, 2.0, peak_color(level));
    }
    for (mark, color) in [(PEAK_WARN_DBTP, COLOR_WARN), (PEAK_CLIP_DBTP, COLOR_CLIP)] {
        let x = rect.left() + rect.width() * bar_fraction(mark);
        painter.line_segment(
            [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
            (1.0, color),
        );
    }
}

fn buttons(ui: &mut Ui, s: &Snapshot, actions: &mut Actions) {
    ui.horizontal(|ui| {
        if ui.button("Reset").clicked() {
            actions.reset = true;
        }
        if ui.button("Reset maxima").clicked() {
            actions.reset_maxima = true;
        }
        let pause_label = if s.paused { "Resume" } else { "Pause" };
        if ui.button(pause_label).clicked() {
            actions.set_paused = Some(!s.paused);
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
        assert!(bar_fraction(PEAK_WARN_DBTP) < bar_fraction(PEAK_CLIP_DBTP));
        assert_eq!(peak_color(-6.0), COLOR_OK);
        assert_eq!(peak_color(PEAK_WARN_DBTP), COLOR_OK);
        assert_eq!(peak_color(-1.0), COLOR_WARN);
        assert_eq!(peak_color(PEAK_CLIP_DBTP), COLOR_CLIP);
    }
}

//! Stereo: a goniometer (mono vertical, out-of-phase horizontal) with a short fading trail, the
//! broadband and low-band correlation meters from -1 to +1, and the L/R balance.

use egui::epaint::Mesh;
use egui::{pos2, vec2, Align2, Color32, Rect, RichText, Sense, Stroke, Ui};
use preflight_dsp::readiness::{
    equal_level_correlation, LOW_BAND_MONO_LOSS_FAIL_DB, LOW_BAND_MONO_LOSS_WIDE_DB,
    MONO_LOSS_FAIL_DB, MONO_LOSS_WIDE_DB,
};

use super::{x_of, View};
use crate::format::format_correlation;
use crate::model::{rotate, SCOPE_TRAIL_FRAMES};
use crate::theme;

const METER_HEIGHT: f32 = 12.0;

/// The meters' (fail, warn) marks: the correlations at which equal-level channels lose the
/// mono-compatibility check's thresholds in a mono downmix (the verdict itself judges the loss).
fn zones(fail_db: f64, warn_db: f64) -> (f32, f32) {
    (
        equal_level_correlation(fail_db) as f32,
        equal_level_correlation(warn_db) as f32,
    )
}

pub(super) fn draw(ui: &mut Ui, view: &View) {
    let rect = ui.available_rect_before_wrap();
    let side = rect.height().min(rect.width() * 0.45).max(20.0);
    let scope = Rect::from_min_size(rect.min, vec2(side, side));
    let meters = Rect::from_min_max(pos2(scope.right() + 12.0, rect.top()), rect.max);
    ui.allocate_rect(rect, Sense::hover());
    goniometer(ui, view, scope);
    ui.scope_builder(egui::UiBuilder::new().max_rect(meters), |ui| {
        ui.spacing_mut().item_spacing.y = 2.0;
        ui.spacing_mut().interact_size.y = 16.0;
        let s = view.snapshot;
        let live = |v: Option<f32>| if view.live { v } else { None };
        correlation(
            ui,
            view,
            "Correlation",
            live(s.correlation),
            zones(MONO_LOSS_FAIL_DB, MONO_LOSS_WIDE_DB),
        );
        ui.add_space(5.0);
        correlation(
            ui,
            view,
            "Low band < 150 Hz",
            live(s.low_band_correlation),
            zones(LOW_BAND_MONO_LOSS_FAIL_DB, LOW_BAND_MONO_LOSS_WIDE_DB),
        );
        ui.add_space(4.0);
        balance(ui, view, live(s.balance_db));
    });
}

fn goniometer(ui: &Ui, view: &View, rect: Rect) {
    let painter = ui.painter().with_clip_rect(rect);
    painter.rect_filled(rect, 3.0, theme::TRACK);
    let c = rect.center();
    let half = rect.width() * 0.5 - 4.0;
    let axis = Stroke::new(1.0, theme::GRID);
    // Mono (M) vertical, side (S) horizontal, L and R on the diagonals.
    painter.line_segment([pos2(c.x, rect.top()), pos2(c.x, rect.bottom())], axis);
    painter.line_segment([pos2(rect.left(), c.y), pos2(rect.right(), c.y)], axis);
    let d = half * std::f32::consts::FRAC_1_SQRT_2;
    painter.line_segment([c + vec2(-d, -d), c + vec2(d, d)], axis);
    painter.line_segment([c + vec2(d, -d), c + vec2(-d, d)], axis);
    let font = theme::font(theme::SIZE_SMALL);
    for (pos, anchor, text) in [
        (pos2(c.x + 3.0, rect.top() + 2.0), Align2::LEFT_TOP, "M"),
        (c + vec2(-d, -d) + vec2(2.0, 0.0), Align2::LEFT_TOP, "L"),
        (c + vec2(d, -d) + vec2(-2.0, 0.0), Align2::RIGHT_TOP, "R"),
        (
            pos2(rect.right() - 3.0, c.y - 1.0),
            Align2::RIGHT_BOTTOM,
            "S",
        ),
    ] {
        painter.text(pos, anchor, text, font.clone(), theme::TEXT_WEAK);
    }

    let trail = view.model.scope();
    if !view.live || trail.is_empty() {
        painter.text(
            c + vec2(0.0, half * 0.5),
            Align2::CENTER_CENTER,
            if view.live { "no signal" } else { "—" },
            font,
            theme::TEXT_WEAK,
        );
        return;
    }
    let gain = trail.auto_gain() * half;
    let dot = 0.75;
    let mut mesh = Mesh::default();
    mesh.reserve_triangles(trail.len() * 2);
    mesh.reserve_vertices(trail.len() * 4);
    for (age, points) in trail.frames() {
        let alpha = 1.0 - age as f32 / SCOPE_TRAIL_FRAMES as f32;
        let color = theme::faded(theme::SCOPE, 0.15 + 0.55 * alpha);
        for &[l, r] in points {
            let (side, mid) = rotate(l, r);
            let p = pos2(c.x + side * gain, c.y - mid * gain);
            mesh.add_colored_rect(Rect::from_center_size(p, vec2(2.0 * dot, 2.0 * dot)), color);
        }
    }
    painter.add(egui::Shape::mesh(mesh));
}

/// A word for a correlation reading, so the colour is not the only signal.
fn correlation_word(value: f32, (fail, warn): (f32, f32)) -> (&'static str, Color32) {
    if value < fail {
        ("✖ out of phase", theme::FAIL)
    } else if value < warn {
        ("⚠ wide", theme::WARN)
    } else {
        ("✔ mono-safe", theme::OK)
    }
}

fn correlation(ui: &mut Ui, view: &View, name: &str, value: Option<f32>, limits: (f32, f32)) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(name).color(theme::TEXT_WEAK));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some(v) = value {
                let (word, color) = correlation_word(v, limits);
                ui.label(RichText::new(word).size(theme::SIZE_SMALL).color(color));
            }
            let text = match value {
                Some(_) => format_correlation(value),
                None if view.live => "no signal".to_owned(),
                None => crate::format::NO_VALUE.to_owned(),
            };
            ui.label(
                RichText::new(text)
                    .font(theme::mono(theme::SIZE_BODY + 1.5))
                    .color(view.text_color()),
            );
        });
    });
    let width = ui.available_width();
    let (track, response) = ui.allocate_exact_size(vec2(width, METER_HEIGHT), Sense::hover());
    response.widget_info(|| egui::WidgetInfo {
        value: value.map(f64::from),
        ..egui::WidgetInfo::labeled(egui::Role::Meter, true, format!("{name} meter"))
    });
    let painter = ui.painter();
    painter.rect_filled(track, 2.0, theme::TRACK);
    let range = (-1.0, 1.0);
    let zero = x_of(track, 0.0, range);
    // The warning region, shaded on the track.
    let warn_x = x_of(track, limits.1, range);
    painter.rect_filled(
        Rect::from_x_y_ranges(track.left()..=warn_x, track.y_range()),
        2.0,
        theme::faded(theme::WARN, 0.10),
    );
    if let Some(v) = value {
        let x = x_of(track, v, range);
        let (_, color) = correlation_word(v, limits);
        let fill = Rect::from_x_y_ranges(zero.min(x)..=zero.max(x), track.y_range());
        painter.rect_filled(fill, 0.0, theme::faded(color, 0.7));
        painter.vline(x, track.y_range(), Stroke::new(2.0, color));
    }
    painter.vline(
        zero,
        track.top() - 1.0..=track.bottom() + 1.0,
        Stroke::new(1.0, theme::TEXT_WEAK),
    );
    let font = theme::font(theme::SIZE_SMALL - 1.0);
    for (x, anchor, text) in [
        (track.left() + 2.0, Align2::LEFT_CENTER, "-1"),
        (track.right() - 2.0, Align2::RIGHT_CENTER, "+1"),
    ] {
        painter.text(
            pos2(x, track.center().y),
            anchor,
            text,
            font.clone(),
            theme::TEXT_WEAK,
        );
    }
}

fn balance(ui: &mut Ui, view: &View, balance_db: Option<f32>) {
    let text = match balance_db {
        Some(b) if b.abs() < 0.05 => "centred".to_owned(),
        Some(b) if b > 0.0 => format!("{:.1} dB left", b),
        Some(b) => format!("{:.1} dB right", -b),
        None => crate::format::NO_VALUE.to_owned(),
    };
    ui.horizontal(|ui| {
        ui.label(RichText::new("Balance").color(theme::TEXT_WEAK));
        ui.label(
            RichText::new(text)
                .font(theme::mono(theme::SIZE_BODY))
                .color(view.text_color()),
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_words_follow_the_readiness_thresholds() {
        let broadband = zones(MONO_LOSS_FAIL_DB, MONO_LOSS_WIDE_DB);
        assert_eq!(correlation_word(-0.8, broadband).0, "✖ out of phase");
        assert_eq!(correlation_word(-0.05, broadband).0, "⚠ wide");
        assert_eq!(correlation_word(0.85, broadband).0, "✔ mono-safe");
        let low = zones(LOW_BAND_MONO_LOSS_FAIL_DB, LOW_BAND_MONO_LOSS_WIDE_DB);
        assert_eq!(correlation_word(0.5, low).0, "⚠ wide");
    }
}

//! The editor's look: one calm dark palette, the text sizes, and how a severity is written.
//! Colour never carries meaning alone: every coloured state also has an icon and a word.

use egui::{Color32, FontId, Stroke, Style, Ui};
use preflight_dsp::readiness::{Severity, Verdict};

/// Window background.
pub const BACKGROUND: Color32 = Color32::from_rgb(0x14, 0x16, 0x1a);
/// Panel background.
pub const PANEL: Color32 = Color32::from_rgb(0x1c, 0x1f, 0x25);
/// Panel outline.
pub const PANEL_STROKE: Color32 = Color32::from_rgb(0x2b, 0x30, 0x38);
/// Background of plots and meter tracks.
pub const TRACK: Color32 = Color32::from_rgb(0x11, 0x13, 0x17);
/// Grid lines in plots.
pub const GRID: Color32 = Color32::from_rgb(0x2a, 0x2e, 0x35);
/// Main text.
pub const TEXT: Color32 = Color32::from_rgb(0xdc, 0xdf, 0xe4);
/// Secondary text: labels, units, captions.
pub const TEXT_WEAK: Color32 = Color32::from_rgb(0x8d, 0x95, 0xa1);
/// Text of readings that are not live (idle).
pub const TEXT_STALE: Color32 = Color32::from_rgb(0x5c, 0x63, 0x6d);

/// Healthy.
pub const OK: Color32 = Color32::from_rgb(0x5f, 0xb8, 0x7f);
/// Worth knowing.
pub const INFO: Color32 = Color32::from_rgb(0x6f, 0xa4, 0xd6);
/// Worth a look.
pub const WARN: Color32 = Color32::from_rgb(0xe2, 0xa8, 0x45);
/// Must be fixed.
pub const FAIL: Color32 = Color32::from_rgb(0xe2, 0x5f, 0x55);
/// Waiting for enough audio.
pub const PENDING: Color32 = Color32::from_rgb(0x9b, 0xa6, 0xb4);

/// Short-term loudness (the main trace of the history).
pub const SHORT_TERM: Color32 = Color32::from_rgb(0x62, 0xb6, 0xde);
/// Momentary loudness (the quicker, fainter trace).
pub const MOMENTARY: Color32 = Color32::from_rgb(0x7d, 0x86, 0x96);
/// Integrated loudness.
pub const INTEGRATED: Color32 = Color32::from_rgb(0xe6, 0xe9, 0xee);
/// The live spectrum.
pub const SPECTRUM: Color32 = Color32::from_rgb(0x58, 0x9c, 0xcc);
/// The long-term spectrum the readiness checks read.
pub const SPECTRUM_LONG_TERM: Color32 = Color32::from_rgb(0xd8, 0xc0, 0x82);
/// The reference tracks' mean spectrum.
pub const REFERENCE: Color32 = Color32::from_rgb(0xc0, 0x8c, 0xd8);
/// The tonal target's range behind the long-term spectrum.
pub const TARGET: Color32 = Color32::from_rgb(0x9a, 0xa8, 0xb8);
/// Goniometer dots.
pub const SCOPE: Color32 = Color32::from_rgb(0x7f, 0xd3, 0xb0);
/// A zone the mix should sit in (loudness target, peak headroom).
pub const TARGET_ZONE: Color32 = Color32::from_rgba_premultiplied(0x1d, 0x3a, 0x2a, 0x60);
/// Highlighted row (the chosen platform).
pub const HIGHLIGHT: Color32 = Color32::from_rgb(0x24, 0x30, 0x3f);

/// Text sizes (points).
pub const SIZE_BODY: f32 = 12.5;
/// Small captions and axis labels.
pub const SIZE_SMALL: f32 = 10.5;
/// Panel titles.
pub const SIZE_TITLE: f32 = 11.0;
/// Big readings.
pub const SIZE_READING: f32 = 18.0;
/// The verdict.
pub const SIZE_VERDICT: f32 = 24.0;

/// Makes the editor's style the context's, so that popups and tooltips, which live outside
/// [`crate::draw`]'s `Ui`, match it too. Call once when the context is created.
pub fn install(ctx: &egui::Context) {
    ctx.all_styles_mut(configure);
}

/// Applies the editor's style to `ui` and everything inside it.
pub fn apply(ui: &mut Ui) {
    configure(ui.style_mut());
}

fn configure(style: &mut Style) {
    let v = &mut style.visuals;
    *v = egui::Visuals::dark();
    v.panel_fill = BACKGROUND;
    v.window_fill = PANEL;
    v.extreme_bg_color = TRACK;
    v.faint_bg_color = PANEL;
    v.override_text_color = None;
    v.widgets.noninteractive.fg_stroke = Stroke::new(1.0, TEXT);
    v.widgets.noninteractive.bg_stroke = Stroke::new(1.0, PANEL_STROKE);
    v.widgets.inactive.bg_fill = Color32::from_rgb(0x2a, 0x2f, 0x37);
    v.widgets.inactive.weak_bg_fill = Color32::from_rgb(0x2a, 0x2f, 0x37);
    v.widgets.inactive.fg_stroke = Stroke::new(1.0, TEXT);
    v.widgets.hovered.weak_bg_fill = Color32::from_rgb(0x35, 0x3c, 0x46);
    v.widgets.hovered.bg_fill = Color32::from_rgb(0x35, 0x3c, 0x46);
    v.widgets.active.weak_bg_fill = Color32::from_rgb(0x3d, 0x46, 0x52);
    v.selection.bg_fill = Color32::from_rgb(0x2f, 0x5d, 0x80);
    v.selection.stroke = Stroke::new(1.0, TEXT);
    v.warn_fg_color = WARN;
    v.error_fg_color = FAIL;
    style.interaction.selectable_labels = false;
    style.spacing.item_spacing = egui::vec2(6.0, 4.0);
    style.spacing.button_padding = egui::vec2(8.0, 3.0);
    style.spacing.interact_size.y = 20.0;
    for (text_style, size) in [
        (egui::TextStyle::Body, SIZE_BODY),
        (egui::TextStyle::Button, SIZE_BODY),
        (egui::TextStyle::Small, SIZE_SMALL),
        (egui::TextStyle::Monospace, SIZE_BODY),
    ] {
        if let Some(font) = style.text_styles.get_mut(&text_style) {
            font.size = size;
        }
    }
}

/// Proportional font of `size`.
pub fn font(size: f32) -> FontId {
    FontId::proportional(size)
}

/// Monospace font of `size` (readings, so digits do not jump).
pub fn mono(size: f32) -> FontId {
    FontId::monospace(size)
}

/// Colour of a severity.
pub fn severity_color(severity: Severity) -> Color32 {
    match severity {
        Severity::Ok => OK,
        Severity::Info => INFO,
        Severity::Warn => WARN,
        Severity::Fail => FAIL,
    }
}

/// Icon and word of a severity, e.g. "✖ FAIL".
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Ok => "✔ OK",
        Severity::Info => "ℹ NOTE",
        Severity::Warn => "⚠ WARN",
        Severity::Fail => "✖ FAIL",
    }
}

/// Icon and word of a verdict, e.g. "✔ READY".
pub fn verdict_label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Ready => "✔ READY",
        Verdict::NotReady => "✖ NOT READY",
        Verdict::Insufficient => "… LISTENING",
    }
}

/// Colour of a verdict.
pub fn verdict_color(verdict: Verdict) -> Color32 {
    match verdict {
        Verdict::Ready => OK,
        Verdict::NotReady => FAIL,
        Verdict::Insufficient => PENDING,
    }
}

/// `color` at `alpha` (0..=1) of its opacity.
pub fn faded(color: Color32, alpha: f32) -> Color32 {
    color.gamma_multiply(alpha)
}

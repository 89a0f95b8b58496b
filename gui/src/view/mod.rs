//! The editor's main view, one module per panel: the top bar, the verdict banner, loudness with
//! its history, peaks, spectrum, stereo and the platform table. Each panel is a pure function of
//! the [`Model`]: it draws and records what the user asked for in [`Actions`], nothing else.
//!
//! Layout at the design size (960 x 600 points): the top bar and the verdict banner across the
//! top, then three columns (loudness and history; peaks; spectrum over stereo) and the platform
//! table across the bottom. Extra space goes to the plots; a window smaller than
//! [`MIN_LAYOUT_SIZE`] scrolls rather than squeezing the meters.

use egui::{pos2, vec2, Align, Layout, Rect, RichText, Sense, Stroke, StrokeKind, Ui, UiBuilder};
use preflight_dsp::Snapshot;

pub use crate::actions::Actions;
use crate::model::Model;
use crate::theme;

mod loudness;
mod peaks;
mod platforms;
mod spectrum;
mod stereo;
mod top_bar;
mod verdict;

pub use peaks::{BAR_CEILING_DBTP, BAR_FLOOR_DBTP, PEAK_CLIP_DBTP, PEAK_WARN_DBTP};
pub use top_bar::ZOOM_STEPS;

/// The size the layout is designed for (points, before zoom).
pub const DESIGN_SIZE: egui::Vec2 = vec2(960.0, 600.0);
/// Below this the view scrolls instead of shrinking its panels further (points).
pub const MIN_LAYOUT_SIZE: egui::Vec2 = vec2(880.0, 560.0);

const MARGIN: f32 = 8.0;
const GAP: f32 = 6.0;
const TOP_BAR_HEIGHT: f32 = 24.0;
const BANNER_HEIGHT: f32 = 108.0;
const PANEL_PADDING: egui::Vec2 = vec2(10.0, 7.0);
const PANEL_RADIUS: f32 = 6.0;

/// Draws the editor from `model` into `ui` and records the user's requests in `actions`.
pub fn draw(ui: &mut Ui, model: &Model, actions: &mut Actions) {
    theme::apply(ui);
    let fallback = Snapshot::default();
    let view = View {
        model,
        snapshot: model.latest().unwrap_or(&fallback),
        live: !model.is_idle(),
    };

    let available = ui.available_rect_before_wrap();
    ui.painter()
        .rect_filled(ui.max_rect().union(available), 0.0, theme::BACKGROUND);
    if available.width() >= MIN_LAYOUT_SIZE.x && available.height() >= MIN_LAYOUT_SIZE.y {
        ui.allocate_rect(available, Sense::hover());
        layout(ui, available, &view, actions);
    } else {
        egui::ScrollArea::both().auto_shrink(false).show(ui, |ui| {
            let min = ui.available_rect_before_wrap().min;
            let size = available.size().max(MIN_LAYOUT_SIZE);
            let rect = Rect::from_min_size(min, size);
            ui.allocate_rect(rect, Sense::hover());
            layout(ui, rect, &view, actions);
        });
    }
}

/// What every panel reads.
pub(crate) struct View<'a> {
    pub model: &'a Model,
    /// The newest snapshot (an empty one before the first).
    pub snapshot: &'a Snapshot,
    /// Whether snapshots are arriving; if not, live readings are blanked and the rest dimmed.
    pub live: bool,
}

impl View<'_> {
    /// Colour of a reading that is live now, or dimmed when the meter is idle.
    pub fn text_color(&self) -> egui::Color32 {
        if self.live {
            theme::TEXT
        } else {
            theme::TEXT_STALE
        }
    }
}

fn layout(ui: &mut Ui, rect: Rect, view: &View, actions: &mut Actions) {
    let rect = rect.shrink(MARGIN);
    let (top, rest) = split_top(rect, TOP_BAR_HEIGHT, GAP);
    child(ui, top, |ui| top_bar::draw(ui, view, actions));

    let (banner, rest) = split_top(rest, BANNER_HEIGHT, GAP);
    panel(ui, banner, None, |ui| verdict::draw(ui, view));

    let table_height = platforms::height();
    let (main, table) = split_bottom(rest, table_height, GAP);
    panel(ui, table, None, |ui| platforms::draw(ui, view));

    let width = main.width() - 2.0 * GAP;
    let left_w = (width * 0.37).round();
    let mid_w = (width * 0.20).round();
    let left = Rect::from_min_size(main.min, vec2(left_w, main.height()));
    let mid = Rect::from_min_size(
        pos2(left.right() + GAP, main.top()),
        vec2(mid_w, main.height()),
    );
    let right = Rect::from_min_max(pos2(mid.right() + GAP, main.top()), main.max);

    panel(ui, left, Some("Loudness"), |ui| loudness::draw(ui, view));
    peaks::draw_panel(ui, mid, view, actions);
    let spectrum_h = ((right.height() - GAP) * 0.55).round();
    let (spectrum_rect, stereo_rect) = split_top(right, spectrum_h, GAP);
    panel(ui, spectrum_rect, None, |ui| {
        spectrum::draw(ui, view, actions)
    });
    panel(ui, stereo_rect, Some("Stereo"), |ui| stereo::draw(ui, view));
}

/// `rect` cut into a top part of `height` and the rest below a `gap`.
fn split_top(rect: Rect, height: f32, gap: f32) -> (Rect, Rect) {
    let top = Rect::from_min_size(rect.min, vec2(rect.width(), height));
    let rest = Rect::from_min_max(pos2(rect.left(), top.bottom() + gap), rect.max);
    (top, rest)
}

/// `rect` cut into the rest above a `gap` and a bottom part of `height`.
fn split_bottom(rect: Rect, height: f32, gap: f32) -> (Rect, Rect) {
    let bottom = Rect::from_min_max(pos2(rect.left(), rect.bottom() - height), rect.max);
    let rest = Rect::from_min_max(rect.min, pos2(rect.right(), bottom.top() - gap));
    (rest, bottom)
}

/// Runs `add` in a child ui confined to `rect`.
fn child<R>(ui: &mut Ui, rect: Rect, add: impl FnOnce(&mut Ui) -> R) -> R {
    let mut child = ui.new_child(
        UiBuilder::new()
            .max_rect(rect)
            .layout(Layout::top_down(Align::Min)),
    );
    child.set_clip_rect(rect.intersect(ui.clip_rect()));
    add(&mut child)
}

/// A panel: background, outline, an optional title, and `add` inside the padding.
fn panel<R>(ui: &mut Ui, rect: Rect, title: Option<&str>, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.painter().rect(
        rect,
        PANEL_RADIUS,
        theme::PANEL,
        Stroke::new(1.0, theme::PANEL_STROKE),
        StrokeKind::Inside,
    );
    child(ui, rect.shrink2(PANEL_PADDING), |ui| {
        if let Some(title) = title {
            panel_title(ui, title);
        }
        add(ui)
    })
}

/// A panel's title: small, upper case, quiet.
fn panel_title(ui: &mut Ui, title: &str) {
    ui.label(
        RichText::new(title.to_uppercase())
            .size(theme::SIZE_TITLE)
            .color(theme::TEXT_WEAK)
            .strong(),
    );
}

/// A small caption at the right end of the title row just added (a panel's unit or target).
fn caption(ui: &mut Ui, text: String) {
    let row = ui.min_rect();
    let rect = ui.painter().text(
        pos2(ui.max_rect().right(), row.center().y),
        egui::Align2::RIGHT_CENTER,
        &text,
        theme::font(theme::SIZE_SMALL),
        theme::TEXT_WEAK,
    );
    ui.interact(rect, ui.scope_id().with(&text), Sense::hover())
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
}

/// Vertical position of `value` in `range` (low at the bottom) inside `rect`.
fn y_of(rect: Rect, value: f32, (low, high): (f32, f32)) -> f32 {
    let t = ((value - low) / (high - low)).clamp(0.0, 1.0);
    rect.bottom() - t * rect.height()
}

/// Horizontal position of `value` in `range` inside `rect`.
fn x_of(rect: Rect, value: f32, (low, high): (f32, f32)) -> f32 {
    let t = ((value - low) / (high - low)).clamp(0.0, 1.0);
    rect.left() + t * rect.width()
}

/// A dashed horizontal line.
fn dashed_hline(painter: &egui::Painter, x: (f32, f32), y: f32, stroke: Stroke) {
    let (dash, gap) = (5.0, 4.0);
    let mut start = x.0;
    while start < x.1 {
        let end = (start + dash).min(x.1);
        painter.line_segment([pos2(start, y), pos2(end, y)], stroke);
        start = end + gap;
    }
}

//! The top bar: name, what the mix is judged against (profile, platform), the meter's state
//! (live, held, paused, idle), the measurement's controls (reset, reset maxima, pause, zoom),
//! and the References panel with its file dialog.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use egui::{pos2, Align, Layout, PopupCloseBehavior, Rect, RichText, Ui, UiBuilder};
use egui_file::FileDialog;
use preflight_dsp::platforms::PLATFORMS;
use preflight_dsp::readiness::Profile;

use super::{Actions, View};
use crate::actions::{ExportStatus, ReferenceState};
use crate::theme;

/// The zoom factors offered (1 = 100 %).
pub const ZOOM_STEPS: [f32; 8] = [0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0];

/// Width kept for the controls on the right (points); the state line gives way to them.
const CONTROLS_WIDTH: f32 = 510.0;

pub(super) fn draw(ui: &mut Ui, view: &View, actions: &mut Actions) {
    let rect = ui.max_rect();
    let controls = Rect::from_min_max(pos2(rect.right() - CONTROLS_WIDTH, rect.top()), rect.max);
    let left = Rect::from_min_max(rect.min, pos2(controls.left() - 8.0, rect.bottom()));
    ui.scope_builder(
        UiBuilder::new()
            .max_rect(left)
            .layout(Layout::left_to_right(Align::Center)),
        |ui| {
            ui.set_clip_rect(left.intersect(ui.clip_rect()));
            ui.label(
                RichText::new("PREFLIGHT")
                    .size(14.0)
                    .strong()
                    .color(theme::TEXT),
            );
            ui.add_space(10.0);
            target_selector(ui, view, actions);
            ui.add_space(10.0);
            state(ui, view);
        },
    );
    ui.scope_builder(
        UiBuilder::new()
            .max_rect(controls)
            .layout(Layout::right_to_left(Align::Center)),
        |ui| {
            zoom_selector(ui, view, actions);
            ui.add_space(6.0);
            export_menu(ui, view, actions);
            references_menu(ui, view, actions);
            let paused = view.snapshot.paused;
            let pause_label = if paused { "Resume" } else { "Pause" };
            if ui
                .button(pause_label)
                .on_hover_text("Pause or resume the integrated loudness, LRA and maxima")
                .clicked()
            {
                actions.set_paused = Some(!paused);
            }
            if ui
                .button("Reset maxima")
                .on_hover_text("Clear the peak maxima and clip counts, keep the loudness")
                .clicked()
            {
                actions.reset_maxima = true;
            }
            if ui
                .button("Reset")
                .on_hover_text("Start a new measurement")
                .clicked()
            {
                actions.reset = true;
            }
        },
    );
}

fn target_selector(ui: &mut Ui, view: &View, actions: &mut Actions) {
    let profile = view.model.profile();
    for (p, text, hover) in [
        (
            Profile::Mix,
            "Mix",
            "Is this mix ready to send to mastering? (headroom, no bus limiting, -23..-18 LUFS)",
        ),
        (
            Profile::Master,
            "Master",
            "Is this master ready for the chosen platform? (its loudness target and true-peak ceiling)",
        ),
    ] {
        if ui
            .selectable_label(profile == p, text)
            .on_hover_text(hover)
            .clicked()
            && profile != p
        {
            actions.set_profile = Some(p);
        }
    }
    let current = view.model.platform();
    egui::ComboBox::from_id_salt("platform")
        .selected_text(current.name)
        .width(128.0)
        .show_ui(ui, |ui| {
            for platform in &PLATFORMS {
                let label = format!("{} ({:.0} LUFS)", platform.name, platform.target_lufs);
                if ui
                    .selectable_label(platform.id == current.id, label)
                    .clicked()
                    && platform.id != current.id
                {
                    actions.set_platform = Some(platform);
                }
            }
        })
        .response
        .on_hover_text("Platform a master is judged against");
}

/// The meter's state as a badge (icon and word) and a line of detail.
fn state(ui: &mut Ui, view: &View) {
    let s = view.snapshot;
    let (badge, color, detail) = if !view.live {
        ("○ IDLE", theme::TEXT_WEAK, "Idle — no audio".to_owned())
    } else if view.model.is_held() {
        ("⏸ HELD", theme::WARN, "Held — transport stopped".to_owned())
    } else if s.paused {
        ("⏸ PAUSED", theme::WARN, "Paused".to_owned())
    } else {
        let measured_s = if s.sample_rate_hz > 0 {
            s.frames_measured / u64::from(s.sample_rate_hz)
        } else {
            0
        };
        (
            "⏵ LIVE",
            theme::OK,
            format!(
                "{:.1} kHz · {} ch · {}:{:02} measured",
                s.sample_rate_hz as f32 / 1000.0,
                s.channels,
                measured_s / 60,
                measured_s % 60
            ),
        )
    };
    ui.label(RichText::new(badge).strong().color(color));
    ui.add(
        egui::Label::new(
            RichText::new(detail)
                .size(theme::SIZE_SMALL + 0.5)
                .color(theme::TEXT_WEAK),
        )
        .truncate(),
    );
}

/// The Export button and its panel: the folder (editable, the last one used by default), the
/// button that writes the files, and how the last export went.
fn export_menu(ui: &mut Ui, view: &View, actions: &mut Actions) {
    let response = ui
        .button("Export")
        .on_hover_text("Write the measured session's report (HTML), JSON and history (CSV)");
    let id = ui.make_persistent_id("export-folder");
    egui::Popup::menu(&response)
        .close_behavior(PopupCloseBehavior::CloseOnClickOutside)
        .show(|ui| {
            ui.set_min_width(360.0);
            let label = ui.label("Folder");
            let mut folder = ui
                .data(|d| d.get_temp::<String>(id))
                .unwrap_or_else(|| view.model.export_folder().to_string());
            ui.add(egui::TextEdit::singleline(&mut folder).desired_width(360.0))
                .labelled_by(label.id);
            let writing = *view.model.export_status() == ExportStatus::Writing;
            let write = ui.add_enabled(
                !writing && !folder.trim().is_empty(),
                egui::Button::new("Write report, JSON and CSV"),
            );
            if write.clicked() {
                actions.export_to = Some(folder.trim().to_string());
            }
            ui.data_mut(|d| d.insert_temp(id, folder));
            let (text, color) = match view.model.export_status() {
                ExportStatus::Idle => (String::new(), theme::TEXT_WEAK),
                ExportStatus::Writing => ("Writing…".to_string(), theme::TEXT_WEAK),
                ExportStatus::Done(files) => (format!("Wrote {files}"), theme::OK),
                ExportStatus::Failed(why) => (format!("Not written: {why}"), theme::FAIL),
            };
            if !text.is_empty() {
                ui.add(
                    egui::Label::new(
                        RichText::new(text)
                            .size(theme::SIZE_SMALL + 0.5)
                            .color(color),
                    )
                    .wrap(),
                );
            }
        });
}

/// The reference tracks: the list with each one's state, a path to add, and the differences
/// that matter between the mix and them (loudness-matched).
fn references_menu(ui: &mut Ui, view: &View, actions: &mut Actions) {
    let refs = view.model.references();
    let label = if refs.is_empty() {
        "References".to_string()
    } else {
        format!("References ({})", refs.len())
    };
    let response = ui
        .button(label)
        .on_hover_text("Compare the mix's balance with reference tracks, loudness-matched");
    let id = ui.make_persistent_id("reference-path");
    egui::Popup::menu(&response)
        .close_behavior(PopupCloseBehavior::CloseOnClickOutside)
        .show(|ui| {
            ui.set_min_width(380.0);
            if refs.is_empty() {
                ui.label(
                    RichText::new(
                        "Add reference tracks (WAV, AIFF, FLAC, ALAC, MP3, AAC, Ogg Vorbis) to \
                         compare the mix's balance with them.",
                    )
                    .color(theme::TEXT_WEAK),
                );
            }
            for (index, r) in refs.iter().enumerate() {
                ui.horizontal(|ui| {
                    if ui
                        .small_button("✖")
                        .on_hover_text(format!("Remove {}", r.path))
                        .clicked()
                    {
                        actions.remove_reference = Some(index);
                    }
                    let name = std::path::Path::new(&r.path)
                        .file_name()
                        .map_or_else(|| r.path.clone(), |n| n.to_string_lossy().into_owned());
                    let (state, color) = match &r.state {
                        ReferenceState::Analysing => ("analysing…".to_string(), theme::TEXT_WEAK),
                        ReferenceState::Ready(t) => (
                            t.integrated_lufs.map_or_else(
                                || "no signal".to_string(),
                                |i| format!("✔ {i:.1} LUFS"),
                            ),
                            theme::OK,
                        ),
                        ReferenceState::Failed(why) => (format!("✖ {why}"), theme::FAIL),
                    };
                    ui.label(RichText::new(name).color(theme::TEXT))
                        .on_hover_text(&r.path);
                    ui.add(egui::Label::new(RichText::new(state).color(color)).truncate());
                });
            }
            ui.separator();
            let label = ui.label("Add a file or folder");
            let mut path = ui.data(|d| d.get_temp::<String>(id)).unwrap_or_default();
            ui.add(egui::TextEdit::singleline(&mut path).desired_width(380.0))
                .labelled_by(label.id);
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!path.trim().is_empty(), egui::Button::new("Add reference"))
                    .clicked()
                {
                    actions.add_reference = Some(path.trim().to_string());
                    path.clear();
                }
                if ui
                    .button("Browse…")
                    .on_hover_text("Pick a reference track in a file dialog")
                    .clicked()
                {
                    open_reference_dialog(ui.ctx(), view);
                    // The dialog is a window of its own: the panel would cover it.
                    ui.close();
                }
            });
            ui.data_mut(|d| d.insert_temp(id, path));
            if let Some(differences) = view.model.reference_differences() {
                ui.separator();
                let notes: Vec<String> = differences.iter().filter_map(|d| d.note()).collect();
                if notes.is_empty() {
                    ui.label(
                        RichText::new("Within 2 dB of the references in every region")
                            .color(theme::OK),
                    );
                }
                for note in notes {
                    ui.add(egui::Label::new(RichText::new(note).color(theme::WARN)).wrap());
                }
            }
        });
    reference_dialog(ui.ctx(), actions);
}

/// The open reference dialog, kept in egui's memory from frame to frame (it is drawn whether
/// the References popup is open or not).
type ReferenceDialog = Arc<Mutex<FileDialog>>;

fn reference_dialog_id() -> egui::Id {
    egui::Id::unique("preflight-reference-dialog")
}

/// Opens the reference dialog in the folder of the last reference, else the home folder,
/// listing folders and the files the reference analysis reads.
fn open_reference_dialog(ctx: &egui::Context, view: &View) {
    let start = view
        .model
        .references()
        .last()
        .and_then(|r| Path::new(&r.path).parent().map(Path::to_path_buf))
        .filter(|dir| dir.is_dir())
        .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
        .unwrap_or_default();
    let extensions = view.model.reference_extensions();
    let mut dialog = FileDialog::open_file()
        .id(egui::Id::unique("preflight-reference-file-dialog"))
        .title("Add a reference track")
        .initial_path(start)
        .show_new_folder(false)
        .show_rename(false)
        .default_size([480.0, 320.0]);
    if !extensions.is_empty() {
        dialog = dialog.show_files_filter(Box::new(move |path: &Path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e.to_ascii_lowercase().as_str()))
        }));
    }
    dialog.open();
    let dialog: ReferenceDialog = Arc::new(Mutex::new(dialog));
    ctx.data_mut(|d| d.insert_temp(reference_dialog_id(), dialog));
}

/// Draws the reference dialog while it is open; a picked file becomes `add_reference`.
fn reference_dialog(ctx: &egui::Context, actions: &mut Actions) {
    let id = reference_dialog_id();
    let Some(dialog) = ctx.data(|d| d.get_temp::<ReferenceDialog>(id)) else {
        return;
    };
    let mut dialog = dialog.lock().unwrap_or_else(PoisonError::into_inner);
    if dialog.show(ctx).selected() {
        if let Some(path) = dialog.path() {
            actions.add_reference = Some(path.to_string_lossy().into_owned());
        }
    }
    if !dialog.visible() {
        ctx.data_mut(|d| d.remove::<ReferenceDialog>(id));
    }
}

fn zoom_selector(ui: &mut Ui, view: &View, actions: &mut Actions) {
    let zoom = view.model.zoom();
    egui::ComboBox::from_id_salt("zoom")
        .selected_text(format!("Zoom {:.0} %", zoom * 100.0))
        .width(96.0)
        .show_ui(ui, |ui| {
            for step in ZOOM_STEPS {
                if ui
                    .selectable_label(
                        (step - zoom).abs() < 0.005,
                        format!("{:.0} %", step * 100.0),
                    )
                    .clicked()
                {
                    actions.set_zoom = Some(step);
                }
            }
        })
        .response
        .on_hover_text("Size of the editor's text and meters");
}

//! The editor: an egui window around [`preflight_gui::draw`], opened with the geometry in
//! [`crate::editor_state`].
//!
//! Threads: everything here runs on the GUI thread (drawing) or the host's main thread (spawn,
//! size, state save/load). The audio thread touches none of it; it meets the editor only through
//! the atomics in [`SharedState`] and the wait-free snapshot queue.

use std::error::Error;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use nice_plug::context::gui::GuiContext;
use nice_plug::editor::dpi::NativeSize;
use nice_plug::editor::{Editor, HostMethods, ParentWindowHandle, ResizeHint, SpawnedEditor};
use nice_plug_egui::{
    create_egui_editor, EguiEditorHandle, EguiNiceSettings, Frame, NiceEguiApp, RepaintNotifier,
};
use preflight_gui::{Actions, ExportStatus, Model, IDLE_AFTER};

use crate::editor_state::{MIN_SIZE, ZOOM_RANGE};
use crate::export::{default_folder, export_session, ExportTarget};
use crate::params::{PlatformParam, PreflightParams, ProfileParam, StyleParam};
use crate::references::ReferenceLibrary;
use crate::shared::{ReceiverSlot, RecorderSlot, SharedState};

/// The plugin's [`Editor`]: builds an egui window from the current [`EditorState`] each time the
/// host opens one.
#[derive(Debug)]
pub struct PreflightEditor {
    params: Arc<PreflightParams>,
    shared: Arc<SharedState>,
    receiver: ReceiverSlot,
    recorder: RecorderSlot,
    repaint: RepaintNotifier,
}

impl PreflightEditor {
    /// An editor that draws what arrives through `receiver` and asks for repaints through
    /// `repaint` (the audio thread holds a clone to signal fresh snapshots). It judges the mix
    /// against the profile and platform in `params`, and opens with their window geometry. Its
    /// Export button writes what `recorder` holds.
    pub fn new(
        params: Arc<PreflightParams>,
        shared: Arc<SharedState>,
        receiver: ReceiverSlot,
        recorder: RecorderSlot,
        repaint: RepaintNotifier,
    ) -> Self {
        Self {
            params,
            shared,
            receiver,
            recorder,
            repaint,
        }
    }

    fn resize_hint() -> ResizeHint {
        ResizeHint::RESIZABLE.with_min_logical_size(MIN_SIZE)
    }
}

impl Editor for PreflightEditor {
    type Handle = EguiEditorHandle;

    fn spawn(
        &self,
        parent: Option<ParentWindowHandle>,
        wait_for_parent: bool,
        fallback_scale_factor: Option<f64>,
        gui_context: GuiContext,
        host: Option<HostMethods>,
    ) -> Result<SpawnedEditor<Self::Handle>, Box<dyn Error>> {
        let settings = EguiNiceSettings::new()
            .with_tile("Preflight")
            .with_resize_hint(Self::resize_hint());
        let mut app = App::new(
            Arc::clone(&self.params),
            Arc::clone(&self.shared),
            Arc::clone(&self.receiver),
        );
        app.recorder = Some(Arc::clone(&self.recorder));
        let state = self.params.editor_state.current();
        let editor = create_egui_editor(state, self.repaint.clone(), settings, app)
            .ok_or("the egui editor could not be created")?;
        editor.spawn(
            parent,
            wait_for_parent,
            fallback_scale_factor,
            gui_context,
            host,
        )
    }

    fn size(&self) -> NativeSize<u32> {
        let state = self.params.editor_state.current();
        NativeSize::from_logical_or_physical(state.logical_size().cast(), state.physical_size())
    }

    fn resize_hint(&self) -> ResizeHint {
        Self::resize_hint()
    }
}

/// One open window's view state.
struct App {
    model: Model,
    params: Arc<PreflightParams>,
    shared: Arc<SharedState>,
    receiver: ReceiverSlot,
    last_snapshot: Option<Instant>,
    /// The host's side of parameter changes, known once the window is built.
    gui_context: Option<GuiContext>,
    /// What the Export button writes from.
    recorder: Option<RecorderSlot>,
    /// The last export's state, updated by its thread.
    export: Arc<Mutex<ExportStatus>>,
    /// The export's thread, joined when the window closes (no plug-in code may outlive it).
    export_job: Option<thread::JoinHandle<()>>,
    /// The reference tracks, measured on a thread of their own.
    references: ReferenceLibrary,
}

impl App {
    fn new(params: Arc<PreflightParams>, shared: Arc<SharedState>, receiver: ReceiverSlot) -> Self {
        shared.editor_opened();
        let mut model = Model::new();
        // The reference dialog lists the formats the reference analysis reads.
        model.set_reference_extensions(&preflight_cli::target::AUDIO_EXTENSIONS);
        Self {
            model,
            params,
            shared,
            receiver,
            last_snapshot: None,
            gui_context: None,
            recorder: None,
            export: Arc::default(),
            export_job: None,
            references: ReferenceLibrary::new(),
        }
    }

    /// Adds or removes a reference path (saved with the session), and keeps the library and
    /// the model in step with the saved list.
    fn update_references(&mut self, actions: &Actions) {
        let changes = actions.add_reference.is_some() || actions.remove_reference.is_some();
        let paths = if !changes {
            self.params
                .references
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        } else {
            let mut saved = self
                .params
                .references
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(path) = &actions.add_reference {
                if !saved.contains(path) {
                    saved.push(path.clone());
                }
            }
            if let Some(index) = actions.remove_reference.filter(|&i| i < saved.len()) {
                saved.remove(index);
            }
            saved.clone()
        };
        self.references.sync(&paths);
        self.model.set_references(&self.references.tracks());
    }

    /// The folder exports go to: the one used last, else the default.
    fn export_folder(&self) -> String {
        let saved = self
            .params
            .export_folder
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if saved.is_empty() {
            default_folder().to_string_lossy().into_owned()
        } else {
            saved
        }
    }

    /// Writes the session's files into `folder` on a thread of its own (it waits for the audio
    /// thread's totals), and remembers the folder with the session.
    fn export(&mut self, folder: &str) {
        let Some(recorder) = self.recorder.clone() else {
            return;
        };
        let mut status = self.export.lock().unwrap_or_else(PoisonError::into_inner);
        if *status == ExportStatus::Writing {
            return;
        }
        *status = ExportStatus::Writing;
        drop(status);
        *self
            .params
            .export_folder
            .write()
            .unwrap_or_else(PoisonError::into_inner) = folder.to_string();
        let target = ExportTarget {
            profile: self.params.profile.value().into(),
            platform: self.params.platform.value().target(),
            style: self.params.style.value().into(),
            references: self
                .model
                .references()
                .iter()
                .filter_map(|r| Some((r.path.clone(), *r.measured()?)))
                .collect(),
        };
        let (shared, export, folder) = (
            Arc::clone(&self.shared),
            Arc::clone(&self.export),
            PathBuf::from(folder),
        );
        let job = move || {
            let result = export_session(&recorder, &shared, &folder, &target, SystemTime::now());
            *export.lock().unwrap_or_else(PoisonError::into_inner) = match result {
                Ok(files) => ExportStatus::Done(describe_files(&folder, &files)),
                Err(e) => ExportStatus::Failed(e.to_string()),
            };
        };
        if let Some(done) = self.export_job.take() {
            let _ = done.join(); // finished: its status said so
        }
        match thread::Builder::new()
            .name("preflight-export".into())
            .spawn(job)
        {
            Ok(handle) => self.export_job = Some(handle),
            Err(_) => {
                *self.export.lock().unwrap_or_else(PoisonError::into_inner) =
                    ExportStatus::Failed("could not start the export".to_string())
            }
        }
    }

    /// Carries out the requests that change parameters (through the host, so they are recorded
    /// and saved) or the window (zoom).
    fn apply(&self, ctx: &egui::Context, actions: &Actions) {
        if let Some(zoom) = actions.set_zoom.filter(|z| ZOOM_RANGE.contains(z)) {
            // egui-baseview resizes the window and stores the factor in the editor state,
            // which the session saves.
            ctx.set_zoom_factor(zoom);
        }
        let Some(gui) = self.gui_context.as_ref() else {
            return;
        };
        let setter = gui.param_setter();
        if let Some(profile) = actions.set_profile {
            let value = ProfileParam::from(profile);
            setter.begin_set_parameter(&self.params.profile);
            setter.set_parameter(&self.params.profile, value);
            setter.end_set_parameter(&self.params.profile);
        }
        if let Some(style) = actions.set_style {
            let value = StyleParam::from(style);
            setter.begin_set_parameter(&self.params.style);
            setter.set_parameter(&self.params.style, value);
            setter.end_set_parameter(&self.params.style);
        }
        if let Some(target) = actions.set_platform {
            if let Some(value) = PlatformParam::for_target(target) {
                setter.begin_set_parameter(&self.params.platform);
                setter.set_parameter(&self.params.platform, value);
                setter.end_set_parameter(&self.params.platform);
            }
        }
    }

    /// Feeds every queued snapshot to the model, oldest first, so the history misses none.
    fn drain(&mut self, now: Instant) {
        let mut slot = self.receiver.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(receiver) = slot.as_mut() else {
            return;
        };
        while let Some(snapshot) = receiver.try_recv() {
            self.model.update(snapshot);
            self.last_snapshot = Some(now);
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.shared.editor_closed();
        if let Some(job) = self.export_job.take() {
            let _ = job.join();
        }
    }
}

impl NiceEguiApp for App {
    fn build(
        &mut self,
        egui_ctx: egui::Context,
        gui_ctx: GuiContext,
        _frame: &mut Frame,
    ) -> Result<(), nice_plug_egui::baseview::HandlerError> {
        preflight_gui::theme::install(&egui_ctx);
        self.gui_context = Some(gui_ctx);
        // Whatever is still queued from a window closed earlier is stale.
        let mut slot = self.receiver.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(receiver) = slot.as_mut() {
            while receiver.try_recv().is_some() {}
        }
        Ok(())
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut Frame) {
        let now = Instant::now();
        self.drain(now);
        self.model.set_time_since_snapshot(
            self.last_snapshot
                .map_or(Duration::MAX, |at| now.duration_since(at)),
        );
        self.model.set_held(self.shared.holding());
        self.shared
            .with_not_measured(|reason| self.model.set_not_measured(reason));
        self.model.set_target(
            self.params.profile.value().into(),
            self.params.platform.value().target(),
        );
        self.model.set_style(self.params.style.value().into());
        self.model.set_zoom(ui.ctx().zoom_factor());
        let status = self
            .export
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        self.model.set_export(&self.export_folder(), status);

        self.update_references(&Actions::default());
        let mut actions = Actions::default();
        preflight_gui::draw(ui, &self.model, &mut actions);
        if actions.add_reference.is_some() || actions.remove_reference.is_some() {
            self.update_references(&actions);
        }
        self.model.apply_view_actions(&actions);
        self.apply(ui.ctx(), &actions);
        if let Some(folder) = actions.export_to.as_deref() {
            self.export(folder);
        }
        self.shared.request(actions);

        // Snapshots trigger repaints; without them the idle state still has to appear.
        ui.ctx().request_repaint_after(IDLE_AFTER);
    }
}

/// "a.html, a.json, a-history.csv in /folder".
fn describe_files(folder: &std::path::Path, files: &[PathBuf]) -> String {
    let names: Vec<String> = files
        .iter()
        .filter_map(|f| f.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    format!("{} in {}", names.join(", "), folder.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_windows_are_counted() {
        let shared = Arc::new(SharedState::default());
        let params = Arc::new(PreflightParams::default());
        let slot: ReceiverSlot = Arc::default();
        assert!(!shared.editor_open());
        let first = App::new(Arc::clone(&params), Arc::clone(&shared), Arc::clone(&slot));
        let second = App::new(Arc::clone(&params), Arc::clone(&shared), Arc::clone(&slot));
        drop(first);
        assert!(shared.editor_open());
        drop(second);
        assert!(!shared.editor_open());
    }
}

//! The editor: an egui window around [`preflight_gui::draw`], and the persisted window geometry
//! (size and zoom).
//!
//! Threads: everything here runs on the GUI thread (drawing) or the host's main thread (spawn,
//! size, state save/load). The audio thread touches none of it; it meets the editor only through
//! the atomics in [`SharedState`] and the wait-free snapshot queue.

use std::error::Error;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use nice_plug::context::gui::GuiContext;
use nice_plug::editor::dpi::{LogicalSize, NativeSize};
use nice_plug::editor::{Editor, HostMethods, ParentWindowHandle, ResizeHint, SpawnedEditor};
use nice_plug::params::enums::Enum;
use nice_plug::params::persist::PersistentField;
use nice_plug_egui::{
    create_egui_editor, EguiEditorHandle, EguiEditorState, EguiNiceSettings, Frame, NiceEguiApp,
    RepaintNotifier,
};
use preflight_dsp::platforms::PLATFORMS;
use preflight_dsp::SnapshotReceiver;
use preflight_gui::{Actions, Model, IDLE_AFTER};
use serde::{Deserialize, Serialize};

use crate::params::{Platform, PreflightParams};

/// Window size when the plugin is first opened (logical pixels).
pub const DEFAULT_SIZE: LogicalSize<f64> = LogicalSize::new(960.0, 600.0);
/// Smallest window the views are laid out for (logical pixels).
pub const MIN_SIZE: LogicalSize<f32> = LogicalSize::new(640.0, 400.0);
/// Largest accepted restored window (logical pixels): guards against corrupt session data.
const MAX_RESTORED_SIDE: f64 = 8192.0;
/// Accepted range of the restored zoom factor.
const ZOOM_RANGE: std::ops::RangeInclusive<f32> = 0.25..=4.0;

/// The receiving end of the snapshot queue, swapped in by `activate()` on the main thread and
/// drained by the editor on the GUI thread. The audio thread never locks it: it owns the sender.
pub type ReceiverSlot = Arc<Mutex<Option<SnapshotReceiver>>>;

/// Requests and status shared by the editor and `process()`. The audio thread touches only the
/// atomics, reading and clearing them without ever waiting; the one mutex is the main thread's
/// (`activate()`) and the editor's.
#[derive(Debug, Default)]
pub struct SharedState {
    /// Set by the editor, cleared by the audio thread when it has reset the meter.
    reset_requested: AtomicBool,
    /// Set by the editor, cleared by the audio thread when it has reset the maxima.
    reset_maxima_requested: AtomicBool,
    /// The user's pause switch; the audio thread follows it.
    paused: AtomicBool,
    /// Written by the audio thread: readings frozen by "hold on stop".
    holding: AtomicBool,
    /// Editor windows currently open (0 or 1 in practice; a count survives overlapping
    /// close/open).
    open_editors: AtomicUsize,
    /// Why the running configuration is not measured (set by `activate()` on the main thread,
    /// read by the editor). The audio thread never touches it: the one field that is not an
    /// atomic.
    not_measured: Mutex<Option<String>>,
}

impl SharedState {
    /// Records the user's requests from one frame of the editor.
    pub fn request(&self, actions: Actions) {
        if actions.reset {
            self.reset_requested.store(true, Ordering::Release);
        }
        if actions.reset_maxima {
            self.reset_maxima_requested.store(true, Ordering::Release);
        }
        if let Some(paused) = actions.set_paused {
            self.paused.store(paused, Ordering::Release);
        }
    }

    /// Whether a reset was requested since the last call. Real-time safe.
    pub fn take_reset(&self) -> bool {
        self.reset_requested.swap(false, Ordering::AcqRel)
    }

    /// Whether a maxima reset was requested since the last call. Real-time safe.
    pub fn take_reset_maxima(&self) -> bool {
        self.reset_maxima_requested.swap(false, Ordering::AcqRel)
    }

    /// The user's pause switch. Real-time safe.
    pub fn paused(&self) -> bool {
        self.paused.load(Ordering::Acquire)
    }

    /// Publishes whether readings are held by the transport. Real-time safe.
    pub fn set_holding(&self, holding: bool) {
        self.holding.store(holding, Ordering::Relaxed);
    }

    fn holding(&self) -> bool {
        self.holding.load(Ordering::Relaxed)
    }

    /// Records why nothing is measured (`None`: measuring). Main thread; not for the audio thread.
    pub fn set_not_measured(&self, reason: Option<String>) {
        *self
            .not_measured
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = reason;
    }

    fn with_not_measured<R>(&self, f: impl FnOnce(Option<&str>) -> R) -> R {
        f(self
            .not_measured
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_deref())
    }

    /// Whether an editor window is open, so display-only work is worth doing. Real-time safe.
    pub fn editor_open(&self) -> bool {
        self.open_editors.load(Ordering::Relaxed) > 0
    }
}

/// Window geometry as stored in the session.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EditorGeometry {
    /// Logical width.
    pub width: f64,
    /// Logical height.
    pub height: f64,
    /// User zoom on top of the system scale.
    pub zoom: f32,
}

impl EditorGeometry {
    /// `self` if it is a usable window, else `None` (corrupt or hostile session data).
    fn validated(self) -> Option<Self> {
        let side_ok = |v: f64| v.is_finite() && v <= MAX_RESTORED_SIDE;
        (side_ok(self.width) && side_ok(self.height) && ZOOM_RANGE.contains(&self.zoom)).then(
            || Self {
                width: self.width.max(f64::from(MIN_SIZE.width)),
                height: self.height.max(f64::from(MIN_SIZE.height)),
                zoom: self.zoom,
            },
        )
    }
}

/// The editor's window state, persisted as `editor-state`.
///
/// nice-plug-egui's [`EguiEditorState`] cannot be changed from outside once built, so restoring a
/// session swaps in a new one; the next window opened uses it.
#[derive(Debug)]
pub struct EditorState {
    current: RwLock<Arc<EguiEditorState>>,
}

impl Default for EditorState {
    fn default() -> Self {
        Self {
            current: RwLock::new(EguiEditorState::from_size(DEFAULT_SIZE, 1.0)),
        }
    }
}

impl EditorState {
    /// The state the next window opens with.
    pub fn current(&self) -> Arc<EguiEditorState> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Current geometry, as it would be saved.
    pub fn geometry(&self) -> EditorGeometry {
        let state = self.current();
        let size = state.logical_size();
        EditorGeometry {
            width: f64::from(size.width),
            height: f64::from(size.height),
            zoom: state.user_scale_factor(),
        }
    }

    /// Restores saved geometry; unusable values are ignored and the current geometry kept.
    pub fn restore(&self, geometry: EditorGeometry) {
        if let Some(g) = geometry.validated() {
            let state = EguiEditorState::from_size(LogicalSize::new(g.width, g.height), g.zoom);
            *self.current.write().unwrap_or_else(PoisonError::into_inner) = state;
        }
    }
}

impl PersistentField<'_, EditorGeometry> for Arc<EditorState> {
    fn set(&self, new_value: EditorGeometry) {
        self.restore(new_value);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&EditorGeometry) -> R,
    {
        f(&self.geometry())
    }
}

/// The plugin's [`Editor`]: builds an egui window from the current [`EditorState`] each time the
/// host opens one.
#[derive(Debug)]
pub struct PreflightEditor {
    params: Arc<PreflightParams>,
    shared: Arc<SharedState>,
    receiver: ReceiverSlot,
    repaint: RepaintNotifier,
}

impl PreflightEditor {
    /// An editor that draws what arrives through `receiver` and asks for repaints through
    /// `repaint` (the audio thread holds a clone to signal fresh snapshots). It judges the mix
    /// against the profile and platform in `params`, and opens with their window geometry.
    pub fn new(
        params: Arc<PreflightParams>,
        shared: Arc<SharedState>,
        receiver: ReceiverSlot,
        repaint: RepaintNotifier,
    ) -> Self {
        Self {
            params,
            shared,
            receiver,
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
        let app = App::new(
            Arc::clone(&self.params),
            Arc::clone(&self.shared),
            Arc::clone(&self.receiver),
        );
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
}

impl App {
    fn new(params: Arc<PreflightParams>, shared: Arc<SharedState>, receiver: ReceiverSlot) -> Self {
        shared.open_editors.fetch_add(1, Ordering::Relaxed);
        Self {
            model: Model::new(),
            params,
            shared,
            receiver,
            last_snapshot: None,
            gui_context: None,
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
            let value = match profile {
                preflight_dsp::readiness::Profile::Mix => crate::params::Profile::Mix,
                preflight_dsp::readiness::Profile::Master => crate::params::Profile::Master,
            };
            setter.begin_set_parameter(&self.params.profile);
            setter.set_parameter(&self.params.profile, value);
            setter.end_set_parameter(&self.params.profile);
        }
        if let Some(target) = actions.set_platform {
            if let Some(index) = PLATFORMS.iter().position(|p| p.id == target.id) {
                setter.begin_set_parameter(&self.params.platform);
                setter.set_parameter(&self.params.platform, Platform::from_index(index));
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
        self.shared.open_editors.fetch_sub(1, Ordering::Relaxed);
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
        self.model.set_zoom(ui.ctx().zoom_factor());

        let mut actions = Actions::default();
        preflight_gui::draw(ui, &self.model, &mut actions);
        self.model.apply_view_actions(&actions);
        self.apply(ui.ctx(), &actions);
        self.shared.request(actions);

        // Snapshots trigger repaints; without them the idle state still has to appear.
        ui.ctx().request_repaint_after(IDLE_AFTER);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_round_trips_and_rejects_nonsense() {
        let state = EditorState::default();
        let default = state.geometry();
        assert_eq!((default.width, default.height), (960.0, 600.0));
        assert_eq!(default.zoom, 1.0);

        let wanted = EditorGeometry {
            width: 1200.0,
            height: 700.0,
            zoom: 1.5,
        };
        state.restore(wanted);
        assert_eq!(state.geometry(), wanted);

        for bad in [
            EditorGeometry {
                zoom: 0.0,
                ..wanted
            },
            EditorGeometry {
                width: f64::NAN,
                ..wanted
            },
            EditorGeometry {
                height: 1e12,
                ..wanted
            },
        ] {
            state.restore(bad);
            assert_eq!(state.geometry(), wanted, "{bad:?} was applied");
        }

        state.restore(EditorGeometry {
            width: 10.0,
            height: 10.0,
            zoom: 1.0,
        });
        let small = state.geometry();
        assert_eq!(
            (small.width, small.height),
            (f64::from(MIN_SIZE.width), f64::from(MIN_SIZE.height))
        );
    }

    #[test]
    fn requests_are_taken_once() {
        let shared = SharedState::default();
        shared.request(Actions {
            reset: true,
            reset_maxima: true,
            set_paused: Some(true),
            ..Actions::default()
        });
        assert!(shared.take_reset());
        assert!(!shared.take_reset());
        assert!(shared.take_reset_maxima());
        assert!(!shared.take_reset_maxima());
        assert!(shared.paused());
        shared.request(Actions::default());
        assert!(shared.paused(), "no request leaves the switch alone");
        shared.request(Actions {
            set_paused: Some(false),
            ..Actions::default()
        });
        assert!(!shared.paused());
    }

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

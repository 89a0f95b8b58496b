//! Preflight's editor views, in egui.
//!
//! The views know the engine's [`Snapshot`](preflight_dsp::Snapshot) and nothing of the plugin
//! framework: whoever hosts them installs the [`theme`] once, drains snapshots into a [`Model`]
//! (which also runs the readiness rules a few times a second), calls [`draw`] once a frame and
//! carries out the [`Actions`] the user asked for ([`Model::apply_view_actions`] takes the ones
//! that only concern the view). That keeps the views testable headless.

mod actions;
pub use actions::{ExportStatus, ReferenceState, ReferenceTrack};
mod format;
mod model;
pub mod theme;
mod view;

pub use format::{channel_name, format_correlation, format_db, format_lu, format_lufs, NO_VALUE};
pub use model::{
    rotate, HistoryPoint, LoudnessHistory, Model, PeakBar, ScopeTrail, HISTORY_LEN,
    HISTORY_SECONDS, IDLE_AFTER, PEAK_FALL_DB_PER_S, PEAK_HOLD, PEAK_HOLD_FALL_DB_PER_S,
    READINESS_RATE_HZ, SCOPE_TRAIL_FRAMES, SNAPSHOT_RATE_HZ,
};
pub use view::{
    draw, Actions, BAR_CEILING_DBTP, BAR_FLOOR_DBTP, DESIGN_SIZE, MIN_LAYOUT_SIZE, PEAK_CLIP_DBTP,
    PEAK_WARN_DBTP, ZOOM_STEPS,
};

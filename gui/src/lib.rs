//! Preflight's editor views, in egui.
//!
//! The views know the engine's [`Snapshot`](preflight_dsp::Snapshot) and nothing of the plugin
//! framework: whoever hosts them drains snapshots into a [`Model`], calls [`draw`] once a frame
//! and carries out the [`Actions`] the user asked for. That keeps the views testable headless.

mod format;
mod model;
mod view;

pub use format::{channel_name, format_correlation, format_db, format_lu, format_lufs};
pub use model::{
    HistoryPoint, LoudnessHistory, Model, HISTORY_LEN, HISTORY_SECONDS, IDLE_AFTER,
    PEAK_FALL_DB_PER_S, SNAPSHOT_RATE_HZ,
};
pub use view::{draw, Actions, BAR_CEILING_DBTP, BAR_FLOOR_DBTP, PEAK_CLIP_DBTP, PEAK_WARN_DBTP};

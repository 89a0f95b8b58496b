//! Preflight's real-time metering engine.
//!
//! Implements ITU-R BS.1770-4 loudness (K-weighting, gating), EBU R128 / Tech 3341 momentary,
//! short-term and integrated loudness on a 10 ms update grid, EBU Tech 3342 loudness range,
//! BS.1770-4 Annex 2 true peak, stereo correlation, DC offset and spectrum analysis.
//!
//! The engine has two phases, like every real-time DSP object here: [`Meter::new`] allocates
//! everything it will ever need; [`Meter::process`] never allocates, locks, blocks or panics.
//! Results leave the audio thread as [`Snapshot`]s (plain `Copy` data) through the lock-free
//! snapshot queue ([`snapshot_channel`]), or as a [`Summary`] when a file has been measured.
//!
//! The test-signal generators (`signals`, `mixes`) are compiled only with the `test-support`
//! feature, which the workspace's tests, benches and examples enable; the plug-in and the CLI
//! are built without them.

mod correlation;
mod gating;
mod handoff;
mod k_weighting;
mod kernels;
pub use kernels::FLUSH_BELOW;
mod layout;
mod meter;
#[cfg(any(test, feature = "test-support"))]
pub mod mixes;
pub mod platforms;
pub mod readiness;
#[cfg(any(test, feature = "test-support"))]
pub mod signals;
mod snapshot;
mod spectrum;
mod stats;
mod timeline;
mod true_peak;
mod units;

pub use handoff::{snapshot_channel, SnapshotReceiver, SnapshotSender};
pub use layout::{ChannelLayout, MAX_CHANNELS};
pub use meter::{
    Meter, MeterConfig, MeterError, Recorder, SpectrumMode, EVENT_CAPACITY, MAX_SAMPLE_RATE_HZ,
    MIN_SAMPLE_RATE_HZ,
};
pub use snapshot::{
    Event, EventKind, HistoryRow, NumberedEvent, Snapshot, SpectrumBand, Summary, SCOPE_POINTS,
    SNAPSHOT_EVENTS,
};
pub use spectrum::{band_centers_hz, fft_len, BAND_COUNT, FREQUENCY_GRID_HZ};
pub use timeline::{HostPosition, HostTimeline};
pub use true_peak::{Overs, TruePeak};
pub use units::{amplitude_to_db, clock, db_to_amplitude, lufs_to_power, max_level, power_to_lufs};

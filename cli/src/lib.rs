//! The `preflight` command-line tool as a library: file decoding, analysis and reports, so that
//! every subcommand (and its tests) measures files the same way.
//!
//! - [`decode`]: streaming WAV/AIFF/FLAC decoding to interleaved `f32`.
//! - [`analyze`]: one file through the metering engine.
//! - [`report`]: the JSON shape ([`report::AnalysisReport`]) and the readable table.
//! - [`check`]: the readiness report of `preflight check` ([`check::CheckReport`]).
//! - [`html`]: the HTML report of `preflight check --report`.
//! - [`export`]: the history CSV and the names of per-file outputs.
//! - `codec`: the codec preview (`preflight check --codecs`; feature `codecs`).
//! - [`compare`]: a mix against reference tracks (`preflight compare`).
//! - [`target`]: tonal targets as JSON (`preflight target build`, `check --target`).
//! - [`guard`]: keeps a decoder panic on a malformed file from ending a batch.

pub mod analyze;
pub mod check;
#[cfg(feature = "codecs")]
pub mod codec;
pub mod compare;
mod container;
pub mod decode;
mod error;
pub mod export;
pub mod guard;
pub mod html;
mod pcm;
pub mod report;
pub mod target;

pub use analyze::{analyze_file, Analysis, AnalyzeError, AnalyzeOptions};
pub use report::AnalysisReport;

//! Measuring one file: stream it through the decoder into a [`Meter`] and report.
//!
//! Truncated files (a header promising more audio than the file holds) are refused unless
//! [`AnalyzeOptions::allow_truncated`] is set, in which case the audio that is present is measured
//! and a warning is returned: a measurement of part of a bounce should never pass silently as the
//! measurement of the whole.

use std::path::Path;

use preflight_dsp::readiness::{FileFormat, ReadinessStats};
use preflight_dsp::{ChannelLayout, Meter, MeterConfig, MeterError};

use crate::decode::{AudioStream, DecodeError, Truncation};
use crate::report::{AnalysisReport, FormatReport};

/// Largest block handed to the meter at once; packets are at most this long for PCM, and the
/// meter splits longer ones (FLAC) internally.
pub const MAX_BLOCK_FRAMES: usize = 4096;

/// Choices that change how a file is analysed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnalyzeOptions {
    /// Measure a truncated file up to where it ends (with a warning) instead of refusing it.
    pub allow_truncated: bool,
}

/// Why a file could not be analysed.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// The file could not be decoded.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The meter does not support the file's sample rate or channel count.
    #[error(transparent)]
    Meter(#[from] MeterError),
    /// The header promises more audio than the file holds.
    #[error("truncated: {} (use --allow-truncated to measure the audio that is present)", describe_truncation(.truncation, *.sample_rate_hz))]
    Truncated {
        /// What is missing.
        truncation: Truncation,
        /// To express it in seconds.
        sample_rate_hz: u32,
    },
}

/// A finished analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The measurements.
    pub report: AnalysisReport,
    /// What the readiness rules read (see `preflight check`).
    pub readiness: ReadinessStats,
    /// How the file stores its samples, for the `format` check.
    pub file_format: FileFormat,
    /// Things the user should know about the measurement (one line each, no file name).
    pub warnings: Vec<String>,
}

/// Decodes `path` packet by packet into a meter and reports the measurements.
///
/// `display_name` is what the report calls the file (usually the path as the user typed it).
/// Memory use does not depend on the file's length. The file is opened read-only.
pub fn analyze_file(
    path: &Path,
    display_name: &str,
    options: &AnalyzeOptions,
) -> Result<Analysis, AnalyzeError> {
    let mut stream = AudioStream::open(path)?;
    let info = stream.info().clone();

    if let Some(truncation) = stream.header_truncation() {
        if !options.allow_truncated {
            return Err(AnalyzeError::Truncated {
                truncation,
                sample_rate_hz: info.sample_rate_hz,
            });
        }
    }

    let layout = ChannelLayout::from_channel_count(info.channels);
    let mut meter = Meter::new(MeterConfig::new(
        info.sample_rate_hz,
        layout,
        MAX_BLOCK_FRAMES,
    ))?;
    while let Some(samples) = stream.next_block()? {
        meter.process_interleaved(samples);
    }
    let end = stream.finish()?;

    let mut warnings = Vec::new();
    if let Some(truncation) = end.truncation {
        if !options.allow_truncated {
            return Err(AnalyzeError::Truncated {
                truncation,
                sample_rate_hz: info.sample_rate_hz,
            });
        }
        warnings.push(format!(
            "truncated: {}; measured the audio that is present",
            describe_truncation(&truncation, info.sample_rate_hz)
        ));
    }
    if end.skipped_packets > 0 {
        warnings.push(format!(
            "skipped {} corrupt packet{} ({:.3} s of audio not measured)",
            end.skipped_packets,
            if end.skipped_packets == 1 { "" } else { "s" },
            end.skipped_frames as f64 / f64::from(info.sample_rate_hz.max(1)),
        ));
    }

    let summary = meter.summary();
    let report = AnalysisReport::new(
        display_name.to_string(),
        FormatReport::from(&info.format),
        &summary,
    );
    let file_format = FileFormat {
        codec: info.format.codec.clone(),
        bits_per_sample: info.format.bits_per_sample,
        float: info.format.float,
        // Every codec this tool decodes (PCM, FLAC) is lossless.
        lossy: false,
    };
    Ok(Analysis {
        report,
        readiness: summary.readiness,
        file_format,
        warnings,
    })
}

fn describe_truncation(t: &Truncation, sample_rate_hz: u32) -> String {
    let seconds = |frames: u64| frames as f64 / f64::from(sample_rate_hz.max(1));
    format!(
        "the header promises {:.3} s ({} frames) but the file holds {:.3} s ({} frames)",
        seconds(t.declared_frames),
        t.declared_frames,
        seconds(t.present_frames),
        t.present_frames
    )
}

//! Measuring one file: stream it through the decoder into a [`Meter`] and report.
//!
//! A long plain-PCM WAV file is measured in parts on several threads, one meter per part, each
//! reading only its own range of the file. The parts start at whole seconds; each meter but the
//! first is fed the 3 s before its part while paused, so that its filters and windows hold what a
//! single meter's would, and then the meters are merged in order ([`Meter::merge_following`]).
//! Every measurement then equals a single pass except the long-term spectrum, whose analysis
//! frames fall differently (bands typically move by a few hundredths of a dB, at most about a
//! tenth on a 10-minute mix).
//!
//! Truncated files (a header promising more audio than the file holds) are refused unless
//! [`AnalyzeOptions::allow_truncated`] is set, in which case the audio that is present is measured
//! and a warning is returned: a measurement of part of a bounce should never pass silently as the
//! measurement of the whole.

use std::io;
use std::path::Path;
use std::thread;

use preflight_dsp::readiness::{FileFormat, ReadinessStats, Tonal};
use preflight_dsp::{
    ChannelLayout, HistoryRow, Meter, MeterConfig, MeterError, Summary, MAX_CHANNELS,
};

use crate::decode::{AudioStream, DecodeError, Truncation};
use crate::guard;
use crate::pcm::{PcmLayout, PcmReader};
use crate::report::{AnalysisReport, FormatReport};

/// Block length the meter is built for. Informational: the meter takes blocks of any length in
/// chunks of its own, so FLAC frames and the direct reader's blocks (some 40 000 frames) are fine.
pub const MAX_BLOCK_FRAMES: usize = 4096;

/// Shortest part worth a thread of its own, in seconds: a file is split only when it is longer
/// than two of them, and no part is shorter.
pub const MIN_PART_S: u64 = 10;

/// Choices that change how a file is analysed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnalyzeOptions {
    /// Measure a truncated file up to where it ends (with a warning) instead of refusing it.
    pub allow_truncated: bool,
    /// Threads that may measure one long file in parts: 0 for one per core, 1 for a single pass.
    pub threads: usize,
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
    /// How the file stores its samples, for the `format` check (`None` for a measurement that
    /// is not of a file, such as a plug-in's session: the check is then not made).
    pub file_format: Option<FileFormat>,
    /// Things the user should know about the measurement (one line each, no file name).
    pub warnings: Vec<String>,
    /// Seconds each history row covers.
    pub history_interval_s: f64,
    /// The loudness history (see `preflight_dsp::Summary::history`).
    pub history: Vec<HistoryRow>,
    /// Crest factor: highest sample peak over RMS, loudest channel (dB).
    pub crest_factor_db: Option<f64>,
    /// Mid energy over side energy (dB; large = narrow).
    pub mid_side_ratio_db: Option<f64>,
}

/// Decodes `path` block by block into a meter (a long plain-PCM WAV file in parts, on up to
/// [`AnalyzeOptions::threads`] threads) and reports the measurements.
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

    let config = MeterConfig::new(
        info.sample_rate_hz,
        ChannelLayout::from_channel_count(info.channels),
        MAX_BLOCK_FRAMES,
    );
    let mut meter = Meter::new(config)?;
    let end = match stream.direct_layout() {
        Some(layout) => {
            let threads = thread_count(options);
            let bounds = part_bounds(layout.frames, layout.sample_rate_hz, threads);
            let frames = measure_in_parts(path, layout, &mut meter, &bounds)?;
            stream.finish_read_elsewhere(frames)?
        }
        None => {
            while let Some(samples) = stream.next_block()? {
                meter.process_interleaved(samples);
            }
            stream.finish()?
        }
    };

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

    let file_format = FileFormat {
        codec: info.format.codec.clone(),
        bits_per_sample: info.format.bits_per_sample,
        float: info.format.float,
        lossy: info.format.lossy,
    };
    Ok(Analysis::new(
        display_name,
        FormatReport::from(&info.format),
        Some(file_format),
        meter.summary(),
        warnings,
    ))
}

impl Analysis {
    /// The analysis of a finished measurement: `name` is what reports call it, `format` how its
    /// samples were stored.
    pub fn new(
        name: &str,
        format: FormatReport,
        file_format: Option<FileFormat>,
        summary: Summary,
        warnings: Vec<String>,
    ) -> Self {
        let report = AnalysisReport::new(name.to_string(), format, &summary);
        Self {
            report,
            readiness: summary.readiness,
            file_format,
            warnings,
            history_interval_s: summary.history_interval_s,
            history: summary.history,
            crest_factor_db: summary.crest_factor_db,
            mid_side_ratio_db: summary.mid_side_ratio_db,
        }
    }

    /// The balance the tonal comparisons read: the long-term spectrum with the integrated
    /// loudness it is matched by.
    pub fn tonal(&self) -> Tonal {
        Tonal {
            integrated_lufs: self.report.integrated_lufs,
            spectrum_db: self.readiness.spectrum_db,
        }
    }
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

fn thread_count(options: &AnalyzeOptions) -> usize {
    match options.threads {
        0 => thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// Where the parts of a file of `frames` begin and end: `[0, b1, ..., frames]`, inner bounds at
/// whole seconds, at most `threads` parts, none shorter than [`MIN_PART_S`].
fn part_bounds(frames: u64, sample_rate_hz: u32, threads: usize) -> Vec<u64> {
    let rate = u64::from(sample_rate_hz);
    let min_part = (MIN_PART_S * rate).max(1);
    let parts = (frames.saturating_sub(1) / min_part).clamp(1, threads.max(1) as u64);
    let seconds = frames / rate.max(1);
    let mut bounds = vec![0];
    bounds.extend((1..parts).map(|i| seconds * i / parts * rate));
    bounds.push(frames);
    bounds
}

/// Measures the parts between `bounds` (see [`part_bounds`]): the first into `meter` on this
/// thread, each other on a thread of its own, then merged into `meter` in order. Returns the
/// frames measured. The samples go to the meter planar, as the direct reader converts them.
fn measure_in_parts(
    path: &Path,
    layout: PcmLayout,
    meter: &mut Meter,
    bounds: &[u64],
) -> Result<u64, AnalyzeError> {
    let config = *meter.config();
    // Audio fed to a part's meter while paused before its part (the meter says how much).
    let warm_up = meter.warm_up_frames();
    let last = bounds.len() - 2;
    let later_part = move |index: usize| {
        let (start, end) = (bounds[index], bounds[index + 1]);
        guard::catch_panic(move || -> Result<(Meter, u64), AnalyzeError> {
            let mut part = Meter::new(config)?;
            part.set_paused(true);
            let frames = measure_range(path, layout, &mut part, start - warm_up, start, end)?;
            Ok((part, frames))
        })
    };
    thread::scope(|scope| {
        // A part whose thread cannot be started is measured on this thread afterwards.
        let handles: Vec<_> = (1..=last)
            .map(|index| {
                thread::Builder::new()
                    .spawn_scoped(scope, move || later_part(index))
                    .map_err(|_| index)
            })
            .collect();
        let mut frames = measure_range(path, layout, meter, 0, 0, bounds[1])?;
        for (index, handle) in (1..=last).zip(handles) {
            let result = match handle {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|payload| Err(guard::panic_message(payload.as_ref()))),
                Err(index) => later_part(index),
            };
            let (part, part_frames) = match result {
                Ok(measured) => measured?,
                // Reported as a panic of this thread, as if the part had been measured here.
                Err(message) => std::panic::resume_unwind(Box::new(message)),
            };
            // Each part must follow the previous one seamlessly; only the last may end early.
            if frames != bounds[index] {
                return Err(shrank().into());
            }
            meter.merge_following(&part);
            frames += part_frames;
        }
        Ok(frames)
    })
}

/// Feeds frames `[from, end)` of the file to `meter` through a reader of its own, resuming the
/// (paused) meter at `live_from`; returns the frames fed after `live_from`.
fn measure_range(
    path: &Path,
    layout: PcmLayout,
    meter: &mut Meter,
    from: u64,
    live_from: u64,
    end: u64,
) -> Result<u64, DecodeError> {
    let mut reader = PcmReader::open(path, layout, from..end)?;
    let channels = layout.channels.min(MAX_CHANNELS);
    let mut position = from;
    while let Some(block) = reader.next_planar()? {
        let frames = block.frames();
        let mut planes: [&[f32]; MAX_CHANNELS] = [&[]; MAX_CHANNELS];
        for (c, plane) in planes.iter_mut().enumerate().take(channels) {
            *plane = block.channel(c);
        }
        let paused = live_from.saturating_sub(position).min(frames as u64) as usize;
        if paused > 0 {
            let warm = planes.map(|p| p.get(..paused).unwrap_or(p));
            meter.process(&warm[..channels]);
            if position + paused as u64 == live_from {
                meter.set_paused(false);
            }
        }
        let live = planes.map(|p| p.get(paused..).unwrap_or(&[]));
        meter.process(&live[..channels]);
        position += frames as u64;
    }
    if position < live_from {
        return Err(shrank());
    }
    Ok(position - live_from)
}

/// The file got shorter while it was being read.
fn shrank() -> DecodeError {
    DecodeError::Io(io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "the file got shorter while it was being read",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_up_to_twice_the_shortest_part_are_measured_in_one_pass() {
        let rate = 48_000;
        let min_part = MIN_PART_S * u64::from(rate);
        assert_eq!(part_bounds(0, rate, 8), vec![0, 0]);
        assert_eq!(part_bounds(2 * min_part, rate, 8), vec![0, 2 * min_part]);
        assert_eq!(
            part_bounds(2 * min_part + 1, rate, 1),
            vec![0, 2 * min_part + 1]
        );
        assert_eq!(
            part_bounds(2 * min_part + 1, rate, 8),
            vec![0, min_part, 2 * min_part + 1]
        );
    }

    #[test]
    fn parts_start_at_whole_seconds_and_are_never_shorter_than_the_minimum() {
        for rate in [8_000u32, 44_100, 48_000, 96_000] {
            let r = u64::from(rate);
            let config = preflight_dsp::MeterConfig::new(
                rate,
                preflight_dsp::ChannelLayout::Stereo,
                MAX_BLOCK_FRAMES,
            );
            let warm_up = Meter::new(config).expect("meter").warm_up_frames();
            assert_eq!(warm_up, 3 * r);
            for frames in [31 * r + 17, 59 * r + r / 2, 600 * r, 3_600 * r + 1] {
                for threads in 1..=16 {
                    let b = part_bounds(frames, rate, threads);
                    let parts = b.len() - 1;
                    assert!(parts >= 1 && parts <= threads, "{b:?}");
                    assert_eq!((b[0], b[parts]), (0, frames));
                    for w in b.windows(2) {
                        assert!(parts == 1 || w[1] - w[0] >= MIN_PART_S * r, "{b:?}");
                    }
                    for &inner in &b[1..parts] {
                        assert_eq!(inner % r, 0, "{b:?}");
                        assert!(inner >= warm_up);
                    }
                }
                // As many parts as threads when the file is long enough.
                let most = (frames - 1) / (MIN_PART_S * r);
                assert_eq!(part_bounds(frames, rate, 4).len() - 1, most.min(4) as usize);
            }
        }
    }
}

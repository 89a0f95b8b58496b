//! The metering engine: [`Meter`] feeds each block through its stages and keeps the results.
//!
//! Timing follows EBU Tech 3341: the signal is cut into 10 ms sub-blocks ([`grid`]), and every 10
//! of them (100 ms) a hop ends. Each stage is one file with the same shape ([`grid::Stage`]:
//! reset, merge, end of sub-block, end of hop, read into the statistics):
//! - [`weighting`]: K-weighting and the low-band correlation filter (loops in `crate::kernels`);
//! - [`loudness`]: momentary and short-term windows, their maxima, integrated loudness and LRA;
//! - [`peaks`]: sample and true peaks, clips and overs with their times, peak histograms;
//! - [`stereo`]: live, whole and loud-passage correlation sums of the stereo pair;
//! - [`channels`]: DC offset, RMS and non-finite counts per channel;
//! - [`scope`]: the goniometer trace (display only).
//!
//! The spectrum analyser of `crate::spectrum` runs beside them. One private function builds the
//! statistics that the rules ([`Meter::readiness_stats`]), the snapshot and the summary all read.
//!
//! Before anything else each sample is checked: NaN and +/-Inf are counted and measured as
//! silence (0.0), and samples below -300 dBFS (subnormals included) are flushed to zero, so
//! neither can poison a filter state or slow the arithmetic down.

mod channels;
mod grid;
mod loudness;
mod peaks;
mod scope;
mod stereo;
mod weighting;

use crate::kernels::{sanitise_with, Simd};
use crate::layout::{ChannelLayout, MAX_CHANNELS};
use crate::snapshot::{Snapshot, SpectrumBand, Summary};
use crate::spectrum::{band_centers_hz, FrameSchedule, SpectrumAnalyzer};
use crate::stats::{ReadinessStats, LRA_MIN_S};
use crate::units::{amplitude_to_db, power_ratio_db, power_to_lufs};
use channels::ChannelStats;
use grid::{Grid, HopEnd, Stage, SubBlockEnd, GRID_PER_SECOND, SHORT_TERM_SUBBLOCKS};
use loudness::Loudness;
use peaks::{Peaks, HISTORY};
use scope::Goniometer;
use stereo::Stereo;
use weighting::Weighting;

/// Lowest supported sample rate.
pub const MIN_SAMPLE_RATE_HZ: u32 = 8_000;
/// Highest supported sample rate.
pub const MAX_SAMPLE_RATE_HZ: u32 = 768_000;
/// Frames handled in one internal pass (bounded work between sub-block boundaries).
const CHUNK_FRAMES: usize = 1024;
/// In long-term mode one FFT frame is analysed every this many frame lengths: the long-term
/// average is taken over an even sample of an eighth of the audio (a 3-minute song still gives
/// ~260 frames), which keeps its cost to a few percent of the meter (display mode analyses every
/// half frame, file analysis every frame).
const LONG_TERM_HOP_FRAMES: usize = 8;

/// What the spectrum analyser computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpectrumMode {
    /// No spectrum at all (cheapest).
    Off,
    /// Long-term average spectrum only, from one FFT frame in eight (what the readiness checks
    /// need, at a few percent of the meter's cost): for a meter that runs for hours.
    LongTerm,
    /// Long-term average spectrum from every FFT frame (no overlap): for file analysis, where
    /// the figure should not depend on which frames were sampled.
    LongTermFull,
    /// Long-term average plus live display frames on 50 %-overlapping frames (editor open).
    Display,
}

/// How a [`Meter`] is built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeterConfig {
    /// 8 kHz to 768 kHz.
    pub sample_rate_hz: u32,
    /// Channel layout (weights, LFE, stereo pair).
    pub layout: ChannelLayout,
    /// Largest block the host will send. Informational: any block size is accepted, and work is
    /// done in internal chunks of at most 1024 frames whatever the block size.
    pub max_block_frames: usize,
    /// Spectrum analysis wanted at start.
    pub spectrum: SpectrumMode,
    /// Ceiling for counting true-peak overs (dBTP).
    pub true_peak_ceiling_dbtp: f64,
}

impl MeterConfig {
    /// Defaults: long-term spectrum from every frame (file analysis; a plug-in switches to
    /// [`SpectrumMode::LongTerm`] or [`SpectrumMode::Display`]), true-peak ceiling -1 dBTP.
    pub fn new(sample_rate_hz: u32, layout: ChannelLayout, max_block_frames: usize) -> Self {
        Self {
            sample_rate_hz,
            layout,
            max_block_frames,
            spectrum: SpectrumMode::LongTermFull,
            true_peak_ceiling_dbtp: -1.0,
        }
    }
}

/// Why a meter cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeterError {
    /// Sample rate outside 8 kHz..=768 kHz.
    #[error("unsupported sample rate {got} Hz (supported: {min} to {max} Hz)")]
    UnsupportedSampleRate {
        /// Requested rate.
        got: u32,
        /// Lowest supported.
        min: u32,
        /// Highest supported.
        max: u32,
    },
    /// No channels, or more than [`MAX_CHANNELS`].
    #[error("unsupported channel count {got} (supported: 1 to {max})")]
    UnsupportedChannelCount {
        /// Requested count.
        got: usize,
        /// Most supported.
        max: usize,
    },
}

/// The metering engine. See the crate docs for the real-time contract.
#[derive(Debug)]
pub struct Meter {
    config: MeterConfig,
    channels: usize,
    stereo_pair: bool,
    simd: Simd,
    /// Per channel: [`HISTORY`] samples of the previous chunk, then the current chunk.
    scratch: Vec<Vec<f32>>,
    grid: Grid,
    paused: bool,
    /// Frames measured while not paused.
    frames: u64,
    sequence: u64,

    weighting: Weighting,
    loudness: Loudness,
    peaks: Peaks,
    stereo: Stereo,
    channel_stats: ChannelStats,
    scope: Goniometer,
    spectrum: SpectrumAnalyzer,
    spectrum_mode: SpectrumMode,
    spectrum_channels: [usize; MAX_CHANNELS],
    spectrum_channel_count: usize,
}

impl Meter {
    /// Builds a meter; allocates everything it will use. Not real-time safe.
    pub fn new(config: MeterConfig) -> Result<Self, MeterError> {
        let rate = config.sample_rate_hz;
        if !(MIN_SAMPLE_RATE_HZ..=MAX_SAMPLE_RATE_HZ).contains(&rate) {
            return Err(MeterError::UnsupportedSampleRate {
                got: rate,
                min: MIN_SAMPLE_RATE_HZ,
                max: MAX_SAMPLE_RATE_HZ,
            });
        }
        let layout = config.layout;
        let channels = layout.channel_count();
        if channels == 0 || channels > MAX_CHANNELS {
            return Err(MeterError::UnsupportedChannelCount {
                got: channels,
                max: MAX_CHANNELS,
            });
        }
        let mut spectrum_channels = [0; MAX_CHANNELS];
        let mut spectrum_channel_count = 0;
        for c in 0..channels {
            if Some(c) != layout.lfe_index() {
                spectrum_channels[spectrum_channel_count] = c;
                spectrum_channel_count += 1;
            }
        }
        let simd = Simd::detect();
        let grid = Grid::new(rate);
        let mut meter = Self {
            config,
            channels,
            stereo_pair: layout.has_stereo_pair(),
            simd,
            scratch: vec![vec![0.0; HISTORY + CHUNK_FRAMES]; channels],
            grid,
            paused: false,
            frames: 0,
            sequence: 0,
            weighting: Weighting::new(rate, layout, simd),
            loudness: Loudness::new(grid.len_of(0)),
            peaks: Peaks::new(rate, channels, config.true_peak_ceiling_dbtp),
            stereo: Stereo::new(layout.has_stereo_pair()),
            channel_stats: ChannelStats::new(channels),
            scope: Goniometer::new(rate),
            spectrum: SpectrumAnalyzer::new(rate, spectrum_channel_count),
            spectrum_mode: config.spectrum,
            spectrum_channels,
            spectrum_channel_count,
        };
        meter.reset();
        Ok(meter)
    }

    /// The configuration the meter was built with.
    pub fn config(&self) -> &MeterConfig {
        &self.config
    }

    /// Whether the integrating measurements are paused.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Current spectrum mode.
    pub fn spectrum_mode(&self) -> SpectrumMode {
        self.spectrum_mode
    }

    /// Clears every measurement and filter state; the next sample starts a new measurement.
    /// Real-time safe.
    pub fn reset(&mut self) {
        for s in &mut self.scratch {
            s.fill(0.0);
        }
        self.grid.reset();
        self.frames = 0;
        self.weighting.reset();
        self.loudness.reset();
        self.peaks.reset();
        self.stereo.reset();
        self.channel_stats.reset();
        self.scope.reset();
        self.spectrum.reset();
    }

    /// Clears the maxima (max momentary, max short-term, peak holds) and nothing else: windows,
    /// integrated loudness and counts go on. Real-time safe.
    pub fn reset_maxima(&mut self) {
        self.loudness.reset_maxima();
        self.peaks.reset_maxima();
    }

    /// Pauses or resumes the integrating measurements (integrated loudness, LRA, maxima, counts,
    /// whole-measurement statistics, long-term spectrum). Momentary and short-term loudness,
    /// correlation and the since-last peaks stay live. Real-time safe.
    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    /// Changes what the spectrum analyser computes. Real-time safe (buffers exist already).
    pub fn set_spectrum_mode(&mut self, mode: SpectrumMode) {
        self.spectrum_mode = mode;
    }

    /// Measures one block of planar audio: one slice per channel. Slices may differ in length
    /// (the shortest wins); missing channels are measured as silence, extra ones are ignored.
    /// Any block size works. Real-time safe: no allocation, no lock, no panic.
    pub fn process(&mut self, input: &[&[f32]]) {
        let frames = input
            .iter()
            .take(self.channels)
            .map(|c| c.len())
            .min()
            .unwrap_or(0);
        let mut offset = 0;
        while offset < frames {
            let n = (frames - offset).min(CHUNK_FRAMES).min(self.grid.room());
            for (c, buf) in self.scratch.iter_mut().enumerate() {
                let out = &mut buf[HISTORY..HISTORY + n];
                match input.get(c) {
                    Some(src) => out.copy_from_slice(&src[offset..offset + n]),
                    // Channels the host did not provide are silence, not the previous chunk.
                    None => out.fill(0.0),
                }
            }
            self.measure_chunk(n);
            offset += n;
        }
    }

    /// Measures interleaved audio (frames of `channel_count` samples). A trailing partial frame is
    /// ignored. Real-time safe.
    pub fn process_interleaved(&mut self, samples: &[f32]) {
        let channels = self.channels;
        let frames = samples.len() / channels;
        let mut offset = 0;
        while offset < frames {
            let n = (frames - offset).min(CHUNK_FRAMES).min(self.grid.room());
            let frame_slice = &samples[offset * channels..(offset + n) * channels];
            for (c, dst) in self.scratch.iter_mut().enumerate() {
                let out = &mut dst[HISTORY..HISTORY + n];
                for (d, frame) in out.iter_mut().zip(frame_slice.chunks_exact(channels)) {
                    *d = frame[c];
                }
            }
            self.measure_chunk(n);
            offset += n;
        }
    }

    /// Sanitises and measures the chunk that sits in `scratch[c][HISTORY..HISTORY + n]`, which
    /// never crosses a sub-block boundary.
    fn measure_chunk(&mut self, n: usize) {
        debug_assert!(n > 0 && n <= CHUNK_FRAMES);
        let live = !self.paused;
        let chunk = HISTORY..HISTORY + n;
        for (c, buf) in self.scratch.iter_mut().enumerate() {
            let s = sanitise_with(&mut buf[chunk.clone()], self.simd);
            self.channel_stats.add(c, &s, n, live);
            self.peaks.measure(c, buf, n, s.peak, self.frames, live);
        }

        let (energy, pair) = self.weighting.measure(&self.scratch, chunk.clone());
        self.loudness.add(energy);
        if let Some(p) = pair {
            self.stereo
                .add(&p.broadband, &p.low_band, p.identical, live);
        }

        if self.spectrum_mode != SpectrumMode::Off {
            let hop = match self.spectrum_mode {
                SpectrumMode::Display => self.spectrum.len() / 2,
                SpectrumMode::LongTermFull => self.spectrum.len(),
                _ => self.spectrum.len() * LONG_TERM_HOP_FRAMES,
            };
            self.spectrum.push_block(
                &self.scratch,
                &self.spectrum_channels[..self.spectrum_channel_count],
                chunk.clone(),
                FrameSchedule {
                    hop,
                    long_term: live,
                    display: self.spectrum_mode == SpectrumMode::Display,
                },
            );
        }
        if self.spectrum_mode == SpectrumMode::Display && self.stereo_pair {
            self.scope
                .push(&self.scratch[0][chunk.clone()], &self.scratch[1][chunk]);
        }

        // Keep the interpolator's history.
        for buf in &mut self.scratch {
            buf.copy_within(n..n + HISTORY, 0);
        }
        self.weighting.flush_denormals();

        if live {
            self.frames += n as u64;
        }
        if let Some(end) = self.grid.advance(n, live) {
            self.end_subblock(&end);
        }
    }

    /// Closes a 10 ms sub-block in every stage, and the hop it may end.
    fn end_subblock(&mut self, end: &SubBlockEnd) {
        self.loudness.end_subblock(end);
        self.peaks.end_subblock(end);
        self.stereo.end_subblock(end);
        if end.ends_hop() {
            let hop = HopEnd {
                live: end.live,
                closed: end.closed,
                momentary_power: self.loudness.momentary_power(),
            };
            self.loudness.end_hop(&hop);
            self.peaks.end_hop(&hop);
            self.stereo.end_hop(&hop);
        }
    }

    /// Integrated loudness so far (LUFS). Real-time safe (scans a fixed-size histogram when new
    /// blocks arrived).
    pub fn integrated_lufs(&mut self) -> Option<f64> {
        self.loudness.refresh();
        self.loudness.integrated_lufs()
    }

    /// Current momentary loudness (LUFS).
    pub fn momentary_lufs(&self) -> Option<f64> {
        power_to_lufs(self.loudness.momentary_power())
    }

    /// Current short-term loudness (LUFS).
    pub fn short_term_lufs(&self) -> Option<f64> {
        power_to_lufs(self.loudness.short_term_power())
    }

    /// Restarts the since-last peaks without building a snapshot (what a plug-in does while
    /// its editor is closed, so a window opened later shows current peaks). Real-time safe.
    pub fn clear_since_last(&mut self) {
        self.peaks.clear_since();
        self.scope.clear();
    }

    /// The statistics every reader starts from: the rules, the snapshot and the summary. Each
    /// stage writes its part. Real-time safe.
    fn stats(&self) -> ReadinessStats {
        let mut stats = ReadinessStats {
            measured_s: self.frames as f64 / self.config.sample_rate_hz as f64,
            channels: self.channels,
            spectrum_db: self.spectrum.long_term_db(),
            ..ReadinessStats::default()
        };
        // Loudness first: the loud-passage correlation is gated by the integrated loudness.
        self.loudness.read(&mut stats);
        self.peaks.read(&mut stats);
        self.stereo.read(&mut stats);
        self.channel_stats.read(&mut stats);
        self.weighting.read(&mut stats);
        self.scope.read(&mut stats);
        stats
    }

    /// What the readiness rules read. Real-time safe.
    pub fn readiness_stats(&mut self) -> ReadinessStats {
        self.loudness.refresh();
        self.stats()
    }

    /// Current state for the display; resets the since-last peaks. Real-time safe.
    pub fn snapshot(&mut self) -> Snapshot {
        self.loudness.refresh();
        let readiness = self.stats();
        let f = |v: Option<f64>| v.map(|x| x as f32);
        let db = |v: f32| f(amplitude_to_db(v as f64));
        let short_term = power_to_lufs(self.loudness.short_term_power());
        let mut s = Snapshot {
            sequence: self.sequence,
            frames_measured: self.frames,
            sample_rate_hz: self.config.sample_rate_hz,
            channels: self.channels as u8,
            paused: self.paused,
            momentary_lufs: f(power_to_lufs(self.loudness.momentary_power())),
            short_term_lufs: f(short_term),
            integrated_lufs: f(readiness.integrated_lufs),
            loudness_range_lu: f(readiness.loudness_range_lu),
            lra_stable: self.frames as f64 >= LRA_MIN_S * self.config.sample_rate_hz as f64,
            max_momentary_lufs: f(power_to_lufs(self.loudness.max_momentary_power())),
            max_short_term_lufs: f(power_to_lufs(self.loudness.max_short_term_power())),
            clipped_samples: readiness.clipped_samples,
            true_peak_overs: self.peaks.overs(),
            non_finite_samples: readiness.non_finite_samples,
            plr_db: f(difference(
                readiness.true_peak_dbtp,
                readiness.integrated_lufs,
            )),
            psr_db: f(difference(
                amplitude_to_db(self.peaks.recent_true_peak() as f64),
                short_term,
            )),
            readiness,
            ..Snapshot::default()
        };
        for c in 0..self.channels {
            s.true_peak_since_last_dbtp[c] = db(self.peaks.true_peak_since()[c]);
            s.true_peak_max_dbtp[c] = db(self.peaks.true_peak_max()[c]);
            s.sample_peak_since_last_dbfs[c] = db(self.peaks.sample_peak_since()[c]);
            s.sample_peak_max_dbfs[c] = db(self.peaks.sample_peak_max()[c]);
        }
        self.peaks.clear_since();
        if let Some((broadband, low)) = self.stereo.live() {
            s.correlation = f(broadband.correlation());
            s.low_band_correlation = f(low.correlation());
            s.balance_db = f(broadband.balance_db());
        }
        if self.spectrum_mode == SpectrumMode::Display {
            s.spectrum_valid = self.spectrum.take_display(&mut s.spectrum_db);
        }
        s.scope_len = self.scope.take(&mut s.scope);
        self.sequence += 1;
        s
    }

    /// Frames a meter that continues another's part must be fed, paused, before its part starts
    /// (see [`Self::merge_following`]): the longest window the meter keeps, the 3 s short-term
    /// window.
    pub fn warm_up_frames(&self) -> u64 {
        SHORT_TERM_SUBBLOCKS as u64 / GRID_PER_SECOND * u64::from(self.config.sample_rate_hz)
    }

    /// Absorbs the integrating measurements of `later`, a meter with the same configuration that
    /// measured the audio that follows this one's, so a long file can be measured in parts on
    /// several cores. `later` must have been fed at least 3 s of the audio before its part while
    /// paused (so its filters and windows hold exactly what a single meter's would), then
    /// resumed at a whole second of the file, where this meter's part ends. Integrated loudness,
    /// LRA, maxima, peaks, counts, clip times, correlation and DC then match a single pass;
    /// the long-term spectrum averages frames placed differently. Real-time safe.
    pub fn merge_following(&mut self, later: &Meter) {
        let offset = self.frames;
        self.frames += later.frames;
        self.weighting.merge(&later.weighting, offset);
        self.loudness.merge(&later.loudness, offset);
        self.peaks.merge(&later.peaks, offset);
        self.stereo.merge(&later.stereo, offset);
        self.channel_stats.merge(&later.channel_stats, offset);
        self.scope.merge(&later.scope, offset);
        self.spectrum.merge_long_term(&later.spectrum);
    }

    /// Everything measured since reset. Allocates: call it off the audio thread.
    pub fn summary(&self) -> Summary {
        let readiness = self.stats();
        let rate = self.config.sample_rate_hz as f64;
        let channels = self.channels;
        let per_channel = |v: &[f32; MAX_CHANNELS]| -> Vec<Option<f64>> {
            v[..channels]
                .iter()
                .map(|&x| amplitude_to_db(x as f64))
                .collect()
        };
        let peaks = self.peaks.sample_peak_max();
        let crest = (0..channels)
            .filter_map(|c| {
                power_ratio_db(
                    (peaks[c] as f64).powi(2),
                    self.channel_stats.mean_square(c, self.frames),
                )
            })
            .reduce(f64::max);
        let total = self.stereo.total();
        Summary {
            sample_rate_hz: self.config.sample_rate_hz,
            frames: self.frames,
            max_momentary_lufs: power_to_lufs(self.loudness.max_momentary_power()),
            max_short_term_lufs: power_to_lufs(self.loudness.max_short_term_power()),
            true_peak_per_channel_dbtp: per_channel(self.peaks.true_peak_max()),
            sample_peak_per_channel_dbfs: per_channel(peaks),
            plr_db: difference(readiness.true_peak_dbtp, readiness.integrated_lufs),
            crest_factor_db: crest,
            true_peak_overs: self.peaks.overs(),
            true_peak_ceiling_dbtp: self.config.true_peak_ceiling_dbtp,
            correlation: total.and_then(|t| t.correlation()),
            balance_db: total.and_then(|t| t.balance_db()),
            mid_side_ratio_db: total.and_then(|t| t.mid_side_ratio_db()),
            spectrum_bands: band_centers_hz()
                .iter()
                .zip(readiness.spectrum_db)
                .filter(|(hz, _)| **hz <= rate / 2.0)
                .map(|(&hz, db)| SpectrumBand { hz, db })
                .collect(),
            readiness,
        }
    }
}

/// `a - b` when both exist (PLR: true peak - integrated; PSR: true peak - short-term).
fn difference(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? - b?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SCOPE_POINTS;
    use crate::units::db_to_amplitude;

    fn sine(rate: u32, freq: f64, amp: f64, frames: usize) -> Vec<f32> {
        (0..frames)
            .map(|i| {
                (amp * (2.0 * std::f64::consts::PI * freq * i as f64 / rate as f64).sin()) as f32
            })
            .collect()
    }

    #[test]
    fn stereo_sine_at_minus_23_dbfs_reads_minus_23_lufs() {
        for rate in [44_100, 48_000, 96_000] {
            let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512))
                .expect("valid config");
            let x = sine(rate, 1000.0, db_to_amplitude(-23.0), rate as usize * 10);
            m.process(&[&x, &x]);
            let s = m.snapshot();
            let i = s.integrated_lufs.expect("gated");
            assert!((i + 23.0).abs() < 0.05, "{rate}: {i}");
            assert!((s.momentary_lufs.expect("level") + 23.0).abs() < 0.05);
            assert!((s.short_term_lufs.expect("level") + 23.0).abs() < 0.05);
            assert_eq!(s.correlation.map(|c| (c * 1000.0).round()), Some(1000.0));
        }
    }

    #[test]
    fn generic_path_matches_stereo_path() {
        let rate = 48_000;
        let l = sine(rate, 440.0, 0.3, 48_000 * 4);
        let r = sine(rate, 660.0, 0.2, 48_000 * 4);
        let mut stereo =
            Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
        let mut other =
            Meter::new(MeterConfig::new(rate, ChannelLayout::Other(2), 512)).expect("valid");
        stereo.process(&[&l, &r]);
        other.process(&[&l, &r]);
        let (a, b) = (stereo.summary(), other.summary());
        assert_eq!(a.readiness.integrated_lufs, b.readiness.integrated_lufs);
        assert_eq!(a.readiness.true_peak_dbtp, b.readiness.true_peak_dbtp);
        assert_eq!(a.correlation, b.correlation);
        assert_eq!(
            a.readiness.low_band_correlation,
            b.readiness.low_band_correlation
        );
    }

    /// A plug-in sees the host's silence (a stopped transport, the end of the material): the DC
    /// offset is that of the audio that is there, however much silence follows or precedes it.
    #[test]
    fn dc_offset_is_not_diluted_by_silence() {
        let rate = 48_000;
        let offset = db_to_amplitude(-28.0) as f32;
        let music: Vec<f32> = sine(rate, 440.0, 0.25, rate as usize * 10)
            .iter()
            .map(|x| x + offset)
            .collect();
        let silence = vec![0.0f32; rate as usize * 30];
        let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
        m.process(&[&silence[..rate as usize * 5], &silence[..rate as usize * 5]]);
        m.process(&[&music, &music]);
        let just_music = m.readiness_stats().dc_offset_dbfs[0].expect("offset");
        assert!((just_music + 28.0).abs() < 0.05, "{just_music}");
        for _ in 0..4 {
            m.process(&[&silence, &silence]);
            let dc = m.readiness_stats().dc_offset_dbfs[0].expect("offset");
            assert!(
                (dc - just_music).abs() < 1e-9,
                "{dc} after silence vs {just_music}"
            );
        }
        assert_eq!(m.summary().readiness.dc_offset_dbfs[1], Some(just_music));
    }

    #[test]
    fn non_finite_samples_are_counted_and_harmless() {
        let rate = 48_000;
        let mut x = sine(rate, 1000.0, db_to_amplitude(-23.0), rate as usize * 5);
        x[1000] = f32::NAN;
        x[2000] = f32::INFINITY;
        x[3000] = f32::NEG_INFINITY;
        let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
        m.process(&[&x, &x]);
        let s = m.summary();
        assert_eq!(s.readiness.non_finite_samples, 6);
        assert!((s.readiness.integrated_lufs.expect("gated") + 23.0).abs() < 0.05);
        assert!(s.readiness.true_peak_dbtp.expect("level") < -22.0);
    }

    #[test]
    fn clipping_is_counted_with_times() {
        let rate = 48_000;
        let mut x = vec![0.1f32; rate as usize];
        x[4800] = 1.0;
        x[9600] = -1.5;
        let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Mono, 512)).expect("valid");
        m.process(&[&x]);
        let s = m.summary();
        assert_eq!(s.readiness.clipped_samples, 2);
        assert_eq!(s.readiness.first_clip_s, Some(0.1));
        assert_eq!(s.readiness.last_clip_s, Some(0.2));
        assert!(s.true_peak_overs >= 2);
    }

    #[test]
    fn split_measurement_matches_a_single_pass() {
        let rate = 44_100;
        let secs = 20;
        let mut l = Vec::new();
        let mut r = Vec::new();
        let mut s = 0x2468_ace1u32;
        for i in 0..rate as usize * secs {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            let env = 0.2 + 0.15 * ((i as f64) / 30_000.0).sin();
            let w = (s as f64 / u32::MAX as f64 - 0.5) * env;
            l.push(w as f32);
            r.push((0.6 * w + 0.1 * (i as f64 * 0.03).sin()) as f32);
        }
        l[300_000] = 1.2; // a clip in the second part
        let mut cfg = MeterConfig::new(rate, ChannelLayout::Stereo, 4096);
        cfg.spectrum = SpectrumMode::LongTermFull;
        let mut whole = Meter::new(cfg).expect("valid");
        for (a, b) in l.chunks(4096).zip(r.chunks(4096)) {
            whole.process(&[a, b]);
        }
        let split_at = rate as usize * 7;
        let warm_up = rate as usize * 3;
        let mut first = Meter::new(cfg).expect("valid");
        first.process(&[&l[..split_at], &r[..split_at]]);
        let mut second = Meter::new(cfg).expect("valid");
        second.set_paused(true);
        second.process(&[
            &l[split_at - warm_up..split_at],
            &r[split_at - warm_up..split_at],
        ]);
        second.set_paused(false);
        second.process(&[&l[split_at..], &r[split_at..]]);
        first.merge_following(&second);
        let (a, b) = (whole.summary(), first.summary());
        let close = |x: Option<f64>, y: Option<f64>| match (x, y) {
            (Some(x), Some(y)) => (x - y).abs() < 1e-6,
            (None, None) => true,
            _ => false,
        };
        assert_eq!(a.frames, b.frames);
        assert!(
            close(a.readiness.integrated_lufs, b.readiness.integrated_lufs),
            "{a:?}\n{b:?}"
        );
        assert!(close(
            a.readiness.loudness_range_lu,
            b.readiness.loudness_range_lu
        ));
        assert!(close(a.max_momentary_lufs, b.max_momentary_lufs));
        assert!(close(a.max_short_term_lufs, b.max_short_term_lufs));
        assert_eq!(a.true_peak_per_channel_dbtp, b.true_peak_per_channel_dbtp);
        assert_eq!(
            a.sample_peak_per_channel_dbfs,
            b.sample_peak_per_channel_dbfs
        );
        assert_eq!(a.readiness.clipped_samples, b.readiness.clipped_samples);
        assert_eq!(a.readiness.first_clip_s, b.readiness.first_clip_s);
        assert!(
            close(a.correlation, b.correlation)
                && close(a.readiness.loud_correlation, b.readiness.loud_correlation)
        );
        assert_eq!(a.readiness.peak_histogram, b.readiness.peak_histogram);
        // The long-term spectrum averages differently placed frames: close, not identical.
        for (x, y) in a.spectrum_bands.iter().zip(&b.spectrum_bands) {
            let (x, y) = (x.db.unwrap_or(-200.0), y.db.unwrap_or(-200.0));
            assert!((x - y).abs() < 0.5, "{x} vs {y}");
        }
    }

    #[test]
    fn goniometer_trace_only_in_display_mode() {
        let rate = 48_000;
        let l: Vec<f32> = (0..rate as usize)
            .map(|i| (i % 997) as f32 / 997.0)
            .collect();
        let r: Vec<f32> = l.iter().map(|v| -v).collect();
        let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
        m.process(&[&l, &r]);
        assert_eq!(m.snapshot().scope_len, 0);
        m.set_spectrum_mode(SpectrumMode::Display);
        m.process(&[&l, &r]);
        let s = m.snapshot();
        assert_eq!(s.scope_len, SCOPE_POINTS);
        // The newest point is one of the last input pairs, and every point keeps L = -R.
        assert!(s.scope.iter().all(|p| p[0] == -p[1]));
        let newest = s.scope[SCOPE_POINTS - 1];
        assert!(l[l.len() - m.scope.step()..].contains(&newest[0]));
        assert_eq!(m.snapshot().scope_len, 0, "read-and-reset");
    }

    #[test]
    fn loudness_returns_to_no_signal_after_the_window_empties() {
        let rate = 48_000;
        let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
        let loud = sine(rate, 1000.0, 0.5, rate as usize * 4);
        m.process(&[&loud, &loud]);
        let quiet = vec![0.0f32; 480];
        let mut gone_after = [None, None];
        let mut previous = [f32::INFINITY; 2];
        for step in 1..=400 {
            m.process(&[&quiet, &quiet]);
            let s = m.snapshot();
            for (k, reading) in [s.momentary_lufs, s.short_term_lufs]
                .into_iter()
                .enumerate()
            {
                match reading {
                    // The filters' tail decays smoothly: never a jump up, never a stale value.
                    Some(l) => {
                        assert!(gone_after[k].is_none(), "reading came back: {l}");
                        assert!(l <= previous[k] + 1e-3, "{k}: {l} after {}", previous[k]);
                        previous[k] = l;
                    }
                    None => {
                        gone_after[k].get_or_insert(step);
                    }
                }
            }
        }
        // The window length in 10 ms steps plus the K-weighting filters' decay into zero.
        assert!(
            gone_after[0].is_some_and(|s| (40..80).contains(&s)),
            "{gone_after:?}"
        );
        assert!(
            gone_after[1].is_some_and(|s| (300..340).contains(&s)),
            "{gone_after:?}"
        );
    }

    #[test]
    fn missing_channels_are_silence() {
        let rate = 48_000;
        let x = sine(rate, 1000.0, db_to_amplitude(-23.0), rate as usize * 5);
        let silent = vec![0.0f32; x.len()];
        let mut both =
            Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
        let mut one =
            Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
        for (a, z) in x.chunks(512).zip(silent.chunks(512)) {
            both.process(&[a, z]);
            one.process(&[a]);
        }
        let (a, b) = (both.summary(), one.summary());
        assert_eq!(a.readiness.integrated_lufs, b.readiness.integrated_lufs);
        assert_eq!(b.sample_peak_per_channel_dbfs[1], None);
    }

    #[test]
    fn refuses_bad_configs() {
        assert!(matches!(
            Meter::new(MeterConfig::new(7_999, ChannelLayout::Stereo, 64)),
            Err(MeterError::UnsupportedSampleRate { got: 7_999, .. })
        ));
        assert!(matches!(
            Meter::new(MeterConfig::new(48_000, ChannelLayout::Other(9), 64)),
            Err(MeterError::UnsupportedChannelCount { got: 9, .. })
        ));
        assert!(Meter::new(MeterConfig::new(48_000, ChannelLayout::Other(0), 64)).is_err());
    }
}

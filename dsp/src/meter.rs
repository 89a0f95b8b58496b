//! The metering engine: one object that runs every stage on each block and keeps the results.
//!
//! Timing follows EBU Tech 3341: the signal is cut into 10 ms sub-blocks (boundaries at
//! `floor(k * fs / 100)`, so the grid is exact at every rate). At the end of each sub-block the
//! momentary (last 40 sub-blocks = 400 ms) and short-term (last 300 = 3 s) loudness are updated,
//! so their maxima are found on a 10 ms grid (Tech 3341 cases 13 and 14 need better than 100 ms).
//! Every 10 sub-blocks (100 ms) the last 400 ms form a BS.1770-4 gating block (75 % overlap) for
//! integrated loudness, and the short-term value feeds the Tech 3342 loudness-range histogram
//! (10 values a second, the rate Tech 3342 asks for as a minimum).
//!
//! Before anything else each sample is checked: NaN and +/-Inf are counted and measured as
//! silence (0.0), and samples below -300 dBFS (subnormals included) are flushed to zero, so
//! neither can poison a filter state or slow the arithmetic down.

use crate::correlation::{decay_per_step, CorrelationSums, LOW_BAND_HZ};
use crate::gating::LoudnessHistogram;
use crate::gating::{ABSOLUTE_GATE_LUFS, INTEGRATED_RELATIVE_GATE_LU};
use crate::k_weighting::{Biquad, BiquadState, KWeighting};
use crate::kernels::{sanitise_with, stereo_pass, ChunkStats, Simd, StereoFilters, StereoState};
use crate::layout::{ChannelLayout, MAX_CHANNELS};
use crate::snapshot::{Snapshot, SpectrumBand, Summary, SCOPE_POINTS};
use crate::spectrum::{band_centers_hz, FrameSchedule, SpectrumAnalyzer};
use crate::stats::{
    ReadinessStats, CLIP_DBFS, LRA_MIN_S, PEAK_BINS, PEAK_BIN_DB, PEAK_HIST_MIN_DBTP,
};
use crate::true_peak::{TruePeak, MAX_TAPS};
use crate::units::{
    amplitude_to_db, db_to_amplitude, lufs_to_power, power_ratio_db, power_to_lufs,
};

/// Lowest supported sample rate.
pub const MIN_SAMPLE_RATE_HZ: u32 = 8_000;
/// Highest supported sample rate.
pub const MAX_SAMPLE_RATE_HZ: u32 = 768_000;
/// Sub-blocks per second: the 10 ms update grid.
pub const GRID_PER_SECOND: u64 = 100;
/// Sub-blocks in the momentary window (400 ms).
pub const MOMENTARY_SUBBLOCKS: usize = 40;
/// Sub-blocks in the short-term window (3 s).
pub const SHORT_TERM_SUBBLOCKS: usize = 300;
/// Sub-blocks between gating blocks and loudness-range values (100 ms).
pub const HOP_SUBBLOCKS: u64 = 10;
/// Bins (1 LU wide, from -70 LUFS) that sort correlation sums by the loudness of their block.
const LOUD_CORRELATION_BINS: usize = 100;
/// Frames handled in one internal pass (bounded work between sub-block boundaries).
const CHUNK_FRAMES: usize = 1024;
/// In long-term mode one FFT frame is analysed every this many frame lengths: the long-term
/// average is taken over an even sample of an eighth of the audio (a 3-minute song still gives
/// ~260 frames), which keeps its cost to a few percent of the meter (display mode analyses every
/// half frame, file analysis every frame).
const LONG_TERM_HOP_FRAMES: usize = 8;
/// History kept in front of each channel's chunk for the true-peak interpolator.
const HISTORY: usize = MAX_TAPS - 1;

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
    weights: [f64; MAX_CHANNELS],
    stereo_pair: bool,
    k: KWeighting,
    shelf_state: [BiquadState; MAX_CHANNELS],
    high_pass_state: [BiquadState; MAX_CHANNELS],
    low_pass: Biquad,
    low_pass_state: [BiquadState; 2],
    true_peak: TruePeak,
    simd: Simd,
    ceiling: f32,
    /// Full scale as a sample value ([`CLIP_DBFS`]): samples at or above it clip.
    clip_level: f32,
    /// Per channel: `HISTORY` samples of the previous chunk, then the current chunk.
    scratch: Vec<Vec<f32>>,

    // The 10 ms grid.
    subblocks_done: u64,
    subblock_len: usize,
    subblock_pos: usize,
    sub_power: f64,
    sub_true_peak: f32,
    sub_corr: CorrelationSums,
    sub_corr_low: CorrelationSums,
    hop_corr: CorrelationSums,
    ring_power: Vec<f64>,
    ring_len: Vec<u32>,
    ring_true_peak: Vec<f32>,
    ring_head: usize,
    /// Running sums of the momentary and short-term windows (energy, samples), recomputed
    /// exactly every second so rounding cannot drift.
    window_sums: [(f64, u64); 2],
    /// Non-silent entries in each window, so a window that has become silent reads exactly
    /// zero whatever the rounding of the running sums.
    window_active: [u32; 2],

    // Live values.
    momentary_power: f64,
    short_term_power: f64,
    smoothed_corr: CorrelationSums,
    smoothed_corr_low: CorrelationSums,
    corr_decay: f64,

    // Integrating measurements (frozen while paused).
    paused: bool,
    frames: u64,
    integrated: LoudnessHistogram,
    range: LoudnessHistogram,
    integrated_cache: Option<f64>,
    range_cache: Option<f64>,
    caches_dirty: bool,
    max_momentary_power: f64,
    max_short_term_power: f64,
    true_peak_max: [f32; MAX_CHANNELS],
    true_peak_since: [f32; MAX_CHANNELS],
    sample_peak_max: [f32; MAX_CHANNELS],
    sample_peak_since: [f32; MAX_CHANNELS],
    /// Sum of the samples of the chunks that carry signal (not digital silence), and their
    /// frames: the DC offset of the audio that is there, not diluted by a host's silence.
    dc_sum: [f64; MAX_CHANNELS],
    dc_frames: [u64; MAX_CHANNELS],
    sum_sq: [f64; MAX_CHANNELS],
    clipped: u64,
    first_clip_frame: Option<u64>,
    last_clip_frame: Option<u64>,
    overs: u64,
    overs_0db: u64,
    hop_true_peak: f32,
    hop_sample_peak: f32,
    sub_sample_peak: f32,
    peak_histogram: [u32; PEAK_BINS],
    sample_peak_histogram: [u32; PEAK_BINS],
    non_finite: u64,
    total_corr: CorrelationSums,
    total_corr_low: CorrelationSums,
    loud_corr: [CorrelationSums; LOUD_CORRELATION_BINS],
    channels_identical: bool,

    scope: [[f32; 2]; SCOPE_POINTS],
    scope_write: usize,
    scope_filled: usize,
    scope_phase: usize,
    scope_step: usize,

    spectrum: SpectrumAnalyzer,
    spectrum_mode: SpectrumMode,
    spectrum_channels: [usize; MAX_CHANNELS],
    spectrum_channel_count: usize,
    sequence: u64,
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
        let channels = config.layout.channel_count();
        if channels == 0 || channels > MAX_CHANNELS {
            return Err(MeterError::UnsupportedChannelCount {
                got: channels,
                max: MAX_CHANNELS,
            });
        }
        let mut spectrum_channels = [0; MAX_CHANNELS];
        let mut spectrum_channel_count = 0;
        for c in 0..channels {
            if Some(c) != config.layout.lfe_index() {
                spectrum_channels[spectrum_channel_count] = c;
                spectrum_channel_count += 1;
            }
        }
        let fs = rate as f64;
        let mut meter = Self {
            config,
            channels,
            weights: config.layout.weights(),
            stereo_pair: config.layout.has_stereo_pair(),
            k: KWeighting::new(fs),
            shelf_state: [BiquadState::default(); MAX_CHANNELS],
            high_pass_state: [BiquadState::default(); MAX_CHANNELS],
            low_pass: Biquad::butterworth_low_pass(fs, LOW_BAND_HZ),
            low_pass_state: [BiquadState::default(); 2],
            true_peak: TruePeak::new(rate),
            simd: Simd::detect(),
            ceiling: db_to_amplitude(config.true_peak_ceiling_dbtp) as f32,
            clip_level: db_to_amplitude(CLIP_DBFS) as f32,
            scratch: vec![vec![0.0; HISTORY + CHUNK_FRAMES]; channels],
            subblocks_done: 0,
            subblock_len: 0,
            subblock_pos: 0,
            sub_power: 0.0,
            sub_true_peak: 0.0,
            sub_corr: CorrelationSums::default(),
            sub_corr_low: CorrelationSums::default(),
            hop_corr: CorrelationSums::default(),
            ring_power: vec![0.0; SHORT_TERM_SUBBLOCKS],
            ring_len: vec![0; SHORT_TERM_SUBBLOCKS],
            ring_true_peak: vec![0.0; SHORT_TERM_SUBBLOCKS],
            ring_head: 0,
            window_sums: [(0.0, 0); 2],
            window_active: [0; 2],
            momentary_power: 0.0,
            short_term_power: 0.0,
            smoothed_corr: CorrelationSums::default(),
            smoothed_corr_low: CorrelationSums::default(),
            corr_decay: decay_per_step(1.0 / GRID_PER_SECOND as f64),
            paused: false,
            frames: 0,
            integrated: LoudnessHistogram::new(),
            range: LoudnessHistogram::new(),
            integrated_cache: None,
            range_cache: None,
            caches_dirty: false,
            max_momentary_power: 0.0,
            max_short_term_power: 0.0,
            true_peak_max: [0.0; MAX_CHANNELS],
            true_peak_since: [0.0; MAX_CHANNELS],
            sample_peak_max: [0.0; MAX_CHANNELS],
            sample_peak_since: [0.0; MAX_CHANNELS],
            dc_sum: [0.0; MAX_CHANNELS],
            dc_frames: [0; MAX_CHANNELS],
            sum_sq: [0.0; MAX_CHANNELS],
            clipped: 0,
            first_clip_frame: None,
            last_clip_frame: None,
            overs: 0,
            overs_0db: 0,
            hop_true_peak: 0.0,
            hop_sample_peak: 0.0,
            sub_sample_peak: 0.0,
            peak_histogram: [0; PEAK_BINS],
            sample_peak_histogram: [0; PEAK_BINS],
            non_finite: 0,
            total_corr: CorrelationSums::default(),
            total_corr_low: CorrelationSums::default(),
            loud_corr: [CorrelationSums::default(); LOUD_CORRELATION_BINS],
            channels_identical: true,
            scope: [[0.0; 2]; SCOPE_POINTS],
            scope_write: 0,
            scope_filled: 0,
            scope_phase: 0,
            // About 40 ms of audio in the trace at any rate.
            scope_step: ((rate as usize * 40 / 1000) / SCOPE_POINTS).max(1),
            spectrum: SpectrumAnalyzer::new(rate, spectrum_channel_count),
            spectrum_mode: config.spectrum,
            spectrum_channels,
            spectrum_channel_count,
            sequence: 0,
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

    /// Length in samples of sub-block `index` of the 10 ms grid.
    fn grid_len(&self, index: u64) -> usize {
        let rate = self.config.sample_rate_hz as u64;
        let start = index * rate / GRID_PER_SECOND;
        let end = (index + 1) * rate / GRID_PER_SECOND;
        (end - start) as usize
    }

    /// Clears every measurement and filter state; the next sample starts a new measurement.
    /// Real-time safe.
    pub fn reset(&mut self) {
        for s in self
            .shelf_state
            .iter_mut()
            .chain(self.high_pass_state.iter_mut())
            .chain(self.low_pass_state.iter_mut())
        {
            s.reset();
        }
        for s in &mut self.scratch {
            s.fill(0.0);
        }
        self.subblocks_done = 0;
        self.subblock_len = self.grid_len(0);
        self.subblock_pos = 0;
        self.sub_power = 0.0;
        self.sub_true_peak = 0.0;
        self.sub_sample_peak = 0.0;
        self.sub_corr = CorrelationSums::default();
        self.sub_corr_low = CorrelationSums::default();
        self.hop_corr = CorrelationSums::default();
        self.ring_power.fill(0.0);
        let nominal = self.grid_len(0) as u32;
        self.ring_len.fill(nominal);
        self.ring_true_peak.fill(0.0);
        self.ring_head = 0;
        self.recompute_window_sums();
        self.momentary_power = 0.0;
        self.short_term_power = 0.0;
        self.smoothed_corr = CorrelationSums::default();
        self.smoothed_corr_low = CorrelationSums::default();
        self.frames = 0;
        self.integrated.clear();
        self.range.clear();
        self.integrated_cache = None;
        self.range_cache = None;
        self.caches_dirty = false;
        self.dc_sum = [0.0; MAX_CHANNELS];
        self.dc_frames = [0; MAX_CHANNELS];
        self.sum_sq = [0.0; MAX_CHANNELS];
        self.clipped = 0;
        self.first_clip_frame = None;
        self.last_clip_frame = None;
        self.overs = 0;
        self.overs_0db = 0;
        self.hop_true_peak = 0.0;
        self.hop_sample_peak = 0.0;
        self.sub_sample_peak = 0.0;
        self.peak_histogram = [0; PEAK_BINS];
        self.sample_peak_histogram = [0; PEAK_BINS];
        self.non_finite = 0;
        self.total_corr = CorrelationSums::default();
        self.total_corr_low = CorrelationSums::default();
        self.loud_corr = [CorrelationSums::default(); LOUD_CORRELATION_BINS];
        self.channels_identical = true;
        self.spectrum.reset();
        self.reset_maxima();
    }

    /// Clears the maxima (max momentary, max short-term, peak holds) and nothing else: windows,
    /// integrated loudness and counts go on. Real-time safe.
    pub fn reset_maxima(&mut self) {
        self.max_momentary_power = 0.0;
        self.max_short_term_power = 0.0;
        self.true_peak_max = [0.0; MAX_CHANNELS];
        self.true_peak_since = [0.0; MAX_CHANNELS];
        self.sample_peak_max = [0.0; MAX_CHANNELS];
        self.sample_peak_since = [0.0; MAX_CHANNELS];
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
            let n = (frames - offset)
                .min(CHUNK_FRAMES)
                .min(self.subblock_len - self.subblock_pos);
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
            let n = (frames - offset)
                .min(CHUNK_FRAMES)
                .min(self.subblock_len - self.subblock_pos);
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

    #[allow(clippy::needless_range_loop)] // several per-channel arrays indexed together
    /// Sanitises and measures the chunk that sits in `scratch[c][HISTORY..HISTORY + n]`.
    fn measure_chunk(&mut self, n: usize) {
        debug_assert!(n > 0 && n <= CHUNK_FRAMES);
        let live = !self.paused;
        let mut stats = [ChunkStats::default(); MAX_CHANNELS];
        for (c, buf) in self.scratch.iter_mut().enumerate() {
            let s = sanitise_with(&mut buf[HISTORY..HISTORY + n], self.simd);
            if live {
                self.non_finite += s.non_finite as u64;
            }
            stats[c] = s;
        }

        // Sample peak, clipping, DC and RMS sums.
        for c in 0..self.channels {
            let s = stats[c];
            self.sample_peak_since[c] = self.sample_peak_since[c].max(s.peak);
            self.sub_sample_peak = self.sub_sample_peak.max(s.peak);
            if live {
                self.sample_peak_max[c] = self.sample_peak_max[c].max(s.peak);
                // Chunks are at most 10 ms long, so an all-zero one is the host's silence (a
                // stopped transport, the end of the material); DC is never exactly zero.
                if s.peak > 0.0 {
                    self.dc_sum[c] += s.sum;
                    self.dc_frames[c] += n as u64;
                }
                self.sum_sq[c] += s.sum_sq;
                let clip = self.clip_level;
                if s.peak >= clip {
                    let start = self.frames;
                    let chunk = &self.scratch[c][HISTORY..HISTORY + n];
                    let count = chunk.iter().filter(|x| x.abs() >= clip).count() as u64;
                    let first = chunk.iter().position(|x| x.abs() >= clip);
                    let last = chunk.iter().rposition(|x| x.abs() >= clip);
                    if let (Some(f), Some(l)) = (first, last) {
                        self.clipped += count;
                        self.note_clip(start + f as u64, start + l as u64);
                    }
                }
            }
        }

        // K-weighted energy (and, for a stereo pair, the correlation sums).
        let weighted = if self.channels == 2 && self.stereo_pair {
            self.stereo_pass(n, live)
        } else {
            let mut total = 0.0;
            for c in 0..self.channels {
                if self.weights[c] != 0.0 {
                    total += self.weights[c] * self.k_weight_channel(c, n);
                }
            }
            if self.stereo_pair {
                self.pair_statistics(n, live);
            }
            total
        };
        self.sub_power += weighted;

        // True peak.
        for c in 0..self.channels {
            let buf = &self.scratch[c][HISTORY + 1 - self.true_peak.taps()..HISTORY + n];
            let m = self.true_peak.block_max(buf, n).max(stats[c].peak);
            self.true_peak_since[c] = self.true_peak_since[c].max(m);
            self.sub_true_peak = self.sub_true_peak.max(m);
            if live {
                self.true_peak_max[c] = self.true_peak_max[c].max(m);
                // One pass counts both: a threshold the block's maximum does not exceed
                // counts nothing.
                if m > self.ceiling.min(self.clip_level) {
                    let [ceiling, over] =
                        self.true_peak
                            .count_over(buf, n, [self.ceiling, self.clip_level]);
                    self.overs += ceiling.count;
                    // Interpolated values lag the input by half the filter.
                    if let (Some(f), Some(l)) = (over.first, over.last) {
                        self.overs_0db += over.count;
                        let lag = (self.true_peak.taps() / 2) as u64;
                        let at = |i: usize| (self.frames + i as u64).saturating_sub(lag);
                        self.note_clip(at(f), at(l));
                    }
                }
            }
        }

        // Spectrum.
        if self.spectrum_mode != SpectrumMode::Off {
            let hop = match self.spectrum_mode {
                SpectrumMode::Display => self.spectrum.len() / 2,
                SpectrumMode::LongTermFull => self.spectrum.len(),
                _ => self.spectrum.len() * LONG_TERM_HOP_FRAMES,
            };
            self.spectrum.push_block(
                &self.scratch,
                &self.spectrum_channels[..self.spectrum_channel_count],
                HISTORY..HISTORY + n,
                FrameSchedule {
                    hop,
                    long_term: live,
                    display: self.spectrum_mode == SpectrumMode::Display,
                },
            );
        }

        // Goniometer trace (display only).
        if self.spectrum_mode == SpectrumMode::Display && self.stereo_pair {
            let (l, r) = (&self.scratch[0], &self.scratch[1]);
            let mut i = self.scope_phase;
            while i < n {
                self.scope[self.scope_write] = [l[HISTORY + i], r[HISTORY + i]];
                self.scope_write = (self.scope_write + 1) % SCOPE_POINTS;
                self.scope_filled = (self.scope_filled + 1).min(SCOPE_POINTS);
                i += self.scope_step;
            }
            self.scope_phase = i - n;
        }

        // Keep the interpolator's history.
        for buf in &mut self.scratch {
            buf.copy_within(n..n + HISTORY, 0);
        }
        for s in self
            .shelf_state
            .iter_mut()
            .chain(self.high_pass_state.iter_mut())
            .chain(self.low_pass_state.iter_mut())
        {
            s.flush_denormals();
        }

        if live {
            self.frames += n as u64;
        }
        self.subblock_pos += n;
        if self.subblock_pos == self.subblock_len {
            self.finish_subblock();
        }
    }

    /// Records clipping between frames `first` and `last` (for the first/last clip times).
    fn note_clip(&mut self, first: u64, last: u64) {
        self.first_clip_frame = Some(self.first_clip_frame.map_or(first, |f| f.min(first)));
        self.last_clip_frame = Some(self.last_clip_frame.map_or(last, |l| l.max(last)));
    }

    /// Sum of squares of the K-weighted chunk of channel `c`.
    fn k_weight_channel(&mut self, c: usize, n: usize) -> f64 {
        let k = self.k;
        let mut shelf = self.shelf_state[c];
        let mut hp = self.high_pass_state[c];
        let mut z = 0.0;
        for &x in &self.scratch[c][HISTORY..HISTORY + n] {
            let y = hp.tick(&k.high_pass, shelf.tick(&k.shelf, x as f64));
            z += y * y;
        }
        self.shelf_state[c] = shelf;
        self.high_pass_state[c] = hp;
        z
    }

    /// Correlation sums of channels 0 and 1 (broadband and low band).
    fn pair_statistics(&mut self, n: usize, live: bool) {
        let lp = self.low_pass;
        let [mut lpl, mut lpr] = self.low_pass_state;
        let mut c = CorrelationSums::default();
        let mut lo = CorrelationSums::default();
        let mut same = true;
        let (l, r) = (
            &self.scratch[0][HISTORY..HISTORY + n],
            &self.scratch[1][HISTORY..HISTORY + n],
        );
        for (&xl, &xr) in l.iter().zip(r) {
            same &= xl == xr;
            let (xl, xr) = (xl as f64, xr as f64);
            c.lr += xl * xr;
            c.ll += xl * xl;
            c.rr += xr * xr;
            let (yl, yr) = (lpl.tick(&lp, xl), lpr.tick(&lp, xr));
            lo.lr += yl * yr;
            lo.ll += yl * yl;
            lo.rr += yr * yr;
        }
        c.n = n as f64;
        lo.n = n as f64;
        self.low_pass_state = [lpl, lpr];
        self.add_pair_sums(&c, &lo, same, live);
    }

    /// The stereo fast path: K-weighting of both channels, correlation and the low band in one
    /// pass (see [`crate::kernels`]). Returns the weighted energy.
    fn stereo_pass(&mut self, n: usize, live: bool) -> f64 {
        let filters = StereoFilters {
            shelf: self.k.shelf,
            high_pass: self.k.high_pass,
            low_pass: self.low_pass,
        };
        let mut state = StereoState {
            shelf: [self.shelf_state[0], self.shelf_state[1]],
            high_pass: [self.high_pass_state[0], self.high_pass_state[1]],
            low_pass: self.low_pass_state,
        };
        let out = stereo_pass(
            &self.scratch[0][HISTORY..HISTORY + n],
            &self.scratch[1][HISTORY..HISTORY + n],
            &filters,
            &mut state,
            self.simd,
        );
        self.shelf_state[..2].copy_from_slice(&state.shelf);
        self.high_pass_state[..2].copy_from_slice(&state.high_pass);
        self.low_pass_state = state.low_pass;
        self.add_pair_sums(&out.broadband, &out.low_band, out.identical, live);
        self.weights[0] * out.k_energy[0] + self.weights[1] * out.k_energy[1]
    }

    fn add_pair_sums(&mut self, c: &CorrelationSums, lo: &CorrelationSums, same: bool, live: bool) {
        self.sub_corr.add(c);
        self.sub_corr_low.add(lo);
        if live {
            self.total_corr.add(c);
            self.total_corr_low.add(lo);
            self.hop_corr.add(c);
            self.channels_identical &= same;
        }
    }

    /// Closes a 10 ms sub-block: windows, maxima, gating blocks, correlation smoothing.
    fn finish_subblock(&mut self) {
        let live = !self.paused;
        let h = self.ring_head;
        // The entry leaving the momentary window, and the one this slot held (leaving the
        // short-term window).
        let m_out = (h + SHORT_TERM_SUBBLOCKS - MOMENTARY_SUBBLOCKS) % SHORT_TERM_SUBBLOCKS;
        let new_len = self.subblock_len as u64;
        let [m, st] = &mut self.window_sums;
        m.0 += self.sub_power - self.ring_power[m_out];
        m.1 = m.1 + new_len - self.ring_len[m_out] as u64;
        st.0 += self.sub_power - self.ring_power[h];
        st.1 = st.1 + new_len - self.ring_len[h] as u64;
        let active = |p: f64| u32::from(p > 0.0);
        self.window_active[0] =
            self.window_active[0] + active(self.sub_power) - active(self.ring_power[m_out]);
        self.window_active[1] =
            self.window_active[1] + active(self.sub_power) - active(self.ring_power[h]);
        self.ring_power[h] = self.sub_power;
        self.ring_len[h] = self.subblock_len as u32;
        self.ring_true_peak[h] = self.sub_true_peak;
        self.ring_head += 1;
        if self.ring_head == SHORT_TERM_SUBBLOCKS {
            self.ring_head = 0;
        }
        self.subblocks_done += 1;
        if self.subblocks_done.is_multiple_of(GRID_PER_SECOND) {
            self.recompute_window_sums();
        }

        let mean = |(energy, samples): (f64, u64), active: u32| {
            if samples == 0 || active == 0 {
                0.0
            } else {
                energy.max(0.0) / samples as f64
            }
        };
        self.momentary_power = mean(self.window_sums[0], self.window_active[0]);
        self.short_term_power = mean(self.window_sums[1], self.window_active[1]);
        if live {
            self.max_momentary_power = self.max_momentary_power.max(self.momentary_power);
            self.max_short_term_power = self.max_short_term_power.max(self.short_term_power);
        }
        self.smoothed_corr
            .decay_add(self.corr_decay, &self.sub_corr);
        self.smoothed_corr_low
            .decay_add(self.corr_decay, &self.sub_corr_low);

        self.hop_true_peak = self.hop_true_peak.max(self.sub_true_peak);
        self.hop_sample_peak = self.hop_sample_peak.max(self.sub_sample_peak);
        if self.subblocks_done.is_multiple_of(HOP_SUBBLOCKS) {
            if live {
                if self.momentary_power >= lufs_to_power(ABSOLUTE_GATE_LUFS) {
                    add_to_peak_histogram(&mut self.peak_histogram, self.hop_true_peak);
                    add_to_peak_histogram(&mut self.sample_peak_histogram, self.hop_sample_peak);
                }
                if self.subblocks_done >= MOMENTARY_SUBBLOCKS as u64 {
                    self.integrated.add(self.momentary_power);
                    if let Some(l) = power_to_lufs(self.momentary_power) {
                        let bin = (l - ABSOLUTE_GATE_LUFS).floor();
                        if bin >= 0.0 {
                            let bin = (bin as usize).min(LOUD_CORRELATION_BINS - 1);
                            self.loud_corr[bin].add(&self.hop_corr);
                        }
                    }
                    self.caches_dirty = true;
                }
                if self.subblocks_done >= SHORT_TERM_SUBBLOCKS as u64 {
                    self.range.add(self.short_term_power);
                    self.caches_dirty = true;
                }
            }
            self.hop_corr = CorrelationSums::default();
            self.hop_true_peak = 0.0;
            self.hop_sample_peak = 0.0;
        }

        self.sub_power = 0.0;
        self.sub_true_peak = 0.0;
        self.sub_sample_peak = 0.0;
        self.sub_corr = CorrelationSums::default();
        self.sub_corr_low = CorrelationSums::default();
        self.subblock_pos = 0;
        self.subblock_len = self.grid_len(self.subblocks_done);
    }

    /// Sums the momentary and short-term windows afresh from the ring.
    fn recompute_window_sums(&mut self) {
        for (sums, count) in self
            .window_sums
            .iter_mut()
            .zip([MOMENTARY_SUBBLOCKS, SHORT_TERM_SUBBLOCKS])
        {
            // The newest `count` entries end just before `ring_head`, wrapping to the end.
            let (wrapped, recent) = if count <= self.ring_head {
                (0..0, self.ring_head - count..self.ring_head)
            } else {
                (
                    SHORT_TERM_SUBBLOCKS - (count - self.ring_head)..SHORT_TERM_SUBBLOCKS,
                    0..self.ring_head,
                )
            };
            let energy: f64 = self.ring_power[wrapped.clone()].iter().sum::<f64>()
                + self.ring_power[recent.clone()].iter().sum::<f64>();
            let samples: u64 = self.ring_len[wrapped]
                .iter()
                .chain(&self.ring_len[recent])
                .map(|&v| v as u64)
                .sum();
            *sums = (energy, samples);
        }
        let head = self.ring_head;
        let count_active = |count: usize| -> u32 {
            (1..=count)
                .map(|i| (head + SHORT_TERM_SUBBLOCKS - i) % SHORT_TERM_SUBBLOCKS)
                .filter(|&i| self.ring_power[i] > 0.0)
                .count() as u32
        };
        self.window_active = [
            count_active(MOMENTARY_SUBBLOCKS),
            count_active(SHORT_TERM_SUBBLOCKS),
        ];
    }

    fn refresh_caches(&mut self) {
        if self.caches_dirty {
            self.integrated_cache = self.integrated.integrated_lufs();
            self.range_cache = self.range.loudness_range_lu();
            self.caches_dirty = false;
        }
    }

    /// Integrated loudness so far (LUFS). Real-time safe (scans a fixed-size histogram when new
    /// blocks arrived).
    pub fn integrated_lufs(&mut self) -> Option<f64> {
        self.refresh_caches();
        self.integrated_cache
    }

    /// Current momentary loudness (LUFS).
    pub fn momentary_lufs(&self) -> Option<f64> {
        power_to_lufs(self.momentary_power)
    }

    /// Current short-term loudness (LUFS).
    pub fn short_term_lufs(&self) -> Option<f64> {
        power_to_lufs(self.short_term_power)
    }

    /// Restarts the since-last peaks without building a snapshot (what a plug-in does while
    /// its editor is closed, so a window opened later shows current peaks). Real-time safe.
    pub fn clear_since_last(&mut self) {
        self.true_peak_since = [0.0; MAX_CHANNELS];
        self.sample_peak_since = [0.0; MAX_CHANNELS];
        self.scope_filled = 0;
    }

    /// Current state for the display; resets the since-last peaks. Real-time safe.
    pub fn snapshot(&mut self) -> Snapshot {
        self.refresh_caches();
        let f = |v: Option<f64>| v.map(|x| x as f32);
        let mut s = Snapshot {
            sequence: self.sequence,
            frames_measured: self.frames,
            sample_rate_hz: self.config.sample_rate_hz,
            channels: self.channels as u8,
            paused: self.paused,
            momentary_lufs: f(power_to_lufs(self.momentary_power)),
            short_term_lufs: f(power_to_lufs(self.short_term_power)),
            integrated_lufs: f(self.integrated_cache),
            loudness_range_lu: f(self.range_cache),
            lra_stable: self.frames as f64 >= LRA_MIN_S * self.config.sample_rate_hz as f64,
            max_momentary_lufs: f(power_to_lufs(self.max_momentary_power)),
            max_short_term_lufs: f(power_to_lufs(self.max_short_term_power)),
            clipped_samples: self.clipped,
            true_peak_overs: self.overs,
            non_finite_samples: self.non_finite,
            ..Snapshot::default()
        };
        for c in 0..self.channels {
            s.true_peak_since_last_dbtp[c] = f(amplitude_to_db(self.true_peak_since[c] as f64));
            s.true_peak_max_dbtp[c] = f(amplitude_to_db(self.true_peak_max[c] as f64));
            s.sample_peak_since_last_dbfs[c] = f(amplitude_to_db(self.sample_peak_since[c] as f64));
            s.sample_peak_max_dbfs[c] = f(amplitude_to_db(self.sample_peak_max[c] as f64));
        }
        self.true_peak_since = [0.0; MAX_CHANNELS];
        self.sample_peak_since = [0.0; MAX_CHANNELS];
        s.plr_db = f(self.plr_db(self.integrated_cache));
        let recent_peak = self.ring_true_peak.iter().fold(0f32, |a, &b| a.max(b));
        s.psr_db = match (
            amplitude_to_db(recent_peak as f64),
            power_to_lufs(self.short_term_power),
        ) {
            (Some(p), Some(st)) => Some((p - st) as f32),
            _ => None,
        };
        if self.stereo_pair {
            s.correlation = f(self.smoothed_corr.correlation());
            s.low_band_correlation = f(self.smoothed_corr_low.correlation());
            s.balance_db = f(self.smoothed_corr.balance_db());
        }
        if self.spectrum_mode == SpectrumMode::Display {
            s.spectrum_valid = self.spectrum.take_display(&mut s.spectrum_db);
        }
        s.readiness = self.readiness_with(self.integrated_cache, self.range_cache);
        if self.scope_filled > 0 {
            let start = (self.scope_write + SCOPE_POINTS - self.scope_filled) % SCOPE_POINTS;
            for (k, point) in s.scope.iter_mut().take(self.scope_filled).enumerate() {
                *point = self.scope[(start + k) % SCOPE_POINTS];
            }
            s.scope_len = self.scope_filled;
            self.scope_filled = 0;
        }
        self.sequence += 1;
        s
    }

    fn max_true_peak(&self) -> f32 {
        self.true_peak_max[..self.channels]
            .iter()
            .fold(0f32, |a, &b| a.max(b))
    }

    fn plr_db(&self, integrated_lufs: Option<f64>) -> Option<f64> {
        match (
            amplitude_to_db(self.max_true_peak() as f64),
            integrated_lufs,
        ) {
            (Some(p), Some(i)) => Some(p - i),
            _ => None,
        }
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
        self.integrated.merge(&later.integrated);
        self.range.merge(&later.range);
        self.caches_dirty = true;
        self.max_momentary_power = self.max_momentary_power.max(later.max_momentary_power);
        self.max_short_term_power = self.max_short_term_power.max(later.max_short_term_power);
        for c in 0..MAX_CHANNELS {
            self.true_peak_max[c] = self.true_peak_max[c].max(later.true_peak_max[c]);
            self.true_peak_since[c] = self.true_peak_since[c].max(later.true_peak_since[c]);
            self.sample_peak_max[c] = self.sample_peak_max[c].max(later.sample_peak_max[c]);
            self.sample_peak_since[c] = self.sample_peak_since[c].max(later.sample_peak_since[c]);
            self.dc_sum[c] += later.dc_sum[c];
            self.dc_frames[c] += later.dc_frames[c];
            self.sum_sq[c] += later.sum_sq[c];
        }
        self.clipped += later.clipped;
        self.overs += later.overs;
        self.overs_0db += later.overs_0db;
        self.non_finite += later.non_finite;
        if let Some(first) = later.first_clip_frame {
            self.first_clip_frame.get_or_insert(first + offset);
        }
        if let Some(last) = later.last_clip_frame {
            self.last_clip_frame = Some(last + offset);
        }
        for (a, b) in self.peak_histogram.iter_mut().zip(&later.peak_histogram) {
            *a += b;
        }
        for (a, b) in self
            .sample_peak_histogram
            .iter_mut()
            .zip(&later.sample_peak_histogram)
        {
            *a += b;
        }
        self.total_corr.add(&later.total_corr);
        self.total_corr_low.add(&later.total_corr_low);
        for (a, b) in self.loud_corr.iter_mut().zip(&later.loud_corr) {
            a.add(b);
        }
        self.channels_identical &= later.channels_identical;
        self.spectrum.merge_long_term(&later.spectrum);
        self.momentary_power = later.momentary_power;
        self.short_term_power = later.short_term_power;
        self.smoothed_corr = later.smoothed_corr;
        self.smoothed_corr_low = later.smoothed_corr_low;
    }

    /// Correlation sums over the 100 ms hops whose block passes the relative gate
    /// (integrated - 10 LU); empty without a stereo pair or an integrated loudness.
    fn loud_sums(&self, integrated: Option<f64>) -> CorrelationSums {
        let mut sums = CorrelationSums::default();
        if let (true, Some(i)) = (self.stereo_pair, integrated) {
            let first = ((i + INTEGRATED_RELATIVE_GATE_LU) - ABSOLUTE_GATE_LUFS)
                .floor()
                .max(0.0) as usize;
            for b in &self.loud_corr[first.min(LOUD_CORRELATION_BINS)..] {
                sums.add(b);
            }
        }
        sums
    }

    /// DC offset of channel `c` over the chunks that carried signal (dBFS).
    fn dc_offset_dbfs(&self, c: usize) -> Option<f64> {
        amplitude_to_db(self.dc_sum[c] / self.dc_frames[c].max(1) as f64)
    }

    /// What the readiness rules read. Real-time safe.
    pub fn readiness_stats(&mut self) -> ReadinessStats {
        self.refresh_caches();
        self.readiness_with(self.integrated_cache, self.range_cache)
    }

    fn readiness_with(&self, integrated: Option<f64>, range: Option<f64>) -> ReadinessStats {
        let rate = self.config.sample_rate_hz as f64;
        let mut dc = [None; MAX_CHANNELS];
        for (c, d) in dc.iter_mut().enumerate().take(self.channels) {
            *d = self.dc_offset_dbfs(c);
        }
        let loud = self.loud_sums(integrated);
        let low = if self.stereo_pair {
            self.total_corr_low
        } else {
            CorrelationSums::default()
        };
        let max_sample_peak = self.sample_peak_max[..self.channels]
            .iter()
            .fold(0f32, |a, &b| a.max(b));
        let lt = self.spectrum.long_term_db();
        ReadinessStats {
            measured_s: self.frames as f64 / rate,
            non_silent_s: self.integrated.len() as f64 * HOP_SUBBLOCKS as f64
                / GRID_PER_SECOND as f64,
            channels: self.channels,
            integrated_lufs: integrated,
            loudness_range_lu: range,
            true_peak_dbtp: amplitude_to_db(self.max_true_peak() as f64),
            sample_peak_dbfs: amplitude_to_db(max_sample_peak as f64),
            clipped_samples: self.clipped,
            true_peak_overs_0db: self.overs_0db,
            first_clip_s: self.first_clip_frame.map(|f| f as f64 / rate),
            last_clip_s: self.last_clip_frame.map(|f| f as f64 / rate),
            loud_correlation: loud.correlation(),
            mono_loss_db: loud.mono_loss_db(),
            low_band_correlation: low.correlation(),
            low_band_mono_loss_db: low.mono_loss_db(),
            channels_identical: self.stereo_pair && self.channels_identical && self.frames > 0,
            stereo: self.stereo_pair,
            dc_offset_dbfs: dc,
            non_finite_samples: self.non_finite,
            spectrum_db: lt,
            peak_histogram: self.peak_histogram,
            sample_peak_histogram: self.sample_peak_histogram,
        }
    }

    /// Everything measured since reset. Allocates: call it off the audio thread.
    pub fn summary(&self) -> Summary {
        let integrated = self.integrated.integrated_lufs();
        let range = self.range.loudness_range_lu();
        let rate = self.config.sample_rate_hz as f64;
        let frames = self.frames;
        let per_channel = |v: &[f32; MAX_CHANNELS]| -> Vec<Option<f64>> {
            v[..self.channels]
                .iter()
                .map(|&x| amplitude_to_db(x as f64))
                .collect()
        };
        let max_sample_peak = self.sample_peak_max[..self.channels]
            .iter()
            .fold(0f32, |a, &b| a.max(b));
        let crest = (0..self.channels)
            .filter_map(|c| {
                let rms = (self.sum_sq[c] / frames.max(1) as f64).sqrt();
                power_ratio_db((self.sample_peak_max[c] as f64).powi(2), rms * rms)
            })
            .fold(None, |acc: Option<f64>, v| {
                Some(acc.map_or(v, |a| a.max(v)))
            });
        let loud_corr = self.loud_sums(integrated).correlation();
        let lt = self.spectrum.long_term_db();
        let centres = band_centers_hz();
        let pair = self.stereo_pair;
        Summary {
            sample_rate_hz: self.config.sample_rate_hz,
            channels: self.channels,
            frames,
            duration_s: frames as f64 / rate,
            integrated_lufs: integrated,
            loudness_range_lu: range,
            max_momentary_lufs: power_to_lufs(self.max_momentary_power),
            max_short_term_lufs: power_to_lufs(self.max_short_term_power),
            true_peak_dbtp: amplitude_to_db(self.max_true_peak() as f64),
            true_peak_per_channel_dbtp: per_channel(&self.true_peak_max),
            sample_peak_dbfs: amplitude_to_db(max_sample_peak as f64),
            sample_peak_per_channel_dbfs: per_channel(&self.sample_peak_max),
            plr_db: self.plr_db(integrated),
            crest_factor_db: crest,
            clipped_samples: self.clipped,
            first_clip_s: self.first_clip_frame.map(|f| f as f64 / rate),
            last_clip_s: self.last_clip_frame.map(|f| f as f64 / rate),
            true_peak_overs: self.overs,
            true_peak_ceiling_dbtp: self.config.true_peak_ceiling_dbtp,
            correlation: if pair {
                self.total_corr.correlation()
            } else {
                None
            },
            low_band_correlation: if pair {
                self.total_corr_low.correlation()
            } else {
                None
            },
            loud_correlation: loud_corr,
            balance_db: if pair {
                self.total_corr.balance_db()
            } else {
                None
            },
            mid_side_ratio_db: if pair {
                self.total_corr.mid_side_ratio_db()
            } else {
                None
            },
            channels_identical: pair && self.channels_identical && frames > 0,
            dc_offset_per_channel_dbfs: (0..self.channels)
                .map(|c| self.dc_offset_dbfs(c))
                .collect(),
            non_finite_samples: self.non_finite,
            readiness: self.readiness_with(integrated, range),
            spectrum_bands: centres
                .iter()
                .zip(lt)
                .filter(|(hz, _)| **hz <= rate / 2.0)
                .map(|(&hz, db)| SpectrumBand { hz, db })
                .collect(),
        }
    }
}

/// Counts a 100 ms window's peak in a 0.1 dB histogram (see [`crate::readiness`]).
fn add_to_peak_histogram(histogram: &mut [u32; PEAK_BINS], peak: f32) {
    if let Some(db) = amplitude_to_db(peak as f64) {
        let bin = ((db - PEAK_HIST_MIN_DBTP) / PEAK_BIN_DB).floor();
        histogram[(bin.max(0.0) as usize).min(PEAK_BINS - 1)] += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(a.integrated_lufs, b.integrated_lufs);
        assert_eq!(a.true_peak_dbtp, b.true_peak_dbtp);
        assert_eq!(a.correlation, b.correlation);
        assert_eq!(a.low_band_correlation, b.low_band_correlation);
    }

    #[test]
    fn grid_is_exact_at_fractional_rates() {
        let m = Meter::new(MeterConfig::new(11_025, ChannelLayout::Mono, 64)).expect("valid");
        let total: usize = (0..100).map(|k| m.grid_len(k)).sum();
        assert_eq!(total, 11_025);
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
        assert_eq!(m.summary().dc_offset_per_channel_dbfs[1], Some(just_music));
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
        assert_eq!(s.non_finite_samples, 6);
        assert!((s.integrated_lufs.expect("gated") + 23.0).abs() < 0.05);
        assert!(s.true_peak_dbtp.expect("level") < -22.0);
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
        assert_eq!(s.clipped_samples, 2);
        assert_eq!(s.first_clip_s, Some(0.1));
        assert_eq!(s.last_clip_s, Some(0.2));
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
        assert!(close(a.integrated_lufs, b.integrated_lufs), "{a:?}\n{b:?}");
        assert!(close(a.loudness_range_lu, b.loudness_range_lu));
        assert!(close(a.max_momentary_lufs, b.max_momentary_lufs));
        assert!(close(a.max_short_term_lufs, b.max_short_term_lufs));
        assert_eq!(a.true_peak_per_channel_dbtp, b.true_peak_per_channel_dbtp);
        assert_eq!(
            a.sample_peak_per_channel_dbfs,
            b.sample_peak_per_channel_dbfs
        );
        assert_eq!(a.clipped_samples, b.clipped_samples);
        assert_eq!(a.first_clip_s, b.first_clip_s);
        assert!(
            close(a.correlation, b.correlation) && close(a.loud_correlation, b.loud_correlation)
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
        assert!(l[l.len() - m.scope_step..].contains(&newest[0]));
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
        assert_eq!(a.integrated_lufs, b.integrated_lufs);
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

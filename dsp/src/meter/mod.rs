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
//! - [`scope`]: the goniometer trace (display only);
//! - [`history`]: one row per 100 ms (loudness, true peak, correlation), in bounded memory;
//! - [`events`]: clipping, overs and non-finite samples placed in time, in a capped list.
//!
//! Each hop's figures reach the stages that keep them per hop in one [`grid::HopEnd`].
//!
//! The spectrum analyser of `crate::spectrum` runs beside them. One private function builds the
//! statistics that the rules ([`Meter::readiness_stats`]), the snapshot and the summary all read.
//!
//! Before anything else each sample is checked: NaN and +/-Inf are counted and measured as
//! silence (0.0), and samples below -300 dBFS (subnormals included) are flushed to zero, so
//! neither can poison a filter state or slow the arithmetic down.

mod channels;
mod events;
mod grid;
mod history;
mod loudness;
mod peaks;
mod record;
mod scope;
mod stereo;
mod weighting;

use crate::kernels::{sanitise_with, Simd};
use crate::layout::{ChannelLayout, MAX_CHANNELS};
use crate::snapshot::{EventKind, Snapshot, SpectrumBand, Summary};
use crate::spectrum::{band_centers_hz, FrameSchedule, SpectrumAnalyzer};
use crate::stats::{ReadinessStats, LRA_MIN_S};
use crate::timeline::HostTimeline;
use crate::units::{amplitude_to_db, power_ratio_db, power_to_lufs};
use channels::ChannelStats;
use events::Events;
pub use events::EVENT_CAPACITY;
use grid::{Grid, HopEnd, Stage, SubBlockEnd, GRID_PER_SECOND, SHORT_TERM_SUBBLOCKS};
use history::History;
use loudness::Loudness;
use peaks::{Peaks, HISTORY};
use record::RecordSender;
pub use record::Recorder;
use record::Totals;
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
    /// Resets so far: tells a recorder which measurement a record belongs to.
    generation: u64,
    /// Where the hops and totals go, if something records them (see [`Meter::record`]).
    recorder: Option<RecordSender>,
    /// The host's timeline at the start of the latest block, and the frame it started at.
    timeline: Option<(HostTimeline, grid::Frame)>,

    weighting: Weighting,
    loudness: Loudness,
    peaks: Peaks,
    stereo: Stereo,
    channel_stats: ChannelStats,
    scope: Goniometer,
    history: History,
    events: Events,
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
            generation: 0,
            recorder: None,
            timeline: None,
            weighting: Weighting::new(rate, layout, simd),
            loudness: Loudness::new(grid.len_of(0)),
            peaks: Peaks::new(rate, channels, config.true_peak_ceiling_dbtp),
            stereo: Stereo::new(layout.has_stereo_pair()),
            channel_stats: ChannelStats::new(channels),
            scope: Goniometer::new(rate),
            history: History::new(),
            events: Events::new(rate),
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
        self.generation += 1;
        self.weighting.reset();
        self.loudness.reset();
        self.peaks.reset();
        self.stereo.reset();
        self.channel_stats.reset();
        self.scope.reset();
        self.history.reset();
        self.events.reset();
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

    /// Tells the meter where the host's transport is at the start of the next block (`None`:
    /// stopped, or the host does not say), so events carry their place in the song
    /// ([`crate::Event::host`]). Real-time safe.
    pub fn set_host_timeline(&mut self, timeline: Option<HostTimeline>) {
        self.timeline = timeline.map(|t| (t, self.frames as grid::Frame));
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
            self.channel_stats.add(c, &s, n, self.frames, live);
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
            let (true_peak, clips, overs) = self.peaks.hop();
            let hop = HopEnd {
                live: end.live,
                closed: end.closed,
                momentary_power: self.loudness.momentary_power(),
                short_term_power: self.loudness.short_term_power(),
                true_peak,
                correlation: self.stereo.hop(),
                clips,
                overs,
                non_finite: self.channel_stats.hop_non_finite(),
                timeline: self.timeline,
            };
            self.loudness.end_hop(&hop);
            self.peaks.end_hop(&hop);
            self.stereo.end_hop(&hop);
            self.channel_stats.end_hop(&hop);
            self.history.end_hop(&hop);
            self.events.end_hop(&hop);
            if let Some(tx) = self.recorder.as_mut() {
                tx.hop(self.generation, &hop);
            }
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
        self.events.recent(&mut s.recent_events);
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
        let offset = self.frames as grid::Frame;
        self.frames += later.frames;
        self.weighting.merge(&later.weighting, offset);
        self.loudness.merge(&later.loudness, offset);
        self.peaks.merge(&later.peaks, offset);
        self.stereo.merge(&later.stereo, offset);
        self.channel_stats.merge(&later.channel_stats, offset);
        self.scope.merge(&later.scope, offset);
        self.history.merge(&later.history, offset);
        self.events.merge(&later.events, offset);
        self.spectrum.merge_long_term(&later.spectrum);
    }

    /// Everything the summary reads besides the history and the events. Real-time safe.
    fn totals(&self) -> Totals {
        let readiness = self.stats();
        let channels = self.channels;
        let db = |v: &[f32; MAX_CHANNELS]| {
            let mut out = [None; MAX_CHANNELS];
            for (o, &x) in out.iter_mut().zip(&v[..channels]) {
                *o = amplitude_to_db(x as f64);
            }
            out
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
        Totals {
            sample_rate_hz: self.config.sample_rate_hz,
            closed: self.grid.closed(),
            frames: self.frames,
            channels,
            max_momentary_lufs: power_to_lufs(self.loudness.max_momentary_power()),
            max_short_term_lufs: power_to_lufs(self.loudness.max_short_term_power()),
            true_peak_dbtp: db(self.peaks.true_peak_max()),
            sample_peak_dbfs: db(peaks),
            crest_factor_db: crest,
            true_peak_overs: self.peaks.overs(),
            true_peak_ceiling_dbtp: self.config.true_peak_ceiling_dbtp,
            correlation: total.and_then(|t| t.correlation()),
            balance_db: total.and_then(|t| t.balance_db()),
            mid_side_ratio_db: total.and_then(|t| t.mid_side_ratio_db()),
            readiness,
        }
    }

    /// Everything measured since reset. Allocates: call it off the audio thread.
    pub fn summary(&self) -> Summary {
        assemble(&self.totals(), &self.history, &self.events)
    }
}

/// The summary of a measurement from its totals, history and events: the one assembly the meter
/// and a [`Recorder`] share. Allocates.
fn assemble(t: &Totals, history: &History, events_stage: &Events) -> Summary {
    let rate = t.sample_rate_hz as f64;
    let readiness = t.readiness;
    let (history_interval_s, history) = history.rows();
    let mut events = events_stage.list();
    events.extend(events::derived(
        &history,
        history_interval_s,
        readiness.integrated_lufs,
    ));
    // By time, then kind: the same order however the measurement was split.
    let rank = |k: EventKind| EventKind::ALL.iter().position(|&x| x == k);
    events.sort_by(|a, b| {
        a.start_s
            .total_cmp(&b.start_s)
            .then(rank(a.kind).cmp(&rank(b.kind)))
            .then(a.end_s.total_cmp(&b.end_s))
    });
    Summary {
        sample_rate_hz: t.sample_rate_hz,
        frames: t.frames,
        max_momentary_lufs: t.max_momentary_lufs,
        max_short_term_lufs: t.max_short_term_lufs,
        true_peak_per_channel_dbtp: t.true_peak_dbtp[..t.channels].to_vec(),
        sample_peak_per_channel_dbfs: t.sample_peak_dbfs[..t.channels].to_vec(),
        plr_db: difference(readiness.true_peak_dbtp, readiness.integrated_lufs),
        crest_factor_db: t.crest_factor_db,
        true_peak_overs: t.true_peak_overs,
        true_peak_ceiling_dbtp: t.true_peak_ceiling_dbtp,
        correlation: t.correlation,
        balance_db: t.balance_db,
        mid_side_ratio_db: t.mid_side_ratio_db,
        spectrum_bands: band_centers_hz()
            .iter()
            .zip(readiness.spectrum_db)
            .filter(|(hz, _)| **hz <= rate / 2.0)
            .map(|(&hz, db)| SpectrumBand { hz, db })
            .collect(),
        readiness,
        events,
        events_dropped: events_stage.dropped(),
        history_interval_s,
        history,
    }
}

/// `a - b` when both exist (PLR: true peak - integrated; PSR: true peak - short-term).
fn difference(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? - b?)
}

#[cfg(test)]
mod tests;

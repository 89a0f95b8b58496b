//! Peaks: sample peak, true peak (ITU-R BS.1770-4 Annex 2), clipped samples and true-peak overs
//! with the times of the first and last, and the per-window peak histograms the limiting rule
//! reads.
//!
//! Each channel keeps a peak held since the start (or the last [`Peaks::reset_maxima`]) and one
//! held since the display last read it. Every 100 ms hop whose momentary loudness is above the
//! absolute gate adds its highest true peak and sample peak to 0.1 dB histograms (the layout in
//! [`crate::stats`]): a limiter shows as windows piled up against one ceiling.

use super::grid::{Frame, HopEnd, Span, Stage, SubBlockEnd, SHORT_TERM_SUBBLOCKS};
use crate::gating::ABSOLUTE_GATE_LUFS;
use crate::layout::MAX_CHANNELS;
use crate::stats::{
    ReadinessStats, CLIP_DBFS, FULL_SCALE_SAMPLE, PEAK_BINS, PEAK_BIN_DB, PEAK_HIST_MIN_DBTP,
};
use crate::true_peak::{TruePeak, MAX_TAPS};
use crate::units::{amplitude_to_db, db_to_amplitude, lufs_to_power};

/// Samples of the previous chunk kept in front of each channel's chunk for the interpolator.
pub const HISTORY: usize = MAX_TAPS - 1;

/// Largest value of the first `channels` entries.
pub fn max_of(values: &[f32], channels: usize) -> f32 {
    values[..channels].iter().fold(0f32, |a, &b| a.max(b))
}

/// Peak holds, clip and over counts, peak histograms.
#[derive(Debug)]
pub struct Peaks {
    channels: usize,
    sample_rate_hz: f64,
    true_peak: TruePeak,
    /// Over-counting ceiling as a sample value.
    ceiling: f32,
    /// Samples at or above it are at full scale ([`FULL_SCALE_SAMPLE`]).
    sample_clip_level: f32,
    /// Full scale for the true peak ([`CLIP_DBFS`]): values above it clip.
    clip_level: f32,
    true_peak_max: [f32; MAX_CHANNELS],
    true_peak_since: [f32; MAX_CHANNELS],
    sample_peak_max: [f32; MAX_CHANNELS],
    sample_peak_since: [f32; MAX_CHANNELS],
    clipped: u64,
    first_clip_frame: Option<Frame>,
    last_clip_frame: Option<Frame>,
    overs: u64,
    overs_0db: u64,
    sub_true_peak: f32,
    sub_sample_peak: f32,
    hop_true_peak: f32,
    hop_sample_peak: f32,
    /// Clipping in the open hop: samples at or above full scale (counted), true peaks above it.
    hop_clips: Span,
    /// True-peak values above the ceiling in the open hop.
    hop_overs: Span,
    /// True peak of each of the last 300 sub-blocks (the short-term window, for PSR).
    recent: Vec<f32>,
    recent_head: usize,
    peak_histogram: [u32; PEAK_BINS],
    sample_peak_histogram: [u32; PEAK_BINS],
}

impl Peaks {
    /// Peaks of `channels` channels at `sample_rate_hz`, counting overs above
    /// `ceiling_dbtp`. Allocates.
    pub fn new(sample_rate_hz: u32, channels: usize, ceiling_dbtp: f64) -> Self {
        let mut p = Self {
            channels,
            sample_rate_hz: sample_rate_hz as f64,
            true_peak: TruePeak::new(sample_rate_hz),
            ceiling: db_to_amplitude(ceiling_dbtp) as f32,
            sample_clip_level: FULL_SCALE_SAMPLE,
            clip_level: db_to_amplitude(CLIP_DBFS) as f32,
            true_peak_max: [0.0; MAX_CHANNELS],
            true_peak_since: [0.0; MAX_CHANNELS],
            sample_peak_max: [0.0; MAX_CHANNELS],
            sample_peak_since: [0.0; MAX_CHANNELS],
            clipped: 0,
            first_clip_frame: None,
            last_clip_frame: None,
            overs: 0,
            overs_0db: 0,
            sub_true_peak: 0.0,
            sub_sample_peak: 0.0,
            hop_true_peak: 0.0,
            hop_sample_peak: 0.0,
            hop_clips: Span::default(),
            hop_overs: Span::default(),
            recent: vec![0.0; SHORT_TERM_SUBBLOCKS],
            recent_head: 0,
            peak_histogram: [0; PEAK_BINS],
            sample_peak_histogram: [0; PEAK_BINS],
        };
        p.reset();
        p
    }

    /// Measures channel `c`'s chunk: `buf` holds [`HISTORY`] samples of the previous chunk, then
    /// the chunk's `n` samples (sanitised), whose largest |x| is `sample_peak`. `start_frame` is
    /// the chunk's first frame in the measurement.
    pub fn measure(
        &mut self,
        c: usize,
        buf: &[f32],
        n: usize,
        sample_peak: f32,
        start_frame: u64,
        live: bool,
    ) {
        self.sample_peak_since[c] = self.sample_peak_since[c].max(sample_peak);
        self.sub_sample_peak = self.sub_sample_peak.max(sample_peak);
        let clip = self.clip_level;
        let start = start_frame as Frame;
        if live {
            self.sample_peak_max[c] = self.sample_peak_max[c].max(sample_peak);
            let full = self.sample_clip_level;
            if sample_peak >= full {
                let chunk = &buf[HISTORY..HISTORY + n];
                let count = chunk.iter().filter(|x| x.abs() >= full).count() as u64;
                let first = chunk.iter().position(|x| x.abs() >= full);
                let last = chunk.iter().rposition(|x| x.abs() >= full);
                if let (Some(f), Some(l)) = (first, last) {
                    let (f, l) = (start + f as Frame, start + l as Frame);
                    self.clipped += count;
                    self.note_clip(f, l);
                    self.hop_clips.note(f, l, count, sample_peak);
                }
            }
        }

        let buf = &buf[HISTORY + 1 - self.true_peak.taps()..HISTORY + n];
        let m = self.true_peak.block_max(buf, n).max(sample_peak);
        self.true_peak_since[c] = self.true_peak_since[c].max(m);
        self.sub_true_peak = self.sub_true_peak.max(m);
        if live {
            self.true_peak_max[c] = self.true_peak_max[c].max(m);
            // One pass counts both: a threshold the block's maximum does not exceed counts
            // nothing.
            if m > self.ceiling.min(clip) {
                let [ceiling, over] = self.true_peak.count_over(buf, n, [self.ceiling, clip]);
                self.overs += ceiling.count;
                // Interpolated values lag the input by half the filter.
                let lag = (self.true_peak.taps() / 2) as Frame;
                let at = |i: usize| start + i as Frame - lag;
                if let (Some(f), Some(l)) = (ceiling.first, ceiling.last) {
                    self.hop_overs.note(at(f), at(l), ceiling.count, m);
                }
                if let (Some(f), Some(l)) = (over.first, over.last) {
                    self.overs_0db += over.count;
                    self.note_clip(at(f), at(l));
                    self.hop_clips.note(at(f), at(l), 0, m);
                }
            }
        }
    }

    /// Records clipping between frames `first` and `last` (for the first/last clip times).
    fn note_clip(&mut self, first: Frame, last: Frame) {
        self.first_clip_frame = Some(self.first_clip_frame.map_or(first, |f| f.min(first)));
        self.last_clip_frame = Some(self.last_clip_frame.map_or(last, |l| l.max(last)));
    }

    /// Clears the peak holds only.
    pub fn reset_maxima(&mut self) {
        self.true_peak_max = [0.0; MAX_CHANNELS];
        self.sample_peak_max = [0.0; MAX_CHANNELS];
        self.clear_since();
    }

    /// Restarts the since-last peaks.
    pub fn clear_since(&mut self) {
        self.true_peak_since = [0.0; MAX_CHANNELS];
        self.sample_peak_since = [0.0; MAX_CHANNELS];
    }

    /// Per-channel true-peak holds since the start (linear).
    pub fn true_peak_max(&self) -> &[f32; MAX_CHANNELS] {
        &self.true_peak_max
    }

    /// Per-channel sample-peak holds since the start (linear).
    pub fn sample_peak_max(&self) -> &[f32; MAX_CHANNELS] {
        &self.sample_peak_max
    }

    /// Per-channel true-peak holds since the display last read them (linear).
    pub fn true_peak_since(&self) -> &[f32; MAX_CHANNELS] {
        &self.true_peak_since
    }

    /// Per-channel sample-peak holds since the display last read them (linear).
    pub fn sample_peak_since(&self) -> &[f32; MAX_CHANNELS] {
        &self.sample_peak_since
    }

    /// Highest true peak of the last 3 s, all channels (linear).
    pub fn recent_true_peak(&self) -> f32 {
        max_of(&self.recent, self.recent.len())
    }

    /// True-peak values above the over-counting ceiling.
    pub fn overs(&self) -> u64 {
        self.overs
    }

    /// The open hop's highest true peak, clipping and overs (for [`HopEnd`]).
    pub fn hop(&self) -> (f32, Span, Span) {
        (self.hop_true_peak, self.hop_clips, self.hop_overs)
    }
}

impl Stage for Peaks {
    fn reset(&mut self) {
        self.clipped = 0;
        self.first_clip_frame = None;
        self.last_clip_frame = None;
        self.overs = 0;
        self.overs_0db = 0;
        self.sub_true_peak = 0.0;
        self.sub_sample_peak = 0.0;
        self.hop_true_peak = 0.0;
        self.hop_sample_peak = 0.0;
        self.hop_clips = Span::default();
        self.hop_overs = Span::default();
        self.recent.fill(0.0);
        self.recent_head = 0;
        self.peak_histogram = [0; PEAK_BINS];
        self.sample_peak_histogram = [0; PEAK_BINS];
        self.reset_maxima();
    }

    fn merge(&mut self, later: &Self, offset_frames: Frame) {
        for c in 0..MAX_CHANNELS {
            self.true_peak_max[c] = self.true_peak_max[c].max(later.true_peak_max[c]);
            self.true_peak_since[c] = self.true_peak_since[c].max(later.true_peak_since[c]);
            self.sample_peak_max[c] = self.sample_peak_max[c].max(later.sample_peak_max[c]);
            self.sample_peak_since[c] = self.sample_peak_since[c].max(later.sample_peak_since[c]);
        }
        self.clipped += later.clipped;
        self.overs += later.overs;
        self.overs_0db += later.overs_0db;
        if let (Some(first), Some(last)) = (later.first_clip_frame, later.last_clip_frame) {
            self.note_clip(first + offset_frames, last + offset_frames);
        }
        for (mine, theirs) in [
            (&mut self.peak_histogram, &later.peak_histogram),
            (
                &mut self.sample_peak_histogram,
                &later.sample_peak_histogram,
            ),
        ] {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
    }

    fn end_subblock(&mut self, _at: &SubBlockEnd) {
        self.recent[self.recent_head] = self.sub_true_peak;
        self.recent_head = (self.recent_head + 1) % self.recent.len();
        self.hop_true_peak = self.hop_true_peak.max(self.sub_true_peak);
        self.hop_sample_peak = self.hop_sample_peak.max(self.sub_sample_peak);
        self.sub_true_peak = 0.0;
        self.sub_sample_peak = 0.0;
    }

    fn end_hop(&mut self, at: &HopEnd) {
        if at.live && at.momentary_power >= lufs_to_power(ABSOLUTE_GATE_LUFS) {
            add_to_peak_histogram(&mut self.peak_histogram, self.hop_true_peak);
            add_to_peak_histogram(&mut self.sample_peak_histogram, self.hop_sample_peak);
        }
        self.hop_true_peak = 0.0;
        self.hop_sample_peak = 0.0;
        self.hop_clips = Span::default();
        self.hop_overs = Span::default();
    }

    fn read(&self, stats: &mut ReadinessStats) {
        let rate = self.sample_rate_hz;
        stats.true_peak_dbtp = amplitude_to_db(max_of(&self.true_peak_max, self.channels) as f64);
        stats.sample_peak_dbfs =
            amplitude_to_db(max_of(&self.sample_peak_max, self.channels) as f64);
        stats.clipped_samples = self.clipped;
        stats.true_peak_overs_0db = self.overs_0db;
        stats.first_clip_s = self.first_clip_frame.map(|f| f.max(0) as f64 / rate);
        stats.last_clip_s = self.last_clip_frame.map(|f| f.max(0) as f64 / rate);
        stats.peak_histogram = self.peak_histogram;
        stats.sample_peak_histogram = self.sample_peak_histogram;
    }
}

/// Counts a 100 ms window's peak in a 0.1 dB histogram.
fn add_to_peak_histogram(histogram: &mut [u32; PEAK_BINS], peak: f32) {
    if let Some(db) = amplitude_to_db(peak as f64) {
        let bin = ((db - PEAK_HIST_MIN_DBTP) / PEAK_BIN_DB).floor();
        histogram[(bin.max(0.0) as usize).min(PEAK_BINS - 1)] += 1;
    }
}

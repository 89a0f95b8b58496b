//! The 10 ms update grid of EBU Tech 3341, and the shape every stage of the meter shares.
//!
//! Sub-block `k` spans samples `floor(k * fs / 100)` to `floor((k + 1) * fs / 100)`, so the grid is
//! exact at every rate (at 44.1 kHz every sub-block has 441 samples; at 11.025 kHz, 110 or 111).
//! Every [`HOP_SUBBLOCKS`] sub-blocks (100 ms) a hop ends: a gating block, a loudness-range value
//! and the per-window peak statistics are taken there.

use crate::correlation::CorrelationSums;
use crate::stats::ReadinessStats;
use crate::timeline::HostTimeline;

/// Sub-blocks per second: the 10 ms update grid.
pub const GRID_PER_SECOND: u64 = 100;
/// Sub-blocks in the momentary window (400 ms).
pub const MOMENTARY_SUBBLOCKS: usize = 40;
/// Sub-blocks in the short-term window (3 s).
pub const SHORT_TERM_SUBBLOCKS: usize = 300;
/// Sub-blocks between gating blocks and loudness-range values (100 ms).
pub const HOP_SUBBLOCKS: u64 = 10;

/// A sub-block that has just closed.
#[derive(Debug, Clone, Copy)]
pub struct SubBlockEnd {
    /// Whether the integrating measurements run (the meter is not paused).
    pub live: bool,
    /// Sub-blocks closed so far, this one included.
    pub closed: u64,
    /// Its length in samples.
    pub len: usize,
}

/// A position in the measurement, in frames. Signed: a true-peak value lags its input by half
/// the interpolator, so in a meter that continues another's part (see `Meter::merge_following`)
/// the first values belong a few frames before the part's start.
pub type Frame = i64;

/// Where something happened within a stretch of audio: the frames of the first and last
/// occurrence (in the measurement's frames), how many samples, and the highest level among them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Span {
    /// Frames of the first and last occurrence; `None` if nothing happened.
    pub frames: Option<(Frame, Frame)>,
    /// Samples counted.
    pub count: u64,
    /// Highest |level| among them (linear; 0 where it has no meaning).
    pub peak: f32,
}

impl Span {
    /// Notes an occurrence between frames `first` and `last` that counts `count` samples, up to
    /// `peak`.
    pub fn note(&mut self, first: Frame, last: Frame, count: u64, peak: f32) {
        self.frames = Some(match self.frames {
            Some((f, l)) => (f.min(first), l.max(last)),
            None => (first, last),
        });
        self.count += count;
        self.peak = self.peak.max(peak);
    }
}

/// A 100 ms hop that has just ended (after every stage has closed its last sub-block), with what
/// the stages measured in it.
#[derive(Debug, Clone, Copy)]
pub struct HopEnd {
    /// Whether the integrating measurements run.
    pub live: bool,
    /// Sub-blocks closed so far.
    pub closed: u64,
    /// Mean square of the momentary window that ends here (the hop's gating block).
    pub momentary_power: f64,
    /// Mean square of the short-term window that ends here.
    pub short_term_power: f64,
    /// Highest true peak of the hop, all channels (linear).
    pub true_peak: f32,
    /// Correlation sums of the hop's stereo pair (empty without one).
    pub correlation: CorrelationSums,
    /// Clipped samples (at or above full scale, or a true peak above it) in the hop.
    pub clips: Span,
    /// True-peak values above the meter's ceiling in the hop.
    pub overs: Span,
    /// Non-finite samples in the hop (frames of the chunks that held them).
    pub non_finite: Span,
    /// The host's timeline at the start of the latest block, and the frame that block started
    /// at (see `Meter::set_host_timeline`).
    pub timeline: Option<(HostTimeline, Frame)>,
}

impl HopEnd {
    /// Whether a whole gating block (400 ms) has been measured.
    pub fn gating_block_complete(&self) -> bool {
        self.closed >= MOMENTARY_SUBBLOCKS as u64
    }

    /// Whether a whole short-term window (3 s) has been measured.
    pub fn short_term_complete(&self) -> bool {
        self.closed >= SHORT_TERM_SUBBLOCKS as u64
    }
}

/// What every stage of the meter does besides measuring: start again, absorb the stage of a
/// meter that measured the audio that follows, follow the grid, and report into the statistics
/// the rules, the snapshot and the summary read.
pub trait Stage {
    /// Clears the stage: the next sample starts a new measurement.
    fn reset(&mut self);
    /// Absorbs the integrating measurements of `later`, the same stage of a meter that measured
    /// the audio after this one's (see `Meter::merge_following`). `offset_frames` is where
    /// `later`'s part starts, in this meter's frames.
    fn merge(&mut self, later: &Self, offset_frames: Frame);
    /// A 10 ms sub-block has closed.
    fn end_subblock(&mut self, _at: &SubBlockEnd) {}
    /// A 100 ms hop has ended.
    fn end_hop(&mut self, _at: &HopEnd) {}
    /// Writes what the stage measured into `stats`. Stages read in the meter's order, so a
    /// stage may use what an earlier one wrote (the integrated loudness gates the loud
    /// correlation). Stages the rules do not read (filters, display, history, events) write
    /// nothing.
    fn read(&self, _stats: &mut ReadinessStats) {}
}

/// Position on the grid.
#[derive(Debug, Clone, Copy)]
pub struct Grid {
    rate: u64,
    /// Sub-blocks closed.
    closed: u64,
    /// Length of the open sub-block.
    len: usize,
    /// Samples of it measured.
    pos: usize,
}

impl Grid {
    /// The grid at `sample_rate_hz`, at its start.
    pub fn new(sample_rate_hz: u32) -> Self {
        let mut g = Self {
            rate: sample_rate_hz as u64,
            closed: 0,
            len: 0,
            pos: 0,
        };
        g.reset();
        g
    }

    /// Back to the first sub-block.
    pub fn reset(&mut self) {
        self.closed = 0;
        self.len = self.len_of(0);
        self.pos = 0;
    }

    /// Length in samples of sub-block `index`.
    pub fn len_of(&self, index: u64) -> usize {
        let start = index * self.rate / GRID_PER_SECOND;
        let end = (index + 1) * self.rate / GRID_PER_SECOND;
        (end - start) as usize
    }

    /// Sub-blocks closed since the start.
    pub fn closed(&self) -> u64 {
        self.closed
    }

    /// Samples left in the open sub-block.
    pub fn room(&self) -> usize {
        self.len - self.pos
    }

    /// Counts `n` measured samples (at most [`Self::room`]). When they close the sub-block,
    /// moves to the next and returns what closed.
    pub fn advance(&mut self, n: usize, live: bool) -> Option<SubBlockEnd> {
        debug_assert!(n <= self.room());
        self.pos += n;
        if self.pos < self.len {
            return None;
        }
        let end = SubBlockEnd {
            live,
            closed: self.closed + 1,
            len: self.len,
        };
        self.closed += 1;
        self.pos = 0;
        self.len = self.len_of(self.closed);
        Some(end)
    }
}

impl SubBlockEnd {
    /// Whether this sub-block ends a 100 ms hop.
    pub fn ends_hop(&self) -> bool {
        self.closed.is_multiple_of(HOP_SUBBLOCKS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_is_exact_at_fractional_rates() {
        let g = Grid::new(11_025);
        let total: usize = (0..100).map(|k| g.len_of(k)).sum();
        assert_eq!(total, 11_025);
    }

    #[test]
    fn a_sub_block_closes_on_its_last_sample() {
        let mut g = Grid::new(44_100);
        assert_eq!(g.room(), 441);
        assert!(g.advance(440, true).is_none());
        let end = g.advance(1, false).expect("closed");
        assert_eq!((end.closed, end.len, end.live), (1, 441, false));
        assert_eq!(g.room(), 441);
    }
}

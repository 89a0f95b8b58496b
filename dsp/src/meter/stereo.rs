//! Stereo sums of the channel pair: the live correlation (a ~300 ms exponential window stepped on
//! the 10 ms grid, see [`crate::correlation`]), the whole measurement's broadband and low-band
//! sums, and the correlation of the loud passages.
//!
//! The loud-passage correlation is gated like integrated loudness (BS.1770-4): each 100 ms hop's
//! sums go into a 1 LU bin by the loudness of the gating block that ends there, and reading keeps
//! the bins at or above the relative gate (integrated - 10 LU). A quiet intro or a reverb tail
//! then cannot decide whether a mix folds to mono.

use super::grid::{Frame, HopEnd, Stage, SubBlockEnd, GRID_PER_SECOND};
use crate::correlation::{decay_per_step, CorrelationSums};
use crate::gating::{ABSOLUTE_GATE_LUFS, INTEGRATED_RELATIVE_GATE_LU};
use crate::stats::ReadinessStats;
use crate::units::power_to_lufs;

/// Bins (1 LU wide, from the absolute gate at -70 LUFS) that sort the hops' sums by loudness.
const LOUD_BINS: usize = 100;

/// Correlation sums of the stereo pair (all empty without one).
#[derive(Debug)]
pub struct Stereo {
    pair: bool,
    decay: f64,
    sub: CorrelationSums,
    sub_low: CorrelationSums,
    hop: CorrelationSums,
    smoothed: CorrelationSums,
    smoothed_low: CorrelationSums,
    total: CorrelationSums,
    total_low: CorrelationSums,
    loud: [CorrelationSums; LOUD_BINS],
    identical: bool,
}

impl Stereo {
    /// Sums for a layout with (`pair`) or without a stereo pair.
    pub fn new(pair: bool) -> Self {
        let mut s = Self {
            pair,
            decay: decay_per_step(1.0 / GRID_PER_SECOND as f64),
            sub: CorrelationSums::default(),
            sub_low: CorrelationSums::default(),
            hop: CorrelationSums::default(),
            smoothed: CorrelationSums::default(),
            smoothed_low: CorrelationSums::default(),
            total: CorrelationSums::default(),
            total_low: CorrelationSums::default(),
            loud: [CorrelationSums::default(); LOUD_BINS],
            identical: true,
        };
        s.reset();
        s
    }

    /// Adds a chunk's broadband and low-band sums; `same` when L == R throughout.
    pub fn add(
        &mut self,
        broadband: &CorrelationSums,
        low: &CorrelationSums,
        same: bool,
        live: bool,
    ) {
        self.sub.add(broadband);
        self.sub_low.add(low);
        if live {
            self.total.add(broadband);
            self.total_low.add(low);
            self.hop.add(broadband);
            self.identical &= same;
        }
    }

    /// The live (smoothed) sums, broadband and low band; empty without a pair.
    pub fn live(&self) -> Option<(&CorrelationSums, &CorrelationSums)> {
        self.pair.then_some((&self.smoothed, &self.smoothed_low))
    }

    /// The open hop's broadband sums (for [`HopEnd`]; empty while paused).
    pub fn hop(&self) -> CorrelationSums {
        self.hop
    }

    /// The whole measurement's broadband sums; `None` without a pair.
    pub fn total(&self) -> Option<&CorrelationSums> {
        self.pair.then_some(&self.total)
    }

    /// Sums over the hops whose gating block passes the relative gate of `integrated_lufs`;
    /// empty without a pair or an integrated loudness.
    fn loud_sums(&self, integrated_lufs: Option<f64>) -> CorrelationSums {
        let mut sums = CorrelationSums::default();
        if let (true, Some(i)) = (self.pair, integrated_lufs) {
            let first = ((i + INTEGRATED_RELATIVE_GATE_LU) - ABSOLUTE_GATE_LUFS)
                .floor()
                .max(0.0) as usize;
            for b in &self.loud[first.min(LOUD_BINS)..] {
                sums.add(b);
            }
        }
        sums
    }
}

impl Stage for Stereo {
    fn reset(&mut self) {
        self.sub = CorrelationSums::default();
        self.sub_low = CorrelationSums::default();
        self.hop = CorrelationSums::default();
        self.smoothed = CorrelationSums::default();
        self.smoothed_low = CorrelationSums::default();
        self.total = CorrelationSums::default();
        self.total_low = CorrelationSums::default();
        self.loud = [CorrelationSums::default(); LOUD_BINS];
        self.identical = true;
    }

    fn merge(&mut self, later: &Self, _offset_frames: Frame) {
        self.total.add(&later.total);
        self.total_low.add(&later.total_low);
        for (a, b) in self.loud.iter_mut().zip(&later.loud) {
            a.add(b);
        }
        self.identical &= later.identical;
        // The live window is the later part's.
        self.smoothed = later.smoothed;
        self.smoothed_low = later.smoothed_low;
    }

    fn end_subblock(&mut self, _at: &SubBlockEnd) {
        self.smoothed.decay_add(self.decay, &self.sub);
        self.smoothed_low.decay_add(self.decay, &self.sub_low);
        self.sub = CorrelationSums::default();
        self.sub_low = CorrelationSums::default();
    }

    fn end_hop(&mut self, at: &HopEnd) {
        if at.live && at.gating_block_complete() {
            if let Some(l) = power_to_lufs(at.momentary_power) {
                let bin = (l - ABSOLUTE_GATE_LUFS).floor();
                if bin >= 0.0 {
                    self.loud[(bin as usize).min(LOUD_BINS - 1)].add(&self.hop);
                }
            }
        }
        self.hop = CorrelationSums::default();
    }

    /// Needs `stats.integrated_lufs` and `stats.measured_s` written first.
    fn read(&self, stats: &mut ReadinessStats) {
        let loud = self.loud_sums(stats.integrated_lufs);
        let low = if self.pair {
            self.total_low
        } else {
            CorrelationSums::default()
        };
        stats.stereo = self.pair;
        stats.loud_correlation = loud.correlation();
        stats.mono_loss_db = loud.mono_loss_db();
        stats.low_band_correlation = low.correlation();
        stats.low_band_mono_loss_db = low.mono_loss_db();
        stats.channels_identical = self.pair && self.identical && stats.measured_s > 0.0;
    }
}

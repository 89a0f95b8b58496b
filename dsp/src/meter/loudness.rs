//! Loudness windows and what integrates them (EBU Tech 3341, Tech 3342, ITU-R BS.1770-4).
//!
//! The K-weighted energy of each 10 ms sub-block enters a ring of the last 300 (3 s). The
//! momentary (last 40 = 400 ms) and short-term (all 300) windows are running sums over that ring,
//! updated at every sub-block and summed afresh every second so rounding cannot drift; their
//! maxima are therefore found on a 10 ms grid. At the end of each 100 ms hop the momentary window
//! is a gating block for integrated loudness (75 % overlap) and the short-term value feeds the
//! loudness-range histogram. Every 50 ms (five sub-blocks, aligned with the hops) the block's
//! loudness enters a histogram for the micro-dynamics check.

use super::grid::{
    Frame, HopEnd, Stage, SubBlockEnd, GRID_PER_SECOND, HOP_SUBBLOCKS, MOMENTARY_SUBBLOCKS,
    SHORT_TERM_SUBBLOCKS,
};
use crate::gating::LoudnessHistogram;
use crate::stats::{
    ReadinessStats, BLOCK_BINS, BLOCK_BIN_DB, BLOCK_HIST_MIN_LUFS, SHORT_BLOCK_SUBBLOCKS,
};
use crate::units::power_to_lufs;

/// Loudness windows, their maxima, and the gating histograms.
#[derive(Debug)]
pub struct Loudness {
    /// Length of a nominal sub-block (what an empty ring entry stands for).
    nominal_len: u32,
    /// Weighted energy of the open sub-block.
    sub_energy: f64,
    ring_energy: Vec<f64>,
    ring_len: Vec<u32>,
    ring_head: usize,
    /// Running sums of the momentary and short-term windows (energy, samples).
    window_sums: [(f64, u64); 2],
    /// Non-silent entries in each window, so a window that has become silent reads exactly
    /// zero whatever the rounding of the running sums.
    window_active: [u32; 2],
    momentary_power: f64,
    short_term_power: f64,
    max_momentary_power: f64,
    max_short_term_power: f64,
    integrated: LoudnessHistogram,
    range: LoudnessHistogram,
    integrated_cache: Option<f64>,
    range_cache: Option<f64>,
    caches_dirty: bool,
    /// The open 50 ms block: energy, samples, and whether all of it was measured live.
    block: (f64, u64, bool),
    /// Loudness of the 50 ms blocks above the absolute gate.
    block_histogram: [u32; BLOCK_BINS],
}

impl Loudness {
    /// Windows for sub-blocks of `nominal_len` samples. Allocates.
    pub fn new(nominal_len: usize) -> Self {
        let mut l = Self {
            nominal_len: nominal_len as u32,
            sub_energy: 0.0,
            ring_energy: vec![0.0; SHORT_TERM_SUBBLOCKS],
            ring_len: vec![0; SHORT_TERM_SUBBLOCKS],
            ring_head: 0,
            window_sums: [(0.0, 0); 2],
            window_active: [0; 2],
            momentary_power: 0.0,
            short_term_power: 0.0,
            max_momentary_power: 0.0,
            max_short_term_power: 0.0,
            integrated: LoudnessHistogram::new(),
            range: LoudnessHistogram::new(),
            integrated_cache: None,
            range_cache: None,
            caches_dirty: false,
            block: (0.0, 0, true),
            block_histogram: [0; BLOCK_BINS],
        };
        l.reset();
        l
    }

    /// Adds channel-weighted K-weighted energy to the open sub-block.
    #[inline]
    pub fn add(&mut self, energy: f64) {
        self.sub_energy += energy;
    }

    /// Mean square of the momentary window.
    pub fn momentary_power(&self) -> f64 {
        self.momentary_power
    }

    /// Mean square of the short-term window.
    pub fn short_term_power(&self) -> f64 {
        self.short_term_power
    }

    /// Highest momentary mean square since the maxima were cleared.
    pub fn max_momentary_power(&self) -> f64 {
        self.max_momentary_power
    }

    /// Highest short-term mean square since the maxima were cleared.
    pub fn max_short_term_power(&self) -> f64 {
        self.max_short_term_power
    }

    /// Clears the maxima only.
    pub fn reset_maxima(&mut self) {
        self.max_momentary_power = 0.0;
        self.max_short_term_power = 0.0;
    }

    /// Recomputes integrated loudness and LRA if gating blocks arrived. Real-time safe (scans
    /// fixed-size histograms).
    pub fn refresh(&mut self) {
        if self.caches_dirty {
            self.integrated_cache = self.integrated.integrated_lufs();
            self.range_cache = self.range.loudness_range_lu();
            self.caches_dirty = false;
        }
    }

    /// Integrated loudness (LUFS); computed afresh if [`Self::refresh`] has not run since the
    /// last gating block.
    pub fn integrated_lufs(&self) -> Option<f64> {
        if self.caches_dirty {
            self.integrated.integrated_lufs()
        } else {
            self.integrated_cache
        }
    }

    /// Loudness range (LU); computed afresh like [`Self::integrated_lufs`].
    pub fn loudness_range_lu(&self) -> Option<f64> {
        if self.caches_dirty {
            self.range.loudness_range_lu()
        } else {
            self.range_cache
        }
    }

    /// Sums the momentary and short-term windows afresh from the ring.
    fn recompute_window_sums(&mut self) {
        let head = self.ring_head;
        // The newest `count` entries end just before `ring_head`, wrapping to the end.
        let newest = |count: usize| {
            (1..=count).map(move |i| (head + SHORT_TERM_SUBBLOCKS - i) % SHORT_TERM_SUBBLOCKS)
        };
        for (k, count) in [MOMENTARY_SUBBLOCKS, SHORT_TERM_SUBBLOCKS]
            .into_iter()
            .enumerate()
        {
            // Summed oldest first, as the running sums would have added them.
            let (wrapped, recent) = if count <= head {
                (0..0, head - count..head)
            } else {
                (
                    SHORT_TERM_SUBBLOCKS - (count - head)..SHORT_TERM_SUBBLOCKS,
                    0..head,
                )
            };
            let energy: f64 = self.ring_energy[wrapped.clone()].iter().sum::<f64>()
                + self.ring_energy[recent.clone()].iter().sum::<f64>();
            let samples: u64 = self.ring_len[wrapped]
                .iter()
                .chain(&self.ring_len[recent])
                .map(|&v| v as u64)
                .sum();
            self.window_sums[k] = (energy, samples);
            self.window_active[k] =
                newest(count).filter(|&i| self.ring_energy[i] > 0.0).count() as u32;
        }
    }
}

impl Stage for Loudness {
    fn reset(&mut self) {
        self.sub_energy = 0.0;
        self.ring_energy.fill(0.0);
        self.ring_len.fill(self.nominal_len);
        self.ring_head = 0;
        self.recompute_window_sums();
        self.momentary_power = 0.0;
        self.short_term_power = 0.0;
        self.integrated.clear();
        self.range.clear();
        self.integrated_cache = None;
        self.range_cache = None;
        self.caches_dirty = false;
        self.block = (0.0, 0, true);
        self.block_histogram = [0; BLOCK_BINS];
        self.reset_maxima();
    }

    fn merge(&mut self, later: &Self, _offset_frames: Frame) {
        self.integrated.merge(&later.integrated);
        self.range.merge(&later.range);
        self.caches_dirty = true;
        for (a, b) in self.block_histogram.iter_mut().zip(&later.block_histogram) {
            *a += b;
        }
        self.max_momentary_power = self.max_momentary_power.max(later.max_momentary_power);
        self.max_short_term_power = self.max_short_term_power.max(later.max_short_term_power);
        // The live windows are those of the later part, which ends where the merged one does.
        self.momentary_power = later.momentary_power;
        self.short_term_power = later.short_term_power;
    }

    fn end_subblock(&mut self, at: &SubBlockEnd) {
        let h = self.ring_head;
        // The entry leaving the momentary window, and the one this slot held (leaving the
        // short-term window).
        let m_out = (h + SHORT_TERM_SUBBLOCKS - MOMENTARY_SUBBLOCKS) % SHORT_TERM_SUBBLOCKS;
        let new = self.sub_energy;
        let new_len = at.len as u64;
        let [m, st] = &mut self.window_sums;
        m.0 += new - self.ring_energy[m_out];
        m.1 = m.1 + new_len - self.ring_len[m_out] as u64;
        st.0 += new - self.ring_energy[h];
        st.1 = st.1 + new_len - self.ring_len[h] as u64;
        let active = |p: f64| u32::from(p > 0.0);
        self.window_active[0] =
            self.window_active[0] + active(new) - active(self.ring_energy[m_out]);
        self.window_active[1] = self.window_active[1] + active(new) - active(self.ring_energy[h]);
        self.ring_energy[h] = new;
        self.ring_len[h] = at.len as u32;
        self.ring_head = (h + 1) % SHORT_TERM_SUBBLOCKS;
        if at.closed.is_multiple_of(GRID_PER_SECOND) {
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
        if at.live {
            self.max_momentary_power = self.max_momentary_power.max(self.momentary_power);
            self.max_short_term_power = self.max_short_term_power.max(self.short_term_power);
        }
        self.sub_energy = 0.0;
        self.end_block_part(new, new_len, at);
    }

    fn end_hop(&mut self, at: &HopEnd) {
        if !at.live {
            return;
        }
        if at.gating_block_complete() {
            self.integrated.add(self.momentary_power);
            self.caches_dirty = true;
        }
        if at.short_term_complete() {
            self.range.add(self.short_term_power);
            self.caches_dirty = true;
        }
    }

    fn read(&self, stats: &mut ReadinessStats) {
        stats.non_silent_s =
            self.integrated.len() as f64 * HOP_SUBBLOCKS as f64 / GRID_PER_SECOND as f64;
        stats.integrated_lufs = self.integrated_lufs();
        stats.loudness_range_lu = self.loudness_range_lu();
        stats.block_loudness_histogram = self.block_histogram;
    }
}

impl Loudness {
    /// Adds a closed sub-block to the open 50 ms block, and counts the block in its histogram
    /// when it is whole (a block that was not measured live throughout is not counted).
    fn end_block_part(&mut self, energy: f64, len: u64, at: &SubBlockEnd) {
        let (e, n, live) = &mut self.block;
        *e += energy;
        *n += len;
        *live &= at.live;
        if at.closed.is_multiple_of(SHORT_BLOCK_SUBBLOCKS) {
            if *live && *n > 0 {
                if let Some(lufs) = power_to_lufs(*e / *n as f64) {
                    if lufs >= BLOCK_HIST_MIN_LUFS {
                        let bin = ((lufs - BLOCK_HIST_MIN_LUFS) / BLOCK_BIN_DB) as usize;
                        self.block_histogram[bin.min(BLOCK_BINS - 1)] += 1;
                    }
                }
            }
            self.block = (0.0, 0, true);
        }
    }
}

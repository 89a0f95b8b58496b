//! Gated integrated loudness (ITU-R BS.1770-4 Annex 1, section 2.6 / EBU Tech 3341) and loudness
//! range (EBU Tech 3342), in constant memory however long the session.
//!
//! Block powers are kept in a histogram of 0.01 LU bins from -70 to +30 LUFS. Each bin keeps
//! the count and the exact sum of the powers that fell into it, so the gated mean is exact; the
//! only approximation is which side of the relative gate the blocks of one 0.01 LU-wide bin fall
//! (a whole bin is kept when its mean sits at or above the gate).

use crate::units::{lufs_to_power, power_to_lufs};

/// Absolute gate, BS.1770-4 and Tech 3342 (LUFS).
pub const ABSOLUTE_GATE_LUFS: f64 = -70.0;
/// Relative gate for integrated loudness, BS.1770-4 (LU below the abs-gated mean).
pub const INTEGRATED_RELATIVE_GATE_LU: f64 = -10.0;
/// Relative gate for loudness range, Tech 3342 (LU below the abs-gated mean).
pub const LRA_RELATIVE_GATE_LU: f64 = -20.0;
/// Lower percentile of the LRA distribution, Tech 3342.
pub const LRA_LOW_PERCENTILE: f64 = 0.10;
/// Upper percentile of the LRA distribution, Tech 3342.
pub const LRA_HIGH_PERCENTILE: f64 = 0.95;
/// Histogram resolution (LU).
pub const BIN_LU: f64 = 0.01;
/// Loudest block the histogram resolves; louder blocks share the top bin (their power is
/// still summed exactly).
const TOP_LUFS: f64 = 30.0;
const BIN_COUNT: usize = ((TOP_LUFS - ABSOLUTE_GATE_LUFS) / BIN_LU) as usize;

/// A histogram of block powers.
#[derive(Debug, Clone)]
pub struct LoudnessHistogram {
    counts: Vec<u64>,
    power_sums: Vec<f64>,
    total_count: u64,
    total_power: f64,
    absolute_gate_power: f64,
}

impl Default for LoudnessHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LoudnessHistogram {
    /// An empty histogram (allocates ~160 KB once).
    pub fn new() -> Self {
        Self {
            counts: vec![0; BIN_COUNT],
            power_sums: vec![0.0; BIN_COUNT],
            total_count: 0,
            total_power: 0.0,
            absolute_gate_power: lufs_to_power(ABSOLUTE_GATE_LUFS),
        }
    }

    fn bin_of_power(power: f64) -> usize {
        match power_to_lufs(power) {
            Some(l) => {
                (((l - ABSOLUTE_GATE_LUFS) / BIN_LU).floor().max(0.0) as usize).min(BIN_COUNT - 1)
            }
            None => 0,
        }
    }

    /// Adds one block's channel-weighted mean square; blocks under the absolute gate are
    /// dropped. Real-time safe.
    #[inline]
    pub fn add(&mut self, power: f64) {
        if !power.is_finite() || power < self.absolute_gate_power {
            return;
        }
        let bin = Self::bin_of_power(power);
        self.counts[bin] += 1;
        self.power_sums[bin] += power;
        self.total_count += 1;
        self.total_power += power;
    }

    /// Clears the histogram. Real-time safe.
    pub fn clear(&mut self) {
        self.counts.fill(0);
        self.power_sums.fill(0.0);
        self.total_count = 0;
        self.total_power = 0.0;
    }

    /// Adds another histogram's blocks (for measurements split across meters). Real-time safe.
    pub fn merge(&mut self, other: &Self) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        for (a, b) in self.power_sums.iter_mut().zip(&other.power_sums) {
            *a += b;
        }
        self.total_count += other.total_count;
        self.total_power += other.total_power;
    }

    /// Blocks that passed the absolute gate.
    pub fn len(&self) -> u64 {
        self.total_count
    }

    #[cfg(test)]
    /// Whether no block passed the absolute gate.
    pub fn is_empty(&self) -> bool {
        self.total_count == 0
    }

    /// First bin kept by a relative gate `relative_lu` below the abs-gated mean, or `None`.
    fn relative_gate_bin(&self, relative_lu: f64) -> Option<usize> {
        if self.total_count == 0 {
            return None;
        }
        let mean = self.total_power / self.total_count as f64;
        let gate_power = mean * 10f64.powf(relative_lu / 10.0);
        let gate_bin = Self::bin_of_power(gate_power);
        // The bin holding the gate is kept when its blocks' mean power reaches the gate.
        let keep_gate_bin = self.counts[gate_bin] > 0
            && self.power_sums[gate_bin] / self.counts[gate_bin] as f64 >= gate_power;
        Some(if keep_gate_bin {
            gate_bin
        } else {
            gate_bin + 1
        })
    }

    /// Gated mean power per BS.1770-4 (relative gate -10 LU); `None` if no block passes.
    /// Scans the histogram: O(bins). Real-time safe.
    pub fn integrated_power(&self) -> Option<f64> {
        let first = self.relative_gate_bin(INTEGRATED_RELATIVE_GATE_LU)?;
        let mut count = 0u64;
        let mut sum = 0.0;
        for bin in first.min(BIN_COUNT)..BIN_COUNT {
            count += self.counts[bin];
            sum += self.power_sums[bin];
        }
        (count > 0).then(|| sum / count as f64)
    }

    /// Integrated loudness (LUFS).
    pub fn integrated_lufs(&self) -> Option<f64> {
        self.integrated_power().and_then(power_to_lufs)
    }

    /// Loudness range per Tech 3342 of a histogram of short-term powers: the difference between
    /// the 95th and 10th percentiles of the values above the -20 LU relative gate. `None` with
    /// fewer than two such values. Real-time safe.
    pub fn loudness_range_lu(&self) -> Option<f64> {
        let first = self.relative_gate_bin(LRA_RELATIVE_GATE_LU)?.min(BIN_COUNT);
        let n: u64 = self.counts[first..].iter().sum();
        if n < 2 {
            return None;
        }
        // Index of the percentile in the sorted values, rounded as the reference
        // implementations do.
        let index = |p: f64| (((n - 1) as f64) * p + 0.5) as u64;
        let low = self.value_at(first, index(LRA_LOW_PERCENTILE))?;
        let high = self.value_at(first, index(LRA_HIGH_PERCENTILE))?;
        Some((high - low).max(0.0))
    }

    /// Loudness of the `index`-th smallest value from bin `first` up (the mean of its bin).
    fn value_at(&self, first: usize, index: u64) -> Option<f64> {
        let mut seen = 0u64;
        for bin in first..BIN_COUNT {
            let c = self.counts[bin];
            if c > 0 && seen + c > index {
                return power_to_lufs(self.power_sums[bin] / c as f64);
            }
            seen += c;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_blocks_integrate_exactly() {
        let mut h = LoudnessHistogram::new();
        for _ in 0..1000 {
            h.add(lufs_to_power(-23.0));
        }
        assert!((h.integrated_lufs().expect("gated") + 23.0).abs() < 1e-9);
    }

    #[test]
    fn gates_drop_quiet_blocks() {
        let mut h = LoudnessHistogram::new();
        for _ in 0..100 {
            h.add(lufs_to_power(-20.0));
            h.add(lufs_to_power(-40.0)); // more than 10 LU below: relative gate
            h.add(lufs_to_power(-80.0)); // absolute gate
            h.add(0.0);
        }
        assert_eq!(h.len(), 200);
        assert!((h.integrated_lufs().expect("gated") + 20.0).abs() < 1e-9);
        h.clear();
        assert!(h.is_empty());
        assert_eq!(h.integrated_lufs(), None);
        assert_eq!(h.loudness_range_lu(), None);
    }

    #[test]
    fn loudness_range_of_two_levels() {
        let mut h = LoudnessHistogram::new();
        for _ in 0..200 {
            h.add(lufs_to_power(-20.0));
        }
        for _ in 0..200 {
            h.add(lufs_to_power(-30.0));
        }
        assert!((h.loudness_range_lu().expect("range") - 10.0).abs() < 1e-9);
    }
}

//! The loudness history: one row per 100 ms hop (momentary and short-term loudness at its end,
//! its highest true peak, its correlation sums), in memory allocated when the meter is built.
//!
//! When the rows fill it, neighbouring rows are merged in pairs and each row then covers twice as
//! long, so a session of any length fits: the first 65 536 rows (1 h 49 min) keep 100 ms, the
//! next span of the same length halves the resolution, and so on. Merged rows keep the highest
//! loudness and true peak of the two and add their correlation sums. Paused time is not recorded.

use super::grid::{Frame, HopEnd, Stage};
use crate::correlation::CorrelationSums;
use crate::snapshot::HistoryRow;
use crate::units::{amplitude_to_db, power_to_lufs};

/// Rows kept before neighbouring rows merge.
pub const HISTORY_ROWS: usize = 65_536;
/// Length of one hop, the finest row (s).
const HOP_S: f64 = 0.1;

#[derive(Debug, Clone, Copy, Default)]
struct Row {
    momentary_power: f32,
    short_term_power: f32,
    true_peak: f32,
    correlation: CorrelationSums,
    /// Hops the row covers.
    hops: u32,
}

impl Row {
    fn absorb(&mut self, o: &Row) {
        self.momentary_power = self.momentary_power.max(o.momentary_power);
        self.short_term_power = self.short_term_power.max(o.short_term_power);
        self.true_peak = self.true_peak.max(o.true_peak);
        self.correlation.add(&o.correlation);
        self.hops += o.hops;
    }
}

/// The rows, and the one being filled.
#[derive(Debug)]
pub struct History {
    rows: Vec<Row>,
    /// Hops per stored row (a power of two).
    interval: u32,
    /// The row being filled, `pending.hops < interval`.
    pending: Row,
}

impl History {
    /// Room for [`HISTORY_ROWS`] rows. Allocates.
    pub fn new() -> Self {
        Self {
            rows: Vec::with_capacity(HISTORY_ROWS),
            interval: 1,
            pending: Row::default(),
        }
    }

    /// Adds a row covering `row.hops` hops. Real-time safe: the rows never outgrow their
    /// allocation.
    fn push(&mut self, row: Row) {
        while row.hops > self.interval {
            self.halve();
        }
        self.pending.absorb(&row);
        while self.pending.hops >= self.interval {
            if self.rows.len() == self.rows.capacity() {
                // Halving doubles the interval: the pending row may then wait for a partner.
                self.halve();
                continue;
            }
            self.rows.push(self.pending);
            self.pending = Row::default();
        }
    }

    /// Merges neighbouring rows in pairs; a row left without a partner goes back to pending.
    fn halve(&mut self) {
        let pairs = self.rows.len() / 2;
        for i in 0..pairs {
            let mut merged = self.rows[2 * i];
            merged.absorb(&self.rows[2 * i + 1]);
            self.rows[i] = merged;
        }
        let odd = (self.rows.len() % 2 == 1).then(|| self.rows[self.rows.len() - 1]);
        self.rows.truncate(pairs);
        if let Some(mut last) = odd {
            last.absorb(&self.pending);
            self.pending = last;
        }
        self.interval *= 2;
    }

    /// The rows as the summary reports them, the partly filled last one included. Allocates.
    pub fn rows(&self) -> (f64, Vec<HistoryRow>) {
        let mut end_hops = 0u64;
        let out = self
            .rows
            .iter()
            .chain((self.pending.hops > 0).then_some(&self.pending))
            .map(|r| {
                end_hops += u64::from(r.hops);
                HistoryRow {
                    end_s: end_hops as f64 * HOP_S,
                    momentary_lufs: power_to_lufs(r.momentary_power as f64),
                    short_term_lufs: power_to_lufs(r.short_term_power as f64),
                    true_peak_dbtp: amplitude_to_db(r.true_peak as f64),
                    correlation: r.correlation.correlation(),
                }
            })
            .collect();
        (f64::from(self.interval) * HOP_S, out)
    }
}

impl Stage for History {
    fn reset(&mut self) {
        self.rows.clear();
        self.interval = 1;
        self.pending = Row::default();
    }

    fn merge(&mut self, later: &Self, _offset_frames: Frame) {
        for row in later.rows.iter().chain([&later.pending]) {
            if row.hops > 0 {
                self.push(*row);
            }
        }
    }

    fn end_hop(&mut self, at: &HopEnd) {
        if at.live {
            self.push(Row {
                momentary_power: at.momentary_power as f32,
                short_term_power: at.short_term_power as f32,
                true_peak: at.true_peak,
                correlation: at.correlation,
                hops: 1,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(level: f32) -> Row {
        Row {
            momentary_power: level,
            short_term_power: level,
            true_peak: level,
            correlation: CorrelationSums::default(),
            hops: 1,
        }
    }

    #[test]
    fn a_full_history_halves_its_resolution_and_keeps_the_maxima() {
        let mut h = History::new();
        let total = HISTORY_ROWS * 2 + 3;
        for i in 0..total {
            h.push(row(if i == 12_345 { 1.0 } else { 0.01 }));
        }
        assert_eq!(h.rows.capacity(), HISTORY_ROWS, "never reallocated");
        let (interval, rows) = h.rows();
        assert!((interval - 0.4).abs() < 1e-12, "{interval}");
        assert_eq!(rows.len(), total.div_ceil(4));
        assert!((rows.last().expect("rows").end_s - total as f64 * 0.1).abs() < 1e-6);
        // The loud hop survives in the row that now covers it.
        let loud = rows
            .iter()
            .position(|r| r.true_peak_dbtp == Some(0.0))
            .expect("peak kept");
        assert_eq!(loud, 12_345 / 4);
    }

    #[test]
    fn merging_parts_equals_one_pass() {
        let mut whole = History::new();
        let mut first = History::new();
        let mut second = History::new();
        for i in 0..1000 {
            let r = row(i as f32);
            whole.push(r);
            if i < 617 {
                first.push(r)
            } else {
                second.push(r)
            }
        }
        first.merge(&second, 0);
        assert_eq!(first.rows(), whole.rows());
    }
}

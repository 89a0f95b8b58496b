//! A running measurement's record, kept off the audio thread: the plug-in's history and events,
//! so the measured session can be exported while the audio goes on.
//!
//! The meter sends a record at the end of every 100 ms hop (the hop's figures, as its own
//! history and events stages receive them) and, when asked, its [`Totals`] (everything else the
//! summary reads), through two wait-free queues ([`Meter::record`]). On the other side a
//! [`Recorder`] feeds the hops into history and events stages of its own and builds the same
//! [`Summary`] as [`Meter::summary`] would: the same stages, the same assembly, so a recorded
//! session and the meter agree exactly.
//!
//! The audio thread never waits: when a queue is full a record is dropped and counted, and the
//! recorder reports the hops it missed (those the meter had ended but it never received), so a
//! gap is never silent.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::events::Events;
use super::grid::{HopEnd, Stage, HOP_SUBBLOCKS};
use super::history::History;
use super::{assemble, Meter};
use crate::layout::MAX_CHANNELS;
use crate::snapshot::Summary;
use crate::stats::ReadinessStats;

/// Everything the summary reads besides the history and the events, at one moment. Real-time
/// safe to build (`Meter::totals`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Totals {
    pub(super) sample_rate_hz: u32,
    /// Sub-blocks closed (the grid's count, paused time included).
    pub(super) closed: u64,
    pub(super) frames: u64,
    pub(super) channels: usize,
    pub(super) max_momentary_lufs: Option<f64>,
    pub(super) max_short_term_lufs: Option<f64>,
    pub(super) true_peak_dbtp: [Option<f64>; MAX_CHANNELS],
    pub(super) sample_peak_dbfs: [Option<f64>; MAX_CHANNELS],
    pub(super) crest_factor_db: Option<f64>,
    pub(super) true_peak_overs: u64,
    pub(super) true_peak_ceiling_dbtp: f64,
    pub(super) correlation: Option<f64>,
    pub(super) balance_db: Option<f64>,
    pub(super) mid_side_ratio_db: Option<f64>,
    pub(super) readiness: ReadinessStats,
}

/// A hop, with the count of the meter's resets, so the recorder starts again with the meter
/// however many records were in flight.
#[derive(Debug, Clone, Copy)]
struct HopRecord {
    generation: u64,
    hop: HopEnd,
}

/// Totals, likewise, with the marker an export asked for (0: a routine update).
#[derive(Debug, Clone, Copy)]
struct TotalsRecord {
    generation: u64,
    marker: u64,
    totals: Totals,
}

/// The audio thread's end, held by the meter: two queues, one for the small, frequent hops and
/// one for the large, rare totals. The recorder puts them back in order by their place on the
/// grid.
#[derive(Debug)]
pub(super) struct RecordSender {
    hops: rtrb::Producer<HopRecord>,
    totals: rtrb::Producer<TotalsRecord>,
    dropped: Arc<AtomicU64>,
}

impl RecordSender {
    /// Queues a hop; when the queue is full it is dropped and counted. Real-time safe.
    pub(super) fn hop(&mut self, generation: u64, hop: &HopEnd) {
        if self
            .hops
            .push(HopRecord {
                generation,
                hop: *hop,
            })
            .is_err()
        {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Queues totals, likewise. Real-time safe.
    pub(super) fn totals(&mut self, generation: u64, marker: u64, totals: Totals) {
        let record = TotalsRecord {
            generation,
            marker,
            totals,
        };
        if self.totals.push(record).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Totals queued: an export's request and the routine ones of a few seconds.
const TOTALS_QUEUE_LEN: usize = 8;

/// The recording end: history and events of the meter's measurement, rebuilt from its records.
/// Allocates as it goes; never on the audio thread.
#[derive(Debug)]
pub struct Recorder {
    hops: rtrb::Consumer<HopRecord>,
    totals_queue: rtrb::Consumer<TotalsRecord>,
    dropped: Arc<AtomicU64>,
    generation: u64,
    history: History,
    events: Events,
    totals: Option<Totals>,
    /// Hops received since the meter's reset, and the hops the meter had ended by the newest
    /// record: the difference is what the queue lost.
    received_hops: u64,
    expected_hops: u64,
    /// The summary built when the totals with a non-zero marker arrived.
    marked: Option<(u64, Summary)>,
}

impl Meter {
    /// Starts sending this meter's records to a [`Recorder`], through a queue of `capacity`
    /// hops (10 a second: a consumer that drains every 100 ms needs a few dozen) and a few
    /// totals. Replaces an earlier recorder's queues. Allocates: not on the audio thread.
    pub fn record(&mut self, capacity: usize) -> Recorder {
        let (hops, hops_out) = rtrb::RingBuffer::new(capacity.max(1));
        let (totals, totals_out) = rtrb::RingBuffer::new(TOTALS_QUEUE_LEN);
        let dropped = Arc::new(AtomicU64::new(0));
        self.recorder = Some(RecordSender {
            hops,
            totals,
            dropped: Arc::clone(&dropped),
        });
        Recorder {
            hops: hops_out,
            totals_queue: totals_out,
            dropped,
            generation: self.generation,
            history: History::new(),
            events: Events::new(self.config.sample_rate_hz),
            totals: None,
            received_hops: 0,
            expected_hops: 0,
            marked: None,
        }
    }

    /// Sends the current [`Totals`] to the recorder, if there is one, with `marker` (0 for a
    /// routine update; another value makes the recorder build the summary at exactly that
    /// point, see [`Recorder::take_marked`]). Real-time safe.
    pub fn send_totals(&mut self, marker: u64) {
        if self.recorder.is_none() {
            return;
        }
        self.loudness.refresh();
        let totals = self.totals();
        let generation = self.generation;
        if let Some(tx) = self.recorder.as_mut() {
            tx.totals(generation, marker, totals);
        }
    }
}

impl Recorder {
    /// Applies every queued record, in the order the meter sent them. Returns how many.
    pub fn drain(&mut self) -> usize {
        let mut n = 0;
        loop {
            // Totals first: once they are seen, every hop sent before them is in its queue.
            let next_totals = self
                .totals_queue
                .peek()
                .ok()
                .map(|t| (t.generation, t.totals.closed));
            let hop_first = match (self.hops.peek().ok(), next_totals) {
                (Some(h), Some(t)) => (h.generation, h.hop.closed) <= t,
                (Some(_), None) => true,
                (None, _) => false,
            };
            if hop_first {
                if let Ok(HopRecord { generation, hop }) = self.hops.pop() {
                    self.follow(generation);
                    self.received_hops += 1;
                    self.expect(hop.closed);
                    self.history.end_hop(&hop);
                    self.events.end_hop(&hop);
                }
            } else if let Ok(TotalsRecord {
                generation,
                marker,
                totals,
            }) = self.totals_queue.pop()
            {
                self.follow(generation);
                self.expect(totals.closed);
                self.totals = Some(totals);
                if marker != 0 {
                    self.marked = Some((marker, self.build(&totals)));
                }
            } else {
                break;
            }
            n += 1;
        }
        n
    }

    /// Starts again when the meter has been reset since the last record.
    fn follow(&mut self, generation: u64) {
        if generation != self.generation {
            self.generation = generation;
            self.history.reset();
            self.events.reset();
            self.totals = None;
            self.received_hops = 0;
            self.expected_hops = 0;
            self.marked = None;
        }
    }

    /// The meter had closed `closed` sub-blocks when it sent a record.
    fn expect(&mut self, closed: u64) {
        self.expected_hops = self.expected_hops.max(closed / HOP_SUBBLOCKS);
    }

    fn build(&self, totals: &Totals) -> Summary {
        assemble(totals, &self.history, &self.events)
    }

    /// The summary as of the latest totals received, with the history and events received since
    /// (at most the totals' interval newer); `None` before any totals arrived.
    pub fn summary(&self) -> Option<Summary> {
        self.totals.as_ref().map(|t| self.build(t))
    }

    /// The summary built when the totals sent with `marker` arrived, exactly as the meter stood
    /// then; taken once.
    pub fn take_marked(&mut self, marker: u64) -> Option<Summary> {
        match self.marked.take() {
            Some((m, summary)) if m == marker => Some(summary),
            other => {
                self.marked = other;
                None
            }
        }
    }

    /// Hops of the measurement (since the meter's last reset) that the recorder does not hold,
    /// as far as the newest record tells: lost because the queue was full, or measured before
    /// the recorder was attached. 0 means the history and events are complete.
    pub fn missed_hops(&self) -> u64 {
        self.expected_hops.saturating_sub(self.received_hops)
    }

    /// Records dropped by the audio thread since the recorder was built (the queues were full),
    /// hops and totals.
    pub fn dropped_records(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

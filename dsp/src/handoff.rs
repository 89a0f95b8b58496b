//! Lock-free single-producer/single-consumer hand-off of [`Snapshot`]s from the audio thread to
//! the editor, on `rtrb`'s wait-free ring buffer.
//!
//! The producer never blocks or allocates: when the consumer lags (or is gone, or never drains)
//! the new snapshot is dropped and counted. The consumer can merge what it drains so that the
//! read-and-reset peaks of every snapshot are kept, not just the latest one's.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::snapshot::Snapshot;

/// Creates a hand-off holding up to `capacity` snapshots (at least 1). Allocates: call it when
/// the plugin is initialised, not on the audio thread.
pub fn snapshot_channel(capacity: usize) -> (SnapshotSender, SnapshotReceiver) {
    let (producer, consumer) = rtrb::RingBuffer::new(capacity.max(1));
    let dropped = Arc::new(AtomicU64::new(0));
    (
        SnapshotSender {
            producer,
            dropped: Arc::clone(&dropped),
        },
        SnapshotReceiver { consumer, dropped },
    )
}

/// The audio thread's end.
#[derive(Debug)]
pub struct SnapshotSender {
    producer: rtrb::Producer<Snapshot>,
    dropped: Arc<AtomicU64>,
}

impl SnapshotSender {
    /// Queues a snapshot. Real-time safe: wait-free, no allocation. Returns `false` (and counts
    /// a drop) when the queue is full.
    #[inline]
    pub fn send(&mut self, snapshot: Snapshot) -> bool {
        match self.producer.push(snapshot) {
            Ok(()) => true,
            Err(_) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
                false
            }
        }
    }

    /// Snapshots dropped so far because the consumer lagged.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// The editor's end.
#[derive(Debug)]
pub struct SnapshotReceiver {
    consumer: rtrb::Consumer<Snapshot>,
    dropped: Arc<AtomicU64>,
}

impl SnapshotReceiver {
    /// The oldest queued snapshot, if any.
    pub fn try_recv(&mut self) -> Option<Snapshot> {
        self.consumer.pop().ok()
    }

    /// Drains the queue and returns the newest snapshot with the read-and-reset peak fields
    /// (`*_since_last`) raised to the maximum over everything drained, so no peak is missed.
    /// For tests: the editor feeds every snapshot to its model instead.
    #[cfg(any(test, feature = "test-support"))]
    pub fn drain_merged(&mut self) -> Option<Snapshot> {
        let mut merged: Option<Snapshot> = None;
        while let Ok(next) = self.consumer.pop() {
            merged = Some(match merged {
                None => next,
                Some(prev) => merge_peaks(prev, next),
            });
        }
        merged
    }

    /// Snapshots the producer has dropped so far because this end lagged.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

#[cfg(any(test, feature = "test-support"))]
use crate::units::max_level;

/// `newer` with its since-last peaks raised to the maxima of both.
#[cfg(any(test, feature = "test-support"))]
fn merge_peaks(older: Snapshot, mut newer: Snapshot) -> Snapshot {
    for (n, o) in newer
        .true_peak_since_last_dbtp
        .iter_mut()
        .zip(older.true_peak_since_last_dbtp)
    {
        *n = max_level(*n, o);
    }
    for (n, o) in newer
        .sample_peak_since_last_dbfs
        .iter_mut()
        .zip(older.sample_peak_since_last_dbfs)
    {
        *n = max_level(*n, o);
    }
    if !newer.spectrum_valid && older.spectrum_valid {
        newer.spectrum_db = older.spectrum_db;
        newer.spectrum_valid = true;
    }
    newer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_queue_drops_and_counts() {
        let (mut tx, mut rx) = snapshot_channel(2);
        for i in 0..5 {
            let s = Snapshot {
                sequence: i,
                ..Snapshot::default()
            };
            tx.send(s);
        }
        assert_eq!(tx.dropped(), 3);
        assert_eq!(rx.dropped(), 3);
        assert_eq!(rx.try_recv().map(|s| s.sequence), Some(0));
        assert_eq!(rx.try_recv().map(|s| s.sequence), Some(1));
        assert_eq!(rx.try_recv(), None);
    }

    #[test]
    fn drain_keeps_every_peak() {
        let (mut tx, mut rx) = snapshot_channel(8);
        let mut a = Snapshot::default();
        a.true_peak_since_last_dbtp[0] = Some(-1.0);
        a.sample_peak_since_last_dbfs[1] = Some(-3.0);
        let mut b = Snapshot {
            sequence: 1,
            ..Snapshot::default()
        };
        b.true_peak_since_last_dbtp[0] = Some(-10.0);
        tx.send(a);
        tx.send(b);
        let merged = rx.drain_merged().expect("two snapshots queued");
        assert_eq!(merged.sequence, 1);
        assert_eq!(merged.true_peak_since_last_dbtp[0], Some(-1.0));
        assert_eq!(merged.sample_peak_since_last_dbfs[1], Some(-3.0));
        assert_eq!(rx.drain_merged(), None);
    }
}

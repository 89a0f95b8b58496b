//! The snapshot hand-off across real threads: the producer (audio thread) never blocks, every
//! snapshot is either received or counted as dropped, and the consumer sees them in order.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use common::{stereo_meter, ten_ms_frames};
use preflight_dsp::signals::{self, Sequence};
use preflight_dsp::{snapshot_channel, Snapshot, SnapshotSender};

/// Long enough for any scheduler hiccup on a loaded machine; sending 200 000 snapshots into a
/// non-blocking queue takes milliseconds.
const PRODUCER_DEADLINE: Duration = Duration::from_secs(20);

/// Sends snapshots numbered `0..count` as fast as possible on a new thread; returns how many
/// `send` accepted and the sender's drop count, or panics if the thread misses the deadline
/// (i.e. blocked).
fn produce(mut tx: SnapshotSender, count: u64, done_flag: Arc<AtomicBool>) -> (u64, u64) {
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut accepted = 0u64;
        for sequence in 0..count {
            let s = Snapshot {
                sequence,
                ..Snapshot::default()
            };
            accepted += u64::from(tx.send(s));
        }
        done_flag.store(true, Ordering::Release);
        let _ = done_tx.send((accepted, tx.dropped()));
    });
    done_rx
        .recv_timeout(PRODUCER_DEADLINE)
        .expect("producer finished without blocking")
}

#[test]
fn slow_consumer_loses_snapshots_but_never_blocks_the_producer() {
    const COUNT: u64 = 200_000;
    let (tx, mut rx) = snapshot_channel(8);
    let done = Arc::new(AtomicBool::new(false));
    let consumer_done = Arc::clone(&done);
    let consumer = thread::spawn(move || {
        let mut received = 0u64;
        let mut last: Option<u64> = None;
        let mut out_of_order = 0u64;
        loop {
            // Read the flag before draining so nothing sent before it was set is missed.
            let finished = consumer_done.load(Ordering::Acquire);
            let mut got_any = false;
            while let Some(s) = rx.try_recv() {
                got_any = true;
                if last.is_some_and(|l| s.sequence <= l) {
                    out_of_order += 1;
                }
                last = Some(s.sequence);
                received += 1;
                // An editor that redraws slowly: 1 ms for every 16 snapshots.
                if received.is_multiple_of(16) {
                    thread::sleep(Duration::from_millis(1));
                }
            }
            if finished && !got_any {
                break;
            }
            thread::yield_now();
        }
        (received, out_of_order, last, rx.dropped())
    });

    let (accepted, dropped) = produce(tx, COUNT, done);
    let (received, out_of_order, last, dropped_seen) = consumer.join().expect("consumer thread");
    assert_eq!(
        accepted + dropped,
        COUNT,
        "every send is accepted or counted as dropped"
    );
    assert_eq!(received, accepted, "every accepted snapshot is received");
    assert_eq!(dropped_seen, dropped, "both ends agree on the drop count");
    assert_eq!(out_of_order, 0, "sequence numbers must increase strictly");
    assert!(dropped > 0, "a consumer this slow must lose snapshots");
    assert!(last.is_some_and(|l| l < COUNT));
}

#[test]
fn producer_finishes_when_the_consumer_never_reads() {
    const COUNT: u64 = 100_000;
    const CAPACITY: usize = 4;
    let (tx, mut rx) = snapshot_channel(CAPACITY);
    let (accepted, dropped) = produce(tx, COUNT, Arc::new(AtomicBool::new(false)));
    assert_eq!(accepted, CAPACITY as u64);
    assert_eq!(dropped, COUNT - CAPACITY as u64);
    assert_eq!(rx.dropped(), dropped);
    let queued: Vec<u64> = std::iter::from_fn(|| rx.try_recv())
        .map(|s| s.sequence)
        .collect();
    assert_eq!(queued, (0..CAPACITY as u64).collect::<Vec<_>>());
}

#[test]
fn producer_finishes_when_the_consumer_is_gone() {
    const COUNT: u64 = 10_000;
    let (tx, rx) = snapshot_channel(4);
    drop(rx);
    let (accepted, dropped) = produce(tx, COUNT, Arc::new(AtomicBool::new(false)));
    assert_eq!(accepted + dropped, COUNT);
    assert!(accepted <= 4);
}

/// A meter on the producer thread publishing after every 10 ms block: its own sequence numbers
/// arrive in order, and the merged since-last sample peaks are levels that were played (every
/// 10 ms block of the 1 kHz tone contains its crest, so each is exactly -20 or -6 dBFS).
#[test]
fn meter_snapshots_arrive_in_order_across_threads() {
    let rate = 48_000;
    let (mut tx, mut rx) = snapshot_channel(4);
    let producer = thread::spawn(move || {
        let signal = Sequence::new(rate, 2)
            .sine(1000.0, -20.0, 5.0)
            .sine(1000.0, -6.0, 0.1)
            .build();
        let mut meter = stereo_meter(rate);
        let step = ten_ms_frames(rate);
        let mut sent = 0u64;
        let mut start = 0;
        while start < signals::frame_count(&signal) {
            meter.process(&signals::channel_slices(&signal, start, step)[..2]);
            start += step;
            tx.send(meter.snapshot());
            sent += 1;
        }
        (sent, tx.dropped())
    });
    let mut received = Vec::new();
    let mut peaks = Vec::new();
    loop {
        let finished = producer.is_finished();
        if let Some(merged) = rx.drain_merged() {
            received.push(merged.sequence);
            peaks.push(merged.sample_peak_since_last_dbfs[0]);
        } else if finished {
            break;
        }
        thread::sleep(Duration::from_micros(300));
    }
    let (sent, dropped) = producer.join().expect("producer thread");
    assert!(sent > 0);
    assert!(dropped < sent, "some snapshots must get through");
    assert!(
        received.windows(2).all(|w| w[0] < w[1]),
        "merged sequence numbers must increase strictly: {received:?}"
    );
    assert!(!peaks.is_empty());
    for peak in peaks {
        assert!(
            peak.is_some_and(|p| (p + 20.0).abs() < 1e-3 || (p + 6.0).abs() < 1e-3),
            "merged since-last sample peak {peak:?} dBFS was never played"
        );
    }
}

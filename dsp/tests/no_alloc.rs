//! The real-time contract: once a [`Meter`] is built, nothing on the audio path allocates or
//! frees memory.
//!
//! A counting global allocator wraps the system one. Counting is armed per thread, so the test
//! harness's own threads do not interfere. While armed, the test drives everything the audio
//! thread does: `process` with block sizes from 0 to 8192 frames (beyond the configured
//! maximum), `process_interleaved`, `snapshot` between blocks and `SnapshotSender::send`,
//! `set_paused`, `reset`, `reset_maxima`, switching the spectrum to display mode, NaN / Inf
//! samples, and records sent to a recorder (`send_totals`, hops), through a queue small enough
//! to overflow.

mod common;

use common::alloc::{count_allocations, CountingAllocator};

use preflight_dsp::signals::{self, Prng};
use preflight_dsp::{snapshot_channel, ChannelLayout, Meter, MeterConfig, SpectrumMode};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const RATE_HZ: u32 = 48_000;
const MAX_BLOCK: usize = 1024;
const LARGEST_BLOCK: usize = 8192;

/// The counter itself works: without this, a broken allocator hook would pass everything.
#[test]
fn counting_allocator_sees_allocations() {
    let ((), events) = count_allocations(|| {
        std::hint::black_box(vec![0u8; 100]);
    });
    assert!(
        events >= 2,
        "an allocation and a free were not counted ({events})"
    );
}

#[test]
fn audio_path_never_allocates() {
    // Everything that may allocate happens before arming.
    let mut audio = signals::music_like(RATE_HZ, 60.0, 9);
    let mut injected = 0u64;
    for (i, pos) in [5usize, 17, 33, 41].into_iter().enumerate() {
        let at = pos * RATE_HZ as usize;
        let bad = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, f32::NAN][i];
        for ch in &mut audio {
            for x in &mut ch[at..at + 100] {
                *x = bad;
                injected += 1;
            }
        }
    }
    let interleaved = signals::interleave(&audio);
    let frames = signals::frame_count(&audio);
    let mut meter =
        Meter::new(MeterConfig::new(RATE_HZ, ChannelLayout::Stereo, MAX_BLOCK)).expect("supported");
    let (mut tx, mut rx) = snapshot_channel(8);
    let mut recorder = meter.record(64);
    let mut rng = Prng::new(2024);
    let mut last = None;
    let mut blocks = 0u64;
    let mut zero_blocks = 0u64;
    let mut over_max_blocks = 0u64;

    let ((), events) = count_allocations(|| {
        let mut start = 0;
        while start < frames {
            let n = match rng.below(16) {
                0 => 0,
                _ => rng.range_inclusive(0, LARGEST_BLOCK),
            }
            .min(frames - start);
            blocks += 1;
            zero_blocks += u64::from(n == 0);
            over_max_blocks += u64::from(n > MAX_BLOCK);
            if blocks.is_multiple_of(7) {
                meter.process_interleaved(&interleaved[2 * start..2 * (start + n)]);
            } else {
                meter.process(&signals::channel_slices(&audio, start, n)[..2]);
            }
            start += n;
            // About 750 blocks in all; NaN / Inf bursts at 5, 17, 33 and 41 s (about blocks 60,
            // 215, 415, 520).
            match blocks {
                100 => meter.set_spectrum_mode(SpectrumMode::Display),
                150 => meter.set_paused(true),
                160 => meter.set_paused(false),
                200 => meter.reset_maxima(),
                250 => meter.reset(),
                300 => meter.set_spectrum_mode(SpectrumMode::Off),
                350 => meter.set_spectrum_mode(SpectrumMode::LongTerm),
                400 => meter.set_spectrum_mode(SpectrumMode::Display),
                _ => {}
            }
            if blocks.is_multiple_of(3) {
                tx.send(meter.snapshot());
            }
            if blocks.is_multiple_of(5) {
                meter.send_totals(blocks);
            }
        }
        meter.set_spectrum_mode(SpectrumMode::Display);
        last = Some(meter.snapshot());
    });

    assert_eq!(events, 0, "the audio path made {events} allocator calls");
    assert!(
        blocks > 100 && zero_blocks > 0 && over_max_blocks > 0,
        "block sizes were not exercised"
    );
    // The run measured real audio (a meter that did nothing would pass the count trivially).
    let last = last.expect("snapshots were taken");
    assert!(
        last.momentary_lufs.is_some(),
        "no momentary loudness: {last:?}"
    );
    assert!(
        last.integrated_lufs.is_some(),
        "no integrated loudness: {last:?}"
    );
    assert!(
        last.non_finite_samples > 0,
        "NaN/Inf samples were not counted ({injected} injected)"
    );
    assert!(
        rx.drain_merged().is_some(),
        "no snapshot reached the receiver"
    );
    assert_eq!(recorder.drain(), 64 + 8, "the queues filled");
    assert!(recorder.dropped_records() > 0, "the queue never overflowed");
}

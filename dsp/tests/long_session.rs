//! Long sessions and hostile feeding: a day of audio fed faster than real time in constant
//! memory, garbage samples in the middle of a session, block sizes changing on every call, and
//! every supported sample rate.
//!
//! ```sh
//! cargo test -p preflight-dsp --test long_session                    # 20-minute session
//! PREFLIGHT_LONG=1 cargo test -p preflight-dsp --test long_session   # full 24-hour session
//! ```
//!
//! Only the session length depends on `PREFLIGHT_LONG`; the other tests are the same in both
//! forms.

mod common;

use std::time::Instant;

use common::alloc::{count_allocations, CountingAllocator};
use common::{
    feed, stereo_meter, Checks, LOUDNESS_TOLERANCE_LU, LRA_TOLERANCE_LU, TONE_HZ,
    TRUE_PEAK_OVER_DB, TRUE_PEAK_UNDER_DB,
};
use preflight_dsp::signals::{self, seconds_to_frames, Planar, Prng, Sequence};
use preflight_dsp::{snapshot_channel, ChannelLayout, Meter, MeterConfig, SpectrumMode, Summary};

// ---------------------------------------------------------------------------------------------
// A counting allocator, armed per thread (the harness runs other tests on other threads).

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

#[test]
fn counting_allocator_sees_allocations() {
    let ((), events) = count_allocations(|| {
        std::hint::black_box(vec![0u8; 100]);
    });
    assert!(events >= 2, "an allocation and a free were not counted");
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const RATE_HZ: u32 = 48_000;
const BLOCK_FRAMES: usize = 4096;

/// Whether the full forms were asked for.
fn long_form() -> bool {
    std::env::var("PREFLIGHT_LONG").is_ok_and(|v| v == "1")
}

/// A stereo meter configured as the plug-in runs with its editor closed.
fn session_meter() -> Meter {
    let mut config = MeterConfig::new(RATE_HZ, ChannelLayout::Stereo, BLOCK_FRAMES);
    config.spectrum = SpectrumMode::LongTerm;
    Meter::new(config).expect("supported configuration")
}

/// Feeds all of `signal` in `BLOCK_FRAMES`-frame blocks.
fn feed_blocks(meter: &mut Meter, signal: &[Vec<f32>]) {
    let frames = signals::frame_count(signal);
    let mut start = 0;
    while start < frames {
        let n = BLOCK_FRAMES.min(frames - start);
        meter.process(&signals::channel_slices(signal, start, n)[..signal.len()]);
        start += n;
    }
}

/// `|a - b| <= relative * max(|a|, |b|)`, or both absent.
fn close_relative(a: Option<f64>, b: Option<f64>, relative: f64) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a == b || (a - b).abs() <= relative * a.abs().max(b.abs()),
        _ => false,
    }
}

/// The readings compared between runs, by name.
fn headline(s: &Summary) -> [(&'static str, Option<f64>); 6] {
    [
        ("integrated", s.readiness.integrated_lufs),
        ("LRA", s.readiness.loudness_range_lu),
        ("max momentary", s.max_momentary_lufs),
        ("max short-term", s.max_short_term_lufs),
        ("true peak", s.readiness.true_peak_dbtp),
        ("sample peak", s.readiness.sample_peak_dbfs),
    ]
}

// ---------------------------------------------------------------------------------------------
// 1. A simulated day

/// The repeating programme: one minute of the music-like signal.
const PATTERN_S: f64 = 60.0;

/// A periodic programme fed for a day (20 minutes by default) in 4096-frame blocks, with a
/// snapshot after every block going through the editor's queue as in the plug-in:
/// - nothing is allocated or freed after construction, so memory stays constant;
/// - integrated loudness equals that of one period measured alone within 0.1 LU (the gated mean
///   of a periodic signal is the period's), the loudness range is within Tech 3342's 1 LU of the
///   period's, and the true peak equals the period's;
/// - beyond that, the session equals, to 1e-9, what its parts give: the first minute measured
///   alone, plus every later minute measured after a minute of warm-up, merged. Nothing drifts or
///   saturates over the day (sums, counters, histogram bins);
/// - `frames_measured` counts every frame.
#[test]
fn a_day_of_periodic_audio_keeps_memory_constant_and_loudness_exact() {
    let periods: u64 = if long_form() { 24 * 60 } else { 20 };
    let pattern = signals::music_like(RATE_HZ, PATTERN_S, 2024);
    let pattern_frames = signals::frame_count(&pattern);
    assert_eq!(pattern_frames, seconds_to_frames(RATE_HZ, PATTERN_S));

    // One period from a fresh meter: the first minute of the session.
    let mut alone = session_meter();
    feed_blocks(&mut alone, &pattern);
    // One period after a minute of warm-up (paused): every later minute of the session.
    let mut steady = session_meter();
    steady.set_paused(true);
    feed_blocks(&mut steady, &pattern);
    steady.set_paused(false);
    feed_blocks(&mut steady, &pattern);
    let mut expected = session_meter();
    feed_blocks(&mut expected, &pattern);
    for _ in 1..periods {
        expected.merge_following(&steady);
    }
    let (alone, steady, expected) = (alone.summary(), steady.summary(), expected.summary());

    // Everything the session needs exists before counting starts.
    let mut meter = session_meter();
    let (mut sender, mut receiver) = snapshot_channel(64);
    let mut block = [vec![0.0f32; BLOCK_FRAMES], vec![0.0f32; BLOCK_FRAMES]];
    let total_frames = periods * pattern_frames as u64;
    let started = Instant::now();
    let ((blocks, last_snapshot, drained), events) = count_allocations(|| {
        let mut fed = 0u64;
        let mut position = 0usize;
        let mut blocks = 0u64;
        let mut drained = 0u64;
        let mut last = None;
        while fed < total_frames {
            let n = (BLOCK_FRAMES as u64).min(total_frames - fed) as usize;
            // The next `n` frames of the endless loop, across the seam where needed.
            let mut filled = 0;
            while filled < n {
                let take = (n - filled).min(pattern_frames - position);
                for (dst, src) in block.iter_mut().zip(&pattern) {
                    dst[filled..filled + take].copy_from_slice(&src[position..position + take]);
                }
                filled += take;
                position = (position + take) % pattern_frames;
            }
            meter.process(&[&block[0][..n], &block[1][..n]]);
            fed += n as u64;
            blocks += 1;
            sender.send(meter.snapshot());
            // The editor drains about 30 times a second of audio.
            if blocks.is_multiple_of(4) {
                if let Some(s) = receiver.drain_merged() {
                    drained += 1;
                    last = Some(s);
                }
            }
        }
        if let Some(s) = receiver.drain_merged() {
            drained += 1;
            last = Some(s);
        }
        (blocks, last, drained)
    });
    let elapsed = started.elapsed();
    let session_s = total_frames as f64 / f64::from(RATE_HZ);
    println!(
        "{:.1} h of audio in {blocks} blocks took {:.1} s ({:.0}x real time)",
        session_s / 3600.0,
        elapsed.as_secs_f64(),
        session_s / elapsed.as_secs_f64()
    );
    let got = meter.summary();

    let mut checks = Checks::new();
    checks.check(events == 0, || {
        format!("the session made {events} allocator calls after construction")
    });
    checks.check(got.frames == total_frames, || {
        format!(
            "frames_measured {} (summary), fed {total_frames}",
            got.frames
        )
    });
    let last = last_snapshot.expect("the editor side received snapshots");
    checks.check(drained > 0 && last.frames_measured == total_frames, || {
        format!(
            "last drained snapshot has frames_measured {}, fed {total_frames}",
            last.frames_measured
        )
    });
    checks.check(receiver.dropped() == 0, || {
        format!("{} snapshots were dropped", receiver.dropped())
    });

    // Against one period measured alone.
    let alone_i = alone
        .readiness
        .integrated_lufs
        .expect("the pattern has a level");
    checks.within(
        "integrated vs one period alone",
        got.readiness.integrated_lufs,
        alone_i,
        LOUDNESS_TOLERANCE_LU,
        LOUDNESS_TOLERANCE_LU,
    );
    let alone_lra = alone
        .readiness
        .loudness_range_lu
        .expect("a minute has a loudness range");
    checks.within(
        "LRA vs one period alone",
        got.readiness.loudness_range_lu,
        alone_lra,
        LRA_TOLERANCE_LU,
        LRA_TOLERANCE_LU,
    );
    println!(
        "one period alone: I {:?}, LRA {:?}, true peak {:?}\n\
         steady-state period: I {:?}, LRA {:?}, true peak {:?}",
        alone.readiness.integrated_lufs,
        alone.readiness.loudness_range_lu,
        alone.readiness.true_peak_dbtp,
        steady.readiness.integrated_lufs,
        steady.readiness.loudness_range_lu,
        steady.readiness.true_peak_dbtp
    );
    checks.check(
        got.readiness.true_peak_dbtp == alone.readiness.true_peak_dbtp,
        || {
            format!(
                "true peak {:?}, one period alone {:?}",
                got.readiness.true_peak_dbtp, alone.readiness.true_peak_dbtp
            )
        },
    );
    checks.check(
        got.readiness.sample_peak_dbfs == alone.readiness.sample_peak_dbfs,
        || {
            format!(
                "sample peak {:?}, one period alone {:?}",
                got.readiness.sample_peak_dbfs, alone.readiness.sample_peak_dbfs
            )
        },
    );

    // The exact composition of the session from its parts.
    for ((name, g), (_, e)) in headline(&got).into_iter().zip(headline(&expected)) {
        checks.check(close_relative(g, e, 1e-9), || {
            format!("{name}: session {g:?}, first minute + merged steady minutes {e:?}")
        });
    }
    checks.check(
        got.readiness.non_finite_samples == 0 && got.readiness.clipped_samples == 0,
        || {
            format!(
                "non-finite {} / clipped {} on clean audio",
                got.readiness.non_finite_samples, got.readiness.clipped_samples
            )
        },
    );
    checks.finish();
}

// ---------------------------------------------------------------------------------------------
// 2. Garbage in the middle of a session

/// One kind of garbage written over `[GARBAGE_START_S, GARBAGE_END_S)`; returns how many samples
/// are NaN or infinite.
type Garbage = fn(&mut [Vec<f32>], &mut Prng) -> u64;

const GARBAGE_START_S: f64 = 6.0;
const GARBAGE_END_S: f64 = 7.0;
const GARBAGE_SESSION_S: f64 = 13.0;

/// NaNs of every kind: quiet, signalling, negative, with payloads; 50 ms bursts on both
/// channels, then scattered ones on one channel.
fn nan_bursts(region: &mut [Vec<f32>], rng: &mut Prng) -> u64 {
    const NANS: [u32; 4] = [0x7fc0_0000, 0x7f80_0001, 0xffc0_0000, 0x7fc0_1234];
    let burst = seconds_to_frames(RATE_HZ, 0.05);
    let mut count = 0;
    for (k, start) in [0, 10 * burst, 15 * burst].into_iter().enumerate() {
        for ch in region.iter_mut() {
            for x in &mut ch[start..start + burst] {
                *x = f32::from_bits(NANS[(k + rng.below(4)) % 4]);
                count += 1;
            }
        }
    }
    for i in (burst * 16..region[0].len()).step_by(97) {
        region[0][i] = f32::NAN;
        count += 1;
    }
    count
}

/// +Inf on the left and -Inf on the right, as 10 ms runs and single samples.
fn infinities(region: &mut [Vec<f32>], _rng: &mut Prng) -> u64 {
    let run = seconds_to_frames(RATE_HZ, 0.01);
    let mut count = 0;
    for x in &mut region[0][1000..1000 + run] {
        *x = f32::INFINITY;
        count += 1;
    }
    for x in &mut region[1][20_000..20_000 + run] {
        *x = f32::NEG_INFINITY;
        count += 1;
    }
    let frames = region[0].len();
    for i in (30_000..frames).step_by(1001) {
        region[i % 2][i] = if i % 3 == 0 {
            f32::INFINITY
        } else {
            f32::NEG_INFINITY
        };
        count += 1;
    }
    count
}

/// Subnormal noise (what a decaying reverb tail or a denormal-producing plug-in leaves).
fn denormals(region: &mut [Vec<f32>], rng: &mut Prng) -> u64 {
    for ch in region.iter_mut() {
        for x in ch.iter_mut() {
            let bits = 1 + rng.below(0x007f_ffff) as u32;
            let sign = if rng.below(2) == 0 { 0 } else { 0x8000_0000 };
            *x = f32::from_bits(bits | sign);
        }
    }
    0
}

/// A full-scale 1 kHz square wave on both channels (opposite polarity on the right).
fn full_scale_square(region: &mut [Vec<f32>], _rng: &mut Prng) -> u64 {
    let half_period = (RATE_HZ / 2000) as usize;
    for (c, ch) in region.iter_mut().enumerate() {
        for (i, x) in ch.iter_mut().enumerate() {
            let high = (i / half_period).is_multiple_of(2);
            *x = if high == (c == 0) { 1.0 } else { -1.0 };
        }
    }
    0
}

/// All of the above, sample by sample.
fn everything(region: &mut [Vec<f32>], rng: &mut Prng) -> u64 {
    let mut count = 0;
    for ch in region.iter_mut() {
        for (i, x) in ch.iter_mut().enumerate() {
            *x = match rng.below(6) {
                0 => f32::from_bits(0x7fc0_0000 | rng.below(0x3f_ffff) as u32),
                1 => f32::INFINITY,
                2 => f32::NEG_INFINITY,
                3 => f32::from_bits(1 + rng.below(0x007f_ffff) as u32),
                _ => {
                    if (i / 24).is_multiple_of(2) {
                        1.0
                    } else {
                        -1.0
                    }
                }
            };
            count += u64::from(!x.is_finite());
        }
    }
    count
}

/// Garbage in mid-session leaves no trace in the live readings: 0.5 s after it ends momentary
/// loudness, and 3.1 s after it ends short-term loudness, equal those of a run where the garbage
/// was never there (to 1e-6 LU, after every block of a random partition). The 0.1 s beyond the
/// windows lets the K-weighting filters forget the last garbage sample (their state then differs
/// by less than 1e-20 of its size). NaN and infinite samples are counted exactly.
#[test]
fn readings_after_garbage_equal_a_clean_run_of_the_same_audio() {
    let scenarios: [(&str, Garbage); 5] = [
        ("NaN bursts", nan_bursts),
        ("infinities", infinities),
        ("denormals", denormals),
        ("full-scale square", full_scale_square),
        ("everything at once", everything),
    ];
    let clean = signals::music_like(RATE_HZ, GARBAGE_SESSION_S, 5);
    let frames = signals::frame_count(&clean);
    let garbage =
        seconds_to_frames(RATE_HZ, GARBAGE_START_S)..seconds_to_frames(RATE_HZ, GARBAGE_END_S);
    let momentary_from = garbage.end + seconds_to_frames(RATE_HZ, 0.5);
    let short_term_from = garbage.end + seconds_to_frames(RATE_HZ, 3.1);
    let mut checks = Checks::new();

    for (index, (name, write_garbage)) in scenarios.into_iter().enumerate() {
        let mut rng = Prng::new(index as u64);
        let mut dirty = clean.clone();
        let mut region: Planar = dirty
            .iter()
            .map(|ch| ch[garbage.clone()].to_vec())
            .collect();
        let injected = write_garbage(&mut region, &mut rng);
        let counted_here = region.iter().flatten().filter(|x| !x.is_finite()).count() as u64;
        assert_eq!(counted_here, injected, "{name}: the generator miscounts");
        for (dst, src) in dirty.iter_mut().zip(&region) {
            dst[garbage.clone()].copy_from_slice(src);
        }

        let mut clean_meter = session_meter();
        let mut dirty_meter = session_meter();
        let mut fed = 0;
        let (mut worst_m, mut worst_s) = (0.0f64, 0.0f64);
        let (mut compared_m, mut compared_s, mut missing) = (0, 0, 0);
        while fed < frames {
            let n = rng.range_inclusive(1, 2048).min(frames - fed);
            clean_meter.process(&signals::channel_slices(&clean, fed, n)[..2]);
            dirty_meter.process(&signals::channel_slices(&dirty, fed, n)[..2]);
            fed += n;
            let mut compare = |a: Option<f64>, b: Option<f64>, worst: &mut f64| match (a, b) {
                (Some(a), Some(b)) => *worst = worst.max((a - b).abs()),
                _ => missing += 1,
            };
            if fed >= momentary_from {
                compare(
                    dirty_meter.momentary_lufs(),
                    clean_meter.momentary_lufs(),
                    &mut worst_m,
                );
                compared_m += 1;
            }
            if fed >= short_term_from {
                compare(
                    dirty_meter.short_term_lufs(),
                    clean_meter.short_term_lufs(),
                    &mut worst_s,
                );
                compared_s += 1;
            }
        }
        println!(
            "{name}: {injected} non-finite samples; after it, largest M difference {worst_m:e} LU \
             ({compared_m} blocks), S difference {worst_s:e} LU ({compared_s} blocks)"
        );
        checks.check(compared_m > 10 && compared_s > 10 && missing == 0, || {
            format!("{name}: {compared_m} M / {compared_s} S comparisons, {missing} missing")
        });
        checks.check(worst_m <= 1e-6, || {
            format!("{name}: momentary differs from the clean run by {worst_m:e} LU")
        });
        checks.check(worst_s <= 1e-6, || {
            format!("{name}: short-term differs from the clean run by {worst_s:e} LU")
        });
        let snapshot = dirty_meter.snapshot();
        let summary = dirty_meter.summary();
        checks.check(
            snapshot.non_finite_samples == injected
                && summary.readiness.non_finite_samples == injected,
            || {
                format!(
                    "{name}: non_finite_samples {} (snapshot) / {} (summary), injected {injected}",
                    snapshot.non_finite_samples, summary.readiness.non_finite_samples
                )
            },
        );
        checks.check(summary.frames == frames as u64, || {
            format!("{name}: frames_measured {}, fed {frames}", summary.frames)
        });
        checks.check(
            summary
                .readiness
                .integrated_lufs
                .is_some_and(|i| i.is_finite() && i < 10.0),
            || format!("{name}: integrated {:?}", summary.readiness.integrated_lufs),
        );
    }
    checks.finish();
}

// ---------------------------------------------------------------------------------------------
// 3. Block sizes

/// The largest block the partitions use (twice the configured maximum).
const LARGEST_BLOCK: usize = 8192;

/// Block sizes from 0 to 8192 frames, a new one on every call, give the summary of 4096-frame
/// blocks to 1e-9 relative (integrated, LRA, max momentary and short-term, true and sample
/// peak), and the exact frame count. A quarter of the calls are tiny (1 to 64 frames) and one in
/// eight is empty, some with no channel slices at all.
#[test]
fn block_sizes_changing_every_call_give_the_summary_of_4096_frame_blocks() {
    let signal = signals::music_like(RATE_HZ, 70.0, 11);
    let frames = signals::frame_count(&signal);
    let mut reference = stereo_meter(RATE_HZ);
    feed_blocks(&mut reference, &signal);
    let reference = reference.summary();
    assert!(reference.readiness.loudness_range_lu.is_some());

    let mut checks = Checks::new();
    for seed in 1..=4u64 {
        let mut rng = Prng::new(seed);
        let mut meter = stereo_meter(RATE_HZ);
        let (mut calls, mut empty, mut tiny, mut over_4096, mut largest) = (0, 0, 0, 0, 0);
        let mut start = 0;
        while start < frames {
            let n = match rng.below(8) {
                0 => 0,
                1 | 2 => rng.range_inclusive(1, 64),
                _ => rng.range_inclusive(1, LARGEST_BLOCK),
            }
            .min(frames - start);
            calls += 1;
            if n == 0 && rng.below(2) == 0 {
                meter.process(&[]);
            } else {
                meter.process(&signals::channel_slices(&signal, start, n)[..2]);
            }
            empty += usize::from(n == 0);
            tiny += usize::from((1..=64).contains(&n));
            over_4096 += usize::from(n > 4096);
            largest = largest.max(n);
            start += n;
        }
        println!(
            "seed {seed}: {calls} calls, {empty} empty, {tiny} of 1-64 frames, {over_4096} over \
             4096, largest {largest}"
        );
        checks.check(empty > 0 && tiny > 0 && over_4096 > 0, || {
            format!("seed {seed}: block sizes were not exercised")
        });
        let got = meter.summary();
        checks.check(got.frames == frames as u64, || {
            format!("seed {seed}: frames {} of {frames}", got.frames)
        });
        for ((name, g), (_, e)) in headline(&got).into_iter().zip(headline(&reference)) {
            checks.check(close_relative(g, e, 1e-9), || {
                format!("seed {seed}: {name} {g:?}, 4096-frame blocks {e:?}")
            });
        }
    }
    checks.finish();
}

// ---------------------------------------------------------------------------------------------
// 4. Sample rates

/// Every rate from 8 kHz to 384 kHz that hosts and files use.
const RATES_HZ: [u32; 13] = [
    8_000, 11_025, 16_000, 22_050, 32_000, 44_100, 48_000, 88_200, 96_000, 176_400, 192_000,
    352_800, 384_000,
];

/// A 1 kHz stereo sine at -23 dBFS reads -23.0 LUFS (momentary, short-term, integrated; Tech
/// 3341's +-0.1 LU) and -23.0 dBTP (+0.2 / -0.4 dB) at every rate.
#[test]
fn a_minus_23_dbfs_tone_reads_minus_23_at_every_rate_from_8_to_384_khz() {
    let mut checks = Checks::new();
    for rate in RATES_HZ {
        let mut m = stereo_meter(rate);
        let tone = Sequence::new(rate, 2).sine(TONE_HZ, -23.0, 10.0).build();
        feed(&mut m, &tone, 1000);
        let s = m.summary();
        let live = m.snapshot();
        let tol = LOUDNESS_TOLERANCE_LU;
        checks.within(
            &format!("{rate} Hz I"),
            s.readiness.integrated_lufs,
            -23.0,
            tol,
            tol,
        );
        checks.within(&format!("{rate} Hz M"), m.momentary_lufs(), -23.0, tol, tol);
        checks.within(
            &format!("{rate} Hz S"),
            m.short_term_lufs(),
            -23.0,
            tol,
            tol,
        );
        checks.within(
            &format!("{rate} Hz true peak"),
            s.readiness.true_peak_dbtp,
            -23.0,
            TRUE_PEAK_UNDER_DB,
            TRUE_PEAK_OVER_DB,
        );
        checks.check(live.frames_measured == 10 * u64::from(rate), || {
            format!("{rate} Hz: frames_measured {}", live.frames_measured)
        });
    }
    checks.finish();
}

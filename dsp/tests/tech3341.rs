//! EBU Tech 3341 (v4) loudness compliance cases 1-6 and 9-14, synthesised from the document's
//! descriptions: a 1 kHz sine on both channels of a stereo pair (which reads its peak level in
//! LUFS), at 44.1, 48 and 96 kHz. Cases 7 and 8 are recorded programme material and are not
//! synthesised here.
//!
//! Tolerance: +-0.1 LU for momentary (M), short-term (S) and integrated (I) loudness.

mod common;

use common::{
    feed, feed_observing, feed_random, meter, raise, stereo_meter, ten_ms_frames, Checks,
    LOUDNESS_TOLERANCE_LU, RATES_HZ, TONE_HZ,
};
use preflight_dsp::signals::{self, seconds_to_frames, Planar, Sequence};
use preflight_dsp::{ChannelLayout, Meter};

const TOL: f64 = LOUDNESS_TOLERANCE_LU;

/// Seed of the random block partition for case `case`, signal or sample rate `k`.
fn seed(case: u64, k: usize) -> u64 {
    (case << 32) | k as u64
}

/// Checks I from both the snapshot and the summary.
fn check_integrated(checks: &mut Checks, label: &str, meter: &mut Meter, expected: f64) {
    let snapshot = meter.snapshot();
    checks.within(
        &format!("{label} I (snapshot)"),
        snapshot.integrated_lufs,
        expected,
        TOL,
        TOL,
    );
    checks.within(
        &format!("{label} I (summary)"),
        meter.summary().readiness.integrated_lufs,
        expected,
        TOL,
        TOL,
    );
}

/// Checks M, S (current values) and I.
fn check_msi(checks: &mut Checks, label: &str, meter: &mut Meter, expected: f64) {
    let snapshot = meter.snapshot();
    checks.within(
        &format!("{label} M"),
        snapshot.momentary_lufs,
        expected,
        TOL,
        TOL,
    );
    checks.within(
        &format!("{label} S"),
        snapshot.short_term_lufs,
        expected,
        TOL,
        TOL,
    );
    check_integrated(checks, label, meter, expected);
}

fn stereo_tone(rate: u32, dbfs: f64, seconds: f64) -> Planar {
    Sequence::new(rate, 2).sine(TONE_HZ, dbfs, seconds).build()
}

#[test]
fn tech3341_case_1_stereo_minus_23_dbfs_reads_minus_23_lufs() {
    let mut checks = Checks::new();
    for rate in RATES_HZ {
        let mut m = stereo_meter(rate);
        feed(&mut m, &stereo_tone(rate, -23.0, 20.0), 512);
        check_msi(&mut checks, &format!("case 1 @ {rate} Hz"), &mut m, -23.0);
    }
    checks.finish();
}

#[test]
fn tech3341_case_2_stereo_minus_33_dbfs_reads_minus_33_lufs() {
    let mut checks = Checks::new();
    for rate in RATES_HZ {
        let mut m = stereo_meter(rate);
        feed(&mut m, &stereo_tone(rate, -33.0, 20.0), 512);
        check_msi(&mut checks, &format!("case 2 @ {rate} Hz"), &mut m, -33.0);
    }
    checks.finish();
}

#[test]
fn tech3341_case_3_relative_gate_removes_minus_36_segments() {
    let mut checks = Checks::new();
    for (i, rate) in RATES_HZ.into_iter().enumerate() {
        let signal = Sequence::new(rate, 2)
            .sine(TONE_HZ, -36.0, 10.0)
            .sine(TONE_HZ, -23.0, 60.0)
            .sine(TONE_HZ, -36.0, 10.0)
            .build();
        let mut m = stereo_meter(rate);
        feed_random(&mut m, &signal, seed(3, i));
        check_integrated(&mut checks, &format!("case 3 @ {rate} Hz"), &mut m, -23.0);
    }
    checks.finish();
}

#[test]
fn tech3341_case_4_absolute_and_relative_gates() {
    let mut checks = Checks::new();
    for (i, rate) in RATES_HZ.into_iter().enumerate() {
        let signal = Sequence::new(rate, 2)
            .sine(TONE_HZ, -72.0, 10.0)
            .sine(TONE_HZ, -36.0, 10.0)
            .sine(TONE_HZ, -23.0, 60.0)
            .sine(TONE_HZ, -36.0, 10.0)
            .sine(TONE_HZ, -72.0, 10.0)
            .build();
        let mut m = stereo_meter(rate);
        feed_random(&mut m, &signal, seed(4, i));
        check_integrated(&mut checks, &format!("case 4 @ {rate} Hz"), &mut m, -23.0);
    }
    checks.finish();
}

#[test]
fn tech3341_case_5_minus_26_minus_20_minus_26() {
    let mut checks = Checks::new();
    for (i, rate) in RATES_HZ.into_iter().enumerate() {
        let signal = Sequence::new(rate, 2)
            .sine(TONE_HZ, -26.0, 20.0)
            .sine(TONE_HZ, -20.0, 20.1)
            .sine(TONE_HZ, -26.0, 20.0)
            .build();
        let mut m = stereo_meter(rate);
        feed_random(&mut m, &signal, seed(5, i));
        check_integrated(&mut checks, &format!("case 5 @ {rate} Hz"), &mut m, -23.0);
    }
    checks.finish();
}

/// Case 6 channel levels (dBFS peak) in the order L, R, C, Ls, Rs. With Ls/Rs weighted 1.41:
/// 10 log10(2 * 10^-2.8 / 2 + 10^-2.4 / 2 + 1.41 * 2 * 10^-3 / 2) = -23.02 LUFS.
const CASE_6_LEVELS_DBFS: [f64; 5] = [-28.0, -28.0, -24.0, -30.0, -30.0];

fn case_6_channel(rate: u32, dbfs: f64) -> Vec<f32> {
    signals::sine(rate, TONE_HZ, dbfs, 0.0, 20.0, 1).remove(0)
}

#[test]
fn tech3341_case_6_surround_5_0() {
    let mut checks = Checks::new();
    for (i, rate) in RATES_HZ.into_iter().enumerate() {
        let signal: Planar = CASE_6_LEVELS_DBFS
            .iter()
            .map(|&db| case_6_channel(rate, db))
            .collect();
        let mut m = meter(rate, ChannelLayout::Surround50);
        feed_random(&mut m, &signal, seed(6, i));
        check_msi(
            &mut checks,
            &format!("case 6 (5.0) @ {rate} Hz"),
            &mut m,
            -23.0,
        );
    }
    checks.finish();
}

/// The case 6 signal in 5.1 order (L R C LFE Ls Rs) with the given LFE channel.
fn case_6_with_lfe(rate: u32, lfe: Vec<f32>) -> Planar {
    let mut signal: Planar = CASE_6_LEVELS_DBFS
        .iter()
        .map(|&db| case_6_channel(rate, db))
        .collect();
    signal.insert(3, lfe);
    signal
}

#[test]
fn tech3341_case_6_surround_5_1_silent_lfe() {
    let mut checks = Checks::new();
    for (i, rate) in RATES_HZ.into_iter().enumerate() {
        let frames = seconds_to_frames(rate, 20.0);
        let signal = case_6_with_lfe(rate, vec![0.0; frames]);
        let mut m = meter(rate, ChannelLayout::Surround51);
        feed_random(&mut m, &signal, seed(61, i));
        check_msi(
            &mut checks,
            &format!("case 6 (5.1, silent LFE) @ {rate} Hz"),
            &mut m,
            -23.0,
        );
    }
    checks.finish();
}

#[test]
fn tech3341_case_6_surround_5_1_loud_lfe_is_excluded() {
    let mut checks = Checks::new();
    for rate in RATES_HZ {
        let frames = seconds_to_frames(rate, 20.0);
        let mut silent = meter(rate, ChannelLayout::Surround51);
        feed(&mut silent, &case_6_with_lfe(rate, vec![0.0; frames]), 1024);
        // A 60 Hz LFE at -1 dBFS: on its own, as a front channel, it would read about -5 LUFS.
        let lfe = signals::sine(rate, 60.0, -1.0, 0.0, 20.0, 1).remove(0);
        let mut loud = meter(rate, ChannelLayout::Surround51);
        feed(&mut loud, &case_6_with_lfe(rate, lfe), 1024);
        let label = format!("case 6 (5.1, loud LFE) @ {rate} Hz");
        check_msi(&mut checks, &label, &mut loud, -23.0);
        let with = loud.summary().readiness.integrated_lufs;
        let without = silent.summary().readiness.integrated_lufs;
        checks.check(
            matches!((with, without), (Some(a), Some(b)) if (a - b).abs() <= 1e-6 * b.abs()),
            || {
                format!(
                    "{label}: I with loud LFE {with:?} differs from I with silent LFE {without:?}"
                )
            },
        );
    }
    checks.finish();
}

/// Feeds `signal` in 10 ms blocks, snapshotting after each, and checks `reading` of every
/// snapshot from `from_s` on against `expected`, reporting the range seen.
fn check_every_10_ms(
    checks: &mut Checks,
    label: &str,
    rate: u32,
    signal: &[Vec<f32>],
    from_s: f64,
    expected: f64,
    reading: impl Fn(&preflight_dsp::Snapshot) -> Option<f32>,
) {
    let mut m = stereo_meter(rate);
    let from = seconds_to_frames(rate, from_s);
    let mut seen = 0usize;
    let mut bad = 0usize;
    let mut lowest: Option<(f64, f64)> = None;
    let mut highest: Option<(f64, f64)> = None;
    let mut missing = 0usize;
    feed_observing(&mut m, signal, ten_ms_frames(rate), |fed, s| {
        if fed < from {
            return;
        }
        seen += 1;
        let t = fed as f64 / f64::from(rate);
        match reading(s) {
            None => missing += 1,
            Some(v) => {
                let v = f64::from(v);
                if (v - expected).abs() > TOL {
                    bad += 1;
                }
                if lowest.is_none_or(|(l, _)| v < l) {
                    lowest = Some((v, t));
                }
                if highest.is_none_or(|(h, _)| v > h) {
                    highest = Some((v, t));
                }
            }
        }
    });
    println!("{label}: {seen} checks, range {lowest:?} .. {highest:?} (value, time s), {missing} without reading");
    checks.check(seen > 0 && bad == 0 && missing == 0, || {
        format!(
            "{label}: {bad} of {seen} readings outside {expected} +-{TOL} and {missing} missing; lowest {lowest:?}, \
             highest {highest:?} (value, time s)"
        )
    });
}

#[test]
fn tech3341_case_9_short_term_steady_on_a_3_s_cycle() {
    let mut checks = Checks::new();
    for rate in RATES_HZ {
        let mut seq = Sequence::new(rate, 2);
        for _ in 0..5 {
            seq = seq.sine(TONE_HZ, -20.0, 1.34).sine(TONE_HZ, -30.0, 1.66);
        }
        let signal = seq.build();
        check_every_10_ms(
            &mut checks,
            &format!("case 9 @ {rate} Hz, S"),
            rate,
            &signal,
            3.0,
            -23.0,
            |s| s.short_term_lufs,
        );
    }
    checks.finish();
}

/// Silence before the burst of signal `k` of cases 10 and 13: `k * step_s` plus a sub-10 ms
/// part `k * fraction_s`, so the bursts start at 20 different positions relative to the meter's
/// 10 ms grid.
fn offset_s(k: usize, base_s: f64, step_s: f64, fraction_s: f64) -> f64 {
    base_s + k as f64 * (step_s + fraction_s)
}

#[test]
fn tech3341_case_10_max_short_term_of_3_s_bursts() {
    let mut checks = Checks::new();
    for rate in RATES_HZ {
        for k in 0..20 {
            let signal = Sequence::new(rate, 2)
                .silence(offset_s(k, 0.05, 0.1, 0.00137))
                .sine(TONE_HZ, -23.0, 3.0)
                .silence(1.0)
                .build();
            let mut m = stereo_meter(rate);
            feed_random(&mut m, &signal, seed(10, k));
            let s = m.snapshot();
            checks.within(
                &format!("case 10 signal {} @ {rate} Hz, max S", k + 1),
                s.max_short_term_lufs,
                -23.0,
                TOL,
                TOL,
            );
        }
    }
    checks.finish();
}

/// Largest M or S within each `segment_frames`-long segment, read on the 10 ms grid.
///
/// With `via_reset_maxima` the meter's own max is read at the end of each segment and then
/// cleared with `reset_maxima` (which must not clear the loudness windows); otherwise the
/// current value of every 10 ms snapshot is tracked.
fn segment_maxima(
    rate: u32,
    signal: &[Vec<f32>],
    segment_frames: usize,
    momentary: bool,
    via_reset_maxima: bool,
) -> Vec<Option<f64>> {
    let segments = signals::frame_count(signal) / segment_frames;
    let mut maxima = vec![None; segments];
    let mut m = stereo_meter(rate);
    let step = ten_ms_frames(rate);
    assert_eq!(segment_frames % step, 0, "segments are whole 10 ms steps");
    let mut fed = 0;
    while fed < segments * segment_frames {
        let slices = signals::channel_slices(signal, fed, step);
        m.process(&slices[..2]);
        fed += step;
        let segment = (fed - 1) / segment_frames;
        let s = m.snapshot();
        if via_reset_maxima {
            if fed.is_multiple_of(segment_frames) {
                maxima[segment] = if momentary {
                    s.max_momentary_lufs
                } else {
                    s.max_short_term_lufs
                }
                .map(f64::from);
                m.reset_maxima();
            }
        } else {
            raise(
                &mut maxima[segment],
                if momentary {
                    s.momentary_lufs
                } else {
                    s.short_term_lufs
                },
            );
        }
    }
    maxima
}

/// Case 11: 20 segments of 6 s; segment k holds a 3 s burst at -38 + k dBFS starting
/// 0.1 + k * 0.1337 s into the segment (so it ends at least 0.3 s before the segment does and the
/// window that just covers it lies inside the segment).
fn case_11_signal(rate: u32) -> Planar {
    let mut seq = Sequence::new(rate, 2);
    for k in 0..20 {
        let segment = seconds_to_frames(rate, 6.0);
        let start = seq.frames();
        seq = seq
            .silence(0.1 + k as f64 * 0.1337)
            .sine(TONE_HZ, -38.0 + k as f64, 3.0);
        let used = seq.frames() - start;
        seq = seq.silence_frames(segment - used);
    }
    seq.build()
}

fn check_segment_maxima(checks: &mut Checks, label: &str, maxima: &[Option<f64>]) {
    assert_eq!(maxima.len(), 20);
    for (k, &max) in maxima.iter().enumerate() {
        checks.within(
            &format!("{label} segment {}", k + 1),
            max,
            -38.0 + k as f64,
            TOL,
            TOL,
        );
    }
}

#[test]
fn tech3341_case_11_max_short_term_per_segment() {
    let mut checks = Checks::new();
    for rate in RATES_HZ {
        let maxima = segment_maxima(
            rate,
            &case_11_signal(rate),
            seconds_to_frames(rate, 6.0),
            false,
            false,
        );
        check_segment_maxima(&mut checks, &format!("case 11 @ {rate} Hz, max S"), &maxima);
    }
    checks.finish();
}

#[test]
fn tech3341_case_11_max_short_term_via_reset_maxima() {
    let rate = 48_000;
    let mut checks = Checks::new();
    let maxima = segment_maxima(
        rate,
        &case_11_signal(rate),
        seconds_to_frames(rate, 6.0),
        false,
        true,
    );
    check_segment_maxima(
        &mut checks,
        "case 11 @ 48000 Hz, max_short_term_lufs after reset_maxima",
        &maxima,
    );
    checks.finish();
}

#[test]
fn tech3341_case_12_momentary_steady_on_a_400_ms_cycle() {
    let mut checks = Checks::new();
    for rate in RATES_HZ {
        let mut seq = Sequence::new(rate, 2);
        for _ in 0..25 {
            seq = seq.sine(TONE_HZ, -20.0, 0.18).sine(TONE_HZ, -30.0, 0.22);
        }
        let signal = seq.build();
        check_every_10_ms(
            &mut checks,
            &format!("case 12 @ {rate} Hz, M"),
            rate,
            &signal,
            1.0,
            -23.0,
            |s| s.momentary_lufs,
        );
    }
    checks.finish();
}

/// Case 13 burst starts: 0.1 s + k * 20.49 ms, i.e. sub-10 ms offsets k * 0.49 ms (mod 10 ms).
fn case_13_offset_s(k: usize) -> f64 {
    offset_s(k, 0.1, 0.02, 0.00049)
}

#[test]
fn tech3341_case_13_max_momentary_of_400_ms_bursts() {
    let mut checks = Checks::new();
    for rate in RATES_HZ {
        for k in 0..20 {
            let signal = Sequence::new(rate, 2)
                .silence(case_13_offset_s(k))
                .sine(TONE_HZ, -23.0, 0.4)
                .silence(0.5)
                .build();
            let mut m = stereo_meter(rate);
            feed_random(&mut m, &signal, seed(13, k));
            let s = m.snapshot();
            checks.within(
                &format!("case 13 signal {} @ {rate} Hz, max M", k + 1),
                s.max_momentary_lufs,
                -23.0,
                TOL,
                TOL,
            );
        }
    }
    checks.finish();
}

/// The case 13 signals only test the update grid if a coarse grid would fail them: with an
/// ideal 400 ms rectangular window evaluated every 100 ms, some bursts lose more than 0.1 LU,
/// while evaluated every 10 ms none does. (Pure arithmetic on the burst positions.)
#[test]
fn tech3341_case_13_offsets_defeat_a_100_ms_grid() {
    let rate = 48_000;
    let burst = seconds_to_frames(rate, 0.4);
    let best_reading_db = |start: usize, grid: usize| -> f64 {
        let end = start + burst;
        let mut best = 0usize;
        let mut t = grid;
        while t < end + burst {
            let lo = t.saturating_sub(burst).max(start);
            let hi = t.min(end);
            best = best.max(hi.saturating_sub(lo));
            t += grid;
        }
        10.0 * (best as f64 / burst as f64).log10()
    };
    let mut coarse_fails = 0;
    for k in 0..20 {
        let start = seconds_to_frames(rate, case_13_offset_s(k));
        let fine = best_reading_db(start, ten_ms_frames(rate));
        let coarse = best_reading_db(start, 10 * ten_ms_frames(rate));
        assert!(
            fine >= -TOL,
            "signal {}: a 10 ms grid reads {fine:.3} LU low",
            k + 1
        );
        if coarse < -TOL {
            coarse_fails += 1;
        }
    }
    assert!(
        coarse_fails >= 5,
        "only {coarse_fails} of 20 signals would defeat a 100 ms grid"
    );
}

/// Case 14: 20 segments of 0.8 s; segment k holds a 0.4 s burst at -38 + k dBFS starting
/// 10 ms + k * 17.37 ms into the segment (ending at least 60 ms before the segment does).
fn case_14_signal(rate: u32) -> Planar {
    let mut seq = Sequence::new(rate, 2);
    for k in 0..20 {
        let segment = seconds_to_frames(rate, 0.8);
        let start = seq.frames();
        seq = seq
            .silence(0.01 + k as f64 * 0.01737)
            .sine(TONE_HZ, -38.0 + k as f64, 0.4);
        let used = seq.frames() - start;
        seq = seq.silence_frames(segment - used);
    }
    seq.build()
}

#[test]
fn tech3341_case_14_max_momentary_per_segment() {
    let mut checks = Checks::new();
    for rate in RATES_HZ {
        let maxima = segment_maxima(
            rate,
            &case_14_signal(rate),
            seconds_to_frames(rate, 0.8),
            true,
            false,
        );
        check_segment_maxima(&mut checks, &format!("case 14 @ {rate} Hz, max M"), &maxima);
    }
    checks.finish();
}

#[test]
fn tech3341_case_14_max_momentary_via_reset_maxima() {
    let rate = 48_000;
    let mut checks = Checks::new();
    let maxima = segment_maxima(
        rate,
        &case_14_signal(rate),
        seconds_to_frames(rate, 0.8),
        true,
        true,
    );
    check_segment_maxima(
        &mut checks,
        "case 14 @ 48000 Hz, max_momentary_lufs after reset_maxima",
        &maxima,
    );
    checks.finish();
}

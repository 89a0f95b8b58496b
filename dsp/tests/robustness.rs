//! Hostile input and edge configurations: NaN / infinite samples, every supported sample rate
//! including the odd ones, and configurations the meter must refuse.

mod common;

use common::{
    feed, feed_observing, meter, stereo_meter, ten_ms_frames, Checks, LOUDNESS_TOLERANCE_LU,
    TONE_HZ,
};
use preflight_dsp::signals::{seconds_to_frames, Sequence};
use preflight_dsp::{
    ChannelLayout, Meter, MeterConfig, MeterError, Snapshot, Summary, MAX_CHANNELS,
};
use preflight_dsp::{MAX_SAMPLE_RATE_HZ, MIN_SAMPLE_RATE_HZ};

const TOL: f64 = LOUDNESS_TOLERANCE_LU;

/// Names of the snapshot fields holding NaN or an infinity.
fn non_finite_snapshot_fields(s: &Snapshot) -> Vec<String> {
    let mut bad = Vec::new();
    let mut check = |name: &str, v: Option<f32>| {
        if v.is_some_and(|x| !x.is_finite()) {
            bad.push(format!("{name} = {v:?}"));
        }
    };
    check("momentary_lufs", s.momentary_lufs);
    check("short_term_lufs", s.short_term_lufs);
    check("integrated_lufs", s.integrated_lufs);
    check("loudness_range_lu", s.loudness_range_lu);
    check("max_momentary_lufs", s.max_momentary_lufs);
    check("max_short_term_lufs", s.max_short_term_lufs);
    check("plr_db", s.plr_db);
    check("psr_db", s.psr_db);
    check("correlation", s.correlation);
    check("low_band_correlation", s.low_band_correlation);
    check("balance_db", s.balance_db);
    for ch in 0..MAX_CHANNELS {
        check(
            &format!("true_peak_since_last_dbtp[{ch}]"),
            s.true_peak_since_last_dbtp[ch],
        );
        check(
            &format!("true_peak_max_dbtp[{ch}]"),
            s.true_peak_max_dbtp[ch],
        );
        check(
            &format!("sample_peak_since_last_dbfs[{ch}]"),
            s.sample_peak_since_last_dbfs[ch],
        );
        check(
            &format!("sample_peak_max_dbfs[{ch}]"),
            s.sample_peak_max_dbfs[ch],
        );
    }
    for (b, v) in s.spectrum_db.iter().enumerate() {
        check(&format!("spectrum_db[{b}]"), *v);
    }
    bad
}

/// Names of the summary fields holding NaN or an infinity.
fn non_finite_summary_fields(s: &Summary) -> Vec<String> {
    let mut bad = Vec::new();
    let mut check = |name: &str, v: Option<f64>| {
        if v.is_some_and(|x| !x.is_finite()) {
            bad.push(format!("{name} = {v:?}"));
        }
    };
    check("duration_s", Some(s.readiness.measured_s));
    check("integrated_lufs", s.readiness.integrated_lufs);
    check("loudness_range_lu", s.readiness.loudness_range_lu);
    check("max_momentary_lufs", s.max_momentary_lufs);
    check("max_short_term_lufs", s.max_short_term_lufs);
    check("true_peak_dbtp", s.readiness.true_peak_dbtp);
    check("sample_peak_dbfs", s.readiness.sample_peak_dbfs);
    check("plr_db", s.plr_db);
    check("crest_factor_db", s.crest_factor_db);
    check("first_clip_s", s.readiness.first_clip_s);
    check("last_clip_s", s.readiness.last_clip_s);
    check("correlation", s.correlation);
    check("low_band_correlation", s.readiness.low_band_correlation);
    check("loud_correlation", s.readiness.loud_correlation);
    check("balance_db", s.balance_db);
    check("mid_side_ratio_db", s.mid_side_ratio_db);
    for (ch, v) in s.true_peak_per_channel_dbtp.iter().enumerate() {
        check(&format!("true_peak_per_channel_dbtp[{ch}]"), *v);
    }
    for (ch, v) in s.sample_peak_per_channel_dbfs.iter().enumerate() {
        check(&format!("sample_peak_per_channel_dbfs[{ch}]"), *v);
    }
    for (ch, v) in s.readiness.dc_offsets().iter().enumerate() {
        check(&format!("dc_offset_per_channel_dbfs[{ch}]"), *v);
    }
    for band in &s.spectrum_bands {
        check(&format!("spectrum band {} Hz", band.hz), band.db);
    }
    bad
}

#[test]
fn non_finite_samples_are_counted_and_do_not_poison_the_measurement() {
    let rate = 48_000;
    let clean = Sequence::new(rate, 2).sine(TONE_HZ, -23.0, 10.0).build();
    let mut dirty = clean.clone();
    // 5 ms of NaN on both channels at 2 s, +Inf on the left at 4 s, -Inf on the right at 4.5 s.
    let nan_at = seconds_to_frames(rate, 2.0);
    let nan_len = seconds_to_frames(rate, 0.005);
    for ch in &mut dirty {
        ch[nan_at..nan_at + nan_len].fill(f32::NAN);
    }
    dirty[0][seconds_to_frames(rate, 4.0)] = f32::INFINITY;
    let last_bad = seconds_to_frames(rate, 4.5);
    dirty[1][last_bad] = f32::NEG_INFINITY;
    let injected = 2 * nan_len as u64 + 2;

    let mut clean_snapshots = Vec::new();
    feed_observing(
        &mut stereo_meter(rate),
        &clean,
        ten_ms_frames(rate),
        |_, s| clean_snapshots.push(*s),
    );

    let mut checks = Checks::new();
    let mut dirty_meter = stereo_meter(rate);
    let momentary_from = last_bad + seconds_to_frames(rate, 0.45);
    let short_term_from = last_bad + seconds_to_frames(rate, 3.05);
    let (mut m_worst, mut s_worst) = (0.0f64, 0.0f64);
    let mut m_missing = 0;
    let mut s_missing = 0;
    let mut block = 0;
    feed_observing(&mut dirty_meter, &dirty, ten_ms_frames(rate), |fed, s| {
        let bad = non_finite_snapshot_fields(s);
        if !bad.is_empty() {
            checks.check(false, || {
                format!("snapshot after {fed} frames: {}", bad.join(", "))
            });
        }
        let c = &clean_snapshots[block];
        block += 1;
        let diff = |a: Option<f32>, b: Option<f32>| a.zip(b).map(|(a, b)| f64::from((a - b).abs()));
        if fed >= momentary_from {
            match diff(s.momentary_lufs, c.momentary_lufs) {
                Some(d) => m_worst = m_worst.max(d),
                None => m_missing += 1,
            }
        }
        if fed >= short_term_from {
            match diff(s.short_term_lufs, c.short_term_lufs) {
                Some(d) => s_worst = s_worst.max(d),
                None => s_missing += 1,
            }
        }
    });
    println!(
        "after the bad samples: largest M difference {m_worst:.4} LU, S difference {s_worst:.4} LU"
    );
    checks.check(m_worst <= TOL && m_missing == 0, || {
        format!(
            "M differs from the clean run by up to {m_worst:.4} LU ({m_missing} missing readings)"
        )
    });
    checks.check(s_worst <= TOL && s_missing == 0, || {
        format!(
            "S differs from the clean run by up to {s_worst:.4} LU ({s_missing} missing readings)"
        )
    });

    let s = dirty_meter.snapshot();
    let clean_i = clean_snapshots
        .last()
        .and_then(|c| c.integrated_lufs)
        .map(f64::from);
    checks.check(s.non_finite_samples == injected, || {
        format!(
            "non_finite_samples {} (snapshot), injected {injected}",
            s.non_finite_samples
        )
    });
    match clean_i {
        Some(expected) => checks.within(
            "I after bad samples vs clean run",
            s.integrated_lufs,
            expected,
            TOL,
            TOL,
        ),
        None => checks.check(false, || {
            "the clean run has no integrated loudness".to_string()
        }),
    }
    checks.within("I after bad samples", s.integrated_lufs, -23.0, TOL, TOL);
    let summary = dirty_meter.summary();
    checks.check(summary.readiness.non_finite_samples == injected, || {
        format!(
            "non_finite_samples {} (summary), injected {injected}",
            summary.readiness.non_finite_samples
        )
    });
    let bad = non_finite_summary_fields(&summary);
    checks.check(bad.is_empty(), || format!("summary: {}", bad.join(", ")));
    checks.check(summary.readiness.true_peak_dbtp.is_some(), || {
        "no true peak after bad samples".to_string()
    });
    checks.finish();
}

#[test]
fn every_supported_sample_rate_reads_a_minus_23_dbfs_tone_as_minus_23_lufs() {
    let mut checks = Checks::new();
    for rate in [
        8_000, 11_025, 22_050, 32_000, 88_200, 176_400, 192_000, 384_000, 705_600, 768_000,
    ] {
        let mut m = stereo_meter(rate);
        feed(
            &mut m,
            &Sequence::new(rate, 2).sine(TONE_HZ, -23.0, 10.0).build(),
            1000,
        );
        let s = m.snapshot();
        checks.within(&format!("{rate} Hz M"), s.momentary_lufs, -23.0, TOL, TOL);
        checks.within(&format!("{rate} Hz S"), s.short_term_lufs, -23.0, TOL, TOL);
        checks.within(&format!("{rate} Hz I"), s.integrated_lufs, -23.0, TOL, TOL);
        let bad = non_finite_snapshot_fields(&s);
        checks.check(bad.is_empty(), || format!("{rate} Hz: {}", bad.join(", ")));
    }
    checks.finish();
}

#[test]
fn sample_rates_outside_the_supported_range_are_refused() {
    assert_eq!((MIN_SAMPLE_RATE_HZ, MAX_SAMPLE_RATE_HZ), (8_000, 768_000));
    for rate in [0, 7_999, 768_001, 1_000_000] {
        let err = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512))
            .expect_err("rate must be refused");
        assert_eq!(
            err,
            MeterError::UnsupportedSampleRate {
                got: rate,
                min: MIN_SAMPLE_RATE_HZ,
                max: MAX_SAMPLE_RATE_HZ
            }
        );
    }
    for rate in [MIN_SAMPLE_RATE_HZ, MAX_SAMPLE_RATE_HZ] {
        assert!(
            Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).is_ok(),
            "{rate} Hz is supported"
        );
    }
}

#[test]
fn channel_counts_outside_the_supported_range_are_refused() {
    for n in [0, MAX_CHANNELS + 1, 64] {
        let err = Meter::new(MeterConfig::new(48_000, ChannelLayout::Other(n), 512))
            .expect_err("refused");
        assert_eq!(
            err,
            MeterError::UnsupportedChannelCount {
                got: n,
                max: MAX_CHANNELS
            }
        );
    }
    for layout in [
        ChannelLayout::Mono,
        ChannelLayout::Stereo,
        ChannelLayout::Surround50,
        ChannelLayout::Surround51,
        ChannelLayout::Other(1),
        ChannelLayout::Other(MAX_CHANNELS),
    ] {
        let m = meter(48_000, layout);
        assert_eq!(m.config().layout, layout);
    }
}

#[test]
fn silence_reads_no_signal_rather_than_minus_infinity() {
    let rate = 48_000;
    let mut m = stereo_meter(rate);
    feed(&mut m, &Sequence::new(rate, 2).silence(5.0).build(), 512);
    let s = m.snapshot();
    assert_eq!(s.momentary_lufs, None);
    assert_eq!(s.short_term_lufs, None);
    assert_eq!(s.integrated_lufs, None);
    assert_eq!(s.true_peak_max_dbtp[0], None);
    assert_eq!(s.sample_peak_max_dbfs[1], None);
    assert_eq!(s.frames_measured, 5 * u64::from(rate));
    assert!(non_finite_snapshot_fields(&s).is_empty());
    let summary = m.summary();
    assert_eq!(summary.readiness.integrated_lufs, None);
    assert!(non_finite_summary_fields(&summary).is_empty());
}

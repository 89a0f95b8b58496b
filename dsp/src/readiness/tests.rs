//! The rules' unit tests, on statistics built by hand.

use super::peaks::pinned_fraction;
use super::*;
use crate::spectrum::band_centers_hz;
use crate::stats::PEAK_BINS;

/// The mono-downmix loss of two equal-level channels with correlation `r`.
fn loss_at(r: f64) -> f64 {
    10.0 * (2.0 / (1.0 + r)).log10()
}

fn base() -> ReadinessStats {
    let mut s = ReadinessStats {
        measured_s: 120.0,
        non_silent_s: 120.0,
        channels: 2,
        integrated_lufs: Some(-20.0),
        loudness_range_lu: Some(7.0),
        true_peak_dbtp: Some(-4.5),
        sample_peak_dbfs: Some(-4.7),
        loud_correlation: Some(0.6),
        mono_loss_db: Some(loss_at(0.6)),
        low_band_correlation: Some(0.98),
        low_band_mono_loss_db: Some(loss_at(0.98)),
        stereo: true,
        ..ReadinessStats::default()
    };
    // Peaks spread over 15 dB.
    for (i, c) in s.peak_histogram.iter_mut().enumerate() {
        let db = PEAK_HIST_MIN_DBTP + i as f64 * PEAK_BIN_DB;
        if (-20.0..=-4.5).contains(&db) {
            *c = 10;
        }
    }
    let centres = band_centers_hz();
    for (b, f) in s.spectrum_db.iter_mut().zip(centres) {
        *b = Some(-30.0 - 4.5 * (f / 1000.0).log2());
    }
    s
}

/// The severity of finding `id`; a missing finding fails the test (a deleted rule must not
/// pass as "ok").
fn severity_of(r: &Report, id: Check) -> Severity {
    r.findings
        .iter()
        .find(|f| f.id == id)
        .map(|f| f.severity)
        .unwrap_or_else(|| panic!("no {id:?} finding in {:#?}", r.findings))
}

#[test]
fn check_ids_and_titles_are_distinct() {
    let ids: std::collections::HashSet<_> = Check::ALL.iter().map(|c| c.id()).collect();
    let titles: std::collections::HashSet<_> = Check::ALL.iter().map(|c| c.title()).collect();
    assert_eq!(
        (ids.len(), titles.len()),
        (Check::ALL.len(), Check::ALL.len())
    );
    // Every check a full report can raise is in ALL.
    let r = evaluate(&base(), Profile::Mix, &platforms::PLATFORMS[0], None);
    assert!(r.findings.iter().all(|f| Check::ALL.contains(&f.id)));
}

#[test]
fn healthy_mix_is_ready() {
    let r = evaluate(&base(), Profile::Mix, &platforms::PLATFORMS[0], None);
    assert_eq!(r.verdict, Verdict::Ready, "{:#?}", r.findings);
    assert!(r.findings.iter().all(|f| f.severity <= Severity::Info));
    assert_eq!(r.platforms.len(), 9);
}

#[test]
fn headroom_bands() {
    for (tp, sev) in [
        (-4.0, Severity::Ok),
        (-2.0, Severity::Warn),
        (-0.5, Severity::Fail),
        (-8.0, Severity::Info),
    ] {
        let s = ReadinessStats {
            true_peak_dbtp: Some(tp),
            ..base()
        };
        let r = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None);
        assert_eq!(severity_of(&r, Check::Headroom), sev, "{tp}");
    }
    let s = ReadinessStats {
        true_peak_dbtp: Some(-1.5),
        integrated_lufs: Some(-12.0),
        ..base()
    };
    // Spotify asks -2 dBTP of masters louder than -14 LUFS.
    let r = evaluate(
        &s,
        Profile::Master,
        platforms::platform("spotify").expect("known"),
        None,
    );
    assert_eq!(severity_of(&r, Check::Headroom), Severity::Fail);
    let r = evaluate(
        &s,
        Profile::Master,
        platforms::platform("apple_music").expect("known"),
        None,
    );
    assert_eq!(severity_of(&r, Check::Headroom), Severity::Ok);
}

#[test]
fn insufficient_until_ten_seconds() {
    let s = ReadinessStats {
        non_silent_s: 9.9,
        ..base()
    };
    assert_eq!(
        evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None).verdict,
        Verdict::Insufficient
    );
}

#[test]
fn clipping_and_non_finite_fail() {
    let s = ReadinessStats {
        clipped_samples: 3,
        first_clip_s: Some(1.5),
        last_clip_s: Some(80.25),
        ..base()
    };
    let r = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None);
    assert_eq!(r.verdict, Verdict::NotReady);
    assert_eq!(r.findings[0].severity, Severity::Fail);
    let clip = r
        .findings
        .iter()
        .find(|f| f.id == Check::Clipping)
        .expect("clipping finding");
    assert!(
        clip.message.contains("1.50 s") && clip.message.contains("80.25 s"),
        "{}",
        clip.message
    );
    let s = ReadinessStats {
        non_finite_samples: 1,
        ..base()
    };
    assert_eq!(
        severity_of(
            &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
            Check::NonFinite
        ),
        Severity::Fail
    );
}

#[test]
fn pinned_peaks_mean_limiting() {
    let mut s = base();
    s.peak_histogram = [0; PEAK_BINS];
    s.peak_histogram[299] = 400; // -0.1 dBTP, held by a limiter
    s.peak_histogram[250] = 100;
    s.true_peak_dbtp = Some(-0.1);
    s.integrated_lufs = Some(-7.0);
    assert!(pinned_fraction(&s).expect("enough windows") > 0.7);
    let r = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None);
    assert_eq!(severity_of(&r, Check::Limiting), Severity::Fail);
    let r = evaluate(&s, Profile::Master, &platforms::PLATFORMS[0], None);
    assert_eq!(severity_of(&r, Check::Limiting), Severity::Info);
    assert!(pinned_fraction(&base()).expect("enough windows") < 0.05);
}

#[test]
fn mono_compat_levels() {
    let judge = |s: &ReadinessStats| {
        let r = evaluate(s, Profile::Mix, &platforms::PLATFORMS[0], None);
        let f = r
            .findings
            .iter()
            .find(|f| f.id == Check::MonoCompat)
            .expect("mono_compat is always judged")
            .clone();
        (f.severity, f.message)
    };
    let mut s = base();
    assert_eq!(judge(&s).0, Severity::Ok);

    // A polarity-inverted channel cancels: fail, and the message says so.
    s.loud_correlation = Some(-0.8);
    s.mono_loss_db = Some(loss_at(-0.8));
    let (severity, message) = judge(&s);
    assert_eq!(severity, Severity::Fail);
    assert!(message.contains("cancel"), "{message}");

    // Independent L/R noise (correlation a little below 0) is wide, not out of phase.
    for r in [0.0, -0.05, -0.10] {
        s.loud_correlation = Some(r);
        s.mono_loss_db = Some(loss_at(r));
        let (severity, message) = judge(&s);
        assert_eq!(severity, Severity::Warn, "correlation {r}");
        assert!(message.contains("wide"), "{message}");
        assert!(!message.contains("cancel"), "{message}");
    }

    // Between the two: equal-level channels at -0.5 reach the fail threshold.
    s.loud_correlation = Some(-0.5);
    s.mono_loss_db = Some(loss_at(-0.5) + 1e-9);
    assert_eq!(judge(&s).0, Severity::Fail);
    s.mono_loss_db = Some(MONO_LOSS_FAIL_DB - 0.01);
    assert_eq!(judge(&s).0, Severity::Warn);

    // Bass that is not mono warns; bass that cancels fails whatever the broadband figure.
    s.loud_correlation = Some(0.6);
    s.mono_loss_db = Some(loss_at(0.6));
    s.low_band_correlation = Some(0.3);
    s.low_band_mono_loss_db = Some(loss_at(0.3));
    let (severity, message) = judge(&s);
    assert_eq!(severity, Severity::Warn);
    assert!(message.contains("150 Hz"), "{message}");
    s.low_band_correlation = Some(-0.9);
    s.low_band_mono_loss_db = Some(loss_at(-0.9));
    assert_eq!(judge(&s).0, Severity::Fail);

    s.channels_identical = true;
    assert_eq!(judge(&s).0, Severity::Info);
}

#[test]
fn equal_level_correlation_inverts_the_loss() {
    for r in [-0.9, -0.5, 0.0, 0.125, 0.6, 0.99] {
        assert!((equal_level_correlation(loss_at(r)) - r).abs() < 1e-12);
    }
}

#[test]
fn spectral_bumps_are_found() {
    let centres = band_centers_hz();
    let mut s = base();
    for (b, f) in s.spectrum_db.iter_mut().zip(centres) {
        if (200.0..=500.0).contains(&f) {
            *b = b.map(|v| v + 5.0);
        }
    }
    assert_eq!(
        severity_of(
            &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
            Check::LowEnd
        ),
        Severity::Warn
    );
    let mut s = base();
    for (b, f) in s.spectrum_db.iter_mut().zip(centres) {
        if (2_000.0..=5_000.0).contains(&f) {
            *b = b.map(|v| v + 5.0);
        }
    }
    assert_eq!(
        severity_of(
            &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
            Check::Harshness
        ),
        Severity::Warn
    );
}

#[test]
fn file_formats() {
    let f16 = FileFormat {
        codec: "pcm_s16le".into(),
        bits_per_sample: Some(16),
        float: false,
        lossy: false,
    };
    let r = evaluate(&base(), Profile::Mix, &platforms::PLATFORMS[0], Some(&f16));
    assert_eq!(severity_of(&r, Check::Format), Severity::Warn);
    let f32f = FileFormat {
        codec: "pcm_f32le".into(),
        bits_per_sample: Some(32),
        float: true,
        lossy: false,
    };
    let r = evaluate(&base(), Profile::Mix, &platforms::PLATFORMS[0], Some(&f32f));
    assert_eq!(severity_of(&r, Check::Format), Severity::Ok);
}

#[test]
fn dc_and_dynamics() {
    let mut s = base();
    s.dc_offset_dbfs[0] = Some(-35.0);
    assert_eq!(
        severity_of(
            &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
            Check::DcOffset
        ),
        Severity::Fail
    );
    s.dc_offset_dbfs[0] = Some(-55.0);
    assert_eq!(
        severity_of(
            &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
            Check::DcOffset
        ),
        Severity::Warn
    );
    let mut s = base();
    s.loudness_range_lu = Some(20.0);
    assert_eq!(
        severity_of(
            &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
            Check::LoudnessRange
        ),
        Severity::Warn
    );
    s.measured_s = 30.0;
    let r = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None);
    assert_eq!(severity_of(&r, Check::LoudnessRange), Severity::Info);
    s.true_peak_dbtp = Some(-12.0);
    assert_eq!(
        severity_of(
            &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
            Check::Dynamics
        ),
        Severity::Warn
    );
}

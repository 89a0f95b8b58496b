//! The rules' unit tests, on statistics built by hand.

use super::peaks::pinned_fraction;
use super::*;
use crate::spectrum::band_centers_hz;
use crate::stats::{BLOCK_BINS, BLOCK_BIN_DB, BLOCK_HIST_MIN_LUFS, PEAK_BINS};

/// A target for these tests, independent of the built-in data: every band and region within
/// 3 dB either side of the normalised median (0 dB).
fn test_target() -> TonalTarget {
    let r = Range {
        low: -3.0,
        median: 0.0,
        high: 3.0,
    };
    TonalTarget {
        name: "test".into(),
        source: "unit tests".into(),
        tracks: 10,
        bands: [Some(r); crate::spectrum::BAND_COUNT],
        regions: [Some(r); 4],
    }
}

/// The rules against [`test_target`].
fn evaluate(
    s: &ReadinessStats,
    profile: Profile,
    platform: &'static platforms::Platform,
    format: Option<&FileFormat>,
) -> Report {
    evaluate_against(s, profile, platform, format, &test_target())
}

/// Raises the bands whose centre lies in `hz` by `db`.
fn boost(s: &mut ReadinessStats, (lo, hi): (f64, f64), db: f64) {
    for (b, f) in s.spectrum_db.iter_mut().zip(band_centers_hz()) {
        if (lo..=hi).contains(&f) {
            *b = b.map(|v| v + db);
        }
    }
}

fn finding_of(r: &Report, id: Check) -> &Finding {
    r.findings
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no {id:?} finding in {:#?}", r.findings))
}

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
    // 50 ms blocks spread evenly over -30..-14 LUFS: micro-dynamics of about 7 dB.
    set_blocks(&mut s, (-30.0, -14.0), 10);
    let centres = band_centers_hz();
    for (b, f) in s.spectrum_db.iter_mut().zip(centres) {
        *b = Some(-30.0 - 4.5 * (f / 1000.0).log2());
    }
    s
}

/// Adds `count` 50 ms blocks to every bin of the block-loudness histogram in `lufs`.
fn set_blocks(s: &mut ReadinessStats, (lo, hi): (f64, f64), count: u32) {
    for (i, c) in s.block_loudness_histogram.iter_mut().enumerate() {
        let lufs = BLOCK_HIST_MIN_LUFS + i as f64 * BLOCK_BIN_DB;
        if (lo..hi).contains(&lufs) {
            *c += count;
        }
    }
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
fn master_headroom_judges_the_peak_after_the_platforms_encoder() {
    use crate::platforms::EncodedPeak;
    let spotify = platforms::platform("spotify").expect("known");
    let s = ReadinessStats {
        true_peak_dbtp: Some(-1.5),
        integrated_lufs: Some(-14.5),
        ..base()
    };
    let judge = |encoded: &[EncodedPeak<'_>]| {
        evaluate_encoded(&s, Profile::Master, spotify, None, &test_target(), encoded)
    };
    // Without a preview, or with only other platforms' codecs measured: the master's own peak.
    let opus = [EncodedPeak {
        codec: "opus-160",
        true_peak_dbtp: 0.5,
    }];
    for r in [judge(&[]), judge(&opus)] {
        let f = finding_of(&r, Check::Headroom);
        assert_eq!(f.severity, Severity::Ok);
        assert!(!f.message.contains("encoder"), "{}", f.message);
    }
    // Under the ceiling after the encoder: ok, and it says so.
    let low = [EncodedPeak {
        codec: "vorbis-160",
        true_peak_dbtp: -1.2,
    }];
    let f = finding_of(&judge(&low), Check::Headroom).clone();
    assert_eq!(f.severity, Severity::Ok);
    assert!(
        f.message.contains("-1.2 dBTP after its encoder"),
        "{}",
        f.message
    );
    // Over the ceiling after Vorbis 160: warn, with the gain that fixes it.
    let over = [
        EncodedPeak {
            codec: "vorbis-320",
            true_peak_dbtp: -0.9,
        },
        EncodedPeak {
            codec: "vorbis-160",
            true_peak_dbtp: -0.4,
        },
    ];
    let r = judge(&over);
    let f = finding_of(&r, Check::Headroom);
    assert_eq!(f.severity, Severity::Warn);
    assert_eq!(f.value, Some(-0.4));
    assert!(f.message.contains("Ogg Vorbis 160 kbps"), "{}", f.message);
    assert!(f.advice.contains("by 0.6 dB"), "{}", f.advice);
    // Spotify raises this master by 0.5 dB (up to -1 dBTP), after decoding.
    let after = r.platforms[0]
        .encoded_true_peak_after_dbtp
        .expect("measured");
    assert!((after - 0.1).abs() < 1e-9, "{after}");
    assert_eq!(
        r.platforms[0].status,
        platforms::PlatformStatus::OverCeiling
    );
    // Over full scale after the encoder: it clips, so it fails.
    let clips = [EncodedPeak {
        codec: "vorbis-160",
        true_peak_dbtp: 0.3,
    }];
    let f = finding_of(&judge(&clips), Check::Headroom).clone();
    assert_eq!(f.severity, Severity::Fail);
    assert!(f.message.contains("clips"), "{}", f.message);
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
fn loud_passages_held_at_one_level_mean_squashing() {
    let judge = |s: &ReadinessStats, profile| {
        evaluate(s, profile, &platforms::PLATFORMS[0], None)
            .findings
            .into_iter()
            .find(|f| f.id == Check::MicroDynamics)
    };
    let healthy = judge(&base(), Profile::Mix).expect("judged in the mix profile");
    assert_eq!(healthy.severity, Severity::Ok);
    let spread = healthy.value.expect("a figure");
    assert!((spread - 7.0).abs() < 0.5, "{spread}");
    assert!(
        judge(&base(), Profile::Master).is_none(),
        "a master may be dense"
    );

    // Every loud block within 2 dB: squashed.
    let mut s = base();
    s.block_loudness_histogram = [0; BLOCK_BINS];
    set_blocks(&mut s, (-21.0, -19.0), 100);
    let squashed = judge(&s, Profile::Mix).expect("judged");
    assert_eq!(squashed.severity, Severity::Warn, "{squashed:?}");
    assert!(squashed.value.expect("a figure") < MICRO_DYNAMICS_WARN_DB);
    // Quiet passages (a break, a fade) more than 20 LU under the integrated loudness do not
    // count: they would otherwise pull the median down and hide the squashing.
    set_blocks(&mut s, (-50.0, -45.0), 100);
    assert_eq!(
        judge(&s, Profile::Mix).expect("judged").severity,
        Severity::Warn
    );
    // Without 10 s of loud blocks there is no figure.
    let mut short = base();
    short.block_loudness_histogram = [0; BLOCK_BINS];
    set_blocks(&mut short, (-21.0, -19.0), 1);
    let f = judge(&short, Profile::Mix).expect("judged");
    assert_eq!((f.severity, f.value), (Severity::Info, None));
    assert!(f.message.contains("need 10 s"), "{}", f.message);
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
        assert_eq!(severity, Severity::Info, "correlation {r}");
        assert!(message.contains("wide"), "{message}");
        assert!(!message.contains("cancel"), "{message}");
    }
    // Held negative: parts partly cancel, worth a look.
    s.loud_correlation = Some(-0.2);
    s.mono_loss_db = Some(loss_at(-0.2));
    let (severity, message) = judge(&s);
    assert_eq!(severity, Severity::Warn);
    assert!(message.contains("negative correlation"), "{message}");

    // Between the two: equal-level channels at -0.5 reach the fail threshold.
    s.loud_correlation = Some(-0.5);
    s.mono_loss_db = Some(loss_at(-0.5) + 1e-9);
    assert_eq!(judge(&s).0, Severity::Fail);
    s.mono_loss_db = Some(MONO_LOSS_FAIL_DB - 0.01);
    assert_eq!(judge(&s).0, Severity::Warn);

    // Bass that is not mono is information; bass held negative warns; bass that cancels fails,
    // whatever the broadband figure.
    s.loud_correlation = Some(0.6);
    s.mono_loss_db = Some(loss_at(0.6));
    s.low_band_correlation = Some(0.3);
    s.low_band_mono_loss_db = Some(loss_at(0.3));
    let (severity, message) = judge(&s);
    assert_eq!(severity, Severity::Info);
    assert!(message.contains("150 Hz"), "{message}");
    s.low_band_correlation = Some(-0.2);
    s.low_band_mono_loss_db = Some(loss_at(-0.2));
    let (severity, message) = judge(&s);
    assert_eq!(severity, Severity::Warn);
    assert!(message.contains("partly cancels"), "{message}");
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
fn spectral_regions_are_judged_against_the_targets_range() {
    let mix = |s: &ReadinessStats| evaluate(s, Profile::Mix, &platforms::PLATFORMS[0], None);
    // Within the range plus the margin: ok.
    let mut s = base();
    boost(&mut s, MUD_BAND_HZ, 5.9);
    assert_eq!(severity_of(&mix(&s), Check::LowEnd), Severity::Ok);
    // Beyond it: a warning naming the band, the level and the range.
    let mut s = base();
    boost(&mut s, MUD_BAND_HZ, 7.0);
    let r = mix(&s);
    let f = finding_of(&r, Check::LowEnd);
    assert_eq!(f.severity, Severity::Warn);
    assert_eq!(
        f.message,
        "4.0 dB above the test target's range at 200-500 Hz (+7.0 dB, range -3.0..+3.0 dB): mud"
    );
    assert_eq!(f.value, Some(7.0));
    assert_eq!(f.threshold, Some(3.0));
    // The other regions are untouched.
    for c in [Check::SubBass, Check::Harshness, Check::TopEnd] {
        assert_eq!(severity_of(&r, c), Severity::Ok, "{c:?}");
    }

    let mut s = base();
    boost(&mut s, HARSH_BAND_HZ, 7.0);
    assert_eq!(severity_of(&mix(&s), Check::Harshness), Severity::Warn);
    // The top end both ways.
    let mut s = base();
    boost(&mut s, TOP_END_HZ, -7.0);
    let r = mix(&s);
    assert_eq!(severity_of(&r, Check::TopEnd), Severity::Warn);
    assert!(finding_of(&r, Check::TopEnd).message.ends_with(": dull"));
    let mut s = base();
    boost(&mut s, TOP_END_HZ, 7.0);
    let r = mix(&s);
    assert!(finding_of(&r, Check::TopEnd).message.ends_with(": bright"));
}

#[test]
fn sub_bass_and_mud_are_separate_findings() {
    // Little sub-bass and a mud build-up at once: both are reported, neither hides the other.
    let mut s = base();
    boost(&mut s, SUB_BASS_HZ, -10.0);
    boost(&mut s, MUD_BAND_HZ, 9.0);
    let r = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None);
    assert_eq!(severity_of(&r, Check::LowEnd), Severity::Warn);
    assert_eq!(severity_of(&r, Check::SubBass), Severity::Info);
    // Too much sub-bass warns: it eats headroom.
    let mut s = base();
    boost(&mut s, SUB_BASS_HZ, 8.0);
    let r = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None);
    assert_eq!(severity_of(&r, Check::SubBass), Severity::Warn);
    assert_eq!(severity_of(&r, Check::LowEnd), Severity::Ok);
}

#[test]
fn too_little_audio_holds_every_judgment() {
    // A few seconds, hot, with a harsh spectrum: insufficient, and no warning or failure
    // except what is wrong whatever follows (clipping).
    let mut s = base();
    s.non_silent_s = 4.0;
    s.true_peak_dbtp = Some(-0.1);
    boost(&mut s, HARSH_BAND_HZ, 9.0);
    let r = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None);
    assert_eq!(r.verdict, Verdict::Insufficient);
    assert!(
        r.findings.iter().all(|f| f.severity <= Severity::Info),
        "{:#?}",
        r.findings
    );
    let harsh = finding_of(&r, Check::Harshness);
    assert!(
        harsh.message.starts_with("too little audio"),
        "{}",
        harsh.message
    );
    assert_eq!(harsh.value, None);
    assert!(finding_of(&r, Check::Headroom)
        .message
        .contains("-0.1 dBTP"));
    s.clipped_samples = 3;
    let r = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None);
    assert_eq!(severity_of(&r, Check::Clipping), Severity::Fail);
    assert_eq!(r.verdict, Verdict::Insufficient);
}

#[test]
fn a_missing_spectrum_says_why() {
    let mut s = base();
    s.spectrum_db = [None; crate::spectrum::BAND_COUNT];
    let live = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None);
    assert_eq!(finding_of(&live, Check::LowEnd).message, "no spectrum yet");
    let f24 = FileFormat {
        codec: "pcm_s24le".into(),
        bits_per_sample: Some(24),
        float: false,
        lossy: false,
    };
    let file = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], Some(&f24));
    assert_eq!(
        finding_of(&file, Check::LowEnd).message,
        "no spectrum: too little audio"
    );
}

#[test]
fn built_in_targets_are_complete_and_say_where_they_come_from() {
    for style in Style::ALL {
        let t = style.target();
        assert_eq!(t.name, style.id());
        assert!(t.tracks >= MIN_TRACKS, "{style:?}");
        assert!(t.source.contains(&t.tracks.to_string()), "{}", t.source);
        for region in Region::ALL {
            let r = t
                .region(region)
                .unwrap_or_else(|| panic!("{style:?} {region:?}"));
            assert!(
                r.low <= r.median && r.median <= r.high,
                "{style:?} {region:?}"
            );
        }
        // 100 Hz-10 kHz, the normalisation's span, has a range in every band.
        for (f, b) in band_centers_hz().iter().zip(&t.bands) {
            if (100.0..=10_000.0).contains(f) {
                assert!(b.is_some(), "{style:?} {f} Hz");
            }
        }
    }
    assert_eq!(Style::from_id("acoustic"), Some(Style::Acoustic));
    assert_eq!(Style::from_id("rock"), None);
}

#[test]
fn a_target_built_from_tracks_spans_them() {
    // Three tracks: flat, +6 dB in the mud, -6 dB in the mud.
    let flat = base().spectrum_db;
    let shifted = |db: f64| {
        let mut s = base();
        boost(&mut s, MUD_BAND_HZ, db);
        s.spectrum_db
    };
    let t = TonalTarget::build("three", "unit test", &[flat, shifted(6.0), shifted(-6.0)])
        .expect("three tracks make a target");
    let mud = t.region(Region::Mud).expect("mud range");
    assert!((mud.median - 0.0).abs() < 1e-9, "{mud:?}");
    // Linear percentiles of (-6, 0, 6).
    assert!(
        (mud.low + 4.8).abs() < 1e-9 && (mud.high - 4.8).abs() < 1e-9,
        "{mud:?}"
    );
    assert!(TonalTarget::build("two", "", &[flat, flat]).is_none());
    let silent = [None; crate::spectrum::BAND_COUNT];
    assert!(TonalTarget::build("silent", "", &[flat, flat, silent]).is_none());
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
    s.dc_offset_dbfs[0] = Some(-25.0);
    assert_eq!(
        severity_of(
            &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
            Check::DcOffset
        ),
        Severity::Fail
    );
    s.dc_offset_dbfs[0] = Some(-38.0);
    assert_eq!(
        severity_of(
            &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
            Check::DcOffset
        ),
        Severity::Warn
    );
    // The offsets real productions carry (-45..-90 dBFS) cost nothing.
    s.dc_offset_dbfs[0] = Some(-50.0);
    assert_eq!(
        severity_of(
            &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
            Check::DcOffset
        ),
        Severity::Ok
    );
    // A wide range is information (orchestral and film music span 20 LU); a narrow one at a
    // loud level warns.
    let mut s = base();
    s.loudness_range_lu = Some(20.0);
    let r = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None);
    assert_eq!(severity_of(&r, Check::LoudnessRange), Severity::Info);
    assert!(finding_of(&r, Check::LoudnessRange)
        .message
        .contains("20.0 LU"));
    let mut loud = base();
    loud.loudness_range_lu = Some(2.0);
    loud.integrated_lufs = Some(-9.0);
    assert_eq!(
        severity_of(
            &evaluate(&loud, Profile::Mix, &platforms::PLATFORMS[0], None),
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

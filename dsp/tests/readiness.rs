//! The readiness rules on synthetic mixes (dsp::mixes): each fault on its side of the threshold.
//!
//! The spectrum is judged against a target built, as `preflight target build` builds one, from
//! clean synthetic mixes of other seeds: the references of these tests.

use std::sync::OnceLock;

use preflight_dsp::mixes::{self, clean_mix};
use preflight_dsp::platforms::{platform, PLATFORMS};
use preflight_dsp::readiness::{
    evaluate_against, Check, Profile, ReadinessStats, Report, Severity, TonalTarget, Verdict,
};
use preflight_dsp::{ChannelLayout, Meter, MeterConfig};

const RATE: u32 = 48_000;
const SECONDS: f64 = 30.0;

fn measure(signal: &[Vec<f32>]) -> ReadinessStats {
    let mut m = Meter::new(MeterConfig::new(RATE, ChannelLayout::Stereo, 1024)).expect("valid");
    for start in (0..signal[0].len()).step_by(1024) {
        let end = (start + 1024).min(signal[0].len());
        m.process(&[&signal[0][start..end], &signal[1][start..end]]);
    }
    m.readiness_stats()
}

/// The target of clean mixes with seeds 2 to 6.
fn references() -> &'static TonalTarget {
    static TARGET: OnceLock<TonalTarget> = OnceLock::new();
    TARGET.get_or_init(|| {
        let spectra: Vec<_> = (2..=6)
            .map(|seed| measure(&clean_mix(RATE, SECONDS, seed)).spectrum_db)
            .collect();
        TonalTarget::build("reference mixes", "clean_mix seeds 2-6", &spectra)
            .expect("five references make a target")
    })
}

fn judge(signal: &[Vec<f32>], profile: Profile) -> Report {
    evaluate_against(&measure(signal), profile, &PLATFORMS[0], None, references())
}

fn severity(r: &Report, id: Check) -> Severity {
    r.findings
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no {id:?} finding in {:#?}", r.findings))
        .severity
}

fn describe(r: &Report) -> String {
    r.findings
        .iter()
        .map(|f| {
            format!(
                "{} {:?} {:?}: {}",
                f.id.id(),
                f.severity,
                f.value,
                f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn clean_mix_near_minus_4_5_dbtp_is_ready() {
    let mix = clean_mix(RATE, SECONDS, 1);
    let r = judge(&mix, Profile::Mix);
    println!("{}", describe(&r));
    assert_eq!(r.verdict, Verdict::Ready, "{}", describe(&r));
    for id in [
        Check::Headroom,
        Check::Clipping,
        Check::Limiting,
        Check::MixLoudness,
        Check::MonoCompat,
        Check::LowEnd,
        Check::SubBass,
        Check::Harshness,
        Check::TopEnd,
        Check::DcOffset,
    ] {
        assert!(
            severity(&r, id) <= Severity::Info,
            "{id:?}: {}",
            describe(&r)
        );
    }
}

#[test]
fn six_db_hotter_fails_headroom() {
    let mut mix = clean_mix(RATE, SECONDS, 1);
    mixes::gain(&mut mix, 6.0);
    let r = judge(&mix, Profile::Mix);
    assert_eq!(
        severity(&r, Check::Headroom),
        Severity::Fail,
        "{}",
        describe(&r)
    );
    assert_eq!(r.verdict, Verdict::NotReady);
}

#[test]
fn brickwall_limiter_trips_limiting() {
    let mut mix = clean_mix(RATE, SECONDS, 1);
    mixes::gain(&mut mix, 12.0);
    mixes::brickwall_limit(&mut mix, RATE, -1.0, 80.0);
    let r = judge(&mix, Profile::Mix);
    println!("{}", describe(&r));
    assert!(
        severity(&r, Check::Limiting) >= Severity::Warn,
        "{}",
        describe(&r)
    );
    // The same master judged as a master: limiting is expected there.
    let m = judge(&mix, Profile::Master);
    assert_eq!(severity(&m, Check::Limiting), Severity::Info);
}

#[test]
fn polarity_inverted_channels_fail_mono_compat() {
    let mut mix = clean_mix(RATE, SECONDS, 1);
    mixes::invert_right_from_left(&mut mix);
    let r = judge(&mix, Profile::Mix);
    assert_eq!(
        severity(&r, Check::MonoCompat),
        Severity::Fail,
        "{}",
        describe(&r)
    );
}

/// Independent left and right noise is as wide as stereo gets, but nothing cancels: a mono
/// listener hears it about 3 dB quieter. That is worth knowing, not a problem.
#[test]
fn uncorrelated_channels_are_wide_not_out_of_phase() {
    let noise = preflight_dsp::signals::pink_noise(RATE, -20.0, SECONDS, 2, 7);
    let r = judge(&noise, Profile::Mix);
    let f = r
        .findings
        .iter()
        .find(|f| f.id == Check::MonoCompat)
        .expect("mono_compat is judged");
    assert_eq!(f.severity, Severity::Info, "{}", describe(&r));
    let loss = f.value.expect("a mono-downmix loss");
    assert!((loss - 3.0).abs() < 0.5, "{loss} dB: {}", describe(&r));
    assert!(f.message.contains("wide"), "{}", f.message);
    assert!(!f.message.contains("cancel"), "{}", f.message);
}

#[test]
fn bell_at_300_hz_trips_low_end() {
    let mut mix = clean_mix(RATE, SECONDS, 1);
    mixes::peaking_eq(&mut mix, RATE, 300.0, 8.0, 1.0);
    mixes::normalise_peak(&mut mix, -4.7);
    let r = judge(&mix, Profile::Mix);
    println!("{}", describe(&r));
    assert_eq!(
        severity(&r, Check::LowEnd),
        Severity::Warn,
        "{}",
        describe(&r)
    );
}

#[test]
fn bump_at_3_khz_trips_harshness() {
    let mut mix = clean_mix(RATE, SECONDS, 1);
    mixes::peaking_eq(&mut mix, RATE, 3_000.0, 8.0, 1.0);
    mixes::normalise_peak(&mut mix, -4.7);
    let r = judge(&mix, Profile::Mix);
    println!("{}", describe(&r));
    assert_eq!(
        severity(&r, Check::Harshness),
        Severity::Warn,
        "{}",
        describe(&r)
    );
}

#[test]
fn dc_offset_trips_dc_offset() {
    let mut mix = clean_mix(RATE, SECONDS, 1);
    // 1 % of full scale (-40 dBFS).
    mixes::add_dc(&mut mix, 0.01);
    let r = judge(&mix, Profile::Mix);
    assert!(
        severity(&r, Check::DcOffset) >= Severity::Warn,
        "{}",
        describe(&r)
    );
}

#[test]
fn master_profile_checks_the_platform_ceiling() {
    let mut mix = clean_mix(RATE, SECONDS, 1);
    mixes::gain(&mut mix, 12.0);
    mixes::brickwall_limit(&mut mix, RATE, -0.3, 80.0);
    let r = evaluate_against(
        &measure(&mix),
        Profile::Master,
        platform("spotify").expect("known"),
        None,
        references(),
    );
    assert_eq!(
        severity(&r, Check::Headroom),
        Severity::Fail,
        "{}",
        describe(&r)
    );
    assert!(r.findings.iter().all(|f| f.id != Check::MixLoudness));
}

//! Cross-check against the `ebur128` crate (a port of libebur128) on noise and the music-like
//! signal at 44.1, 48 and 96 kHz.
//!
//! The reference runs without `Mode::HISTOGRAM`, so it keeps every gating block and computes
//! integrated loudness exactly rather than from 0.1 LU bins.
//!
//! LRA: libebur128's own LRA takes a short-term value every 1 s (the overlap of the first
//! editions of Tech 3342); Tech 3342 since 2016 asks for at least 10 values a second (2.9 s
//! overlap), and on the music-like signal the 1 s sampling reads 0.6-0.9 LU lower. The reference
//! LRA here is therefore the Tech 3342 statistic (absolute gate -70 LUFS, relative gate -20 LU,
//! 95th minus 10th percentile, percentiles rounded as libebur128 rounds them) over ebur128's
//! short-term loudness read every 100 ms. libebur128's own figure is printed alongside.
//!
//! Tolerances:
//! - integrated loudness, and momentary / short-term at the end of the signal: 0.1 LU;
//! - LRA: 0.5 LU (the two meters may bin the short-term distribution differently);
//! - sample peak: exact (1e-6 linear);
//! - true peak: 0.2 dB on band-limited material (two different interpolation filters). Neither
//!   meter is ground truth: each comparison also prints the peak of the ideal band-limited
//!   reconstruction (the signal upsampled 8x through the FFT), which short interpolators
//!   under-read on content near Nyquist (BS.1770-4 Annex 2 allows for that). On full-band white
//!   noise, where the two filters differ most, ours must be at least as close to that ideal as
//!   the reference is.
//!
//! Signal lengths are whole multiples of 100 ms, so the meter's last 10 ms grid point and the
//! reference's "now" are the same instant.

mod common;

use common::{feed_random, stereo_meter, Checks, RATES_HZ};
use ebur128::{EbuR128, Mode};
use preflight_dsp::signals::{self, Planar};
use preflight_dsp::{amplitude_to_db, lufs_to_power, power_to_lufs};
use realfft::RealFftPlanner;

const LOUDNESS_LU: f64 = 0.1;
const LRA_LU: f64 = 0.5;
const SAMPLE_PEAK_LINEAR: f64 = 1e-6;
const TRUE_PEAK_DB: f64 = 0.2;

/// The reference meter after measuring `signal` in 100 ms blocks, and the short-term loudness
/// (as power) it reported after each block once its 3 s window was full.
fn reference(rate: u32, signal: &[Vec<f32>]) -> (EbuR128, Vec<f64>) {
    let mode = Mode::I | Mode::S | Mode::M | Mode::LRA | Mode::TRUE_PEAK | Mode::SAMPLE_PEAK;
    let mut r = EbuR128::new(signal.len() as u32, rate, mode).expect("supported by ebur128");
    let step = rate as usize / 10;
    let frames = signals::frame_count(signal);
    let mut short_term = Vec::new();
    let mut fed = 0;
    while fed < frames {
        let n = step.min(frames - fed);
        let slices = signals::channel_slices(signal, fed, n);
        r.add_frames_planar_f32(&slices[..signal.len()])
            .expect("equal-length channels");
        fed += n;
        if fed >= 3 * rate as usize {
            if let Some(st) = lufs(r.loudness_shortterm()) {
                short_term.push(lufs_to_power(st));
            }
        }
    }
    (r, short_term)
}

/// Tech 3342 loudness range of short-term loudness values given as power.
fn loudness_range_lu(mut short_term_power: Vec<f64>) -> Option<f64> {
    short_term_power.retain(|&p| power_to_lufs(p).is_some_and(|l| l >= -70.0));
    short_term_power.sort_by(f64::total_cmp);
    if short_term_power.is_empty() {
        return None;
    }
    let mean = short_term_power.iter().sum::<f64>() / short_term_power.len() as f64;
    let relative_gate = mean * 0.01; // -20 LU
    let gated = &short_term_power[short_term_power
        .iter()
        .take_while(|&&p| p < relative_gate)
        .count()..];
    let last = gated.len().checked_sub(1)? as f64;
    let high = gated[(last * 0.95 + 0.5) as usize];
    let low = gated[(last * 0.10 + 0.5) as usize];
    Some(10.0 * (high / low).log10())
}

/// Peak of the ideal band-limited reconstruction of `x` (dBTP): the signal upsampled 8x by
/// zero-extending its spectrum, in 32768-sample chunks with 4096 samples of context each side.
fn ideal_true_peak_dbtp(x: &[f32]) -> Option<f64> {
    const CHUNK: usize = 32_768;
    const CONTEXT: usize = 4096;
    const FACTOR: usize = 8;
    let len = CHUNK + 2 * CONTEXT;
    let mut planner = RealFftPlanner::<f64>::new();
    let forward = planner.plan_fft_forward(len);
    let inverse = planner.plan_fft_inverse(len * FACTOR);
    let mut input = forward.make_input_vec();
    let mut spectrum = forward.make_output_vec();
    let mut wide = inverse.make_input_vec();
    let mut output = inverse.make_output_vec();
    let mut peak = 0.0f64;
    let mut start = 0;
    while start < x.len() {
        for (i, v) in input.iter_mut().enumerate() {
            *v = (start + i)
                .checked_sub(CONTEXT)
                .and_then(|n| x.get(n))
                .map_or(0.0, |&s| f64::from(s));
        }
        forward
            .process(&mut input, &mut spectrum)
            .expect("sizes from the plan");
        wide.fill(Default::default());
        wide[..len / 2].copy_from_slice(&spectrum[..len / 2]);
        // The Nyquist bin is shared between +fs/2 and -fs/2.
        wide[len / 2] = spectrum[len / 2] * 0.5;
        inverse
            .process(&mut wide, &mut output)
            .expect("sizes from the plan");
        let central = &output[CONTEXT * FACTOR..(CONTEXT + CHUNK) * FACTOR];
        peak = central
            .iter()
            .fold(peak, |m, v| m.max(v.abs() / len as f64));
        start += CHUNK;
    }
    amplitude_to_db(peak)
}

/// Loudness from ebur128, `None` for its "-inf" (nothing above the gates).
fn lufs(value: Result<f64, ebur128::Error>) -> Option<f64> {
    value.ok().filter(|v| v.is_finite())
}

/// How the true peak is judged.
#[derive(Clone, Copy, PartialEq)]
enum TruePeakCheck {
    /// Within [`TRUE_PEAK_DB`] of the reference meter (band-limited material).
    NearReference,
    /// No further from the ideal band-limited reconstruction than the reference meter is (plus
    /// 0.05 dB): for full-band noise, where every short interpolator under-reads and the two
    /// meters' filters differ most.
    AtLeastAsCloseToIdeal,
}

fn compare(
    checks: &mut Checks,
    name: &str,
    rate: u32,
    signal: &Planar,
    seed: u64,
    tp_check: TruePeakCheck,
) {
    let label = format!("{name} @ {rate} Hz");
    let (r, short_term) = reference(rate, signal);
    let mut m = stereo_meter(rate);
    feed_random(&mut m, signal, seed);
    let s = m.snapshot();
    let summary = m.summary();

    let expected = lufs(r.loudness_global()).expect("reference has a reading");
    checks.within(
        &format!("{label} I"),
        summary.readiness.integrated_lufs,
        expected,
        LOUDNESS_LU,
        LOUDNESS_LU,
    );
    let expected = lufs(r.loudness_momentary()).expect("reference has a reading");
    checks.within(
        &format!("{label} M at end"),
        s.momentary_lufs,
        expected,
        LOUDNESS_LU,
        LOUDNESS_LU,
    );
    let expected = lufs(r.loudness_shortterm()).expect("reference has a reading");
    checks.within(
        &format!("{label} S at end"),
        s.short_term_lufs,
        expected,
        LOUDNESS_LU,
        LOUDNESS_LU,
    );
    let expected = loudness_range_lu(short_term).expect("reference has short-term values");
    println!(
        "     ({label}: libebur128's own LRA, 1 s sampling: {:.3} LU)",
        r.loudness_range().unwrap_or(f64::NAN)
    );
    checks.within(
        &format!("{label} LRA"),
        summary.readiness.loudness_range_lu,
        expected,
        LRA_LU,
        LRA_LU,
    );

    for (ch, samples) in signal.iter().enumerate() {
        let got = summary
            .sample_peak_per_channel_dbfs
            .get(ch)
            .copied()
            .flatten();
        let expected = r.sample_peak(ch as u32).expect("sample peak mode is on");
        let got_linear = got.map(|d| 10f64.powf(d / 20.0));
        checks.check(
            got_linear.is_some_and(|g| (g - expected).abs() <= SAMPLE_PEAK_LINEAR),
            || {
                format!(
                    "{label} ch {ch} sample peak: got {got_linear:?} linear, expected {expected}"
                )
            },
        );
        let expected = amplitude_to_db(r.true_peak(ch as u32).expect("true peak mode is on"))
            .expect("not silent");
        let got = summary
            .true_peak_per_channel_dbtp
            .get(ch)
            .copied()
            .flatten();
        let ideal = ideal_true_peak_dbtp(samples).unwrap_or(f64::NAN);
        println!("     ({label} ch {ch}: ideal reconstruction peaks at {ideal:.3} dBTP)");
        match tp_check {
            TruePeakCheck::NearReference => checks.within(
                &format!("{label} ch {ch} true peak"),
                got,
                expected,
                TRUE_PEAK_DB,
                TRUE_PEAK_DB,
            ),
            TruePeakCheck::AtLeastAsCloseToIdeal => checks.check(
                got.is_some_and(|g| (g - ideal).abs() <= (expected - ideal).abs() + 0.05),
                || {
                    format!(
                        "{label} ch {ch} true peak: got {got:?}, reference {expected:.3}, ideal {ideal:.3}"
                    )
                },
            ),
        }
    }
}

#[test]
fn white_noise_matches_ebur128() {
    let mut checks = Checks::new();
    for (i, rate) in RATES_HZ.into_iter().enumerate() {
        let signal = signals::white_noise(rate, -20.0, 20.0, 2, 100 + i as u64);
        compare(
            &mut checks,
            "white noise -20 dBFS RMS",
            rate,
            &signal,
            200 + i as u64,
            TruePeakCheck::AtLeastAsCloseToIdeal,
        );
    }
    checks.finish();
}

#[test]
fn pink_noise_matches_ebur128() {
    let mut checks = Checks::new();
    for (i, rate) in RATES_HZ.into_iter().enumerate() {
        let signal = signals::pink_noise(rate, -20.0, 20.0, 2, 300 + i as u64);
        compare(
            &mut checks,
            "pink noise -20 dBFS RMS",
            rate,
            &signal,
            400 + i as u64,
            TruePeakCheck::NearReference,
        );
    }
    checks.finish();
}

#[test]
fn music_like_signal_matches_ebur128() {
    let mut checks = Checks::new();
    for (i, rate) in RATES_HZ.into_iter().enumerate() {
        let signal = signals::music_like(rate, 60.0, 500 + i as u64);
        compare(
            &mut checks,
            "music-like",
            rate,
            &signal,
            600 + i as u64,
            TruePeakCheck::NearReference,
        );
    }
    checks.finish();
}

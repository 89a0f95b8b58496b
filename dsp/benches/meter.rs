//! Cost of metering, 48 kHz stereo, on 10 s of the music-like signal.
//!
//! - (a)  `SpectrumMode::Off`: what runs on the master bus all the time (loudness, gating, LRA,
//!   true peak, correlation), at 64-, 512- and 4096-frame blocks.
//! - (a') `SpectrumMode::LongTerm`: (a) plus the long-term spectrum the readiness checks read.
//! - (b)  `SpectrumMode::Display`: (a') plus the live spectrum (editor open).
//! - (c)  the `ebur128` crate with I | S | M | LRA | HISTOGRAM | TRUE_PEAK on the same blocks.
//!
//! - (d)  denormal-level input against normal input, with the spectrum as the plug-in runs it
//!   (`SpectrumMode::LongTerm`): 10 s of noise at 1e-39 (every sample subnormal), a tone that
//!   decays through the subnormal range into silence, and a steady tone at 1e-30 (a normal
//!   float whose square is not). The meter flushes subnormal samples and filter states, so none
//!   should cost more than normal audio.
//!
//! After the criterion groups, `cargo bench` prints each variant's speed as a multiple of real
//! time, the cost of (a) relative to (c), and the cost of each (d) input relative to normal
//! input, timed directly over a few repetitions in the same run.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use ebur128::{EbuR128, Mode};
use preflight_dsp::signals::{self, Planar, Prng};
use preflight_dsp::{ChannelLayout, Meter, MeterConfig, SpectrumMode};

const RATE_HZ: u32 = 48_000;
const SECONDS: f64 = 10.0;
const BLOCK_SIZES: [usize; 3] = [64, 512, 4096];
const MAIN_BLOCK: usize = 512;
const REALTIME_REPETITIONS: usize = 3;

fn preflight(mode: SpectrumMode, max_block: usize) -> Meter {
    let mut config = MeterConfig::new(RATE_HZ, ChannelLayout::Stereo, max_block);
    config.spectrum = mode;
    Meter::new(config).expect("supported configuration")
}

fn reference() -> EbuR128 {
    let mode = Mode::I | Mode::S | Mode::M | Mode::LRA | Mode::HISTOGRAM | Mode::TRUE_PEAK;
    EbuR128::new(2, RATE_HZ, mode).expect("supported configuration")
}

/// Measures the whole signal in `block`-frame blocks from a reset meter.
fn run_preflight(meter: &mut Meter, signal: &Planar, block: usize) {
    meter.reset();
    let frames = signals::frame_count(signal);
    let mut start = 0;
    while start < frames {
        let n = block.min(frames - start);
        meter.process(&signals::channel_slices(signal, start, n)[..2]);
        start += n;
    }
    black_box(meter.snapshot());
}

fn run_reference(meter: &mut EbuR128, signal: &Planar, block: usize) {
    meter.reset();
    let frames = signals::frame_count(signal);
    let mut start = 0;
    while start < frames {
        let n = block.min(frames - start);
        meter
            .add_frames_planar_f32(&signals::channel_slices(signal, start, n)[..2])
            .expect("equal-length channels");
        start += n;
    }
    black_box(meter.loudness_global().ok());
}

fn benches(c: &mut Criterion, signal: &Planar) {
    let frames = signals::frame_count(signal) as u64;
    let mut group = c.benchmark_group("meter_48k_stereo_10s");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1))
        .sampling_mode(SamplingMode::Flat)
        .throughput(Throughput::Elements(frames));

    for block in BLOCK_SIZES {
        let mut meter = preflight(SpectrumMode::Off, block);
        group.bench_with_input(
            BenchmarkId::new("a_spectrum_off", block),
            &block,
            |b, &block| {
                b.iter(|| run_preflight(&mut meter, signal, block));
            },
        );
    }
    let mut meter = preflight(SpectrumMode::LongTerm, MAIN_BLOCK);
    group.bench_with_input(
        BenchmarkId::new("a2_spectrum_long_term", MAIN_BLOCK),
        &MAIN_BLOCK,
        |b, &block| {
            b.iter(|| run_preflight(&mut meter, signal, block));
        },
    );
    let mut meter = preflight(SpectrumMode::Display, MAIN_BLOCK);
    group.bench_with_input(
        BenchmarkId::new("b_spectrum_display", MAIN_BLOCK),
        &MAIN_BLOCK,
        |b, &block| {
            b.iter(|| run_preflight(&mut meter, signal, block));
        },
    );
    let mut ebu = reference();
    group.bench_with_input(
        BenchmarkId::new("c_ebur128", MAIN_BLOCK),
        &MAIN_BLOCK,
        |b, &block| {
            b.iter(|| run_reference(&mut ebu, signal, block));
        },
    );
    group.finish();
}

/// 10 s of independent noise in +-1e-39 on both channels: below f32's smallest normal number
/// (1.18e-38), so every non-zero sample is subnormal.
fn subnormal_noise() -> Planar {
    let frames = signals::seconds_to_frames(RATE_HZ, SECONDS);
    let mut rng = Prng::new(39);
    (0..2)
        .map(|_| {
            (0..frames)
                .map(|_| (1e-39 * rng.bipolar()) as f32)
                .collect()
        })
        .collect()
}

/// A 440 Hz tone from -20 dBFS falling 100 dB a second (a reverb tail nobody truncated):
/// normal floats for 7.4 s, the last 3 s of them tiny, subnormal until 8.8 s, then zero while
/// the filters' own states decay.
fn decaying_tone() -> Planar {
    let frames = signals::seconds_to_frames(RATE_HZ, SECONDS);
    let rate = f64::from(RATE_HZ);
    let one: Vec<f32> = (0..frames)
        .map(|n| {
            let t = n as f64 / rate;
            let db = -20.0 - 100.0 * t;
            (10f64.powf(db / 20.0) * (std::f64::consts::TAU * 440.0 * t).sin()) as f32
        })
        .collect();
    vec![one.clone(), one]
}

/// A steady 440 Hz tone peaking at 1e-30 (-600 dBFS): every sample is a normal float, but
/// squares and filter products of such samples fall below f32's normal range.
fn tiny_tone() -> Planar {
    let frames = signals::seconds_to_frames(RATE_HZ, SECONDS);
    let rate = f64::from(RATE_HZ);
    let one: Vec<f32> = (0..frames)
        .map(|n| (1e-30 * (std::f64::consts::TAU * 440.0 * n as f64 / rate).sin()) as f32)
        .collect();
    vec![one.clone(), one]
}

fn denormal_benches(c: &mut Criterion, normal: &Planar, inputs: &[(&str, Planar)]) {
    let frames = signals::frame_count(normal) as u64;
    let mut group = c.benchmark_group("denormal_input_48k_stereo_10s");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1))
        .sampling_mode(SamplingMode::Flat)
        .throughput(Throughput::Elements(frames));
    let mut meter = preflight(SpectrumMode::LongTerm, MAIN_BLOCK);
    group.bench_function("d_normal", |b| {
        b.iter(|| run_preflight(&mut meter, normal, MAIN_BLOCK));
    });
    for (name, signal) in inputs {
        let mut meter = preflight(SpectrumMode::LongTerm, MAIN_BLOCK);
        group.bench_function(*name, |b| {
            b.iter(|| run_preflight(&mut meter, signal, MAIN_BLOCK));
        });
    }
    group.finish();
}

fn print_denormal_ratios(normal: &Planar, inputs: &[(&str, Planar)]) {
    println!(
        "\ncost of denormal-level input relative to normal input, long-term spectrum, \
         {MAIN_BLOCK}-frame blocks (best of {REALTIME_REPETITIONS}; at or below 1.0x: no \
         penalty):"
    );
    let mut meter = preflight(SpectrumMode::LongTerm, MAIN_BLOCK);
    let reference = best_of(|| run_preflight(&mut meter, normal, MAIN_BLOCK));
    for (name, signal) in inputs {
        let d = best_of(|| run_preflight(&mut meter, signal, MAIN_BLOCK));
        println!(
            "  (d)  {name:<22} {:.2}x",
            d.as_secs_f64() / reference.as_secs_f64().max(1e-12)
        );
    }
}

/// Fastest of a few timed runs of `run`.
fn best_of(mut run: impl FnMut()) -> Duration {
    (0..REALTIME_REPETITIONS)
        .map(|_| {
            let t = Instant::now();
            run();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn print_realtime(signal: &Planar) {
    let x_realtime = |d: Duration| SECONDS / d.as_secs_f64().max(1e-9);
    println!("\nx real time, {RATE_HZ} Hz stereo, {SECONDS} s of music-like audio (best of {REALTIME_REPETITIONS}):");
    let mut off_512 = Duration::ZERO;
    for block in BLOCK_SIZES {
        let mut meter = preflight(SpectrumMode::Off, block);
        let d = best_of(|| run_preflight(&mut meter, signal, block));
        if block == MAIN_BLOCK {
            off_512 = d;
        }
        println!(
            "  (a)  preflight, spectrum off,       {block:>4}-frame blocks: {:>8.0}x",
            x_realtime(d)
        );
    }
    let mut meter = preflight(SpectrumMode::LongTerm, MAIN_BLOCK);
    let d = best_of(|| run_preflight(&mut meter, signal, MAIN_BLOCK));
    println!(
        "  (a') preflight, long-term spectrum, {MAIN_BLOCK:>4}-frame blocks: {:>8.0}x",
        x_realtime(d)
    );
    let mut meter = preflight(SpectrumMode::Display, MAIN_BLOCK);
    let d = best_of(|| run_preflight(&mut meter, signal, MAIN_BLOCK));
    println!(
        "  (b)  preflight, display spectrum,   {MAIN_BLOCK:>4}-frame blocks: {:>8.0}x",
        x_realtime(d)
    );
    let mut ebu = reference();
    let reference_512 = best_of(|| run_reference(&mut ebu, signal, MAIN_BLOCK));
    println!(
        "  (c)  ebur128 I|S|M|LRA|HISTOGRAM|TRUE_PEAK, {MAIN_BLOCK}-frame blocks: {:>8.0}x",
        x_realtime(reference_512)
    );
    println!(
        "  time (a) / time (c) at {MAIN_BLOCK}-frame blocks: {:.2} (below 1: preflight is cheaper)",
        off_512.as_secs_f64() / reference_512.as_secs_f64().max(1e-12)
    );
}

fn main() {
    let signal = signals::music_like(RATE_HZ, SECONDS, 1);
    let denormal = [
        ("d_noise_1e-39", subnormal_noise()),
        ("d_decay_to_subnormal", decaying_tone()),
        ("d_tone_1e-30", tiny_tone()),
    ];
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion, &signal);
    denormal_benches(&mut criterion, &signal, &denormal);
    criterion.final_summary();
    // `cargo bench` passes `--bench`; `cargo test --benches` runs each benchmark once without it.
    if std::env::args().any(|a| a == "--bench") {
        print_realtime(&signal);
        print_denormal_ratios(&signal, &denormal);
    }
}

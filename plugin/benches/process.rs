//! The plug-in's audio-thread cost with the editor closed against the engine's always-on set, in
//! one run: 48 kHz stereo, 10 s of the music-like signal, 512-frame blocks.
//!
//! - `meter_always_on`: `Meter::process` with the spectrum off (the dsp benchmark's variant (a)).
//! - `plugin_editor_closed`: the plug-in's block (`Engine::run_block`: transport and editor
//!   requests, the meter with the sampled long-term spectrum the readiness checks need, the
//!   host's timeline, the records sent to the session's recorder (a hop every 100 ms, the
//!   totals every second) and a snapshot every 20 ms).
//!
//! `cargo bench -p preflight --bench process` prints both as multiples of real time and their
//! ratio.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput};
use preflight::engine::{BlockContext, Engine};
use preflight::shared::SharedState;
use preflight_dsp::signals::{self, Planar};
use preflight_dsp::{
    snapshot_channel, ChannelLayout, HostTimeline, Meter, MeterConfig, Recorder, SpectrumMode,
};

const RATE_HZ: u32 = 48_000;
const BLOCK: usize = 512;
const SECONDS: f64 = 10.0;

fn meter(mode: SpectrumMode) -> Meter {
    let mut config = MeterConfig::new(RATE_HZ, ChannelLayout::Stereo, BLOCK);
    config.spectrum = mode;
    Meter::new(config).expect("supported configuration")
}

fn run_meter(m: &mut Meter, signal: &Planar) {
    let frames = signals::frame_count(signal);
    let mut start = 0;
    while start < frames {
        let end = (start + BLOCK).min(frames);
        m.process(&[&signal[0][start..end], &signal[1][start..end]]);
        start = end;
    }
}

fn run_engine(engine: &mut Engine, shared: &SharedState, signal: &Planar) {
    let frames = signals::frame_count(signal);
    let mut block = BlockContext {
        playing: true,
        ..BlockContext::default()
    };
    let mut start = 0;
    while start < frames {
        let end = (start + BLOCK).min(frames);
        let input = [&signal[0][start..end], &signal[1][start..end]];
        let seconds = start as f64 / f64::from(RATE_HZ);
        block.timeline = Some(HostTimeline {
            seconds: Some(seconds),
            beats: Some(seconds * 2.0),
            tempo_bpm: Some(120.0),
            ..HostTimeline::default()
        });
        black_box(engine.run_block(&input, end - start, block, shared));
        start = end;
    }
}

/// The plug-in's engine, and its recorder (whose hop queue is long enough for the whole
/// benchmark: nothing drains it here).
fn engine() -> (Engine, Recorder) {
    let (sender, _receiver) = snapshot_channel(64);
    let mut meter = meter(SpectrumMode::LongTerm);
    let recorder = meter.record(1 << 16);
    let engine = Engine::new(meter, sender, RATE_HZ, (RATE_HZ, 2, BLOCK));
    (engine, recorder)
}

fn best_of(reps: usize, mut f: impl FnMut()) -> f64 {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let signal = signals::music_like(RATE_HZ, SECONDS, 7);
    let frames = signals::frame_count(&signal) as u64;
    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("plugin_48k_stereo_10s_512");
    group.throughput(Throughput::Elements(frames));
    group.sample_size(10);
    let mut m = meter(SpectrumMode::Off);
    group.bench_function("meter_always_on", |b| b.iter(|| run_meter(&mut m, &signal)));
    let shared = SharedState::default();
    let (mut e, _recorder) = engine();
    group.bench_function("plugin_editor_closed", |b| {
        b.iter(|| run_engine(&mut e, &shared, &signal))
    });
    group.finish();
    criterion.final_summary();

    // `cargo bench` passes `--bench`; `cargo test --benches` runs each benchmark once without it.
    if std::env::args().any(|a| a == "--bench") {
        let mut m = meter(SpectrumMode::Off);
        let (mut e, _recorder) = engine();
        let t_meter = best_of(5, || run_meter(&mut m, &signal));
        let t_plugin = best_of(5, || run_engine(&mut e, &shared, &signal));
        println!("x real time, 48000 Hz stereo, 512-frame blocks (best of 5):");
        println!("  meter, always-on set:        {:>6.0}x", SECONDS / t_meter);
        println!(
            "  plug-in, editor closed:      {:>6.0}x",
            SECONDS / t_plugin
        );
        println!(
            "  plug-in cost / always-on cost: {:.3} (target: at most 1.10)",
            t_plugin / t_meter
        );
    }
}

//! Cost of one editor frame on the GUI thread: layout of every panel and tessellation of what it
//! draws, at the design size (960 x 600 points), with a full minute of history, a live and a
//! long-term spectrum, a goniometer trail and a report with findings. The budget is 2 ms.
//!
//! The model comes from a real measurement: 75 s of a synthetic mix with a 300 Hz build-up,
//! measured in display mode with a snapshot every 20 ms. Frames alternate between two
//! consecutive states, so the readings change from frame to frame as they do live.
//!
//! A second benchmark times [`Model::update`], which runs once per snapshot (50 a second) and
//! every tenth time also runs the readiness rules.
//!
//! `cargo bench -p preflight-gui --bench frame`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use preflight_dsp::mixes;
use preflight_dsp::signals::{channel_slices, frame_count};
use preflight_dsp::{ChannelLayout, Meter, MeterConfig, SpectrumMode};
use preflight_gui::{draw, theme, Actions, Model, DESIGN_SIZE, SNAPSHOT_RATE_HZ};

const RATE_HZ: u32 = 48_000;

fn block_frames() -> u64 {
    u64::from(RATE_HZ / SNAPSHOT_RATE_HZ)
}

/// Two consecutive states of a meter that has measured 75 s of a mix, and its last snapshots.
fn measured_models() -> ([Model; 2], Vec<preflight_dsp::Snapshot>) {
    let mut signal = mixes::clean_mix(RATE_HZ, 75.0, 11);
    mixes::peaking_eq(&mut signal, RATE_HZ, 320.0, 6.0, 0.9);
    mixes::normalise_peak(&mut signal, -2.6);
    let block = (RATE_HZ / SNAPSHOT_RATE_HZ) as usize;
    let mut config = MeterConfig::new(RATE_HZ, ChannelLayout::from_channel_count(2), block);
    config.spectrum = SpectrumMode::Display;
    let mut meter = Meter::new(config).expect("a valid configuration");
    let mut model = Model::new();
    let frames = frame_count(&signal);
    let mut start = 0;
    let mut previous = None;
    let mut snapshots = Vec::new();
    while start + block <= frames {
        meter.process(&channel_slices(&signal, start, block)[..2]);
        previous = Some(model.clone());
        let snapshot = meter.snapshot();
        if frames - start < 20 * block {
            snapshots.push(snapshot);
        }
        model.update(snapshot);
        start += block;
    }
    model.refresh_report();
    let mut previous = previous.expect("more than one snapshot");
    previous.refresh_report();
    assert_eq!(model.history().len(), model.history().capacity());
    assert!(model.report().is_some_and(|r| !r.findings.is_empty()));
    ([previous, model], snapshots)
}

fn input(pixels_per_point: f32) -> egui::RawInput {
    let mut input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, DESIGN_SIZE)),
        ..egui::RawInput::default()
    };
    if let Some(viewport) = input.viewports.get_mut(&egui::ViewportId::ROOT) {
        viewport.native_pixels_per_point = Some(pixels_per_point);
    }
    input
}

/// One frame: layout and painting of every panel, then tessellation into meshes.
fn frame(ctx: &egui::Context, input: &egui::RawInput, model: &Model) -> usize {
    let mut actions = Actions::default();
    let mut output = ctx.run_ui(input.clone(), |ui| draw(ui, model, &mut actions));
    // The font atlas is uploaded in the first frames; a real renderer would take it.
    output.textures_delta.clear();
    let primitives = ctx.tessellate(std::mem::take(&mut output.shapes), output.pixels_per_point);
    primitives.len()
}

fn bench_frame(c: &mut Criterion) {
    let (models, snapshots) = measured_models();
    let mut group = c.benchmark_group("editor_frame");
    for (name, pixels_per_point) in [("960x600", 1.0), ("960x600_hidpi_2x", 2.0)] {
        let ctx = egui::Context::default();
        theme::install(&ctx);
        let input = input(pixels_per_point);
        // Fonts and caches warm up over the first frames, as in the editor.
        for model in models.iter().cycle().take(10) {
            frame(&ctx, &input, model);
        }
        let mut next = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                next = (next + 1) % models.len();
                black_box(frame(&ctx, &input, &models[next]))
            });
        });
    }
    group.finish();

    let mut model = models[1].clone();
    let mut count = 0u64;
    c.bench_function("model_update_per_snapshot", |b| {
        b.iter(|| {
            count += 1;
            let mut snapshot = snapshots[count as usize % snapshots.len()];
            // Keep the measurement going forward, or the model would see a reset each lap.
            snapshot.frames_measured += count * block_frames();
            model.update(black_box(snapshot));
        });
    });
}

criterion_group!(benches, bench_frame);
criterion_main!(benches);

//! Renders the editor, fed with a real test signal, to `docs/screenshot.png` (960 x 600).
//!
//! ```sh
//! cargo run -p preflight-gui --features screenshot --example screenshot [-- OUT.png [MIX [WxH]]]
//! ```
//!
//! The signal is one of the synthetic mixes of `preflight_dsp::mixes` (75 s, 48 kHz stereo),
//! measured by a [`Meter`] in display mode with a snapshot every 20 ms of audio, as the plug-in
//! does. `MIX` is `muddy` (default: a mix pushed a little hot with a 300 Hz build-up, so the
//! banner has findings to show), `clean`, `clipped` or `inverted`. The References panel holds one
//! reference, a clean mix of another seed measured the same way, so the spectrum draws its
//! balance over the mix's. Rendering is offscreen
//! through wgpu; a software driver (Mesa's lavapipe or llvmpipe) is enough. `WxH` renders
//! another window size (points), to see how the layout reflows.

use std::path::PathBuf;

use egui_kittest::Harness;
use preflight_dsp::mixes;
use preflight_dsp::readiness::Tonal;
use preflight_dsp::signals::{channel_slices, frame_count};
use preflight_dsp::{ChannelLayout, Meter, MeterConfig, SpectrumMode};
use preflight_gui::{
    draw, Actions, Model, ReferenceState, ReferenceTrack, DESIGN_SIZE, SNAPSHOT_RATE_HZ,
};

const RATE_HZ: u32 = 48_000;
const SECONDS: f64 = 75.0;
/// The harness puts this margin around the view; the image is cropped to the view.
const HARNESS_MARGIN: u32 = 8;

fn mix(name: &str) -> Result<Vec<Vec<f32>>, String> {
    let mut signal = mixes::clean_mix(RATE_HZ, SECONDS, 11);
    match name {
        "clean" => {}
        "muddy" => {
            mixes::peaking_eq(&mut signal, RATE_HZ, 320.0, 6.0, 0.9);
            mixes::normalise_peak(&mut signal, -2.6);
        }
        "clipped" => {
            mixes::gain(&mut signal, 6.0);
            for x in signal.iter_mut().flatten() {
                *x = x.clamp(-1.0, 1.0);
            }
        }
        "inverted" => mixes::invert_right_from_left(&mut signal),
        other => {
            return Err(format!(
                "unknown mix {other:?} (clean, muddy, clipped, inverted)"
            ))
        }
    }
    Ok(signal)
}

/// Meters `signal` as the plug-in does, feeding each snapshot to `model` when there is one;
/// returns the balance the reference comparison reads.
fn measure(signal: &[Vec<f32>], mut model: Option<&mut Model>) -> Result<Tonal, String> {
    let block = (RATE_HZ / SNAPSHOT_RATE_HZ) as usize;
    let mut config = MeterConfig::new(RATE_HZ, ChannelLayout::from_channel_count(2), block);
    config.spectrum = SpectrumMode::Display;
    let mut meter = Meter::new(config).map_err(|e| e.to_string())?;
    let frames = frame_count(signal);
    let mut start = 0;
    while start + block <= frames {
        let channels = channel_slices(signal, start, block);
        meter.process(&channels[..signal.len()]);
        if let Some(model) = model.as_deref_mut() {
            model.update(meter.snapshot());
        }
        start += block;
    }
    let summary = meter.summary();
    Ok(Tonal {
        integrated_lufs: summary.readiness.integrated_lufs,
        spectrum_db: summary.readiness.spectrum_db,
    })
}

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let out = args.next().map_or_else(
        || {
            let gui_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            gui_dir
                .parent()
                .unwrap_or(&gui_dir)
                .join("docs")
                .join("screenshot.png")
        },
        PathBuf::from,
    );
    let mix_name = args.next().unwrap_or_else(|| "muddy".to_owned());
    let size = match args.next() {
        Some(text) => {
            let (w, h) = text
                .split_once('x')
                .and_then(|(w, h)| Some((w.parse::<f32>().ok()?, h.parse::<f32>().ok()?)))
                .ok_or_else(|| format!("size {text:?} is not WxH"))?;
            egui::vec2(w, h)
        }
        None => DESIGN_SIZE,
    };

    let signal = mix(&mix_name)?;
    let mut model = Model::new();
    measure(&signal, Some(&mut model))?;
    let reference = measure(&mixes::clean_mix(RATE_HZ, SECONDS, 5), None)?;
    model.set_references(&[ReferenceTrack {
        path: "references/clean mix.wav".to_owned(),
        state: ReferenceState::Ready(Box::new(reference)),
    }]);
    model.refresh_report();

    let margin = HARNESS_MARGIN as f32;
    let mut harness = Harness::builder()
        .with_size(size + egui::vec2(2.0 * margin, 2.0 * margin))
        .with_pixels_per_point(1.0)
        .wgpu()
        .build_ui_state(
            |ui, model: &mut Model| {
                let mut actions = Actions::default();
                draw(ui, model, &mut actions);
            },
            model,
        );
    harness.run();
    let image = harness.render()?;
    let view = image::imageops::crop_imm(
        &image,
        HARNESS_MARGIN,
        HARNESS_MARGIN,
        size.x as u32,
        size.y as u32,
    )
    .to_image();
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    view.save(&out)
        .map_err(|e| format!("{}: {e}", out.display()))?;
    println!(
        "wrote {} ({mix_name} mix, {}x{})",
        out.display(),
        size.x,
        size.y
    );
    Ok(())
}

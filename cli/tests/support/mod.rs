//! Test-file writers and helpers shared by the CLI's integration tests.
//!
//! Every test file is synthesised here, in a temporary directory: WAV through `hound` (and by hand
//! for 64-bit float, which hound cannot write), AIFF/AIFC and FLAC by small hand-written encoders.
#![allow(dead_code)] // each test crate uses a different subset

pub mod aiff;
pub mod flac;
pub mod wav;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Interleaved test audio in [-1, 1].
#[derive(Debug, Clone)]
pub struct Audio {
    pub sample_rate_hz: u32,
    pub channels: u16,
    pub samples: Vec<f64>,
}

impl Audio {
    /// A sine of `hz` with peak `peak_dbfs`, identical in every channel.
    pub fn sine(sample_rate_hz: u32, channels: u16, hz: f64, peak_dbfs: f64, seconds: f64) -> Self {
        let amplitude = 10f64.powf(peak_dbfs / 20.0);
        let frames = (seconds * f64::from(sample_rate_hz)).round() as usize;
        let mut samples = Vec::with_capacity(frames * usize::from(channels));
        for n in 0..frames {
            let x = amplitude
                * (2.0 * std::f64::consts::PI * hz * n as f64 / f64::from(sample_rate_hz)).sin();
            samples.extend(std::iter::repeat_n(x, usize::from(channels)));
        }
        Self {
            sample_rate_hz,
            channels,
            samples,
        }
    }

    /// Digital silence.
    pub fn silence(sample_rate_hz: u32, channels: u16, seconds: f64) -> Self {
        let frames = (seconds * f64::from(sample_rate_hz)).round() as usize;
        Self {
            sample_rate_hz,
            channels,
            samples: vec![0.0; frames * usize::from(channels)],
        }
    }

    /// A ramp that differs per channel and per frame, for sample-exact decode checks.
    pub fn ramp(sample_rate_hz: u32, channels: u16, frames: usize) -> Self {
        let mut samples = Vec::with_capacity(frames * usize::from(channels));
        for n in 0..frames {
            for c in 0..channels {
                let phase = ((n * 7 + usize::from(c) * 1013) % 2000) as f64 / 1000.0 - 1.0;
                samples.push(phase * 0.9);
            }
        }
        Self {
            sample_rate_hz,
            channels,
            samples,
        }
    }

    pub fn frames(&self) -> usize {
        self.samples.len() / usize::from(self.channels)
    }

    /// A stereo pair of planar channels (as `preflight_dsp::mixes` makes them).
    pub fn stereo(sample_rate_hz: u32, planar: &[Vec<f32>]) -> Self {
        let samples = planar[0]
            .iter()
            .zip(&planar[1])
            .flat_map(|(&l, &r)| [f64::from(l), f64::from(r)])
            .collect();
        Self {
            sample_rate_hz,
            channels: 2,
            samples,
        }
    }
}

/// Quantises to a signed integer of `bits` bits (full scale = 2^(bits-1)).
pub fn to_int(x: f64, bits: u32) -> i32 {
    let full = f64::from(1u32 << (bits - 1));
    (x * full).round().clamp(-full, full - 1.0) as i32
}

/// Runs the `preflight` binary.
pub fn preflight(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run preflight: {e}"))
}

/// Runs `preflight analyze --json` on paths.
pub fn analyze_json(paths: &[&Path]) -> Output {
    let mut args: Vec<&str> = vec!["analyze", "--json"];
    args.extend(
        paths
            .iter()
            .map(|p| p.to_str().unwrap_or_else(|| panic!("non-UTF-8 path"))),
    );
    preflight(&args)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Parses stdout as JSON, failing the test with both streams shown if it is not.
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(o),
            stderr(o)
        )
    })
}

/// A content hash plus length, to prove a file was not modified.
pub fn fingerprint(path: &Path) -> (u64, u64) {
    use std::hash::{Hash, Hasher};
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    (bytes.len() as u64, h.finish())
}

/// Deterministic pseudo-random bytes (xorshift64*).
pub fn random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        out.extend_from_slice(&seed.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    out.truncate(len);
    out
}

pub fn path_in(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

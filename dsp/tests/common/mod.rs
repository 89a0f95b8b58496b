//! Helpers shared by the integration tests: the compliance tolerances, meter construction and
//! feeding audio in fixed, 10 ms or random block sizes.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

pub mod alloc;

use preflight_dsp::signals::{self, Prng};
use preflight_dsp::{ChannelLayout, Meter, MeterConfig, Snapshot};

/// Sample rates the compliance cases run at.
pub const RATES_HZ: [u32; 3] = [44_100, 48_000, 96_000];

/// EBU Tech 3341: momentary, short-term and integrated loudness, +-0.1 LU.
pub const LOUDNESS_TOLERANCE_LU: f64 = 0.1;
/// EBU Tech 3341: true peak may read at most 0.2 dB high...
pub const TRUE_PEAK_OVER_DB: f64 = 0.2;
/// ...and at most 0.4 dB low.
pub const TRUE_PEAK_UNDER_DB: f64 = 0.4;
/// EBU Tech 3342: loudness range, +-1 LU.
pub const LRA_TOLERANCE_LU: f64 = 1.0;

/// Largest block the test meters are built for (random partitions stay within it).
pub const MAX_BLOCK_FRAMES: usize = 4096;

/// The test tone of Tech 3341 / 3342.
pub const TONE_HZ: f64 = 1000.0;

/// A reading from the meter: any of the float or optional float fields.
pub trait Reading {
    /// The value, `None` when the meter reported no signal.
    fn value(self) -> Option<f64>;
}

impl Reading for f64 {
    fn value(self) -> Option<f64> {
        Some(self)
    }
}

impl Reading for f32 {
    fn value(self) -> Option<f64> {
        Some(f64::from(self))
    }
}

impl Reading for Option<f64> {
    fn value(self) -> Option<f64> {
        self
    }
}

impl Reading for Option<f32> {
    fn value(self) -> Option<f64> {
        self.map(f64::from)
    }
}

/// Checks `expected - lo <= got <= expected + hi`, printing the reading either way.
pub fn check_within(
    name: &str,
    got: impl Reading,
    expected: f64,
    lo: f64,
    hi: f64,
) -> Result<(), String> {
    let got = got.value();
    let ok = got.is_some_and(|g| g >= expected - lo && g <= expected + hi);
    let line = match got {
        Some(g) => format!(
            "{name}: got {g:.4}, expected {expected:.4} (-{lo}/+{hi}), error {:+.4}",
            g - expected
        ),
        None => format!("{name}: got no reading, expected {expected:.4} (-{lo}/+{hi})"),
    };
    println!("{} {line}", if ok { "ok  " } else { "FAIL" });
    if ok {
        Ok(())
    } else {
        Err(line)
    }
}

/// Panics unless `expected - lo <= got <= expected + hi`; prints got and expected either way.
pub fn assert_within(name: &str, got: impl Reading, expected: f64, lo: f64, hi: f64) {
    if let Err(line) = check_within(name, got, expected, lo, hi) {
        panic!("{line}");
    }
}

/// Collects several readings and fails once at the end with every failing one, so a report
/// shows all figures rather than the first.
#[derive(Debug, Default)]
pub struct Checks {
    failures: Vec<String>,
    count: usize,
}

impl Checks {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `expected - lo <= got <= expected + hi`.
    pub fn within(&mut self, name: &str, got: impl Reading, expected: f64, lo: f64, hi: f64) {
        self.count += 1;
        if let Err(line) = check_within(name, got, expected, lo, hi) {
            self.failures.push(line);
        }
    }

    /// Records a failure described by `line` unless `ok`.
    pub fn check(&mut self, ok: bool, line: impl FnOnce() -> String) {
        self.count += 1;
        if !ok {
            let line = line();
            println!("FAIL {line}");
            self.failures.push(line);
        }
    }

    /// Panics listing every failure, if any.
    pub fn finish(self) {
        assert!(self.count > 0, "no checks were made");
        if !self.failures.is_empty() {
            panic!(
                "{} of {} checks failed:\n  {}",
                self.failures.len(),
                self.count,
                self.failures.join("\n  ")
            );
        }
    }
}

/// A meter with the default configuration (long-term spectrum on).
pub fn meter(rate_hz: u32, layout: ChannelLayout) -> Meter {
    Meter::new(MeterConfig::new(rate_hz, layout, MAX_BLOCK_FRAMES))
        .expect("supported configuration")
}

/// A stereo meter.
pub fn stereo_meter(rate_hz: u32) -> Meter {
    meter(rate_hz, ChannelLayout::Stereo)
}

/// Frames in 10 ms, the meter's update grid.
pub fn ten_ms_frames(rate_hz: u32) -> usize {
    assert_eq!(rate_hz % 100, 0, "10 ms must be a whole number of frames");
    rate_hz as usize / 100
}

/// Feeds `signal` in blocks of `block_frames` (the last block may be shorter).
pub fn feed(meter: &mut Meter, signal: &[Vec<f32>], block_frames: usize) {
    feed_observing(meter, signal, block_frames, |_, _| {});
}

/// Feeds `signal` in blocks of `block_frames` and takes a snapshot after each block, handing it
/// to `observe` with the number of frames fed so far.
pub fn feed_observing(
    meter: &mut Meter,
    signal: &[Vec<f32>],
    block_frames: usize,
    mut observe: impl FnMut(usize, &Snapshot),
) {
    let frames = signals::frame_count(signal);
    let mut start = 0;
    while start < frames {
        let n = block_frames.min(frames - start);
        let slices = signals::channel_slices(signal, start, n);
        meter.process(&slices[..signal.len()]);
        start += n;
        let snapshot = meter.snapshot();
        observe(start, &snapshot);
    }
}

/// Feeds `signal` in blocks of random size, 1 to [`MAX_BLOCK_FRAMES`] frames, drawn from a PRNG
/// seeded with `seed`.
pub fn feed_random(meter: &mut Meter, signal: &[Vec<f32>], seed: u64) {
    let frames = signals::frame_count(signal);
    let mut rng = Prng::new(seed);
    let mut start = 0;
    while start < frames {
        let n = rng.range_inclusive(1, MAX_BLOCK_FRAMES).min(frames - start);
        let slices = signals::channel_slices(signal, start, n);
        meter.process(&slices[..signal.len()]);
        start += n;
    }
}

/// Tracks the largest value of an optional reading.
pub fn raise(max: &mut Option<f64>, value: Option<f32>) {
    if let Some(v) = value {
        let v = f64::from(v);
        *max = Some(max.map_or(v, |m| m.max(v)));
    }
}

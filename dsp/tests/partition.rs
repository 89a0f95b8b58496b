//! Property: how the host slices the audio into blocks does not change any measurement.
//!
//! The same few seconds of audio are fed in random partitions (block sizes 0 to N, with N
//! itself random) and every reading is compared with a reference run in fixed 4096-frame
//! blocks, to 1e-6 relative (in dB, with differences under 1e-6 dB always accepted).

mod common;

use std::sync::OnceLock;

use common::MAX_BLOCK_FRAMES;
use preflight_dsp::signals::{self, Planar, Prng};
use preflight_dsp::{ChannelLayout, Meter, MeterConfig};
use proptest::prelude::*;
use proptest::test_runner::Config;

const RATE_HZ: u32 = 48_000;
const SECONDS: f64 = 8.0;
const RELATIVE: f64 = 1e-6;

fn audio() -> &'static Planar {
    static AUDIO: OnceLock<Planar> = OnceLock::new();
    AUDIO.get_or_init(|| signals::music_like(RATE_HZ, SECONDS, 77))
}

/// Every reading the partition must not change.
#[derive(Debug, Clone, PartialEq)]
struct Readings {
    named: Vec<(&'static str, Option<f64>)>,
}

fn new_meter() -> Meter {
    Meter::new(MeterConfig::new(
        RATE_HZ,
        ChannelLayout::Stereo,
        MAX_BLOCK_FRAMES,
    ))
    .expect("supported")
}

fn readings(meter: &mut Meter) -> Readings {
    let s = meter.snapshot();
    let summary = meter.summary();
    let f = |v: Option<f32>| v.map(f64::from);
    let named = vec![
        ("momentary", f(s.momentary_lufs)),
        ("short-term", f(s.short_term_lufs)),
        ("integrated (snapshot)", f(s.integrated_lufs)),
        ("integrated (summary)", summary.readiness.integrated_lufs),
        ("LRA (summary)", summary.readiness.loudness_range_lu),
        ("max momentary", f(s.max_momentary_lufs)),
        ("max short-term", f(s.max_short_term_lufs)),
        ("true peak (summary)", summary.readiness.true_peak_dbtp),
        ("sample peak (summary)", summary.readiness.sample_peak_dbfs),
        ("true peak max L", f(s.true_peak_max_dbtp[0])),
        ("true peak max R", f(s.true_peak_max_dbtp[1])),
        ("sample peak max L", f(s.sample_peak_max_dbfs[0])),
        ("sample peak max R", f(s.sample_peak_max_dbfs[1])),
    ];
    Readings { named }
}

fn reference() -> &'static Readings {
    static REFERENCE: OnceLock<Readings> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        let mut m = new_meter();
        let signal = audio();
        let frames = signals::frame_count(signal);
        let mut start = 0;
        while start < frames {
            let n = MAX_BLOCK_FRAMES.min(frames - start);
            m.process(&signals::channel_slices(signal, start, n)[..2]);
            start += n;
        }
        readings(&mut m)
    })
}

/// Block sizes covering `frames`: each 0..=`max_block`, drawn from `seed`.
fn partition(seed: u64, max_block: usize, frames: usize) -> Vec<usize> {
    let mut rng = Prng::new(seed);
    let mut sizes = Vec::new();
    let mut total = 0;
    while total < frames {
        let n = rng.range_inclusive(0, max_block).min(frames - total);
        sizes.push(n);
        total += n;
    }
    sizes
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() <= RELATIVE * a.abs().max(b.abs()).max(1.0),
        _ => false,
    }
}

fn assert_same(got: &Readings, expected: &Readings) -> Result<(), TestCaseError> {
    for ((name, g), (_, e)) in got.named.iter().zip(&expected.named) {
        prop_assert!(close(*g, *e), "{name}: got {g:?}, reference {e:?}");
    }
    Ok(())
}

fn config() -> Config {
    Config {
        cases: 16,
        failure_persistence: None,
        max_shrink_iters: 32,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn planar_partition_does_not_change_results(seed in any::<u64>(), max_block in 1usize..=MAX_BLOCK_FRAMES) {
        let signal = audio();
        let mut m = new_meter();
        let mut start = 0;
        for n in partition(seed, max_block, signals::frame_count(signal)) {
            m.process(&signals::channel_slices(signal, start, n)[..2]);
            start += n;
        }
        assert_same(&readings(&mut m), reference())?;
    }

    #[test]
    fn interleaved_partition_matches_planar(seed in any::<u64>(), max_block in 1usize..=MAX_BLOCK_FRAMES) {
        static INTERLEAVED: OnceLock<Vec<f32>> = OnceLock::new();
        let interleaved = INTERLEAVED.get_or_init(|| signals::interleave(audio()));
        let mut m = new_meter();
        let mut start = 0;
        for n in partition(seed, max_block, signals::frame_count(audio())) {
            m.process_interleaved(&interleaved[2 * start..2 * (start + n)]);
            start += n;
        }
        assert_same(&readings(&mut m), reference())?;
    }

    /// Digital silence, however it is sliced, never produces a level.
    #[test]
    fn silence_stays_silent(seed in any::<u64>(), max_block in 1usize..=MAX_BLOCK_FRAMES) {
        let signal = signals::silence(RATE_HZ, 4.0, 2);
        let mut m = new_meter();
        let mut start = 0;
        for n in partition(seed, max_block, signals::frame_count(&signal)) {
            m.process(&signals::channel_slices(&signal, start, n)[..2]);
            start += n;
        }
        let r = readings(&mut m);
        for (name, value) in &r.named {
            prop_assert!(value.is_none(), "{name} reads {value:?} on silence");
        }
        prop_assert_eq!(m.snapshot().frames_measured, signals::frame_count(&signal) as u64);
    }
}

//! The meter as a whole: levels, paths, silence, bad input, split measurement, goniometer.

use super::*;
use crate::snapshot::SCOPE_POINTS;
use crate::units::db_to_amplitude;

fn sine(rate: u32, freq: f64, amp: f64, frames: usize) -> Vec<f32> {
    (0..frames)
        .map(|i| (amp * (2.0 * std::f64::consts::PI * freq * i as f64 / rate as f64).sin()) as f32)
        .collect()
}

#[test]
fn stereo_sine_at_minus_23_dbfs_reads_minus_23_lufs() {
    for rate in [44_100, 48_000, 96_000] {
        let mut m =
            Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid config");
        let x = sine(rate, 1000.0, db_to_amplitude(-23.0), rate as usize * 10);
        m.process(&[&x, &x]);
        let s = m.snapshot();
        let i = s.integrated_lufs.expect("gated");
        assert!((i + 23.0).abs() < 0.05, "{rate}: {i}");
        assert!((s.momentary_lufs.expect("level") + 23.0).abs() < 0.05);
        assert!((s.short_term_lufs.expect("level") + 23.0).abs() < 0.05);
        assert_eq!(s.correlation.map(|c| (c * 1000.0).round()), Some(1000.0));
    }
}

#[test]
fn generic_path_matches_stereo_path() {
    let rate = 48_000;
    let l = sine(rate, 440.0, 0.3, 48_000 * 4);
    let r = sine(rate, 660.0, 0.2, 48_000 * 4);
    let mut stereo = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
    let mut other =
        Meter::new(MeterConfig::new(rate, ChannelLayout::Other(2), 512)).expect("valid");
    stereo.process(&[&l, &r]);
    other.process(&[&l, &r]);
    let (a, b) = (stereo.summary(), other.summary());
    assert_eq!(a.readiness.integrated_lufs, b.readiness.integrated_lufs);
    assert_eq!(a.readiness.true_peak_dbtp, b.readiness.true_peak_dbtp);
    assert_eq!(a.correlation, b.correlation);
    assert_eq!(
        a.readiness.low_band_correlation,
        b.readiness.low_band_correlation
    );
}

/// Stereo content an octave above the low band's corner (a wide 300 Hz part over a mono bass)
/// barely moves the low-band correlation; bass of opposite polarity still reads negative.
#[test]
fn the_low_band_correlation_reads_the_bass_not_the_low_mids() {
    for rate in [44_100, 48_000, 96_000] {
        let frames = rate as usize * 6;
        let bass = sine(rate, 60.0, 0.3, frames);
        let mids = sine(rate, 300.0, 0.3, frames);
        let l: Vec<f32> = bass.iter().zip(&mids).map(|(b, m)| b + m).collect();
        let r: Vec<f32> = bass.iter().zip(&mids).map(|(b, m)| b - m).collect();
        let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
        m.process(&[&l, &r]);
        let s = m.summary().readiness;
        let low = s.low_band_correlation.expect("signal");
        assert!(low > 0.98, "{rate}: {low}");
        assert!(s.low_band_mono_loss_db.expect("signal") < 0.1, "{rate}");

        let inverted: Vec<f32> = bass.iter().map(|b| -b).collect();
        let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
        m.process(&[&bass, &inverted]);
        let low = m.summary().readiness.low_band_correlation.expect("signal");
        assert!(low < -0.99, "{rate}: {low}");
    }
}

/// A plug-in sees the host's silence (a stopped transport, the end of the material): the DC
/// offset is that of the audio that is there, however much silence follows or precedes it.
#[test]
fn dc_offset_is_not_diluted_by_silence() {
    let rate = 48_000;
    let offset = db_to_amplitude(-28.0) as f32;
    let music: Vec<f32> = sine(rate, 440.0, 0.25, rate as usize * 10)
        .iter()
        .map(|x| x + offset)
        .collect();
    let silence = vec![0.0f32; rate as usize * 30];
    let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
    m.process(&[&silence[..rate as usize * 5], &silence[..rate as usize * 5]]);
    m.process(&[&music, &music]);
    let just_music = m.readiness_stats().dc_offset_dbfs[0].expect("offset");
    assert!((just_music + 28.0).abs() < 0.05, "{just_music}");
    for _ in 0..4 {
        m.process(&[&silence, &silence]);
        let dc = m.readiness_stats().dc_offset_dbfs[0].expect("offset");
        assert!(
            (dc - just_music).abs() < 1e-9,
            "{dc} after silence vs {just_music}"
        );
    }
    assert_eq!(m.summary().readiness.dc_offset_dbfs[1], Some(just_music));
}

#[test]
fn non_finite_samples_are_counted_and_harmless() {
    let rate = 48_000;
    let mut x = sine(rate, 1000.0, db_to_amplitude(-23.0), rate as usize * 5);
    x[1000] = f32::NAN;
    x[2000] = f32::INFINITY;
    x[3000] = f32::NEG_INFINITY;
    let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
    m.process(&[&x, &x]);
    let s = m.summary();
    assert_eq!(s.readiness.non_finite_samples, 6);
    assert!((s.readiness.integrated_lufs.expect("gated") + 23.0).abs() < 0.05);
    assert!(s.readiness.true_peak_dbtp.expect("level") < -22.0);
}

#[test]
fn clipping_is_counted_with_times() {
    let rate = 48_000;
    let mut x = vec![0.1f32; rate as usize];
    x[4800] = 1.0;
    x[9600] = -1.5;
    let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Mono, 512)).expect("valid");
    m.process(&[&x]);
    let s = m.summary();
    assert_eq!(s.readiness.clipped_samples, 2);
    assert_eq!(s.readiness.first_clip_s, Some(0.1));
    assert_eq!(s.readiness.last_clip_s, Some(0.2));
    assert!(s.true_peak_overs >= 2);
}

#[test]
fn split_measurement_matches_a_single_pass() {
    let rate = 44_100;
    let secs = 20;
    let mut l = Vec::new();
    let mut r = Vec::new();
    let mut s = 0x2468_ace1u32;
    for i in 0..rate as usize * secs {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        let env = 0.2 + 0.15 * ((i as f64) / 30_000.0).sin();
        let w = (s as f64 / u32::MAX as f64 - 0.5) * env;
        l.push(w as f32);
        r.push((0.6 * w + 0.1 * (i as f64 * 0.03).sin()) as f32);
    }
    l[300_000] = 1.2; // a clip in the second part
    let mut cfg = MeterConfig::new(rate, ChannelLayout::Stereo, 4096);
    cfg.spectrum = SpectrumMode::LongTermFull;
    let mut whole = Meter::new(cfg).expect("valid");
    for (a, b) in l.chunks(4096).zip(r.chunks(4096)) {
        whole.process(&[a, b]);
    }
    let split_at = rate as usize * 7;
    let warm_up = rate as usize * 3;
    let mut first = Meter::new(cfg).expect("valid");
    first.process(&[&l[..split_at], &r[..split_at]]);
    let mut second = Meter::new(cfg).expect("valid");
    second.set_paused(true);
    second.process(&[
        &l[split_at - warm_up..split_at],
        &r[split_at - warm_up..split_at],
    ]);
    second.set_paused(false);
    second.process(&[&l[split_at..], &r[split_at..]]);
    first.merge_following(&second);
    let (a, b) = (whole.summary(), first.summary());
    let close = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-6,
        (None, None) => true,
        _ => false,
    };
    assert_eq!(a.frames, b.frames);
    assert!(
        close(a.readiness.integrated_lufs, b.readiness.integrated_lufs),
        "{a:?}\n{b:?}"
    );
    assert!(close(
        a.readiness.loudness_range_lu,
        b.readiness.loudness_range_lu
    ));
    assert!(close(a.max_momentary_lufs, b.max_momentary_lufs));
    assert!(close(a.max_short_term_lufs, b.max_short_term_lufs));
    assert_eq!(a.true_peak_per_channel_dbtp, b.true_peak_per_channel_dbtp);
    assert_eq!(
        a.sample_peak_per_channel_dbfs,
        b.sample_peak_per_channel_dbfs
    );
    assert_eq!(a.readiness.clipped_samples, b.readiness.clipped_samples);
    assert_eq!(a.readiness.first_clip_s, b.readiness.first_clip_s);
    assert!(
        close(a.correlation, b.correlation)
            && close(a.readiness.loud_correlation, b.readiness.loud_correlation)
    );
    assert_eq!(a.readiness.peak_histogram, b.readiness.peak_histogram);
    assert_eq!(
        a.readiness.block_loudness_histogram,
        b.readiness.block_loudness_histogram
    );
    // Events and history join at the boundary as in one pass.
    assert_eq!(
        a.events.len(),
        b.events.len(),
        "{:?}\n{:?}",
        a.events,
        b.events
    );
    for (x, y) in a.events.iter().zip(&b.events) {
        assert_eq!(
            (x.kind, x.start_s, x.end_s, x.count),
            (y.kind, y.start_s, y.end_s, y.count)
        );
        assert!(close(x.value, y.value), "{x:?} vs {y:?}");
    }
    assert_eq!(a.history.len(), b.history.len());
    for (x, y) in a.history.iter().zip(&b.history) {
        assert_eq!(x.end_s, y.end_s);
        assert!(
            close(x.short_term_lufs, y.short_term_lufs),
            "{x:?} vs {y:?}"
        );
        assert!(close(x.true_peak_dbtp, y.true_peak_dbtp), "{x:?} vs {y:?}");
        assert!(close(x.correlation, y.correlation), "{x:?} vs {y:?}");
    }
    // The long-term spectrum averages differently placed frames: close, not identical.
    for (x, y) in a.spectrum_bands.iter().zip(&b.spectrum_bands) {
        let (x, y) = (x.db.unwrap_or(-200.0), y.db.unwrap_or(-200.0));
        assert!((x - y).abs() < 0.5, "{x} vs {y}");
    }
}

/// The 50 ms blocks' histogram: a steady tone puts every block in one bin; a tone switched
/// between two levels every 100 ms spreads them over the two levels, and the micro-dynamics
/// figure reads the gap.
#[test]
fn block_loudness_reads_the_level_changes_within_50_ms() {
    use crate::readiness::micro_dynamics_db;
    let rate = 48_000;
    let frames = rate as usize * 20;
    let steady = sine(rate, 1000.0, db_to_amplitude(-20.0), frames);
    let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
    m.process(&[&steady, &steady]);
    let r = m.summary().readiness;
    let blocks: u32 = r.block_loudness_histogram.iter().sum();
    assert_eq!(blocks, 20 * 20, "two blocks per 100 ms hop");
    let used = r
        .block_loudness_histogram
        .iter()
        .filter(|&&c| c > 0)
        .count();
    assert!(used <= 2, "{used} bins for a steady tone");
    assert!(micro_dynamics_db(&r).expect("enough blocks") <= 0.25);

    // Switched every 100 ms: -20 and -32 dBFS (-17 and -29 LUFS for two channels).
    let hop = rate as usize / 10;
    let switched: Vec<f32> = steady
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            if (i / hop).is_multiple_of(2) {
                x
            } else {
                x / 4.0
            }
        })
        .collect();
    let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
    m.process(&[&switched, &switched]);
    let spread = micro_dynamics_db(&m.summary().readiness).expect("enough blocks");
    assert!((spread - 12.04).abs() <= 0.5, "{spread}");
}

#[test]
fn goniometer_trace_only_in_display_mode() {
    let rate = 48_000;
    let l: Vec<f32> = (0..rate as usize)
        .map(|i| (i % 997) as f32 / 997.0)
        .collect();
    let r: Vec<f32> = l.iter().map(|v| -v).collect();
    let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
    m.process(&[&l, &r]);
    assert_eq!(m.snapshot().scope_len, 0);
    m.set_spectrum_mode(SpectrumMode::Display);
    m.process(&[&l, &r]);
    let s = m.snapshot();
    assert_eq!(s.scope_len, SCOPE_POINTS);
    // The newest point is one of the last input pairs, and every point keeps L = -R.
    assert!(s.scope.iter().all(|p| p[0] == -p[1]));
    let newest = s.scope[SCOPE_POINTS - 1];
    assert!(l[l.len() - m.scope.step()..].contains(&newest[0]));
    assert_eq!(m.snapshot().scope_len, 0, "read-and-reset");
}

#[test]
fn loudness_returns_to_no_signal_after_the_window_empties() {
    let rate = 48_000;
    let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
    let loud = sine(rate, 1000.0, 0.5, rate as usize * 4);
    m.process(&[&loud, &loud]);
    let quiet = vec![0.0f32; 480];
    let mut gone_after = [None, None];
    let mut previous = [f32::INFINITY; 2];
    for step in 1..=400 {
        m.process(&[&quiet, &quiet]);
        let s = m.snapshot();
        for (k, reading) in [s.momentary_lufs, s.short_term_lufs]
            .into_iter()
            .enumerate()
        {
            match reading {
                // The filters' tail decays smoothly: never a jump up, never a stale value.
                Some(l) => {
                    assert!(gone_after[k].is_none(), "reading came back: {l}");
                    assert!(l <= previous[k] + 1e-3, "{k}: {l} after {}", previous[k]);
                    previous[k] = l;
                }
                None => {
                    gone_after[k].get_or_insert(step);
                }
            }
        }
    }
    // The window length in 10 ms steps plus the K-weighting filters' decay into zero.
    assert!(
        gone_after[0].is_some_and(|s| (40..80).contains(&s)),
        "{gone_after:?}"
    );
    assert!(
        gone_after[1].is_some_and(|s| (300..340).contains(&s)),
        "{gone_after:?}"
    );
}

#[test]
fn missing_channels_are_silence() {
    let rate = 48_000;
    let x = sine(rate, 1000.0, db_to_amplitude(-23.0), rate as usize * 5);
    let silent = vec![0.0f32; x.len()];
    let mut both = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
    let mut one = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
    for (a, z) in x.chunks(512).zip(silent.chunks(512)) {
        both.process(&[a, z]);
        one.process(&[a]);
    }
    let (a, b) = (both.summary(), one.summary());
    assert_eq!(a.readiness.integrated_lufs, b.readiness.integrated_lufs);
    assert_eq!(b.sample_peak_per_channel_dbfs[1], None);
}

#[test]
fn refuses_bad_configs() {
    assert!(matches!(
        Meter::new(MeterConfig::new(7_999, ChannelLayout::Stereo, 64)),
        Err(MeterError::UnsupportedSampleRate { got: 7_999, .. })
    ));
    assert!(matches!(
        Meter::new(MeterConfig::new(48_000, ChannelLayout::Other(9), 64)),
        Err(MeterError::UnsupportedChannelCount { got: 9, .. })
    ));
    assert!(Meter::new(MeterConfig::new(48_000, ChannelLayout::Other(0), 64)).is_err());
}

/// Events land where the audio has them: a clip, an inverted second, a jump of 9 LU.
#[test]
fn events_are_placed_in_time() {
    use crate::snapshot::EventKind;
    let rate = 48_000;
    let n = rate as usize * 20;
    let quiet = db_to_amplitude(-30.0);
    let mut l = sine(rate, 440.0, quiet, n);
    let mut r = l.clone();
    // From 10 s on, 9 dB louder.
    let gain = db_to_amplitude(9.0) as f32;
    for x in l[rate as usize * 10..]
        .iter_mut()
        .chain(&mut r[rate as usize * 10..])
    {
        *x *= gain;
    }
    // 4.0 s to 5.0 s: right channel inverted.
    for x in &mut r[rate as usize * 4..rate as usize * 5] {
        *x = -*x;
    }
    // One clipped sample at 7.25 s, then NaN at 8.5 s.
    l[rate as usize * 29 / 4] = 1.5;
    l[rate as usize * 17 / 2] = f32::NAN;
    let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
    for (a, b) in l.chunks(512).zip(r.chunks(512)) {
        m.process(&[a, b]);
    }
    let s = m.summary();
    let of = |k: EventKind| s.events.iter().filter(|e| e.kind == k).collect::<Vec<_>>();
    let clip = of(EventKind::Clipping);
    assert_eq!(clip.len(), 1, "{:?}", s.events);
    assert!((clip[0].start_s - 7.25).abs() < 0.001 && clip[0].count == Some(1));
    let nan = of(EventKind::NonFinite);
    assert!(
        nan.len() == 1 && (nan[0].start_s - 8.5).abs() < 0.011,
        "{nan:?}"
    );
    let negative = of(EventKind::NegativeCorrelation);
    assert_eq!(negative.len(), 1, "{:?}", s.events);
    assert!((negative[0].start_s - 4.0).abs() <= 0.1 && (negative[0].end_s - 5.0).abs() <= 0.2);
    assert!(negative[0].value.is_some_and(|c| c < -0.9));
    let jump = of(EventKind::LoudnessJump);
    assert_eq!(jump.len(), 1, "{:?}", s.events);
    assert!(
        jump[0].value.is_some_and(|v| (v - 9.0).abs() < 0.5),
        "{jump:?}"
    );
    assert!(
        jump[0].start_s >= 7.0 - 0.1 && jump[0].end_s <= 13.0 + 0.1,
        "{jump:?}"
    );
    assert_eq!(of(EventKind::Loudest).len(), 1);
    assert_eq!(of(EventKind::Quietest).len(), 1);
    assert!(s.events.windows(2).all(|w| w[0].start_s <= w[1].start_s));
    // One history row per 100 ms.
    assert_eq!(s.history.len(), 200);
    assert!((s.history_interval_s - 0.1).abs() < 1e-12);
}

/// A mix with clipping and a polarity-inverted passage, so the events and the history have
/// something to hold.
fn eventful_mix(rate: u32, seconds: f64) -> Vec<Vec<f32>> {
    let mut mix = crate::mixes::clean_mix(rate, seconds, 7);
    let frames = mix[0].len();
    mix[0][frames / 3..frames / 3 + 2000].fill(1.0);
    let (left, right) = mix.split_at_mut(1);
    let inverted = frames / 2..frames / 2 + rate as usize;
    for (r, l) in right[0][inverted.clone()]
        .iter_mut()
        .zip(&left[0][inverted])
    {
        *r = -l;
    }
    mix
}

#[test]
fn a_recorder_rebuilds_the_meters_summary_exactly() {
    let rate = 48_000;
    let mix = eventful_mix(rate, 20.0);
    let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
    let mut recorder = m.record(64);
    let mut at_marker = None;
    for (i, start) in (0..mix[0].len()).step_by(480).enumerate() {
        let end = (start + 480).min(mix[0].len());
        m.process(&[&mix[0][start..end], &mix[1][start..end]]);
        if i == 705 {
            // Totals sent between drains: the hops after them must not join the summary.
            m.send_totals(3);
            at_marker = Some(m.summary());
        }
        if i % 10 == 0 {
            recorder.drain();
        }
        if i == 715 {
            assert_eq!(
                recorder.take_marked(3),
                at_marker.take(),
                "exactly as it stood"
            );
        }
        if i == 1000 {
            // Pausing leaves the record as it leaves the meter.
            m.set_paused(true);
        }
        if i == 1100 {
            m.set_paused(false);
        }
    }
    m.send_totals(7);
    recorder.drain();
    assert_eq!(recorder.take_marked(6), None, "another marker");
    let recorded = recorder.take_marked(7).expect("marked summary");
    let summary = m.summary();
    assert!(summary.events.len() >= 2, "{:?}", summary.events);
    assert_eq!(recorded, summary);
    assert_eq!(recorder.summary(), Some(summary));
    assert_eq!(recorder.take_marked(7), None, "taken once");
    assert_eq!((recorder.missed_hops(), recorder.dropped_records()), (0, 0));
}

#[test]
fn a_recorder_follows_resets_and_counts_what_it_missed() {
    let rate = 48_000;
    let mix = eventful_mix(rate, 12.0);
    let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Stereo, 512)).expect("valid");
    let mut recorder = m.record(8);
    // 12 s is 120 hops, through a queue of 8 that nothing drains: most are lost, and said to be.
    m.process(&[&mix[0], &mix[1]]);
    recorder.drain();
    for _ in 0..10 {
        m.send_totals(0);
    }
    recorder.drain();
    assert_eq!(
        recorder.dropped_records(),
        112 + 2,
        "and totals beyond their queue's 8"
    );
    assert_eq!(recorder.missed_hops(), 112);

    // After a reset the recorder starts again with the meter.
    m.reset();
    recorder.drain();
    for start in (0..96_000).step_by(4800) {
        m.process(&[&mix[0][start..start + 4800], &mix[1][start..start + 4800]]);
        recorder.drain();
    }
    m.send_totals(1);
    recorder.drain();
    assert_eq!(recorder.missed_hops(), 0);
    assert_eq!(recorder.take_marked(1), Some(m.summary()));
}

/// A clipped 16- or 24-bit file: its positive rail is one code short of 1.0, and those samples
/// clip as surely as the negative rail's.
#[test]
fn both_rails_of_integer_pcm_count_as_clipped() {
    let rate = 48_000;
    for bits in [16, 24] {
        let top = ((1i64 << (bits - 1)) - 1) as f32 / (1i64 << (bits - 1)) as f32;
        let mut x = sine(rate, 997.0, 0.5, rate as usize * 2);
        x[10_000..10_030].fill(top);
        x[20_000..20_050].fill(-1.0);
        // Just below the 16-bit rail: a hot sample, not a clipped one.
        x[30_000] = 0.9999;
        let mut m = Meter::new(MeterConfig::new(rate, ChannelLayout::Mono, 512)).expect("valid");
        m.process(&[&x]);
        assert_eq!(m.summary().readiness.clipped_samples, 80, "{bits}-bit");
    }
}

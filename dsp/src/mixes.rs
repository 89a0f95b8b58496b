//! Synthetic stereo mixes for testing the readiness rules: drums (noise bursts with accents and
//! decays), a mono bass line, a wide pad and a "vocal" band, with musical level changes between
//! sections; and the faults a mix can have (too hot, bus-limited, polarity-inverted, muddy, harsh,
//! DC offset), each made the way it happens in a session.
//!
//! Deterministic for a seed; used by the dsp tests, the CLI tests and the benches.

use crate::signals::{Planar, Prng};

/// A second-order peaking EQ (RBJ cookbook), applied in place to every channel.
pub fn peaking_eq(signal: &mut [Vec<f32>], rate_hz: u32, centre_hz: f64, gain_db: f64, q: f64) {
    let a = 10f64.powf(gain_db / 40.0);
    let w = 2.0 * std::f64::consts::PI * centre_hz / rate_hz as f64;
    let alpha = w.sin() / (2.0 * q);
    let a0 = 1.0 + alpha / a;
    let b = [
        (1.0 + alpha * a) / a0,
        -2.0 * w.cos() / a0,
        (1.0 - alpha * a) / a0,
    ];
    let fb = [-2.0 * w.cos() / a0, (1.0 - alpha / a) / a0];
    for ch in signal.iter_mut() {
        let (mut s1, mut s2) = (0.0f64, 0.0f64);
        for x in ch.iter_mut() {
            let xi = *x as f64;
            let y = b[0] * xi + s1;
            s1 = b[1] * xi - fb[0] * y + s2;
            s2 = b[2] * xi - fb[1] * y;
            *x = y as f32;
        }
    }
}

/// White noise shaped to fall 4.5 dB per octave from 80 Hz up (within about 1 dB), flat below:
/// first-order shelves, each dropping 9 dB over 1.5 octaves, one every 2 octaves.
#[derive(Debug, Clone)]
pub struct TiltedNoise {
    sections: [([f64; 2], [f64; 2], f64); 5],
}

impl TiltedNoise {
    /// A generator for `rate_hz`.
    pub fn new(rate_hz: u32) -> Self {
        let fs2 = 2.0 * rate_hz as f64;
        let sections = std::array::from_fn(|k| {
            let pole_hz = 80.0 * 4f64.powi(k as i32);
            let zero_hz = pole_hz * 2f64.powf(1.5);
            let a = fs2 / (2.0 * std::f64::consts::PI * zero_hz);
            let b = fs2 / (2.0 * std::f64::consts::PI * pole_hz);
            (
                [(1.0 + a) / (1.0 + b), (1.0 - a) / (1.0 + b)],
                [1.0, (1.0 - b) / (1.0 + b)],
                0.0,
            )
        });
        Self { sections }
    }

    /// The next sample (unit-variance white noise in, about -3 dBFS RMS out at 20 Hz's level).
    pub fn next(&mut self, rng: &mut Prng) -> f64 {
        let mut x = rng.bipolar() * 1.7;
        for (b, a, z) in &mut self.sections {
            // Transposed direct form II, first order.
            let y = b[0] * x + *z;
            *z = b[1] * x - a[1] * y;
            x = y;
        }
        x * 4.0
    }
}

/// Largest |sample| over all channels.
pub fn sample_peak(signal: &[Vec<f32>]) -> f32 {
    signal
        .iter()
        .flat_map(|c| c.iter())
        .fold(0f32, |a, &b| a.max(b.abs()))
}

/// Scales the signal so its sample peak sits at `peak_dbfs`.
pub fn normalise_peak(signal: &mut [Vec<f32>], peak_dbfs: f64) {
    let peak = sample_peak(signal) as f64;
    if peak > 0.0 {
        let g = (10f64.powf(peak_dbfs / 20.0) / peak) as f32;
        signal.iter_mut().flatten().for_each(|x| *x *= g);
    }
}

/// A stereo mix of `seconds` at `rate_hz`, peaking at about -4.7 dBFS (true peak near
/// -4.5 dBTP) and about -20 LUFS integrated: the healthy mix every fault starts from.
pub fn clean_mix(rate_hz: u32, seconds: f64, seed: u64) -> Planar {
    let frames = (seconds * rate_hz as f64) as usize;
    let fs = rate_hz as f64;
    let mut rng = Prng::new(seed);
    let mut l = vec![0f32; frames];
    let mut r = vec![0f32; frames];

    let beat = (0.5 * fs) as usize; // 120 bpm
    let section = 8 * beat * 4; // 16 s sections
    let section_gain = |i: usize| -> f64 {
        // Verse, chorus, verse, chorus...: 4 dB apart.
        if (i / section).is_multiple_of(2) {
            0.63
        } else {
            1.0
        }
    };

    // Drums: kick on beats (decaying 50-110 Hz sine), snare on the off-beats (tilted noise
    // bursts), random accents.
    let mut snare_noise = TiltedNoise::new(rate_hz);
    let mut pos = 0;
    let mut step = 0usize;
    while pos < frames {
        let accent = 0.55 + 0.45 * rng.next_f64();
        let len = (0.25 * fs) as usize;
        let is_kick = step.is_multiple_of(2);
        let pan = 0.3 * rng.bipolar();
        for i in 0..len.min(frames - pos) {
            let t = i as f64 / fs;
            let v = if is_kick {
                let env = (-t * 18.0).exp();
                let f = 50.0 + 60.0 * (-t * 30.0).exp();
                0.35 * env * (2.0 * std::f64::consts::PI * f * t).sin()
            } else {
                let env = (-t * 30.0).exp();
                0.7 * env * snare_noise.next(&mut rng)
            };
            let g = accent * section_gain(pos + i);
            let (gl, gr) = if is_kick {
                (1.0, 1.0)
            } else {
                (1.0 - pan, 1.0 + pan)
            };
            l[pos + i] += (v * g * gl) as f32;
            r[pos + i] += (v * g * gr) as f32;
        }
        pos += beat / 2;
        step += 1;
    }

    // Bass: mono notes from a small pattern, soft attack.
    let notes = [55.0, 55.0, 73.4, 65.4, 49.0, 55.0, 82.4, 73.4];
    let note_len = beat;
    let mut phase = 0.0f64;
    for (i, (xl, xr)) in l.iter_mut().zip(r.iter_mut()).enumerate() {
        let n = notes[(i / note_len) % notes.len()];
        let t_in = (i % note_len) as f64 / fs;
        let env = (1.0 - (-t_in * 60.0).exp()) * (-t_in * 1.5).exp();
        phase += 2.0 * std::f64::consts::PI * n / fs;
        let v = 0.25 * env * section_gain(i) * (phase.sin() + 0.25 * (2.0 * phase).sin());
        *xl += v as f32;
        *xr += v as f32;
    }

    // Pad and the rest of the arrangement: noise with the -4.5 dB/octave tilt of a typical mix,
    // partly shared between the channels (a correlated centre and decorrelated sides), slowly
    // swelling.
    let mut centre = TiltedNoise::new(rate_hz);
    let mut sides = [TiltedNoise::new(rate_hz), TiltedNoise::new(rate_hz)];
    for (i, (xl, xr)) in l.iter_mut().zip(r.iter_mut()).enumerate() {
        let swell = 0.6 + 0.4 * (i as f64 / fs * 0.5).sin().abs();
        let g = 0.5 * swell * section_gain(i);
        let c = centre.next(&mut rng);
        *xl += (g * (c + 0.7 * sides[0].next(&mut rng))) as f32;
        *xr += (g * (c + 0.7 * sides[1].next(&mut rng))) as f32;
    }

    let mut mix = vec![l, r];
    // A mix bus is DC-free: a one-pole high-pass at 5 Hz removes the offset the asymmetric
    // bass waveform leaves.
    for ch in mix.iter_mut() {
        let a = (-2.0 * std::f64::consts::PI * 5.0 / fs).exp();
        let (mut x1, mut y1) = (0.0f64, 0.0f64);
        for x in ch.iter_mut() {
            let xi = *x as f64;
            y1 = a * (y1 + xi - x1);
            x1 = xi;
            *x = y1 as f32;
        }
    }
    normalise_peak(&mut mix, -4.7);
    mix
}

/// Applies `db` of gain.
pub fn gain(signal: &mut [Vec<f32>], db: f64) {
    let g = 10f64.powf(db / 20.0) as f32;
    signal.iter_mut().flatten().for_each(|x| *x *= g);
}

/// A look-ahead brickwall limiter (linked stereo, instant attack over the look-ahead, exponential
/// release): what a producer leaves on the master bus.
pub fn brickwall_limit(signal: &mut [Vec<f32>], rate_hz: u32, ceiling_dbfs: f64, release_ms: f64) {
    let ceiling = 10f64.powf(ceiling_dbfs / 20.0);
    let lookahead = (0.005 * rate_hz as f64) as usize;
    let release = (-1.0 / (release_ms * 0.001 * rate_hz as f64)).exp();
    let frames = signal.first().map_or(0, Vec::len);
    // Required gain at each frame, then a running minimum over the look-ahead window.
    let need: Vec<f64> = (0..frames)
        .map(|i| {
            let peak = signal.iter().fold(0f64, |a, c| a.max(c[i].abs() as f64));
            if peak > ceiling {
                ceiling / peak
            } else {
                1.0
            }
        })
        .collect();
    let mut g = 1.0f64;
    for i in 0..frames {
        let end = (i + lookahead).min(frames - 1);
        let target = need[i..=end].iter().fold(1.0f64, |a, &b| a.min(b));
        g = if target < g {
            target
        } else {
            target + (g - target) * release
        };
        let g_now = g.min(need[i]);
        for c in signal.iter_mut() {
            c[i] = (c[i] as f64 * g_now) as f32;
        }
    }
}

/// Makes the right channel the polarity-inverted left: L = -R.
pub fn invert_right_from_left(signal: &mut [Vec<f32>]) {
    if signal.len() >= 2 {
        let left = signal[0].clone();
        for (r, l) in signal[1].iter_mut().zip(left) {
            *r = -l;
        }
    }
}

/// Adds a constant offset to every sample.
pub fn add_dc(signal: &mut [Vec<f32>], offset: f32) {
    signal.iter_mut().flatten().for_each(|x| *x += offset);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_mix_is_deterministic_and_peaks_where_asked() {
        let a = clean_mix(48_000, 2.0, 7);
        let b = clean_mix(48_000, 2.0, 7);
        assert_eq!(a, b);
        let p = 20.0 * (sample_peak(&a) as f64).log10();
        assert!((p + 4.7).abs() < 1e-3, "{p}");
    }

    #[test]
    fn limiter_holds_the_ceiling() {
        let mut m = clean_mix(48_000, 4.0, 3);
        gain(&mut m, 10.0);
        brickwall_limit(&mut m, 48_000, -1.0, 50.0);
        let p = 20.0 * (sample_peak(&m) as f64).log10();
        assert!(p <= -0.999, "{p}");
    }

    #[test]
    fn peaking_eq_boosts_its_centre() {
        let rate = 48_000;
        let mut s = vec![(0..rate)
            .map(|i| {
                (2.0 * std::f64::consts::PI * 300.0 * i as f64 / rate as f64).sin() as f32 * 0.1
            })
            .collect::<Vec<f32>>()];
        peaking_eq(&mut s, rate, 300.0, 8.0, 1.0);
        let p = s[0][rate as usize / 2..]
            .iter()
            .fold(0f32, |a, &b| a.max(b.abs()));
        assert!((20.0 * (p as f64 / 0.1).log10() - 8.0).abs() < 0.1);
    }
}

//! K-weighting, ITU-R BS.1770-4 Annex 1, section 2.1.
//!
//! The Recommendation gives the two biquads (the "pre-filter" high shelf modelling the head, and
//! the "RLB" high-pass) only for 48 kHz. Here both are derived for the actual sample rate from
//! their analog prototypes (centre frequency, gain and Q fitted to the 48 kHz coefficients) with
//! the bilinear transform and frequency pre-warping, so every rate from 8 kHz to 768 kHz gets the
//! same response. At 48 kHz the derived coefficients equal the Recommendation's to 1e-9.
//!
//! Filters run in `f64`: the RLB high-pass sits at 38 Hz, where single precision state loses
//! accuracy at high sample rates.

/// Shelf (pre-filter) centre frequency of the analog prototype.
const SHELF_F0_HZ: f64 = 1_681.974_450_955_533;
/// Shelf gain of the analog prototype (dB).
const SHELF_GAIN_DB: f64 = 3.999_843_853_973_347;
/// Shelf Q of the analog prototype.
const SHELF_Q: f64 = 0.707_175_236_955_419_6;
/// High-pass (RLB) corner of the analog prototype.
const HIGH_PASS_F0_HZ: f64 = 38.135_470_876_024_44;
/// High-pass (RLB) Q of the analog prototype.
const HIGH_PASS_Q: f64 = 0.500_327_037_323_877_3;

/// Coefficients of one biquad, normalised so a0 = 1:
/// y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Biquad {
    /// Feed-forward coefficients.
    pub b: [f64; 3],
    /// Feedback coefficients a1, a2.
    pub a: [f64; 2],
}

impl Biquad {
    /// The BS.1770 pre-filter (high shelf, +4 dB above ~1.5 kHz) at `sample_rate_hz`.
    ///
    /// From 40 kHz up this is the bilinear transform of the analog prototype, pre-warped at
    /// its centre frequency. Below, the shelf's transition sits close to Nyquist and that
    /// transform bends it (-0.2 dB at 1 kHz at 8 kHz), so the four shelf parameters are refitted
    /// to the 48 kHz response over 20 Hz..0.45 fs; see [`fit_shelf`].
    pub fn k_shelf(sample_rate_hz: f64) -> Self {
        let prewarped = [SHELF_F0_HZ, SHELF_Q, SHELF_GAIN_DB, 0.499_666_774_154_541_6];
        if sample_rate_hz >= 40_000.0 {
            return shelf_from_params(sample_rate_hz, prewarped);
        }
        fit_shelf(sample_rate_hz, prewarped)
    }

    /// The BS.1770 RLB high-pass (38 Hz) at `sample_rate_hz`.
    ///
    /// The Recommendation's 48 kHz filter has b = [1, -2, 1] unnormalised, which gives it a
    /// pass-band gain of a0(48 kHz) = 1.005 (+0.043 dB) that the -0.691 dB constant absorbs. Using
    /// [1, -2, 1] at every rate would make that gain rate-dependent (+0.26 dB at 8 kHz), so the
    /// numerator is scaled to keep the 48 kHz pass-band gain at every rate.
    pub fn k_high_pass(sample_rate_hz: f64) -> Self {
        let a0_at = |rate: f64| {
            let k = (std::f64::consts::PI * HIGH_PASS_F0_HZ / rate).tan();
            (k, 1.0 + k / HIGH_PASS_Q + k * k)
        };
        let (k, a0) = a0_at(sample_rate_hz);
        let g = a0_at(48_000.0).1 / a0;
        Self {
            b: [g, -2.0 * g, g],
            a: [
                2.0 * (k * k - 1.0) / a0,
                (1.0 - k / HIGH_PASS_Q + k * k) / a0,
            ],
        }
    }

    /// A second-order Butterworth low-pass at `corner_hz` (the low-band correlation runs two in
    /// series, a fourth-order Linkwitz-Riley low-pass).
    pub fn butterworth_low_pass(sample_rate_hz: f64, corner_hz: f64) -> Self {
        let q = std::f64::consts::FRAC_1_SQRT_2;
        let k = (std::f64::consts::PI * corner_hz / sample_rate_hz).tan();
        let a0 = 1.0 + k / q + k * k;
        let b0 = k * k / a0;
        Self {
            b: [b0, 2.0 * b0, b0],
            a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
        }
    }

    /// Magnitude response at `freq_hz` (linear).
    pub fn magnitude(&self, sample_rate_hz: f64, freq_hz: f64) -> f64 {
        let w = 2.0 * std::f64::consts::PI * freq_hz / sample_rate_hz;
        let (c1, s1) = (w.cos(), -w.sin());
        let (c2, s2) = ((2.0 * w).cos(), -(2.0 * w).sin());
        let num_re = self.b[0] + self.b[1] * c1 + self.b[2] * c2;
        let num_im = self.b[1] * s1 + self.b[2] * s2;
        let den_re = 1.0 + self.a[0] * c1 + self.a[1] * c2;
        let den_im = self.a[0] * s1 + self.a[1] * s2;
        ((num_re * num_re + num_im * num_im) / (den_re * den_re + den_im * den_im)).sqrt()
    }
}

/// A shelf biquad from (centre Hz, Q, high-frequency gain dB, exponent of the mid gain).
fn shelf_from_params(sample_rate_hz: f64, [f0, q, gain_db, vb_exp]: [f64; 4]) -> Biquad {
    let k = (std::f64::consts::PI * f0 / sample_rate_hz).tan();
    let vh = 10f64.powf(gain_db / 20.0);
    let vb = vh.powf(vb_exp);
    let a0 = 1.0 + k / q + k * k;
    Biquad {
        b: [
            (vh + vb * k / q + k * k) / a0,
            2.0 * (k * k - vh) / a0,
            (vh - vb * k / q + k * k) / a0,
        ],
        a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
    }
}

/// Refits the shelf parameters at a low sample rate so its magnitude follows the 48 kHz
/// Recommendation filter from 20 Hz to 0.45 fs (least squares in dB on a log grid, Nelder-Mead
/// from the pre-warped design). Deterministic; runs once when a meter is built.
pub fn fit_shelf(sample_rate_hz: f64, start: [f64; 4]) -> Biquad {
    let reference = shelf_from_params(48_000.0, start);
    let grid: Vec<f64> = (0..64)
        .map(|i| 20.0 * (0.45 * sample_rate_hz / 20.0).powf(i as f64 / 63.0))
        .collect();
    let target: Vec<f64> = grid
        .iter()
        .map(|&f| reference.magnitude(48_000.0, f).log10())
        .collect();
    let cost = |p: &[f64; 4]| -> f64 {
        if p[0] <= 1.0 || p[0] >= 0.499 * sample_rate_hz || p[1] <= 0.05 {
            return f64::INFINITY;
        }
        let f = shelf_from_params(sample_rate_hz, *p);
        grid.iter()
            .zip(&target)
            .map(|(&hz, &t)| {
                let e = 20.0 * (f.magnitude(sample_rate_hz, hz).log10() - t);
                e * e
            })
            .sum()
    };
    let best = nelder_mead(cost, start, [50.0, 0.05, 0.2, 0.02], 2000);
    shelf_from_params(sample_rate_hz, best)
}

/// Minimal Nelder-Mead simplex minimiser (standard coefficients).
fn nelder_mead<F: Fn(&[f64; 4]) -> f64>(
    f: F,
    start: [f64; 4],
    step: [f64; 4],
    iterations: usize,
) -> [f64; 4] {
    let mut simplex: Vec<([f64; 4], f64)> = (0..5)
        .map(|i| {
            let mut p = start;
            if i > 0 {
                p[i - 1] += step[i - 1];
            }
            let v = f(&p);
            (p, v)
        })
        .collect();
    for _ in 0..iterations {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let worst = simplex[4];
        let mut centroid = [0.0; 4];
        for (p, _) in &simplex[..4] {
            for d in 0..4 {
                centroid[d] += p[d] / 4.0;
            }
        }
        let along = |t: f64| -> [f64; 4] {
            std::array::from_fn(|d| centroid[d] + t * (worst.0[d] - centroid[d]))
        };
        let reflected = along(-1.0);
        let fr = f(&reflected);
        if fr < simplex[0].1 {
            let expanded = along(-2.0);
            let fe = f(&expanded);
            simplex[4] = if fe < fr {
                (expanded, fe)
            } else {
                (reflected, fr)
            };
        } else if fr < simplex[3].1 {
            simplex[4] = (reflected, fr);
        } else {
            let contracted = along(0.5);
            let fc = f(&contracted);
            if fc < worst.1 {
                simplex[4] = (contracted, fc);
            } else {
                let best = simplex[0].0;
                for entry in simplex.iter_mut().skip(1) {
                    let p: [f64; 4] =
                        std::array::from_fn(|d| best[d] + 0.5 * (entry.0[d] - best[d]));
                    *entry = (p, f(&p));
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex[0].0
}

/// Transposed direct form II state of one biquad.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BiquadState {
    s1: f64,
    s2: f64,
}

impl BiquadState {
    /// One sample through `f`. Real-time safe.
    #[inline(always)]
    pub fn tick(&mut self, f: &Biquad, x: f64) -> f64 {
        let y = f.b[0] * x + self.s1;
        self.s1 = f.b[1] * x - f.a[0] * y + self.s2;
        self.s2 = f.b[2] * x - f.a[1] * y;
        y
    }

    /// The two state variables (s1, s2).
    pub fn parts(&self) -> (f64, f64) {
        (self.s1, self.s2)
    }

    /// A state from its two variables.
    pub fn from_parts(s1: f64, s2: f64) -> Self {
        Self { s1, s2 }
    }

    /// Flushes state that has decayed into the subnormal range (keeps long silences cheap and
    /// exact: the filters' output after silence is then exactly zero).
    #[inline]
    pub fn flush_denormals(&mut self) {
        if self.s1.abs() < 1e-30 {
            self.s1 = 0.0;
        }
        if self.s2.abs() < 1e-30 {
            self.s2 = 0.0;
        }
    }
}

/// The K-weighting cascade (shelf, then high-pass) for one channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KWeighting {
    /// Pre-filter.
    pub shelf: Biquad,
    /// RLB high-pass.
    pub high_pass: Biquad,
}

impl KWeighting {
    /// K-weighting for `sample_rate_hz`.
    pub fn new(sample_rate_hz: f64) -> Self {
        Self {
            shelf: Biquad::k_shelf(sample_rate_hz),
            high_pass: Biquad::k_high_pass(sample_rate_hz),
        }
    }

    #[cfg(test)]
    /// Magnitude response of the cascade at `freq_hz`, in dB.
    pub fn response_db(&self, sample_rate_hz: f64, freq_hz: f64) -> f64 {
        20.0 * (self.shelf.magnitude(sample_rate_hz, freq_hz)
            * self.high_pass.magnitude(sample_rate_hz, freq_hz))
        .log10()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// BS.1770-4 Table 1 and Table 2 (48 kHz).
    #[test]
    fn bs1770_table_1_and_2_coefficients_at_48k() {
        let shelf = Biquad::k_shelf(48_000.0);
        let expected_b = [
            1.535_124_859_586_97,
            -2.691_696_189_406_38,
            1.198_392_810_852_85,
        ];
        let expected_a = [-1.690_659_293_182_41, 0.732_480_774_215_85];
        for (got, want) in shelf.b.iter().zip(expected_b) {
            assert!((got - want).abs() < 1e-9, "shelf b {got} vs {want}");
        }
        for (got, want) in shelf.a.iter().zip(expected_a) {
            assert!((got - want).abs() < 1e-9, "shelf a {got} vs {want}");
        }
        let hp = Biquad::k_high_pass(48_000.0);
        assert_eq!(hp.b, [1.0, -2.0, 1.0]);
        assert!((hp.a[0] - -1.990_047_454_833_98).abs() < 1e-9);
        assert!((hp.a[1] - 0.990_072_250_366_21).abs() < 1e-9);
    }

    /// The response is the Recommendation's 48 kHz one at every rate, within 0.05 dB.
    #[test]
    fn response_is_rate_independent() {
        let reference = KWeighting::new(48_000.0);
        for rate in [
            8_000.0, 16_000.0, 22_050.0, 44_100.0, 96_000.0, 192_000.0, 384_000.0, 705_600.0,
            768_000.0,
        ] {
            let k = KWeighting::new(rate);
            for f in [20.0, 100.0, 500.0, 1000.0, 2000.0, 3000.0] {
                if f < rate * 0.2 {
                    let diff = k.response_db(rate, f) - reference.response_db(48_000.0, f);
                    assert!(diff.abs() < 0.05, "rate {rate} f {f}: {diff} dB");
                }
            }
            // +4 dB shelf well above 1.5 kHz, strong cut at 20 Hz.
            assert!(k.response_db(rate, 20.0) < -10.0);
        }
        assert!((reference.response_db(48_000.0, 10_000.0) - 4.0).abs() < 0.1);
        // The 0.691 offset of eq. (2) cancels the K-weighting gain at 997 Hz.
        assert!((reference.response_db(48_000.0, 997.0) - 0.691).abs() < 0.01);
    }

    #[test]
    fn tick_matches_magnitude() {
        let rate = 48_000.0;
        let lp = Biquad::butterworth_low_pass(rate, 150.0);
        let mut st = BiquadState::default();
        let f = 1000.0;
        let mut peak: f64 = 0.0;
        for n in 0..48_000 {
            let x = (2.0 * std::f64::consts::PI * f * n as f64 / rate).sin();
            let y = st.tick(&lp, x);
            if n > 24_000 {
                peak = peak.max(y.abs());
            }
        }
        assert!((peak - lp.magnitude(rate, f)).abs() < 1e-3);
        assert!((lp.magnitude(rate, 150.0) - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-9);
    }
}

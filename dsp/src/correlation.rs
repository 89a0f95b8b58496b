//! Stereo correlation, balance and mid/side ratio.
//!
//! r = sum(L R) / sqrt(sum(L^2) sum(R^2)): +1 mono, 0 uncorrelated, -1 polarity-inverted. The live
//! reading uses an exponential window of about 300 ms, stepped on the meter's 10 ms grid (the
//! three sums are smoothed, not the ratio, so quiet passages do not dominate). The same sums over
//! the whole measurement give the energy-weighted mean a file report uses. A window whose energy
//! is below [`SILENCE_POWER`] reads "no signal" rather than a number.

/// Time constant of the live correlation window (seconds).
pub const WINDOW_S: f64 = 0.3;
/// Upper edge of the "low band" correlation (Hz), where bass should be mono.
pub const LOW_BAND_HZ: f64 = 150.0;
/// Mean square under which a window is treated as silent (-100 dBFS RMS).
pub const SILENCE_POWER: f64 = 1e-10;

/// Running sums of L*R, L^2 and R^2 (and the sample count they cover).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CorrelationSums {
    /// Sum of L*R.
    pub lr: f64,
    /// Sum of L^2.
    pub ll: f64,
    /// Sum of R^2.
    pub rr: f64,
    /// Samples (or, smoothed, effective samples) covered.
    pub n: f64,
}

impl CorrelationSums {
    /// Adds another set of sums.
    #[inline]
    pub fn add(&mut self, other: &Self) {
        self.lr += other.lr;
        self.ll += other.ll;
        self.rr += other.rr;
        self.n += other.n;
    }

    /// Exponential smoothing step: `self = self * decay + other`.
    #[inline]
    pub fn decay_add(&mut self, decay: f64, other: &Self) {
        self.lr = self.lr * decay + other.lr;
        self.ll = self.ll * decay + other.ll;
        self.rr = self.rr * decay + other.rr;
        self.n = self.n * decay + other.n;
    }

    /// The correlation coefficient, or `None` when either side is silent.
    pub fn correlation(&self) -> Option<f64> {
        if self.n <= 0.0 {
            return None;
        }
        let floor = SILENCE_POWER * self.n;
        if self.ll <= floor || self.rr <= floor {
            return None;
        }
        Some((self.lr / (self.ll * self.rr).sqrt()).clamp(-1.0, 1.0))
    }

    /// L energy over R energy in dB (positive: leans left).
    pub fn balance_db(&self) -> Option<f64> {
        crate::units::power_ratio_db(self.ll, self.rr)
    }

    /// Mid energy over side energy in dB, with M = (L+R)/2 and S = (L-R)/2.
    pub fn mid_side_ratio_db(&self) -> Option<f64> {
        let mid = (self.ll + 2.0 * self.lr + self.rr) / 4.0;
        let side = (self.ll - 2.0 * self.lr + self.rr) / 4.0;
        crate::units::power_ratio_db(mid, side)
    }
}

/// Per-step decay of the exponential window for a step of `step_s` seconds.
pub fn decay_per_step(step_s: f64) -> f64 {
    (-step_s / WINDOW_S).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(l: &[f64], r: &[f64]) -> CorrelationSums {
        let mut s = CorrelationSums::default();
        for (a, b) in l.iter().zip(r) {
            s.lr += a * b;
            s.ll += a * a;
            s.rr += b * b;
            s.n += 1.0;
        }
        s
    }

    #[test]
    fn mono_inverted_and_silent() {
        let x: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.05).sin()).collect();
        let neg: Vec<f64> = x.iter().map(|v| -v).collect();
        let zero = vec![0.0; 1000];
        assert!((sums(&x, &x).correlation().expect("signal") - 1.0).abs() < 1e-12);
        assert!((sums(&x, &neg).correlation().expect("signal") + 1.0).abs() < 1e-12);
        assert_eq!(sums(&x, &zero).correlation(), None);
        assert_eq!(sums(&x, &x).mid_side_ratio_db(), None);
        assert!(sums(&x, &neg).mid_side_ratio_db().is_none());
        assert!((sums(&x, &x).balance_db().expect("signal")).abs() < 1e-12);
    }

    #[test]
    fn quadrature_is_uncorrelated() {
        let l: Vec<f64> = (0..10_000).map(|i| (i as f64 * 0.0314159).sin()).collect();
        let r: Vec<f64> = (0..10_000).map(|i| (i as f64 * 0.0314159).cos()).collect();
        assert!(sums(&l, &r).correlation().expect("signal").abs() < 0.01);
    }
}

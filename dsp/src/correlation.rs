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
/// Largest mono-downmix loss reported (dB): an exact cancellation reads this, not infinity.
pub const MONO_LOSS_MAX_DB: f64 = 60.0;

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

    /// How much quieter the mono downmix M = (L+R)/2, sent to both speakers, is than the
    /// stereo signal: `10 log10((L^2 + R^2) / (2 M^2))` in dB, 0 for identical channels, about
    /// 3 for uncorrelated ones, up to [`MONO_LOSS_MAX_DB`] when they cancel (opposite
    /// polarity). This is what a mono listener loses, which the correlation alone does not
    /// say: uncorrelated (wide) material and inverted material both read near or below 0.
    /// `None` when the pair is silent.
    pub fn mono_loss_db(&self) -> Option<f64> {
        let stereo = self.ll + self.rr;
        if self.n <= 0.0 || stereo <= SILENCE_POWER * self.n {
            return None;
        }
        let mono = ((self.ll + 2.0 * self.lr + self.rr) / 2.0).max(0.0);
        let floor = stereo * 10f64.powf(-MONO_LOSS_MAX_DB / 10.0);
        Some(10.0 * (stereo / mono.max(floor)).log10())
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
    fn mono_loss_tells_wide_from_inverted() {
        let x: Vec<f64> = (0..10_000).map(|i| (i as f64 * 0.0314159).sin()).collect();
        let q: Vec<f64> = (0..10_000).map(|i| (i as f64 * 0.0314159).cos()).collect();
        let neg: Vec<f64> = x.iter().map(|v| -v).collect();
        let half: Vec<f64> = x.iter().map(|v| 0.5 * v).collect();
        let loss = |l: &[f64], r: &[f64]| sums(l, r).mono_loss_db().expect("signal");
        assert!(loss(&x, &x).abs() < 1e-12);
        // Uncorrelated (here: in quadrature) channels lose 3 dB, not everything.
        assert!((loss(&x, &q) - 10.0 * 2f64.log10()).abs() < 0.02);
        assert_eq!(loss(&x, &neg), MONO_LOSS_MAX_DB);
        // One channel alone: (1 + 0) / (2 * 1/4) = 2, 3 dB.
        assert!((loss(&x, &vec![0.0; 10_000]) - 10.0 * 2f64.log10()).abs() < 1e-9);
        // Same polarity at unequal levels loses a little: 2 (1 + 1/4) / (1.5^2) = 1.11.
        assert!((loss(&x, &half) - 10.0 * (2.5f64 / 2.25).log10()).abs() < 1e-9);
        assert_eq!(CorrelationSums::default().mono_loss_db(), None);
    }

    #[test]
    fn quadrature_is_uncorrelated() {
        let l: Vec<f64> = (0..10_000).map(|i| (i as f64 * 0.0314159).sin()).collect();
        let r: Vec<f64> = (0..10_000).map(|i| (i as f64 * 0.0314159).cos()).collect();
        assert!(sums(&l, &r).correlation().expect("signal").abs() < 0.01);
    }
}

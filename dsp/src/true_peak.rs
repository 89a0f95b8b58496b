//! True peak, ITU-R BS.1770-4 Annex 2.
//!
//! The signal is oversampled 4x below 88.2 kHz, 2x from 88.2 kHz up to 176.4 kHz, and not at all
//! from 176.4 kHz up (the Annex's "at least" factors), by a polyphase interpolator: 12 taps per
//! phase at 4x, like the Annex's 48-tap example, and 24 at 2x (the same work per sample, for a
//! sharper filter where only one phase is interpolated). The prototype is a Kaiser-windowed sinc centred on a
//! tap, so phase 0 reproduces the input samples exactly and only the other phases are computed;
//! the sample peak covers phase 0. Each phase is normalised to unity gain at DC.
//!
//! The kernel is the hot spot of the meter: with AVX and FMA (detected at run time, so the default
//! build runs on any x86-64) it computes eight outputs of one phase per step with the phase's
//! coefficients held in registers.

use crate::kernels::Simd;

/// Taps per polyphase branch at 4x.
pub const TAPS_4X: usize = 12;
/// Taps per polyphase branch at 2x.
pub const TAPS_2X: usize = 24;
/// The most taps any branch has: the history a caller keeps is `MAX_TAPS - 1`.
pub const MAX_TAPS: usize = TAPS_2X;
/// Kaiser window shape of the prototype (see `interpolator_reads_within_annex_tolerance`).
const KAISER_BETA: f64 = 4.5;

/// Oversampling factor BS.1770-4 Annex 2 asks for at a sample rate.
pub fn oversampling_factor(sample_rate_hz: u32) -> usize {
    if sample_rate_hz < 88_200 {
        4
    } else if sample_rate_hz < 176_400 {
        2
    } else {
        1
    }
}

/// The interpolation filter for one sample rate. Stateless: the caller keeps [`Self::taps`]` - 1`
/// samples of history in front of each block (see [`TruePeak::block_max`]).
#[derive(Debug, Clone)]
pub struct TruePeak {
    factor: usize,
    /// Phases 1..4 at 4x, ordered oldest input sample first.
    coefs_4x: [[f32; TAPS_4X]; 3],
    /// Phase 1 at 2x.
    coefs_2x: [[f32; TAPS_2X]; 1],
    simd: Simd,
}

/// Designs phases 1..factor of a Kaiser-windowed sinc centred on a tap, `T` taps per phase,
/// each phase normalised to unity DC gain.
fn design<const T: usize>(factor: usize, out: &mut [[f32; T]]) {
    let len = factor * T;
    let centre = (factor * T / 2) as f64;
    let proto: Vec<f64> = (0..len)
        .map(|n| {
            let t = (n as f64 - centre) / factor as f64;
            let sinc = if t == 0.0 {
                1.0
            } else {
                (std::f64::consts::PI * t).sin() / (std::f64::consts::PI * t)
            };
            let r = (n as f64 - centre) / centre;
            let w = if r.abs() <= 1.0 {
                bessel_i0(KAISER_BETA * (1.0 - r * r).sqrt()) / bessel_i0(KAISER_BETA)
            } else {
                0.0
            };
            sinc * w
        })
        .collect();
    for (p, phase) in (1..factor).zip(out.iter_mut()) {
        // Phase p weights x[n - k] by proto[p + factor * k]; store oldest first.
        let taps: Vec<f64> = (0..T).map(|k| proto[p + factor * k]).collect();
        let dc: f64 = taps.iter().sum();
        for (j, c) in phase.iter_mut().enumerate() {
            *c = (taps[T - 1 - j] / dc) as f32;
        }
    }
}

fn bessel_i0(x: f64) -> f64 {
    let mut sum = 1.0;
    let mut term = 1.0;
    let q = x * x / 4.0;
    for k in 1..64 {
        term *= q / (k as f64 * k as f64);
        sum += term;
        if term < 1e-17 * sum {
            break;
        }
    }
    sum
}

impl TruePeak {
    /// Designs the interpolator for `sample_rate_hz`. Not needed on the audio thread.
    pub fn new(sample_rate_hz: u32) -> Self {
        let factor = oversampling_factor(sample_rate_hz);
        let mut coefs_4x = [[0f32; TAPS_4X]; 3];
        let mut coefs_2x = [[0f32; TAPS_2X]; 1];
        match factor {
            4 => design(4, &mut coefs_4x),
            2 => design(2, &mut coefs_2x),
            _ => {}
        }
        Self {
            factor,
            coefs_4x,
            coefs_2x,
            simd: Simd::detect(),
        }
    }

    /// Taps per phase (history the caller keeps: one less).
    pub fn taps(&self) -> usize {
        match self.factor {
            4 => TAPS_4X,
            2 => TAPS_2X,
            _ => 1,
        }
    }

    #[cfg(test)]
    /// Forces the portable kernel (for tests comparing the two).
    pub fn set_portable(&mut self) {
        self.simd = Simd::portable();
    }

    /// Largest |interpolated value| between the samples of a block. `buf` holds
    /// [`Self::taps`]` - 1` samples of history followed by the block's `n` samples. The input
    /// samples themselves (phase 0) are not included: combine with the sample peak.
    /// Real-time safe.
    #[inline]
    pub fn block_max(&self, buf: &[f32], n: usize) -> f32 {
        match self.factor {
            4 => self.kernel(buf, n, &self.coefs_4x),
            2 => self.kernel(buf, n, &self.coefs_2x),
            _ => 0.0,
        }
    }

    #[inline]
    fn kernel<const T: usize>(&self, buf: &[f32], n: usize, coefs: &[[f32; T]]) -> f32 {
        if n == 0 || buf.len() < n + T - 1 {
            return 0.0;
        }
        #[cfg(target_arch = "x86_64")]
        if self.simd.avx_fma() {
            // SAFETY: the CPU supports AVX and FMA (checked at construction), and the bounds
            // were checked above.
            return unsafe { avx::block_max(buf, n, coefs) };
        }
        portable_block_max(buf, n, coefs)
    }

    /// For each threshold, the values in the block (samples and interpolated values) whose
    /// magnitude exceeds it, with the block positions of the first and last. One scalar pass
    /// serves every threshold; it is called only for blocks whose maximum exceeds the lowest.
    /// Real-time safe.
    pub fn count_over<const K: usize>(
        &self,
        buf: &[f32],
        n: usize,
        thresholds: [f32; K],
    ) -> [Overs; K] {
        match self.factor {
            4 => count_over(buf, n, thresholds, &self.coefs_4x),
            2 => count_over(buf, n, thresholds, &self.coefs_2x),
            _ => count_over::<1, K>(buf, n, thresholds, &[]),
        }
    }
}

fn count_over<const T: usize, const K: usize>(
    buf: &[f32],
    n: usize,
    thresholds: [f32; K],
    coefs: &[[f32; T]],
) -> [Overs; K] {
    let mut overs = [Overs::default(); K];
    if buf.len() < n + T - 1 {
        return overs;
    }
    for i in 0..n {
        let window = &buf[i..i + T];
        let mut here = [0u64; K];
        let mut tally = |v: f32| {
            for (h, t) in here.iter_mut().zip(thresholds) {
                *h += u64::from(v.abs() > t);
            }
        };
        // Phase 0 is the sample at the filter centre: x[n - T/2], stored oldest first.
        tally(window[T - 1 - T / 2]);
        for c in coefs {
            tally(c.iter().zip(window).map(|(a, b)| a * b).sum());
        }
        for (o, h) in overs.iter_mut().zip(here) {
            if h > 0 {
                o.count += h;
                o.first.get_or_insert(i);
                o.last = Some(i);
            }
        }
    }
    overs
}

/// Result of [`TruePeak::count_over`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overs {
    /// Values above the threshold.
    pub count: u64,
    /// Block position of the first.
    pub first: Option<usize>,
    /// Block position of the last.
    pub last: Option<usize>,
}

fn portable_block_max<const T: usize>(buf: &[f32], n: usize, coefs: &[[f32; T]]) -> f32 {
    let mut m = 0f32;
    for c in coefs {
        for window in buf[..n + T - 1].windows(T) {
            let mut acc = 0f32;
            for (a, b) in c.iter().zip(window) {
                acc += a * b;
            }
            let a = acc.abs();
            if a > m {
                m = a;
            }
        }
    }
    m
}

#[cfg(target_arch = "x86_64")]
mod avx {
    use std::arch::x86_64::*;

    /// # Safety
    /// The CPU must support AVX and FMA, and `buf.len() >= n + T - 1`; `T` is even.
    #[target_feature(enable = "avx,fma")]
    pub(super) unsafe fn block_max<const T: usize>(
        buf: &[f32],
        n: usize,
        coefs: &[[f32; T]],
    ) -> f32 {
        let ptr = buf.as_ptr();
        let abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fff_ffff));
        let mut best = _mm256_setzero_ps();
        let vector_end = n - n % 8;
        for c in coefs {
            let k: [__m256; T] = core::array::from_fn(|j| _mm256_set1_ps(c[j]));
            let mut i = 0;
            while i < vector_end {
                // SAFETY: i + 7 + T - 1 < n + T - 1 <= buf.len().
                let p = unsafe { ptr.add(i) };
                let mut even = _mm256_mul_ps(k[0], unsafe { _mm256_loadu_ps(p) });
                let mut odd = _mm256_mul_ps(k[1], unsafe { _mm256_loadu_ps(p.add(1)) });
                let mut j = 2;
                while j < T {
                    even = _mm256_fmadd_ps(k[j], unsafe { _mm256_loadu_ps(p.add(j)) }, even);
                    odd = _mm256_fmadd_ps(k[j + 1], unsafe { _mm256_loadu_ps(p.add(j + 1)) }, odd);
                    j += 2;
                }
                let y = _mm256_and_ps(_mm256_add_ps(even, odd), abs_mask);
                best = _mm256_max_ps(best, y);
                i += 8;
            }
        }
        let mut lanes = [0f32; 8];
        // SAFETY: `lanes` has room for eight floats.
        unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), best) };
        let mut m = lanes.iter().fold(0f32, |a, &b| a.max(b));
        if vector_end < n {
            let tail = &buf[vector_end..n + T - 1];
            m = m.max(super::portable_block_max(tail, n - vector_end, coefs));
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the true peak of a long sine the way the meter does (max of samples and phases).
    fn read_sine_dbtp(rate: u32, freq: f64, phase: f64, amplitude: f64, tp: &TruePeak) -> f64 {
        let n = 8192;
        let taps = tp.taps();
        let mut buf = vec![0f32; n + taps - 1];
        for (i, v) in buf.iter_mut().enumerate() {
            *v = (amplitude
                * (2.0 * std::f64::consts::PI * freq * i as f64 / rate as f64 + phase).sin())
                as f32;
        }
        let sample_peak = buf[taps..].iter().fold(0f32, |a, b| a.max(b.abs()));
        let m = tp.block_max(&buf, n).max(sample_peak);
        20.0 * (m as f64 / amplitude).log10()
    }

    /// The Annex's tolerance (+0.2 / -0.4 dB) across the audio band, for every phase.
    #[test]
    fn interpolator_reads_within_annex_tolerance() {
        for rate in [44_100u32, 48_000, 88_200, 96_000] {
            let tp = TruePeak::new(rate);
            let mut worst_low: f64 = 0.0;
            let mut worst_high: f64 = 0.0;
            let top = if rate < 88_200 { 0.42 } else { 0.21 } * rate as f64;
            let mut f = 20.0;
            while f <= top {
                for ph in 0..8 {
                    let phase = ph as f64 * std::f64::consts::PI / 8.0;
                    let err = read_sine_dbtp(rate, f, phase, 0.5, &tp);
                    worst_low = worst_low.min(err);
                    worst_high = worst_high.max(err);
                }
                f *= 1.25;
            }
            eprintln!("{rate} Hz up to {top:.0} Hz: {worst_low:.3}..{worst_high:.3} dB");
            assert!(
                worst_low >= -0.4 && worst_high <= 0.2,
                "{rate}: {worst_low}..{worst_high}"
            );
        }
    }

    #[test]
    fn avx_and_portable_kernels_agree() {
        let mut tp = TruePeak::new(48_000);
        let mut state = 0x1234_5678u32;
        let buf: Vec<f32> = (0..1000 + TAPS_4X - 1)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state as f32 / u32::MAX as f32) * 2.0 - 1.0
            })
            .collect();
        for n in [1, 7, 8, 9, 63, 1000] {
            let fast = tp.block_max(&buf, n);
            let slow = portable_block_max(&buf, n, &tp.coefs_4x);
            assert!((fast - slow).abs() <= 1e-5 * slow, "{n}: {fast} vs {slow}");
        }
        tp.set_portable();
        assert_eq!(
            tp.block_max(&buf, 5),
            portable_block_max(&buf, 5, &tp.coefs_4x)
        );
        let tp2 = TruePeak::new(96_000);
        let fast = tp2.block_max(&buf, 977);
        let slow = portable_block_max(&buf, 977, &tp2.coefs_2x);
        assert!((fast - slow).abs() <= 1e-5 * slow, "{fast} vs {slow}");
    }

    #[test]
    fn factor_follows_the_annex() {
        assert_eq!(oversampling_factor(44_100), 4);
        assert_eq!(oversampling_factor(48_000), 4);
        assert_eq!(oversampling_factor(88_200), 2);
        assert_eq!(oversampling_factor(96_000), 2);
        assert_eq!(oversampling_factor(192_000), 1);
        assert_eq!(TruePeak::new(192_000).block_max(&[1.0; 40], 10), 0.0);
    }

    #[test]
    fn counts_overs() {
        let tp = TruePeak::new(48_000);
        // fs/4 sine at 45 degrees: samples at 0.707, interpolated peaks near 1.0.
        let buf: Vec<f32> = (0..200 + TAPS_4X - 1)
            .map(|i| {
                ((std::f64::consts::PI / 2.0) * i as f64 + std::f64::consts::PI / 4.0).sin() as f32
            })
            .collect();
        let [high, low] = tp.count_over(&buf, 200, [1.5, 0.9]);
        assert_eq!(high.count, 0);
        assert_eq!(tp.count_over(&buf, 200, [0.9])[0], low);
        assert!(low.count >= 200);
    }
}

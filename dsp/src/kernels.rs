//! The per-sample inner loops of the meter, written so they vectorise: input sanitising with
//! eight-lane accumulators, and the stereo pass that runs K-weighting (BS.1770-4 Annex 1) and the
//! low-band correlation filter of both channels together. The stereo pass has an AVX + FMA
//! version (detected at run time) that puts the shelf and first low-pass filters of L and R in
//! the four lanes of one vector and the high-pass and second low-pass filters, which take those
//! four outputs, in another, so the eight filter recurrences advance together; the portable
//! version computes the same thing one lane at a time. Channels outside the stereo pair run
//! [`k_weight`], the same K-weighting one channel at a time.

use crate::correlation::CorrelationSums;
use crate::k_weighting::{Biquad, BiquadState};

/// Samples smaller than this (-300 dBFS, far below any converter's noise floor) are measured as
/// zero. Besides subnormals this keeps every square and filter product in the normal floating
/// point range, where the arithmetic runs at full speed: a signal decaying towards silence costs
/// no more than music.
pub const FLUSH_BELOW: f32 = 1e-15;

/// Statistics of one channel's chunk after sanitising.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ChunkStats {
    /// Largest |x|.
    pub peak: f32,
    /// Sum of x.
    pub sum: f64,
    /// Sum of x^2.
    pub sum_sq: f64,
    /// NaN/Inf samples replaced by 0.0.
    pub non_finite: u32,
}

/// The portable sanitising loop alone (tests compare the AVX loop with it).
#[inline]
#[cfg(test)]
pub fn sanitise(buf: &mut [f32]) -> ChunkStats {
    sanitise_lanes(buf)
}

/// Which instruction set the kernels may use. Only [`Simd::detect`] can say AVX + FMA, and it
/// asks the CPU, so a kernel given a `Simd` never runs instructions the CPU lacks: safe code
/// cannot reach undefined behaviour through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Simd {
    avx_fma: bool,
}

impl Simd {
    /// The best the CPU running this offers (AVX + FMA on x86-64 when present).
    pub fn detect() -> Self {
        Self {
            avx_fma: detect_avx_fma(),
        }
    }

    /// The portable kernels only.
    #[cfg(test)]
    pub const fn portable() -> Self {
        Self { avx_fma: false }
    }

    /// Whether the AVX + FMA kernels run.
    pub const fn avx_fma(self) -> bool {
        self.avx_fma
    }
}

/// Replaces NaN/Inf (counted) and samples below [`FLUSH_BELOW`] with 0.0 and gathers the
/// chunk's statistics, with the AVX kernel where `simd` allows it. The portable and AVX loops
/// give bit-identical results: the same eight lanes in the same order, no fused operations.
/// Real-time safe.
#[inline]
pub fn sanitise_with(buf: &mut [f32], simd: Simd) -> ChunkStats {
    #[cfg(target_arch = "x86_64")]
    if simd.avx_fma {
        // SAFETY: `simd.avx_fma` is true only when `Simd::detect` found AVX and FMA.
        return unsafe { avx::sanitise(buf) };
    }
    let _ = simd;
    sanitise_lanes(buf)
}

/// Eight lanes of the sanitising sums: non-finite count (in `f32`, exact far beyond a chunk's
/// length), peak, sum, sum of squares.
type Lanes = [[f32; SANITISE_LANES]; 4];
const SANITISE_LANES: usize = 8;

/// The sanitising loop, portable: eight independent lanes.
#[inline(always)]
fn sanitise_lanes(buf: &mut [f32]) -> ChunkStats {
    let mut lanes: Lanes = [[0.0; SANITISE_LANES]; 4];
    let [bad, peak, sum, sum_sq] = &mut lanes;
    let mut chunks = buf.chunks_exact_mut(SANITISE_LANES);
    for chunk in &mut chunks {
        for j in 0..SANITISE_LANES {
            let x = chunk[j];
            let a = x.abs();
            let finite = a <= f32::MAX;
            bad[j] += if finite { 0.0 } else { 1.0 };
            let v = if finite && a >= FLUSH_BELOW { x } else { 0.0 };
            chunk[j] = v;
            let va = v.abs();
            peak[j] = if va > peak[j] { va } else { peak[j] };
            sum[j] += v;
            sum_sq[j] += v * v;
        }
    }
    finish_sanitise(lanes, chunks.into_remainder())
}

/// Sanitises the samples after the last whole group of eight into lane 0 and reduces the lanes.
#[inline(always)]
fn finish_sanitise(mut lanes: Lanes, remainder: &mut [f32]) -> ChunkStats {
    let [bad, peak, sum, sum_sq] = &mut lanes;
    for x in remainder {
        let a = x.abs();
        let finite = a <= f32::MAX;
        bad[0] += if finite { 0.0 } else { 1.0 };
        let v = if finite && a >= FLUSH_BELOW { *x } else { 0.0 };
        *x = v;
        peak[0] = peak[0].max(v.abs());
        sum[0] += v;
        sum_sq[0] += v * v;
    }
    ChunkStats {
        peak: peak.iter().fold(0f32, |a, &b| a.max(b)),
        sum: sum.iter().map(|&v| v as f64).sum(),
        sum_sq: sum_sq.iter().map(|&v| v as f64).sum(),
        non_finite: bad.iter().map(|&v| v as u32).sum(),
    }
}

/// Filters and states of the stereo pass.
#[derive(Debug, Clone, Copy)]
pub struct StereoFilters {
    /// K-weighting pre-filter.
    pub shelf: Biquad,
    /// K-weighting RLB high-pass.
    pub high_pass: Biquad,
    /// Low-band correlation low-pass, run twice: the two sections at the same corner make a
    /// fourth-order Linkwitz-Riley low-pass (24 dB/octave, -6 dB at the corner), so content an
    /// octave above the corner is 25 dB down and does not steer the low-band reading.
    pub low_pass: Biquad,
}

/// Filter states of both channels: shelf, high-pass and the two low-pass sections of L and R.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StereoState {
    /// Pre-filter states (L, R).
    pub shelf: [BiquadState; 2],
    /// High-pass states (L, R).
    pub high_pass: [BiquadState; 2],
    /// First low-pass section's states (L, R).
    pub low_pass: [BiquadState; 2],
    /// Second low-pass section's states (L, R).
    pub low_pass_2: [BiquadState; 2],
}

/// What the stereo pass returns.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StereoSums {
    /// Sum of squares of the K-weighted L and R.
    pub k_energy: [f64; 2],
    /// Broadband correlation sums.
    pub broadband: CorrelationSums,
    /// Low-band correlation sums.
    pub low_band: CorrelationSums,
    /// Whether L == R for every sample.
    pub identical: bool,
}

/// Runs the stereo pass over `l` and `r` (equal lengths). Real-time safe.
#[inline]
pub fn stereo_pass(
    l: &[f32],
    r: &[f32],
    f: &StereoFilters,
    st: &mut StereoState,
    simd: Simd,
) -> StereoSums {
    #[cfg(target_arch = "x86_64")]
    if simd.avx_fma {
        // SAFETY: `simd.avx_fma` is true only when `Simd::detect` found AVX and FMA.
        return unsafe { avx::stereo_pass(l, r, f, st) };
    }
    let _ = simd;
    stereo_pass_portable(l, r, f, st)
}

/// The portable stereo pass.
pub fn stereo_pass_portable(
    l: &[f32],
    r: &[f32],
    f: &StereoFilters,
    st: &mut StereoState,
) -> StereoSums {
    let mut out = StereoSums {
        identical: true,
        ..StereoSums::default()
    };
    let (mut sh, mut hp) = (st.shelf, st.high_pass);
    let (mut lp, mut lp2) = (st.low_pass, st.low_pass_2);
    let (c, lo) = (&mut out.broadband, &mut out.low_band);
    for (&fl, &fr) in l.iter().zip(r) {
        out.identical &= fl == fr;
        let x = [fl as f64, fr as f64];
        let y = [
            hp[0].tick(&f.high_pass, sh[0].tick(&f.shelf, x[0])),
            hp[1].tick(&f.high_pass, sh[1].tick(&f.shelf, x[1])),
        ];
        out.k_energy[0] += y[0] * y[0];
        out.k_energy[1] += y[1] * y[1];
        c.lr += x[0] * x[1];
        c.ll += x[0] * x[0];
        c.rr += x[1] * x[1];
        let b = [
            lp2[0].tick(&f.low_pass, lp[0].tick(&f.low_pass, x[0])),
            lp2[1].tick(&f.low_pass, lp[1].tick(&f.low_pass, x[1])),
        ];
        lo.lr += b[0] * b[1];
        lo.ll += b[0] * b[0];
        lo.rr += b[1] * b[1];
    }
    c.n = l.len().min(r.len()) as f64;
    lo.n = c.n;
    st.shelf = sh;
    st.high_pass = hp;
    st.low_pass = lp;
    st.low_pass_2 = lp2;
    out
}

/// Sum of squares of `x` after K-weighting (shelf, then high-pass), carrying `shelf_state` and
/// `high_pass_state` across calls: the loudness energy of one channel outside the stereo pair.
/// Real-time safe.
pub fn k_weight(
    x: &[f32],
    shelf: &Biquad,
    high_pass: &Biquad,
    shelf_state: &mut BiquadState,
    high_pass_state: &mut BiquadState,
) -> f64 {
    let (mut sh, mut hp) = (*shelf_state, *high_pass_state);
    let mut energy = 0.0;
    for &v in x {
        let y = hp.tick(high_pass, sh.tick(shelf, v as f64));
        energy += y * y;
    }
    *shelf_state = sh;
    *high_pass_state = hp;
    energy
}

/// Whether the CPU has AVX and FMA.
fn detect_avx_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(target_arch = "x86_64")]
mod avx {
    use super::{ChunkStats, StereoFilters, StereoState, StereoSums};
    use crate::k_weighting::BiquadState;
    use std::arch::x86_64::*;

    /// The sanitising loop with the eight lanes in one AVX register: the same operations in the
    /// same order as the portable loop (no fused multiply-add), so the same results.
    ///
    /// # Safety
    /// The CPU must support AVX.
    #[target_feature(enable = "avx,fma")]
    pub(super) unsafe fn sanitise(buf: &mut [f32]) -> ChunkStats {
        let abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fff_ffff));
        let max = _mm256_set1_ps(f32::MAX);
        let flush = _mm256_set1_ps(super::FLUSH_BELOW);
        let one = _mm256_set1_ps(1.0);
        let (mut bad, mut peak) = (_mm256_setzero_ps(), _mm256_setzero_ps());
        let (mut sum, mut sum_sq) = (_mm256_setzero_ps(), _mm256_setzero_ps());
        let mut chunks = buf.chunks_exact_mut(super::SANITISE_LANES);
        for chunk in &mut chunks {
            // SAFETY: `chunk` holds exactly eight f32; unaligned load and store.
            let x = unsafe { _mm256_loadu_ps(chunk.as_ptr()) };
            let a = _mm256_and_ps(x, abs_mask);
            let finite = _mm256_cmp_ps::<_CMP_LE_OQ>(a, max);
            let keep = _mm256_and_ps(finite, _mm256_cmp_ps::<_CMP_GE_OQ>(a, flush));
            bad = _mm256_add_ps(bad, _mm256_andnot_ps(finite, one));
            let v = _mm256_and_ps(x, keep);
            unsafe { _mm256_storeu_ps(chunk.as_mut_ptr(), v) };
            peak = _mm256_max_ps(_mm256_and_ps(a, keep), peak);
            sum = _mm256_add_ps(sum, v);
            sum_sq = _mm256_add_ps(sum_sq, _mm256_mul_ps(v, v));
        }
        let mut lanes: super::Lanes = [[0.0; super::SANITISE_LANES]; 4];
        for (lane, v) in lanes.iter_mut().zip([bad, peak, sum, sum_sq]) {
            // SAFETY: each lane array holds exactly eight f32.
            unsafe { _mm256_storeu_ps(lane.as_mut_ptr(), v) };
        }
        super::finish_sanitise(lanes, chunks.into_remainder())
    }

    /// The stereo pass with the shelf and first low-pass filters of L and R in the four lanes of
    /// one vector, and the high-pass and second low-pass filters in the four lanes of another,
    /// whose input is the first vector's output lane for lane.
    ///
    /// Each biquad runs in an equivalent form of the transposed direct form II whose recurrence
    /// is one fused multiply-add deep: with `B1 = b1 - a1 b0` and `B2 = b2 - a2 b0`, the first
    /// state obeys `z1[n+1] = -a1 z1[n] - a2 z1[n-1] + B1 x[n] + B2 x[n-1]`, and
    /// `y[n] = b0 x[n] + z1[n]`, `z2[n] = B2 x[n-1] - a2 z1[n-1]`. The terms in `z1[n-1]` and
    /// the input are ready a sample early, so a sample costs one multiply-add of latency
    /// instead of two (the loop is bound by the filter recurrences, not by arithmetic).
    ///
    /// # Safety
    /// The CPU must support AVX and FMA.
    #[target_feature(enable = "avx,fma")]
    pub(super) unsafe fn stereo_pass(
        l: &[f32],
        r: &[f32],
        f: &StereoFilters,
        st: &mut StereoState,
    ) -> StereoSums {
        // Per-filter constants: b0, -a1, -a2, B1, B2 (see above).
        let consts = |q: &crate::k_weighting::Biquad| {
            let (b, a) = (q.b, q.a);
            [b[0], -a[0], -a[1], b[1] - a[0] * b[0], b[2] - a[1] * b[0]]
        };
        let (sh, lp, hp) = (consts(&f.shelf), consts(&f.low_pass), consts(&f.high_pass));
        // Lanes of the first stage: [shelf L, shelf R, low-pass L, low-pass R].
        let c4 = |j: usize| _mm256_setr_pd(sh[j], sh[j], lp[j], lp[j]);
        let (b0, na1, na2, bb1, bb2) = (c4(0), c4(1), c4(2), c4(3), c4(4));
        // Lanes of the second stage: [high-pass L, high-pass R, low-pass L, low-pass R].
        let c4b = |j: usize| _mm256_setr_pd(hp[j], hp[j], lp[j], lp[j]);
        let (hb0, hna1, hna2, hbb1, hbb2) = (c4b(0), c4b(1), c4b(2), c4b(3), c4b(4));
        let (s1, s2) = st.shelf[0].parts();
        let (s1r, s2r) = st.shelf[1].parts();
        let (p1, p2) = st.low_pass[0].parts();
        let (p1r, p2r) = st.low_pass[1].parts();
        // z = z1[n]; zp = z1[n-1]; carry = B2 x[n-1]. Entering with zp = 0 and carry = z2[n]
        // gives z2[n] = carry - a2 zp exactly as stored.
        let mut z = _mm256_setr_pd(s1, s1r, p1, p1r);
        let mut zp = _mm256_setzero_pd();
        let mut carry = _mm256_setr_pd(s2, s2r, p2, p2r);
        let (h1, h2) = st.high_pass[0].parts();
        let (h1r, h2r) = st.high_pass[1].parts();
        let (q1, q2) = st.low_pass_2[0].parts();
        let (q1r, q2r) = st.low_pass_2[1].parts();
        let mut w = _mm256_setr_pd(h1, h1r, q1, q1r);
        let mut wp = _mm256_setzero_pd();
        let mut wcarry = _mm256_setr_pd(h2, h2r, q2, q2r);
        let mut k_energy = _mm_setzero_pd();
        let mut raw_sq = _mm_setzero_pd();
        let mut raw_lr = _mm_setzero_pd();
        let mut low_sq = _mm_setzero_pd();
        let mut low_lr = _mm_setzero_pd();
        let mut identical = true;
        let n = l.len().min(r.len());
        for i in 0..n {
            let (fl, fr) = (l[i], r[i]);
            identical &= fl == fr;
            let x2 = _mm_setr_pd(fl as f64, fr as f64);
            let x4 = _mm256_insertf128_pd(_mm256_castpd128_pd256(x2), x2, 1);
            let y4 = _mm256_fmadd_pd(b0, x4, z);
            let v = _mm256_fmadd_pd(bb1, x4, carry);
            let next = _mm256_fmadd_pd(na1, z, _mm256_fmadd_pd(na2, zp, v));
            zp = z;
            z = next;
            carry = _mm256_mul_pd(bb2, x4);
            let out4 = _mm256_fmadd_pd(hb0, y4, w);
            let hv = _mm256_fmadd_pd(hbb1, y4, wcarry);
            let hnext = _mm256_fmadd_pd(hna1, w, _mm256_fmadd_pd(hna2, wp, hv));
            wp = w;
            w = hnext;
            wcarry = _mm256_mul_pd(hbb2, y4);
            let k = _mm256_castpd256_pd128(out4);
            let low = _mm256_extractf128_pd(out4, 1);
            k_energy = _mm_fmadd_pd(k, k, k_energy);
            raw_sq = _mm_fmadd_pd(x2, x2, raw_sq);
            raw_lr = _mm_fmadd_pd(x2, _mm_shuffle_pd(x2, x2, 1), raw_lr);
            low_sq = _mm_fmadd_pd(low, low, low_sq);
            low_lr = _mm_fmadd_pd(low, _mm_shuffle_pd(low, low, 1), low_lr);
        }
        // Back to the stored form: z2[n] = B2 x[n-1] - a2 z1[n-1].
        let z2 = _mm256_fmadd_pd(na2, zp, carry);
        let w2 = _mm256_fmadd_pd(hna2, wp, wcarry);
        let lanes2 = |v: __m128d| {
            let mut o = [0f64; 2];
            // SAFETY: `o` holds two doubles.
            unsafe { _mm_storeu_pd(o.as_mut_ptr(), v) };
            o
        };
        let lanes4 = |v: __m256d| {
            let mut o = [0f64; 4];
            // SAFETY: `o` holds four doubles.
            unsafe { _mm256_storeu_pd(o.as_mut_ptr(), v) };
            o
        };
        let (z1, z2, w1, w2) = (lanes4(z), lanes4(z2), lanes4(w), lanes4(w2));
        st.shelf = [
            BiquadState::from_parts(z1[0], z2[0]),
            BiquadState::from_parts(z1[1], z2[1]),
        ];
        st.low_pass = [
            BiquadState::from_parts(z1[2], z2[2]),
            BiquadState::from_parts(z1[3], z2[3]),
        ];
        st.high_pass = [
            BiquadState::from_parts(w1[0], w2[0]),
            BiquadState::from_parts(w1[1], w2[1]),
        ];
        st.low_pass_2 = [
            BiquadState::from_parts(w1[2], w2[2]),
            BiquadState::from_parts(w1[3], w2[3]),
        ];
        let (ke, rs, rl, ls, ll) = (
            lanes2(k_energy),
            lanes2(raw_sq),
            lanes2(raw_lr),
            lanes2(low_sq),
            lanes2(low_lr),
        );
        let mut out = StereoSums {
            k_energy: ke,
            identical,
            ..StereoSums::default()
        };
        out.broadband.ll = rs[0];
        out.broadband.rr = rs[1];
        out.broadband.lr = rl[0];
        out.broadband.n = n as f64;
        out.low_band.ll = ls[0];
        out.low_band.rr = ls[1];
        out.low_band.lr = ll[0];
        out.low_band.n = n as f64;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k_weighting::KWeighting;

    #[test]
    fn sanitise_counts_and_cleans() {
        let mut v: Vec<f32> = (0..37).map(|i| i as f32 * 0.01).collect();
        v[3] = f32::NAN;
        v[20] = f32::INFINITY;
        v[36] = f32::NEG_INFINITY;
        v[5] = 1e-40; // subnormal
        v[7] = -0.9;
        let s = sanitise(&mut v);
        assert_eq!(s.non_finite, 3);
        assert_eq!(v[3], 0.0);
        assert_eq!(v[5], 0.0);
        assert!((s.peak - 0.9).abs() < 1e-6);
        assert!(v.iter().all(|x| x.is_finite()));
        let expected: f64 = v.iter().map(|&x| x as f64).sum();
        assert!((s.sum - expected).abs() < 1e-5);
    }

    /// The AVX loop and the portable one return the same statistics and the same cleaned
    /// samples, bit for bit, on hostile input of every length around the lane width.
    #[test]
    fn avx_and_portable_sanitising_agree_bit_for_bit() {
        let specials = [
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            1e-40,
            -1e-40,
            1e-16,
            -0.0,
            f32::MAX,
            -1.0,
            FLUSH_BELOW,
        ];
        let mut seed = 0x2545_f491_u32;
        for len in (0..40).chain([479, 480, 1024]) {
            let input: Vec<f32> = (0..len)
                .map(|i| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    if seed.is_multiple_of(5) {
                        specials[(seed as usize / 5) % specials.len()]
                    } else {
                        (seed as f32 / u32::MAX as f32 - 0.5) * (i as f32 + 1.0) * 0.1
                    }
                })
                .collect();
            let (mut a, mut b) = (input.clone(), input.clone());
            let x = sanitise_with(&mut a, Simd::detect());
            let y = sanitise(&mut b);
            assert_eq!(x, y, "length {len}");
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a), bits(&b), "length {len}");
        }
    }

    /// The meter's stereo-pass filters at `rate`.
    fn filters(rate: f64) -> StereoFilters {
        let k = KWeighting::new(rate);
        StereoFilters {
            shelf: k.shelf,
            high_pass: k.high_pass,
            low_pass: Biquad::butterworth_low_pass(rate, crate::correlation::LOW_BAND_HZ),
        }
    }

    /// A channel outside the stereo pair is K-weighted exactly as a channel of the pair.
    #[test]
    fn single_channel_weighting_matches_the_portable_stereo_pass() {
        let f = filters(48_000.0);
        let l: Vec<f32> = (0..3000)
            .map(|i| ((i as f32) * 0.021).sin() * 0.6)
            .collect();
        let r: Vec<f32> = (0..3000).map(|i| ((i as f32) * 0.37).cos() * 0.2).collect();
        let pair = stereo_pass_portable(&l, &r, &f, &mut StereoState::default());
        for (c, x) in [&l, &r].into_iter().enumerate() {
            let (mut sh, mut hp) = (BiquadState::default(), BiquadState::default());
            let mut energy = 0.0;
            for part in x.chunks(700) {
                energy += k_weight(part, &f.shelf, &f.high_pass, &mut sh, &mut hp);
            }
            let whole = k_weight(
                x,
                &f.shelf,
                &f.high_pass,
                &mut BiquadState::default(),
                &mut BiquadState::default(),
            );
            assert_eq!(whole, pair.k_energy[c], "channel {c}");
            assert!(
                (energy - whole).abs() <= 1e-12 * whole,
                "{energy} vs {whole}"
            );
        }
    }

    #[test]
    fn stereo_pass_carries_its_state_across_chunks() {
        let f = filters(44_100.0);
        let l: Vec<f32> = (0..4000)
            .map(|i| ((i as f32) * 0.013).sin() * 0.7)
            .collect();
        let r: Vec<f32> = (0..4000).map(|i| ((i as f32) * 0.29).sin() * 0.3).collect();
        let mut whole = StereoState::default();
        let one = stereo_pass(&l, &r, &f, &mut whole, Simd::detect());
        let mut parts = StereoState::default();
        let mut energy = [0.0; 2];
        let mut start = 0;
        for len in [1, 2, 3, 480, 7, 1000, 2507] {
            let end = start + len;
            let s = stereo_pass(
                &l[start..end],
                &r[start..end],
                &f,
                &mut parts,
                Simd::detect(),
            );
            energy[0] += s.k_energy[0];
            energy[1] += s.k_energy[1];
            start = end;
        }
        assert_eq!(start, l.len());
        let close = |p: f64, q: f64| (p - q).abs() <= 1e-12 * p.abs().max(q.abs()).max(1.0);
        assert!(close(energy[0], one.k_energy[0]) && close(energy[1], one.k_energy[1]));
        for (a, b) in [
            (whole.shelf[0], parts.shelf[0]),
            (whole.high_pass[1], parts.high_pass[1]),
            (whole.low_pass[0], parts.low_pass[0]),
            (whole.low_pass_2[1], parts.low_pass_2[1]),
        ] {
            assert!(close(a.parts().0, b.parts().0) && close(a.parts().1, b.parts().1));
        }
    }

    #[test]
    fn avx_and_portable_stereo_passes_agree() {
        let f = filters(48_000.0);
        let l: Vec<f32> = (0..3000)
            .map(|i| ((i as f32) * 0.031).sin() * 0.5)
            .collect();
        let r: Vec<f32> = (0..3000)
            .map(|i| ((i as f32) * 0.017).cos() * 0.4)
            .collect();
        let mut a = StereoState::default();
        let mut b = StereoState::default();
        let x = stereo_pass(&l, &r, &f, &mut a, Simd::detect());
        let y = stereo_pass_portable(&l, &r, &f, &mut b);
        let close = |p: f64, q: f64| (p - q).abs() <= 1e-9 * p.abs().max(q.abs()).max(1.0);
        assert!(close(x.k_energy[0], y.k_energy[0]) && close(x.k_energy[1], y.k_energy[1]));
        assert!(close(x.broadband.lr, y.broadband.lr) && close(x.low_band.lr, y.low_band.lr));
        assert!(close(x.low_band.ll, y.low_band.ll) && close(x.broadband.rr, y.broadband.rr));
        assert!(!x.identical && !y.identical);
        for (p, q) in [
            (a.high_pass[1], b.high_pass[1]),
            (a.low_pass_2[0], b.low_pass_2[0]),
            (a.low_pass_2[1], b.low_pass_2[1]),
        ] {
            let (sa, sb) = (p.parts(), q.parts());
            assert!(close(sa.0, sb.0) && close(sa.1, sb.1));
        }
    }

    /// The low band is a fourth-order Linkwitz-Riley low-pass: -6 dB at the corner, an octave
    /// above it 24.6 dB down (a second-order filter gives 12.3), and flat well below it, in the
    /// AVX pass and the portable one.
    #[test]
    fn the_low_band_falls_24_db_per_octave_above_its_corner() {
        let corner = crate::correlation::LOW_BAND_HZ;
        for rate in [44_100.0, 48_000.0, 96_000.0] {
            let f = filters(rate);
            for (freq, want_db, tol) in [
                (corner / 3.0, -0.05, 0.1),
                (corner, -6.02, 0.1),
                (corner * 2.0, -24.6, 0.3),
            ] {
                // Two seconds of the tone; the energy of the last second is compared.
                let n = rate as usize;
                let tone: Vec<f32> = (0..2 * n)
                    .map(|i| (2.0 * std::f64::consts::PI * freq * i as f64 / rate).sin() as f32)
                    .collect();
                for simd in [Simd::detect(), Simd::portable()] {
                    let mut st = StereoState::default();
                    stereo_pass(&tone[..n], &tone[..n], &f, &mut st, simd);
                    let s = stereo_pass(&tone[n..], &tone[n..], &f, &mut st, simd);
                    let db = 10.0 * (s.low_band.ll / s.broadband.ll).log10();
                    assert!(
                        (db - want_db).abs() < tol,
                        "{rate} Hz, {freq} Hz tone: {db:.2} dB, want {want_db}"
                    );
                }
            }
        }
    }
}

//! Spectrum analysis with `realfft`: a Hann-windowed FFT (4096 points at 48 kHz, scaled with the
//! rate so bins stay ~11.7 Hz wide) reduced to 1/6-octave bands centred on 1 kHz, 20 Hz-20 kHz.
//!
//! Two products: a live display frame (50 % overlap, smoothed over ~0.3 s) and the long-term
//! average spectrum (the band powers of the analysed frames averaged) that the readiness checks
//! read. Band
//! levels are the mean power per FFT bin in the band, in dB relative to a full-scale sine in one
//! bin, with no slope applied: pink noise falls 3 dB per octave; the editor adds its stated slope.
//! Channels are analysed separately and their powers added (so L = -R does not vanish); LFE is
//! left out.

use std::sync::Arc;

use realfft::num_complex::Complex32;
use realfft::{RealFftPlanner, RealToComplex};

use crate::layout::MAX_CHANNELS;

/// Where a spectrum plot draws its frequency grid, with the labels (the editor's and the HTML
/// report's).
pub const FREQUENCY_GRID_HZ: [(f64, &str); 8] = [
    (50.0, "50"),
    (100.0, "100"),
    (200.0, "200"),
    (500.0, "500"),
    (1_000.0, "1k"),
    (2_000.0, "2k"),
    (5_000.0, "5k"),
    (10_000.0, "10k"),
];

/// Number of 1/6-octave bands, centred on 1 kHz, from 19.7 Hz to 20.2 kHz.
pub const BAND_COUNT: usize = 61;
/// FFT length at 48 kHz (scaled to the nearest power of two at other rates).
pub const FFT_LEN_AT_48K: usize = 4096;
/// Smoothing of the display frames (weight of the previous frame per new frame).
const DISPLAY_SMOOTHING: f32 = 0.6;

/// Centre frequency of every band: 1000 * 2^((k - 34) / 6) Hz.
pub fn band_centers_hz() -> [f64; BAND_COUNT] {
    let mut c = [0.0; BAND_COUNT];
    for (k, f) in c.iter_mut().enumerate() {
        *f = 1000.0 * 2f64.powf((k as f64 - 34.0) / 6.0);
    }
    c
}

/// FFT length used at a sample rate.
pub fn fft_len(sample_rate_hz: u32) -> usize {
    let ideal = FFT_LEN_AT_48K as f64 * sample_rate_hz as f64 / 48_000.0;
    (ideal.round() as usize).next_power_of_two().max(256)
}

/// When frames are analysed and what they feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameSchedule {
    /// Samples between frames: half the FFT length (50 % overlap), the length, or several
    /// lengths (frames sampled from the stream).
    pub hop: usize,
    /// Whether frames add to the long-term average.
    pub long_term: bool,
    /// Whether frames update the display.
    pub display: bool,
}

/// Which bins feed a band: `first..end`, or the single nearest bin for bands narrower than a bin.
#[derive(Debug, Clone, Copy)]
struct BandBins {
    first: usize,
    end: usize,
}

/// The analyser. Allocates in `new`; `push` and the FFT it runs are real-time safe.
pub struct SpectrumAnalyzer {
    fft: Arc<dyn RealToComplex<f32>>,
    len: usize,
    window: Vec<f32>,
    rings: Vec<Vec<f32>>,
    write: usize,
    filled: usize,
    since_frame: usize,
    input: Vec<f32>,
    output: Vec<Complex32>,
    scratch: Vec<Complex32>,
    bin_power: Vec<f32>,
    bands: [BandBins; BAND_COUNT],
    band_valid: [bool; BAND_COUNT],
    norm: f32,
    channels: usize,
    /// Display frame (smoothed band powers).
    display: [f32; BAND_COUNT],
    display_fresh: bool,
    /// Long-term sums of band powers and the frame count.
    long_term: [f64; BAND_COUNT],
    long_term_frames: u64,
}

impl std::fmt::Debug for SpectrumAnalyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpectrumAnalyzer")
            .field("len", &self.len)
            .field("channels", &self.channels)
            .field("long_term_frames", &self.long_term_frames)
            .finish_non_exhaustive()
    }
}

impl SpectrumAnalyzer {
    /// An analyser for `channels` (already excluding LFE) at `sample_rate_hz`.
    pub fn new(sample_rate_hz: u32, channels: usize) -> Self {
        let len = fft_len(sample_rate_hz);
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(len);
        let window: Vec<f32> = (0..len)
            .map(|i| {
                let x = std::f64::consts::PI * 2.0 * i as f64 / len as f64;
                (0.5 - 0.5 * x.cos()) as f32
            })
            .collect();
        let bin_hz = sample_rate_hz as f64 / len as f64;
        let nyquist_bin = len / 2;
        let centres = band_centers_hz();
        let mut bands = [BandBins { first: 0, end: 0 }; BAND_COUNT];
        let mut band_valid = [false; BAND_COUNT];
        let edge = 2f64.powf(1.0 / 12.0);
        for (b, &fc) in centres.iter().enumerate() {
            let lo = fc / edge;
            let hi = fc * edge;
            if lo >= sample_rate_hz as f64 / 2.0 {
                continue;
            }
            let first = (lo / bin_hz).ceil().max(1.0) as usize;
            let end = ((hi / bin_hz).ceil() as usize).min(nyquist_bin + 1);
            bands[b] = if end > first {
                BandBins { first, end }
            } else {
                let nearest = ((fc / bin_hz).round() as usize).clamp(1, nyquist_bin);
                BandBins {
                    first: nearest,
                    end: nearest + 1,
                }
            };
            band_valid[b] = true;
        }
        // A full-scale sine through the Hann window peaks at len/4 in its bin.
        let norm = 1.0 / ((len as f32 / 4.0) * (len as f32 / 4.0));
        let input = fft.make_input_vec();
        let output = fft.make_output_vec();
        let scratch = fft.make_scratch_vec();
        Self {
            len,
            window,
            rings: vec![vec![0.0; len]; channels.clamp(1, MAX_CHANNELS)],
            write: 0,
            filled: 0,
            since_frame: 0,
            input,
            output,
            scratch,
            bin_power: vec![0.0; nyquist_bin + 1],
            bands,
            band_valid,
            norm,
            channels: channels.clamp(1, MAX_CHANNELS),
            display: [0.0; BAND_COUNT],
            display_fresh: false,
            long_term: [0.0; BAND_COUNT],
            long_term_frames: 0,
            fft,
        }
    }

    /// FFT length.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Feeds the frames `range` of the channels `channels` of `planar` into the rings. Each time
    /// `schedule.hop` frames have arrived and the ring is full, runs the FFT. Real-time safe.
    pub fn push_block(
        &mut self,
        planar: &[Vec<f32>],
        channels: &[usize],
        range: std::ops::Range<usize>,
        schedule: FrameSchedule,
    ) {
        let hop = schedule.hop.max(1);
        let mut at = range.start;
        while at < range.end {
            // Samples that cannot reach the next analysed frame are skipped, not copied.
            let until_frame = hop.saturating_sub(self.since_frame);
            if until_frame > self.len {
                let skip = (range.end - at).min(until_frame - self.len);
                self.since_frame += skip;
                self.filled = 0;
                at += skip;
                continue;
            }
            let m = (range.end - at)
                .min(self.len - self.write)
                .min(hop.saturating_sub(self.since_frame).max(1));
            for (ring, &c) in self.rings.iter_mut().zip(channels) {
                if let Some(src) = planar.get(c).and_then(|p| p.get(at..at + m)) {
                    ring[self.write..self.write + m].copy_from_slice(src);
                }
            }
            self.write = (self.write + m) % self.len;
            self.filled = (self.filled + m).min(self.len);
            self.since_frame += m;
            at += m;
            if self.since_frame >= hop {
                self.since_frame = 0;
                if self.filled == self.len {
                    self.analyse(schedule.long_term, schedule.display);
                }
            }
        }
    }

    fn analyse(&mut self, long_term: bool, display: bool) {
        self.bin_power.fill(0.0);
        for ch in 0..self.channels {
            let ring = &self.rings[ch];
            let (older, newer) = ring.split_at(self.write);
            let (first, second) = self.input.split_at_mut(newer.len());
            for ((dst, src), w) in first.iter_mut().zip(newer).zip(&self.window) {
                *dst = src * w;
            }
            for ((dst, src), w) in second
                .iter_mut()
                .zip(older)
                .zip(&self.window[newer.len()..])
            {
                *dst = src * w;
            }
            if self
                .fft
                .process_with_scratch(&mut self.input, &mut self.output, &mut self.scratch)
                .is_err()
            {
                return;
            }
            for (p, c) in self.bin_power.iter_mut().zip(&self.output) {
                *p += c.norm_sqr() * self.norm;
            }
        }
        let mut frame = [0f32; BAND_COUNT];
        for (b, out) in frame.iter_mut().enumerate() {
            if self.band_valid[b] {
                let bins = self.bands[b];
                let slice = &self.bin_power[bins.first..bins.end];
                *out = slice.iter().sum::<f32>() / slice.len().max(1) as f32;
            }
        }
        if long_term {
            for (acc, p) in self.long_term.iter_mut().zip(frame) {
                *acc += p as f64;
            }
            self.long_term_frames += 1;
        }
        if display {
            for (d, p) in self.display.iter_mut().zip(frame) {
                *d = *d * DISPLAY_SMOOTHING + p * (1.0 - DISPLAY_SMOOTHING);
            }
            self.display_fresh = true;
        }
    }

    /// Latest display frame in dB (`None` for silent or out-of-range bands), and whether a new
    /// frame arrived since the last call. Real-time safe.
    pub fn take_display(&mut self, out: &mut [Option<f32>; BAND_COUNT]) -> bool {
        for (b, o) in out.iter_mut().enumerate() {
            let p = self.display[b];
            *o = (self.band_valid[b] && p > 1e-20).then(|| 10.0 * p.log10());
        }
        std::mem::take(&mut self.display_fresh)
    }

    /// Long-term average band levels in dB.
    pub fn long_term_db(&self) -> [Option<f64>; BAND_COUNT] {
        let mut out = [None; BAND_COUNT];
        if self.long_term_frames == 0 {
            return out;
        }
        for (b, o) in out.iter_mut().enumerate() {
            let p = self.long_term[b] / self.long_term_frames as f64;
            *o = (self.band_valid[b] && p > 1e-20).then(|| 10.0 * p.log10());
        }
        out
    }

    /// Clears history, display and long-term average. Real-time safe.
    pub fn reset(&mut self) {
        for r in &mut self.rings {
            r.fill(0.0);
        }
        self.write = 0;
        self.filled = 0;
        self.since_frame = 0;
        self.display = [0.0; BAND_COUNT];
        self.display_fresh = false;
        self.reset_long_term();
    }

    /// Adds another analyser's long-term frames (same rate and channels). Real-time safe.
    pub fn merge_long_term(&mut self, other: &Self) {
        for (a, b) in self.long_term.iter_mut().zip(&other.long_term) {
            *a += b;
        }
        self.long_term_frames += other.long_term_frames;
    }

    /// Clears only the long-term average. Real-time safe.
    pub fn reset_long_term(&mut self) {
        self.long_term = [0.0; BAND_COUNT];
        self.long_term_frames = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_span_the_audio_range() {
        let c = band_centers_hz();
        assert!((c[34] - 1000.0).abs() < 1e-9);
        assert!(c[0] < 20.0 && c[0] > 19.0);
        assert!(c[BAND_COUNT - 1] > 20_000.0 && c[BAND_COUNT - 1] < 20_500.0);
        assert_eq!(fft_len(48_000), 4096);
        assert_eq!(fft_len(44_100), 4096);
        assert_eq!(fft_len(96_000), 8192);
    }

    /// Feeds one channel in uneven blocks, long-term analysis every `hop` frames.
    fn feed(a: &mut SpectrumAnalyzer, x: &[f32], hop: usize) {
        let planar = vec![x.to_vec()];
        let schedule = FrameSchedule {
            hop,
            long_term: true,
            display: false,
        };
        let mut at = 0;
        for len in [1, 500, 7, 4096].iter().cycle() {
            let end = (at + len).min(x.len());
            a.push_block(&planar, &[0], at..end, schedule);
            at = end;
            if at == x.len() {
                break;
            }
        }
    }

    #[test]
    fn full_scale_sine_reads_near_zero_db_in_its_band() {
        let rate = 48_000;
        let mut a = SpectrumAnalyzer::new(rate, 1);
        let len = a.len();
        let f = 1000.0;
        let x: Vec<f32> = (0..len * 4)
            .map(|i| (2.0 * std::f64::consts::PI * f * i as f64 / rate as f64).sin() as f32)
            .collect();
        feed(&mut a, &x, len);
        let lt = a.long_term_db();
        let b1k = lt[34].expect("1 kHz band has energy");
        // The band (944-1059 Hz) holds 10 bins; the Hann-windowed sine puts 1.5x its peak-bin
        // power into them, so the mean per bin is 10 log10(1.5 / 10) = -8.24 dB.
        assert!((b1k + 8.24).abs() < 0.1, "{b1k}");
        let b100 = lt[14].expect("leakage is tiny but non-zero");
        assert!(b100 < b1k - 60.0, "{b100}");
        assert_eq!(a.long_term_frames, 4);
    }

    #[test]
    fn pink_noise_falls_three_db_per_octave() {
        // Paul Kellet's economy pink filter on a xorshift source.
        let rate = 48_000;
        let mut a = SpectrumAnalyzer::new(rate, 1);
        let mut s = 0x9e37_79b9u32;
        let (mut b0, mut b1, mut b2) = (0f32, 0f32, 0f32);
        let mut x = Vec::new();
        for _ in 0..rate * 20 {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            let w = (s as f32 / u32::MAX as f32) * 2.0 - 1.0;
            b0 = 0.99765 * b0 + w * 0.0990460;
            b1 = 0.96300 * b1 + w * 0.2965164;
            b2 = 0.57000 * b2 + w * 1.0526913;
            let p = (b0 + b1 + b2 + w * 0.1848) * 0.1;
            x.push(p);
        }
        feed(&mut a, &x, 4096);
        let lt = a.long_term_db();
        let at = |k: usize| lt[k].expect("noise in band");
        // 250 Hz (k=22) to 4 kHz (k=46): four octaves, -12 dB.
        let slope = (at(46) - at(22)) / 4.0;
        assert!((slope + 3.0).abs() < 0.6, "slope {slope} dB/oct");
    }
}

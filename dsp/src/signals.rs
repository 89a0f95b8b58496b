//! Deterministic test signals shared by the tests and benches.
//!
//! Sines, level sequences built from segments (the shape of the EBU Tech 3341 and Tech 3342
//! compliance signals), white and pink noise, a "music-like" programme and interleaving helpers.
//!
//! Conventions:
//! - Every generator returns planar audio, one `Vec<f32>` per channel, as
//!   [`crate::Meter::process`] takes it ([`Planar`]).
//! - Sine levels are the dBFS of the peak amplitude, as in Tech 3341: a 1 kHz sine at X dBFS on
//!   both channels of a stereo pair reads X LUFS (each channel carries X - 3.01 dB of power and
//!   K-weighting is within 0.01 dB of unity at 1 kHz). Noise levels are dBFS RMS.
//! - Durations given in seconds are rounded to the nearest frame.
//! - Noise comes from [`Prng`], a seeded xorshift generator written here, so a seed gives the same
//!   samples on every run and every platform that rounds `f64` arithmetic the same way.
//!
//! Nothing here is real-time safe: every generator allocates its output. [`channel_slices`] is
//! the exception, so that allocation tests can cut blocks out of a signal on the audio path.

use std::f64::consts::{PI, TAU};

use crate::layout::MAX_CHANNELS;
use crate::units::db_to_amplitude;

/// Planar audio: one `Vec<f32>` per channel, all of the same length.
pub type Planar = Vec<Vec<f32>>;

/// Number of frames in `seconds` at `rate_hz`, rounded to the nearest frame.
pub fn seconds_to_frames(rate_hz: u32, seconds: f64) -> usize {
    (seconds * f64::from(rate_hz)).round().max(0.0) as usize
}

/// Number of frames of a planar signal (0 for no channels).
pub fn frame_count(signal: &[Vec<f32>]) -> usize {
    signal.first().map_or(0, Vec::len)
}

/// A sine of `freq_hz` whose peak is `amplitude_dbfs`, starting at phase `phase_rad`
/// (x[n] = A sin(2 pi f n / rate + phase)), copied to `channels` identical channels.
///
/// The phase is computed in `f64` from the frame index, so long signals do not drift.
pub fn sine(
    rate_hz: u32,
    freq_hz: f64,
    amplitude_dbfs: f64,
    phase_rad: f64,
    seconds: f64,
    channels: usize,
) -> Planar {
    let frames = seconds_to_frames(rate_hz, seconds);
    let amplitude = db_to_amplitude(amplitude_dbfs);
    let one: Vec<f32> = (0..frames)
        .map(|n| sine_sample(rate_hz, freq_hz, amplitude, phase_rad, n))
        .collect();
    vec![one; channels]
}

/// Digital silence.
pub fn silence(rate_hz: u32, seconds: f64, channels: usize) -> Planar {
    vec![vec![0.0; seconds_to_frames(rate_hz, seconds)]; channels]
}

fn sine_sample(rate_hz: u32, freq_hz: f64, amplitude: f64, phase_rad: f64, n: usize) -> f32 {
    // Reduce the cycle count to its fraction first so the argument of `sin` stays small.
    let cycles = (freq_hz * n as f64 / f64::from(rate_hz)).fract();
    (amplitude * (TAU * cycles + phase_rad).sin()) as f32
}

/// Builds a signal from consecutive segments of different levels and durations, e.g. the
/// Tech 3341 case 3 signal:
///
/// ```
/// use preflight_dsp::signals::Sequence;
/// let s = Sequence::new(48_000, 2)
///     .sine(1000.0, -36.0, 10.0)
///     .sine(1000.0, -23.0, 60.0)
///     .sine(1000.0, -36.0, 10.0)
///     .build();
/// assert_eq!(s.len(), 2);
/// assert_eq!(s[0].len(), 80 * 48_000);
/// ```
///
/// Sine segments take their phase from the position in the whole sequence, so consecutive
/// segments of the same frequency join without a discontinuity, as a level step in a signal
/// generator does.
#[derive(Debug, Clone)]
pub struct Sequence {
    rate_hz: u32,
    channels: Planar,
}

impl Sequence {
    /// An empty sequence of `channels` channels.
    pub fn new(rate_hz: u32, channels: usize) -> Self {
        Self {
            rate_hz,
            channels: vec![Vec::new(); channels],
        }
    }

    /// Appends `seconds` of a sine at `amplitude_dbfs` peak on every channel.
    pub fn sine(self, freq_hz: f64, amplitude_dbfs: f64, seconds: f64) -> Self {
        let frames = seconds_to_frames(self.rate_hz, seconds);
        self.sine_frames(freq_hz, amplitude_dbfs, frames)
    }

    /// Appends `frames` frames of a sine at `amplitude_dbfs` peak on every channel.
    pub fn sine_frames(mut self, freq_hz: f64, amplitude_dbfs: f64, frames: usize) -> Self {
        let amplitude = db_to_amplitude(amplitude_dbfs);
        let start = self.frames();
        for ch in &mut self.channels {
            ch.extend(
                (start..start + frames)
                    .map(|n| sine_sample(self.rate_hz, freq_hz, amplitude, 0.0, n)),
            );
        }
        self
    }

    /// Appends `seconds` of digital silence.
    pub fn silence(self, seconds: f64) -> Self {
        let frames = seconds_to_frames(self.rate_hz, seconds);
        self.silence_frames(frames)
    }

    /// Appends `frames` frames of digital silence.
    pub fn silence_frames(mut self, frames: usize) -> Self {
        let len = self.frames() + frames;
        for ch in &mut self.channels {
            ch.resize(len, 0.0);
        }
        self
    }

    /// Appends another planar signal.
    ///
    /// # Panics
    /// If `other` has a different channel count or ragged channels.
    pub fn append(mut self, other: &[Vec<f32>]) -> Self {
        assert_eq!(
            other.len(),
            self.channels.len(),
            "channel count of appended signal"
        );
        let frames = frame_count(other);
        for (dst, src) in self.channels.iter_mut().zip(other) {
            assert_eq!(src.len(), frames, "appended signal has ragged channels");
            dst.extend_from_slice(src);
        }
        self
    }

    /// Frames so far.
    pub fn frames(&self) -> usize {
        frame_count(&self.channels)
    }

    /// The finished signal.
    pub fn build(self) -> Planar {
        self.channels
    }
}

/// Shapes both ends of a signal with raised-cosine fades of `fade_frames` each.
///
/// Used where a test needs a signal whose band-limited reconstruction is known: an abrupt start
/// of a sine has a spectrum reaching up to Nyquist, and its reconstruction rings.
pub fn fade_in_out(signal: &mut [Vec<f32>], fade_frames: usize) {
    for ch in signal {
        let len = ch.len();
        let fade = fade_frames.min(len / 2);
        for i in 0..fade {
            let g = (0.5 - 0.5 * (PI * (i as f64 + 0.5) / fade as f64).cos()) as f32;
            ch[i] *= g;
            ch[len - 1 - i] *= g;
        }
    }
}

/// Multiplies every sample by the gain `db`.
pub fn apply_gain_db(signal: &mut [Vec<f32>], db: f64) {
    let g = db_to_amplitude(db) as f32;
    for x in signal.iter_mut().flatten() {
        *x *= g;
    }
}

/// A small seeded pseudo-random generator (xorshift64* with a SplitMix64 seed scrambler).
///
/// Good enough for test noise and random block sizes; not for anything cryptographic. Any seed,
/// including 0, gives a full-period sequence.
#[derive(Debug, Clone)]
pub struct Prng {
    state: u64,
}

impl Prng {
    /// A generator whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        // SplitMix64 finaliser: spreads similar seeds apart and never yields the zero state.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Self {
            state: if z == 0 { 0x2545_F491_4F6C_DD1D } else { z },
        }
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [-1, 1).
    pub fn bipolar(&mut self) -> f64 {
        2.0 * self.next_f64() - 1.0
    }

    /// Uniform integer in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // Multiply-shift reduction: bias is below 2^-32 for the sizes used here.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform integer in `lo..=hi`.
    pub fn range_inclusive(&mut self, lo: usize, hi: usize) -> usize {
        debug_assert!(lo <= hi);
        lo + self.below(hi - lo + 1)
    }
}

/// Seed for channel `ch` of a multichannel noise: channels are independent.
fn channel_seed(seed: u64, ch: usize) -> u64 {
    seed ^ (ch as u64 + 1).wrapping_mul(0xD6E8_FEB8_6659_FD93)
}

/// Scales a channel so its RMS is exactly `rms_dbfs` (left alone if silent).
fn normalise_rms(samples: &mut [f64], rms_dbfs: f64) {
    let mean_square = samples.iter().map(|x| x * x).sum::<f64>() / samples.len().max(1) as f64;
    if mean_square > 0.0 {
        let g = db_to_amplitude(rms_dbfs) / mean_square.sqrt();
        samples.iter_mut().for_each(|x| *x *= g);
    }
}

fn to_f32(samples: Vec<f64>) -> Vec<f32> {
    samples.into_iter().map(|x| x as f32).collect()
}

/// White noise, uniformly distributed, independent per channel, each channel scaled to exactly
/// `rms_dbfs` RMS (its peak is then 4.77 dB above the RMS).
pub fn white_noise(
    rate_hz: u32,
    rms_dbfs: f64,
    seconds: f64,
    channels: usize,
    seed: u64,
) -> Planar {
    let frames = seconds_to_frames(rate_hz, seconds);
    (0..channels)
        .map(|ch| {
            let mut rng = Prng::new(channel_seed(seed, ch));
            let mut x: Vec<f64> = (0..frames).map(|_| rng.bipolar()).collect();
            normalise_rms(&mut x, rms_dbfs);
            to_f32(x)
        })
        .collect()
}

/// Paul Kellet's "refined" pink filter: seven first-order sections summed, -3 dB/octave within
/// +-0.05 dB from about fs/4800 to fs/2 (designed at 44.1 kHz; at other rates the band scales
/// with the rate).
#[derive(Debug, Clone, Default)]
struct PinkFilter {
    b: [f64; 7],
}

impl PinkFilter {
    fn tick(&mut self, white: f64) -> f64 {
        let b = &mut self.b;
        b[0] = 0.99886 * b[0] + white * 0.055_517_9;
        b[1] = 0.99332 * b[1] + white * 0.075_075_9;
        b[2] = 0.96900 * b[2] + white * 0.153_852_0;
        b[3] = 0.86650 * b[3] + white * 0.310_485_6;
        b[4] = 0.55000 * b[4] + white * 0.532_952_2;
        b[5] = -0.7616 * b[5] - white * 0.016_898_0;
        let out = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + white * 0.5362;
        b[6] = white * 0.115_926;
        out
    }
}

/// Frames run through the pink filter before output starts, so its slowest section (time
/// constant ~880 samples) has settled.
const PINK_SETTLE_FRAMES: usize = 8192;

fn pink_channel(frames: usize, seed: u64) -> Vec<f64> {
    let mut rng = Prng::new(seed);
    let mut filter = PinkFilter::default();
    for _ in 0..PINK_SETTLE_FRAMES {
        filter.tick(rng.bipolar());
    }
    (0..frames).map(|_| filter.tick(rng.bipolar())).collect()
}

/// Pink noise (-3 dB/octave), independent per channel, each channel scaled to exactly
/// `rms_dbfs` RMS.
pub fn pink_noise(rate_hz: u32, rms_dbfs: f64, seconds: f64, channels: usize, seed: u64) -> Planar {
    let frames = seconds_to_frames(rate_hz, seconds);
    (0..channels)
        .map(|ch| {
            let mut x = pink_channel(frames, channel_seed(seed, ch));
            normalise_rms(&mut x, rms_dbfs);
            to_f32(x)
        })
        .collect()
}

/// Sample peak of the music-like signal after normalisation (dBFS).
pub const MUSIC_LIKE_PEAK_DBFS: f64 = -1.0;

/// A stereo "music-like" programme: what a meter sees on a master bus, in miniature.
///
/// - A pink-noise bed mixed from a part common to both channels (gain 0.8) and a part
///   independent per channel (gain 0.6), so the bed's L/R correlation is about 0.64.
/// - A level envelope with "sections" 6 to 12 s long at levels drawn from -12..0 dB, joined by
///   1 s raised-cosine transitions, plus a slow +-1.5 dB swell: short-term loudness moves, so
///   the loudness range is a few LU.
/// - Transients on a 120 BPM grid: a kick (a 55 Hz sine with a pitch drop, 80 ms decay,
///   identical in both channels) on every beat and a snare (noise with a 40 ms decay, slightly
///   different per channel) on beats 2 and 4.
///
/// The result is scaled so its sample peak is [`MUSIC_LIKE_PEAK_DBFS`]; it reads about -18 LUFS
/// integrated, with an LRA of 8 to 11 LU over 60 s.
pub fn music_like(rate_hz: u32, seconds: f64, seed: u64) -> Planar {
    let frames = seconds_to_frames(rate_hz, seconds);
    let rate = f64::from(rate_hz);
    let mut rng = Prng::new(seed);

    let mut bed = [(); 3].map(|()| pink_channel(frames, rng.next_u64()));
    for ch in &mut bed {
        normalise_rms(ch, 0.0);
    }
    let [common, side_l, side_r] = bed;

    // Section levels (dB) and their boundaries (seconds).
    let mut boundaries = vec![0.0];
    let mut levels_db = vec![-6.0];
    while *boundaries.last().unwrap_or(&0.0) < seconds {
        let last = *boundaries.last().unwrap_or(&0.0);
        boundaries.push(last + 6.0 + 6.0 * rng.next_f64());
        levels_db.push(-12.0 + 12.0 * rng.next_f64());
    }
    let transition_s = 1.0;
    let envelope_db = |t: f64| -> f64 {
        // Index of the section containing t.
        let k = boundaries.iter().rposition(|&b| b <= t).unwrap_or(0);
        let mut db = levels_db[k];
        // Within the transition before the next boundary, glide to the next level.
        if let (Some(&next_b), Some(&next_db)) = (boundaries.get(k + 1), levels_db.get(k + 1)) {
            let into = t - (next_b - transition_s);
            if into > 0.0 {
                let w = 0.5 - 0.5 * (PI * (into / transition_s).min(1.0)).cos();
                db += (next_db - db) * w;
            }
        }
        db + 1.5 * (TAU * 0.07 * t).sin()
    };

    let mut left = vec![0.0f64; frames];
    let mut right = vec![0.0f64; frames];
    for n in 0..frames {
        let g = db_to_amplitude(envelope_db(n as f64 / rate)) * 0.1;
        left[n] = g * (0.8 * common[n] + 0.6 * side_l[n]);
        right[n] = g * (0.8 * common[n] + 0.6 * side_r[n]);
    }

    // Transients on a 120 BPM grid.
    let beat_frames = seconds_to_frames(rate_hz, 0.5).max(1);
    let kick_len = seconds_to_frames(rate_hz, 0.4);
    let snare_len = seconds_to_frames(rate_hz, 0.25);
    let mut beat = 0usize;
    let mut start = 0usize;
    while start < frames {
        let level = db_to_amplitude(envelope_db(start as f64 / rate)).min(1.0);
        let kick_amp = 0.35 * level * (0.8 + 0.2 * rng.next_f64());
        let mut phase = 0.0;
        for i in 0..kick_len.min(frames - start) {
            let t = i as f64 / rate;
            let freq = 55.0 + 60.0 * (-t / 0.03).exp();
            phase += TAU * freq / rate;
            let x = kick_amp * (-t / 0.08).exp() * phase.sin();
            left[start + i] += x;
            right[start + i] += x;
        }
        if beat % 2 == 1 {
            let snare_amp = 0.2 * level * (0.8 + 0.2 * rng.next_f64());
            for i in 0..snare_len.min(frames - start) {
                let t = i as f64 / rate;
                let env = snare_amp * (-t / 0.04).exp();
                let c = rng.bipolar();
                left[start + i] += env * (0.9 * c + 0.3 * rng.bipolar());
                right[start + i] += env * (0.9 * c + 0.3 * rng.bipolar());
            }
        }
        beat += 1;
        start += beat_frames;
    }

    let peak = left
        .iter()
        .chain(&right)
        .fold(0.0f64, |m, x| m.max(x.abs()));
    let g = if peak > 0.0 {
        db_to_amplitude(MUSIC_LIKE_PEAK_DBFS) / peak
    } else {
        1.0
    };
    vec![
        to_f32(left.into_iter().map(|x| x * g).collect()),
        to_f32(right.into_iter().map(|x| x * g).collect()),
    ]
}

/// Interleaves a planar signal (frame by frame: L0 R0 L1 R1 ...).
pub fn interleave(signal: &[Vec<f32>]) -> Vec<f32> {
    let frames = frame_count(signal);
    let mut out = Vec::with_capacity(frames * signal.len());
    for n in 0..frames {
        out.extend(signal.iter().map(|ch| ch[n]));
    }
    out
}

/// Splits interleaved samples into planar channels (a trailing partial frame is dropped).
pub fn deinterleave(samples: &[f32], channels: usize) -> Planar {
    if channels == 0 {
        return Vec::new();
    }
    (0..channels)
        .map(|c| {
            samples
                .chunks_exact(channels)
                .map(|frame| frame[c])
                .collect()
        })
        .collect()
}

/// Frames `start..start + len` of every channel as slices, without allocating: the first
/// `signal.len()` entries are filled, the rest are empty. Pass `&slices[..signal.len()]` to
/// [`crate::Meter::process`]. Real-time safe.
///
/// # Panics
/// If the range runs past the end of the signal or there are more than [`MAX_CHANNELS`]
/// channels.
pub fn channel_slices(signal: &[Vec<f32>], start: usize, len: usize) -> [&[f32]; MAX_CHANNELS] {
    assert!(signal.len() <= MAX_CHANNELS, "too many channels");
    let mut out: [&[f32]; MAX_CHANNELS] = [&[]; MAX_CHANNELS];
    for (slot, ch) in out.iter_mut().zip(signal) {
        *slot = &ch[start..start + len];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peak(x: &[f32]) -> f32 {
        x.iter().fold(0.0f32, |m, v| m.max(v.abs()))
    }

    fn rms_db(x: &[f32]) -> f64 {
        let ms = x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / x.len() as f64;
        10.0 * ms.log10()
    }

    #[test]
    fn sine_peak_level_is_exact_when_samples_hit_the_crest() {
        // fs/4 at phase 0: samples are 0, A, 0, -A.
        let s = sine(48_000, 12_000.0, -6.0, 0.0, 0.1, 2);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].len(), 4800);
        assert_eq!(s[0], s[1]);
        assert_eq!(peak(&s[0]), db_to_amplitude(-6.0) as f32);
        assert!(s[0][0].abs() < 1e-7);
    }

    #[test]
    fn sine_phase_offsets_the_samples() {
        // fs/4 at 45 degrees: every sample is A sin(45 deg), 3.01 dB below the crest.
        let s = sine(44_100, 11_025.0, -6.0, PI / 4.0, 0.05, 1);
        let expected = db_to_amplitude(-6.0) * (PI / 4.0).sin();
        assert!(s[0]
            .iter()
            .all(|&x| (f64::from(x.abs()) - expected).abs() < 1e-6));
    }

    #[test]
    fn sine_rms_is_3_db_below_peak() {
        let s = sine(48_000, 1000.0, -20.0, 0.0, 1.0, 1);
        assert!((rms_db(&s[0]) - (-20.0 - 3.0103)).abs() < 1e-3);
    }

    #[test]
    fn sequence_concatenates_segments_with_continuous_phase() {
        let rate = 48_000;
        let s = Sequence::new(rate, 2)
            .sine(1000.0, -20.0, 1.0)
            .silence(0.5)
            .sine_frames(1000.0, -30.0, 480)
            .build();
        assert_eq!(frame_count(&s), 48_000 + 24_000 + 480);
        assert_eq!(s[0], s[1]);
        assert!((peak(&s[0][..48_000]) - db_to_amplitude(-20.0) as f32).abs() < 1e-6);
        assert!(s[0][48_000..72_000].iter().all(|&x| x == 0.0));
        assert!((peak(&s[0][72_000..]) - db_to_amplitude(-30.0) as f32).abs() < 1e-6);

        // Two equal-frequency segments join exactly like one long sine.
        let joined = Sequence::new(rate, 1)
            .sine(1000.0, -10.0, 0.013)
            .sine(1000.0, -10.0, 0.017)
            .build();
        let whole = sine(rate, 1000.0, -10.0, 0.0, 0.030, 1);
        assert_eq!(joined, whole);
    }

    #[test]
    fn noise_is_deterministic_for_a_seed() {
        let a = white_noise(48_000, -20.0, 0.5, 2, 7);
        let b = white_noise(48_000, -20.0, 0.5, 2, 7);
        let c = white_noise(48_000, -20.0, 0.5, 2, 8);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a[0], a[1], "channels are independent");
        let p = pink_noise(48_000, -20.0, 0.5, 2, 7);
        assert_eq!(p, pink_noise(48_000, -20.0, 0.5, 2, 7));
        assert_ne!(p, pink_noise(48_000, -20.0, 0.5, 2, 9));
    }

    #[test]
    fn noise_rms_is_as_requested() {
        for s in [
            white_noise(48_000, -18.0, 1.0, 2, 1),
            pink_noise(48_000, -18.0, 1.0, 2, 1),
        ] {
            for ch in &s {
                assert!((rms_db(ch) + 18.0).abs() < 1e-3, "{}", rms_db(ch));
            }
        }
    }

    /// Mean power around `freq_hz` from Hann-windowed single-bin DFTs over consecutive frames.
    fn band_power(x: &[f32], rate: f64, freq_hz: f64) -> f64 {
        let len = 2048;
        let mut sum = 0.0;
        let mut count = 0;
        for frame in x.chunks_exact(len) {
            let (mut re, mut im) = (0.0, 0.0);
            for (i, &v) in frame.iter().enumerate() {
                let w = 0.5 - 0.5 * (TAU * i as f64 / len as f64).cos();
                let arg = TAU * freq_hz * i as f64 / rate;
                re += w * f64::from(v) * arg.cos();
                im += w * f64::from(v) * arg.sin();
            }
            sum += re * re + im * im;
            count += 1;
        }
        sum / count as f64
    }

    #[test]
    fn pink_noise_falls_3_db_per_octave_and_white_is_flat() {
        let rate = 44_100.0;
        let pink = pink_noise(44_100, -20.0, 6.0, 1, 3);
        let white = white_noise(44_100, -20.0, 6.0, 1, 3);
        // 250 Hz to 8 kHz: five octaves. Each estimate averages ~130 frames, so about +-0.4 dB.
        let pink_db =
            10.0 * (band_power(&pink[0], rate, 8000.0) / band_power(&pink[0], rate, 250.0)).log10();
        let white_db = 10.0
            * (band_power(&white[0], rate, 8000.0) / band_power(&white[0], rate, 250.0)).log10();
        assert!(
            (pink_db + 15.0).abs() < 1.5,
            "pink: {pink_db} dB over five octaves"
        );
        assert!(
            white_db.abs() < 1.5,
            "white: {white_db} dB over five octaves"
        );
    }

    #[test]
    fn music_like_is_deterministic_stereo_and_partially_correlated() {
        let a = music_like(48_000, 20.0, 11);
        assert_eq!(a, music_like(48_000, 20.0, 11));
        assert_ne!(a, music_like(48_000, 20.0, 12));
        assert_eq!(a.len(), 2);
        assert_eq!(frame_count(&a), 20 * 48_000);
        let p = peak(&a[0]).max(peak(&a[1]));
        assert!((f64::from(p) - db_to_amplitude(MUSIC_LIKE_PEAK_DBFS)).abs() < 1e-6);
        let (mut lr, mut ll, mut rr) = (0.0, 0.0, 0.0);
        for (&l, &r) in a[0].iter().zip(&a[1]) {
            let (l, r) = (f64::from(l), f64::from(r));
            lr += l * r;
            ll += l * l;
            rr += r * r;
        }
        let corr = lr / (ll * rr).sqrt();
        assert!((0.4..0.95).contains(&corr), "correlation {corr}");
        // Sections move the level: the loudest second is well above the quietest.
        let second_db: Vec<f64> = a[0].chunks_exact(48_000).map(rms_db).collect();
        let spread = second_db.iter().cloned().fold(f64::MIN, f64::max)
            - second_db.iter().cloned().fold(f64::MAX, f64::min);
        assert!(spread > 3.0, "level spread {spread} dB");
    }

    #[test]
    fn interleave_round_trips() {
        let s = white_noise(48_000, -20.0, 0.01, 3, 5);
        let i = interleave(&s);
        assert_eq!(i.len(), 3 * frame_count(&s));
        assert_eq!(i[..3], [s[0][0], s[1][0], s[2][0]]);
        assert_eq!(deinterleave(&i, 3), s);
    }

    #[test]
    fn channel_slices_cut_every_channel() {
        let s = Sequence::new(48_000, 2).sine(1000.0, -6.0, 0.01).build();
        let slices = channel_slices(&s, 100, 50);
        assert_eq!(slices[0], &s[0][100..150]);
        assert_eq!(slices[1], &s[1][100..150]);
        assert!(slices[2].is_empty());
    }

    #[test]
    fn fades_start_and_end_near_zero_and_leave_the_middle() {
        let mut s = vec![vec![1.0f32; 1000]];
        fade_in_out(&mut s, 100);
        assert!(s[0][0] < 0.001 && s[0][999] < 0.001);
        assert!((s[0][50] - 0.5).abs() < 0.02);
        assert!(s[0][100..900].iter().all(|&x| x == 1.0));
    }

    #[test]
    fn prng_ranges_hold() {
        let mut r = Prng::new(0);
        for _ in 0..10_000 {
            let x = r.next_f64();
            assert!((0.0..1.0).contains(&x));
            assert!(r.below(7) < 7);
            let k = r.range_inclusive(1, 4096);
            assert!((1..=4096).contains(&k));
        }
        assert_eq!(r.below(0), 0);
        let mut a = Prng::new(42);
        let mut b = Prng::new(42);
        assert_eq!(a.next_u64(), b.next_u64());
    }
}

//! Direct reading of plain little-endian PCM in WAV files: 16/24/32-bit integer and 32/64-bit
//! IEEE float, the formats nearly every bounce uses.
//!
//! A general decoder hands out small packets, each in a fresh allocation, and converts every
//! sample through several generic layers; for uncompressed PCM that is most of the cost of
//! reading a file. This reader pulls the `data` chunk in large blocks into one reused byte buffer
//! and converts it with one tight loop per sample format into one reused `f32` buffer, either
//! interleaved or one plane per channel (the meter's own layout, which saves it a pass). On
//! x86-64 CPUs with AVX2 the same loops are compiled for AVX2, chosen at run time, and vectorise.
//!
//! The conversions are the ones symphonia makes, bit for bit (an integer becomes the nearest
//! `f32`, then is scaled by a power of two, which is exact; a 64-bit float is rounded to the
//! nearest `f32`), so both readers deliver identical samples.
//!
//! A reader covers any range of whole frames and opens its own handle, so several threads can
//! each read their part of one file. Memory is two fixed buffers, whatever the file's length.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::Path;

use crate::error::DecodeError;

/// Bytes read from the file at once (rounded down to whole frames, see [`block_frames`]).
const BLOCK_BYTES: usize = 256 * 1024;

/// 2^-15: full scale of 16-bit integers.
const SCALE_16: f32 = 1.0 / 32_768.0;
/// 2^-31: full scale of 32-bit integers, and of 24-bit ones placed in the top of an `i32`.
const SCALE_32: f32 = 1.0 / 2_147_483_648.0;

/// How one sample is stored (always little-endian).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PcmEncoding {
    /// Signed 16-bit integer.
    I16,
    /// Signed 24-bit integer, packed in 3 bytes.
    I24,
    /// Signed 32-bit integer.
    I32,
    /// IEEE 754 single precision.
    F32,
    /// IEEE 754 double precision (rounded to single precision on reading).
    F64,
}

impl PcmEncoding {
    /// Bytes per sample.
    pub fn bytes(self) -> usize {
        match self {
            Self::I16 => 2,
            Self::I24 => 3,
            Self::I32 | Self::F32 => 4,
            Self::F64 => 8,
        }
    }

    /// Converts whole frames of interleaved samples in `bytes` to planes, one per channel: plane
    /// `c` receives channel `c` (one plane for all samples gives interleaved output). Converts
    /// as many frames as the shortest plane holds.
    pub fn decode(self, bytes: &[u8], planes: &mut [&mut [f32]]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, the only requirement of `decode_avx2`.
            return unsafe { decode_avx2(self, bytes, planes) };
        }
        decode_portable(self, bytes, planes);
    }
}

/// [`decode_portable`] compiled for AVX2, where the loops vectorise (byte shuffles, integer to
/// float conversion eight lanes at a time); the same arithmetic, so the same results.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn decode_avx2(encoding: PcmEncoding, bytes: &[u8], planes: &mut [&mut [f32]]) {
    decode_portable(encoding, bytes, planes);
}

#[inline(always)]
fn decode_portable(encoding: PcmEncoding, bytes: &[u8], planes: &mut [&mut [f32]]) {
    match encoding {
        PcmEncoding::I16 => deinterleave::<2>(bytes, planes, |b| {
            f32::from(i16::from_le_bytes([b[0], b[1]])) * SCALE_16
        }),
        // The three bytes go to the top of an i32, so the sign comes for free.
        PcmEncoding::I24 => deinterleave::<3>(bytes, planes, |b| {
            i32::from_le_bytes([0, b[0], b[1], b[2]]) as f32 * SCALE_32
        }),
        PcmEncoding::I32 => deinterleave::<4>(bytes, planes, |b| {
            i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32 * SCALE_32
        }),
        PcmEncoding::F32 => deinterleave::<4>(bytes, planes, |b| {
            f32::from_le_bytes([b[0], b[1], b[2], b[3]])
        }),
        PcmEncoding::F64 => deinterleave::<8>(bytes, planes, |b| {
            f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f32
        }),
    }
}

/// Splits frames of `planes.len()` samples of `W` bytes into the planes, converting each sample
/// with `sample`. Mono and stereo have loops of their own, with constant strides.
#[inline(always)]
fn deinterleave<const W: usize>(
    bytes: &[u8],
    planes: &mut [&mut [f32]],
    sample: impl Fn(&[u8]) -> f32,
) {
    match planes {
        [] => {}
        [mono] => {
            for (o, b) in mono.iter_mut().zip(bytes.chunks_exact(W)) {
                *o = sample(b);
            }
        }
        [left, right] => {
            let frames = left.iter_mut().zip(right.iter_mut());
            for ((l, r), b) in frames.zip(bytes.chunks_exact(2 * W)) {
                *l = sample(&b[..W]);
                *r = sample(&b[W..]);
            }
        }
        _ => {
            let frame_bytes = W * planes.len();
            for (c, plane) in planes.iter_mut().enumerate() {
                for (o, b) in plane.iter_mut().zip(bytes.chunks_exact(frame_bytes)) {
                    *o = sample(&b[c * W..(c + 1) * W]);
                }
            }
        }
    }
}

/// Where a file's samples are and how they are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PcmLayout {
    /// Byte offset of the first frame.
    pub data_start: u64,
    /// Whole frames present (the `data` chunk's length, or the file's if shorter or left open).
    pub frames: u64,
    /// Samples per frame.
    pub channels: usize,
    /// Sample storage.
    pub encoding: PcmEncoding,
    /// Frames per second, to cut blocks on the meter's grid.
    pub sample_rate_hz: u32,
}

impl PcmLayout {
    /// Bytes per frame.
    pub fn frame_bytes(&self) -> usize {
        self.channels * self.encoding.bytes()
    }
}

/// Frames per read: as many as fit in [`BLOCK_BYTES`], and when possible a multiple of the
/// period of the meter's 10 ms grid (`floor(k * fs / 100)` repeats every `fs / gcd(fs, 100)`
/// frames). Blocks that start on a grid boundary then end on one too, so a reader that starts at
/// any whole second cuts the audio exactly as a reader from the start of the file does.
fn block_frames(layout: &PcmLayout) -> usize {
    let fit = (BLOCK_BYTES / layout.frame_bytes().max(1)).max(1);
    let rate = layout.sample_rate_hz as usize;
    let period = rate / gcd(rate, 100).max(1);
    if period > 0 && period <= fit {
        fit / period * period
    } else {
        fit
    }
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Most channels a WAV file can have (its channel mask has 32 bits).
const MAX_PLANES: usize = 32;

/// Reads a range of whole frames as `f32`, block by block, interleaved or planar.
#[derive(Debug)]
pub(crate) struct PcmReader {
    file: File,
    layout: PcmLayout,
    /// Next frame to read, and the end of the range.
    next: u64,
    end: u64,
    /// Allocated on the first read.
    bytes: Vec<u8>,
    samples: Vec<f32>,
    block_frames: usize,
}

/// One block of planar samples.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Planes<'a> {
    samples: &'a [f32],
    stride: usize,
    frames: usize,
}

impl<'a> Planes<'a> {
    /// Frames in the block.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// The samples of channel `c`.
    pub fn channel(&self, c: usize) -> &'a [f32] {
        &self.samples[c * self.stride..c * self.stride + self.frames]
    }
}

impl PcmReader {
    /// Opens its own handle on `path` and reads `frames` (clamped to the frames present).
    pub fn open(path: &Path, layout: PcmLayout, frames: Range<u64>) -> Result<Self, DecodeError> {
        let file = File::open(path).map_err(DecodeError::Open)?;
        Self::new(file, layout, frames)
    }

    /// Reads `frames` of `file`.
    pub fn new(mut file: File, layout: PcmLayout, frames: Range<u64>) -> Result<Self, DecodeError> {
        debug_assert!((1..=MAX_PLANES).contains(&layout.channels));
        let end = frames.end.min(layout.frames);
        let start = frames.start.min(end);
        let offset = layout.data_start + start * layout.frame_bytes() as u64;
        file.seek(SeekFrom::Start(offset))
            .map_err(DecodeError::Io)?;
        Ok(Self {
            file,
            layout,
            next: start,
            end,
            bytes: Vec::new(),
            samples: Vec::new(),
            block_frames: block_frames(&layout),
        })
    }

    /// The next block of interleaved samples, or `None` at the end of the range, or earlier at
    /// the end of the file if it shrank since it was opened (callers count the frames).
    pub fn next_interleaved(&mut self) -> Result<Option<&[f32]>, DecodeError> {
        let frames = self.read_block()?;
        let samples = frames * self.layout.channels;
        let bytes = &self.bytes[..frames * self.layout.frame_bytes()];
        self.layout
            .encoding
            .decode(bytes, &mut [&mut self.samples[..samples]]);
        Ok((frames > 0).then_some(&self.samples[..samples]))
    }

    /// The next block, one plane per channel; `None` as for [`Self::next_interleaved`].
    pub fn next_planar(&mut self) -> Result<Option<Planes<'_>>, DecodeError> {
        let frames = self.read_block()?;
        let stride = self.block_frames;
        let mut planes: [&mut [f32]; MAX_PLANES] = Default::default();
        for (slot, plane) in planes.iter_mut().zip(self.samples.chunks_exact_mut(stride)) {
            *slot = &mut plane[..frames];
        }
        let bytes = &self.bytes[..frames * self.layout.frame_bytes()];
        let channels = self.layout.channels.min(MAX_PLANES);
        self.layout.encoding.decode(bytes, &mut planes[..channels]);
        Ok((frames > 0).then_some(Planes {
            samples: &self.samples,
            stride,
            frames,
        }))
    }

    /// Reads the next block's bytes; returns its whole frames (0 at the end).
    fn read_block(&mut self) -> Result<usize, DecodeError> {
        let want = (self.end - self.next).min(self.block_frames as u64) as usize;
        if want == 0 {
            return Ok(0);
        }
        let frame_bytes = self.layout.frame_bytes();
        if self.bytes.is_empty() {
            self.bytes = vec![0; self.block_frames * frame_bytes];
            self.samples = vec![0.0; self.block_frames * self.layout.channels];
        }
        let got = read_full(&mut self.file, &mut self.bytes[..want * frame_bytes])
            .map_err(DecodeError::Io)?;
        let frames = got / frame_bytes;
        if frames < want {
            // End of file: stop here (a partial frame is not audio).
            self.end = self.next + frames as u64;
        }
        self.next += frames as u64;
        Ok(frames)
    }
}

/// Fills `buf` unless the file ends first; returns the bytes read.
fn read_full(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// symphonia 0.5's conversions (`symphonia_core::conv`), as the reference.
    fn reference_i16(s: i16) -> f32 {
        s as f32 / 32_768.0
    }
    fn reference_i24(s: i32) -> f32 {
        s as f32 / 8_388_608.0
    }
    fn reference_i32(s: i32) -> f32 {
        (s as f64 / 2_147_483_648.0) as f32
    }

    fn xorshift(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    /// Converts `bytes` as one plane, through the dispatching and the portable code, which must
    /// agree bit for bit.
    fn convert(encoding: PcmEncoding, bytes: &[u8]) -> Vec<f32> {
        let n = bytes.len() / encoding.bytes();
        let mut fast = vec![0.0; n];
        let mut portable = vec![0.0; n];
        encoding.decode(bytes, &mut [&mut fast[..]]);
        decode_portable(encoding, bytes, &mut [&mut portable[..]]);
        assert!(bits_equal(&fast, &portable), "{encoding:?}");
        fast
    }

    fn bits_equal(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
    }

    #[test]
    fn every_16_bit_value_converts_as_the_general_decoder_does() {
        let values: Vec<i16> = (i16::MIN..=i16::MAX).collect();
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        let out = convert(PcmEncoding::I16, &bytes);
        for (v, o) in values.iter().zip(&out) {
            assert_eq!(o.to_bits(), reference_i16(*v).to_bits(), "{v}");
        }
    }

    #[test]
    fn every_24_bit_value_converts_as_the_general_decoder_does() {
        for high in -128..128 {
            let values: Vec<i32> = (0..1 << 16).map(|low| high << 16 | low).collect();
            let bytes: Vec<u8> = values
                .iter()
                .flat_map(|v| {
                    let b = v.to_le_bytes();
                    [b[0], b[1], b[2]]
                })
                .collect();
            let out = convert(PcmEncoding::I24, &bytes);
            for (v, o) in values.iter().zip(&out) {
                assert_eq!(o.to_bits(), reference_i24(*v).to_bits(), "{v}");
            }
        }
    }

    #[test]
    fn int_32_bit_values_round_as_the_general_decoder_does() {
        // Extremes, values halfway between two neighbouring f32 (ties), and random values.
        let mut values = vec![i32::MIN, i32::MIN + 1, -1, 0, 1, i32::MAX, i32::MAX - 64];
        for k in 0..7 {
            values.extend([0x0100_0001 << k, 0x0100_0003 << k, -(0x0100_0001 << k)]);
        }
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        values.extend((0..100_000).map(|_| xorshift(&mut seed) as i32));
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        let out = convert(PcmEncoding::I32, &bytes);
        for (v, o) in values.iter().zip(&out) {
            assert_eq!(o.to_bits(), reference_i32(*v).to_bits(), "{v}");
        }
    }

    #[test]
    fn floats_pass_through_and_doubles_round_to_nearest() {
        let doubles = [
            0.0f64,
            -0.0,
            1.5,
            -2.0,
            1e-40,
            f64::INFINITY,
            0.1,
            1.0 + 1e-9,
        ];
        let bytes: Vec<u8> = doubles.iter().flat_map(|v| v.to_le_bytes()).collect();
        let out = convert(PcmEncoding::F64, &bytes);
        let want: Vec<f32> = doubles.iter().map(|&v| v as f32).collect();
        assert!(bits_equal(&out, &want), "{out:?}");
        let singles = [0.0f32, -0.0, 1.5, -2.0, 1e-40, f32::NEG_INFINITY, 0.1];
        let bytes: Vec<u8> = singles.iter().flat_map(|v| v.to_le_bytes()).collect();
        assert!(bits_equal(&convert(PcmEncoding::F32, &bytes), &singles));
    }

    #[test]
    fn planes_receive_their_channel_for_every_channel_count() {
        let encodings = [
            PcmEncoding::I16,
            PcmEncoding::I24,
            PcmEncoding::I32,
            PcmEncoding::F32,
            PcmEncoding::F64,
        ];
        let mut seed = 0x1234_5678_9abc_def1;
        for encoding in encodings {
            for channels in [1, 2, 3, 6, 8] {
                let frames = 1001;
                let bytes: Vec<u8> = (0..frames * channels * encoding.bytes())
                    .map(|_| xorshift(&mut seed) as u8)
                    .collect();
                let interleaved = convert(encoding, &bytes);
                let mut storage = vec![vec![0.0; frames]; channels];
                let mut planes: Vec<&mut [f32]> =
                    storage.iter_mut().map(|p| p.as_mut_slice()).collect();
                encoding.decode(&bytes, &mut planes);
                for (c, plane) in storage.iter().enumerate() {
                    let want: Vec<f32> = interleaved
                        .iter()
                        .skip(c)
                        .step_by(channels)
                        .copied()
                        .collect();
                    assert!(
                        bits_equal(plane, &want),
                        "{encoding:?}, {channels} channels, channel {c}"
                    );
                }
            }
        }
    }

    #[test]
    fn blocks_follow_the_meter_grid_and_fit_the_buffer() {
        let layout = |rate, channels, encoding| PcmLayout {
            data_start: 0,
            frames: 0,
            channels,
            encoding,
            sample_rate_hz: rate,
        };
        for (rate, period) in [(48_000, 480), (44_100, 441), (22_050, 441), (8_000, 80)] {
            let l = layout(rate, 2, PcmEncoding::I24);
            let n = block_frames(&l);
            assert_eq!(n % period, 0, "{rate}");
            assert!(n * l.frame_bytes() <= BLOCK_BYTES);
            assert!(n * l.frame_bytes() > BLOCK_BYTES - period * l.frame_bytes());
        }
        // A rate whose grid repeats only every second, at 8 x 64-bit: fill the buffer instead.
        let l = layout(96_001, 8, PcmEncoding::F64);
        assert_eq!(block_frames(&l), BLOCK_BYTES / 64);
    }
}

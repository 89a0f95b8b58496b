//! WAV writers: `hound` for integer PCM and 32-bit float, by hand for 64-bit float.

use std::path::Path;

use super::{to_int, Audio};

/// Integer PCM of `bits` (8, 16, 24 or 32). hound writes WAVE_FORMAT_EXTENSIBLE above 16 bits
/// or above 2 channels, plain WAVE_FORMAT_PCM otherwise.
pub fn write_int(path: &Path, audio: &Audio, bits: u16) {
    let spec = hound::WavSpec {
        channels: audio.channels,
        sample_rate: audio.sample_rate_hz,
        bits_per_sample: bits,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap_or_else(|e| panic!("hound: {e}"));
    for &x in &audio.samples {
        let v = to_int(x, u32::from(bits));
        let r = if bits == 8 {
            w.write_sample(v as i8)
        } else {
            w.write_sample(v)
        };
        r.unwrap_or_else(|e| panic!("hound: {e}"));
    }
    w.finalize().unwrap_or_else(|e| panic!("hound: {e}"));
}

/// 32-bit IEEE float (hound writes it as WAVE_FORMAT_EXTENSIBLE).
pub fn write_f32(path: &Path, audio: &Audio) {
    let spec = hound::WavSpec {
        channels: audio.channels,
        sample_rate: audio.sample_rate_hz,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap_or_else(|e| panic!("hound: {e}"));
    for &x in &audio.samples {
        w.write_sample(x as f32)
            .unwrap_or_else(|e| panic!("hound: {e}"));
    }
    w.finalize().unwrap_or_else(|e| panic!("hound: {e}"));
}

/// 64-bit IEEE float with a plain WAVE_FORMAT_IEEE_FLOAT (3) `fmt ` chunk and a `fact` chunk.
pub fn write_f64(path: &Path, audio: &Audio) {
    let channels = audio.channels;
    let block_align = channels * 8;
    let data_len = (audio.samples.len() * 8) as u32;
    let mut v = Vec::with_capacity(58 + data_len as usize);
    v.extend_from_slice(b"RIFF");
    v.extend_from_slice(&(4 + (8 + 18) + (8 + 4) + 8 + data_len).to_le_bytes());
    v.extend_from_slice(b"WAVE");
    v.extend_from_slice(b"fmt ");
    v.extend_from_slice(&18u32.to_le_bytes());
    v.extend_from_slice(&3u16.to_le_bytes()); // WAVE_FORMAT_IEEE_FLOAT
    v.extend_from_slice(&channels.to_le_bytes());
    v.extend_from_slice(&audio.sample_rate_hz.to_le_bytes());
    v.extend_from_slice(&(audio.sample_rate_hz * u32::from(block_align)).to_le_bytes());
    v.extend_from_slice(&block_align.to_le_bytes());
    v.extend_from_slice(&64u16.to_le_bytes());
    v.extend_from_slice(&0u16.to_le_bytes()); // cbSize
    v.extend_from_slice(b"fact");
    v.extend_from_slice(&4u32.to_le_bytes());
    v.extend_from_slice(&(audio.frames() as u32).to_le_bytes());
    v.extend_from_slice(b"data");
    v.extend_from_slice(&data_len.to_le_bytes());
    for &x in &audio.samples {
        v.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(path, v).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// A 16-bit WAVE_FORMAT_EXTENSIBLE header whose sample widths are both 0 (malformed).
pub fn zero_width_extensible() -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(b"RIFF");
    v.extend_from_slice(&(4 + 8 + 40 + 8 + 16u32).to_le_bytes());
    v.extend_from_slice(b"WAVE");
    v.extend_from_slice(b"fmt ");
    v.extend_from_slice(&40u32.to_le_bytes());
    v.extend_from_slice(&0xfffeu16.to_le_bytes());
    v.extend_from_slice(&2u16.to_le_bytes());
    v.extend_from_slice(&48_000u32.to_le_bytes());
    v.extend_from_slice(&(48_000u32 * 4).to_le_bytes());
    v.extend_from_slice(&4u16.to_le_bytes()); // block align
    v.extend_from_slice(&0u16.to_le_bytes()); // bits per (coded) sample: 0
    v.extend_from_slice(&22u16.to_le_bytes()); // cbSize
    v.extend_from_slice(&0u16.to_le_bytes()); // valid bits: 0
    v.extend_from_slice(&3u32.to_le_bytes()); // channel mask
                                              // KSDATAFORMAT_SUBTYPE_PCM
    v.extend_from_slice(&[
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b,
        0x71,
    ]);
    v.extend_from_slice(b"data");
    v.extend_from_slice(&16u32.to_le_bytes());
    v.extend_from_slice(&[0u8; 16]);
    v
}

/// How [`write_raw`] declares the samples in `fmt `.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fmt {
    /// WAVE_FORMAT_PCM (1), 16-byte chunk.
    Pcm,
    /// WAVE_FORMAT_IEEE_FLOAT (3), 18-byte chunk with cbSize 0.
    Float,
    /// WAVE_FORMAT_EXTENSIBLE with the PCM subformat; valid bits as given.
    ExtensiblePcm { valid_bits: u16 },
    /// WAVE_FORMAT_EXTENSIBLE with the IEEE float subformat.
    ExtensibleFloat,
}

/// A WAV file with `data` as the sample bytes, as declared by `fmt`: `channels` of `bits`.
/// `data_len_field` overrides the `data` chunk's length (a truncated or streamed file), and
/// `before_data` / `after_data` are whole chunks placed around `data`.
pub struct Raw<'a> {
    pub fmt: Fmt,
    pub channels: u16,
    pub sample_rate_hz: u32,
    pub bits: u16,
    pub data: &'a [u8],
    pub data_len_field: Option<u32>,
    pub before_data: &'a [u8],
    pub after_data: &'a [u8],
}

impl Raw<'_> {
    pub fn bytes(&self) -> Vec<u8> {
        const GUID_TAIL: [u8; 14] = [
            0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
        ];
        let block_align = self.channels * (self.bits / 8);
        let mut fmt = Vec::new();
        let tag: u16 = match self.fmt {
            Fmt::Pcm => 1,
            Fmt::Float => 3,
            Fmt::ExtensiblePcm { .. } | Fmt::ExtensibleFloat => 0xfffe,
        };
        fmt.extend_from_slice(&tag.to_le_bytes());
        fmt.extend_from_slice(&self.channels.to_le_bytes());
        fmt.extend_from_slice(&self.sample_rate_hz.to_le_bytes());
        fmt.extend_from_slice(&(self.sample_rate_hz * u32::from(block_align)).to_le_bytes());
        fmt.extend_from_slice(&block_align.to_le_bytes());
        fmt.extend_from_slice(&self.bits.to_le_bytes());
        match self.fmt {
            Fmt::Pcm => {}
            Fmt::Float => fmt.extend_from_slice(&0u16.to_le_bytes()),
            Fmt::ExtensiblePcm { valid_bits } => {
                fmt.extend_from_slice(&22u16.to_le_bytes());
                fmt.extend_from_slice(&valid_bits.to_le_bytes());
                fmt.extend_from_slice(&0u32.to_le_bytes()); // channel mask: unassigned
                fmt.extend_from_slice(&[0x01, 0x00]);
                fmt.extend_from_slice(&GUID_TAIL);
            }
            Fmt::ExtensibleFloat => {
                fmt.extend_from_slice(&22u16.to_le_bytes());
                fmt.extend_from_slice(&self.bits.to_le_bytes());
                fmt.extend_from_slice(&0u32.to_le_bytes());
                fmt.extend_from_slice(&[0x03, 0x00]);
                fmt.extend_from_slice(&GUID_TAIL);
            }
        }
        let mut v = Vec::new();
        v.extend_from_slice(b"RIFF");
        v.extend_from_slice(&0u32.to_le_bytes()); // patched below
        v.extend_from_slice(b"WAVE");
        v.extend_from_slice(b"fmt ");
        v.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
        v.extend_from_slice(&fmt);
        v.extend_from_slice(self.before_data);
        v.extend_from_slice(b"data");
        let data_len = self.data_len_field.unwrap_or(self.data.len() as u32);
        v.extend_from_slice(&data_len.to_le_bytes());
        v.extend_from_slice(self.data);
        if self.data.len() % 2 == 1 && !self.after_data.is_empty() {
            v.push(0); // pad byte
        }
        v.extend_from_slice(self.after_data);
        // What the complete file would hold (a truncated file keeps its original lengths).
        let riff_len = if data_len == u32::MAX {
            u32::MAX
        } else {
            (v.len() - 8 - self.data.len()) as u32 + data_len
        };
        v[4..8].copy_from_slice(&riff_len.to_le_bytes());
        v
    }
}

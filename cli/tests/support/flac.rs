//! A minimal FLAC encoder: `fLaC`, one STREAMINFO block, then fixed-blocksize frames whose
//! subframes are all VERBATIM (uncompressed), each frame with its CRC-8 header check and CRC-16
//! footer. Enough to produce valid files symphonia must decode, without an external tool.

use std::path::Path;

use super::{to_int, Audio};

/// Samples per frame (the last frame may be shorter).
pub const BLOCK_SIZE: usize = 4096;

/// MSB-first bit writer.
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, bits: u32) {
        for i in (0..bits).rev() {
            self.acc = (self.acc << 1) | ((value >> i) & 1);
            self.n += 1;
            if self.n == 8 {
                self.bytes.push(self.acc as u8);
                self.acc = 0;
                self.n = 0;
            }
        }
    }

    fn align(&mut self) {
        while self.n != 0 {
            self.put(0, 1);
        }
    }
}

/// CRC-8, polynomial x^8 + x^2 + x + 1 (0x07), initial 0: the frame-header check.
pub fn crc8(data: &[u8]) -> u8 {
    let mut crc = 0u8;
    for &b in data {
        crc ^= b;
        for _ in 0..8 {
            crc = if crc & 0x80 != 0 {
                (crc << 1) ^ 0x07
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// CRC-16, polynomial x^16 + x^15 + x^2 + 1 (0x8005), initial 0: the frame footer.
pub fn crc16(data: &[u8]) -> u16 {
    let mut crc = 0u16;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x8005
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// FLAC's UTF-8-like coding of the frame number.
fn utf8_number(n: u32) -> Vec<u8> {
    if n < 0x80 {
        return vec![n as u8];
    }
    let mut tail = Vec::new();
    let mut v = n;
    let mut first_bits = 6; // payload bits left in the lead byte
    loop {
        tail.push(0x80 | (v & 0x3f) as u8);
        v >>= 6;
        first_bits -= 1;
        if v < (1 << first_bits) {
            break;
        }
    }
    let count = tail.len() + 1;
    let lead_mask = !(0xffu8 >> count); // `count` leading ones
    let mut out = vec![lead_mask | v as u8];
    out.extend(tail.iter().rev());
    out
}

fn sample_rate_code(rate: u32) -> u64 {
    match rate {
        88_200 => 0b0001,
        176_400 => 0b0010,
        192_000 => 0b0011,
        8_000 => 0b0100,
        16_000 => 0b0101,
        22_050 => 0b0110,
        24_000 => 0b0111,
        32_000 => 0b1000,
        44_100 => 0b1001,
        48_000 => 0b1010,
        96_000 => 0b1011,
        _ => 0b0000, // from STREAMINFO
    }
}

fn sample_size_code(bits: u32) -> u64 {
    match bits {
        8 => 0b001,
        12 => 0b010,
        16 => 0b100,
        20 => 0b101,
        24 => 0b110,
        _ => 0b000, // from STREAMINFO
    }
}

/// Encodes `audio` as FLAC with `bits` per sample (8..=24). `declared_frames` overrides the total
/// written into STREAMINFO (to make a header that promises more than the file holds).
pub fn encode(audio: &Audio, bits: u32, declared_frames: Option<u64>) -> Vec<u8> {
    encode_with_bad_frame(audio, bits, declared_frames, None)
}

/// Like [`encode`], but frame number `bad_frame` gets a reserved subframe type: its CRCs are
/// valid, so the container delivers it, and the decoder must reject it.
pub fn encode_with_bad_frame(
    audio: &Audio,
    bits: u32,
    declared_frames: Option<u64>,
    bad_frame: Option<usize>,
) -> Vec<u8> {
    let channels = usize::from(audio.channels);
    let frames = audio.frames();
    let total = declared_frames.unwrap_or(frames as u64);

    let mut out = Vec::new();
    out.extend_from_slice(b"fLaC");
    // Metadata block header: last-block flag, type 0 (STREAMINFO), length 34.
    out.push(0x80);
    out.extend_from_slice(&[0, 0, 34]);
    let mut si = Bits::default();
    si.put(BLOCK_SIZE as u64, 16); // min block size
    si.put(BLOCK_SIZE as u64, 16); // max block size
    si.put(0, 24); // min frame size: unknown
    si.put(0, 24); // max frame size: unknown
    si.put(u64::from(audio.sample_rate_hz), 20);
    si.put(channels as u64 - 1, 3);
    si.put(u64::from(bits) - 1, 5);
    si.put(total, 36);
    si.put(0, 64); // MD5: unset
    si.put(0, 64);
    out.extend_from_slice(&si.bytes);

    for (index, start) in (0..frames).step_by(BLOCK_SIZE).enumerate() {
        let len = BLOCK_SIZE.min(frames - start);
        let mut f = Bits::default();
        f.put(0b11_1111_1111_1110, 14); // sync code
        f.put(0, 1); // reserved
        f.put(0, 1); // fixed blocksize
        f.put(0b0111, 4); // block size: 16-bit (n-1) after the frame number
        f.put(sample_rate_code(audio.sample_rate_hz), 4);
        f.put(channels as u64 - 1, 4); // independent channels
        f.put(sample_size_code(bits), 3);
        f.put(0, 1); // reserved
        for b in utf8_number(index as u32) {
            f.put(u64::from(b), 8);
        }
        f.put(len as u64 - 1, 16);
        let crc = crc8(&f.bytes);
        f.put(u64::from(crc), 8);

        for c in 0..channels {
            f.put(0, 1); // zero pad
            let subframe_type = if bad_frame == Some(index) {
                0b000010
            } else {
                0b000001
            };
            f.put(subframe_type, 6); // VERBATIM (0b000010 is reserved)
            f.put(0, 1); // no wasted bits
            for n in start..start + len {
                let v = to_int(audio.samples[n * channels + c], bits);
                f.put(u64::from(v as u32) & ((1u64 << bits) - 1), bits);
            }
        }
        f.align();
        let crc = crc16(&f.bytes);
        f.put(u64::from(crc), 16);
        out.extend_from_slice(&f.bytes);
    }
    out
}

/// Writes `audio` as FLAC.
pub fn write(path: &Path, audio: &Audio, bits: u32) {
    std::fs::write(path, encode(audio, bits, None))
        .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

#[test]
fn crcs_match_the_reference_check_values() {
    // CRC catalogue check values for "123456789".
    assert_eq!(crc8(b"123456789"), 0xF4);
    assert_eq!(crc16(b"123456789"), 0xFEE8);
}

#[test]
fn frame_numbers_use_utf8_coding() {
    assert_eq!(utf8_number(0x7f), vec![0x7f]);
    assert_eq!(utf8_number(0x80), vec![0xc2, 0x80]);
    assert_eq!(utf8_number(0x800), vec![0xe0, 0xa0, 0x80]);
}

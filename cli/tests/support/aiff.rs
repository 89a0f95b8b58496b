//! A big-endian AIFF / AIFC writer: FORM, (FVER), COMM with an 80-bit extended sample rate, SSND.

use std::path::Path;

use super::{to_int, Audio};

/// How the samples are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Plain AIFF, big-endian signed integers of the given width.
    Aiff(u16),
    /// AIFC `NONE`: big-endian signed integers of the given width.
    AifcNone(u16),
    /// AIFC `fl32`: big-endian IEEE float.
    AifcFloat32,
    /// AIFC `sowt`: little-endian 16-bit integers.
    AifcSowt16,
}

/// IEEE 754 80-bit extended encoding of a positive integer rate (as AIFF's COMM requires).
pub fn extended(rate: u32) -> [u8; 10] {
    let mut out = [0u8; 10];
    if rate == 0 {
        return out;
    }
    let e = 31 - rate.leading_zeros(); // floor(log2 rate)
    let exponent = 16383 + e as u16;
    let mantissa = u64::from(rate) << (63 - e);
    out[0..2].copy_from_slice(&exponent.to_be_bytes());
    out[2..10].copy_from_slice(&mantissa.to_be_bytes());
    out
}

fn chunk(out: &mut Vec<u8>, tag: &[u8; 4], body: &[u8]) {
    out.extend_from_slice(tag);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(body);
    if body.len() % 2 == 1 {
        out.push(0);
    }
}

/// Writes `audio` as AIFF or AIFC.
pub fn write(path: &Path, audio: &Audio, kind: Kind) {
    let (bits, aifc, compression): (u16, bool, Option<(&[u8; 4], &str)>) = match kind {
        Kind::Aiff(b) => (b, false, None),
        Kind::AifcNone(b) => (b, true, Some((b"NONE", "not compressed"))),
        Kind::AifcFloat32 => (32, true, Some((b"fl32", "32-bit floating point"))),
        Kind::AifcSowt16 => (16, true, Some((b"sowt", ""))),
    };

    let mut comm = Vec::new();
    comm.extend_from_slice(&audio.channels.to_be_bytes());
    comm.extend_from_slice(&(audio.frames() as u32).to_be_bytes());
    comm.extend_from_slice(&bits.to_be_bytes());
    comm.extend_from_slice(&extended(audio.sample_rate_hz));
    if let Some((tag, name)) = compression {
        comm.extend_from_slice(tag);
        // Pascal string, padded so that count byte + text is even.
        comm.push(name.len() as u8);
        comm.extend_from_slice(name.as_bytes());
        if (name.len() + 1) % 2 == 1 {
            comm.push(0);
        }
    }

    let mut ssnd = Vec::with_capacity(8 + audio.samples.len() * 4);
    ssnd.extend_from_slice(&0u32.to_be_bytes()); // offset
    ssnd.extend_from_slice(&0u32.to_be_bytes()); // blockSize
    for &x in &audio.samples {
        match kind {
            Kind::AifcFloat32 => ssnd.extend_from_slice(&(x as f32).to_be_bytes()),
            Kind::AifcSowt16 => ssnd.extend_from_slice(&(to_int(x, 16) as i16).to_le_bytes()),
            _ => {
                let v = to_int(x, u32::from(bits)).to_be_bytes();
                let bytes = usize::from(bits / 8);
                ssnd.extend_from_slice(&v[4 - bytes..]);
            }
        }
    }

    let mut body = Vec::new();
    body.extend_from_slice(if aifc { b"AIFC" } else { b"AIFF" });
    if aifc {
        chunk(&mut body, b"FVER", &0xA280_5140u32.to_be_bytes());
    }
    chunk(&mut body, b"COMM", &comm);
    chunk(&mut body, b"SSND", &ssnd);

    let mut file = Vec::with_capacity(8 + body.len());
    file.extend_from_slice(b"FORM");
    file.extend_from_slice(&(body.len() as u32).to_be_bytes());
    file.extend_from_slice(&body);
    std::fs::write(path, file).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

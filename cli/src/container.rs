//! What a file's header promises, read independently of the decoder.
//!
//! The decoder reports how many frames it could decode; to tell a complete file from a truncated
//! one we also need how many frames the header *declares*, and where the audio data should end.
//! For RIFF/WAVE that is the `data` chunk length over `fmt ` block alignment; for AIFF/AIFC it is
//! the `COMM` chunk's `numSampleFrames` and the `SSND` chunk length. (FLAC declares its total in
//! STREAMINFO, which the decoder already exposes, so it is not parsed here.) For WAV the walk also
//! gives where the samples start, which the direct PCM reader needs.
//!
//! Only the chunk headers are read, seeking over chunk bodies, so this is cheap for any file size.
//! Anything unexpected yields [`Declared::unknown`]: the decoder remains the judge of validity.

use std::io::{self, Read, Seek, SeekFrom};

/// Which container the header sniff recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    /// RIFF/WAVE.
    Wave,
    /// AIFF or AIFC.
    Aiff,
    /// Anything else (FLAC, or not recognised).
    Other,
}

/// The audio extent a header declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Declared {
    /// Container recognised.
    pub container: Container,
    /// Frames the header promises; `None` if unknown (e.g. a streamed WAV with a placeholder
    /// `data` length of 0xFFFFFFFF).
    pub frames: Option<u64>,
    /// Frames whose bytes are actually present in the file (limited by the file length).
    pub frames_present: Option<u64>,
    /// Where a WAV file's samples lie; `None` for other containers.
    pub wave_data: Option<WaveData>,
    /// Channel count the header states (WAV `fmt `, AIFF `COMM`, FLAC STREAMINFO).
    pub channels: Option<u16>,
    /// A FLAC file whose metadata ends where the file ends: no audio frames at all.
    pub flac_without_frames: bool,
    /// The file starts like no format this tool reads. symphonia's MP3 reader would otherwise
    /// scan any bytes for a frame sync and may find one in noise.
    pub unrecognised: bool,
}

/// The `data` chunk of a RIFF/WAVE file and the frame size that `fmt ` declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WaveData {
    /// Byte offset of the first sample.
    pub start: u64,
    /// The chunk's length field as written (0xFFFFFFFF when the encoder left it open).
    pub len_field: u32,
    /// Bytes per frame (`nBlockAlign` of the last `fmt ` chunk before `data`).
    pub block_align: u16,
}

impl Declared {
    /// Nothing known.
    pub fn unknown() -> Self {
        Self {
            container: Container::Other,
            frames: None,
            frames_present: None,
            wave_data: None,
            channels: None,
            flac_without_frames: false,
            unrecognised: false,
        }
    }

    /// Whether the header promises more audio data than the file holds.
    pub fn is_truncated(&self) -> bool {
        matches!((self.frames, self.frames_present), (Some(d), Some(p)) if p < d)
    }
}

/// Placeholder length written by encoders that stream WAV without seeking back.
const RIFF_UNKNOWN_LEN: u32 = u32::MAX;

/// Reads the container header of `source` (positioned anywhere) and describes its audio extent.
/// Leaves the position unspecified; callers rewind.
pub(crate) fn sniff<R: Read + Seek>(source: &mut R, file_len: u64) -> Declared {
    source
        .seek(SeekFrom::Start(0))
        .and_then(|_| sniff_inner(source, file_len))
        .unwrap_or_else(|_| Declared::unknown())
}

fn sniff_inner<R: Read + Seek>(source: &mut R, file_len: u64) -> io::Result<Declared> {
    let mut head = [0u8; 12];
    source.read_exact(&mut head)?;
    match (&head[0..4], &head[8..12]) {
        (b"RIFF", b"WAVE") => sniff_wave(source, file_len),
        (b"FORM", b"AIFF") | (b"FORM", b"AIFC") => sniff_aiff(source, file_len),
        _ if &head[0..4] == b"fLaC" => sniff_flac(source, file_len),
        _ => Ok(Declared {
            unrecognised: !compressed_signature(&head),
            ..Declared::unknown()
        }),
    }
}

/// Whether a file's first 12 bytes start an MP3 (an ID3v2 tag or an MPEG audio frame sync), ADTS
/// AAC (the same sync), Ogg or MP4/M4A (an `ftyp` box) file.
fn compressed_signature(head: &[u8; 12]) -> bool {
    let frame_sync = head[0] == 0xFF && head[1] & 0xE0 == 0xE0;
    frame_sync || &head[0..3] == b"ID3" || &head[0..4] == b"OggS" || &head[4..8] == b"ftyp"
}

/// Walks the chunks after the 12-byte form header until `stop` returns `Some`.
fn walk_chunks<R, T>(
    source: &mut R,
    big_endian: bool,
    mut visit: impl FnMut(&mut R, [u8; 4], u32) -> io::Result<Option<T>>,
) -> io::Result<Option<T>>
where
    R: Read + Seek,
{
    // A sane bound on the number of chunks before the audio; real files have a handful.
    const MAX_CHUNKS: usize = 1024;
    let mut pos = 12u64;
    for _ in 0..MAX_CHUNKS {
        source.seek(SeekFrom::Start(pos))?;
        let mut header = [0u8; 8];
        source.read_exact(&mut header)?;
        let tag = [header[0], header[1], header[2], header[3]];
        let len_bytes = [header[4], header[5], header[6], header[7]];
        let len = if big_endian {
            u32::from_be_bytes(len_bytes)
        } else {
            u32::from_le_bytes(len_bytes)
        };
        if let Some(found) = visit(source, tag, len)? {
            return Ok(Some(found));
        }
        // Chunks are padded to an even length.
        pos = pos + 8 + u64::from(len) + u64::from(len & 1);
    }
    Ok(None)
}

/// FLAC: the channel count from STREAMINFO, and whether any audio frame follows the metadata.
fn sniff_flac<R: Read + Seek>(source: &mut R, file_len: u64) -> io::Result<Declared> {
    let mut declared = Declared::unknown();
    let mut pos = 4u64;
    // A sane bound on metadata blocks.
    for _ in 0..1024 {
        source.seek(SeekFrom::Start(pos))?;
        let mut header = [0u8; 4];
        source.read_exact(&mut header)?;
        let last = header[0] & 0x80 != 0;
        let kind = header[0] & 0x7f;
        let len = u64::from(u32::from_be_bytes([0, header[1], header[2], header[3]]));
        if kind == 0 && len >= 18 {
            let mut info = [0u8; 18];
            source.read_exact(&mut info)?;
            // Sample rate (20 bits), channels - 1 (3 bits), bits - 1 (5), total samples (36).
            declared.channels = Some(u16::from((info[12] >> 1) & 0x07) + 1);
        }
        pos += 4 + len;
        if last {
            declared.flac_without_frames = pos >= file_len;
            break;
        }
    }
    Ok(declared)
}

fn sniff_wave<R: Read + Seek>(source: &mut R, file_len: u64) -> io::Result<Declared> {
    let mut block_align: Option<u16> = None;
    let mut channels: Option<u16> = None;
    let found = walk_chunks(source, false, |src, tag, len| match &tag {
        b"fmt " if len >= 16 => {
            let mut fmt = [0u8; 16];
            src.read_exact(&mut fmt)?;
            channels = Some(u16::from_le_bytes([fmt[2], fmt[3]]));
            block_align = Some(u16::from_le_bytes([fmt[12], fmt[13]]));
            Ok(None)
        }
        b"data" => {
            let data_start = src.stream_position()?;
            Ok(Some((data_start, len)))
        }
        _ => Ok(None),
    })?;
    let (Some((data_start, data_len)), Some(align)) = (found, block_align) else {
        return Ok(Declared {
            channels,
            ..Declared::unknown()
        });
    };
    let wave_data = Some(WaveData {
        start: data_start,
        len_field: data_len,
        block_align: align,
    });
    if align == 0 || data_len == RIFF_UNKNOWN_LEN {
        return Ok(Declared {
            container: Container::Wave,
            frames: None,
            frames_present: None,
            wave_data,
            channels,
            flac_without_frames: false,
            unrecognised: false,
        });
    }
    let align = u64::from(align);
    let bytes_present = file_len.saturating_sub(data_start).min(u64::from(data_len));
    Ok(Declared {
        container: Container::Wave,
        frames: Some(u64::from(data_len) / align),
        frames_present: Some(bytes_present / align),
        wave_data,
        channels,
        flac_without_frames: false,
        unrecognised: false,
    })
}

fn sniff_aiff<R: Read + Seek>(source: &mut R, file_len: u64) -> io::Result<Declared> {
    // COMM: numChannels (i16), numSampleFrames (u32), sampleSize (i16), ...
    let mut comm: Option<(u16, u32, u16)> = None;
    let found = walk_chunks(source, true, |src, tag, len| match &tag {
        b"COMM" if len >= 8 => {
            let mut c = [0u8; 8];
            src.read_exact(&mut c)?;
            comm = Some((
                u16::from_be_bytes([c[0], c[1]]),
                u32::from_be_bytes([c[2], c[3], c[4], c[5]]),
                u16::from_be_bytes([c[6], c[7]]),
            ));
            Ok(None)
        }
        b"SSND" if len >= 8 => {
            // SSND starts with offset and blockSize (4 bytes each), then the samples.
            let data_start = src.stream_position()? + 8;
            Ok(Some((data_start, len - 8)))
        }
        _ => Ok(None),
    })?;
    let (Some((data_start, data_len)), Some((channels, frames, sample_bits))) = (found, comm)
    else {
        return Ok(Declared {
            channels: comm.map(|c| c.0),
            ..Declared::unknown()
        });
    };
    let frame_bytes = u64::from(channels) * u64::from(sample_bits).div_ceil(8);
    if frame_bytes == 0 {
        return Ok(Declared {
            container: Container::Aiff,
            frames: Some(frames.into()),
            frames_present: None,
            wave_data: None,
            channels: Some(channels),
            flac_without_frames: false,
            unrecognised: false,
        });
    }
    let bytes_present = file_len.saturating_sub(data_start).min(u64::from(data_len));
    Ok(Declared {
        container: Container::Aiff,
        frames: Some(u64::from(frames)),
        frames_present: Some(bytes_present / frame_bytes),
        wave_data: None,
        channels: Some(channels),
        flac_without_frames: false,
        unrecognised: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn wave(data_len_field: u32, data_bytes: usize) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(b"RIFF");
        v.extend_from_slice(&(36 + data_len_field).to_le_bytes());
        v.extend_from_slice(b"WAVE");
        v.extend_from_slice(b"fmt ");
        v.extend_from_slice(&16u32.to_le_bytes());
        v.extend_from_slice(&1u16.to_le_bytes()); // PCM
        v.extend_from_slice(&2u16.to_le_bytes()); // channels
        v.extend_from_slice(&48_000u32.to_le_bytes());
        v.extend_from_slice(&(48_000u32 * 4).to_le_bytes());
        v.extend_from_slice(&4u16.to_le_bytes()); // block align
        v.extend_from_slice(&16u16.to_le_bytes());
        v.extend_from_slice(b"data");
        v.extend_from_slice(&data_len_field.to_le_bytes());
        v.resize(v.len() + data_bytes, 0);
        v
    }

    #[test]
    fn complete_wave_is_not_truncated() {
        let bytes = wave(400, 400);
        let d = sniff(&mut Cursor::new(&bytes), bytes.len() as u64);
        assert_eq!(d.container, Container::Wave);
        assert_eq!(d.frames, Some(100));
        assert_eq!(d.frames_present, Some(100));
        assert!(!d.is_truncated());
        assert_eq!(
            d.wave_data,
            Some(WaveData {
                start: 44,
                len_field: 400,
                block_align: 4
            })
        );
    }

    #[test]
    fn short_wave_is_truncated() {
        let bytes = wave(400, 198);
        let d = sniff(&mut Cursor::new(&bytes), bytes.len() as u64);
        assert_eq!(d.frames_present, Some(49));
        assert!(d.is_truncated());
    }

    #[test]
    fn streamed_wave_placeholder_is_unknown_length() {
        let bytes = wave(u32::MAX - 36, 0);
        let mut bytes = bytes;
        let n = bytes.len();
        bytes[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
        bytes.resize(n + 400, 0);
        let d = sniff(&mut Cursor::new(&bytes), bytes.len() as u64);
        assert_eq!(d.frames, None);
        assert!(!d.is_truncated());
    }

    #[test]
    fn garbage_is_unknown_and_unrecognised() {
        let bytes = b"hello, this is not audio at all".to_vec();
        let d = sniff(&mut Cursor::new(&bytes), bytes.len() as u64);
        assert_eq!(
            d,
            Declared {
                unrecognised: true,
                ..Declared::unknown()
            }
        );
    }

    #[test]
    fn compressed_files_are_not_unrecognised() {
        let mut mp4 = b"\0\0\0\x20ftypM4A ".to_vec();
        mp4.resize(64, 0);
        for head in [
            b"ID3\x04\0\0\0\0\0\0\0\0\0\0".to_vec(),
            b"\xFF\xFB\x90\x64\0\0\0\0\0\0\0\0\0\0".to_vec(),
            b"OggS\0\x02\0\0\0\0\0\0\0\0".to_vec(),
            mp4,
        ] {
            let d = sniff(&mut Cursor::new(&head), head.len() as u64);
            assert!(!d.unrecognised, "{head:?}");
            assert_eq!(d.container, Container::Other);
        }
    }
}

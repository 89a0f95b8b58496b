//! Decoding every supported format sample-exactly through `preflight_cli::decode::AudioStream`,
//! on files synthesised by the writers in `support` (independent of the metering engine).

mod support;

use std::path::Path;

use preflight_cli::decode::{AudioStream, DecodeError, StreamEnd};
use support::{aiff, flac, to_int, wav, Audio};

/// Frames in the ramp: not a multiple of the 1152-frame PCM packet nor the 4096-frame FLAC block.
const FRAMES: usize = 5_003;

fn decode_all(path: &Path) -> (AudioStream, Vec<f32>) {
    let mut stream = AudioStream::open(path).unwrap_or_else(|e| panic!("open: {e}"));
    let mut out = Vec::new();
    while let Some(block) = stream
        .next_block()
        .unwrap_or_else(|e| panic!("decode: {e}"))
    {
        out.extend_from_slice(block);
    }
    (stream, out)
}

fn quantised(audio: &Audio, bits: u32) -> Vec<f32> {
    let full = f64::from(1u32 << (bits - 1));
    audio
        .samples
        .iter()
        .map(|&x| (f64::from(to_int(x, bits)) / full) as f32)
        .collect()
}

fn as_f32(audio: &Audio) -> Vec<f32> {
    audio.samples.iter().map(|&x| x as f32).collect()
}

/// Decodes `path`, checks the format fields and that every sample matches `expected`.
fn check(path: &Path, expected: &[f32], codec: &str, bits: Option<u32>, float: bool) -> StreamEnd {
    let (stream, got) = decode_all(path);
    let info = stream.info().clone();
    assert_eq!(info.format.codec, codec);
    assert_eq!(info.format.bits_per_sample, bits);
    assert_eq!(info.format.float, float);
    assert_eq!(info.sample_rate_hz, 44_100);
    assert_eq!(info.channels, 2);
    assert_eq!(got.len(), expected.len(), "{codec}: sample count");
    if let Some(i) = got.iter().zip(expected).position(|(a, b)| a != b) {
        panic!(
            "{codec}: sample {i} is {} but {} was written",
            got[i], expected[i]
        );
    }
    let end = stream.finish().unwrap_or_else(|e| panic!("finish: {e}"));
    assert_eq!(end.frames, FRAMES as u64);
    assert_eq!(end.truncation, None);
    assert_eq!(end.skipped_packets, 0);
    end
}

fn ramp() -> Audio {
    Audio::ramp(44_100, 2, FRAMES)
}

#[test]
fn wav_pcm_16_24_32_and_8_bit_decode_exactly() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let a = ramp();
    for (bits, codec) in [
        (16, "pcm_s16le"),
        (24, "pcm_s24le"),
        (32, "pcm_s32le"),
        (8, "pcm_u8"),
    ] {
        let p = dir.path().join(format!("ramp{bits}.wav"));
        wav::write_int(&p, &a, bits);
        check(
            &p,
            &quantised(&a, u32::from(bits)),
            codec,
            Some(u32::from(bits)),
            false,
        );
    }
}

#[test]
fn wav_float_32_extensible_and_64_plain_decode_exactly() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let a = ramp();
    let p32 = dir.path().join("f32.wav");
    wav::write_f32(&p32, &a);
    check(&p32, &as_f32(&a), "pcm_f32le", Some(32), true);
    let p64 = dir.path().join("f64.wav");
    wav::write_f64(&p64, &a);
    check(&p64, &as_f32(&a), "pcm_f64le", Some(64), true);
}

#[test]
fn float_overs_are_not_clamped() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = Audio::silence(44_100, 2, 0.01);
    a.samples[10] = 1.5;
    a.samples[11] = -2.0;
    let p = dir.path().join("over.wav");
    wav::write_f64(&p, &a);
    let (_, got) = decode_all(&p);
    assert_eq!(&got[10..12], &[1.5, -2.0]);
}

#[test]
fn aiff_and_aifc_decode_every_frame_exactly() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let a = ramp();
    let cases = [
        (
            aiff::Kind::Aiff(16),
            "pcm_s16be",
            Some(16),
            false,
            quantised(&a, 16),
        ),
        (
            aiff::Kind::Aiff(24),
            "pcm_s24be",
            Some(24),
            false,
            quantised(&a, 24),
        ),
        (
            aiff::Kind::AifcNone(24),
            "pcm_s24be",
            Some(24),
            false,
            quantised(&a, 24),
        ),
        (
            aiff::Kind::AifcFloat32,
            "pcm_f32be",
            Some(32),
            true,
            as_f32(&a),
        ),
        (
            aiff::Kind::AifcSowt16,
            "pcm_s16le",
            Some(16),
            false,
            quantised(&a, 16),
        ),
    ];
    for (i, (kind, codec, bits, float, expected)) in cases.into_iter().enumerate() {
        let p = dir.path().join(format!("ramp{i}.aif"));
        aiff::write(&p, &a, kind);
        check(&p, &expected, codec, bits, float);
    }
}

#[test]
fn aiff_with_a_chunk_after_the_sound_data_measures_only_the_sound_data() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let a = ramp();
    let p = dir.path().join("trailing.aiff");
    aiff::write(&p, &a, aiff::Kind::Aiff(16));
    let mut bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{e}"));
    // Append an ANNO chunk of loud non-audio bytes and fix the FORM length.
    bytes.extend_from_slice(b"ANNO");
    bytes.extend_from_slice(&16u32.to_be_bytes());
    bytes.extend_from_slice(&[0x7f; 16]);
    let form_len = (bytes.len() - 8) as u32;
    bytes[4..8].copy_from_slice(&form_len.to_be_bytes());
    std::fs::write(&p, &bytes).unwrap_or_else(|e| panic!("{e}"));
    check(&p, &quantised(&a, 16), "pcm_s16be", Some(16), false);
}

#[test]
fn flac_verbatim_16_and_24_bit_decode_exactly() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let a = ramp();
    for bits in [16u32, 24] {
        let p = dir.path().join(format!("ramp{bits}.flac"));
        flac::write(&p, &a, bits);
        check(&p, &quantised(&a, bits), "flac", Some(bits), false);
    }
}

#[test]
fn truncated_wav_is_seen_from_the_header() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let p = dir.path().join("cut.wav");
    wav::write_int(&p, &ramp(), 16);
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&p, &bytes[..44 + 2000 * 4 + 3]).unwrap_or_else(|e| panic!("{e}"));
    let stream = AudioStream::open(&p).unwrap_or_else(|e| panic!("{e}"));
    let t = stream
        .header_truncation()
        .unwrap_or_else(|| panic!("truncation not detected"));
    assert_eq!((t.declared_frames, t.present_frames), (FRAMES as u64, 2000));
}

#[test]
fn truncated_aiff_is_seen_from_the_header() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let p = dir.path().join("cut.aiff");
    aiff::write(&p, &ramp(), aiff::Kind::Aiff(24));
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{e}"));
    // Cut one byte: the last frame is incomplete.
    std::fs::write(&p, &bytes[..bytes.len() - 1]).unwrap_or_else(|e| panic!("{e}"));
    let stream = AudioStream::open(&p).unwrap_or_else(|e| panic!("{e}"));
    let t = stream
        .header_truncation()
        .unwrap_or_else(|| panic!("truncation not detected"));
    assert_eq!(
        (t.declared_frames, t.present_frames),
        (FRAMES as u64, FRAMES as u64 - 1)
    );
}

#[test]
fn truncated_flac_is_seen_at_the_end() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let p = dir.path().join("cut.flac");
    let bytes = flac::encode(&ramp(), 16, None);
    // Keep the header and a bit more than the first frame (4096 frames, ~16 KB).
    std::fs::write(&p, &bytes[..20_000]).unwrap_or_else(|e| panic!("{e}"));
    let (stream, got) = decode_all(&p);
    assert_eq!(stream.header_truncation(), None);
    let end = stream.finish().unwrap_or_else(|e| panic!("{e}"));
    let t = end
        .truncation
        .unwrap_or_else(|| panic!("truncation not detected"));
    assert_eq!(t.declared_frames, FRAMES as u64);
    assert!(t.present_frames < FRAMES as u64);
    assert_eq!(got.len() as u64, end.frames * 2);
}

#[test]
fn flac_promising_more_frames_than_it_has_is_truncated() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let p = dir.path().join("short.flac");
    std::fs::write(&p, flac::encode(&ramp(), 16, Some(48_000))).unwrap_or_else(|e| panic!("{e}"));
    let (stream, _) = decode_all(&p);
    let end = stream.finish().unwrap_or_else(|e| panic!("{e}"));
    let t = end
        .truncation
        .unwrap_or_else(|| panic!("truncation not detected"));
    assert_eq!(
        (t.declared_frames, t.present_frames),
        (48_000, FRAMES as u64)
    );
}

#[test]
fn open_errors_are_classified() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let missing = dir.path().join("missing.wav");
    assert!(matches!(
        AudioStream::open(&missing),
        Err(DecodeError::Open(_))
    ));
    assert!(matches!(
        AudioStream::open(dir.path()),
        Err(DecodeError::NotAFile)
    ));
    let empty = dir.path().join("empty.wav");
    std::fs::write(&empty, b"").unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(AudioStream::open(&empty), Err(DecodeError::Empty)));
    let text = dir.path().join("notes.wav");
    std::fs::write(&text, "just some text, not audio\n".repeat(50))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        AudioStream::open(&text),
        Err(DecodeError::NotAudio)
    ));
    let header = dir.path().join("header.wav");
    wav::write_int(&header, &ramp(), 16);
    let bytes = std::fs::read(&header).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&header, &bytes[..30]).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        AudioStream::open(&header),
        Err(DecodeError::TruncatedHeader)
    ));
}

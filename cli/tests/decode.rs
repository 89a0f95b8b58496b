//! Decoding every supported format sample-exactly through `preflight_cli::decode::AudioStream`,
//! on files synthesised by the writers in `support` (independent of the metering engine).

mod support;

use std::path::Path;

use preflight_cli::decode::{
    AudioStream, DecodeError, SampleReader, StreamEnd, StreamInfo, Truncation,
};
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

/// What one reader made of a file.
struct Read {
    direct: bool,
    info: StreamInfo,
    header_truncation: Option<Truncation>,
    samples: Vec<f32>,
    end: StreamEnd,
}

/// Every sample of `path` from the default reader and from symphonia.
fn both_readers(path: &Path) -> [Read; 2] {
    [SampleReader::Auto, SampleReader::Symphonia].map(|reader| {
        let mut stream = AudioStream::open_with(path, reader).unwrap_or_else(|e| panic!("{e}"));
        let mut samples = Vec::new();
        while let Some(block) = stream.next_block().unwrap_or_else(|e| panic!("{e}")) {
            samples.extend_from_slice(block);
        }
        Read {
            direct: stream.uses_direct_reader(),
            info: stream.info().clone(),
            header_truncation: stream.header_truncation(),
            samples,
            end: stream.finish().unwrap_or_else(|e| panic!("{e}")),
        }
    })
}

/// Asserts that the direct reader reads `path` and delivers bit-identical samples, the same
/// parameters and the same end (frames, truncation) as symphonia.
fn assert_direct_matches_symphonia(path: &Path, what: &str) {
    let [direct, general] = both_readers(path);
    assert!(direct.direct, "{what}: the direct reader was not used");
    assert!(!general.direct, "{what}: symphonia was not used");
    assert_eq!(direct.info, general.info, "{what}: stream info");
    assert_eq!(
        direct.header_truncation, general.header_truncation,
        "{what}: header truncation"
    );
    let (a, b) = (&direct.samples, &general.samples);
    assert_eq!(a.len(), b.len(), "{what}: sample count");
    if let Some(i) = (0..a.len()).find(|&i| a[i].to_bits() != b[i].to_bits()) {
        panic!(
            "{what}: sample {i} is {} from the direct reader but {} from symphonia",
            a[i], b[i]
        );
    }
    assert_eq!(direct.end, general.end, "{what}: stream end");
}

#[test]
fn direct_reader_matches_symphonia_bit_for_bit_on_every_format_it_reads() {
    use wav::Fmt;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let formats = [
        (Fmt::Pcm, 16),
        (Fmt::Pcm, 24),
        (Fmt::Pcm, 32),
        (Fmt::Float, 32),
        (Fmt::Float, 64),
        (Fmt::ExtensiblePcm { valid_bits: 16 }, 16),
        (Fmt::ExtensiblePcm { valid_bits: 24 }, 24),
        (Fmt::ExtensiblePcm { valid_bits: 20 }, 24),
        (Fmt::ExtensiblePcm { valid_bits: 32 }, 32),
        (Fmt::ExtensiblePcm { valid_bits: 24 }, 32),
        (Fmt::ExtensibleFloat, 32),
        (Fmt::ExtensibleFloat, 64),
    ];
    for (index, (fmt, bits)) in formats.into_iter().enumerate() {
        for channels in [1u16, 2, 6] {
            // Random bytes: every bit pattern is a sample (NaN, infinity and subnormal floats
            // too). Long enough for several blocks, plus a partial frame at the end.
            let frame_bytes = usize::from(channels * bits / 8);
            let data = support::random_bytes(70_001 * frame_bytes + 1, index as u64 + 1);
            let p = dir.path().join(format!("f{index}-{channels}ch.wav"));
            let raw = wav::Raw {
                fmt,
                channels,
                sample_rate_hz: 44_100,
                bits,
                data: &data,
                data_len_field: None,
                before_data: &[],
                after_data: &[],
            };
            std::fs::write(&p, raw.bytes()).unwrap_or_else(|e| panic!("{e}"));
            assert_direct_matches_symphonia(&p, &format!("{fmt:?} {bits}-bit {channels} ch"));
        }
    }
}

#[test]
fn direct_reader_matches_symphonia_on_unusual_layouts() {
    use wav::Fmt;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = support::random_bytes(6 * 50_000, 99);
    // An odd-length chunk (padded) before the samples, and a loud chunk after them.
    let mut odd = b"odd ".to_vec();
    odd.extend_from_slice(&7u32.to_le_bytes());
    odd.extend_from_slice(b"1234567\0");
    let mut after = b"junk".to_vec();
    after.extend_from_slice(&16u32.to_le_bytes());
    after.extend_from_slice(&[0x7f; 16]);
    let base = wav::Raw {
        fmt: Fmt::Pcm,
        channels: 2,
        sample_rate_hz: 48_000,
        bits: 24,
        data: &data,
        data_len_field: None,
        before_data: &[],
        after_data: &[],
    };
    let cases = [
        (
            "chunks around the data",
            wav::Raw {
                before_data: &odd,
                after_data: &after,
                ..base
            },
        ),
        (
            "data length not a whole number of frames",
            wav::Raw {
                data: &data[..data.len() - 4],
                after_data: &after,
                ..base
            },
        ),
        (
            "truncated",
            wav::Raw {
                data_len_field: Some(data.len() as u32 + 60_000),
                ..base
            },
        ),
        (
            "streamed, length left open",
            wav::Raw {
                data: &data[..data.len() - 5],
                data_len_field: Some(u32::MAX),
                ..base
            },
        ),
        (
            "no frames",
            wav::Raw {
                data: &data[..5],
                ..base
            },
        ),
    ];
    for (i, (what, raw)) in cases.iter().enumerate() {
        let p = dir.path().join(format!("case{i}.wav"));
        std::fs::write(&p, raw.bytes()).unwrap_or_else(|e| panic!("{e}"));
        if *what == "no frames" {
            for reader in [SampleReader::Auto, SampleReader::Symphonia] {
                let mut s = AudioStream::open_with(&p, reader).unwrap_or_else(|e| panic!("{e}"));
                assert!(matches!(s.next_block(), Ok(None)), "{what}");
                assert!(matches!(s.finish(), Err(DecodeError::NoAudio)), "{what}");
            }
            continue;
        }
        assert_direct_matches_symphonia(&p, what);
    }
    let [truncated, _] = both_readers(&dir.path().join("case2.wav"));
    let t = truncated
        .end
        .truncation
        .unwrap_or_else(|| panic!("not truncated"));
    assert_eq!((t.declared_frames, t.present_frames), (60_000, 50_000));
}

#[test]
fn formats_the_direct_reader_does_not_handle_go_to_symphonia() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let a = ramp();
    let p8 = dir.path().join("u8.wav");
    wav::write_int(&p8, &a, 8);
    let aiff_path = dir.path().join("ramp.aiff");
    aiff::write(&aiff_path, &a, aiff::Kind::Aiff(24));
    let flac_path = dir.path().join("ramp.flac");
    flac::write(&flac_path, &a, 24);
    for p in [&p8, &aiff_path, &flac_path] {
        let s = AudioStream::open(p).unwrap_or_else(|e| panic!("{e}"));
        assert!(!s.uses_direct_reader(), "{}", p.display());
    }
    let p24 = dir.path().join("s24.wav");
    wav::write_int(&p24, &a, 24);
    let s = AudioStream::open(&p24).unwrap_or_else(|e| panic!("{e}"));
    assert!(s.uses_direct_reader());
}

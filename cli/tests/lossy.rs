//! Lossy and MP4 files (MP3, AAC/M4A, Ogg Vorbis, ALAC): encoded by ffmpeg, a third-party
//! encoder, and read by `preflight`. Each is checked against ffmpeg's own decode of the same file
//! to float WAV, measured by `preflight` too: the two decoders must agree on the audio.
//!
//! Needs `ffmpeg` on PATH (the README's test command installs it).

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::{analyze_json, json, preflight, stderr, wav, Audio};

fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-loglevel", "error", "-y"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("ffmpeg must be installed for this test: {e}"));
    assert!(
        out.status.success(),
        "ffmpeg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number: {}", v[key]))
}

/// A stereo mix of two sines, different per channel, with a quiet passage, 12 s.
fn music_like() -> Audio {
    let rate = 48_000;
    let frames = 12 * rate as usize;
    let mut samples = Vec::with_capacity(frames * 2);
    for n in 0..frames {
        let t = n as f64 / f64::from(rate);
        let level = if (4.0..6.0).contains(&t) { 0.05 } else { 0.3 };
        let a = (2.0 * std::f64::consts::PI * 220.0 * t).sin();
        let b = (2.0 * std::f64::consts::PI * 1_330.0 * t).sin();
        samples.push(level * (0.7 * a + 0.3 * b));
        samples.push(level * (0.5 * a + 0.5 * b));
    }
    Audio {
        sample_rate_hz: rate,
        channels: 2,
        samples,
    }
}

struct Case {
    file: &'static str,
    args: &'static [&'static str],
    codec: &'static str,
    lossy: bool,
    /// Frames ours may deliver beyond ffmpeg's: symphonia 0.5 does not trim AAC's encoder delay
    /// and padding from MP4's edit list, ffmpeg does (at most two 1024-frame AAC packets).
    extra_frames: u64,
}

const CASES: [Case; 4] = [
    Case {
        file: "mix.mp3",
        args: &["-c:a", "libmp3lame", "-b:a", "192k"],
        codec: "mp3",
        lossy: true,
        extra_frames: 0,
    },
    Case {
        file: "mix.m4a",
        args: &["-c:a", "aac", "-b:a", "192k"],
        codec: "aac",
        lossy: true,
        extra_frames: 2_048,
    },
    Case {
        file: "mix.ogg",
        args: &["-c:a", "libvorbis", "-q:a", "5"],
        codec: "vorbis",
        lossy: true,
        extra_frames: 0,
    },
    Case {
        file: "mix-alac.m4a",
        args: &["-c:a", "alac"],
        codec: "alac",
        lossy: false,
        extra_frames: 0,
    },
];

#[test]
fn lossy_and_mp4_files_read_like_ffmpeg_decodes_them() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let source = dir.path().join("mix.wav");
    wav::write_int(&source, &music_like(), 24);
    let src = source.to_str().unwrap_or_else(|| panic!("path"));
    for case in &CASES {
        let encoded = dir.path().join(case.file);
        let enc = encoded.to_str().unwrap_or_else(|| panic!("path"));
        let mut args = vec!["-i", src];
        args.extend_from_slice(case.args);
        args.push(enc);
        ffmpeg(&args);
        let reference = dir.path().join(format!("{}.ffmpeg.wav", case.file));
        let reference_path = reference.to_str().unwrap_or_else(|| panic!("path"));
        ffmpeg(&["-i", enc, "-c:a", "pcm_f32le", reference_path]);

        let o = analyze_json(&[&encoded, &reference]);
        assert!(o.status.success(), "{}: {}", case.file, stderr(&o));
        let v = json(&o);
        let (ours, theirs) = (&v[0], &v[1]);
        let name = case.file;
        assert_eq!(ours["format"]["codec"], case.codec, "{name}");
        assert_eq!(ours["format"]["lossy"], case.lossy, "{name}");
        assert_eq!(ours["format"]["float"], false, "{name}");
        assert_eq!(ours["sample_rate_hz"], 48_000, "{name}");
        assert_eq!(ours["channels"], 2, "{name}");

        let frames = |v: &Value| (num(v, "duration_s") * 48_000.0).round() as u64;
        let (a, b) = (frames(ours), frames(theirs));
        assert!(
            a >= b && a - b <= case.extra_frames,
            "{name}: {a} frames decoded, ffmpeg {b}"
        );
        // Same audio: the loudness and the peaks agree. AAC's untrimmed priming shifts the
        // audio by up to two packets, which moves the 100 ms gating blocks a little.
        let tolerance = if case.extra_frames > 0 { 0.05 } else { 0.01 };
        for key in ["integrated_lufs", "true_peak_dbtp", "sample_peak_dbfs"] {
            let (x, y) = (num(ours, key), num(theirs, key));
            assert!(
                (x - y).abs() <= tolerance,
                "{name} {key}: ours {x}, ffmpeg's decode {y}"
            );
        }
        // A lossless file measures as its source. (A lossy one need not: ffmpeg's LAME at
        // 192 kbit/s lowers this mix by 0.27 LU, as both decoders agree.)
        if !case.lossy {
            let original = json(&analyze_json(&[&source]));
            for key in ["integrated_lufs", "true_peak_dbtp", "sample_peak_dbfs"] {
                assert_eq!(ours[key], original[key], "{name} {key}");
            }
        }

        // `check` says the source is lossy, and only then.
        let o = preflight(&["check", "--json", enc]);
        let report = json(&o);
        let format = report["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["id"] == "format"))
            .unwrap_or_else(|| panic!("{name}: no format finding: {report}"));
        if case.lossy {
            assert_eq!(format["severity"], "warn", "{name}: {format}");
            assert!(
                format["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("lossy") && m.contains(case.codec)),
                "{name}: {format}"
            );
        } else {
            assert_ne!(format["severity"], "warn", "{name}: {format}");
        }
    }
}

#[test]
fn opus_is_refused_with_a_clear_reason() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let source = dir.path().join("mix.wav");
    wav::write_int(&source, &Audio::sine(48_000, 2, 440.0, -12.0, 2.0), 16);
    let opus = dir.path().join("mix.opus");
    ffmpeg(&[
        "-i",
        source.to_str().unwrap_or_default(),
        "-c:a",
        "libopus",
        opus.to_str().unwrap_or_default(),
    ]);
    let o = analyze_json(&[Path::new(&opus)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("unsupported"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

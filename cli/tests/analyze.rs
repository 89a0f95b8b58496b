//! `preflight analyze`, end to end: the binary run on files synthesised in a temporary directory.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use support::{aiff, analyze_json, fingerprint, flac, json, preflight, stderr, stdout, wav, Audio};

/// EBU Tech 3341 tolerance for stationary signals.
const LOUDNESS_TOLERANCE_LU: f64 = 0.1;

/// The documented top-level JSON keys, in order.
const KEYS: [&str; 24] = [
    "file",
    "sample_rate_hz",
    "channels",
    "duration_s",
    "format",
    "integrated_lufs",
    "loudness_range_lu",
    "max_momentary_lufs",
    "max_short_term_lufs",
    "true_peak_dbtp",
    "true_peak_per_channel_dbtp",
    "sample_peak_dbfs",
    "sample_peak_per_channel_dbfs",
    "plr_db",
    "micro_dynamics_db",
    "clipped_samples",
    "correlation",
    "low_band_correlation",
    "balance_db",
    "dc_offset_per_channel_dbfs",
    "non_finite_samples",
    "spectrum_bands",
    "events",
    "events_dropped",
];

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

/// Tech 3341 case 1 style signal: stereo 1 kHz sine at -23 dBFS peak, which reads -23.0 LUFS.
fn reference_sine(seconds: f64) -> Audio {
    Audio::sine(48_000, 2, 1_000.0, -23.0, seconds)
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number: {}", v[key]))
}

fn assert_near(got: f64, want: f64, tolerance: f64, what: &str) {
    assert!(
        (got - want).abs() <= tolerance,
        "{what}: got {got}, want {want} +- {tolerance}"
    );
}

fn assert_success(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
}

/// Exit status 2, nothing analysed on stdout, and exactly one stderr line
/// `preflight: <path>: <reason>` whose reason contains `reason`.
fn assert_refused(o: &Output, path: &Path, reason: &str) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    assert!(o.stdout.is_empty(), "stdout should be empty: {}", stdout(o));
    assert_one_error_line(o, path, reason);
}

fn assert_one_error_line(o: &Output, path: &Path, reason: &str) {
    let err = stderr(o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "want one stderr line, got:\n{err}");
    let prefix = format!("preflight: {}: ", path.display());
    assert!(
        lines[0].starts_with(&prefix),
        "{:?} does not start with {prefix:?}",
        lines[0]
    );
    assert!(
        lines[0].contains(reason),
        "{:?} does not mention {reason:?}",
        lines[0]
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn sine_at_minus_23_dbfs_reads_minus_23_lufs() {
    let dir = tempdir();
    let p = dir.path().join("sine.wav");
    wav::write_int(&p, &reference_sine(12.0), 24);
    let o = analyze_json(&[&p]);
    assert_success(&o);
    let v = json(&o);
    assert!(v.is_object(), "one file must give one object: {v}");
    assert_near(
        num(&v, "integrated_lufs"),
        -23.0,
        LOUDNESS_TOLERANCE_LU,
        "integrated",
    );
    assert_near(
        num(&v, "max_momentary_lufs"),
        -23.0,
        LOUDNESS_TOLERANCE_LU,
        "max momentary",
    );
    assert_near(
        num(&v, "max_short_term_lufs"),
        -23.0,
        LOUDNESS_TOLERANCE_LU,
        "max short-term",
    );
    // Tech 3341 true-peak tolerance +0.2 / -0.4 dB.
    let tp = num(&v, "true_peak_dbtp");
    assert!((-23.4..=-22.8).contains(&tp), "true peak {tp}");
    assert_near(num(&v, "sample_peak_dbfs"), -23.0, 0.05, "sample peak");
    assert_near(
        num(&v, "plr_db"),
        tp - num(&v, "integrated_lufs"),
        0.02,
        "PLR",
    );
    assert_near(num(&v, "correlation"), 1.0, 0.01, "correlation");
    assert_near(num(&v, "balance_db"), 0.0, 0.05, "balance");
    assert_near(num(&v, "duration_s"), 12.0, 0.001, "duration");
    assert_eq!(v["sample_rate_hz"], 48_000);
    assert_eq!(v["channels"], 2);
    assert_eq!(v["clipped_samples"], 0);
    assert_eq!(v["non_finite_samples"], 0);
    assert_eq!(v["file"], p.to_str().unwrap_or_default());
    let per_channel = v["true_peak_per_channel_dbtp"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(per_channel.len(), 2);
    // The loudest spectrum band is the one holding 1 kHz.
    let bands = v["spectrum_bands"].as_array().cloned().unwrap_or_default();
    let loudest = bands
        .iter()
        .filter(|b| b["db"].is_number())
        .max_by(|a, b| num(a, "db").total_cmp(&num(b, "db")))
        .unwrap_or_else(|| panic!("no spectrum band has a level"));
    assert_near(num(loudest, "hz"), 1_000.0, 60.0, "loudest band");
}

#[test]
fn json_keys_are_exactly_the_documented_ones_and_values_are_numbers_or_null() {
    let dir = tempdir();
    let p = dir.path().join("sine.flac");
    flac::write(&p, &reference_sine(2.0), 16);
    let o = analyze_json(&[&p]);
    assert_success(&o);
    let v = json(&o);
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"));
    let mut got: Vec<&str> = obj.keys().map(String::as_str).collect();
    let mut want = KEYS.to_vec();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);

    let format = v["format"]
        .as_object()
        .unwrap_or_else(|| panic!("format: {}", v["format"]));
    let mut format_keys: Vec<&str> = format.keys().map(String::as_str).collect();
    format_keys.sort_unstable();
    assert_eq!(format_keys, ["bits_per_sample", "codec", "float", "lossy"]);

    let bands = v["spectrum_bands"]
        .as_array()
        .unwrap_or_else(|| panic!("spectrum_bands"));
    assert!(!bands.is_empty());
    for band in bands {
        let mut keys: Vec<&str> = band
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(keys, ["db", "hz"]);
        assert!(band["hz"].is_number());
        assert!(band["db"].is_number() || band["db"].is_null());
    }
    for event in v["events"].as_array().unwrap_or_else(|| panic!("events")) {
        let mut keys: Vec<&str> = event
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(keys, ["count", "end_s", "kind", "start_s", "value"]);
        assert!(event["start_s"].is_number() && event["kind"].is_string());
    }
    assert!(v["events_dropped"].is_u64());
    let scalar_levels = KEYS.iter().filter(|k| {
        !k.contains("per_channel")
            && ["_lufs", "_lu", "_db", "_dbtp", "_dbfs"]
                .iter()
                .any(|u| k.ends_with(u))
    });
    for key in scalar_levels {
        assert!(
            v[*key].is_number() || v[*key].is_null(),
            "{key}: {}",
            v[*key]
        );
    }
    for key in [
        "true_peak_per_channel_dbtp",
        "sample_peak_per_channel_dbfs",
        "dc_offset_per_channel_dbfs",
    ] {
        let items = v[key]
            .as_array()
            .unwrap_or_else(|| panic!("{key} is not an array"));
        assert_eq!(items.len(), 2, "{key}");
        assert!(items.iter().all(|x| x.is_number() || x.is_null()), "{key}");
    }
    // Rounded to at most 2 decimals, and still a number.
    let i = num(&v, "integrated_lufs");
    assert!(
        ((i * 100.0).round() - i * 100.0).abs() < 1e-6,
        "integrated {i} not rounded"
    );
}

#[test]
fn digital_silence_gives_null_not_minus_infinity() {
    let dir = tempdir();
    let p = dir.path().join("silence.wav");
    wav::write_int(&p, &Audio::silence(48_000, 2, 3.0), 16);
    let o = analyze_json(&[&p]);
    assert_success(&o);
    let v = json(&o);
    for key in [
        "integrated_lufs",
        "loudness_range_lu",
        "max_momentary_lufs",
        "max_short_term_lufs",
        "true_peak_dbtp",
        "sample_peak_dbfs",
        "plr_db",
        "micro_dynamics_db",
        "correlation",
    ] {
        assert!(
            v[key].is_null(),
            "{key} should be null for silence: {}",
            v[key]
        );
    }
    assert_eq!(
        v["true_peak_per_channel_dbtp"],
        serde_json::json!([null, null])
    );
    assert_eq!(
        v["sample_peak_per_channel_dbfs"],
        serde_json::json!([null, null])
    );
    assert_near(num(&v, "duration_s"), 3.0, 0.001, "duration");
    let text = stdout(&o).to_lowercase();
    assert!(!text.contains("inf") && !text.contains("nan"), "{text}");
}

#[test]
fn several_files_give_an_array_in_argument_order() {
    let dir = tempdir();
    let a = dir.path().join("a.wav");
    let b = dir.path().join("b.aiff");
    wav::write_int(&a, &reference_sine(1.0), 16);
    aiff::write(
        &b,
        &Audio::sine(44_100, 1, 440.0, -6.0, 1.5),
        aiff::Kind::Aiff(16),
    );
    let o = analyze_json(&[&a, &b]);
    assert_success(&o);
    let v = json(&o);
    let items = v.as_array().unwrap_or_else(|| panic!("want an array: {v}"));
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["file"], a.to_str().unwrap_or_default());
    assert_eq!(items[1]["file"], b.to_str().unwrap_or_default());
    assert_eq!(items[1]["channels"], 1);
    assert_eq!(items[1]["sample_rate_hz"], 44_100);
    assert_near(num(&items[1], "duration_s"), 1.5, 0.001, "duration");
}

/// Writes the reference sine in every supported storage format; returns (path, codec, bits, float).
fn every_format(dir: &Path, seconds: f64) -> Vec<(PathBuf, &'static str, u64, bool)> {
    let audio = reference_sine(seconds);
    let mut out = Vec::new();
    let mut add = |name: &str, codec, bits, float, write: &dyn Fn(&Path)| {
        let p = dir.join(name);
        write(&p);
        out.push((p, codec, bits, float));
    };
    add("s16.wav", "pcm_s16le", 16, false, &|p| {
        wav::write_int(p, &audio, 16)
    });
    add("s24_extensible.wav", "pcm_s24le", 24, false, &|p| {
        wav::write_int(p, &audio, 24)
    });
    add("s32.wav", "pcm_s32le", 32, false, &|p| {
        wav::write_int(p, &audio, 32)
    });
    add("f32.wav", "pcm_f32le", 32, true, &|p| {
        wav::write_f32(p, &audio)
    });
    add("f64.wav", "pcm_f64le", 64, true, &|p| {
        wav::write_f64(p, &audio)
    });
    add("s16.aiff", "pcm_s16be", 16, false, &|p| {
        aiff::write(p, &audio, aiff::Kind::Aiff(16))
    });
    add("s24.aif", "pcm_s24be", 24, false, &|p| {
        aiff::write(p, &audio, aiff::Kind::Aiff(24))
    });
    add("f32.aifc", "pcm_f32be", 32, true, &|p| {
        aiff::write(p, &audio, aiff::Kind::AifcFloat32)
    });
    add("sowt.aifc", "pcm_s16le", 16, false, &|p| {
        aiff::write(p, &audio, aiff::Kind::AifcSowt16)
    });
    add("s16.flac", "flac", 16, false, &|p| {
        flac::write(p, &audio, 16)
    });
    add("s24.flac", "flac", 24, false, &|p| {
        flac::write(p, &audio, 24)
    });
    out
}

#[test]
fn every_format_reports_its_format_object_and_the_same_loudness() {
    let dir = tempdir();
    let files = every_format(dir.path(), 3.0);
    let paths: Vec<&Path> = files.iter().map(|(p, ..)| p.as_path()).collect();
    let o = analyze_json(&paths);
    assert_success(&o);
    let v = json(&o);
    let items = v.as_array().unwrap_or_else(|| panic!("want an array: {v}"));
    assert_eq!(items.len(), files.len());
    for ((path, codec, bits, float), item) in files.iter().zip(items) {
        let name = path.display();
        assert_eq!(item["format"]["codec"], *codec, "{name}");
        assert_eq!(item["format"]["bits_per_sample"], *bits, "{name}");
        assert_eq!(item["format"]["float"], *float, "{name}");
        assert_eq!(item["sample_rate_hz"], 48_000, "{name}");
        assert_eq!(item["channels"], 2, "{name}");
        assert_near(
            num(item, "duration_s"),
            3.0,
            0.001,
            &format!("{name} duration"),
        );
        assert_near(
            num(item, "integrated_lufs"),
            -23.0,
            LOUDNESS_TOLERANCE_LU,
            &format!("{name} integrated"),
        );
        assert_near(
            num(item, "sample_peak_dbfs"),
            -23.0,
            0.05,
            &format!("{name} sample peak"),
        );
    }
}

#[test]
fn inputs_are_not_modified() {
    let dir = tempdir();
    let files = every_format(dir.path(), 0.5);
    let before: Vec<_> = files.iter().map(|(p, ..)| fingerprint(p)).collect();
    let mut args = vec!["analyze".to_string()];
    args.extend(files.iter().map(|(p, ..)| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let table = preflight(&args);
    let mut json_args = args.clone();
    json_args.insert(1, "--json");
    let json_run = preflight(&json_args);
    assert_success(&table);
    assert_success(&json_run);
    let after: Vec<_> = files.iter().map(|(p, ..)| fingerprint(p)).collect();
    assert_eq!(before, after);
}

#[test]
fn default_output_is_a_readable_table() {
    let dir = tempdir();
    let p = dir.path().join("sine.wav");
    wav::write_int(&p, &reference_sine(4.0), 24);
    let o = preflight(&["analyze", p.to_str().unwrap_or_default()]);
    assert_success(&o);
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(lines.next(), p.to_str());
    let row = |label: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no {label} row in:\n{out}"))
            .to_string()
    };
    assert!(row("Integrated").ends_with(" -23.0 LUFS"), "{out}");
    assert!(row("True peak").contains(" dBTP (L -2"), "{out}");
    assert!(
        row("Format").contains("pcm_s24le (24-bit), 48000 Hz, stereo"),
        "{out}"
    );
    assert!(row("Loudness range").contains("LU") || row("Loudness range").contains('\u{2014}'));
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
}

#[test]
fn silence_reads_no_signal_in_the_table() {
    let dir = tempdir();
    let p = dir.path().join("silence.wav");
    wav::write_int(&p, &Audio::silence(44_100, 1, 1.0), 16);
    let o = preflight(&["analyze", p.to_str().unwrap_or_default()]);
    assert_success(&o);
    let out = stdout(&o);
    let integrated = out
        .lines()
        .find(|l| l.contains("Integrated"))
        .unwrap_or_default();
    assert!(integrated.ends_with("no signal"), "{out}");
    assert!(!out.contains("inf"), "{out}");
}

#[test]
fn missing_file_is_refused_with_one_line() {
    let dir = tempdir();
    let p = dir.path().join("does-not-exist.wav");
    assert_refused(&analyze_json(&[&p]), &p, "cannot open");
}

#[test]
fn directory_is_refused() {
    let dir = tempdir();
    assert_refused(
        &analyze_json(&[dir.path()]),
        dir.path(),
        "not a regular file",
    );
}

#[test]
fn empty_file_is_refused() {
    let dir = tempdir();
    let p = dir.path().join("empty.wav");
    std::fs::write(&p, b"").unwrap_or_else(|e| panic!("{e}"));
    assert_refused(&analyze_json(&[&p]), &p, "empty file");
}

#[test]
fn random_bytes_are_refused() {
    let dir = tempdir();
    let p = dir.path().join("noise.wav");
    std::fs::write(&p, support::random_bytes(64 * 1024, 0x5eed)).unwrap_or_else(|e| panic!("{e}"));
    assert_refused(&analyze_json(&[&p]), &p, "not a recognised audio file");
}

#[test]
fn text_file_named_wav_is_refused() {
    let dir = tempdir();
    let p = dir.path().join("readme.wav");
    std::fs::write(
        &p,
        "Mix notes: bring the vocal up 1 dB in the chorus.\n".repeat(20),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_refused(&analyze_json(&[&p]), &p, "not a recognised audio file");
}

#[test]
fn truncated_header_is_refused() {
    let dir = tempdir();
    for (name, keep) in [
        ("header.wav", 30usize),
        ("header.aiff", 20),
        ("header.flac", 20),
    ] {
        let p = dir.path().join(name);
        match name {
            n if n.ends_with(".wav") => wav::write_int(&p, &reference_sine(0.5), 16),
            n if n.ends_with(".aiff") => {
                aiff::write(&p, &reference_sine(0.5), aiff::Kind::Aiff(16))
            }
            _ => flac::write(&p, &reference_sine(0.5), 16),
        }
        let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&p, &bytes[..keep]).unwrap_or_else(|e| panic!("{e}"));
        assert_refused(&analyze_json(&[&p]), &p, "header");
    }
}

#[test]
fn unsupported_encoding_is_refused() {
    let dir = tempdir();
    let p = dir.path().join("mp3-in-wav.wav");
    wav::write_int(&p, &reference_sine(0.2), 16);
    let mut bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{e}"));
    bytes[20..22].copy_from_slice(&0x0055u16.to_le_bytes()); // WAVE_FORMAT_MPEGLAYER3
    std::fs::write(&p, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let o = analyze_json(&[&p]);
    assert_eq!(o.status.code(), Some(2));
    assert_one_error_line(&o, &p, "unsupported");
}

#[test]
fn malformed_header_that_trips_the_decoder_costs_one_line_not_a_crash() {
    let dir = tempdir();
    let bad = dir.path().join("zero-width.wav");
    let good = dir.path().join("good.wav");
    std::fs::write(&bad, wav::zero_width_extensible()).unwrap_or_else(|e| panic!("{e}"));
    wav::write_int(&good, &reference_sine(1.0), 16);
    let o = analyze_json(&[&bad, &good]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_one_error_line(&o, &bad, "");
    let v = json(&o);
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
}

#[test]
fn good_and_bad_file_together_exit_2_and_still_report_the_good_one() {
    let dir = tempdir();
    let good = dir.path().join("good.wav");
    let bad = dir.path().join("bad.wav");
    wav::write_int(&good, &reference_sine(2.0), 24);
    std::fs::write(&bad, support::random_bytes(4096, 7)).unwrap_or_else(|e| panic!("{e}"));

    let o = analyze_json(&[&bad, &good]);
    assert_eq!(o.status.code(), Some(2));
    assert_one_error_line(&o, &bad, "not a recognised audio file");
    let v = json(&o);
    let items = v.as_array().unwrap_or_else(|| panic!("want an array: {v}"));
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["file"], good.to_str().unwrap_or_default());
    assert_near(
        num(&items[0], "integrated_lufs"),
        -23.0,
        LOUDNESS_TOLERANCE_LU,
        "integrated",
    );

    // The table output behaves the same way.
    let o = preflight(&[
        "analyze",
        good.to_str().unwrap_or_default(),
        bad.to_str().unwrap_or_default(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_one_error_line(&o, &bad, "not a recognised audio file");
    assert!(
        stdout(&o).starts_with(good.to_str().unwrap_or_default()),
        "{}",
        stdout(&o)
    );
}

#[test]
fn header_without_audio_is_refused() {
    let dir = tempdir();
    let p = dir.path().join("no-frames.wav");
    wav::write_int(&p, &Audio::silence(48_000, 2, 0.0), 16);
    assert_refused(&analyze_json(&[&p]), &p, "contains no audio");
}

#[test]
fn streamed_wav_with_open_length_is_read_to_its_end() {
    let dir = tempdir();
    let p = dir.path().join("streamed.wav");
    wav::write_int(&p, &reference_sine(2.0), 16);
    let mut bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{e}"));
    // What an encoder writing to a pipe leaves: RIFF and data lengths 0xFFFFFFFF.
    bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    bytes[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
    std::fs::write(&p, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let o = analyze_json(&[&p]);
    assert_success(&o);
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
    let v = json(&o);
    assert_near(num(&v, "duration_s"), 2.0, 0.001, "duration");
    assert_near(
        num(&v, "integrated_lufs"),
        -23.0,
        LOUDNESS_TOLERANCE_LU,
        "integrated",
    );
}

#[test]
fn undecodable_packet_is_skipped_with_a_counted_warning() {
    let dir = tempdir();
    let p = dir.path().join("one-bad-frame.flac");
    let audio = reference_sine(3.0);
    std::fs::write(&p, flac::encode_with_bad_frame(&audio, 16, None, Some(5)))
        .unwrap_or_else(|e| panic!("{e}"));
    let o = analyze_json(&[&p]);
    assert_success(&o);
    assert_one_error_line(&o, &p, "warning: skipped 1 corrupt packet");
    let v = json(&o);
    let measured_s = (audio.frames() - flac::BLOCK_SIZE) as f64 / 48_000.0;
    assert_near(num(&v, "duration_s"), measured_s, 0.001, "duration");
    assert_near(
        num(&v, "integrated_lufs"),
        -23.0,
        LOUDNESS_TOLERANCE_LU,
        "integrated",
    );
}

/// A 12 s file cut after about 6 s of audio.
fn truncated_wav(dir: &Path) -> PathBuf {
    let p = dir.join("cut.wav");
    wav::write_int(&p, &reference_sine(12.0), 16);
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&p, &bytes[..44 + 6 * 48_000 * 4 + 2]).unwrap_or_else(|e| panic!("{e}"));
    p
}

#[test]
fn truncated_file_is_refused_by_default() {
    let dir = tempdir();
    let p = truncated_wav(dir.path());
    assert_refused(
        &analyze_json(&[&p]),
        &p,
        "truncated: the header promises 12.000 s",
    );
    let flac_path = dir.path().join("cut.flac");
    let bytes = flac::encode(&reference_sine(2.0), 16, None);
    std::fs::write(&flac_path, &bytes[..bytes.len() / 2]).unwrap_or_else(|e| panic!("{e}"));
    assert_refused(&analyze_json(&[&flac_path]), &flac_path, "truncated");
}

#[test]
fn truncated_file_is_measured_up_to_the_cut_when_allowed() {
    let dir = tempdir();
    let p = truncated_wav(dir.path());
    let o = preflight(&[
        "analyze",
        "--json",
        "--allow-truncated",
        p.to_str().unwrap_or_default(),
    ]);
    assert_success(&o);
    assert_one_error_line(&o, &p, "warning: truncated");
    let v = json(&o);
    assert_near(num(&v, "duration_s"), 6.0, 0.001, "duration");
    assert_near(
        num(&v, "integrated_lufs"),
        -23.0,
        LOUDNESS_TOLERANCE_LU,
        "integrated",
    );
}

#[test]
fn too_many_channels_is_refused_with_the_meter_reason() {
    let dir = tempdir();
    let p = dir.path().join("ten.wav");
    wav::write_int(&p, &Audio::sine(48_000, 10, 1_000.0, -20.0, 0.2), 16);
    assert_refused(&analyze_json(&[&p]), &p, "unsupported channel count 10");
}

#[test]
fn unsupported_sample_rate_is_refused_with_the_meter_reason() {
    let dir = tempdir();
    let p = dir.path().join("4k.wav");
    wav::write_int(&p, &Audio::sine(4_000, 1, 440.0, -20.0, 0.5), 16);
    assert_refused(&analyze_json(&[&p]), &p, "unsupported sample rate 4000 Hz");
}

#[test]
fn help_describes_the_commands_and_the_truncation_policy() {
    let top = preflight(&["--help"]);
    assert_success(&top);
    assert!(stdout(&top).contains("analyze"), "{}", stdout(&top));
    let sub = preflight(&["analyze", "--help"]);
    assert_success(&sub);
    let text = stdout(&sub);
    for needle in [
        "--json",
        "--allow-truncated",
        "Truncated files",
        "Exit status",
        "null",
    ] {
        assert!(
            text.contains(needle),
            "analyze --help lacks {needle:?}:\n{text}"
        );
    }
}

#[test]
fn no_files_is_a_usage_error() {
    let o = preflight(&["analyze"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}

/// 31 s of stereo noise whose loudness swings by 20 dB, with a quiet stretch, a DC offset on the
/// left, and full-scale clips, one of them right where a split in two parts falls (15 s).
fn long_varied_mix() -> Audio {
    let rate = 48_000usize;
    let frames = 31 * rate;
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut noise = move || {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        (seed.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let mut samples = Vec::with_capacity(frames * 2);
    let (mut low_l, mut low_r) = (0.0, 0.0);
    for n in 0..frames {
        let t = n as f64 / rate as f64;
        let gain = if (20.0..22.5).contains(&t) {
            0.001
        } else {
            0.3 * 10f64.powf(-((t * 0.7).sin() + 1.0) / 2.0)
        };
        let (a, b) = (noise(), noise());
        low_l += 0.05 * (a - low_l);
        low_r += 0.05 * (b - low_r);
        let l = gain * (a + 4.0 * low_l) + 0.002;
        let r = gain * (0.6 * a + 0.4 * b + 4.0 * low_r);
        samples.push(l);
        samples.push(r);
    }
    for clip_s in [5.25, 15.0, 27.5] {
        let at = (clip_s * rate as f64) as usize * 2;
        samples[at..at + 6].copy_from_slice(&[1.0, -1.0, 1.0, 1.0, -1.0, 1.0]);
    }
    Audio {
        sample_rate_hz: rate as u32,
        channels: 2,
        samples,
    }
}

#[test]
fn measuring_in_parts_on_several_threads_matches_a_single_pass() {
    use preflight_cli::{analyze_file, AnalyzeOptions};
    let dir = tempdir();
    let p = dir.path().join("long.wav");
    wav::write_int(&p, &long_varied_mix(), 24);
    let analyse = |threads| {
        let options = AnalyzeOptions {
            threads,
            ..AnalyzeOptions::default()
        };
        analyze_file(&p, "long.wav", &options).unwrap_or_else(|e| panic!("{e}"))
    };
    let single = analyse(1);
    let single_json = serde_json::to_value(&single.report).unwrap_or_else(|e| panic!("{e}"));
    // Both rails clip: the positive full-scale code (0x7FFFFF, one code short of 1.0) as well
    // as the negative one, so all six samples of each clip.
    assert_eq!(single.report.clipped_samples, 18, "{:?}", single.report);
    for threads in [2, 3] {
        let split = analyse(threads);
        let mut split_json = serde_json::to_value(&split.report).unwrap_or_else(|e| panic!("{e}"));
        let mut want = single_json.clone();
        // The long-term spectrum averages analysis frames placed differently: close only.
        let (bands, want_bands) = (
            split_json["spectrum_bands"].take(),
            want["spectrum_bands"].take(),
        );
        assert_eq!(split_json, want, "{threads} threads");
        let (bands, want_bands) = (
            bands.as_array().cloned().unwrap_or_default(),
            want_bands.as_array().cloned().unwrap_or_default(),
        );
        assert_eq!(bands.len(), want_bands.len());
        assert!(!bands.is_empty());
        for (got, want) in bands.iter().zip(&want_bands) {
            assert_eq!(got["hz"], want["hz"]);
            let (g, w) = (got["db"].as_f64(), want["db"].as_f64());
            match (g, w) {
                (Some(g), Some(w)) => {
                    assert!((g - w).abs() < 0.5, "{threads} threads: {got} vs {want}")
                }
                _ => assert_eq!(g, w),
            }
        }
        // What the readiness rules read agrees too (the spectrum aside).
        let (a, b) = (&split.readiness, &single.readiness);
        let close = |x: Option<f64>, y: Option<f64>| match (x, y) {
            (Some(x), Some(y)) => (x - y).abs() < 1e-6,
            (x, y) => x == y,
        };
        assert!(close(a.integrated_lufs, b.integrated_lufs), "{a:?}\n{b:?}");
        assert!(close(a.loudness_range_lu, b.loudness_range_lu));
        assert!(close(a.loud_correlation, b.loud_correlation));
        assert!(close(a.low_band_correlation, b.low_band_correlation));
        assert_eq!(
            (
                a.measured_s,
                a.non_silent_s,
                a.true_peak_dbtp,
                a.sample_peak_dbfs
            ),
            (
                b.measured_s,
                b.non_silent_s,
                b.true_peak_dbtp,
                b.sample_peak_dbfs
            )
        );
        assert_eq!(
            (
                a.clipped_samples,
                a.true_peak_overs_0db,
                a.first_clip_s,
                a.last_clip_s
            ),
            (
                b.clipped_samples,
                b.true_peak_overs_0db,
                b.first_clip_s,
                b.last_clip_s
            )
        );
        assert_eq!(a.peak_histogram, b.peak_histogram);
        assert_eq!(a.sample_peak_histogram, b.sample_peak_histogram);
        assert_eq!(split.warnings, single.warnings);
    }
}

//! The codec preview (`preflight check --codecs`): each codec's round trip lines up with the
//! master sample for sample, a brickwall-limited master at -0.1 dBTP shows decoded overs and one
//! at -3 dBTP does not, the figures do not depend on the number of threads, and bad requests get
//! a clear error.

mod support;

use std::path::Path;

use preflight_cli::codec::{self, output_rate, round_trip};
use preflight_cli::{analyze_file, AnalyzeOptions};
use preflight_dsp::platforms::{codec as codec_by_id, CODECS};
use preflight_dsp::{mixes, signals};
use serde_json::Value;
use support::{json, preflight, stderr, stdout, wav, Audio};

const RATE: u32 = 44_100;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap_or_else(|| panic!("non-UTF-8 path"))
}

/// Normalised cross-correlation of `a` and `b` shifted by `lag` (b[i + lag] against a[i]).
fn correlation(a: &[f32], b: &[f32], lag: i64) -> f64 {
    let (mut ab, mut aa, mut bb) = (0f64, 0f64, 0f64);
    for (i, &x) in a.iter().enumerate() {
        let Some(&y) = usize::try_from(i as i64 + lag).ok().and_then(|j| b.get(j)) else {
            continue;
        };
        ab += f64::from(x) * f64::from(y);
        aa += f64::from(x) * f64::from(x);
        bb += f64::from(y) * f64::from(y);
    }
    ab / (aa * bb).sqrt().max(1e-30)
}

#[test]
fn every_round_trip_is_as_long_as_the_input_and_lines_up_with_it() {
    for rate in [44_100, 48_000] {
        for codec in &CODECS {
            let rate = output_rate(codec.family, rate);
            let mut input = mixes::clean_mix(rate, 4.0, 7);
            mixes::normalise_peak(&mut input, -6.0);
            let decoded = round_trip(codec, &input, rate)
                .unwrap_or_else(|e| panic!("{} at {rate} Hz: {e}", codec.id));
            assert_eq!(decoded.len(), 2, "{}", codec.id);
            for (c, (d, i)) in decoded.iter().zip(&input).enumerate() {
                assert_eq!(d.len(), i.len(), "{} at {rate} Hz, channel {c}", codec.id);
                // Aligned: the best lag within +-2000 samples (more than any codec's delay) is 0,
                // and the decoded signal is the input with the codec's error.
                let best = (-2000..=2000)
                    .step_by(1)
                    .filter(|lag| lag % 50 == 0 || (-3..=3).contains(lag))
                    .max_by(|&a, &b| correlation(i, d, a).total_cmp(&correlation(i, d, b)))
                    .unwrap_or(i64::MAX);
                assert_eq!(best, 0, "{} at {rate} Hz, channel {c}", codec.id);
                let at_zero = correlation(i, d, 0);
                assert!(at_zero > 0.95, "{} at {rate} Hz: {at_zero}", codec.id);
            }
        }
    }
}

#[test]
fn mono_round_trips_keep_one_channel() {
    let input = signals::sine(RATE, 997.0, -12.0, 0.0, 2.0, 1);
    for codec in &CODECS {
        let rate = output_rate(codec.family, RATE);
        let input = if rate == RATE {
            input.clone()
        } else {
            signals::sine(rate, 997.0, -12.0, 0.0, 2.0, 1)
        };
        let decoded = round_trip(codec, &input, rate).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(decoded.len(), 1, "{}", codec.id);
        assert_eq!(decoded[0].len(), input[0].len(), "{}", codec.id);
        assert!(
            correlation(&input[0], &decoded[0], 0) > 0.99,
            "{}",
            codec.id
        );
    }
}

/// A loud master: a clean mix driven 20 dB into a brickwall limiter, then scaled so that its
/// true peak is `true_peak_dbtp` (measured by the meter).
fn limited_master(dir: &Path, name: &str, true_peak_dbtp: f64) -> std::path::PathBuf {
    let mut mix = mixes::clean_mix(RATE, 40.0, 3);
    mixes::normalise_peak(&mut mix, -12.0);
    mixes::gain(&mut mix, 20.0);
    mixes::brickwall_limit(&mut mix, RATE, -0.3, 60.0);
    let probe = dir.join("probe.wav");
    wav::write_f32(&probe, &Audio::stereo(RATE, &mix));
    let measured = analyze_file(&probe, "probe", &AnalyzeOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .readiness
        .true_peak_dbtp
        .unwrap_or_else(|| panic!("silent"));
    mixes::gain(&mut mix, true_peak_dbtp - measured);
    let path = dir.join(name);
    wav::write_f32(&path, &Audio::stereo(RATE, &mix));
    path
}

/// `preflight check --profile master --codecs --json PATH`: every codec's preview.
fn master_preview(path: &Path) -> std::process::Output {
    preflight(&[
        "check",
        "--profile",
        "master",
        "--codecs",
        "--json",
        s(path),
    ])
}

fn codec_rows(report: &Value) -> Vec<Value> {
    report["codecs"]
        .as_array()
        .unwrap_or_else(|| panic!("no codecs in {report}"))
        .clone()
}

fn finding<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["id"] == id))
        .unwrap_or_else(|| panic!("no {id} finding"))
}

#[test]
fn a_limited_master_at_minus_0_1_dbtp_overshoots_after_every_codec_and_one_at_minus_3_does_not() {
    let dir = tempdir();
    let hot = limited_master(dir.path(), "hot.wav", -0.1);
    let safe = limited_master(dir.path(), "safe.wav", -3.0);

    let out = master_preview(&hot);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let rows = codec_rows(&report);
    assert_eq!(rows.len(), CODECS.len());
    for row in &rows {
        let id = row["id"].as_str().unwrap_or_default();
        // Every codec leaves the decoded master over the platform's ceiling...
        assert!(row["overs_ceiling"].as_u64() > Some(0), "{id}: {row}");
        assert!(
            row["true_peak_dbtp"].as_f64() > row["ceiling_dbtp"].as_f64(),
            "{id}: {row}"
        );
        assert!(row["gain_db"].as_f64() < Some(-0.5), "{id}: {row}");
        // ...and the 160 kbit/s ones raise its peaks over full scale (at 320 kbit/s the
        // encoders' low-pass takes off about as much as their noise adds, on this mix).
        if id.ends_with("-160") {
            assert!(row["overs_0db"].as_u64() > Some(0), "{id}: {row}");
            assert!(row["clipped_samples"].as_u64() > Some(0), "{id}: {row}");
            assert!(row["rise_db"].as_f64() > Some(0.2), "{id}: {row}");
        }
        let rate = u64::from(output_rate(codec_by_id(id).expect("known").family, RATE));
        assert_eq!(row["sample_rate_hz"].as_u64(), Some(rate), "{id}");
    }
    // The platform table reads the decoded peaks of each platform's own codecs.
    let spotify = &report["platforms"][0];
    assert_eq!(spotify["id"], "spotify");
    assert!(spotify["encoded_by"]
        .as_str()
        .is_some_and(|c| c.starts_with("vorbis")));
    assert!(spotify["true_peak_encoded_dbtp"].is_number());
    let apple = &report["platforms"][1];
    assert!(apple.get("true_peak_encoded_dbtp").is_none(), "{apple}");
    let headroom = finding(&report, "headroom");
    assert_eq!(headroom["severity"], "fail");
    assert!(
        headroom["message"]
            .as_str()
            .is_some_and(|m| m.contains("after its encoder")),
        "{headroom}"
    );

    let out = master_preview(&safe);
    let report = json(&out);
    for row in codec_rows(&report) {
        assert_eq!(row["overs_0db"].as_u64(), Some(0), "{row}");
        assert_eq!(row["overs_ceiling"].as_u64(), Some(0), "{row}");
        assert_eq!(row["clipped_samples"].as_u64(), Some(0), "{row}");
        assert!(
            row["true_peak_dbtp"].as_f64() < row["ceiling_dbtp"].as_f64(),
            "{row}"
        );
        assert_eq!(row["gain_db"].as_f64(), Some(0.0), "{row}");
    }
    let headroom = finding(&report, "headroom");
    assert_ne!(headroom["severity"], "fail", "{headroom}");
}

#[test]
fn the_figures_do_not_depend_on_the_number_of_threads() {
    let dir = tempdir();
    // 70 s: three chunks, so chunk boundaries fall inside the music.
    let mut mix = mixes::clean_mix(RATE, 70.0, 11);
    mixes::normalise_peak(&mut mix, -0.5);
    let path = dir.path().join("long.wav");
    wav::write_int(&path, &Audio::stereo(RATE, &mix), 24);
    let codecs = codec::parse_list(&["vorbis-160".into(), "opus-160".into()])
        .unwrap_or_else(|e| panic!("{e}"));
    let ceilings = [-1.0, -1.0];
    let one = codec::preview(&path, &codecs, &ceilings, 1).unwrap_or_else(|e| panic!("{e}"));
    let two = codec::preview(&path, &codecs, &ceilings, 2).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(one, two);
    assert_eq!(one[0].frames, mix[0].len() as u64);
    assert_eq!(
        one[1].frames,
        mix[0].len() as u64 * 48_000 / u64::from(RATE)
    );
}

#[test]
fn the_text_and_html_reports_have_the_codec_table_and_the_encoded_column() {
    let dir = tempdir();
    let hot = limited_master(dir.path(), "hot.wav", -0.1);
    let pages = dir.path().join("pages");
    let out = preflight(&[
        "check",
        "--profile",
        "master",
        "--codecs=opus-160,mp3-320",
        "--report",
        s(&pages),
        s(&hot),
    ]);
    let text = stdout(&out);
    assert!(text.contains("TP encoded"), "{text}");
    assert!(text.contains("Opus 160 kbps"), "{text}");
    assert!(text.contains("MP3 320 kbps"), "{text}");
    assert!(!text.contains("Ogg Vorbis 320 kbps"), "{text}");
    assert!(text.contains("own encoders differ"), "{text}");

    let page = std::fs::read_to_string(pages.join("hot.html")).unwrap_or_else(|e| panic!("{e}"));
    assert!(page.contains("<th>True peak after encoding</th>"), "{page}");
    let table = &page[page
        .find("<table id=\"codecs\">")
        .unwrap_or_else(|| panic!("no codec table in {page}"))..];
    let table = &table[..table.find("</table>").unwrap_or(table.len())];
    assert_eq!(table.matches("<tr").count(), 3, "{table}");
    assert!(
        table.contains("Opus 160 kbps") && table.contains("MP3 320 kbps"),
        "{table}"
    );
    // At -0.1 dBTP every codec goes over its ceiling, so no row is unmarked.
    assert_eq!(
        table.matches("<tr class=\"over\">").count()
            + table.matches("<tr class=\"clips\">").count(),
        2,
        "{table}"
    );
    assert!(page.contains("own encoders differ in detail"), "{page}");

    // Without the preview the page has neither.
    let plain = dir.path().join("plain");
    preflight(&[
        "check",
        "--profile",
        "master",
        "--report",
        s(&plain),
        s(&hot),
    ]);
    let page = std::fs::read_to_string(plain.join("hot.html")).unwrap_or_else(|e| panic!("{e}"));
    assert!(!page.contains("True peak after encoding") && !page.contains("id=\"codecs\""));
}

#[test]
fn unknown_codecs_aac_and_surround_get_a_clear_error() {
    let dir = tempdir();
    let path = dir.path().join("mix.wav");
    wav::write_int(&path, &Audio::sine(RATE, 2, 440.0, -6.0, 1.0), 16);

    let out = preflight(&["check", "--codecs=flac9", s(&path)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown codec 'flac9'"),
        "{}",
        stderr(&out)
    );

    let out = preflight(&["check", "--codecs=aac", s(&path)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("GPL-compatible"), "{}", stderr(&out));

    let surround = dir.path().join("surround.wav");
    wav::write_int(&surround, &Audio::sine(RATE, 6, 440.0, -6.0, 1.0), 16);
    let out = preflight(&["check", "--codecs", "--json", s(&surround)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("mono and stereo"), "{}", stderr(&out));
    // The check itself is still made and printed.
    assert!(json(&out)["verdict"].is_string());
}

/// Silence, a 50 ms file, odd sample rates, mono at 8 kHz and non-finite samples each get all
/// four codecs' rows; silence reads "no signal" for every codec, the others' decoded peaks sit
/// near the master's.
#[test]
fn odd_masters_get_every_codec_and_silence_reads_no_signal() {
    let dir = tempdir();
    let silent = dir.path().join("silent.wav");
    wav::write_int(&silent, &Audio::silence(RATE, 2, 2.0), 16);
    let out = master_preview(&silent);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let rows = codec_rows(&json(&out));
    assert_eq!(rows.len(), CODECS.len());
    for r in &rows {
        assert!(r["true_peak_dbtp"].is_null(), "{r}");
        assert!(r["gain_db"].is_null(), "{r}");
        assert_eq!(
            (r["overs_ceiling"].as_u64(), r["overs_0db"].as_u64()),
            (Some(0), Some(0))
        );
    }

    let mut with_nan = Audio::sine(RATE, 2, 440.0, -6.0, 2.0);
    // Interleaved stereo: frames 1000 and 9000 of both channels.
    for i in [2000, 2001] {
        with_nan.samples[i] = f64::NAN;
    }
    for i in [18_000, 18_001] {
        with_nan.samples[i] = f64::INFINITY;
    }
    let nan = dir.path().join("nan.wav");
    wav::write_f32(&nan, &with_nan);
    let cases = [
        ("short.wav", Audio::sine(RATE, 2, 440.0, -6.0, 0.05)),
        ("rate96.wav", Audio::sine(96_000, 2, 440.0, -6.0, 2.0)),
        ("rate22.wav", Audio::sine(22_050, 2, 440.0, -6.0, 2.0)),
        ("mono8k.wav", Audio::sine(8_000, 1, 440.0, -6.0, 2.0)),
    ];
    let mut paths = vec![nan];
    for (name, audio) in cases {
        let path = dir.path().join(name);
        wav::write_int(&path, &audio, 24);
        paths.push(path);
    }
    for path in &paths {
        let out = master_preview(path);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{path:?}: {}",
            stderr(&out)
        );
        let rows = codec_rows(&json(&out));
        assert_eq!(rows.len(), CODECS.len(), "{path:?}");
        for r in &rows {
            let rise = r["rise_db"]
                .as_f64()
                .unwrap_or_else(|| panic!("{path:?}: {r}"));
            assert!(rise.abs() < 1.0, "{path:?}: {r}");
        }
    }
}

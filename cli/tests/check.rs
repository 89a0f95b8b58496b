//! `preflight check`, end to end: synthetic mixes (preflight_dsp::mixes) written as WAV files,
//! judged by the binary; verdicts, findings, platform rows and exit codes.

mod support;

use std::path::{Path, PathBuf};

use preflight_dsp::mixes;
use serde_json::Value;
use support::{json, preflight, stderr, stdout, wav, Audio};

const RATE: u32 = 48_000;

fn write_mix(dir: &Path, name: &str, planar: &[Vec<f32>], bits: u16) -> PathBuf {
    let audio = Audio::stereo(RATE, planar);
    let path = dir.join(name);
    if bits == 32 {
        wav::write_f32(&path, &audio);
    } else {
        wav::write_int(&path, &audio, bits);
    }
    path
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn check_json(args: &[&str]) -> (Value, i32) {
    let mut all = vec!["check", "--json"];
    all.extend_from_slice(args);
    let out = preflight(&all);
    (json(&out), out.status.code().unwrap_or(-1))
}

fn severity(report: &Value, id: &str) -> String {
    report["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["id"] == id))
        .and_then(|x| x["severity"].as_str())
        .unwrap_or_else(|| panic!("no {id} finding in {report:#}"))
        .to_string()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap_or_else(|| panic!("non-UTF-8 path"))
}

#[test]
fn clean_mix_is_ready_and_exits_zero() {
    let dir = tempdir();
    let path = write_mix(
        dir.path(),
        "clean.wav",
        &mixes::clean_mix(RATE, 30.0, 1),
        24,
    );
    let (report, code) = check_json(&[p(&path)]);
    assert_eq!(report["verdict"], "ready", "{report:#}");
    assert_eq!(code, 0);
    assert_eq!(report["profile"], "mix");
    let mut keys: Vec<&str> = report
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "file",
            "findings",
            "measurements",
            "platforms",
            "profile",
            "target",
            "verdict"
        ]
    );
    let finding = &report["findings"][0];
    for key in ["id", "severity", "value", "threshold", "message", "advice"] {
        assert!(
            finding.get(key).is_some(),
            "finding lacks {key}: {finding:#}"
        );
    }
    let ids: Vec<&str> = report["platforms"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        ids,
        [
            "spotify",
            "apple_music",
            "amazon_music",
            "youtube",
            "tidal",
            "deezer",
            "ebu_r128",
            "atsc_a85",
            "aes_streaming"
        ]
    );
    for key in [
        "id",
        "name",
        "target_lufs",
        "true_peak_ceiling_dbtp",
        "gain_db",
        "true_peak_after_dbtp",
        "status",
    ] {
        assert!(
            report["platforms"][0].get(key).is_some(),
            "platform row lacks {key}"
        );
    }
    // Spotify: a -20 LUFS mix peaking near -4.6 dBTP can only be raised ~3.6 dB (to -1 dBTP).
    let spotify = &report["platforms"][0];
    assert_eq!(spotify["status"], "stays_quieter");
    let gain = spotify["gain_db"].as_f64().unwrap_or(f64::NAN);
    let tp = report["measurements"]["true_peak_dbtp"]
        .as_f64()
        .unwrap_or(f64::NAN);
    assert!((gain - (-1.0 - tp)).abs() < 0.02, "gain {gain} tp {tp}");
    assert!(report["measurements"]["integrated_lufs"].as_f64().is_some());
}

#[test]
fn hot_mix_fails_headroom_and_exits_one() {
    let dir = tempdir();
    let mut mix = mixes::clean_mix(RATE, 30.0, 1);
    mixes::gain(&mut mix, 6.0);
    let path = write_mix(dir.path(), "hot.wav", &mix, 32);
    let (report, code) = check_json(&[p(&path)]);
    assert_eq!(report["verdict"], "not_ready");
    assert_eq!(code, 1);
    assert_eq!(severity(&report, "headroom"), "fail");
    // Worst first.
    assert_eq!(report["findings"][0]["severity"], "fail");
}

#[test]
fn limited_and_inverted_mixes_are_caught() {
    let dir = tempdir();
    let mut limited = mixes::clean_mix(RATE, 30.0, 2);
    mixes::gain(&mut limited, 12.0);
    mixes::brickwall_limit(&mut limited, RATE, -1.0, 80.0);
    let lim = write_mix(dir.path(), "limited.wav", &limited, 24);
    let mut inverted = mixes::clean_mix(RATE, 30.0, 3);
    mixes::invert_right_from_left(&mut inverted);
    let inv = write_mix(dir.path(), "inverted.wav", &inverted, 24);
    let (reports, code) = check_json(&[p(&lim), p(&inv)]);
    assert_eq!(code, 1);
    assert_eq!(severity(&reports[0], "limiting"), "fail");
    assert_eq!(severity(&reports[1], "mono_compat"), "fail");
}

#[test]
fn master_profile_judges_the_platform_ceiling() {
    let dir = tempdir();
    let mut master = mixes::clean_mix(RATE, 30.0, 4);
    mixes::gain(&mut master, 12.0);
    mixes::brickwall_limit(&mut master, RATE, -0.5, 80.0);
    let path = write_mix(dir.path(), "master.wav", &master, 24);
    let (report, code) =
        check_json(&["--profile", "master", "--platform", "apple_music", p(&path)]);
    assert_eq!(report["profile"], "master");
    assert_eq!(severity(&report, "headroom"), "fail", "{report:#}");
    assert_eq!(severity(&report, "limiting"), "info");
    assert_eq!(code, 1);
    // Turned down everywhere: a -10 LUFS master.
    assert_eq!(report["platforms"][1]["status"], "turned_down");
}

#[test]
fn short_file_is_insufficient_and_16_bit_gets_advice() {
    let dir = tempdir();
    let path = write_mix(
        dir.path(),
        "short16.wav",
        &mixes::clean_mix(RATE, 5.0, 5),
        16,
    );
    let (report, code) = check_json(&[p(&path)]);
    assert_eq!(report["verdict"], "insufficient");
    assert_eq!(code, 1);
    assert_eq!(severity(&report, "format"), "warn");
}

#[test]
fn unreadable_file_exits_two_and_others_are_still_judged() {
    let dir = tempdir();
    let good = write_mix(dir.path(), "good.wav", &mixes::clean_mix(RATE, 12.0, 6), 24);
    let missing = dir.path().join("missing.wav");
    let out = preflight(&["check", p(&good), p(&missing)]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains("good.wav") && text.contains("READY"),
        "{text}"
    );
    assert!(
        text.contains("Spotify") && text.contains("Apple Music"),
        "{text}"
    );
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("missing.wav"), "{err}");
    // Not a terminal: no colour codes.
    assert!(!text.contains('\x1b'));
}

#[test]
fn unknown_platform_is_a_usage_error() {
    let out = preflight(&["check", "--platform", "napster", "x.wav"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown platform"),
        "{}",
        stderr(&out)
    );
}

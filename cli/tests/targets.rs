//! Tonal targets, end to end: `preflight target build` from reference files and folders,
//! `preflight check --target` and `--style`, and the errors of each.

mod support;

use std::path::{Path, PathBuf};

use preflight_dsp::mixes;
use serde_json::Value;
use support::{json, preflight, stderr, wav, Audio};

const RATE: u32 = 48_000;
const SECONDS: f64 = 20.0;

fn write_mix(path: &Path, planar: &[Vec<f32>]) {
    wav::write_int(path, &Audio::stereo(RATE, planar), 24);
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap_or_else(|| panic!("non-UTF-8 path"))
}

/// Four clean reference mixes (seeds 2-5) in `refs/`.
fn references(dir: &Path) -> PathBuf {
    let refs = dir.join("refs");
    std::fs::create_dir_all(refs.join("more")).unwrap_or_else(|e| panic!("{e}"));
    for seed in 2..=5u64 {
        let sub = if seed % 2 == 0 { "" } else { "more" };
        let path = refs.join(sub).join(format!("ref{seed}.wav"));
        write_mix(&path, &mixes::clean_mix(RATE, SECONDS, seed));
    }
    // Not audio by its name: a folder search leaves it alone.
    std::fs::write(refs.join("notes.txt"), "mix notes").unwrap_or_else(|e| panic!("{e}"));
    refs
}

/// A clean mix (seed 1) with 10 dB more at 300 Hz than the references, as `muddy.wav`.
fn muddy_mix(dir: &Path) -> PathBuf {
    let mut mix = mixes::clean_mix(RATE, SECONDS, 1);
    mixes::peaking_eq(&mut mix, RATE, 300.0, 10.0, 1.0);
    mixes::normalise_peak(&mut mix, -4.7);
    let path = dir.join("muddy.wav");
    write_mix(&path, &mix);
    path
}

fn finding<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["id"] == id))
        .unwrap_or_else(|| panic!("no {id} finding in {report:#}"))
}

#[test]
fn a_target_built_from_references_judges_a_mix_against_them() {
    let dir = tempdir();
    let refs = references(dir.path());
    let target = dir.path().join("my-refs.json");
    let out = preflight(&["target", "build", s(&refs), "-o", s(&target)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("'my-refs' (4 tracks)"),
        "{}",
        stderr(&out)
    );

    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(file["name"], "my-refs");
    assert_eq!(file["tracks"], 4);
    assert_eq!(file["files"].as_array().map(Vec::len), Some(4));
    let regions: Vec<&str> = file["regions"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(regions, ["sub_bass", "low_end", "harshness", "top_end"]);
    assert!(file["bands"].as_array().is_some_and(|b| b.len() > 40));

    // A mix like the references passes; one with 10 dB more at 300 Hz is muddy against them.
    let clean = dir.path().join("clean.wav");
    write_mix(&clean, &mixes::clean_mix(RATE, SECONDS, 1));
    let muddy = muddy_mix(dir.path());

    let out = preflight(&[
        "check",
        "--json",
        "--target",
        s(&target),
        s(&clean),
        s(&muddy),
    ]);
    let reports = json(&out);
    let (clean, muddy) = (&reports[0], &reports[1]);
    assert_eq!(clean["target"], "my-refs");
    for id in ["low_end", "sub_bass", "harshness", "top_end"] {
        assert_eq!(finding(clean, id)["severity"], "ok", "{id}: {clean:#}");
    }
    let mud = finding(muddy, "low_end");
    assert_eq!(mud["severity"], "warn", "{mud:#}");
    let message = mud["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("above the my-refs target's range at 200-500 Hz"),
        "{message}"
    );

    // The same files against a built-in style name it.
    let out = preflight(&[
        "check",
        "--json",
        "--style",
        "acoustic",
        s(&dir.path().join("clean.wav")),
    ]);
    assert_eq!(json(&out)["target"], "acoustic");
}

#[test]
fn target_errors_are_clear_and_lose_nothing() {
    let dir = tempdir();
    let refs = references(dir.path());
    let target = dir.path().join("t.json");

    // Too few tracks.
    let two: Vec<PathBuf> = ["ref2.wav", "ref4.wav"]
        .iter()
        .map(|n| refs.join(n))
        .collect();
    let out = preflight(&["target", "build", s(&two[0]), s(&two[1]), "-o", s(&target)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("at least 3 tracks"),
        "{}",
        stderr(&out)
    );
    assert!(!target.exists());

    // A missing reference is named; nothing is written.
    let missing = dir.path().join("gone.wav");
    let out = preflight(&["target", "build", s(&refs), s(&missing), "-o", s(&target)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("gone.wav: no such file"),
        "{}",
        stderr(&out)
    );
    assert!(!target.exists());

    // An unreadable reference is named and left out; the others make the target.
    let broken = refs.join("broken.wav");
    std::fs::write(&broken, b"RIFF....WAVEjunk").unwrap_or_else(|e| panic!("{e}"));
    let out = preflight(&["target", "build", s(&refs), "-o", s(&target)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("broken.wav"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("left out of the target"),
        "{}",
        stderr(&out)
    );

    // A target file that is not one: check refuses before measuring anything.
    let clean = refs.join("ref2.wav");
    for (name, text) in [
        ("garbage.json", "not json at all"),
        (
            "empty.json",
            r#"{"name":"x","source":"","tracks":0,"normalisation":"","bands":[],"regions":[]}"#,
        ),
        (
            "inverted.json",
            r#"{"name":"x","source":"","tracks":3,"normalisation":"","bands":[],
               "regions":[{"id":"low_end","from_hz":200.0,"to_hz":500.0,"low":3.0,"median":0.0,"high":-3.0}]}"#,
        ),
    ] {
        let bad = dir.path().join(name);
        std::fs::write(&bad, text).unwrap_or_else(|e| panic!("{e}"));
        let out = preflight(&["check", "--target", s(&bad), s(&clean)]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = stderr(&out);
        assert!(
            err.contains(name) && err.contains("target"),
            "{name}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        assert!(out.stdout.is_empty(), "{name}");
    }
}

fn compare_json(args: &[&str]) -> (Value, i32, String) {
    let mut all = vec!["compare", "--json"];
    all.extend_from_slice(args);
    let out = preflight(&all);
    (json(&out), out.status.code().unwrap_or(-1), stderr(&out))
}

fn region_difference(report: &Value, id: &str) -> f64 {
    report["regions"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["id"] == id))
        .and_then(|r| r["difference_db"].as_f64())
        .unwrap_or_else(|| panic!("no {id} difference in {report:#}"))
}

fn figure_difference(report: &Value, id: &str) -> f64 {
    report["figures"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["id"] == id))
        .and_then(|r| r["difference"].as_f64())
        .unwrap_or_else(|| panic!("no {id} difference in {report:#}"))
}

#[test]
fn compare_finds_what_differs_from_the_references_loudness_matched() {
    let dir = tempdir();
    let refs = references(dir.path());

    // 10 dB more at 300 Hz than the references: the low-mid is heavier, the rest matches.
    let muddy = muddy_mix(dir.path());
    let (report, code, err) = compare_json(&[s(&muddy), s(&refs)]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["references"].as_array().map(Vec::len), Some(4));
    // At matched loudness the boost also makes the rest read lighter (it raised the integrated
    // loudness), so the low-mid must stand out from every other region.
    let mud = region_difference(&report, "low_end");
    assert!(mud >= 4.0, "low_end {mud}");
    for other in ["sub_bass", "harshness", "top_end"] {
        let d = region_difference(&report, other);
        assert!(mud - d >= 5.0, "low_end {mud} against {other} {d}");
    }
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("200-500 Hz: your mix has a heavier low-mid (mud)"),
        "{notes}"
    );
    let ids: Vec<&str> = report["figures"]
        .as_array()
        .map(|f| f.iter().filter_map(|x| x["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        ids,
        [
            "integrated_lufs",
            "loudness_range_lu",
            "plr_db",
            "psr_db",
            "crest_factor_db",
            "micro_dynamics_db",
            "correlation",
            "low_band_correlation",
            "side_db"
        ]
    );

    // The same audio 6 dB down: only the loudness differs, the balance is matched.
    let mut quiet_mix = mixes::clean_mix(RATE, SECONDS, 2);
    mixes::gain(&mut quiet_mix, -6.0);
    let quiet = dir.path().join("quiet.wav");
    write_mix(&quiet, &quiet_mix);
    let (report, code, err) = compare_json(&[s(&quiet), s(&refs.join("ref2.wav"))]);
    assert_eq!(code, 0, "{err}");
    let loudness = figure_difference(&report, "integrated_lufs");
    assert!((loudness + 6.0).abs() < 0.05, "{loudness}");
    for id in ["sub_bass", "low_end", "harshness", "top_end"] {
        let d = region_difference(&report, id);
        assert!(d.abs() < 0.05, "{id}: {d}");
    }
    assert!(
        report["notes"].to_string().contains("6.0 LU quieter"),
        "{report:#}"
    );
    // Micro-dynamics are relative to the track's own loudness: gain does not move them.
    let micro = figure_difference(&report, "micro_dynamics_db");
    assert!(micro.abs() <= 0.25, "{micro}");
}

#[test]
fn compare_says_when_the_mix_is_more_squashed_than_the_references() {
    let dir = tempdir();
    let refs = references(dir.path());
    // Driven 10 dB into a brickwall at -1 dBFS: the beats no longer stand out.
    let mut squashed_mix = mixes::clean_mix(RATE, SECONDS, 1);
    mixes::gain(&mut squashed_mix, 10.0);
    mixes::brickwall_limit(&mut squashed_mix, RATE, -1.0, 50.0);
    let squashed = dir.path().join("squashed.wav");
    write_mix(&squashed, &squashed_mix);
    let (report, code, err) = compare_json(&[s(&squashed), s(&refs)]);
    assert_eq!(code, 0, "{err}");
    let micro = figure_difference(&report, "micro_dynamics_db");
    assert!(micro <= -1.5, "{micro}");
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("narrower than the references: the loud passages are more squashed"),
        "{notes}"
    );
}

#[test]
fn compare_names_what_it_cannot_read() {
    let dir = tempdir();
    let refs = references(dir.path());
    let mix = refs.join("ref2.wav");
    let broken = dir.path().join("broken.wav");
    std::fs::write(&broken, b"RIFF....WAVEjunk").unwrap_or_else(|e| panic!("{e}"));

    // A broken reference is named and left out.
    let (report, code, err) = compare_json(&[s(&mix), s(&broken), s(&refs.join("ref4.wav"))]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("broken.wav") && err.contains("left out"),
        "{err}"
    );
    assert_eq!(report["references"].as_array().map(Vec::len), Some(1));
    // Only broken references, or a broken mix: exit 2, one line naming it, nothing printed.
    for args in [[s(&mix), s(&broken)], [s(&broken), s(&mix)]] {
        let out = preflight(&["compare", args[0], args[1]]);
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        assert!(stderr(&out).contains("broken.wav"), "{}", stderr(&out));
    }
}

#[test]
fn check_compares_with_references_in_text_json_and_the_report() {
    let dir = tempdir();
    let refs = references(dir.path());
    let muddy = muddy_mix(dir.path());
    let broken = dir.path().join("broken.wav");
    std::fs::write(&broken, b"RIFF....WAVEjunk").unwrap_or_else(|e| panic!("{e}"));

    // The same regions and notes as `compare`; a broken reference is named and left out.
    let out = preflight(&[
        "check",
        "--json",
        "--reference",
        s(&refs),
        "--reference",
        s(&broken),
        s(&muddy),
    ]);
    let err = stderr(&out);
    assert!(
        err.contains("broken.wav") && err.contains("left out"),
        "{err}"
    );
    let checked = json(&out);
    let (compared, code, err) = compare_json(&[s(&muddy), s(&refs)]);
    assert_eq!(code, 0, "{err}");
    let against = &checked["references"];
    assert_eq!(against["references"], compared["references"]);
    assert_eq!(against["regions"], compared["regions"]);
    assert!(region_difference(against, "low_end") >= 4.0, "{against:#}");
    let notes = against["notes"].to_string();
    assert!(notes.contains("heavier low-mid (mud)"), "{notes}");
    // It informs: the verdict and the findings are those of a check without references.
    let plain = json(&preflight(&["check", "--json", s(&muddy)]));
    assert_eq!(checked["findings"], plain["findings"]);
    assert_eq!(checked["verdict"], plain["verdict"]);
    assert!(plain.get("references").is_none(), "{plain:#}");

    // The text and the HTML report say it too.
    let reports = dir.path().join("reports");
    let out = preflight(&[
        "check",
        "--reference",
        s(&refs),
        "--report",
        s(&reports),
        s(&muddy),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Against 4 references (loudness-matched)"),
        "{text}"
    );
    assert!(
        text.contains("200-500 Hz: your mix has a heavier low-mid"),
        "{text}"
    );
    let page =
        std::fs::read_to_string(reports.join("muddy.html")).unwrap_or_else(|e| panic!("{e}"));
    assert!(page.contains("<section id=\"references\">"));
    assert!(page.contains("ref2.wav") && page.contains("heavier low-mid"));

    // Only unreadable references: exit 2 and nothing judged.
    let out = preflight(&["check", "--json", "--reference", s(&broken), s(&muddy)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("no reference could be read"),
        "{}",
        stderr(&out)
    );
}

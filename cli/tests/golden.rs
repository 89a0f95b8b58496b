//! The JSON of `preflight analyze --json` and `preflight check --json` on a fixed set of
//! generated files, byte for byte against the outputs committed in `tests/golden/`. Any change in
//! a figure, a key, a message or the formatting shows here.
//!
//! After a change that is meant to alter the output, write the files again with
//! `PREFLIGHT_BLESS=1 cargo test -p preflight-cli --test golden` and review the diff.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use preflight_dsp::mixes;
use support::{wav, Audio};

/// Interleaves a planar signal into test audio.
fn audio(rate: u32, planar: &[Vec<f32>]) -> Audio {
    let frames = planar[0].len();
    let samples = (0..frames)
        .flat_map(|i| planar.iter().map(move |c| f64::from(c[i])))
        .collect();
    Audio {
        sample_rate_hz: rate,
        channels: planar.len() as u16,
        samples,
    }
}

/// The files, by name: mixes with the defects the checks look for, and edge cases.
fn write_files(dir: &Path) -> Vec<&'static str> {
    let seconds = 12.0;
    let clean = |rate| mixes::clean_mix(rate, seconds, 7);
    let mut written = Vec::new();
    let mut put = |name: &'static str, a: Audio, bits: u16| {
        let path = dir.join(name);
        if bits == 32 {
            wav::write_f32(&path, &a);
        } else {
            wav::write_int(&path, &a, bits);
        }
        written.push(name);
    };

    put("clean.wav", audio(48_000, &clean(48_000)), 24);

    let mut limited = clean(48_000);
    mixes::gain(&mut limited, 12.0);
    mixes::brickwall_limit(&mut limited, 48_000, -0.1, 50.0);
    put("limited.wav", audio(48_000, &limited), 32);

    let mut inverted = clean(48_000);
    mixes::invert_right_from_left(&mut inverted);
    put("inverted.wav", audio(48_000, &inverted), 24);

    let mut dc = clean(48_000);
    mixes::add_dc(&mut dc, 0.004);
    put("dc.wav", audio(48_000, &dc), 24);

    let mut clipped = clean(44_100);
    mixes::gain(&mut clipped, 9.0);
    put("clipped.wav", audio(44_100, &clipped), 16);

    let mono = clean(96_000);
    put("mono.wav", audio(96_000, &mono[..1]), 24);

    put("silence.wav", Audio::silence(48_000, 2, 3.0), 24);
    written
}

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Runs the binary in `dir` (so the JSON names the files as given) and returns its standard
/// output with the exit code appended.
fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("running preflight: {e}"));
    let stdout = String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("stdout: {e}"));
    format!("{stdout}exit status: {:?}\n", out.status.code())
}

#[test]
fn json_outputs_match_the_committed_ones() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let files = write_files(dir.path());
    let cases: [(&str, &[&str]); 3] = [
        ("analyze.json.txt", &["analyze", "--json"]),
        ("check-mix.json.txt", &["check", "--json"]),
        (
            "check-master-apple.json.txt",
            &[
                "check",
                "--json",
                "--profile",
                "master",
                "--platform",
                "apple_music",
            ],
        ),
    ];
    let bless = std::env::var_os("PREFLIGHT_BLESS").is_some();
    let mut differ = Vec::new();
    for (name, args) in cases {
        let mut all = args.to_vec();
        all.extend(files.iter().copied());
        let got = run(dir.path(), &all);
        let path = golden(name);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            std::fs::write(&path, &got).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (PREFLIGHT_BLESS=1 writes it)", path.display()));
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(g, w)| g != w)
                .unwrap_or(got.lines().count().min(want.lines().count()));
            differ.push(format!(
                "{name}: first difference at line {}:\n  got:  {}\n  want: {}",
                line + 1,
                got.lines().nth(line).unwrap_or("<end>"),
                want.lines().nth(line).unwrap_or("<end>")
            ));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

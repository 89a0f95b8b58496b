//! What `preflight` writes beside its measurements: the history CSV (`analyze --history`) and
//! the HTML report (`check --report`), from generated mixes, read back as a user's tools would:
//! the CSV by rows and columns, the HTML by an XML parser (so it is well formed) and, where
//! Debian's `chromium` and `tidy` are installed (always in CI), rendered in headless Chromium and
//! checked by tidy.
//!
//! `PREFLIGHT_BLESS=1 cargo test -p preflight-cli --test reports` also writes the screenshot the
//! README shows, `docs/report.png`.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use preflight_cli::html::SECTIONS;
use preflight_dsp::mixes;
use support::{preflight, stderr, wav, Audio};

const RATE: u32 = 48_000;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn write_mix(dir: &Path, name: &str, planar: &[Vec<f32>]) -> PathBuf {
    let samples: Vec<f64> = planar[0]
        .iter()
        .zip(&planar[1])
        .flat_map(|(&l, &r)| [f64::from(l), f64::from(r)])
        .collect();
    let path = dir.join(name);
    wav::write_int(
        &path,
        &Audio {
            sample_rate_hz: RATE,
            channels: 2,
            samples,
        },
        24,
    );
    path
}

/// A clean mix, and the same mix driven into clipping with its right channel inverted for a
/// few seconds.
fn mixes_in(dir: &Path, seconds: f64) -> (PathBuf, PathBuf) {
    let clean = mixes::clean_mix(RATE, seconds, 3);
    let mut damaged = clean.clone();
    mixes::gain(&mut damaged, 9.0);
    for x in damaged.iter_mut().flatten() {
        *x = x.clamp(-1.0, 1.0);
    }
    let (from, to) = (RATE as usize * 8, RATE as usize * 11);
    for x in &mut damaged[1][from..to] {
        *x = -*x;
    }
    (
        write_mix(dir, "clean.wav", &clean),
        write_mix(dir, "damaged.wav", &damaged),
    )
}

fn text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap_or_else(|| panic!("non-UTF-8 path"))
}

#[test]
fn history_has_one_row_per_100_ms() {
    let dir = tempdir();
    let (clean, _) = mixes_in(dir.path(), 12.0);
    let csv = dir.path().join("clean.csv");
    let out = preflight(&["analyze", p(&clean), "--history", p(&csv)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let body = text(&csv);
    let mut lines = body.lines();
    assert_eq!(
        lines.next(),
        Some("time_s,momentary_lufs,short_term_lufs,true_peak_max_dbtp,correlation")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 120);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), 5, "{row:?}");
        let t: f64 = row[0].parse().unwrap_or(f64::NAN);
        assert!((t - (i + 1) as f64 * 0.1).abs() < 1e-9, "{row:?}");
    }
    // Past the first 3 s every column holds a number.
    for row in &rows[30..] {
        for cell in &row[1..] {
            let v: f64 = cell.parse().unwrap_or_else(|_| panic!("{row:?}"));
            assert!(v.is_finite() && v < 1.0, "{row:?}");
        }
    }
}

#[test]
fn history_of_several_files_goes_into_a_folder() {
    let dir = tempdir();
    let (clean, damaged) = mixes_in(dir.path(), 12.0);
    let folder = dir.path().join("history");
    let out = preflight(&["analyze", p(&clean), p(&damaged), "--history", p(&folder)]);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in ["clean.csv", "damaged.csv"] {
        assert_eq!(text(&folder.join(name)).lines().count(), 121, "{name}");
    }
}

/// Parses `html` as XML (every page is written well formed) and counts at least `least`
/// elements.
fn assert_well_formed(html: &str, least: usize) {
    let reader = xml::reader::EventReader::from_str(html);
    let mut elements = 0;
    for event in reader {
        match event {
            Ok(xml::reader::XmlEvent::StartElement { .. }) => elements += 1,
            Ok(_) => {}
            Err(e) => panic!("not well formed: {e}"),
        }
    }
    assert!(elements >= least, "{elements} elements");
}

#[test]
fn reports_hold_every_section_and_an_index_links_them() {
    let dir = tempdir();
    let (clean, damaged) = mixes_in(dir.path(), 20.0);
    let out_dir = dir.path().join("report");
    let out = preflight(&["check", p(&clean), p(&damaged), "--report", p(&out_dir)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let clean_page = text(&out_dir.join("clean.html"));
    let damaged_page = text(&out_dir.join("damaged.html"));
    let index = text(&out_dir.join("index.html"));
    for page in [&clean_page, &damaged_page] {
        for id in SECTIONS {
            assert!(page.contains(&format!("<section id=\"{id}\">")), "{id}");
        }
        assert_eq!(page.matches("<svg ").count(), 4, "four plots");
        // Self-contained: no script, nothing loaded from anywhere.
        for loads in ["<script", "src=", "url(", "href=\"http", "@import"] {
            assert!(!page.contains(loads), "{loads}");
        }
        assert_well_formed(page, 200);
    }
    assert!(clean_page.contains("Ready for mastering? Ready"));
    assert!(damaged_page.contains("Ready for mastering? Not ready"));
    // The damage is placed in time.
    assert!(damaged_page.contains("<td class=\"event\">Clipping</td>"));
    assert!(damaged_page.contains("<td class=\"event\">Negative correlation</td>"));
    assert!(
        damaged_page.contains("class=\"mark\""),
        "clipping marked on the peak plot"
    );
    assert!(!clean_page.contains("<td class=\"event\">Clipping</td>"));
    assert!(index.contains("href=\"clean.html\"") && index.contains("href=\"damaged.html\""));
    assert!(index.contains("1 of 2 ready"));
    assert_well_formed(&index, 20);
}

#[test]
fn one_file_gets_no_index() {
    let dir = tempdir();
    let (clean, _) = mixes_in(dir.path(), 12.0);
    let out_dir = dir.path().join("one");
    let out = preflight(&["check", p(&clean), "--report", p(&out_dir)]);
    assert!(out.status.code().is_some(), "{}", stderr(&out));
    assert!(out_dir.join("clean.html").exists());
    assert!(!out_dir.join("index.html").exists());
}

/// Finds a program on PATH.
fn program(names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| {
        Command::new("sh")
            .args(["-c", &format!("command -v {n}")])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|_| n.to_string())
    })
}

/// In CI the tools must be there (the suite installs them); elsewhere a missing one skips.
fn required(tool: &str) -> bool {
    if std::env::var_os("CI").is_some() {
        panic!("{tool} is not installed (scripts/test.sh installs it)");
    }
    eprintln!("{tool} not installed: skipped");
    false
}

#[test]
fn the_report_renders_in_chromium_and_passes_tidy() {
    let dir = tempdir();
    let (_, damaged) = mixes_in(dir.path(), 30.0);
    let out_dir = dir.path().join("report");
    // Run where the file is, so the page names it as a user would have typed it.
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .current_dir(dir.path())
        .args(["check", "damaged.wav", "--report", "report"])
        .output()
        .unwrap_or_else(|e| panic!("preflight: {e}"));
    assert!(out.status.code().is_some(), "{}", stderr(&out));
    assert!(damaged.exists());
    let page = out_dir.join("damaged.html");

    match program(&["tidy"]) {
        Some(tidy) => {
            let t = Command::new(tidy)
                .args(["-q", "-e", "--drop-empty-elements", "no", p(&page)])
                .output()
                .unwrap_or_else(|e| panic!("tidy: {e}"));
            // 0: clean; 1: warnings only; 2: errors.
            assert!(
                matches!(t.status.code(), Some(0 | 1)),
                "tidy found errors:\n{}",
                String::from_utf8_lossy(&t.stderr)
            );
        }
        None => {
            required("tidy");
        }
    }

    let Some(chromium) = program(&["chromium", "chromium-browser"]) else {
        required("chromium");
        return;
    };
    let url = format!("file://{}", p(&page));
    let common = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--no-first-run",
    ];
    let dom = Command::new(&chromium)
        .args(common)
        .args(["--dump-dom", &url])
        .output()
        .unwrap_or_else(|e| panic!("chromium: {e}"));
    let rendered = String::from_utf8_lossy(&dom.stdout);
    for id in SECTIONS {
        assert!(
            rendered.contains(&format!("id=\"{id}\"")),
            "{id} missing from the rendered page:\n{}",
            String::from_utf8_lossy(&dom.stderr)
        );
    }
    assert!(rendered.contains("Ready for mastering? Not ready"));

    let shot = dir.path().join("report.png");
    let s = Command::new(&chromium)
        .args(common)
        .args([
            &format!("--screenshot={}", p(&shot)),
            "--window-size=1000,2400",
            &url,
        ])
        .output()
        .unwrap_or_else(|e| panic!("chromium: {e}"));
    let png = std::fs::read(&shot).unwrap_or_else(|e| {
        panic!(
            "no screenshot ({e}):\n{}",
            String::from_utf8_lossy(&s.stderr)
        )
    });
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(png.len() > 20_000, "{} bytes: an empty page?", png.len());
    if std::env::var_os("PREFLIGHT_BLESS").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/report.png");
        std::fs::write(&docs, &png).unwrap_or_else(|e| panic!("{}: {e}", docs.display()));
    }
}

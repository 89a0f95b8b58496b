//! Files written next to the measurements: the loudness history as CSV (`preflight analyze
//! --history`) and the names the per-file outputs get in a folder.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use preflight_dsp::HistoryRow;

use crate::report::{round_opt, DB_DECIMALS, RATIO_DECIMALS, SECONDS_DECIMALS};

/// The CSV header of the history.
pub const HISTORY_HEADER: &str =
    "time_s,momentary_lufs,short_term_lufs,true_peak_max_dbtp,correlation";

/// The history as CSV: one row per interval (100 ms, longer only past about 1 h 49 min of
/// audio), `time_s` at its end, an empty cell where a value does not exist (silence, mono).
pub fn history_csv(rows: &[HistoryRow]) -> String {
    let mut out = String::with_capacity(48 * (rows.len() + 1));
    out.push_str(HISTORY_HEADER);
    out.push('\n');
    let cell = |v: Option<f64>, decimals: i32| {
        round_opt(v, decimals).map_or(String::new(), |x| x.to_string())
    };
    for r in rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            cell(Some(r.end_s), SECONDS_DECIMALS),
            cell(r.momentary_lufs, DB_DECIMALS),
            cell(r.short_term_lufs, DB_DECIMALS),
            cell(r.true_peak_dbtp, DB_DECIMALS),
            cell(r.correlation, RATIO_DECIMALS),
        );
    }
    out
}

/// A file name for each input, from its name without the extension, made unique (`mix.html`,
/// `mix-2.html`) and safe to write into a folder.
pub fn output_names(inputs: &[&Path], extension: &str) -> Vec<String> {
    let mut taken = HashSet::new();
    inputs
        .iter()
        .map(|p| {
            let stem: String = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || "-_. ".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let stem = if stem.trim().is_empty() {
                "file".to_string()
            } else {
                stem
            };
            let mut name = format!("{stem}.{extension}");
            let mut n = 2;
            while !taken.insert(name.to_lowercase()) || name == format!("index.{extension}") {
                name = format!("{stem}-{n}.{extension}");
                n += 1;
            }
            name
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_cells_are_empty_where_a_value_does_not_exist() {
        let rows = [HistoryRow {
            end_s: 0.1,
            momentary_lufs: Some(-23.04),
            short_term_lufs: None,
            true_peak_dbtp: Some(-1.004),
            correlation: None,
        }];
        assert_eq!(
            history_csv(&rows),
            format!("{HISTORY_HEADER}\n0.1,-23.04,,-1,\n")
        );
    }

    #[test]
    fn names_are_unique_and_never_the_index() {
        let a = Path::new("a/mix.wav");
        let b = Path::new("b/Mix.flac");
        let c = Path::new("index.wav");
        let d = Path::new("we<ird>.wav");
        assert_eq!(
            output_names(&[a, b, c, d], "html"),
            ["mix.html", "Mix-2.html", "index-2.html", "we_ird_.html"]
        );
    }
}

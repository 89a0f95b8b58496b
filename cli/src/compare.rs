//! `preflight compare`: a mix against reference tracks. The spectra are loudness-matched (each
//! band taken relative to the track's integrated loudness), and the mix's level in each band and
//! region is compared with the references' mean; the figures that shape a master (loudness,
//! range, peak-to-loudness, crest, correlation, width) stand side by side.

use serde::Serialize;

use preflight_dsp::readiness::{region_level, Region};
use preflight_dsp::{band_centers_hz, BAND_COUNT};

use crate::analyze::Analysis;
use crate::report::{round_opt, DB_DECIMALS, RATIO_DECIMALS};
use crate::target::region_id;

/// A region's difference worth a sentence (dB): about what a listener notices as a heavier or
/// lighter band when the loudness is matched.
pub const NOTABLE_REGION_DB: f64 = 2.0;

/// One track's figures as `compare` reads them.
#[derive(Debug, Clone)]
struct Track {
    integrated_lufs: Option<f64>,
    spectrum_db: [Option<f64>; BAND_COUNT],
    figures: [Option<f64>; FIGURES.len()],
}

/// (id, label, unit, decimals) of the figures compared.
const FIGURES: [(&str, &str, &str, i32); 8] = [
    ("integrated_lufs", "Integrated", "LUFS", DB_DECIMALS),
    ("loudness_range_lu", "Loudness range", "LU", DB_DECIMALS),
    ("plr_db", "PLR", "dB", DB_DECIMALS),
    ("psr_db", "PSR (loudest 3 s)", "dB", DB_DECIMALS),
    ("crest_factor_db", "Crest factor", "dB", DB_DECIMALS),
    ("correlation", "Correlation", "", RATIO_DECIMALS),
    ("low_band_correlation", "Low-band corr.", "", RATIO_DECIMALS),
    ("side_db", "Side vs mid", "dB", DB_DECIMALS),
];

impl Track {
    fn of(a: &Analysis) -> Self {
        let r = &a.report;
        let psr = r
            .true_peak_dbtp
            .zip(r.max_short_term_lufs)
            .map(|(p, s)| p - s);
        Self {
            integrated_lufs: r.integrated_lufs,
            spectrum_db: a.readiness.spectrum_db,
            figures: [
                r.integrated_lufs,
                r.loudness_range_lu,
                r.plr_db,
                psr,
                a.crest_factor_db,
                r.correlation,
                r.low_band_correlation,
                a.mid_side_ratio_db.map(|m| -m),
            ],
        }
    }

    /// Band levels relative to the integrated loudness.
    fn matched(&self) -> [Option<f64>; BAND_COUNT] {
        let mut out = [None; BAND_COUNT];
        if let Some(i) = self.integrated_lufs {
            for (o, b) in out.iter_mut().zip(&self.spectrum_db) {
                *o = b.map(|d| d - i);
            }
        }
        out
    }
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// One region, loudness-matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionDifference {
    /// The check that reads the region (`sub_bass`, `low_end`, `harshness`, `top_end`).
    pub id: String,
    /// Lower edge (Hz).
    pub from_hz: f64,
    /// Upper edge (Hz).
    pub to_hz: f64,
    /// The mix's mean band level relative to its integrated loudness (dB).
    pub mix_db: Option<f64>,
    /// The references' mean of the same.
    pub references_db: Option<f64>,
    /// Mix minus references (dB): positive, the mix is heavier there.
    pub difference_db: Option<f64>,
}

/// One band's loudness-matched difference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandDifference {
    /// Band centre (Hz).
    pub hz: f64,
    /// Mix minus the references' mean (dB).
    pub difference_db: Option<f64>,
}

/// One figure, side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureDifference {
    /// Stable id.
    pub id: String,
    /// The mix's value.
    pub mix: Option<f64>,
    /// The references' mean.
    pub references: Option<f64>,
    /// Mix minus references.
    pub difference: Option<f64>,
}

/// What `preflight compare --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareReport {
    /// The mix, as given.
    pub mix: String,
    /// The references measured.
    pub references: Vec<String>,
    /// The four regions the tonal checks read.
    pub regions: Vec<RegionDifference>,
    /// Every 1/6-octave band.
    pub bands: Vec<BandDifference>,
    /// Loudness, dynamics and stereo figures.
    pub figures: Vec<FigureDifference>,
    /// The differences that matter, in words.
    pub notes: Vec<String>,
}

fn round(v: Option<f64>, decimals: i32) -> Option<f64> {
    round_opt(v, decimals)
}

fn region_words(region: Region, heavier: bool) -> &'static str {
    match (region, heavier) {
        (Region::SubBass, true) => "more sub-bass",
        (Region::SubBass, false) => "less sub-bass",
        (Region::Mud, true) => "a heavier low-mid (mud)",
        (Region::Mud, false) => "a lighter low-mid",
        (Region::Harsh, true) => "more presence (harsher)",
        (Region::Harsh, false) => "less presence",
        (Region::Top, true) => "a brighter top end",
        (Region::Top, false) => "a duller top end",
    }
}

/// Compares a mix with references (at least one).
pub fn compare(mix: &Analysis, references: &[Analysis]) -> CompareReport {
    let m = Track::of(mix);
    let refs: Vec<Track> = references.iter().map(Track::of).collect();
    let mix_matched = m.matched();
    let refs_matched: Vec<[Option<f64>; BAND_COUNT]> = refs.iter().map(Track::matched).collect();

    let bands = band_centers_hz()
        .iter()
        .enumerate()
        .map(|(k, &hz)| {
            let r = mean(refs_matched.iter().filter_map(|b| b[k]));
            BandDifference {
                hz: round(Some(hz), DB_DECIMALS).unwrap_or(hz),
                difference_db: round(mix_matched[k].zip(r).map(|(a, b)| a - b), DB_DECIMALS),
            }
        })
        .collect();

    let mut notes = Vec::new();
    let regions = Region::ALL
        .iter()
        .map(|&region| {
            let mine = region_level(&mix_matched, region);
            let theirs = mean(refs_matched.iter().filter_map(|b| region_level(b, region)));
            let diff = mine.zip(theirs).map(|(a, b)| a - b);
            if let Some(d) = diff.filter(|d| d.abs() >= NOTABLE_REGION_DB) {
                notes.push(format!(
                    "{}: your mix has {}, {:.1} dB {} than the references",
                    region.label(),
                    region_words(region, d > 0.0),
                    d.abs(),
                    if d > 0.0 { "more" } else { "less" }
                ));
            }
            let (from_hz, to_hz) = region.hz();
            RegionDifference {
                id: region_id(region).to_string(),
                from_hz,
                to_hz,
                mix_db: round(mine, DB_DECIMALS),
                references_db: round(theirs, DB_DECIMALS),
                difference_db: round(diff, DB_DECIMALS),
            }
        })
        .collect();

    let figures: Vec<FigureDifference> = FIGURES
        .iter()
        .enumerate()
        .map(|(k, &(id, _, _, decimals))| {
            let theirs = mean(refs.iter().filter_map(|t| t.figures[k]));
            let mine = m.figures[k];
            FigureDifference {
                id: id.to_string(),
                mix: round(mine, decimals),
                references: round(theirs, decimals),
                difference: round(mine.zip(theirs).map(|(a, b)| a - b), decimals),
            }
        })
        .collect();
    let diff_of = |id: &str| {
        figures
            .iter()
            .find(|f| f.id == id)
            .and_then(|f| f.difference)
    };
    if let Some(d) = diff_of("integrated_lufs").filter(|d| d.abs() >= 1.0) {
        notes.push(format!(
            "{:.1} LU {} than the references (the platforms even this out; the balance above is loudness-matched)",
            d.abs(),
            if d > 0.0 { "louder" } else { "quieter" }
        ));
    }
    if let Some(d) = diff_of("plr_db").filter(|d| d.abs() >= 2.0) {
        notes.push(format!(
            "peak-to-loudness ratio {:.1} dB {} than the references: {}",
            d.abs(),
            if d > 0.0 { "higher" } else { "lower" },
            if d > 0.0 {
                "more dynamic, or less limited"
            } else {
                "more compressed or limited"
            }
        ));
    }

    CompareReport {
        mix: mix.report.file.clone(),
        references: references.iter().map(|a| a.report.file.clone()).collect(),
        regions,
        bands,
        figures,
        notes,
    }
}

fn cell(v: Option<f64>, decimals: i32, signed: bool) -> String {
    match (v, signed) {
        (Some(x), true) => format!("{x:+.*}", decimals.min(2) as usize),
        (Some(x), false) => format!("{x:.*}", decimals.min(2) as usize),
        (None, _) => "\u{2014}".to_string(),
    }
}

/// The readable comparison.
pub fn to_text(report: &CompareReport) -> String {
    let mut out = format!(
        "{} against {} reference{}\n\n",
        report.mix,
        report.references.len(),
        if report.references.len() == 1 {
            ""
        } else {
            "s"
        }
    );
    out.push_str("  Balance (loudness-matched)     mix     refs   difference\n");
    for r in &report.regions {
        let label = Region::ALL
            .iter()
            .find(|&&g| region_id(g) == r.id)
            .map_or_else(String::new, |g| g.label());
        out.push_str(&format!(
            "  {:<12} {:<15} {:>7} {:>8} {:>10} dB\n",
            r.id,
            label,
            cell(r.mix_db, 1, false),
            cell(r.references_db, 1, false),
            cell(r.difference_db, 1, true)
        ));
    }
    out.push_str("\n  Figure                  mix     refs   difference\n");
    for (f, &(_, label, unit, decimals)) in report.figures.iter().zip(&FIGURES) {
        out.push_str(&format!(
            "  {:<20} {:>7} {:>8} {:>10} {unit}\n",
            label,
            cell(f.mix, decimals, false),
            cell(f.references, decimals, false),
            cell(f.difference, decimals, true)
        ));
    }
    if !report.notes.is_empty() {
        out.push('\n');
        for n in &report.notes {
            out.push_str(&format!("  - {n}\n"));
        }
    }
    out
}

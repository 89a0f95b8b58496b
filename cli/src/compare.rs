//! `preflight compare`: a mix against reference tracks. The spectra are loudness-matched (each
//! band taken relative to the track's integrated loudness), and the mix's level in each band and
//! region is compared with the references' mean; the figures that shape a master (loudness,
//! range, peak-to-loudness, crest, correlation, width) stand side by side.

use serde::{Deserialize, Serialize};

use preflight_dsp::band_centers_hz;
use preflight_dsp::readiness::{self, mean, mean_matched, region_differences, Region, Tonal};

use crate::analyze::Analysis;
use crate::report::{round_opt, DB_DECIMALS, RATIO_DECIMALS};
use crate::target::region_id;

/// One track's figures as `compare` reads them.
#[derive(Debug, Clone)]
struct Track {
    tonal: Tonal,
    figures: [Option<f64>; FIGURES.len()],
}

/// (id, label, unit, decimals) of the figures compared.
const FIGURES: [(&str, &str, &str, i32); 9] = [
    ("integrated_lufs", "Integrated", "LUFS", DB_DECIMALS),
    ("loudness_range_lu", "Loudness range", "LU", DB_DECIMALS),
    ("plr_db", "PLR", "dB", DB_DECIMALS),
    ("psr_db", "PSR (loudest 3 s)", "dB", DB_DECIMALS),
    ("crest_factor_db", "Crest factor", "dB", DB_DECIMALS),
    ("micro_dynamics_db", "Micro-dynamics", "dB", DB_DECIMALS),
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
            tonal: a.tonal(),
            figures: [
                r.integrated_lufs,
                r.loudness_range_lu,
                r.plr_db,
                psr,
                a.crest_factor_db,
                r.micro_dynamics_db,
                r.correlation,
                r.low_band_correlation,
                a.mid_side_ratio_db.map(|m| -m),
            ],
        }
    }
}

/// One region, loudness-matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// The balance of a mix against reference tracks, loudness-matched: the four regions the tonal
/// checks read, and the differences worth a sentence. The plug-in's session export carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceReport {
    /// The measured references, as given.
    pub references: Vec<String>,
    /// The four regions.
    pub regions: Vec<RegionDifference>,
    /// The differences that matter, in words.
    pub notes: Vec<String>,
}

fn round(v: Option<f64>, decimals: i32) -> Option<f64> {
    round_opt(v, decimals)
}

/// The rounded, serialisable form of the regions' differences.
fn regions_of(differences: &[readiness::RegionDifference]) -> Vec<RegionDifference> {
    differences
        .iter()
        .map(|d| {
            let (from_hz, to_hz) = d.region.hz();
            RegionDifference {
                id: region_id(d.region).to_string(),
                from_hz,
                to_hz,
                mix_db: round(d.mix_db, DB_DECIMALS),
                references_db: round(d.references_db, DB_DECIMALS),
                difference_db: round(d.difference_db, DB_DECIMALS),
            }
        })
        .collect()
}

/// The label of a region's id ("200-500 Hz"); empty for an unknown id.
pub fn region_label(id: &str) -> String {
    Region::ALL
        .iter()
        .find(|&&g| region_id(g) == id)
        .map_or_else(String::new, |g| g.label())
}

/// The regions and their notes for a mix against references named `names`, balances `tonal`.
fn balance_of(mix: &Tonal, names: Vec<String>, tonal: &[Tonal]) -> BalanceReport {
    let differences = region_differences(mix, tonal);
    BalanceReport {
        references: names,
        regions: regions_of(&differences),
        notes: differences.iter().filter_map(|d| d.note()).collect(),
    }
}

/// A mix's balance against measured references (`(path, balance)` pairs); `None` without any.
pub fn balance(mix: &Tonal, references: &[(String, Tonal)]) -> Option<BalanceReport> {
    (!references.is_empty()).then(|| {
        let tonal: Vec<Tonal> = references.iter().map(|(_, t)| *t).collect();
        balance_of(
            mix,
            references.iter().map(|(p, _)| p.clone()).collect(),
            &tonal,
        )
    })
}

/// Compares a mix with references (at least one).
pub fn compare(mix: &Analysis, references: &[Analysis]) -> CompareReport {
    let m = Track::of(mix);
    let refs: Vec<Track> = references.iter().map(Track::of).collect();
    let tonal: Vec<Tonal> = refs.iter().map(|t| t.tonal).collect();
    let mix_matched = m.tonal.matched();
    let refs_mean = mean_matched(&tonal);

    let bands = band_centers_hz()
        .iter()
        .zip(mix_matched.iter().zip(&refs_mean))
        .map(|(&hz, (mine, theirs))| BandDifference {
            hz: round(Some(hz), DB_DECIMALS).unwrap_or(hz),
            difference_db: round(mine.zip(*theirs).map(|(a, b)| a - b), DB_DECIMALS),
        })
        .collect();

    let BalanceReport {
        references: names,
        regions,
        mut notes,
    } = balance_of(
        &m.tonal,
        references.iter().map(|a| a.report.file.clone()).collect(),
        &tonal,
    );

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
    // A fast bus compressor takes a production's 50 ms spread down by 2 to 6 dB
    // (docs/VALIDATION.md); 1.5 dB is a clear part of that.
    if let Some(d) = diff_of("micro_dynamics_db").filter(|d| d.abs() >= 1.5) {
        notes.push(format!(
            "micro-dynamics {:.1} dB {} than the references: {}",
            d.abs(),
            if d > 0.0 { "wider" } else { "narrower" },
            if d > 0.0 {
                "the beats stand further out of the mix"
            } else {
                "the loud passages are more squashed"
            }
        ));
    }

    CompareReport {
        mix: mix.report.file.clone(),
        references: names,
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
        out.push_str(&format!(
            "  {:<12} {:<15} {:>7} {:>8} {:>10} dB\n",
            r.id,
            region_label(&r.id),
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

/// The comparison as `preflight check` prints it after a file's report: each region's
/// difference, then the notes.
pub fn balance_text(balance: &BalanceReport) -> String {
    let n = balance.references.len();
    let mut out = format!(
        "\n  Against {n} reference{} (loudness-matched)   mix minus references\n",
        if n == 1 { "" } else { "s" }
    );
    for r in &balance.regions {
        out.push_str(&format!(
            "    {:<12} {:<15} {:>10} dB\n",
            r.id,
            region_label(&r.id),
            cell(r.difference_db, 1, true)
        ));
    }
    for note in &balance.notes {
        out.push_str(&format!("  - {note}\n"));
    }
    out
}

//! Tonal targets as JSON files: `preflight target build` writes one from reference tracks,
//! `preflight check --target` judges against it. The numbers are the engine's
//! ([`TonalTarget::build`]); this module only collects the files and reads and writes the JSON.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use preflight_dsp::readiness::{Range, Region, TonalTarget};
use preflight_dsp::{band_centers_hz, BAND_COUNT};

use crate::report::{round_opt, DB_DECIMALS};

/// File extensions a folder of references is searched for.
pub const AUDIO_EXTENSIONS: [&str; 11] = [
    "wav", "wave", "aif", "aiff", "aifc", "flac", "mp3", "m4a", "mp4", "ogg", "oga",
];

/// One band's range in a target file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandRange {
    /// Band centre (Hz).
    pub hz: f64,
    /// 10th percentile (dB, normalised).
    pub low: f64,
    /// Median.
    pub median: f64,
    /// 90th percentile.
    pub high: f64,
}

/// One region's range in a target file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionRange {
    /// `sub_bass`, `low_end`, `harshness` or `top_end`: the check that reads it.
    pub id: String,
    /// Lower edge (Hz).
    pub from_hz: f64,
    /// Upper edge (Hz).
    pub to_hz: f64,
    /// 10th percentile (dB, normalised).
    pub low: f64,
    /// Median.
    pub median: f64,
    /// 90th percentile.
    pub high: f64,
}

/// A target as `preflight target build` writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetFile {
    /// Name used in messages ("4.1 dB above the NAME target's range").
    pub name: String,
    /// Where the numbers come from.
    pub source: String,
    /// Tracks it was built from.
    pub tracks: usize,
    /// How levels are normalised (for readers of the file).
    pub normalisation: String,
    /// Per-band ranges (bands without one are left out).
    pub bands: Vec<BandRange>,
    /// Per-region ranges.
    pub regions: Vec<RegionRange>,
    /// The reference files, as given.
    #[serde(default)]
    pub files: Vec<String>,
}

/// The check id of each region.
pub fn region_id(region: Region) -> &'static str {
    match region {
        Region::SubBass => "sub_bass",
        Region::Mud => "low_end",
        Region::Harsh => "harshness",
        Region::Top => "top_end",
    }
}

/// How the levels are normalised, as the file says it.
pub const NORMALISATION: &str = "1/6-octave long-term spectrum; each band raised by 4.5 dB per \
    octave above 1 kHz, then taken relative to the median of those levels over 100 Hz-10 kHz; \
    ranges are the 10th, 50th and 90th percentiles over the tracks";

fn round(v: f64) -> f64 {
    round_opt(Some(v), DB_DECIMALS).unwrap_or(v)
}

impl TargetFile {
    /// The file form of a target.
    pub fn new(target: &TonalTarget, files: Vec<String>) -> Self {
        let bands = band_centers_hz()
            .iter()
            .zip(&target.bands)
            .filter_map(|(&hz, r)| {
                r.map(|r| BandRange {
                    hz: round(hz),
                    low: round(r.low),
                    median: round(r.median),
                    high: round(r.high),
                })
            })
            .collect();
        let regions = Region::ALL
            .iter()
            .filter_map(|&region| {
                let r = target.region(region)?;
                let (from_hz, to_hz) = region.hz();
                Some(RegionRange {
                    id: region_id(region).to_string(),
                    from_hz,
                    to_hz,
                    low: round(r.low),
                    median: round(r.median),
                    high: round(r.high),
                })
            })
            .collect();
        Self {
            name: target.name.clone(),
            source: target.source.clone(),
            tracks: target.tracks,
            normalisation: NORMALISATION.to_string(),
            bands,
            regions,
            files,
        }
    }

    /// The engine's target; an error names what is wrong with the file.
    pub fn to_target(&self) -> Result<TonalTarget, String> {
        let range = |what: &str, low: f64, median: f64, high: f64| {
            if !(low.is_finite() && median.is_finite() && high.is_finite()) {
                return Err(format!("{what}: a level is not a number"));
            }
            if !(low <= median && median <= high) {
                return Err(format!("{what}: low <= median <= high does not hold"));
            }
            Ok(Range { low, median, high })
        };
        let centres = band_centers_hz();
        let mut bands = [None; BAND_COUNT];
        for b in &self.bands {
            let k = centres
                .iter()
                .position(|&c| (c - b.hz).abs() <= c * 0.01)
                .ok_or_else(|| format!("band at {} Hz is not a 1/6-octave band centre", b.hz))?;
            bands[k] = Some(range(
                &format!("band {} Hz", b.hz),
                b.low,
                b.median,
                b.high,
            )?);
        }
        let mut target = TonalTarget {
            name: self.name.clone(),
            source: self.source.clone(),
            tracks: self.tracks,
            bands,
            regions: [None; 4],
        };
        for r in &self.regions {
            let (i, region) = Region::ALL
                .iter()
                .enumerate()
                .find(|(_, &region)| region_id(region) == r.id)
                .ok_or_else(|| format!("unknown region '{}'", r.id))?;
            if region.hz() != (r.from_hz, r.to_hz) {
                return Err(format!(
                    "region '{}' spans {}-{} Hz; this version reads {}",
                    r.id,
                    r.from_hz,
                    r.to_hz,
                    region.label()
                ));
            }
            target.regions[i] = Some(range(&r.id, r.low, r.median, r.high)?);
        }
        if target.regions.iter().all(Option::is_none) {
            return Err("no region has a range".to_string());
        }
        Ok(target)
    }
}

/// Reads a target file.
pub fn read(path: &Path) -> Result<TonalTarget, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the target: {e}", path.display()))?;
    let file: TargetFile = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a Preflight target: {e}", path.display()))?;
    file.to_target()
        .map_err(|e| format!("{}: not a usable target: {e}", path.display()))
}

/// The audio files among `paths`: files as given, folders searched (recursively, sorted) for
/// [`AUDIO_EXTENSIONS`]. A path that does not exist is an error.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found).map_err(|e| format!("{}: {e}", p.display()))?;
            found.sort();
            out.extend(found);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or folder", p.display()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(path);
        }
    }
    Ok(())
}

//! Tonal-balance targets: what the long-term spectrum of finished music looks like, band by band,
//! as a range (10th to 90th percentile over the tracks a target was built from), so a mix is
//! judged against real music of its style rather than against one slope.
//!
//! Every spectrum is first normalised the way the editor draws it: each 1/6-octave band raised
//! by [`REFERENCE_TILT_DB_PER_OCTAVE`] per octave above 1 kHz, then taken relative to the median
//! of those levels over 100 Hz-10 kHz. That removes the level, so tracks of any loudness compare.
//!
//! The built-in targets ([`Style`]) were built with `preflight target build` from the music named
//! in their `source`; `targets_data.rs` holds the numbers and says how they were made.

use super::targets_data::TargetData;
use super::thresholds::{
    HARSH_BAND_HZ, MUD_BAND_HZ, REFERENCE_RANGE_HZ, REFERENCE_TILT_DB_PER_OCTAVE, SUB_BASS_HZ,
    TOP_END_HZ,
};
use crate::spectrum::{band_centers_hz, BAND_COUNT};

/// A frequency region a check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    /// 20-60 Hz.
    SubBass,
    /// 200-500 Hz, where mud builds up.
    Mud,
    /// 2-5 kHz, where harshness lives.
    Harsh,
    /// 8-16 kHz: air, or its absence.
    Top,
}

impl Region {
    /// Every region, in the order of [`TonalTarget::regions`].
    pub const ALL: [Self; 4] = [Self::SubBass, Self::Mud, Self::Harsh, Self::Top];

    /// The band edges (Hz): band centres inside them count.
    pub fn hz(self) -> (f64, f64) {
        match self {
            Self::SubBass => SUB_BASS_HZ,
            Self::Mud => MUD_BAND_HZ,
            Self::Harsh => HARSH_BAND_HZ,
            Self::Top => TOP_END_HZ,
        }
    }

    /// As messages write it: "200-500 Hz", "2-5 kHz".
    pub fn label(self) -> String {
        let (lo, hi) = self.hz();
        if lo >= 1_000.0 {
            format!("{}-{} kHz", lo / 1_000.0, hi / 1_000.0)
        } else {
            format!("{lo}-{hi} Hz")
        }
    }

    fn index(self) -> usize {
        match self {
            Self::SubBass => 0,
            Self::Mud => 1,
            Self::Harsh => 2,
            Self::Top => 3,
        }
    }
}

/// A level's spread over the tracks of a target (dB, normalised).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// 10th percentile.
    pub low: f64,
    /// Median.
    pub median: f64,
    /// 90th percentile.
    pub high: f64,
}

/// A target: per-band and per-region ranges of normalised levels.
#[derive(Debug, Clone, PartialEq)]
pub struct TonalTarget {
    /// Short name, as messages use it: "general", "my references".
    pub name: String,
    /// Where the numbers come from: which material, how many tracks.
    pub source: String,
    /// Tracks it was built from.
    pub tracks: usize,
    /// Each band's range; `None` where too few tracks had energy there.
    pub bands: [Option<Range>; BAND_COUNT],
    /// Each region's range (of each track's mean over the region), in [`Region::ALL`] order.
    pub regions: [Option<Range>; 4],
}

/// Fewest tracks with a value for a band or region to get a range.
pub const MIN_TRACKS: usize = 3;

/// Each band raised by [`REFERENCE_TILT_DB_PER_OCTAVE`] per octave above 1 kHz, and the median
/// of those levels over 100 Hz-10 kHz (`None` with fewer than 8 bands there).
fn tilted(spectrum_db: &[Option<f64>; BAND_COUNT]) -> ([Option<f64>; BAND_COUNT], Option<f64>) {
    let centres = band_centers_hz();
    let mut tilted = [None; BAND_COUNT];
    for ((t, &f), db) in tilted.iter_mut().zip(&centres).zip(spectrum_db) {
        *t = db.map(|d| d + REFERENCE_TILT_DB_PER_OCTAVE * (f / 1000.0).log2());
    }
    let mut reference: Vec<f64> = centres
        .iter()
        .zip(&tilted)
        .filter(|(&f, _)| f >= REFERENCE_RANGE_HZ.0 && f <= REFERENCE_RANGE_HZ.1)
        .filter_map(|(_, d)| *d)
        .collect();
    reference.sort_by(f64::total_cmp);
    let median = (reference.len() >= 8).then(|| reference[reference.len() / 2]);
    (tilted, median)
}

/// The long-term spectrum against the tilt of a typical mix: each band (centre Hz, dB) raised
/// by [`REFERENCE_TILT_DB_PER_OCTAVE`] per octave above 1 kHz, so a balanced mix reads flat (as on
/// the editor's spectrum), and the level it reads flat at: the median of those levels over
/// 100 Hz-10 kHz, `None` with fewer than 8 bands there. Allocates.
pub fn tilt_corrected(spectrum_db: &[Option<f64>; BAND_COUNT]) -> (Vec<(f64, f64)>, Option<f64>) {
    let (tilted, median) = tilted(spectrum_db);
    let corrected = band_centers_hz()
        .iter()
        .zip(&tilted)
        .filter_map(|(&f, t)| t.map(|d| (f, d)))
        .collect();
    (corrected, median)
}

/// A spectrum (1/6-octave band levels, dB) normalised as targets are: tilted, relative to the
/// median over 100 Hz-10 kHz. `None` with fewer than 8 bands there.
pub fn normalise(spectrum_db: &[Option<f64>; BAND_COUNT]) -> Option<[Option<f64>; BAND_COUNT]> {
    let (mut tilted, median) = tilted(spectrum_db);
    let median = median?;
    for t in tilted.iter_mut().flatten() {
        *t -= median;
    }
    Some(tilted)
}

/// The mean normalised level over a region; `None` if no band there has a level.
pub fn region_level(normalised: &[Option<f64>; BAND_COUNT], region: Region) -> Option<f64> {
    let (lo, hi) = region.hz();
    let v: Vec<f64> = band_centers_hz()
        .iter()
        .zip(normalised)
        .filter(|(&f, _)| f >= lo && f <= hi)
        .filter_map(|(_, d)| *d)
        .collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// The `p`-th percentile (0..=1) of sorted values, interpolated linearly.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let x = p * (sorted.len() - 1) as f64;
    let (i, frac) = (x.floor() as usize, x - x.floor());
    let next = sorted[(i + 1).min(sorted.len() - 1)];
    sorted[i] + frac * (next - sorted[i])
}

fn range_of(mut values: Vec<f64>) -> Option<Range> {
    if values.len() < MIN_TRACKS {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(Range {
        low: percentile(&values, 0.10),
        median: percentile(&values, 0.50),
        high: percentile(&values, 0.90),
    })
}

impl TonalTarget {
    /// Builds a target from the long-term spectra of the tracks it stands for. Tracks without a
    /// usable spectrum (silence) are left out; `None` if fewer than [`MIN_TRACKS`] remain.
    pub fn build(name: &str, source: &str, spectra: &[[Option<f64>; BAND_COUNT]]) -> Option<Self> {
        let normalised: Vec<[Option<f64>; BAND_COUNT]> =
            spectra.iter().filter_map(normalise).collect();
        if normalised.len() < MIN_TRACKS {
            return None;
        }
        let mut bands = [None; BAND_COUNT];
        for (k, band) in bands.iter_mut().enumerate() {
            *band = range_of(normalised.iter().filter_map(|n| n[k]).collect());
        }
        let mut regions = [None; 4];
        for r in Region::ALL {
            regions[r.index()] = range_of(
                normalised
                    .iter()
                    .filter_map(|n| region_level(n, r))
                    .collect(),
            );
        }
        Some(Self {
            name: name.to_string(),
            source: source.to_string(),
            tracks: normalised.len(),
            bands,
            regions,
        })
    }

    /// A region's range.
    pub fn region(&self, region: Region) -> Option<Range> {
        self.regions[region.index()]
    }
}

/// The built-in targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Style {
    /// Everything the built-in targets were made from.
    #[default]
    General,
    /// Orchestral and acoustic music.
    Acoustic,
    /// Electronic productions.
    Electronic,
}

impl Style {
    /// Every style.
    pub const ALL: [Self; 3] = [Self::General, Self::Acoustic, Self::Electronic];

    /// Stable id (CLI option, saved state).
    pub fn id(self) -> &'static str {
        match self {
            Self::General => "general",
            Self::Acoustic => "acoustic",
            Self::Electronic => "electronic",
        }
    }

    /// Readable name.
    pub fn title(self) -> &'static str {
        match self {
            Self::General => "General",
            Self::Acoustic => "Acoustic / orchestral",
            Self::Electronic => "Electronic",
        }
    }

    /// The style with this id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The built-in target. Allocates (the name and source strings).
    pub fn target(self) -> TonalTarget {
        let data = match self {
            Self::General => &super::targets_data::GENERAL,
            Self::Acoustic => &super::targets_data::ACOUSTIC,
            Self::Electronic => &super::targets_data::ELECTRONIC,
        };
        data.to_target()
    }
}

impl TargetData {
    fn to_target(&self) -> TonalTarget {
        let range =
            |[low, median, high]: [f64; 3]| (!low.is_nan()).then_some(Range { low, median, high });
        let mut bands = [None; BAND_COUNT];
        for (b, d) in bands.iter_mut().zip(&self.bands) {
            *b = range(*d);
        }
        let mut regions = [None; 4];
        for (r, d) in regions.iter_mut().zip(&self.regions) {
            *r = range(*d);
        }
        TonalTarget {
            name: self.name.to_string(),
            source: self.source.to_string(),
            tracks: self.tracks,
            bands,
            regions,
        }
    }
}

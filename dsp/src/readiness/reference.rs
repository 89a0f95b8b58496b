//! A mix against reference tracks, loudness-matched: each spectrum taken relative to its
//! integrated loudness, the mix's level in each band and region set against the references'
//! mean. `preflight compare` and the editor's Reference panel both read these.

use super::targets::{region_level, Region};
use crate::spectrum::BAND_COUNT;

/// A region's difference worth a sentence (dB): about what a listener notices as a heavier or
/// lighter band when the loudness is matched.
pub const NOTABLE_REGION_DB: f64 = 2.0;

/// What a comparison reads of a track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tonal {
    /// Integrated loudness (LUFS).
    pub integrated_lufs: Option<f64>,
    /// Long-term spectrum (1/6-octave bands, dB).
    pub spectrum_db: [Option<f64>; BAND_COUNT],
}

impl Tonal {
    /// Band levels relative to the integrated loudness (`None` throughout without one).
    pub fn matched(&self) -> [Option<f64>; BAND_COUNT] {
        let mut out = [None; BAND_COUNT];
        if let Some(i) = self.integrated_lufs {
            for (o, b) in out.iter_mut().zip(&self.spectrum_db) {
                *o = b.map(|d| d - i);
            }
        }
        out
    }
}

/// The mean of the values, `None` if there are none.
pub fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// The references' mean loudness-matched level per band.
pub fn mean_matched(references: &[Tonal]) -> [Option<f64>; BAND_COUNT] {
    let matched: Vec<[Option<f64>; BAND_COUNT]> = references.iter().map(Tonal::matched).collect();
    let mut out = [None; BAND_COUNT];
    for (k, o) in out.iter_mut().enumerate() {
        *o = mean(matched.iter().filter_map(|m| m[k]));
    }
    out
}

/// One region of a comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegionDifference {
    /// Which region.
    pub region: Region,
    /// The mix's mean loudness-matched level there (dB).
    pub mix_db: Option<f64>,
    /// The references' mean of the same.
    pub references_db: Option<f64>,
    /// Mix minus references: positive, the mix is heavier there.
    pub difference_db: Option<f64>,
}

impl RegionDifference {
    /// The sentence for a difference of [`NOTABLE_REGION_DB`] or more: "200-500 Hz: your mix has
    /// a heavier low-mid (mud), 4.1 dB more than the references".
    pub fn note(&self) -> Option<String> {
        let d = self
            .difference_db
            .filter(|d| d.abs() >= NOTABLE_REGION_DB)?;
        let words = match (self.region, d > 0.0) {
            (Region::SubBass, true) => "more sub-bass",
            (Region::SubBass, false) => "less sub-bass",
            (Region::Mud, true) => "a heavier low-mid (mud)",
            (Region::Mud, false) => "a lighter low-mid",
            (Region::Harsh, true) => "more presence (harsher)",
            (Region::Harsh, false) => "less presence",
            (Region::Top, true) => "a brighter top end",
            (Region::Top, false) => "a duller top end",
        };
        Some(format!(
            "{}: your mix has {words}, {:.1} dB {} than the references",
            self.region.label(),
            d.abs(),
            if d > 0.0 { "more" } else { "less" }
        ))
    }
}

/// The four regions of `mix` against `references`.
pub fn region_differences(mix: &Tonal, references: &[Tonal]) -> [RegionDifference; 4] {
    let mine = mix.matched();
    let theirs: Vec<[Option<f64>; BAND_COUNT]> = references.iter().map(Tonal::matched).collect();
    Region::ALL.map(|region| {
        let mix_db = region_level(&mine, region);
        let references_db = mean(theirs.iter().filter_map(|t| region_level(t, region)));
        RegionDifference {
            region,
            mix_db,
            references_db,
            difference_db: mix_db.zip(references_db).map(|(a, b)| a - b),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spectrum::band_centers_hz;

    fn flat(level: f64, integrated: f64) -> Tonal {
        Tonal {
            integrated_lufs: Some(integrated),
            spectrum_db: [Some(level); BAND_COUNT],
        }
    }

    #[test]
    fn differences_are_loudness_matched() {
        // The same balance 6 dB down reads the same.
        let mix = flat(-40.0, -20.0);
        let refs = [flat(-34.0, -14.0), flat(-34.0, -14.0)];
        for d in region_differences(&mix, &refs) {
            assert_eq!(d.difference_db, Some(0.0), "{d:?}");
            assert_eq!(d.note(), None);
        }
        assert_eq!(mean_matched(&refs)[10], Some(-20.0));
    }

    #[test]
    fn a_heavier_region_is_named() {
        let mut mix = flat(-40.0, -20.0);
        for (b, f) in mix.spectrum_db.iter_mut().zip(band_centers_hz()) {
            if (200.0..=500.0).contains(&f) {
                *b = b.map(|v| v + 4.0);
            }
        }
        let d = region_differences(&mix, &[flat(-40.0, -20.0)]);
        assert_eq!(d[1].region, Region::Mud);
        assert_eq!(d[1].difference_db, Some(4.0));
        assert_eq!(
            d[1].note().as_deref(),
            Some(
                "200-500 Hz: your mix has a heavier low-mid (mud), 4.0 dB more than the references"
            )
        );
        assert_eq!(d[0].note(), None);
        // No loudness: no comparison.
        let silent = Tonal {
            integrated_lufs: None,
            ..mix
        };
        assert!(region_differences(&silent, &[mix])
            .iter()
            .all(|d| d.difference_db.is_none()));
    }
}

//! Spectral checks: build-up in the mud (200-500 Hz) and harshness (2-5 kHz) regions, and the
//! sub-bass, each against the tilt of a typical mix.

use super::thresholds::*;
use super::{finding, Check, Finding, Severity};
use crate::spectrum::{band_centers_hz, BAND_COUNT};
use crate::stats::ReadinessStats;

/// A frequency region as the messages write it: "200-500 Hz", "2-5 kHz".
fn band_label((lo, hi): (f64, f64)) -> String {
    if lo >= 1_000.0 {
        format!("{}-{} kHz", lo / 1_000.0, hi / 1_000.0)
    } else {
        format!("{lo}-{hi} Hz")
    }
}

fn in_range(f: f64, (lo, hi): (f64, f64)) -> bool {
    f >= lo && f <= hi
}

/// The long-term spectrum against the tilt of a typical mix: each band (centre Hz, dB) raised
/// by [`REFERENCE_TILT_DB_PER_OCTAVE`] per octave above 1 kHz, so a balanced mix reads flat (as on
/// the editor's spectrum), and the level it reads flat at: the median of those levels over
/// 100 Hz-10 kHz, `None` with fewer than 8 bands there. Allocates.
pub fn tilt_corrected(spectrum_db: &[Option<f64>; BAND_COUNT]) -> (Vec<(f64, f64)>, Option<f64>) {
    let corrected: Vec<(f64, f64)> = band_centers_hz()
        .iter()
        .zip(spectrum_db)
        .filter_map(|(&f, db)| {
            db.map(|d| (f, d + REFERENCE_TILT_DB_PER_OCTAVE * (f / 1000.0).log2()))
        })
        .collect();
    let mut reference: Vec<f64> = corrected
        .iter()
        .filter(|(f, _)| in_range(*f, REFERENCE_RANGE_HZ))
        .map(|&(_, d)| d)
        .collect();
    reference.sort_by(f64::total_cmp);
    let median = (reference.len() >= 8).then(|| reference[reference.len() / 2]);
    (corrected, median)
}

/// Band levels against the reference ([`tilt_corrected`]): the mean excess in the mud,
/// harshness and sub-bass regions.
pub(super) fn spectral_residuals(s: &ReadinessStats) -> Option<[f64; 3]> {
    let (corrected, median) = tilt_corrected(&s.spectrum_db);
    let median = median?;
    let region = |r: (f64, f64)| -> Option<f64> {
        let v: Vec<f64> = corrected
            .iter()
            .filter(|(f, _)| in_range(*f, r))
            .map(|&(_, d)| d - median)
            .collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    Some([
        region(MUD_BAND_HZ)?,
        region(HARSH_BAND_HZ)?,
        region(SUB_BASS_HZ).unwrap_or(0.0),
    ])
}

pub(super) fn spectral(s: &ReadinessStats) -> Vec<Finding> {
    let Some([mud, harsh, sub]) = spectral_residuals(s) else {
        return vec![
            finding(
                Check::LowEnd,
                Severity::Info,
                None,
                None,
                "no spectrum yet".into(),
                "",
            ),
            finding(
                Check::Harshness,
                Severity::Info,
                None,
                None,
                "no spectrum yet".into(),
                "",
            ),
        ];
    };
    let low_end = if mud >= SPECTRAL_EXCESS_WARN_DB {
        finding(
            Check::LowEnd,
            Severity::Warn,
            Some(mud),
            Some(SPECTRAL_EXCESS_WARN_DB),
            format!("{mud:.1} dB build-up in {} (mud) over a balanced mix's tilt", band_label(MUD_BAND_HZ)),
            &format!(
                "find the tracks that pile up in {} (guitars, keys, pads, vocals' low end) and cut there with EQ",
                band_label(MUD_BAND_HZ)
            ),
        )
    } else if sub.abs() >= SUB_BASS_DEVIATION_INFO_DB {
        let (what, advice) = if sub > 0.0 {
            (
                "excess",
                "check the sub-bass on full-range monitors: it eats headroom",
            )
        } else {
            (
                "little",
                "fine for some styles; check on full-range monitors",
            )
        };
        finding(
            Check::LowEnd,
            Severity::Info,
            Some(sub),
            Some(SUB_BASS_DEVIATION_INFO_DB),
            format!(
                "{what} sub-bass below {} Hz ({sub:+.1} dB against the tilt)",
                SUB_BASS_HZ.1
            ),
            advice,
        )
    } else {
        finding(
            Check::LowEnd,
            Severity::Ok,
            Some(mud),
            Some(SPECTRAL_EXCESS_WARN_DB),
            format!("{} {mud:+.1} dB against the tilt", band_label(MUD_BAND_HZ)),
            "",
        )
    };
    let harshness = if harsh >= SPECTRAL_EXCESS_WARN_DB {
        finding(
            Check::Harshness,
            Severity::Warn,
            Some(harsh),
            Some(SPECTRAL_EXCESS_WARN_DB),
            format!(
                "{harsh:.1} dB excess in {} over a balanced mix's tilt: may sound harsh",
                band_label(HARSH_BAND_HZ)
            ),
            &format!(
                "look for resonances in {} (vocals, guitars, cymbals) and tame them with EQ or a de-esser",
                band_label(HARSH_BAND_HZ)
            ),
        )
    } else {
        finding(
            Check::Harshness,
            Severity::Ok,
            Some(harsh),
            Some(SPECTRAL_EXCESS_WARN_DB),
            format!(
                "{} {harsh:+.1} dB against the tilt",
                band_label(HARSH_BAND_HZ)
            ),
            "",
        )
    };
    vec![low_end, harshness]
}

//! Spectral checks against a tonal-balance target ([`TonalTarget`]): mud (200-500 Hz), the
//! sub-bass (20-60 Hz), harshness (2-5 kHz) and the top end (8-16 kHz), each its own finding so
//! that none hides another.

use super::targets::{normalise, region_level, Range, Region, TonalTarget};
use super::thresholds::*;
use super::{finding, Check, Finding, Severity};
use crate::spectrum::BAND_COUNT;
use crate::stats::ReadinessStats;

/// Which side of the target's range a region is judged on.
#[derive(Clone, Copy)]
enum Side {
    Above,
    Below,
}

/// How far `level` lies outside `range` on `side` (dB, positive when outside).
fn excess(level: f64, range: Range, side: Side) -> f64 {
    match side {
        Side::Above => level - range.high,
        Side::Below => range.low - level,
    }
}

struct Judged {
    level: f64,
    range: Range,
}

fn describe(level: f64, range: Range) -> String {
    format!(
        "{level:+.1} dB, range {:+.1}..{:+.1} dB",
        range.low, range.high
    )
}

fn outside_message(region: Region, j: &Judged, side: Side, target: &TonalTarget) -> String {
    let word = match side {
        Side::Above => "above",
        Side::Below => "below",
    };
    format!(
        "{:.1} dB {word} the {} target's range at {} ({})",
        excess(j.level, j.range, side),
        target.name,
        region.label(),
        describe(j.level, j.range)
    )
}

/// A region judged ok: inside the range, or outside it by less than the margin.
fn within_message(region: Region, j: &Judged, target: &TonalTarget) -> String {
    let inside = j.level >= j.range.low && j.level <= j.range.high;
    let place = if inside {
        "within the".to_string()
    } else {
        format!("near (within {TONAL_MARGIN_DB:.0} dB of) the")
    };
    format!(
        "{} {place} {} target's range ({})",
        region.label(),
        target.name,
        describe(j.level, j.range)
    )
}

fn judge(
    normalised: &[Option<f64>; BAND_COUNT],
    target: &TonalTarget,
    region: Region,
) -> Option<Judged> {
    Some(Judged {
        level: region_level(normalised, region)?,
        range: target.region(region)?,
    })
}

fn unjudged(id: Check, message: String) -> Finding {
    finding(id, Severity::Info, None, None, message, "")
}

/// The four spectral findings. `complete` says the measurement is over (a file): then a missing
/// spectrum is for lack of audio, not "yet".
pub(super) fn spectral(s: &ReadinessStats, target: &TonalTarget, complete: bool) -> Vec<Finding> {
    let Some(normalised) = normalise(&s.spectrum_db) else {
        let why = if complete {
            "no spectrum: too little audio"
        } else {
            "no spectrum yet"
        };
        return SPECTRAL_CHECKS
            .iter()
            .map(|(id, _, _)| unjudged(*id, why.into()))
            .collect();
    };
    SPECTRAL_CHECKS
        .iter()
        .map(|(id, region, flags)| judge_region(&normalised, target, *id, *region, flags))
        .collect()
}

/// One way a region can be out of its target's range, and what the check then says.
struct Flag {
    side: Side,
    severity: Severity,
    /// Appended to the message.
    suffix: &'static str,
    /// The advice; `{band}` stands for the region's label.
    advice: &'static str,
}

/// Each spectral check, its region and its flags in the order they are tried. The first flag's
/// side gives the edge an ok finding is held against.
const SPECTRAL_CHECKS: [(Check, Region, &[Flag]); 4] = [
    (
        Check::LowEnd,
        Region::Mud,
        &[Flag {
            side: Side::Above,
            severity: Severity::Warn,
            suffix: ": mud",
            advice: "find the tracks that pile up in {band} (guitars, keys, pads, vocals' low end) and cut there with EQ",
        }],
    ),
    (
        Check::SubBass,
        Region::SubBass,
        &[
            Flag {
                side: Side::Above,
                severity: Severity::Warn,
                suffix: "",
                advice: "check the sub-bass on full-range monitors or headphones: it eats headroom and booms on big systems",
            },
            Flag {
                side: Side::Below,
                severity: Severity::Info,
                suffix: ": little sub-bass",
                advice: "fine for some styles; check on full-range monitors",
            },
        ],
    ),
    (
        Check::Harshness,
        Region::Harsh,
        &[Flag {
            side: Side::Above,
            severity: Severity::Warn,
            suffix: ": may sound harsh",
            advice: "look for resonances in {band} (vocals, guitars, cymbals) and tame them with EQ or a de-esser",
        }],
    ),
    (
        Check::TopEnd,
        Region::Top,
        &[
            Flag {
                side: Side::Below,
                severity: Severity::Warn,
                suffix: ": dull",
                advice: "the top end is missing: check for a low-pass or a dull source, or add air with a high shelf",
            },
            Flag {
                side: Side::Above,
                severity: Severity::Warn,
                suffix: ": bright",
                advice: "the top end is bright: check cymbals, sibilance and exciters; a gentle high shelf cut may help",
            },
        ],
    ),
];

/// The edge of `range` on `side`.
fn edge(range: Range, side: Side) -> f64 {
    match side {
        Side::Above => range.high,
        Side::Below => range.low,
    }
}

fn judge_region(
    normalised: &[Option<f64>; BAND_COUNT],
    target: &TonalTarget,
    id: Check,
    region: Region,
    flags: &[Flag],
) -> Finding {
    let Some(j) = judge(normalised, target, region) else {
        return unjudged(
            id,
            format!(
                "no level at {} (or the {} target has no range there)",
                region.label(),
                target.name
            ),
        );
    };
    for flag in flags {
        if excess(j.level, j.range, flag.side) >= TONAL_MARGIN_DB {
            return finding(
                id,
                flag.severity,
                Some(j.level),
                Some(edge(j.range, flag.side)),
                outside_message(region, &j, flag.side, target) + flag.suffix,
                &flag.advice.replace("{band}", &region.label()),
            );
        }
    }
    let ok_edge = flags.first().map_or(Side::Above, |f| f.side);
    finding(
        id,
        Severity::Ok,
        Some(j.level),
        Some(edge(j.range, ok_edge)),
        within_message(region, &j, target),
        "",
    )
}

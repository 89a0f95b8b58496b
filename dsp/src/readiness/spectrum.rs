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
    let checks = [
        Check::LowEnd,
        Check::SubBass,
        Check::Harshness,
        Check::TopEnd,
    ];
    let Some(normalised) = normalise(&s.spectrum_db) else {
        let why = if complete {
            "no spectrum: too little audio"
        } else {
            "no spectrum yet"
        };
        return checks.map(|c| unjudged(c, why.into())).to_vec();
    };
    let no_range = |c: Check, region: Region| {
        unjudged(
            c,
            format!(
                "no level at {} (or the {} target has no range there)",
                region.label(),
                target.name
            ),
        )
    };

    let low_end = match judge(&normalised, target, Region::Mud) {
        None => no_range(Check::LowEnd, Region::Mud),
        Some(j) if excess(j.level, j.range, Side::Above) >= TONAL_MARGIN_DB => finding(
            Check::LowEnd,
            Severity::Warn,
            Some(j.level),
            Some(j.range.high),
            outside_message(Region::Mud, &j, Side::Above, target) + ": mud",
            &format!(
                "find the tracks that pile up in {} (guitars, keys, pads, vocals' low end) and cut there with EQ",
                Region::Mud.label()
            ),
        ),
        Some(j) => finding(
            Check::LowEnd,
            Severity::Ok,
            Some(j.level),
            Some(j.range.high),
            within_message(Region::Mud, &j, target),
            "",
        ),
    };

    let sub_bass = match judge(&normalised, target, Region::SubBass) {
        None => no_range(Check::SubBass, Region::SubBass),
        Some(j) if excess(j.level, j.range, Side::Above) >= TONAL_MARGIN_DB => finding(
            Check::SubBass,
            Severity::Warn,
            Some(j.level),
            Some(j.range.high),
            outside_message(Region::SubBass, &j, Side::Above, target),
            "check the sub-bass on full-range monitors or headphones: it eats headroom and booms on big systems",
        ),
        Some(j) if excess(j.level, j.range, Side::Below) >= TONAL_MARGIN_DB => finding(
            Check::SubBass,
            Severity::Info,
            Some(j.level),
            Some(j.range.low),
            outside_message(Region::SubBass, &j, Side::Below, target) + ": little sub-bass",
            "fine for some styles; check on full-range monitors",
        ),
        Some(j) => finding(
            Check::SubBass,
            Severity::Ok,
            Some(j.level),
            Some(j.range.high),
            within_message(Region::SubBass, &j, target),
            "",
        ),
    };

    let harshness = match judge(&normalised, target, Region::Harsh) {
        None => no_range(Check::Harshness, Region::Harsh),
        Some(j) if excess(j.level, j.range, Side::Above) >= TONAL_MARGIN_DB => finding(
            Check::Harshness,
            Severity::Warn,
            Some(j.level),
            Some(j.range.high),
            outside_message(Region::Harsh, &j, Side::Above, target) + ": may sound harsh",
            &format!(
                "look for resonances in {} (vocals, guitars, cymbals) and tame them with EQ or a de-esser",
                Region::Harsh.label()
            ),
        ),
        Some(j) => finding(
            Check::Harshness,
            Severity::Ok,
            Some(j.level),
            Some(j.range.high),
            within_message(Region::Harsh, &j, target),
            "",
        ),
    };

    let top_end = match judge(&normalised, target, Region::Top) {
        None => no_range(Check::TopEnd, Region::Top),
        Some(j) if excess(j.level, j.range, Side::Below) >= TONAL_MARGIN_DB => finding(
            Check::TopEnd,
            Severity::Warn,
            Some(j.level),
            Some(j.range.low),
            outside_message(Region::Top, &j, Side::Below, target) + ": dull",
            "the top end is missing: check for a low-pass or a dull source, or add air with a high shelf",
        ),
        Some(j) if excess(j.level, j.range, Side::Above) >= TONAL_MARGIN_DB => finding(
            Check::TopEnd,
            Severity::Warn,
            Some(j.level),
            Some(j.range.high),
            outside_message(Region::Top, &j, Side::Above, target) + ": bright",
            "the top end is bright: check cymbals, sibilance and exciters; a gentle high shelf cut may help",
        ),
        Some(j) => finding(
            Check::TopEnd,
            Severity::Ok,
            Some(j.level),
            Some(j.range.low),
            within_message(Region::Top, &j, target),
            "",
        ),
    };
    vec![low_end, sub_bass, harshness, top_end]
}

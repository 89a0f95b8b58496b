//! Peak checks: headroom (true peak against the mix range or the platform's ceiling), clipping
//! (samples at full scale, true-peak overs) and master-bus limiting (peaks held at one ceiling).

use super::thresholds::*;
use super::{finding, Check, Finding, Profile, Severity};
use crate::platforms::{self, Codec, EncodedPeak, Platform};
use crate::stats::{ReadinessStats, PEAK_BINS, PEAK_BIN_DB};

/// Fraction of the loud 100 ms windows whose peak sits within [`PINNED_WINDOW_DB`] of the
/// maximum: high when a limiter or clipper holds every peak at one ceiling. Sample peaks and
/// true peaks are both looked at (sample-peak limiters pin one, true-peak limiters the other);
/// the higher fraction counts.
pub fn pinned_fraction(s: &ReadinessStats) -> Option<f64> {
    match (
        pinned_in(&s.peak_histogram),
        pinned_in(&s.sample_peak_histogram),
    ) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn pinned_in(histogram: &[u32; PEAK_BINS]) -> Option<f64> {
    let top = histogram.iter().rposition(|&c| c > 0)?;
    let pinned_bins = (PINNED_WINDOW_DB / PEAK_BIN_DB).round() as usize;
    let loud_bins = (LOUD_WINDOW_RANGE_DB / PEAK_BIN_DB).round() as usize;
    let count = |from: usize| -> u64 { histogram[from..=top].iter().map(|&c| c as u64).sum() };
    let pinned = count(top.saturating_sub(pinned_bins));
    let loud = count(top.saturating_sub(loud_bins));
    (loud >= 20).then(|| pinned as f64 / loud as f64)
}

pub(super) fn headroom(
    s: &ReadinessStats,
    profile: Profile,
    platform: &'static Platform,
    encoded: &[EncodedPeak<'_>],
) -> Finding {
    let Some(tp) = s.true_peak_dbtp else {
        return finding(
            Check::Headroom,
            Severity::Info,
            None,
            None,
            "no signal yet".into(),
            "",
        );
    };
    match profile {
        Profile::Mix => {
            if tp > MIX_PEAK_FAIL_DBTP {
                let pull = tp - (MIX_PEAK_MAX_DBTP + MIX_PEAK_MIN_DBTP) / 2.0;
                finding(
                    Check::Headroom,
                    Severity::Fail,
                    Some(tp),
                    Some(MIX_PEAK_FAIL_DBTP),
                    format!("true peak {tp:.1} dBTP leaves no headroom for mastering"),
                    &format!(
                        "pull the master fader down about {pull:.0} dB so peaks sit between {MIX_PEAK_MIN_DBTP:.0} and {MIX_PEAK_MAX_DBTP:.0} dBTP"
                    ),
                )
            } else if tp > MIX_PEAK_MAX_DBTP {
                let pull = tp - (MIX_PEAK_MAX_DBTP + MIX_PEAK_MIN_DBTP) / 2.0;
                finding(
                    Check::Headroom,
                    Severity::Warn,
                    Some(tp),
                    Some(MIX_PEAK_MAX_DBTP),
                    format!("true peak {tp:.1} dBTP: little headroom"),
                    &format!(
                        "pull the master fader down about {pull:.0} dB so peaks sit between {MIX_PEAK_MIN_DBTP:.0} and {MIX_PEAK_MAX_DBTP:.0} dBTP"
                    ),
                )
            } else if tp < MIX_PEAK_MIN_DBTP {
                finding(
                    Check::Headroom,
                    Severity::Info,
                    Some(tp),
                    Some(MIX_PEAK_MIN_DBTP),
                    format!("true peak {tp:.1} dBTP: more headroom than needed"),
                    &format!(
                        "fine for mastering; you may raise the mix so peaks reach {MIX_PEAK_MIN_DBTP:.0} to {MIX_PEAK_MAX_DBTP:.0} dBTP"
                    ),
                )
            } else {
                finding(
                    Check::Headroom,
                    Severity::Ok,
                    Some(tp),
                    Some(MIX_PEAK_MAX_DBTP),
                    format!(
                        "true peak {tp:.1} dBTP, within {MIX_PEAK_MIN_DBTP:.0}..{MIX_PEAK_MAX_DBTP:.0} dBTP"
                    ),
                    "",
                )
            }
        }
        Profile::Master => {
            let out = platforms::outcome(platform, s.integrated_lufs, Some(tp));
            let ceiling = out.ceiling_dbtp;
            let name = platform.name;
            let encoded = platforms::worst_encoded(platform, encoded);
            let after_encoder = |(codec, e): (&Codec, f64)| {
                format!(" ({e:.1} dBTP after its encoder, {})", codec.name)
            };
            if tp > ceiling {
                let worst = encoded.map_or(tp, |(_, e)| e.max(tp));
                finding(
                    Check::Headroom,
                    Severity::Fail,
                    Some(tp),
                    Some(ceiling),
                    format!(
                        "true peak {tp:.1} dBTP is over {name}'s {ceiling:.0} dBTP ceiling{}",
                        encoded.map(after_encoder).unwrap_or_default()
                    ),
                    &format!(
                        "lower the limiter ceiling by at least {:.1} dB (true-peak mode) to avoid clipping after encoding",
                        worst - ceiling
                    ),
                )
            } else if let Some((codec, e)) = encoded.filter(|&(_, e)| e > ceiling) {
                let clips = e > CLIP_DBFS;
                finding(
                    Check::Headroom,
                    if clips { Severity::Fail } else { Severity::Warn },
                    Some(e),
                    Some(ceiling),
                    format!(
                        "after {name}'s encoder ({}) the peak reaches {e:.1} dBTP{}, over the {ceiling:.0} dBTP ceiling (the master: {tp:.1} dBTP)",
                        codec.name,
                        if clips { " and clips" } else { "" }
                    ),
                    &format!(
                        "lower the limiter ceiling by {:.1} dB (true-peak mode) so the decoded peak stays under {ceiling:.0} dBTP",
                        e - ceiling
                    ),
                )
            } else {
                finding(
                    Check::Headroom,
                    Severity::Ok,
                    Some(tp),
                    Some(ceiling),
                    format!(
                        "true peak {tp:.1} dBTP within {name}'s {ceiling:.0} dBTP{}",
                        encoded.map(after_encoder).unwrap_or_default()
                    ),
                    "",
                )
            }
        }
    }
}

pub(super) fn clipping(s: &ReadinessStats) -> Finding {
    let count = s.clipped_samples + s.true_peak_overs_0db;
    if count == 0 {
        return finding(
            Check::Clipping,
            Severity::Ok,
            Some(0.0),
            Some(CLIP_DBFS),
            "no clipping".into(),
            "",
        );
    }
    let when = match (s.first_clip_s, s.last_clip_s) {
        (Some(a), Some(b)) if (b - a) > 0.05 => format!(", first at {a:.2} s, last at {b:.2} s"),
        (Some(a), _) => format!(", at {a:.2} s"),
        _ => String::new(),
    };
    finding(
        Check::Clipping,
        Severity::Fail,
        Some(count as f64),
        Some(CLIP_DBFS),
        format!(
            "{} samples at full scale and {} oversampled values above {CLIP_DBFS:.0} dBTP{when}",
            s.clipped_samples, s.true_peak_overs_0db
        ),
        "clipping cannot be undone in mastering: lower the master fader or the offending tracks and bounce again",
    )
}

pub(super) fn limiting(s: &ReadinessStats, profile: Profile) -> Finding {
    let (Some(pinned), Some(plr)) = (pinned_fraction(s), s.plr_db()) else {
        return finding(
            Check::Limiting,
            Severity::Info,
            None,
            None,
            "not enough loud audio yet".into(),
            "",
        );
    };
    let pinned_pct = pinned * 100.0;
    let limited = pinned >= PINNED_FRACTION_WARN;
    let severity = match profile {
        Profile::Master if limited => Severity::Info,
        Profile::Master => Severity::Ok,
        Profile::Mix if pinned >= PINNED_FRACTION_FAIL && plr < LIMITING_PLR_FAIL_DB => {
            Severity::Fail
        }
        Profile::Mix if limited => Severity::Warn,
        Profile::Mix => Severity::Ok,
    };
    let message = if limited {
        format!(
            "{pinned_pct:.0} % of loud 100 ms windows peak within {PINNED_WINDOW_DB} dB of the same ceiling (PLR {plr:.1} dB): a limiter or clipper is holding the peaks"
        )
    } else {
        format!("peaks vary naturally ({pinned_pct:.0} % of loud windows at the maximum)")
    };
    let advice = match severity {
        Severity::Warn | Severity::Fail => {
            "remove limiting and clipping from the master bus before export; leave peak control to mastering"
        }
        Severity::Info => "expected on a master",
        _ => "",
    };
    finding(
        Check::Limiting,
        severity,
        Some(pinned),
        Some(PINNED_FRACTION_WARN),
        message,
        advice,
    )
}

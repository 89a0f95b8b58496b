//! Loudness checks: a mix's integrated loudness, dynamics (peak-to-loudness ratio and loudness
//! range) and micro-dynamics (how much the loud passages move within 50 ms).

use super::thresholds::*;
use super::{finding, Check, Finding, Profile, Severity};
use crate::stats::{
    ReadinessStats, BLOCK_BINS, BLOCK_BIN_DB, BLOCK_HIST_MIN_LUFS, SHORT_BLOCK_SUBBLOCKS,
};

/// Seconds of loud passages [`micro_dynamics_db`] needs: [`MICRO_MIN_BLOCKS`] blocks of
/// [`SHORT_BLOCK_SUBBLOCKS`] 10 ms sub-blocks.
fn micro_min_seconds() -> f64 {
    (MICRO_MIN_BLOCKS * SHORT_BLOCK_SUBBLOCKS) as f64 * 0.01
}

/// Micro-dynamics: the 95th minus the 50th percentile of the loudness of the 50 ms blocks within
/// [`MICRO_GATE_LU`] of the integrated loudness (dB, to the histogram's 0.25 dB). Low when a
/// compressor holds the loud passages at one level between their transients. `None` before
/// [`MICRO_MIN_BLOCKS`] such blocks.
pub fn micro_dynamics_db(s: &ReadinessStats) -> Option<f64> {
    let gate = s.integrated_lufs? + MICRO_GATE_LU;
    let from = ((gate - BLOCK_HIST_MIN_LUFS) / BLOCK_BIN_DB)
        .ceil()
        .clamp(0.0, BLOCK_BINS as f64) as usize;
    let loud = &s.block_loudness_histogram[from..];
    let total: u64 = loud.iter().map(|&c| c as u64).sum();
    if total < MICRO_MIN_BLOCKS {
        return None;
    }
    // The bin holding the block of rank ceil(q * total), as its offset from the histogram's
    // bottom (dB): only the difference of two is used.
    let percentile = |q: f64| -> f64 {
        let rank = ((q * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        let bin = loud
            .iter()
            .position(|&c| {
                seen += c as u64;
                seen >= rank
            })
            .unwrap_or(loud.len() - 1);
        (from + bin) as f64 * BLOCK_BIN_DB
    };
    Some(percentile(0.95) - percentile(0.50))
}

/// The micro-dynamics check (mix profile only: a master is meant to be dense).
pub(super) fn micro_dynamics(s: &ReadinessStats, profile: Profile) -> Option<Finding> {
    if profile != Profile::Mix {
        return None;
    }
    let Some(spread) = micro_dynamics_db(s) else {
        return Some(finding(
            Check::MicroDynamics,
            Severity::Info,
            None,
            Some(MICRO_DYNAMICS_WARN_DB),
            format!(
                "micro-dynamics need {:.0} s of loud passages",
                micro_min_seconds()
            ),
            "",
        ));
    };
    Some(if spread < MICRO_DYNAMICS_WARN_DB {
        finding(
            Check::MicroDynamics,
            Severity::Warn,
            Some(spread),
            Some(MICRO_DYNAMICS_WARN_DB),
            format!(
                "the loud passages move only {spread:.1} dB within 50 ms, less than released masters: the mix is squashed"
            ),
            "ease off the bus compression (a lower ratio, a higher threshold or a slower attack) and leave the density to mastering",
        )
    } else {
        finding(
            Check::MicroDynamics,
            Severity::Ok,
            Some(spread),
            Some(MICRO_DYNAMICS_WARN_DB),
            format!("the loud passages move {spread:.1} dB within 50 ms"),
            "",
        )
    })
}

pub(super) fn mix_loudness(s: &ReadinessStats) -> Finding {
    let Some(i) = s.integrated_lufs else {
        return finding(
            Check::MixLoudness,
            Severity::Info,
            None,
            None,
            "no signal yet".into(),
            "",
        );
    };
    if i > MIX_LOUDNESS_WARN_LUFS {
        finding(
            Check::MixLoudness,
            Severity::Warn,
            Some(i),
            Some(MIX_LOUDNESS_WARN_LUFS),
            format!("integrated {i:.1} LUFS is master-loud for a mix"),
            &format!(
                "a mix this loud usually means bus limiting or clipping: aim for about {MIX_LOUDNESS_MIN_LUFS:.0} to {MIX_LOUDNESS_MAX_LUFS:.0} LUFS and let mastering add level"
            ),
        )
    } else if i > MIX_LOUDNESS_MAX_LUFS {
        finding(
            Check::MixLoudness,
            Severity::Info,
            Some(i),
            Some(MIX_LOUDNESS_MAX_LUFS),
            format!(
                "integrated {i:.1} LUFS, a little above the usual {MIX_LOUDNESS_MIN_LUFS:.0}..{MIX_LOUDNESS_MAX_LUFS:.0} LUFS"
            ),
            "fine if the peaks still have headroom",
        )
    } else if i < MIX_LOUDNESS_QUIET_LUFS {
        finding(
            Check::MixLoudness,
            Severity::Info,
            Some(i),
            Some(MIX_LOUDNESS_QUIET_LUFS),
            format!("integrated {i:.1} LUFS is quiet"),
            "fine for mastering, but the mix may be quieter than you think: check the gain staging",
        )
    } else {
        finding(
            Check::MixLoudness,
            Severity::Ok,
            Some(i),
            Some(MIX_LOUDNESS_MAX_LUFS),
            format!("integrated {i:.1} LUFS"),
            "",
        )
    }
}

pub(super) fn dynamics(s: &ReadinessStats, profile: Profile) -> Vec<Finding> {
    let mut out = Vec::new();
    if profile == Profile::Mix {
        if let Some(plr) = s.plr_db() {
            out.push(if plr < DYNAMICS_PLR_WARN_DB {
                finding(
                    Check::Dynamics,
                    Severity::Warn,
                    Some(plr),
                    Some(DYNAMICS_PLR_WARN_DB),
                    format!("PLR {plr:.1} dB: the mix is heavily compressed"),
                    "ease off bus compression and limiting; mastering needs the transients",
                )
            } else {
                finding(
                    Check::Dynamics,
                    Severity::Ok,
                    Some(plr),
                    Some(DYNAMICS_PLR_WARN_DB),
                    format!("PLR {plr:.1} dB"),
                    "",
                )
            });
        }
    }
    if s.measured_s < LRA_MIN_S {
        out.push(finding(
            Check::LoudnessRange,
            Severity::Info,
            s.loudness_range_lu,
            Some(LRA_MIN_S),
            format!(
                "loudness range needs {LRA_MIN_S:.0} s of audio ({:.0} s so far)",
                s.measured_s
            ),
            "play the whole song for the section-to-section check",
        ));
    } else if let Some(lra) = s.loudness_range_lu {
        let loud = s
            .integrated_lufs
            .is_some_and(|i| i > MIX_LOUDNESS_WARN_LUFS);
        out.push(if lra > LRA_WIDE_LU {
            // Worth knowing, not a fault: orchestral, film and much acoustic music spans more.
            finding(
                Check::LoudnessRange,
                Severity::Info,
                Some(lra),
                Some(LRA_WIDE_LU),
                format!("loudness range {lra:.1} LU: very uneven sections"),
                "normal for orchestral and film music; in a pop song, check the balance between quiet and loud sections",
            )
        } else if lra < LRA_NARROW_LU && loud {
            finding(
                Check::LoudnessRange,
                Severity::Warn,
                Some(lra),
                Some(LRA_NARROW_LU),
                format!("loudness range {lra:.1} LU at a loud level: squashed"),
                "leave the song room to breathe between sections",
            )
        } else {
            finding(
                Check::LoudnessRange,
                Severity::Ok,
                Some(lra),
                Some(LRA_WIDE_LU),
                format!("loudness range {lra:.1} LU"),
                "",
            )
        });
    }
    out
}

//! Loudness checks: a mix's integrated loudness, and dynamics (peak-to-loudness ratio and
//! loudness range).

use super::thresholds::*;
use super::{finding, Check, Finding, Profile, Severity};
use crate::stats::ReadinessStats;

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

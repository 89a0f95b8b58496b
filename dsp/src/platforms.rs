//! Streaming and broadcast loudness targets: the single table the CLI, the editor and the README
//! read, and what each service will do to a master.
//!
//! Figures: the services' own published normalisation targets (Spotify, Apple Music, Amazon
//! Music, YouTube, Tidal, Deezer; the README's platform table lists them), EBU R128 v4, ATSC A/85
//! and AES TD1008.
//! How each one applies gain is a convention of the service and can change; the `policy` column
//! states what is assumed here.

/// How a service applies its normalisation gain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GainPolicy {
    /// Turns loud tracks down; never raises quiet ones.
    TurnDownOnly,
    /// Turns loud tracks down and raises quiet ones only as far as keeps the true peak at the
    /// ceiling (no limiter).
    PeakLimitedRaise,
    /// Normalises both ways to the target (broadcast practice: level is adjusted in production).
    Both,
}

/// One service's target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Platform {
    /// Stable id used on the command line and in JSON.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Integrated loudness target (LUFS).
    pub target_lufs: f64,
    /// True-peak ceiling (dBTP).
    pub true_peak_ceiling_dbtp: f64,
    /// Stricter ceiling for masters louder than the target, if the service asks for one.
    pub loud_master_ceiling_dbtp: Option<f64>,
    /// How gain is applied.
    pub policy: GainPolicy,
    /// One line for the table: what the service does.
    pub note: &'static str,
}

/// Every service Preflight knows, in display order.
pub const PLATFORMS: [Platform; 9] = [
    Platform {
        id: "spotify",
        name: "Spotify",
        target_lufs: -14.0,
        true_peak_ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: Some(-2.0),
        policy: GainPolicy::PeakLimitedRaise,
        note: "turns loud tracks down; raises quiet ones only up to -1 dBTP",
    },
    Platform {
        id: "apple_music",
        name: "Apple Music",
        target_lufs: -16.0,
        true_peak_ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::PeakLimitedRaise,
        note: "Sound Check, on by default on iOS",
    },
    Platform {
        id: "amazon_music",
        name: "Amazon Music",
        target_lufs: -14.0,
        true_peak_ceiling_dbtp: -2.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::TurnDownOnly,
        note: "turns loud tracks down",
    },
    Platform {
        id: "youtube",
        name: "YouTube",
        target_lufs: -14.0,
        true_peak_ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::TurnDownOnly,
        note: "turns down only",
    },
    Platform {
        id: "tidal",
        name: "Tidal",
        target_lufs: -14.0,
        true_peak_ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::TurnDownOnly,
        note: "turns down only",
    },
    Platform {
        id: "deezer",
        name: "Deezer",
        target_lufs: -15.0,
        true_peak_ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::TurnDownOnly,
        note: "turns loud tracks down (third-party figure)",
    },
    Platform {
        id: "ebu_r128",
        name: "EBU R128 broadcast",
        target_lufs: -23.0,
        true_peak_ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::Both,
        note: "-23 LUFS +-1 LU in production",
    },
    Platform {
        id: "atsc_a85",
        name: "ATSC A/85",
        target_lufs: -24.0,
        true_peak_ceiling_dbtp: -2.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::Both,
        note: "US broadcast",
    },
    Platform {
        id: "aes_streaming",
        name: "AES TD1008 streaming",
        target_lufs: -16.0,
        true_peak_ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::Both,
        note: "album: loudest track up to -14 LUFS",
    },
];

/// The platform with `id`, if known.
pub fn platform(id: &str) -> Option<&'static Platform> {
    PLATFORMS.iter().find(|p| p.id == id)
}

/// What a service will do to a master.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformStatus {
    /// Turned down by the gain.
    TurnedDown,
    /// Raised by the gain, reaching the target.
    Raised,
    /// Within 0.1 LU of the target.
    AtTarget,
    /// Left quieter than the target (turn-down-only, or raise limited by the peak ceiling).
    StaysQuieter,
    /// The true peak after normalisation is above the ceiling: risk of clipping in lossy
    /// encoding or playback.
    OverCeiling,
    /// Nothing measured above the gates.
    NoSignal,
}

impl PlatformStatus {
    /// Stable snake_case code for JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::TurnedDown => "turned_down",
            Self::Raised => "raised",
            Self::AtTarget => "at_target",
            Self::StaysQuieter => "stays_quieter",
            Self::OverCeiling => "over_ceiling",
            Self::NoSignal => "no_signal",
        }
    }
}

/// One row of the platform table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlatformOutcome {
    /// The service.
    pub platform: &'static Platform,
    /// Ceiling that applies to this master (Spotify's is stricter for loud masters).
    pub ceiling_dbtp: f64,
    /// Gain the service applies (dB; negative = turned down).
    pub gain_db: Option<f64>,
    /// True peak after that gain (dBTP).
    pub true_peak_after_dbtp: Option<f64>,
    /// What happens.
    pub status: PlatformStatus,
    /// How far from the target the master ends up (dB; negative = quieter).
    pub shortfall_db: Option<f64>,
}

impl PlatformOutcome {
    /// A sentence for the table, e.g. "turned down by 4.2 dB".
    pub fn describe(&self) -> String {
        let g = self.gain_db.unwrap_or(0.0).abs();
        match self.status {
            PlatformStatus::TurnedDown => format!("turned down by {g:.1} dB"),
            PlatformStatus::Raised => format!("raised by {g:.1} dB"),
            PlatformStatus::AtTarget => "at target".to_string(),
            PlatformStatus::StaysQuieter => format!(
                "stays {:.1} dB quieter than target",
                self.shortfall_db.unwrap_or(0.0).abs()
            ),
            PlatformStatus::OverCeiling => format!(
                "true peak {:+.1} dBTP after normalisation, over the {:.0} dBTP ceiling",
                self.true_peak_after_dbtp.unwrap_or(0.0),
                self.ceiling_dbtp
            ),
            PlatformStatus::NoSignal => "no signal".to_string(),
        }
    }
}

/// Tolerance within which a master counts as at target (LU).
pub(crate) const AT_TARGET_LU: f64 = 0.1;

/// What `platform` does to a master with this integrated loudness and max true peak.
pub fn outcome(
    platform: &'static Platform,
    integrated_lufs: Option<f64>,
    true_peak_dbtp: Option<f64>,
) -> PlatformOutcome {
    let ceiling = match (platform.loud_master_ceiling_dbtp, integrated_lufs) {
        (Some(strict), Some(i)) if i > platform.target_lufs => strict,
        _ => platform.true_peak_ceiling_dbtp,
    };
    let Some(i) = integrated_lufs else {
        return PlatformOutcome {
            platform,
            ceiling_dbtp: ceiling,
            gain_db: None,
            true_peak_after_dbtp: None,
            status: PlatformStatus::NoSignal,
            shortfall_db: None,
        };
    };
    let wanted = platform.target_lufs - i;
    let gain = if wanted <= 0.0 {
        wanted
    } else {
        match platform.policy {
            GainPolicy::TurnDownOnly => 0.0,
            GainPolicy::Both => wanted,
            GainPolicy::PeakLimitedRaise => match true_peak_dbtp {
                Some(tp) => wanted.min((ceiling - tp).max(0.0)),
                None => wanted,
            },
        }
    };
    let after = true_peak_dbtp.map(|tp| tp + gain);
    let shortfall = i + gain - platform.target_lufs;
    let status = if after.is_some_and(|a| a > ceiling) {
        PlatformStatus::OverCeiling
    } else if shortfall < -AT_TARGET_LU {
        PlatformStatus::StaysQuieter
    } else if gain < -AT_TARGET_LU {
        PlatformStatus::TurnedDown
    } else if gain > AT_TARGET_LU {
        PlatformStatus::Raised
    } else {
        PlatformStatus::AtTarget
    };
    PlatformOutcome {
        platform,
        ceiling_dbtp: ceiling,
        gain_db: Some(gain),
        true_peak_after_dbtp: after,
        status,
        shortfall_db: Some(shortfall),
    }
}

/// The whole table for a master.
pub fn table(integrated_lufs: Option<f64>, true_peak_dbtp: Option<f64>) -> Vec<PlatformOutcome> {
    PLATFORMS
        .iter()
        .map(|p| outcome(p, integrated_lufs, true_peak_dbtp))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, i: f64, tp: f64) -> PlatformOutcome {
        outcome(platform(id).expect("known id"), Some(i), Some(tp))
    }

    #[test]
    fn loud_master_is_turned_down_everywhere() {
        // -8 LUFS, -0.3 dBTP: Spotify -6 dB -> -6.3 dBTP, under its strict -2 dBTP ceiling.
        let s = row("spotify", -8.0, -0.3);
        assert_eq!(s.gain_db, Some(-6.0));
        assert!((s.true_peak_after_dbtp.expect("peak") + 6.3).abs() < 1e-9);
        assert_eq!(s.ceiling_dbtp, -2.0);
        assert_eq!(s.status, PlatformStatus::TurnedDown);
        let a = row("apple_music", -8.0, -0.3);
        assert_eq!(a.gain_db, Some(-8.0));
        let e = row("ebu_r128", -8.0, -0.3);
        assert_eq!(e.gain_db, Some(-15.0));
    }

    #[test]
    fn quiet_master_depends_on_policy() {
        // -20 LUFS, -3 dBTP.
        let y = row("youtube", -20.0, -3.0);
        assert_eq!(y.gain_db, Some(0.0));
        assert_eq!(y.status, PlatformStatus::StaysQuieter);
        assert!((y.shortfall_db.expect("level") + 6.0).abs() < 1e-9);
        // Spotify wants +6 dB but stops at -1 dBTP: +2 dB, 4 dB short.
        let s = row("spotify", -20.0, -3.0);
        assert_eq!(s.gain_db, Some(2.0));
        assert_eq!(s.true_peak_after_dbtp, Some(-1.0));
        assert_eq!(s.status, PlatformStatus::StaysQuieter);
        // Broadcast normalises fully: -24 LKFS wants -4 dB.
        let atsc = row("atsc_a85", -20.0, -3.0);
        assert_eq!(atsc.gain_db, Some(-4.0));
        assert_eq!(atsc.status, PlatformStatus::TurnedDown);
        // EBU raises by 3 -> 0 dBTP, over its -1 ceiling.
        let ebu = row("ebu_r128", -26.0, -3.0);
        assert_eq!(ebu.gain_db, Some(3.0));
        assert_eq!(ebu.status, PlatformStatus::OverCeiling);
    }

    #[test]
    fn at_target_and_over_ceiling() {
        let s = row("spotify", -14.05, -1.5);
        assert_eq!(s.status, PlatformStatus::AtTarget);
        let amazon = row("amazon_music", -14.0, -1.0);
        assert_eq!(amazon.status, PlatformStatus::OverCeiling);
        let none = outcome(&PLATFORMS[0], None, None);
        assert_eq!(none.status, PlatformStatus::NoSignal);
        assert_eq!(table(Some(-14.0), Some(-3.0)).len(), 9);
        assert!(platform("nope").is_none());
    }
}

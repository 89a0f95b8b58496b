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
    /// The lossy codecs it streams with, as codec-preview ids (`preflight check --codecs`):
    /// the figures after encoding come from these (empty where no encoder fits, such as Apple
    /// Music's AAC, or where the service streams lossless).
    pub codecs: &'static [&'static str],
}

/// A codec family the preview encodes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodecFamily {
    /// Ogg Vorbis (libvorbis with the aoTuV tuning).
    Vorbis,
    /// Opus (libopus), at 48 kHz.
    Opus,
    /// MPEG-1 Layer III (LAME).
    Mp3,
}

/// One codec and bitrate a service streams with (see `preflight check --codecs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Codec {
    /// Stable id for the command line and JSON.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Which encoder.
    pub family: CodecFamily,
    /// Target bitrate (kbit/s).
    pub bitrate_kbps: u32,
    /// Who uses it.
    pub used_by: &'static str,
}

/// Every codec the preview knows, in display order. Bitrates are the services' published
/// quality settings: Spotify's "very high" (320 kbit/s) and "high" (160 kbit/s) Ogg Vorbis,
/// YouTube's Opus audio stream (up to 160 kbit/s), Deezer's and the download stores' 320 kbit/s
/// MP3.
pub const CODECS: [Codec; 4] = [
    Codec {
        id: "vorbis-320",
        name: "Ogg Vorbis 320 kbps",
        family: CodecFamily::Vorbis,
        bitrate_kbps: 320,
        used_by: "Spotify, very high quality",
    },
    Codec {
        id: "vorbis-160",
        name: "Ogg Vorbis 160 kbps",
        family: CodecFamily::Vorbis,
        bitrate_kbps: 160,
        used_by: "Spotify, high quality",
    },
    Codec {
        id: "opus-160",
        name: "Opus 160 kbps",
        family: CodecFamily::Opus,
        bitrate_kbps: 160,
        used_by: "YouTube",
    },
    Codec {
        id: "mp3-320",
        name: "MP3 320 kbps",
        family: CodecFamily::Mp3,
        bitrate_kbps: 320,
        used_by: "Deezer, download stores",
    },
];

/// The codec with `id`, if known.
pub fn codec(id: &str) -> Option<&'static Codec> {
    CODECS.iter().find(|c| c.id == id)
}

/// A master's true peak after one codec's encode and decode, at unity gain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EncodedPeak<'a> {
    /// Codec-preview id (see [`Platform::codecs`]).
    pub codec: &'a str,
    /// Decoded true peak (dBTP).
    pub true_peak_dbtp: f64,
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
        codecs: &["vorbis-320", "vorbis-160"],
    },
    Platform {
        id: "apple_music",
        name: "Apple Music",
        target_lufs: -16.0,
        true_peak_ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::PeakLimitedRaise,
        note: "Sound Check, on by default on iOS",
        codecs: &[],
    },
    Platform {
        id: "amazon_music",
        name: "Amazon Music",
        target_lufs: -14.0,
        true_peak_ceiling_dbtp: -2.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::TurnDownOnly,
        note: "turns loud tracks down",
        codecs: &[],
    },
    Platform {
        id: "youtube",
        name: "YouTube",
        target_lufs: -14.0,
        true_peak_ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::TurnDownOnly,
        note: "turns down only",
        codecs: &["opus-160"],
    },
    Platform {
        id: "tidal",
        name: "Tidal",
        target_lufs: -14.0,
        true_peak_ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::TurnDownOnly,
        note: "turns down only",
        codecs: &[],
    },
    Platform {
        id: "deezer",
        name: "Deezer",
        target_lufs: -15.0,
        true_peak_ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::TurnDownOnly,
        note: "turns loud tracks down (third-party figure)",
        codecs: &["mp3-320"],
    },
    Platform {
        id: "ebu_r128",
        name: "EBU R128 broadcast",
        target_lufs: -23.0,
        true_peak_ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::Both,
        note: "-23 LUFS +-1 LU in production",
        codecs: &[],
    },
    Platform {
        id: "atsc_a85",
        name: "ATSC A/85",
        target_lufs: -24.0,
        true_peak_ceiling_dbtp: -2.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::Both,
        note: "US broadcast",
        codecs: &[],
    },
    Platform {
        id: "aes_streaming",
        name: "AES TD1008 streaming",
        target_lufs: -16.0,
        true_peak_ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        policy: GainPolicy::Both,
        note: "album: loudest track up to -14 LUFS",
        codecs: &[],
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
    /// True peak after the service's encoder and its gain (dBTP), where the codec preview
    /// measured it: the highest over the service's [`Platform::codecs`] that were measured.
    pub encoded_true_peak_after_dbtp: Option<f64>,
    /// The codec that gave [`Self::encoded_true_peak_after_dbtp`].
    pub encoded_by: Option<&'static Codec>,
}

impl PlatformOutcome {
    /// The codec and the true peak after it and the gain, where the preview measured them.
    pub fn encoded(&self) -> Option<(&'static Codec, f64)> {
        self.encoded_by.zip(self.encoded_true_peak_after_dbtp)
    }

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
            PlatformStatus::OverCeiling => match (self.true_peak_after_dbtp, self.encoded()) {
                (Some(tp), _) if tp > self.ceiling_dbtp => format!(
                    "true peak {tp:+.1} dBTP after normalisation, over the {:.0} dBTP ceiling",
                    self.ceiling_dbtp
                ),
                (_, Some((codec, tp))) => format!(
                    "true peak {tp:+.1} dBTP after normalisation and its encoder ({}), over the {:.0} dBTP ceiling",
                    codec.name, self.ceiling_dbtp
                ),
                _ => format!("over the {:.0} dBTP ceiling", self.ceiling_dbtp),
            },
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
    outcome_encoded(platform, integrated_lufs, true_peak_dbtp, &[])
}

/// [`outcome`], with the master's peaks after the codecs the preview measured: the service's
/// gain applies to the decoded signal (normalisation happens at playback), and a decoded peak
/// over the ceiling is [`PlatformStatus::OverCeiling`] like the master's own.
pub fn outcome_encoded(
    platform: &'static Platform,
    integrated_lufs: Option<f64>,
    true_peak_dbtp: Option<f64>,
    encoded: &[EncodedPeak<'_>],
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
            encoded_true_peak_after_dbtp: None,
            encoded_by: None,
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
    let worst = worst_encoded(platform, encoded);
    let encoded_after = worst.map(|(_, tp)| tp + gain);
    let shortfall = i + gain - platform.target_lufs;
    let over = |v: Option<f64>| v.is_some_and(|a| a > ceiling);
    let status = if over(after) || over(encoded_after) {
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
        encoded_true_peak_after_dbtp: encoded_after,
        encoded_by: worst.map(|(codec, _)| codec),
    }
}

/// The highest decoded true peak (unity gain) among the measured codecs `platform` streams
/// with, and which codec gave it.
pub fn worst_encoded(
    platform: &'static Platform,
    encoded: &[EncodedPeak<'_>],
) -> Option<(&'static Codec, f64)> {
    platform
        .codecs
        .iter()
        .filter_map(|&id| {
            let tp = encoded
                .iter()
                .filter(|e| e.codec == id)
                .map(|e| e.true_peak_dbtp)
                .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))?;
            Some((codec(id)?, tp))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// The whole table for a master.
pub fn table(integrated_lufs: Option<f64>, true_peak_dbtp: Option<f64>) -> Vec<PlatformOutcome> {
    table_encoded(integrated_lufs, true_peak_dbtp, &[])
}

/// The whole table, with the peaks after the codecs the preview measured.
pub fn table_encoded(
    integrated_lufs: Option<f64>,
    true_peak_dbtp: Option<f64>,
    encoded: &[EncodedPeak<'_>],
) -> Vec<PlatformOutcome> {
    PLATFORMS
        .iter()
        .map(|p| outcome_encoded(p, integrated_lufs, true_peak_dbtp, encoded))
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

    #[test]
    fn every_platform_codec_is_a_known_codec() {
        for p in &PLATFORMS {
            for id in p.codecs {
                assert!(codec(id).is_some(), "{}: {id}", p.id);
            }
        }
    }

    #[test]
    fn encoded_peaks_follow_the_gain_and_can_put_a_master_over_the_ceiling() {
        let spotify = platform("spotify").expect("known id");
        // -14 LUFS at -1.5 dBTP: at target, under -1 dBTP; Vorbis 160 raises it to -0.6.
        let encoded = [
            EncodedPeak {
                codec: "vorbis-320",
                true_peak_dbtp: -0.9,
            },
            EncodedPeak {
                codec: "vorbis-160",
                true_peak_dbtp: -0.6,
            },
            EncodedPeak {
                codec: "opus-160",
                true_peak_dbtp: 0.4,
            },
        ];
        let plain = outcome(spotify, Some(-14.0), Some(-1.5));
        assert_eq!(plain.status, PlatformStatus::AtTarget);
        assert_eq!(plain.encoded(), None);
        let s = outcome_encoded(spotify, Some(-14.0), Some(-1.5), &encoded);
        assert_eq!(s.status, PlatformStatus::OverCeiling);
        assert_eq!(
            s.encoded(),
            Some((codec("vorbis-160").expect("known"), -0.6))
        );
        assert!(s.describe().contains("Vorbis 160"), "{}", s.describe());
        // A loud master is turned down after decoding: -8 LUFS, Opus at +0.4 dBTP -> -5.6.
        let youtube = platform("youtube").expect("known id");
        let y = outcome_encoded(youtube, Some(-8.0), Some(-0.2), &encoded);
        let (codec, tp) = y.encoded().expect("measured");
        assert_eq!(codec.id, "opus-160");
        assert!((tp + 5.6).abs() < 1e-9);
        assert_eq!(y.status, PlatformStatus::TurnedDown);
        // No codec of Apple Music's was measured.
        let apple = platform("apple_music").expect("known id");
        assert_eq!(
            outcome_encoded(apple, Some(-14.0), Some(-1.5), &encoded).encoded(),
            None
        );
    }
}

//! Readiness rules: from the engine's statistics to a verdict and a list of findings, as pure
//! functions (no I/O, no clock), so the CLI and the editor judge a mix the same way.
//!
//! The thresholds are conventions of mix and mastering practice, not standards; each is a named
//! constant in [`thresholds`] and listed in the README.
//!
//! Verdict rule: `insufficient` until [`MIN_MEASURED_S`] of non-silent audio (gating blocks above
//! -70 LUFS) has been measured; then `not_ready` if any finding is `fail`, else `ready`
//! (warnings are things worth a look, not blockers). Checks that need the loudness range wait
//! for [`LRA_MIN_S`] and say so with an `info` finding.
//!
//! Layout: this module holds the report types and [`evaluate`]; [`thresholds`] the constants;
//! the rules are grouped by subject in `peaks`, `loudness`, `stereo`, `spectrum` and `file`.
//! They read [`ReadinessStats`] (defined in `stats.rs`), which the meter fills.

mod file;
mod loudness;
mod peaks;
mod reference;
mod spectrum;
mod stereo;
mod targets;
mod targets_data;
#[cfg(test)]
mod tests;
mod thresholds;

pub use crate::stats::{ReadinessStats, PEAK_BIN_DB, PEAK_HIST_MIN_DBTP};
pub use loudness::micro_dynamics_db;
pub use reference::{
    mean, mean_matched, region_differences, RegionDifference, Tonal, NOTABLE_REGION_DB,
};
pub use stereo::equal_level_correlation;
pub use targets::{
    normalise, region_level, tilt_corrected, Range, Region, Style, TonalTarget, MIN_TRACKS,
};
pub use thresholds::*;

use crate::platforms::{self, EncodedPeak, Platform, PlatformOutcome};

/// What the producer asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// Is this mix ready to send to mastering?
    #[default]
    Mix,
    /// Is this master ready for release on the chosen platform?
    Master,
}

impl Profile {
    /// Stable id.
    pub fn id(self) -> &'static str {
        match self {
            Self::Mix => "mix",
            Self::Master => "master",
        }
    }
}

/// How serious a finding is, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Healthy.
    Ok,
    /// Worth knowing; not a problem.
    Info,
    /// Worth a look before sending.
    Warn,
    /// Must be fixed.
    Fail,
}

impl Severity {
    /// Stable id.
    pub fn id(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Fail => "fail",
        }
    }
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No failing finding.
    Ready,
    /// At least one failing finding.
    NotReady,
    /// Not enough audio yet.
    Insufficient,
}

impl Verdict {
    /// Stable id.
    pub fn id(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::NotReady => "not_ready",
            Self::Insufficient => "insufficient",
        }
    }
}

/// The checks. [`Check::id`] is stable (the JSON's `id`); [`Check::title`] is what the editor
/// shows. A new check is a new variant, so every `match` on it must handle it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    /// True peak against the mix's headroom range or the platform's ceiling.
    Headroom,
    /// Samples at full scale and true-peak overs.
    Clipping,
    /// Peaks held at one ceiling: a limiter or clipper on the bus.
    Limiting,
    /// Integrated loudness of a mix.
    MixLoudness,
    /// What a mono downmix loses.
    MonoCompat,
    /// Build-up in 200-500 Hz (mud) against the target.
    LowEnd,
    /// 20-60 Hz against the target.
    SubBass,
    /// Build-up in 2-5 kHz against the target.
    Harshness,
    /// 8-16 kHz against the target: dull or bright.
    TopEnd,
    /// Peak-to-loudness ratio and loudness range together.
    Dynamics,
    /// Level changes of the loud passages within 50 ms: bus squashing.
    MicroDynamics,
    /// Loudness range on its own.
    LoudnessRange,
    /// DC offset.
    DcOffset,
    /// NaN/Inf samples.
    NonFinite,
    /// The file's sample format.
    Format,
}

impl Check {
    /// Every check, in the order of the README's table.
    pub const ALL: [Self; 15] = [
        Self::Headroom,
        Self::Clipping,
        Self::Limiting,
        Self::MixLoudness,
        Self::MonoCompat,
        Self::LowEnd,
        Self::SubBass,
        Self::Harshness,
        Self::TopEnd,
        Self::Dynamics,
        Self::MicroDynamics,
        Self::LoudnessRange,
        Self::DcOffset,
        Self::NonFinite,
        Self::Format,
    ];

    /// Stable id.
    pub fn id(self) -> &'static str {
        match self {
            Self::Headroom => "headroom",
            Self::Clipping => "clipping",
            Self::Limiting => "limiting",
            Self::MixLoudness => "mix_loudness",
            Self::MonoCompat => "mono_compat",
            Self::LowEnd => "low_end",
            Self::SubBass => "sub_bass",
            Self::Harshness => "harshness",
            Self::TopEnd => "top_end",
            Self::Dynamics => "dynamics",
            Self::MicroDynamics => "micro_dynamics",
            Self::LoudnessRange => "loudness_range",
            Self::DcOffset => "dc_offset",
            Self::NonFinite => "non_finite",
            Self::Format => "format",
        }
    }

    /// Whether the check reads the long-term spectrum.
    pub fn is_spectral(self) -> bool {
        matches!(
            self,
            Self::LowEnd | Self::SubBass | Self::Harshness | Self::TopEnd
        )
    }

    /// Readable name.
    pub fn title(self) -> &'static str {
        match self {
            Self::Headroom => "Headroom",
            Self::Clipping => "Clipping",
            Self::Limiting => "Bus limiting",
            Self::MixLoudness => "Mix loudness",
            Self::MonoCompat => "Mono compatibility",
            Self::LowEnd => "Low end",
            Self::SubBass => "Sub-bass",
            Self::Harshness => "Harshness",
            Self::TopEnd => "Top end",
            Self::Dynamics => "Dynamics",
            Self::MicroDynamics => "Micro-dynamics",
            Self::LoudnessRange => "Loudness range",
            Self::DcOffset => "DC offset",
            Self::NonFinite => "Invalid samples",
            Self::Format => "File format",
        }
    }
}

/// One check's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Which check.
    pub id: Check,
    /// How serious.
    pub severity: Severity,
    /// The measured value the check judged (unit in the message).
    pub value: Option<f64>,
    /// The threshold it was held against.
    pub threshold: Option<f64>,
    /// One line: what was found.
    pub message: String,
    /// What to do about it.
    pub advice: String,
}

/// Facts about a file that only the CLI knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFormat {
    /// Codec name (e.g. `pcm_s16le`, `flac`, `mp3`).
    pub codec: String,
    /// Bits per sample, if the format has them.
    pub bits_per_sample: Option<u32>,
    /// Floating-point samples.
    pub float: bool,
    /// Lossy codec.
    pub lossy: bool,
}

/// A verdict with its reasons and the platform table.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The answer.
    pub verdict: Verdict,
    /// Profile judged against.
    pub profile: Profile,
    /// Platform the master profile was judged against.
    pub platform: &'static Platform,
    /// Name of the tonal target the spectrum was judged against.
    pub target: String,
    /// Findings, worst first.
    pub findings: Vec<Finding>,
    /// What every platform will do.
    pub platforms: Vec<PlatformOutcome>,
}

fn finding(
    id: Check,
    severity: Severity,
    value: Option<f64>,
    threshold: Option<f64>,
    message: String,
    advice: &str,
) -> Finding {
    Finding {
        id,
        severity,
        value,
        threshold,
        message,
        advice: advice.to_string(),
    }
}

/// With too little audio for a verdict, only what is wrong whatever follows keeps its
/// severity: clipped, invalid samples, the file's format. A level or a balance judged on a few
/// seconds is no verdict, so those findings become information, and the spectral ones say only
/// that there is too little audio (their figures would describe the noise floor).
fn hold_judgment(f: &mut Finding) {
    if matches!(f.id, Check::Clipping | Check::NonFinite | Check::Format) {
        return;
    }
    if f.id.is_spectral() {
        f.severity = Severity::Info;
        f.value = None;
        f.message =
            format!("too little audio to judge (under {MIN_MEASURED_S:.0} s above the gate)");
        f.advice.clear();
    } else if f.severity > Severity::Info {
        f.severity = Severity::Info;
        f.message.push_str(" (too little audio for a verdict yet)");
    }
}

/// Judges the statistics against the general tonal target ([`Style::General`]). `format` is
/// given for files only. Allocates; not for the audio thread.
pub fn evaluate(
    stats: &ReadinessStats,
    profile: Profile,
    platform: &'static Platform,
    format: Option<&FileFormat>,
) -> Report {
    evaluate_against(stats, profile, platform, format, &Style::General.target())
}

/// Judges the statistics, the spectrum against `target`. `format` is given for files only (the
/// measurement is then complete). Allocates; not for the audio thread.
pub fn evaluate_against(
    stats: &ReadinessStats,
    profile: Profile,
    platform: &'static Platform,
    format: Option<&FileFormat>,
    target: &TonalTarget,
) -> Report {
    evaluate_encoded(stats, profile, platform, format, target, &[])
}

/// [`evaluate_against`], with the master's peaks after lossy encoding (the codec preview's):
/// `headroom` in the master profile judges the decoded peak of the platform's codecs, and the
/// platform table gains the true peak after encoding. Allocates; not for the audio thread.
pub fn evaluate_encoded(
    stats: &ReadinessStats,
    profile: Profile,
    platform: &'static Platform,
    format: Option<&FileFormat>,
    target: &TonalTarget,
    encoded: &[EncodedPeak<'_>],
) -> Report {
    let mut findings = vec![
        peaks::headroom(stats, profile, platform, encoded),
        peaks::clipping(stats),
        peaks::limiting(stats, profile),
    ];
    if profile == Profile::Mix {
        findings.push(loudness::mix_loudness(stats));
    }
    findings.push(stereo::mono_compat(stats));
    findings.extend(spectrum::spectral(stats, target, format.is_some()));
    findings.extend(loudness::dynamics(stats, profile));
    findings.extend(loudness::micro_dynamics(stats, profile));
    findings.push(file::dc_offset(stats));
    findings.push(file::non_finite(stats));
    if let Some(f) = format {
        findings.push(file::file_format(f));
    }
    let insufficient = stats.non_silent_s < MIN_MEASURED_S;
    if insufficient {
        for f in &mut findings {
            hold_judgment(f);
        }
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let verdict = if insufficient {
        Verdict::Insufficient
    } else if findings.iter().any(|f| f.severity == Severity::Fail) {
        Verdict::NotReady
    } else {
        Verdict::Ready
    };
    Report {
        verdict,
        profile,
        platform,
        target: target.name.clone(),
        findings,
        platforms: platforms::table_encoded(stats.integrated_lufs, stats.true_peak_dbtp, encoded),
    }
}

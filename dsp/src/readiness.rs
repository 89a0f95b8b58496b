//! Readiness rules: from the engine's statistics to a verdict and a list of findings, as pure
//! functions (no I/O, no clock), so the CLI and the editor judge a mix the same way.
//!
//! The thresholds are conventions of mix and mastering practice, not standards (see
//! `DOMAIN.md`); each is a named constant below and listed in the README.
//!
//! Verdict rule: `insufficient` until [`MIN_MEASURED_S`] of non-silent audio (gating blocks above
//! -70 LUFS) has been measured; then `not_ready` if any finding is `fail`, else `ready`
//! (warnings are things worth a look, not blockers). Checks that need the loudness range wait
//! for [`LRA_MIN_S`] and say so with an `info` finding.

use crate::layout::MAX_CHANNELS;
use crate::platforms::{self, Platform, PlatformOutcome};
use crate::spectrum::{band_centers_hz, BAND_COUNT};

// ---- Thresholds (the README's table lists these with their sources) ----

/// Non-silent audio needed before any verdict (s).
pub const MIN_MEASURED_S: f64 = 10.0;
/// Audio needed before the loudness range means anything (EBU Tech 3342) (s).
pub const LRA_MIN_S: f64 = 60.0;
/// Mix headroom: the healthy range's top (dBTP). Above it: warn.
pub const MIX_PEAK_MAX_DBTP: f64 = -3.0;
/// Mix headroom: the healthy range's bottom (dBTP). Below it: info.
pub const MIX_PEAK_MIN_DBTP: f64 = -6.0;
/// Mix headroom: above this the mix fails (dBTP).
pub const MIX_PEAK_FAIL_DBTP: f64 = -1.0;
/// Full scale: samples at or above it, or a true peak above it, are clipping (dBFS / dBTP).
pub const CLIP_DBFS: f64 = 0.0;
/// Mix loudness: the healthy range (LUFS).
pub const MIX_LOUDNESS_MIN_LUFS: f64 = -23.0;
/// Mix loudness: the healthy range's top (LUFS).
pub const MIX_LOUDNESS_MAX_LUFS: f64 = -18.0;
/// Mix loudness: louder than this points to bus limiting or clipping (LUFS).
pub const MIX_LOUDNESS_WARN_LUFS: f64 = -14.0;
/// Mix loudness: quieter than this is worth mentioning (LUFS).
pub const MIX_LOUDNESS_QUIET_LUFS: f64 = -30.0;
/// Limiting: a 100 ms window is "pinned" when its true peak is within this of the maximum (dB).
pub const PINNED_WINDOW_DB: f64 = 0.5;
/// Limiting: windows considered are those within this of the maximum peak (dB).
pub const LOUD_WINDOW_RANGE_DB: f64 = 20.0;
/// Limiting: pinned fraction of the loud windows that suggests a limiter (warn).
pub const PINNED_FRACTION_WARN: f64 = 0.10;
/// Limiting: pinned fraction that, with a small PLR, fails a mix.
pub const PINNED_FRACTION_FAIL: f64 = 0.25;
/// Dynamics: a mix's PLR below this is over-compressed (dB).
pub const MIX_PLR_WARN_DB: f64 = 9.0;
/// Limiting: PLR below this with pinned peaks fails a mix (dB).
pub const MIX_PLR_FAIL_DB: f64 = 10.0;
/// Dynamics: LRA above this means uneven sections (LU).
pub const LRA_WIDE_LU: f64 = 15.0;
/// Dynamics: LRA below this with a loud level means squashed (LU).
pub const LRA_NARROW_LU: f64 = 3.0;
/// Mono compatibility: a mono downmix of the loud passages this much quieter than the stereo
/// mix fails (dB). Uncorrelated channels lose 3 dB; losing 6 dB or more takes cancellation,
/// i.e. content of opposite polarity in the two channels (an inverted channel, a phase-flip
/// widener): equal-level channels reach it at correlation -0.5.
pub const MONO_LOSS_FAIL_DB: f64 = 6.0;
/// Mono compatibility: a mono downmix this much quieter warns (dB): very wide material, where
/// side-panned and decorrelated parts drop back in mono (equal-level channels at correlation
/// +0.12; uncorrelated ones lose 3.0 dB).
pub const MONO_LOSS_WARN_DB: f64 = 2.5;
/// Mono compatibility: the band below 150 Hz losing this much in mono fails: the bass cancels (dB).
pub const LOW_BAND_MONO_LOSS_FAIL_DB: f64 = 6.0;
/// Mono compatibility: the band below 150 Hz losing this much in mono warns (dB): the bass is
/// not mono, so its weight changes on mono playback (equal-level channels at correlation +0.59).
pub const LOW_BAND_MONO_LOSS_WARN_DB: f64 = 1.0;
/// Spectrum: excess over the fitted tilt that flags a region (dB).
pub const SPECTRAL_EXCESS_WARN_DB: f64 = 3.0;
/// Spectrum: sub-bass deviation from the tilt worth mentioning (dB).
pub const SUB_BASS_DEVIATION_INFO_DB: f64 = 6.0;
/// Mud region (Hz).
pub const MUD_BAND_HZ: (f64, f64) = (200.0, 500.0);
/// Harshness region (Hz).
pub const HARSH_BAND_HZ: (f64, f64) = (2_000.0, 5_000.0);
/// Sub-bass region (Hz).
pub const SUB_BASS_HZ: (f64, f64) = (20.0, 60.0);
/// Tilt of a typical mix's spectrum (per-bin power, dB per octave): the slope that makes a
/// balanced mix read flat, and the editor's default display slope.
pub const REFERENCE_TILT_DB_PER_OCTAVE: f64 = 4.5;
/// Range whose median (after the tilt) is the reference level (Hz).
pub const REFERENCE_RANGE_HZ: (f64, f64) = (100.0, 10_000.0);
/// DC offset that warns (dBFS).
pub const DC_WARN_DBFS: f64 = -60.0;
/// DC offset that fails (dBFS).
pub const DC_FAIL_DBFS: f64 = -40.0;
/// File format: integer bit depth below this gets advice.
pub const MIN_INTEGER_BITS: u32 = 24;

/// Bins of the per-window peak histogram: 0.1 dB from -30 to +6 dBTP.
pub const PEAK_BINS: usize = 360;
/// Lowest level of the peak histogram (dBTP).
pub const PEAK_HIST_MIN_DBTP: f64 = -30.0;
/// Width of a peak-histogram bin (dB).
pub const PEAK_BIN_DB: f64 = 0.1;

/// What the rules read: a fixed-size, `Copy` digest of the meter's state, built on the audio
/// thread (see [`crate::Meter::readiness_stats`]) or from a file's [`crate::Summary`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReadinessStats {
    /// Measured time (s).
    pub measured_s: f64,
    /// Non-silent time: gating blocks above the absolute gate, 100 ms each (s).
    pub non_silent_s: f64,
    /// Channels.
    pub channels: usize,
    /// Integrated loudness (LUFS).
    pub integrated_lufs: Option<f64>,
    /// Loudness range (LU).
    pub loudness_range_lu: Option<f64>,
    /// Highest true peak (dBTP).
    pub true_peak_dbtp: Option<f64>,
    /// Highest sample peak (dBFS).
    pub sample_peak_dbfs: Option<f64>,
    /// Samples at or above full scale.
    pub clipped_samples: u64,
    /// Oversampled values above 0 dBTP.
    pub true_peak_overs_0db: u64,
    /// First clipping (sample >= 0 dBFS or true peak > 0 dBTP), seconds from the start.
    pub first_clip_s: Option<f64>,
    /// Last clipping, seconds from the start.
    pub last_clip_s: Option<f64>,
    /// Correlation over the passages above the relative gate.
    pub loud_correlation: Option<f64>,
    /// How much quieter a mono downmix of those passages is than the stereo mix (dB; see
    /// [`crate::correlation::CorrelationSums::mono_loss_db`]).
    pub mono_loss_db: Option<f64>,
    /// Correlation below ~150 Hz over the whole measurement.
    pub low_band_correlation: Option<f64>,
    /// Mono-downmix loss below ~150 Hz over the whole measurement (dB).
    pub low_band_mono_loss_db: Option<f64>,
    /// Every L/R pair identical (mono on a stereo bus).
    pub channels_identical: bool,
    /// Whether there is an L/R pair at all.
    pub stereo: bool,
    /// DC offset per channel (dBFS).
    pub dc_offset_dbfs: [Option<f64>; MAX_CHANNELS],
    /// NaN/Inf samples.
    pub non_finite_samples: u64,
    /// Long-term average spectrum (1/6-octave bands, dB, no slope).
    pub spectrum_db: [Option<f64>; BAND_COUNT],
    /// Histogram of the max true peak of every non-silent 100 ms window.
    pub peak_histogram: [u32; PEAK_BINS],
    /// Histogram of the max sample peak of every non-silent 100 ms window.
    pub sample_peak_histogram: [u32; PEAK_BINS],
}

impl Default for ReadinessStats {
    fn default() -> Self {
        Self {
            measured_s: 0.0,
            non_silent_s: 0.0,
            channels: 0,
            integrated_lufs: None,
            loudness_range_lu: None,
            true_peak_dbtp: None,
            sample_peak_dbfs: None,
            clipped_samples: 0,
            true_peak_overs_0db: 0,
            first_clip_s: None,
            last_clip_s: None,
            loud_correlation: None,
            mono_loss_db: None,
            low_band_correlation: None,
            low_band_mono_loss_db: None,
            channels_identical: false,
            stereo: false,
            dc_offset_dbfs: [None; MAX_CHANNELS],
            non_finite_samples: 0,
            spectrum_db: [None; BAND_COUNT],
            peak_histogram: [0; PEAK_BINS],
            sample_peak_histogram: [0; PEAK_BINS],
        }
    }
}

impl ReadinessStats {
    /// PLR: max true peak minus integrated loudness.
    pub fn plr_db(&self) -> Option<f64> {
        Some(self.true_peak_dbtp? - self.integrated_lufs?)
    }

    /// Fraction of the loud 100 ms windows whose peak sits within [`PINNED_WINDOW_DB`] of the
    /// maximum: high when a limiter or clipper holds every peak at one ceiling. Sample peaks and
    /// true peaks are both looked at (sample-peak limiters pin one, true-peak limiters the other);
    /// the higher fraction counts.
    pub fn pinned_fraction(&self) -> Option<f64> {
        match (
            pinned_in(&self.peak_histogram),
            pinned_in(&self.sample_peak_histogram),
        ) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
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

/// The correlation at which two channels of equal level lose `mono_loss_db` in a mono downmix:
/// where the editor's correlation meters put the mono-compatibility thresholds.
pub fn equal_level_correlation(mono_loss_db: f64) -> f64 {
    2.0 * 10f64.powf(-mono_loss_db / 10.0) - 1.0
}

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
    /// Build-up in 200-500 Hz, and sub-bass against the tilt.
    LowEnd,
    /// Build-up in 2-5 kHz.
    Harshness,
    /// Peak-to-loudness ratio and loudness range together.
    Dynamics,
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
    pub const ALL: [Self; 12] = [
        Self::Headroom,
        Self::Clipping,
        Self::Limiting,
        Self::MixLoudness,
        Self::MonoCompat,
        Self::LowEnd,
        Self::Harshness,
        Self::Dynamics,
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
            Self::Harshness => "harshness",
            Self::Dynamics => "dynamics",
            Self::LoudnessRange => "loudness_range",
            Self::DcOffset => "dc_offset",
            Self::NonFinite => "non_finite",
            Self::Format => "format",
        }
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
            Self::Harshness => "Harshness",
            Self::Dynamics => "Dynamics",
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

/// Judges the statistics. `format` is given for files only. Allocates; not for the audio thread.
pub fn evaluate(
    stats: &ReadinessStats,
    profile: Profile,
    platform: &'static Platform,
    format: Option<&FileFormat>,
) -> Report {
    let mut findings = vec![
        headroom(stats, profile, platform),
        clipping(stats),
        limiting(stats, profile),
    ];
    if profile == Profile::Mix {
        findings.push(mix_loudness(stats));
    }
    findings.push(mono_compat(stats));
    findings.extend(spectral(stats));
    findings.extend(dynamics(stats, profile));
    findings.push(dc_offset(stats));
    findings.push(non_finite(stats));
    if let Some(f) = format {
        findings.push(file_format(f));
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let verdict = if stats.non_silent_s < MIN_MEASURED_S {
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
        findings,
        platforms: platforms::table(stats.integrated_lufs, stats.true_peak_dbtp),
    }
}

fn headroom(s: &ReadinessStats, profile: Profile, platform: &'static Platform) -> Finding {
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
                        "pull the master fader down about {pull:.0} dB so peaks sit between -6 and -3 dBFS"
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
                        "pull the master fader down about {pull:.0} dB so peaks sit between -6 and -3 dBFS"
                    ),
                )
            } else if tp < MIX_PEAK_MIN_DBTP {
                finding(
                    Check::Headroom,
                    Severity::Info,
                    Some(tp),
                    Some(MIX_PEAK_MIN_DBTP),
                    format!("true peak {tp:.1} dBTP: more headroom than needed"),
                    "fine for mastering; you may raise the mix so peaks reach -6 to -3 dBFS",
                )
            } else {
                finding(
                    Check::Headroom,
                    Severity::Ok,
                    Some(tp),
                    Some(MIX_PEAK_MAX_DBTP),
                    format!("true peak {tp:.1} dBTP, within -6..-3 dBTP"),
                    "",
                )
            }
        }
        Profile::Master => {
            let out = platforms::outcome(platform, s.integrated_lufs, Some(tp));
            let ceiling = out.ceiling_dbtp;
            if tp > ceiling {
                finding(
                    Check::Headroom,
                    Severity::Fail,
                    Some(tp),
                    Some(ceiling),
                    format!(
                        "true peak {tp:.1} dBTP is over {}'s {ceiling:.0} dBTP ceiling",
                        platform.name
                    ),
                    &format!(
                        "lower the limiter ceiling by at least {:.1} dB (true-peak mode) to avoid clipping after encoding",
                        tp - ceiling
                    ),
                )
            } else {
                finding(
                    Check::Headroom,
                    Severity::Ok,
                    Some(tp),
                    Some(ceiling),
                    format!(
                        "true peak {tp:.1} dBTP within {}'s {ceiling:.0} dBTP",
                        platform.name
                    ),
                    "",
                )
            }
        }
    }
}

fn clipping(s: &ReadinessStats) -> Finding {
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
            "{} samples at or above 0 dBFS and {} oversampled values above 0 dBTP{when}",
            s.clipped_samples, s.true_peak_overs_0db
        ),
        "clipping cannot be undone in mastering: lower the master fader or the offending tracks and bounce again",
    )
}

fn limiting(s: &ReadinessStats, profile: Profile) -> Finding {
    let (Some(pinned), Some(plr)) = (s.pinned_fraction(), s.plr_db()) else {
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
        Profile::Mix if pinned >= PINNED_FRACTION_FAIL && plr < MIX_PLR_FAIL_DB => Severity::Fail,
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

fn mix_loudness(s: &ReadinessStats) -> Finding {
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
            "a mix this loud usually means bus limiting or clipping: aim for about -23 to -18 LUFS and let mastering add level",
        )
    } else if i > MIX_LOUDNESS_MAX_LUFS {
        finding(
            Check::MixLoudness,
            Severity::Info,
            Some(i),
            Some(MIX_LOUDNESS_MAX_LUFS),
            format!("integrated {i:.1} LUFS, a little above the usual -23..-18 LUFS"),
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

fn mono_compat(s: &ReadinessStats) -> Finding {
    if !s.stereo {
        return finding(
            Check::MonoCompat,
            Severity::Ok,
            None,
            None,
            "mono source".into(),
            "",
        );
    }
    if s.channels_identical {
        return finding(
            Check::MonoCompat,
            Severity::Info,
            Some(0.0),
            None,
            "left and right are identical: mono material".into(),
            "intended? a stereo bounce of a mono mix is fine",
        );
    }
    let (Some(loss), Some(c)) = (s.mono_loss_db, s.loud_correlation) else {
        return finding(
            Check::MonoCompat,
            Severity::Info,
            None,
            None,
            "no signal yet".into(),
            "",
        );
    };
    let low = s.low_band_mono_loss_db.zip(s.low_band_correlation);
    if loss >= MONO_LOSS_FAIL_DB {
        return finding(
            Check::MonoCompat,
            Severity::Fail,
            Some(loss),
            Some(MONO_LOSS_FAIL_DB),
            format!(
                "in mono the mix is {loss:.1} dB quieter (correlation {c:+.2}): the channels \
                 cancel, as a polarity-inverted channel does"
            ),
            "check for a polarity-inverted channel or a phase-flipping widener; listen in mono",
        );
    }
    if let Some((lo, lo_c)) = low.filter(|&(lo, _)| lo >= LOW_BAND_MONO_LOSS_FAIL_DB) {
        return finding(
            Check::MonoCompat,
            Severity::Fail,
            Some(lo),
            Some(LOW_BAND_MONO_LOSS_FAIL_DB),
            format!(
                "in mono the bass below 150 Hz is {lo:.1} dB quieter (correlation {lo_c:+.2}): \
                 it cancels"
            ),
            "check the polarity of the kick, bass and any stereo bass effect; keep the low end mono",
        );
    }
    if loss >= MONO_LOSS_WARN_DB {
        return finding(
            Check::MonoCompat,
            Severity::Warn,
            Some(loss),
            Some(MONO_LOSS_WARN_DB),
            format!(
                "very wide (correlation {c:+.2}): in mono the mix is {loss:.1} dB quieter and \
                 wide parts drop back"
            ),
            "not a polarity problem: listen in mono, and narrow wideners or delays on the main \
             elements if they vanish",
        );
    }
    if let Some((lo, lo_c)) = low.filter(|&(lo, _)| lo >= LOW_BAND_MONO_LOSS_WARN_DB) {
        return finding(
            Check::MonoCompat,
            Severity::Warn,
            Some(lo),
            Some(LOW_BAND_MONO_LOSS_WARN_DB),
            format!(
                "bass below 150 Hz is not mono: {lo:.1} dB quieter in mono (correlation {lo_c:+.2})"
            ),
            "keep kick and bass centred: narrow or mono the low end below about 150 Hz",
        );
    }
    finding(
        Check::MonoCompat,
        Severity::Ok,
        Some(loss),
        Some(MONO_LOSS_WARN_DB),
        format!("in mono the mix is {loss:.1} dB quieter (correlation {c:+.2})"),
        "",
    )
}

/// Band levels measured against the tilt of a typical mix: each band is raised by
/// [`REFERENCE_TILT_DB_PER_OCTAVE`] per octave above 1 kHz (so a balanced mix reads flat, as on the
/// editor's spectrum) and compared with the median of those levels over [`REFERENCE_RANGE_HZ`].
/// Returns the mean excess in the mud, harshness and sub-bass regions.
fn spectral_residuals(s: &ReadinessStats) -> Option<[f64; 3]> {
    let centres = band_centers_hz();
    let in_range = |f: f64, (lo, hi): (f64, f64)| f >= lo && f <= hi;
    let corrected: Vec<(f64, f64)> = centres
        .iter()
        .zip(s.spectrum_db)
        .filter_map(|(&f, db)| {
            db.map(|d| (f, d + REFERENCE_TILT_DB_PER_OCTAVE * (f / 1000.0).log2()))
        })
        .collect();
    let mut reference: Vec<f64> = corrected
        .iter()
        .filter(|(f, _)| in_range(*f, REFERENCE_RANGE_HZ))
        .map(|&(_, d)| d)
        .collect();
    if reference.len() < 8 {
        return None;
    }
    reference.sort_by(f64::total_cmp);
    let median = reference[reference.len() / 2];
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

fn spectral(s: &ReadinessStats) -> Vec<Finding> {
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
            format!("{mud:.1} dB build-up in 200-500 Hz (mud) over a balanced mix's tilt"),
            "find the tracks that pile up in 200-500 Hz (guitars, keys, pads, vocals' low end) and cut there with EQ",
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
            format!("{what} sub-bass below 60 Hz ({sub:+.1} dB against the tilt)"),
            advice,
        )
    } else {
        finding(
            Check::LowEnd,
            Severity::Ok,
            Some(mud),
            Some(SPECTRAL_EXCESS_WARN_DB),
            format!("200-500 Hz {mud:+.1} dB against the tilt"),
            "",
        )
    };
    let harshness = if harsh >= SPECTRAL_EXCESS_WARN_DB {
        finding(
            Check::Harshness,
            Severity::Warn,
            Some(harsh),
            Some(SPECTRAL_EXCESS_WARN_DB),
            format!("{harsh:.1} dB excess in 2-5 kHz over a balanced mix's tilt: may sound harsh"),
            "look for resonances in 2-5 kHz (vocals, guitars, cymbals) and tame them with EQ or a de-esser",
        )
    } else {
        finding(
            Check::Harshness,
            Severity::Ok,
            Some(harsh),
            Some(SPECTRAL_EXCESS_WARN_DB),
            format!("2-5 kHz {harsh:+.1} dB against the tilt"),
            "",
        )
    };
    vec![low_end, harshness]
}

fn dynamics(s: &ReadinessStats, profile: Profile) -> Vec<Finding> {
    let mut out = Vec::new();
    if profile == Profile::Mix {
        if let Some(plr) = s.plr_db() {
            out.push(if plr < MIX_PLR_WARN_DB {
                finding(
                    Check::Dynamics,
                    Severity::Warn,
                    Some(plr),
                    Some(MIX_PLR_WARN_DB),
                    format!("PLR {plr:.1} dB: the mix is heavily compressed"),
                    "ease off bus compression and limiting; mastering needs the transients",
                )
            } else {
                finding(
                    Check::Dynamics,
                    Severity::Ok,
                    Some(plr),
                    Some(MIX_PLR_WARN_DB),
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
            finding(
                Check::LoudnessRange,
                Severity::Warn,
                Some(lra),
                Some(LRA_WIDE_LU),
                format!("loudness range {lra:.1} LU: sections are very uneven"),
                "check the balance between quiet and loud sections (automation)",
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

fn dc_offset(s: &ReadinessStats) -> Finding {
    let worst = s.dc_offset_dbfs[..s.channels.min(MAX_CHANNELS)]
        .iter()
        .flatten()
        .fold(None, |a: Option<f64>, &v| Some(a.map_or(v, |w| w.max(v))));
    match worst {
        Some(dc) if dc >= DC_FAIL_DBFS => finding(
            Check::DcOffset,
            Severity::Fail,
            Some(dc),
            Some(DC_FAIL_DBFS),
            format!("DC offset {dc:.1} dBFS"),
            "a constant offset eats headroom: find the source (a plug-in or interface) or high-pass at a few Hz",
        ),
        Some(dc) if dc >= DC_WARN_DBFS => finding(
            Check::DcOffset,
            Severity::Warn,
            Some(dc),
            Some(DC_WARN_DBFS),
            format!("DC offset {dc:.1} dBFS"),
            "high-pass the offending track at a few Hz",
        ),
        other => finding(
            Check::DcOffset,
            Severity::Ok,
            other,
            Some(DC_WARN_DBFS),
            "no DC offset".into(),
            "",
        ),
    }
}

fn non_finite(s: &ReadinessStats) -> Finding {
    if s.non_finite_samples > 0 {
        finding(
            Check::NonFinite,
            Severity::Fail,
            Some(s.non_finite_samples as f64),
            Some(0.0),
            format!(
                "{} NaN or infinite samples reached the master bus",
                s.non_finite_samples
            ),
            "a plug-in upstream is misbehaving: bypass plug-ins one by one to find it",
        )
    } else {
        finding(
            Check::NonFinite,
            Severity::Ok,
            Some(0.0),
            Some(0.0),
            "all samples valid".into(),
            "",
        )
    }
}

fn file_format(f: &FileFormat) -> Finding {
    if f.lossy {
        return finding(
            Check::Format,
            Severity::Warn,
            f.bits_per_sample.map(f64::from),
            Some(MIN_INTEGER_BITS as f64),
            format!("lossy source ({})", f.codec),
            "export uncompressed WAV or AIFF at 24-bit or 32-bit float for mastering",
        );
    }
    match f.bits_per_sample {
        Some(b) if !f.float && b < MIN_INTEGER_BITS => finding(
            Check::Format,
            Severity::Warn,
            Some(b as f64),
            Some(MIN_INTEGER_BITS as f64),
            format!("{b}-bit file"),
            "export 24-bit or 32-bit float WAV/AIFF so mastering keeps the resolution",
        ),
        bits => finding(
            Check::Format,
            Severity::Ok,
            bits.map(f64::from),
            Some(MIN_INTEGER_BITS as f64),
            format!(
                "{} {}",
                f.codec,
                if f.float {
                    "floating point".to_string()
                } else {
                    bits.map_or(String::new(), |b| format!("{b}-bit"))
                }
            ),
            "",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mono-downmix loss of two equal-level channels with correlation `r`.
    fn loss_at(r: f64) -> f64 {
        10.0 * (2.0 / (1.0 + r)).log10()
    }

    fn base() -> ReadinessStats {
        let mut s = ReadinessStats {
            measured_s: 120.0,
            non_silent_s: 120.0,
            channels: 2,
            integrated_lufs: Some(-20.0),
            loudness_range_lu: Some(7.0),
            true_peak_dbtp: Some(-4.5),
            sample_peak_dbfs: Some(-4.7),
            loud_correlation: Some(0.6),
            mono_loss_db: Some(loss_at(0.6)),
            low_band_correlation: Some(0.98),
            low_band_mono_loss_db: Some(loss_at(0.98)),
            stereo: true,
            ..ReadinessStats::default()
        };
        // Peaks spread over 15 dB.
        for (i, c) in s.peak_histogram.iter_mut().enumerate() {
            let db = PEAK_HIST_MIN_DBTP + i as f64 * PEAK_BIN_DB;
            if (-20.0..=-4.5).contains(&db) {
                *c = 10;
            }
        }
        let centres = band_centers_hz();
        for (b, f) in s.spectrum_db.iter_mut().zip(centres) {
            *b = Some(-30.0 - 4.5 * (f / 1000.0).log2());
        }
        s
    }

    /// The severity of finding `id`; a missing finding fails the test (a deleted rule must not
    /// pass as "ok").
    fn severity_of(r: &Report, id: Check) -> Severity {
        r.findings
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.severity)
            .unwrap_or_else(|| panic!("no {id:?} finding in {:#?}", r.findings))
    }

    #[test]
    fn check_ids_and_titles_are_distinct() {
        let ids: std::collections::HashSet<_> = Check::ALL.iter().map(|c| c.id()).collect();
        let titles: std::collections::HashSet<_> = Check::ALL.iter().map(|c| c.title()).collect();
        assert_eq!((ids.len(), titles.len()), (Check::ALL.len(), Check::ALL.len()));
        // Every check a full report can raise is in ALL.
        let r = evaluate(&base(), Profile::Mix, &platforms::PLATFORMS[0], None);
        assert!(r.findings.iter().all(|f| Check::ALL.contains(&f.id)));
    }

    #[test]
    fn healthy_mix_is_ready() {
        let r = evaluate(&base(), Profile::Mix, &platforms::PLATFORMS[0], None);
        assert_eq!(r.verdict, Verdict::Ready, "{:#?}", r.findings);
        assert!(r.findings.iter().all(|f| f.severity <= Severity::Info));
        assert_eq!(r.platforms.len(), 9);
    }

    #[test]
    fn headroom_bands() {
        for (tp, sev) in [
            (-4.0, Severity::Ok),
            (-2.0, Severity::Warn),
            (-0.5, Severity::Fail),
            (-8.0, Severity::Info),
        ] {
            let s = ReadinessStats {
                true_peak_dbtp: Some(tp),
                ..base()
            };
            let r = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None);
            assert_eq!(severity_of(&r, Check::Headroom), sev, "{tp}");
        }
        let s = ReadinessStats {
            true_peak_dbtp: Some(-1.5),
            integrated_lufs: Some(-12.0),
            ..base()
        };
        // Spotify asks -2 dBTP of masters louder than -14 LUFS.
        let r = evaluate(
            &s,
            Profile::Master,
            platforms::platform("spotify").expect("known"),
            None,
        );
        assert_eq!(severity_of(&r, Check::Headroom), Severity::Fail);
        let r = evaluate(
            &s,
            Profile::Master,
            platforms::platform("apple_music").expect("known"),
            None,
        );
        assert_eq!(severity_of(&r, Check::Headroom), Severity::Ok);
    }

    #[test]
    fn insufficient_until_ten_seconds() {
        let s = ReadinessStats {
            non_silent_s: 9.9,
            ..base()
        };
        assert_eq!(
            evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None).verdict,
            Verdict::Insufficient
        );
    }

    #[test]
    fn clipping_and_non_finite_fail() {
        let s = ReadinessStats {
            clipped_samples: 3,
            first_clip_s: Some(1.5),
            last_clip_s: Some(80.25),
            ..base()
        };
        let r = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None);
        assert_eq!(r.verdict, Verdict::NotReady);
        assert_eq!(r.findings[0].severity, Severity::Fail);
        let clip = r
            .findings
            .iter()
            .find(|f| f.id == Check::Clipping)
            .expect("clipping finding");
        assert!(
            clip.message.contains("1.50 s") && clip.message.contains("80.25 s"),
            "{}",
            clip.message
        );
        let s = ReadinessStats {
            non_finite_samples: 1,
            ..base()
        };
        assert_eq!(
            severity_of(
                &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
                Check::NonFinite
            ),
            Severity::Fail
        );
    }

    #[test]
    fn pinned_peaks_mean_limiting() {
        let mut s = base();
        s.peak_histogram = [0; PEAK_BINS];
        s.peak_histogram[299] = 400; // -0.1 dBTP, held by a limiter
        s.peak_histogram[250] = 100;
        s.true_peak_dbtp = Some(-0.1);
        s.integrated_lufs = Some(-7.0);
        assert!(s.pinned_fraction().expect("enough windows") > 0.7);
        let r = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None);
        assert_eq!(severity_of(&r, Check::Limiting), Severity::Fail);
        let r = evaluate(&s, Profile::Master, &platforms::PLATFORMS[0], None);
        assert_eq!(severity_of(&r, Check::Limiting), Severity::Info);
        assert!(base().pinned_fraction().expect("enough windows") < 0.05);
    }

    #[test]
    fn mono_compat_levels() {
        let judge = |s: &ReadinessStats| {
            let r = evaluate(s, Profile::Mix, &platforms::PLATFORMS[0], None);
            let f = r
                .findings
                .iter()
                .find(|f| f.id == Check::MonoCompat)
                .expect("mono_compat is always judged")
                .clone();
            (f.severity, f.message)
        };
        let mut s = base();
        assert_eq!(judge(&s).0, Severity::Ok);

        // A polarity-inverted channel cancels: fail, and the message says so.
        s.loud_correlation = Some(-0.8);
        s.mono_loss_db = Some(loss_at(-0.8));
        let (severity, message) = judge(&s);
        assert_eq!(severity, Severity::Fail);
        assert!(message.contains("cancel"), "{message}");

        // Independent L/R noise (correlation a little below 0) is wide, not out of phase.
        for r in [0.0, -0.05, -0.10] {
            s.loud_correlation = Some(r);
            s.mono_loss_db = Some(loss_at(r));
            let (severity, message) = judge(&s);
            assert_eq!(severity, Severity::Warn, "correlation {r}");
            assert!(message.contains("wide"), "{message}");
            assert!(!message.contains("cancel"), "{message}");
        }

        // Between the two: equal-level channels at -0.5 reach the fail threshold.
        s.loud_correlation = Some(-0.5);
        s.mono_loss_db = Some(loss_at(-0.5) + 1e-9);
        assert_eq!(judge(&s).0, Severity::Fail);
        s.mono_loss_db = Some(MONO_LOSS_FAIL_DB - 0.01);
        assert_eq!(judge(&s).0, Severity::Warn);

        // Bass that is not mono warns; bass that cancels fails whatever the broadband figure.
        s.loud_correlation = Some(0.6);
        s.mono_loss_db = Some(loss_at(0.6));
        s.low_band_correlation = Some(0.3);
        s.low_band_mono_loss_db = Some(loss_at(0.3));
        let (severity, message) = judge(&s);
        assert_eq!(severity, Severity::Warn);
        assert!(message.contains("150 Hz"), "{message}");
        s.low_band_correlation = Some(-0.9);
        s.low_band_mono_loss_db = Some(loss_at(-0.9));
        assert_eq!(judge(&s).0, Severity::Fail);

        s.channels_identical = true;
        assert_eq!(judge(&s).0, Severity::Info);
    }

    #[test]
    fn equal_level_correlation_inverts_the_loss() {
        for r in [-0.9, -0.5, 0.0, 0.125, 0.6, 0.99] {
            assert!((equal_level_correlation(loss_at(r)) - r).abs() < 1e-12);
        }
    }

    #[test]
    fn spectral_bumps_are_found() {
        let centres = band_centers_hz();
        let mut s = base();
        for (b, f) in s.spectrum_db.iter_mut().zip(centres) {
            if (200.0..=500.0).contains(&f) {
                *b = b.map(|v| v + 5.0);
            }
        }
        assert_eq!(
            severity_of(
                &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
                Check::LowEnd
            ),
            Severity::Warn
        );
        let mut s = base();
        for (b, f) in s.spectrum_db.iter_mut().zip(centres) {
            if (2_000.0..=5_000.0).contains(&f) {
                *b = b.map(|v| v + 5.0);
            }
        }
        assert_eq!(
            severity_of(
                &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
                Check::Harshness
            ),
            Severity::Warn
        );
    }

    #[test]
    fn file_formats() {
        let f16 = FileFormat {
            codec: "pcm_s16le".into(),
            bits_per_sample: Some(16),
            float: false,
            lossy: false,
        };
        let r = evaluate(&base(), Profile::Mix, &platforms::PLATFORMS[0], Some(&f16));
        assert_eq!(severity_of(&r, Check::Format), Severity::Warn);
        let f32f = FileFormat {
            codec: "pcm_f32le".into(),
            bits_per_sample: Some(32),
            float: true,
            lossy: false,
        };
        let r = evaluate(&base(), Profile::Mix, &platforms::PLATFORMS[0], Some(&f32f));
        assert_eq!(severity_of(&r, Check::Format), Severity::Ok);
    }

    #[test]
    fn dc_and_dynamics() {
        let mut s = base();
        s.dc_offset_dbfs[0] = Some(-35.0);
        assert_eq!(
            severity_of(
                &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
                Check::DcOffset
            ),
            Severity::Fail
        );
        s.dc_offset_dbfs[0] = Some(-55.0);
        assert_eq!(
            severity_of(
                &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
                Check::DcOffset
            ),
            Severity::Warn
        );
        let mut s = base();
        s.loudness_range_lu = Some(20.0);
        assert_eq!(
            severity_of(
                &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
                Check::LoudnessRange
            ),
            Severity::Warn
        );
        s.measured_s = 30.0;
        let r = evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None);
        assert_eq!(severity_of(&r, Check::LoudnessRange), Severity::Info);
        s.true_peak_dbtp = Some(-12.0);
        assert_eq!(
            severity_of(
                &evaluate(&s, Profile::Mix, &platforms::PLATFORMS[0], None),
                Check::Dynamics
            ),
            Severity::Warn
        );
    }
}

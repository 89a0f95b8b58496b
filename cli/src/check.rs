//! `preflight check`: the readiness verdict for a file, its findings worst first, and what every
//! streaming platform will do to it. The rules are the engine's (`preflight_dsp::readiness`), so
//! the command and the plug-in judge a mix the same way.

use serde::{Deserialize, Serialize};

use preflight_dsp::platforms::{EncodedPeak, Platform, PlatformOutcome};
use preflight_dsp::readiness::{self, Finding, Profile, Report, Severity, TonalTarget, Verdict};

use crate::analyze::Analysis;
use crate::compare::BalanceReport;
use crate::report::{round_opt, stat, AnalysisReport, DB_DECIMALS};

/// One finding as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingReport {
    /// Check id (`headroom`, `clipping`, `limiting`, ...).
    pub id: String,
    /// `ok`, `info`, `warn` or `fail`.
    pub severity: String,
    /// The measured value the check judged.
    pub value: Option<f64>,
    /// The threshold it was held against.
    pub threshold: Option<f64>,
    /// What was found.
    pub message: String,
    /// What to do about it.
    pub advice: String,
}

/// One row of the platform table as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformReport {
    /// Platform id (`spotify`, `apple_music`, ...).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Integrated loudness target.
    pub target_lufs: f64,
    /// True-peak ceiling that applies to this master.
    pub true_peak_ceiling_dbtp: f64,
    /// Gain the platform applies (negative: turned down).
    pub gain_db: Option<f64>,
    /// True peak after that gain.
    pub true_peak_after_dbtp: Option<f64>,
    /// `turned_down`, `raised`, `at_target`, `stays_quieter`, `over_ceiling` or `no_signal`.
    pub status: String,
    /// True peak after the platform's encoder and its gain, where `--codecs` measured it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub true_peak_encoded_dbtp: Option<f64>,
    /// The codec that gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoded_by: Option<String>,
}

/// One codec of the preview (`--codecs`) as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodecReport {
    /// Codec id (`vorbis-320`, `opus-160`, ...).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Target bitrate (kbit/s).
    pub bitrate_kbps: u32,
    /// Who streams with it.
    pub used_by: String,
    /// Sample rate of the decoded signal.
    pub sample_rate_hz: u32,
    /// Decoded true peak.
    pub true_peak_dbtp: Option<f64>,
    /// Decoded sample peak.
    pub sample_peak_dbfs: Option<f64>,
    /// Decoded true peak minus the master's.
    pub rise_db: Option<f64>,
    /// Ceiling the overs are counted against (the strictest of the platforms using the codec).
    pub ceiling_dbtp: f64,
    /// Decoded values (samples and 4x-interpolated values) above the ceiling.
    pub overs_ceiling: u64,
    /// Decoded values above 0 dBFS.
    pub overs_0db: u64,
    /// Decoded samples beyond full scale (clipped by a fixed-point output).
    pub clipped_samples: u64,
    /// Gain that keeps the decoded true peak under the ceiling (0 when it is).
    pub gain_db: Option<f64>,
}

/// Everything `preflight check --json` prints for one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// The path as given.
    pub file: String,
    /// `ready`, `not_ready` or `insufficient`.
    pub verdict: String,
    /// `mix` or `master`.
    pub profile: String,
    /// Name of the tonal target the spectrum was judged against.
    pub target: String,
    /// Findings, worst first.
    pub findings: Vec<FindingReport>,
    /// What every platform will do.
    pub platforms: Vec<PlatformReport>,
    /// The codec preview, when `--codecs` asked for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codecs: Vec<CodecReport>,
    /// The balance against reference tracks, when there were any (the plug-in's export).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<BalanceReport>,
    /// The `preflight analyze --json` object.
    pub measurements: AnalysisReport,
}

/// Finding values, thresholds and platform figures, rounded like the measurements.
fn round_db(v: Option<f64>) -> Option<f64> {
    round_opt(v, DB_DECIMALS)
}

impl From<&Finding> for FindingReport {
    fn from(f: &Finding) -> Self {
        Self {
            id: f.id.id().to_string(),
            severity: f.severity.id().to_string(),
            value: round_db(f.value),
            threshold: round_db(f.threshold),
            message: f.message.clone(),
            advice: f.advice.clone(),
        }
    }
}

impl From<&PlatformOutcome> for PlatformReport {
    fn from(p: &PlatformOutcome) -> Self {
        Self {
            id: p.platform.id.to_string(),
            name: p.platform.name.to_string(),
            target_lufs: p.platform.target_lufs,
            true_peak_ceiling_dbtp: p.ceiling_dbtp,
            gain_db: round_db(p.gain_db),
            true_peak_after_dbtp: round_db(p.true_peak_after_dbtp),
            status: p.status.code().to_string(),
            true_peak_encoded_dbtp: round_db(p.encoded_true_peak_after_dbtp),
            encoded_by: p.encoded_by.map(|c| c.id.to_string()),
        }
    }
}

/// Judges an analysed file, its spectrum against `target`.
pub fn check(
    analysis: &Analysis,
    profile: Profile,
    platform: &'static Platform,
    target: &TonalTarget,
) -> (Report, CheckReport) {
    check_encoded(analysis, profile, platform, target, Vec::new())
}

/// [`check`], with the codec preview's figures: the platform table and `headroom` read the
/// decoded peaks.
pub fn check_encoded(
    analysis: &Analysis,
    profile: Profile,
    platform: &'static Platform,
    target: &TonalTarget,
    codecs: Vec<CodecReport>,
) -> (Report, CheckReport) {
    let encoded: Vec<EncodedPeak<'_>> = codecs
        .iter()
        .filter_map(|c| {
            Some(EncodedPeak {
                codec: &c.id,
                true_peak_dbtp: c.true_peak_dbtp?,
            })
        })
        .collect();
    let report = readiness::evaluate_encoded(
        &analysis.readiness,
        profile,
        platform,
        analysis.file_format.as_ref(),
        target,
        &encoded,
    );
    let json = CheckReport {
        file: analysis.report.file.clone(),
        verdict: report.verdict.id().to_string(),
        profile: profile.id().to_string(),
        target: report.target.clone(),
        findings: report.findings.iter().map(FindingReport::from).collect(),
        platforms: report.platforms.iter().map(PlatformReport::from).collect(),
        codecs,
        references: None,
        measurements: analysis.report.clone(),
    };
    (report, json)
}

/// ANSI colours, used only when writing to a terminal.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Whether to emit escape codes.
    pub colour: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

fn severity_tag(s: Severity, style: Style) -> String {
    match s {
        Severity::Fail => style.paint("1;31", "FAIL"),
        Severity::Warn => style.paint("33", "WARN"),
        Severity::Info => style.paint("36", "info"),
        Severity::Ok => style.paint("32", " ok "),
    }
}

/// The readable report: verdict first, then findings worst first, then the platform table and
/// the codec preview's figures (`codecs`, empty without `--codecs`).
pub fn to_text(report: &Report, codecs: &[CodecReport], file: &str, style: Style) -> String {
    let mut out = String::new();
    let verdict = match report.verdict {
        Verdict::Ready => style.paint("1;32", "READY"),
        Verdict::NotReady => style.paint("1;31", "NOT READY"),
        Verdict::Insufficient => style.paint("1;33", "INSUFFICIENT (need 10 s of audio)"),
    };
    let question = match report.profile {
        Profile::Mix => "ready for mastering?".to_string(),
        Profile::Master => format!("ready for release on {}?", report.platform.name),
    };
    out.push_str(&format!(
        "{file}\n  {question} {verdict}\n  (tonal balance against the {} target)\n\n",
        report.target
    ));
    for f in &report.findings {
        out.push_str(&format!(
            "  [{}] {:<15} {}\n",
            severity_tag(f.severity, style),
            f.id.id(),
            f.message
        ));
        if !f.advice.is_empty() && f.severity >= Severity::Info {
            out.push_str(&format!("  {:<22} -> {}\n", "", f.advice));
        }
    }
    let encoded = !codecs.is_empty();
    out.push_str(&format!(
        "\n  Platform               Target   Gain     TP after{}  Status\n",
        if encoded { "  TP encoded" } else { "" }
    ));
    for p in &report.platforms {
        let mark = if std::ptr::eq(p.platform, report.platform) {
            "*"
        } else {
            " "
        };
        let after_encoder = if encoded {
            format!(
                " {:>11}",
                stat(p.encoded_true_peak_after_dbtp, "dBTP", true)
            )
        } else {
            String::new()
        };
        out.push_str(&format!(
            "  {mark}{:<21} {:>5.0} LUFS {:>8} {:>10}{after_encoder}  {}\n",
            p.platform.name,
            p.platform.target_lufs,
            stat(p.gain_db, "dB", true),
            stat(p.true_peak_after_dbtp, "dBTP", true),
            p.describe()
        ));
    }
    if encoded {
        out.push_str(&codec_text(codecs));
    }
    out
}

/// The codec preview's table.
fn codec_text(codecs: &[CodecReport]) -> String {
    let mut out = String::from(
        "\n  Codec (encoded and decoded from sample zero; an estimate: the services' own encoders differ in detail)\n  \
         Codec                 TP decoded   Rise  Ceiling  Overs ceiling  Overs 0 dBFS  Clipped  Gain to ceiling\n",
    );
    for c in codecs {
        out.push_str(&format!(
            "  {:<20} {:>11} {:>6} {:>8} {:>14} {:>13} {:>8}  {}\n",
            c.name,
            stat(c.true_peak_dbtp, "dBTP", true),
            stat(c.rise_db, "dB", true),
            format!("{:.0}", c.ceiling_dbtp),
            c.overs_ceiling,
            c.overs_0db,
            c.clipped_samples,
            stat(c.gain_db, "dB", true),
        ));
    }
    out
}

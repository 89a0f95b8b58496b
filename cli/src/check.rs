//! `preflight check`: the readiness verdict for a file, its findings worst first, and what every
//! streaming platform will do to it. The rules are the engine's (`preflight_dsp::readiness`), so
//! the command and the plug-in judge a mix the same way.

use serde::{Deserialize, Serialize};

use preflight_dsp::platforms::{Platform, PlatformOutcome};
use preflight_dsp::readiness::{self, Finding, Profile, Report, Severity, TonalTarget, Verdict};

use crate::analyze::Analysis;
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
    let report = readiness::evaluate_against(
        &analysis.readiness,
        profile,
        platform,
        analysis.file_format.as_ref(),
        target,
    );
    let json = CheckReport {
        file: analysis.report.file.clone(),
        verdict: report.verdict.id().to_string(),
        profile: profile.id().to_string(),
        target: report.target.clone(),
        findings: report.findings.iter().map(FindingReport::from).collect(),
        platforms: report.platforms.iter().map(PlatformReport::from).collect(),
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

/// The readable report: verdict first, then findings worst first, then the platform table.
pub fn to_text(report: &Report, file: &str, style: Style) -> String {
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
    out.push_str("\n  Platform               Target   Gain     TP after  Status\n");
    for p in &report.platforms {
        let mark = if std::ptr::eq(p.platform, report.platform) {
            "*"
        } else {
            " "
        };
        out.push_str(&format!(
            "  {mark}{:<21} {:>5.0} LUFS {:>8} {:>10}  {}\n",
            p.platform.name,
            p.platform.target_lufs,
            stat(p.gain_db, "dB", true),
            stat(p.true_peak_after_dbtp, "dBTP", true),
            p.describe()
        ));
    }
    out
}

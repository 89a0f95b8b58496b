//! The measurements of one file, as JSON (`preflight analyze --json`) and as a readable table.
//!
//! [`AnalysisReport`] is the stable, documented shape: key names are part of the CLI's interface
//! and other reports (such as a readiness check) embed it whole. Values that do not exist
//! (silence, below a gate, mono) are `null`, never `-inf` or a sentinel. dB values are rounded to
//! [`DB_DECIMALS`] decimals, correlations to [`RATIO_DECIMALS`]; all stay JSON numbers.

use std::fmt::Write as _;

use preflight_dsp::readiness::micro_dynamics_db;
use preflight_dsp::{clock, ChannelLayout, Event, EventKind, SpectrumBand, Summary};
use serde::{Deserialize, Serialize};

use crate::decode::SampleFormat;

/// Decimals kept for dB, LUFS, LU and dBTP values.
pub const DB_DECIMALS: i32 = 2;
/// Decimals kept for correlation coefficients.
pub const RATIO_DECIMALS: i32 = 3;
/// Decimals kept for durations in seconds (millisecond resolution).
pub const SECONDS_DECIMALS: i32 = 3;
/// Decimals kept for band centre frequencies.
pub const HZ_DECIMALS: i32 = 2;

/// How the samples are stored in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormatReport {
    /// Codec short name: "pcm_s16le", "pcm_s24be", "pcm_f32le", "pcm_f64le", "flac", ...
    pub codec: String,
    /// Significant bits per sample; `null` if the header does not say.
    pub bits_per_sample: Option<u32>,
    /// Whether samples are IEEE floating point.
    pub float: bool,
    /// Whether the codec is lossy (MP3, AAC, Vorbis, Opus).
    #[serde(default)]
    pub lossy: bool,
}

impl From<&SampleFormat> for FormatReport {
    fn from(f: &SampleFormat) -> Self {
        Self {
            codec: f.codec.clone(),
            bits_per_sample: f.bits_per_sample,
            float: f.float,
            lossy: f.lossy,
        }
    }
}

/// One band of the long-term average spectrum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpectrumBandReport {
    /// Band centre frequency (1/6-octave bands centred on 1 kHz).
    pub hz: f64,
    /// Mean band power in dB relative to a full-scale sine; `null` if silent.
    pub db: Option<f64>,
}

impl From<&SpectrumBand> for SpectrumBandReport {
    fn from(b: &SpectrumBand) -> Self {
        Self {
            hz: round(b.hz, HZ_DECIMALS),
            db: round_opt(b.db, DB_DECIMALS),
        }
    }
}

/// Something placed in time (see `preflight_dsp::Event`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventReport {
    /// `clipping`, `true_peak_over`, `non_finite`, `negative_correlation`, `loudness_jump`,
    /// `loudest` or `quietest`.
    pub kind: String,
    /// Start, seconds from the start of the file.
    pub start_s: f64,
    /// End, seconds from the start of the file.
    pub end_s: f64,
    /// Samples involved (clipping, overs, non-finite samples); `null` for the other kinds.
    pub count: Option<u64>,
    /// The highest true peak (dBTP) of clipping and overs, the lowest correlation of a
    /// negative-correlation passage, the change of a loudness jump (LU), the loudness of the
    /// loudest or quietest section (LUFS).
    pub value: Option<f64>,
    /// Where it starts on the host's timeline ("bar 13, beat 2.5 (0:48.2)"): only in a plug-in's
    /// export, when the host's transport gave it; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_position: Option<String>,
}

impl From<&Event> for EventReport {
    fn from(e: &Event) -> Self {
        let decimals = match e.kind {
            EventKind::NegativeCorrelation => RATIO_DECIMALS,
            _ => DB_DECIMALS,
        };
        Self {
            kind: e.kind.id().to_string(),
            start_s: round(e.start_s, SECONDS_DECIMALS),
            end_s: round(e.end_s, SECONDS_DECIMALS),
            count: e.count,
            value: round_opt(e.value, decimals),
            host_position: e.host.map(|h| h.label()),
        }
    }
}

impl EventReport {
    /// The event's kind, if this build knows it.
    pub fn kind(&self) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.id() == self.kind)
    }

    /// What a reader calls the kind (its id if this build does not know it).
    pub fn title(&self) -> &str {
        match self.kind() {
            Some(k) => k.title(),
            None => &self.kind,
        }
    }

    /// One line: where, what, how much ("1:02.4-1:03.0  Clipping: 14 clipped samples, up to
    /// +0.3 dBTP").
    pub fn describe(&self) -> String {
        let detail = self.kind().map_or(String::new(), |kind| {
            Event {
                kind,
                start_s: self.start_s,
                end_s: self.end_s,
                count: self.count,
                value: self.value,
                host: None,
            }
            .detail()
        });
        let host = self
            .host_position
            .as_ref()
            .map_or(String::new(), |h| format!(" [{h}]"));
        format!(
            "{}-{}{host}  {}: {detail}",
            clock(self.start_s),
            clock(self.end_s),
            self.title()
        )
    }
}

/// Events the table lists; the JSON has them all.
const TABLE_EVENTS: usize = 8;

/// Everything `preflight analyze` measures in one file.
///
/// Field names are the JSON keys. See `preflight_dsp::Summary` for the definition of each value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisReport {
    /// The path as given on the command line.
    pub file: String,
    /// Sample rate of the file.
    pub sample_rate_hz: u32,
    /// Channels in the file.
    pub channels: usize,
    /// Duration measured, in seconds.
    pub duration_s: f64,
    /// Sample storage.
    pub format: FormatReport,
    /// Gated integrated loudness (BS.1770-4).
    pub integrated_lufs: Option<f64>,
    /// Loudness range (EBU Tech 3342).
    pub loudness_range_lu: Option<f64>,
    /// Highest momentary loudness (400 ms).
    pub max_momentary_lufs: Option<f64>,
    /// Highest short-term loudness (3 s).
    pub max_short_term_lufs: Option<f64>,
    /// Highest true peak over all channels (BS.1770-4 Annex 2).
    pub true_peak_dbtp: Option<f64>,
    /// Highest true peak of each channel.
    pub true_peak_per_channel_dbtp: Vec<Option<f64>>,
    /// Highest sample peak over all channels.
    pub sample_peak_dbfs: Option<f64>,
    /// Highest sample peak of each channel.
    pub sample_peak_per_channel_dbfs: Vec<Option<f64>>,
    /// Peak-to-loudness ratio: true peak minus integrated loudness.
    pub plr_db: Option<f64>,
    /// Micro-dynamics: the 95th minus the 50th percentile of the loudness of the loud 50 ms
    /// blocks (dB); low when a bus compressor squashes the mix.
    #[serde(default)]
    pub micro_dynamics_db: Option<f64>,
    /// Samples at or beyond full scale, all channels.
    pub clipped_samples: u64,
    /// Whole-file stereo correlation (+1 mono, 0 uncorrelated, -1 inverted).
    pub correlation: Option<f64>,
    /// Correlation below ~150 Hz.
    pub low_band_correlation: Option<f64>,
    /// L/R energy balance in dB (positive leans left).
    pub balance_db: Option<f64>,
    /// DC offset of each channel.
    pub dc_offset_per_channel_dbfs: Vec<Option<f64>>,
    /// NaN or infinite samples (measured as silence).
    pub non_finite_samples: u64,
    /// Long-term average spectrum, 1/6-octave bands.
    pub spectrum_bands: Vec<SpectrumBandReport>,
    /// Where things happened, in time order.
    #[serde(default)]
    pub events: Vec<EventReport>,
    /// Clipping, over and non-finite events that were counted but not kept.
    #[serde(default)]
    pub events_dropped: u64,
}

impl AnalysisReport {
    /// Builds the report from the engine's summary of a file.
    pub fn new(file: String, format: FormatReport, summary: &Summary) -> Self {
        let db = |v: Option<f64>| round_opt(v, DB_DECIMALS);
        let db_vec = |v: &[Option<f64>]| v.iter().map(|&x| db(x)).collect::<Vec<_>>();
        let ratio = |v: Option<f64>| round_opt(v, RATIO_DECIMALS);
        Self {
            file,
            sample_rate_hz: summary.sample_rate_hz,
            channels: summary.readiness.channels,
            duration_s: round(summary.readiness.measured_s, SECONDS_DECIMALS),
            format,
            integrated_lufs: db(summary.readiness.integrated_lufs),
            loudness_range_lu: db(summary.readiness.loudness_range_lu),
            max_momentary_lufs: db(summary.max_momentary_lufs),
            max_short_term_lufs: db(summary.max_short_term_lufs),
            true_peak_dbtp: db(summary.readiness.true_peak_dbtp),
            true_peak_per_channel_dbtp: db_vec(&summary.true_peak_per_channel_dbtp),
            sample_peak_dbfs: db(summary.readiness.sample_peak_dbfs),
            sample_peak_per_channel_dbfs: db_vec(&summary.sample_peak_per_channel_dbfs),
            plr_db: db(summary.plr_db),
            micro_dynamics_db: db(micro_dynamics_db(&summary.readiness)),
            clipped_samples: summary.readiness.clipped_samples,
            correlation: ratio(summary.correlation),
            low_band_correlation: ratio(summary.readiness.low_band_correlation),
            balance_db: db(summary.balance_db),
            dc_offset_per_channel_dbfs: db_vec(summary.readiness.dc_offsets()),
            non_finite_samples: summary.readiness.non_finite_samples,
            spectrum_bands: summary
                .spectrum_bands
                .iter()
                .map(SpectrumBandReport::from)
                .collect(),
            events: summary.events.iter().map(EventReport::from).collect(),
            events_dropped: summary.events_dropped,
        }
    }

    /// A readable, aligned table of the measurements, headed by the file name.
    pub fn to_table(&self) -> String {
        let labels = channel_labels(self.channels);
        let mut rows: Vec<(&str, String)> = vec![
            ("Format", self.format_line()),
            ("Duration", duration_text(self.duration_s)),
            ("Integrated", level(self.integrated_lufs, "LUFS")),
            ("Loudness range", self.loudness_range_text()),
            ("Max momentary", level(self.max_momentary_lufs, "LUFS")),
            ("Max short-term", level(self.max_short_term_lufs, "LUFS")),
            (
                "True peak",
                per_channel(
                    self.true_peak_dbtp,
                    &self.true_peak_per_channel_dbtp,
                    &labels,
                    "dBTP",
                ),
            ),
            (
                "Sample peak",
                per_channel(
                    self.sample_peak_dbfs,
                    &self.sample_peak_per_channel_dbfs,
                    &labels,
                    "dBFS",
                ),
            ),
            ("PLR", stat(self.plr_db, "dB", false)),
            ("Micro-dynamics", stat(self.micro_dynamics_db, "dB", false)),
            ("Clipped samples", self.clipped_samples.to_string()),
        ];
        if self.channels >= 2 {
            rows.push(("Correlation", correlation_text(self.correlation)));
            rows.push((
                "Low-band corr.",
                correlation_text(self.low_band_correlation),
            ));
            rows.push(("Balance (L/R)", stat(self.balance_db, "dB", true)));
        }
        rows.push((
            "DC offset",
            dc_offset_text(&self.dc_offset_per_channel_dbfs, &labels),
        ));
        if self.non_finite_samples > 0 {
            rows.push((
                "Non-finite",
                format!(
                    "{} samples (NaN/inf, measured as silence)",
                    self.non_finite_samples
                ),
            ));
        }

        let width = rows
            .iter()
            .map(|(l, _)| l.chars().count())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.file);
        for (label, value) in rows {
            let _ = writeln!(out, "  {label:<width$}  {value}");
        }
        if !self.events.is_empty() {
            let _ = writeln!(out, "  Events");
            for e in self.events.iter().take(TABLE_EVENTS) {
                let _ = writeln!(out, "    {}", e.describe());
            }
            let more = self.events.len().saturating_sub(TABLE_EVENTS);
            if more > 0 {
                let _ = writeln!(out, "    ... and {more} more (--json lists them all)");
            }
            if self.events_dropped > 0 {
                let _ = writeln!(
                    out,
                    "    {} more clipping/over events not kept (the list holds {})",
                    self.events_dropped,
                    preflight_dsp::EVENT_CAPACITY
                );
            }
        }
        out
    }

    fn loudness_range_text(&self) -> String {
        let text = stat(self.loudness_range_lu, "LU", false);
        if self.loudness_range_lu.is_some() && self.duration_s < LRA_RELIABLE_AFTER_S {
            format!("{text} (under {LRA_RELIABLE_AFTER_S:.0} s of audio: not yet reliable)")
        } else {
            text
        }
    }

    /// "pcm_s24le (24-bit), 48000 Hz, stereo".
    pub(crate) fn format_line(&self) -> String {
        let kind = match (self.format.float, self.format.bits_per_sample) {
            (true, Some(b)) => format!("{b}-bit float"),
            (true, None) => "float".to_string(),
            (false, Some(b)) => format!("{b}-bit"),
            (false, None) => "bit depth unknown".to_string(),
        };
        let channels = match self.channels {
            1 => "mono".to_string(),
            2 => "stereo".to_string(),
            n => format!("{n} channels"),
        };
        format!(
            "{} ({kind}), {} Hz, {channels}",
            self.format.codec, self.sample_rate_hz
        )
    }
}

/// Loudness range needs about a minute of audio to mean anything (EBU Tech 3342).
pub const LRA_RELIABLE_AFTER_S: f64 = 60.0;

/// Shown where a level does not exist (silence, or nothing above the gates).
const NO_SIGNAL: &str = "no signal";
/// Shown where a derived statistic does not exist.
const NOT_AVAILABLE: &str = "\u{2014}";

fn level(v: Option<f64>, unit: &str) -> String {
    v.map_or_else(|| NO_SIGNAL.to_string(), |x| format!("{x:.1} {unit}"))
}

/// A derived value with one decimal (signed if asked), or a dash where it does not exist.
pub(crate) fn stat(v: Option<f64>, unit: &str, signed: bool) -> String {
    match v {
        Some(x) if signed => format!("{x:+.1} {unit}"),
        Some(x) => format!("{x:.1} {unit}"),
        None => NOT_AVAILABLE.to_string(),
    }
}

fn correlation_text(v: Option<f64>) -> String {
    v.map_or_else(|| NOT_AVAILABLE.to_string(), |x| format!("{x:+.2}"))
}

fn channel_value(v: Option<f64>) -> String {
    v.map_or_else(|| NO_SIGNAL.to_string(), |x| format!("{x:.1}"))
}

/// DC offset per channel; a channel without offset reads "none".
fn dc_offset_text(values: &[Option<f64>], labels: &[String]) -> String {
    const NONE: &str = "none";
    if values.iter().all(Option::is_none) {
        return NONE.to_string();
    }
    let show = |v: Option<f64>| v.map_or_else(|| NONE.to_string(), |x| format!("{x:.1} dBFS"));
    if values.len() == 1 {
        return show(values[0]);
    }
    let items: Vec<String> = values
        .iter()
        .zip(labels)
        .map(|(v, label)| format!("{label} {}", show(*v)))
        .collect();
    items.join(", ")
}

fn per_channel(max: Option<f64>, values: &[Option<f64>], labels: &[String], unit: &str) -> String {
    let head = level(max, unit);
    if values.len() < 2 || max.is_none() {
        return head;
    }
    let items: Vec<String> = values
        .iter()
        .zip(labels)
        .map(|(v, label)| format!("{label} {}", channel_value(*v)))
        .collect();
    format!("{head} ({})", items.join(", "))
}

fn duration_text(seconds: f64) -> String {
    let whole_minutes = (seconds / 60.0).floor();
    let rest = seconds - whole_minutes * 60.0;
    format!("{seconds:.3} s ({whole_minutes:.0}:{rest:06.3})")
}

/// Loudspeaker labels of the usual layout for `channels` ([`ChannelLayout::label`]), else
/// `ch1`, `ch2`...
fn channel_labels(channels: usize) -> Vec<String> {
    let layout = ChannelLayout::from_channel_count(channels);
    (0..channels)
        .map(|c| {
            layout
                .label(c)
                .map_or_else(|| format!("ch{}", c + 1), str::to_string)
        })
        .collect()
}

/// Rounds to `decimals` places; avoids printing `-0.0`.
fn round(v: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let r = (v * scale).round() / scale;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Rounds a value that may not exist; non-finite values become `None`.
pub(crate) fn round_opt(v: Option<f64>, decimals: i32) -> Option<f64> {
    v.filter(|x| x.is_finite()).map(|x| round(x, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> AnalysisReport {
        AnalysisReport {
            file: "mix.wav".to_string(),
            sample_rate_hz: 48_000,
            channels: 2,
            duration_s: 125.5,
            format: FormatReport {
                codec: "pcm_s24le".into(),
                bits_per_sample: Some(24),
                float: false,
                lossy: false,
            },
            integrated_lufs: Some(-14.23),
            loudness_range_lu: Some(6.1),
            max_momentary_lufs: Some(-10.0),
            max_short_term_lufs: None,
            true_peak_dbtp: Some(-0.8),
            true_peak_per_channel_dbtp: vec![Some(-0.8), Some(-1.1)],
            sample_peak_dbfs: Some(-1.0),
            sample_peak_per_channel_dbfs: vec![Some(-1.0), None],
            plr_db: Some(13.4),
            micro_dynamics_db: Some(6.2),
            clipped_samples: 0,
            correlation: Some(0.82),
            low_band_correlation: None,
            balance_db: Some(0.3),
            dc_offset_per_channel_dbfs: vec![None, Some(-92.1)],
            non_finite_samples: 0,
            spectrum_bands: vec![SpectrumBandReport {
                hz: 1000.0,
                db: None,
            }],
            events: Vec::new(),
            events_dropped: 0,
        }
    }

    #[test]
    fn the_table_lists_the_first_events_and_counts_the_rest() {
        let clip = EventReport {
            kind: "clipping".into(),
            start_s: 62.4,
            end_s: 63.0,
            count: Some(14),
            value: Some(0.3),
            host_position: None,
        };
        let with = AnalysisReport {
            events: vec![clip; TABLE_EVENTS + 3],
            events_dropped: 5,
            ..report()
        };
        let table = with.to_table();
        let listed = table
            .lines()
            .filter(|l| {
                l.trim_start() == "1:02.4-1:03.0  Clipping: 14 clipped samples, up to +0.3 dBTP"
            })
            .count();
        assert_eq!(listed, TABLE_EVENTS, "{table}");
        assert!(
            table.contains("... and 3 more (--json lists them all)"),
            "{table}"
        );
        assert!(
            table.contains("5 more clipping/over events not kept"),
            "{table}"
        );
        assert!(!report().to_table().contains("Events"));
    }

    #[test]
    fn rounding_keeps_numbers_and_drops_negative_zero() {
        assert_eq!(round(-14.2345, 2), -14.23);
        assert_eq!(round(-0.001, 2).to_string(), "0");
        assert_eq!(round_opt(Some(f64::NEG_INFINITY), 2), None);
        assert_eq!(round_opt(Some(f64::NAN), 2), None);
        assert_eq!(round_opt(None, 2), None);
    }

    #[test]
    fn missing_values_serialise_as_null() {
        let json = serde_json::to_value(report()).unwrap_or_default();
        assert!(json["max_short_term_lufs"].is_null());
        assert!(json["low_band_correlation"].is_null());
        assert!(json["spectrum_bands"][0]["db"].is_null());
        assert_eq!(json["integrated_lufs"].as_f64(), Some(-14.23));
        assert_eq!(json["format"]["bits_per_sample"].as_u64(), Some(24));
    }

    #[test]
    fn short_files_flag_the_loudness_range_as_unreliable() {
        let short = AnalysisReport {
            duration_s: 12.0,
            ..report()
        };
        let table = short.to_table();
        let row = table
            .lines()
            .find(|l| l.contains("Loudness range"))
            .unwrap_or_default();
        assert!(
            row.ends_with("6.1 LU (under 60 s of audio: not yet reliable)"),
            "{table}"
        );
    }

    #[test]
    fn table_is_aligned_and_names_missing_values() {
        let table = report().to_table();
        let mut lines = table.lines();
        assert_eq!(lines.next(), Some("mix.wav"));
        let row = |label: &str| {
            table
                .lines()
                .find(|l| l.trim_start().starts_with(label))
                .unwrap_or_default()
                .to_string()
        };
        assert!(row("Integrated").ends_with(" -14.2 LUFS"), "{table}");
        assert!(row("Loudness range").ends_with(" 6.1 LU"), "{table}");
        assert!(
            row("True peak").ends_with(" -0.8 dBTP (L -0.8, R -1.1)"),
            "{table}"
        );
        assert!(
            row("Sample peak").ends_with(" -1.0 dBFS (L -1.0, R no signal)"),
            "{table}"
        );
        assert!(row("Max short-term").ends_with(" no signal"), "{table}");
        assert!(row("Low-band corr.").ends_with(" \u{2014}"), "{table}");
        assert!(row("Balance (L/R)").ends_with(" +0.3 dB"), "{table}");
        assert!(
            row("Duration").ends_with(" 125.500 s (2:05.500)"),
            "{table}"
        );
        assert!(
            row("DC offset").ends_with(" L none, R -92.1 dBFS"),
            "{table}"
        );
        assert!(row("Loudness range").ends_with(" 6.1 LU"), "{table}");
        // Every value starts in the same column as the first row's.
        let first = row("Format");
        let column = first.find("pcm_s24le").unwrap_or_default();
        assert!(column > 0);
        for line in table.lines().skip(1) {
            let bytes = line.as_bytes();
            assert_eq!(bytes.get(column - 1), Some(&b' '), "{line:?}");
            assert_ne!(bytes.get(column), Some(&b' '), "{line:?}");
        }
    }
}

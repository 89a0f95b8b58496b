//! What leaves the engine: [`Snapshot`] for the live display (fixed size, `Copy`, built on the
//! audio thread) and [`Summary`] for a finished measurement (owned, built off the audio thread).
//!
//! Levels that do not exist (silence, or below a gate) are `None` / "no signal", never `-inf`.

use crate::layout::MAX_CHANNELS;
use crate::readiness::ReadinessStats;
use crate::spectrum::BAND_COUNT;
use crate::timeline::HostPosition;

/// Live state of the meter, published ~30-60 times a second to the editor.
///
/// Peak fields named `*_since_last` are read-and-reset: they hold the maximum since the previous
/// snapshot, so no peak is missed between frames however slowly the editor draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snapshot {
    /// Monotonic counter: the number of snapshots taken since the meter was built.
    pub sequence: u64,
    /// Frames measured since the last reset (excluding paused time).
    pub frames_measured: u64,
    /// Sample rate the meter runs at.
    pub sample_rate_hz: u32,
    /// Channels measured.
    pub channels: u8,
    /// Whether the integrating measurements (I, LRA, maxima, statistics) are paused.
    pub paused: bool,
    /// Momentary loudness (400 ms window), EBU Tech 3341 "M".
    pub momentary_lufs: Option<f32>,
    /// Short-term loudness (3 s window), EBU Tech 3341 "S".
    pub short_term_lufs: Option<f32>,
    /// Gated integrated loudness (BS.1770-4), EBU Tech 3341 "I".
    pub integrated_lufs: Option<f32>,
    /// Loudness range (EBU Tech 3342). Not meaningful before about 60 s: see `lra_stable`.
    pub loudness_range_lu: Option<f32>,
    /// Whether at least 60 s has been measured, so the LRA reading can be trusted.
    pub lra_stable: bool,
    /// Highest momentary loudness since reset.
    pub max_momentary_lufs: Option<f32>,
    /// Highest short-term loudness since reset.
    pub max_short_term_lufs: Option<f32>,
    /// True peak per channel since the previous snapshot (dBTP).
    pub true_peak_since_last_dbtp: [Option<f32>; MAX_CHANNELS],
    /// Highest true peak per channel since reset (dBTP).
    pub true_peak_max_dbtp: [Option<f32>; MAX_CHANNELS],
    /// Sample peak per channel since the previous snapshot (dBFS).
    pub sample_peak_since_last_dbfs: [Option<f32>; MAX_CHANNELS],
    /// Highest sample peak per channel since reset (dBFS).
    pub sample_peak_max_dbfs: [Option<f32>; MAX_CHANNELS],
    /// Samples at or above full scale (|x| >= 1.0), all channels, since reset.
    pub clipped_samples: u64,
    /// Oversampled values above the true-peak ceiling, all channels, since reset.
    pub true_peak_overs: u64,
    /// Peak-to-loudness ratio: max true peak minus integrated loudness (dB).
    pub plr_db: Option<f32>,
    /// Peak-to-short-term ratio: true peak over the last 3 s minus short-term loudness (dB).
    pub psr_db: Option<f32>,
    /// Stereo correlation on a ~300 ms exponential window; `None` when silent or mono.
    pub correlation: Option<f32>,
    /// Correlation of the band below ~150 Hz on the same window.
    pub low_band_correlation: Option<f32>,
    /// L/R balance: energy of L over R in dB (positive leans left).
    pub balance_db: Option<f32>,
    /// NaN or infinite input samples seen since reset (they are measured as silence).
    pub non_finite_samples: u64,
    /// Live spectrum (display mode only), smoothed band levels in dB, slope not applied.
    pub spectrum_db: [Option<f32>; BAND_COUNT],
    /// Whether `spectrum_db` holds a fresh frame from the display analyser.
    pub spectrum_valid: bool,
    /// Recent L/R sample pairs for the goniometer (display mode and a stereo pair only), oldest
    /// first; `scope_len` of them are valid.
    pub scope: [[f32; 2]; SCOPE_POINTS],
    /// Valid entries of `scope`.
    pub scope_len: usize,
    /// What the readiness rules read (verdict, findings, platform table).
    pub readiness: ReadinessStats,
    /// The newest clipping, over and non-finite events, oldest first (see [`Summary::events`]).
    pub recent_events: [Option<NumberedEvent>; SNAPSHOT_EVENTS],
}

/// Points in a snapshot's goniometer trace.
pub const SCOPE_POINTS: usize = 512;

impl Default for Snapshot {
    fn default() -> Self {
        Self {
            sequence: 0,
            frames_measured: 0,
            sample_rate_hz: 0,
            channels: 0,
            paused: false,
            momentary_lufs: None,
            short_term_lufs: None,
            integrated_lufs: None,
            loudness_range_lu: None,
            lra_stable: false,
            max_momentary_lufs: None,
            max_short_term_lufs: None,
            true_peak_since_last_dbtp: [None; MAX_CHANNELS],
            true_peak_max_dbtp: [None; MAX_CHANNELS],
            sample_peak_since_last_dbfs: [None; MAX_CHANNELS],
            sample_peak_max_dbfs: [None; MAX_CHANNELS],
            clipped_samples: 0,
            true_peak_overs: 0,
            plr_db: None,
            psr_db: None,
            correlation: None,
            low_band_correlation: None,
            balance_db: None,
            non_finite_samples: 0,
            spectrum_db: [None; BAND_COUNT],
            spectrum_valid: false,
            scope: [[0.0; 2]; SCOPE_POINTS],
            scope_len: 0,
            readiness: ReadinessStats::default(),
            recent_events: [None; SNAPSHOT_EVENTS],
        }
    }
}

/// One band of a spectrum: its centre frequency and level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpectrumBand {
    /// Band centre (1/6-octave bands centred on 1 kHz).
    pub hz: f64,
    /// Mean power in the band in dB (relative to a full-scale sine = 0 dB); `None` if silent.
    pub db: Option<f64>,
}

/// Everything measured since the last reset: the result of analysing a file.
///
/// Built by [`crate::Meter::summary`], which allocates: call it off the audio thread.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Sample rate of the measured audio.
    pub sample_rate_hz: u32,
    /// Frames measured.
    pub frames: u64,
    /// Highest momentary loudness (10 ms grid).
    pub max_momentary_lufs: Option<f64>,
    /// Highest short-term loudness (10 ms grid).
    pub max_short_term_lufs: Option<f64>,
    /// Highest true peak of each channel (dBTP).
    pub true_peak_per_channel_dbtp: Vec<Option<f64>>,
    /// Highest sample peak of each channel (dBFS).
    pub sample_peak_per_channel_dbfs: Vec<Option<f64>>,
    /// Peak-to-loudness ratio: max true peak minus integrated loudness.
    pub plr_db: Option<f64>,
    /// Crest factor: max sample peak over RMS, loudest channel (dB).
    pub crest_factor_db: Option<f64>,
    /// Oversampled values above the configured true-peak ceiling.
    pub true_peak_overs: u64,
    /// The ceiling `true_peak_overs` counts against (dBTP).
    pub true_peak_ceiling_dbtp: f64,
    /// Whole-measurement stereo correlation (energy weighted); `None` if mono or silent.
    pub correlation: Option<f64>,
    /// L/R energy balance in dB (positive leans left).
    pub balance_db: Option<f64>,
    /// Mid energy over side energy in dB (large = narrow; `None` if side is silent).
    pub mid_side_ratio_db: Option<f64>,
    /// The statistics the readiness rules read, which are also the file's: duration, channels,
    /// integrated loudness, LRA, highest true and sample peak, clipping and its times, the
    /// low-band and loud-passage correlation, whether the channels are identical, DC offset and
    /// non-finite samples. Read them here; the summary does not repeat them.
    pub readiness: ReadinessStats,
    /// Long-term average spectrum (power sum of the channels, LFE excluded), 1/6-octave bands.
    pub spectrum_bands: Vec<SpectrumBand>,
    /// Where things happened, in time order: clipping, overs and non-finite samples (as the
    /// audio arrived, at most [`crate::EVENT_CAPACITY`] of them), then what the history shows
    /// (negative-correlation passages, loudness jumps, the loudest and quietest sections).
    pub events: Vec<Event>,
    /// Clipping, over and non-finite events that did not fit.
    pub events_dropped: u64,
    /// Seconds each history row covers (0.1, doubling each time the history fills).
    pub history_interval_s: f64,
    /// The loudness history, oldest first.
    pub history: Vec<HistoryRow>,
}

/// One row of the loudness history ([`Summary::history`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistoryRow {
    /// End of the interval the row covers, in measured seconds (paused time not counted).
    pub end_s: f64,
    /// Momentary loudness at the end of the interval (the highest, if the row merges several).
    pub momentary_lufs: Option<f64>,
    /// Short-term loudness at the end of the interval (likewise the highest).
    pub short_term_lufs: Option<f64>,
    /// Highest true peak in the interval, all channels (dBTP).
    pub true_peak_dbtp: Option<f64>,
    /// Stereo correlation over the interval; `None` without a pair or in silence.
    pub correlation: Option<f64>,
}

/// What an [`Event`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// Samples at or beyond full scale, or a true peak above it. Count: the clipped samples (0
    /// when only the true peak goes over). Value: highest true peak.
    Clipping,
    /// True-peak values above the meter's ceiling. Value: highest true peak.
    TruePeakOver,
    /// NaN or infinite samples, measured as silence. No value.
    NonFinite,
    /// A passage whose stereo correlation stays below zero. Value: lowest correlation.
    NegativeCorrelation,
    /// Short-term loudness changing by several LU within 3 s. Value: the change (LU).
    LoudnessJump,
    /// The loudest short-term (3 s) section. Value: its loudness (LUFS).
    Loudest,
    /// The quietest short-term section that counts for the loudness range (above the LRA's
    /// relative gate). Value: its loudness (LUFS).
    Quietest,
}

impl EventKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [EventKind; 7] = [
        EventKind::Clipping,
        EventKind::TruePeakOver,
        EventKind::NonFinite,
        EventKind::NegativeCorrelation,
        EventKind::LoudnessJump,
        EventKind::Loudest,
        EventKind::Quietest,
    ];

    /// Stable identifier (JSON, CSV).
    pub fn id(self) -> &'static str {
        match self {
            EventKind::Clipping => "clipping",
            EventKind::TruePeakOver => "true_peak_over",
            EventKind::NonFinite => "non_finite",
            EventKind::NegativeCorrelation => "negative_correlation",
            EventKind::LoudnessJump => "loudness_jump",
            EventKind::Loudest => "loudest",
            EventKind::Quietest => "quietest",
        }
    }

    /// What a reader calls it.
    pub fn title(self) -> &'static str {
        match self {
            EventKind::Clipping => "Clipping",
            EventKind::TruePeakOver => "True-peak over",
            EventKind::NonFinite => "Non-finite samples",
            EventKind::NegativeCorrelation => "Negative correlation",
            EventKind::LoudnessJump => "Loudness jump",
            EventKind::Loudest => "Loudest section",
            EventKind::Quietest => "Quietest section",
        }
    }

    /// Unit of the event's value ("" for a correlation, which has none).
    pub fn unit(self) -> &'static str {
        match self {
            EventKind::Clipping | EventKind::TruePeakOver => "dBTP",
            EventKind::NonFinite | EventKind::NegativeCorrelation => "",
            EventKind::LoudnessJump => "LU",
            EventKind::Loudest | EventKind::Quietest => "LUFS",
        }
    }
}

/// Something that happened at a place in time ([`Summary::events`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// Where it starts, in measured seconds.
    pub start_s: f64,
    /// Where it ends.
    pub end_s: f64,
    /// Samples involved (clipping, overs, non-finite samples); `None` for the other kinds.
    pub count: Option<u64>,
    /// The kind's value (see [`EventKind`]), in [`EventKind::unit`].
    pub value: Option<f64>,
    /// Where it starts on the host's timeline, if a plug-in's host said (see
    /// [`crate::Meter::set_host_timeline`]); `None` for a file and for derived events.
    pub host: Option<HostPosition>,
}

impl Event {
    /// What happened, how much: "14 clipped samples, up to +0.3 dBTP". Allocates.
    pub fn detail(&self) -> String {
        let count = self.count.unwrap_or(0);
        match (self.kind, self.value) {
            (EventKind::Clipping, Some(v)) if count == 0 => {
                format!("true peak above 0 dBTP between the samples, up to {v:+.1} dBTP")
            }
            (EventKind::Clipping, Some(v)) => {
                format!("{count} clipped samples, up to {v:+.1} dBTP")
            }
            (EventKind::TruePeakOver, Some(v)) => {
                format!("{count} values over the meter's ceiling, up to {v:+.1} dBTP")
            }
            (EventKind::NonFinite, _) => format!("{count} NaN/inf samples"),
            (EventKind::NegativeCorrelation, Some(v)) => format!("down to {v:+.2}"),
            (EventKind::LoudnessJump, Some(v)) => format!("{v:+.1} LU within 3 s"),
            (EventKind::Loudest | EventKind::Quietest, Some(v)) => {
                format!("{v:.1} LUFS short-term")
            }
            _ => String::new(),
        }
    }
}

/// The events a [`Snapshot`] carries: the newest clipping, over and non-finite events.
pub const SNAPSHOT_EVENTS: usize = 8;

/// An event with its place in the meter's list, so a reader can tell a new event from one that
/// has grown since the last snapshot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumberedEvent {
    /// Position in the meter's list (0 = the first since reset).
    pub index: u32,
    /// The event as it stands.
    pub event: Event,
}

//! The measured session, kept and exported off the audio thread.
//!
//! The meter sends its hops and totals through a wait-free queue to a
//! [`Recorder`](preflight_dsp::Recorder) ([`RecorderSlot`]). A recording thread drains it every
//! [`DRAIN_INTERVAL`], editor open or not, so the whole session's history and events are kept.
//! An export asks the audio thread for fresh totals, waits until the recorder holds them (the
//! summary exactly as the meter stood then), and writes the same files as `preflight check
//! --report` and `--json` and `preflight analyze --history`: an HTML report, the check as JSON,
//! and the loudness history as CSV. The report and the JSON also compare the session's balance
//! with the editor's measured reference tracks, when it has any.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use preflight_cli::check::check;
use preflight_cli::compare::balance;
use preflight_cli::export::history_csv;
use preflight_cli::html::file_report;
use preflight_cli::report::FormatReport;
use preflight_cli::Analysis;
use preflight_dsp::platforms::Platform;
use preflight_dsp::readiness::{Profile, Style, Tonal};
use preflight_dsp::Summary;

use crate::shared::{RecorderSlot, SharedState};

/// How often the recording thread drains the queue. The queue holds [`RECORD_QUEUE_LEN`] hops,
/// 10 a second, so it has 25 s of slack.
pub const DRAIN_INTERVAL: Duration = Duration::from_millis(100);
/// Hops the queue holds.
pub const RECORD_QUEUE_LEN: usize = 256;
/// How long an export waits for the audio thread's fresh totals before it takes the latest ones
/// (a host that is not running the plug-in sends none).
pub const TOTALS_WAIT: Duration = Duration::from_millis(1500);

/// The thread that drains the recorder every [`DRAIN_INTERVAL`]. Dropping it stops and joins
/// the thread, so no code of the plug-in runs after the plug-in is gone (a host may unload the
/// library right after).
#[derive(Debug)]
pub struct RecordingThread {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl RecordingThread {
    /// Starts draining `slot`; `None` if the system refuses a thread (the export then drains
    /// the queue itself, and says what the full queue lost).
    pub fn start(slot: &RecorderSlot) -> Option<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let (slot, flag) = (Arc::clone(slot), Arc::clone(&stop));
        let handle = thread::Builder::new()
            .name("preflight-recording".into())
            .spawn(move || {
                while !flag.load(Ordering::Acquire) {
                    if let Some(recorder) =
                        slot.lock().unwrap_or_else(PoisonError::into_inner).as_mut()
                    {
                        recorder.drain();
                    }
                    thread::park_timeout(DRAIN_INTERVAL);
                }
            })
            .ok()?;
        Some(Self {
            stop,
            handle: Some(handle),
        })
    }
}

impl Drop for RecordingThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(handle) = self.handle.take() {
            handle.thread().unpark();
            let _ = handle.join();
        }
    }
}

/// Why an export wrote nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    /// No measurement is running (the plug-in is not active, or the configuration is not
    /// measured).
    NotMeasuring,
    /// Nothing has been measured yet.
    Nothing,
    /// A file could not be written.
    Write(String),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotMeasuring => write!(f, "nothing to export: the plug-in is not measuring"),
            Self::Nothing => write!(f, "nothing to export yet: play some audio first"),
            Self::Write(e) => write!(f, "{e}"),
        }
    }
}

/// What the export judged against.
#[derive(Debug, Clone)]
pub struct ExportTarget {
    /// Mix or master.
    pub profile: Profile,
    /// The platform a master is judged for.
    pub platform: &'static Platform,
    /// The tonal-balance target's style.
    pub style: Style,
    /// The measured reference tracks, `(path, balance)`, the session is compared with.
    pub references: Vec<(String, Tonal)>,
}

/// The session's summary: the one the audio thread's fresh totals mark, or after
/// [`TOTALS_WAIT`] the latest the recorder holds (with a note saying so).
fn session_summary(
    slot: &RecorderSlot,
    shared: &SharedState,
    wait: Duration,
) -> Result<(Summary, Vec<String>), ExportError> {
    let marker = shared.request_totals();
    let deadline = Instant::now() + wait;
    loop {
        {
            let mut guard = slot.lock().unwrap_or_else(PoisonError::into_inner);
            let recorder = guard.as_mut().ok_or(ExportError::NotMeasuring)?;
            recorder.drain();
            let summary = recorder.take_marked(marker);
            let fresh = summary.is_some();
            let latest = summary.or_else(|| {
                (Instant::now() >= deadline)
                    .then(|| recorder.summary())
                    .flatten()
            });
            if let Some(summary) = latest {
                let mut notes = Vec::new();
                if !fresh {
                    notes.push(
                        "the host did not run the plug-in during the export: this is the \
                         measurement as of its last update"
                            .to_string(),
                    );
                }
                let missed = recorder.missed_hops();
                if missed > 0 {
                    notes.push(format!(
                        "the history and events miss {:.1} s of the measurement (the \
                         recording could not keep up)",
                        missed as f64 / 10.0
                    ));
                }
                return Ok((summary, notes));
            }
            if Instant::now() >= deadline {
                return Err(ExportError::Nothing);
            }
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Writes the session's report (`.html`), check (`.json`) and history (`-history.csv`) into
/// `folder` (created if needed), named after `now`; never overwrites a file. Returns the files
/// written. Blocks for up to [`TOTALS_WAIT`]: call it off the GUI and audio threads.
pub fn export_session(
    slot: &RecorderSlot,
    shared: &SharedState,
    folder: &Path,
    target: &ExportTarget,
    now: SystemTime,
) -> Result<Vec<PathBuf>, ExportError> {
    export_with_wait(slot, shared, folder, target, now, TOTALS_WAIT)
}

fn export_with_wait(
    slot: &RecorderSlot,
    shared: &SharedState,
    folder: &Path,
    target: &ExportTarget,
    now: SystemTime,
    wait: Duration,
) -> Result<Vec<PathBuf>, ExportError> {
    let (summary, notes) = session_summary(slot, shared, wait)?;
    if summary.frames == 0 {
        return Err(ExportError::Nothing);
    }
    let stamp = utc_stamp(now);
    let name = format!("Preflight session {} UTC", stamp.replace('_', " "));
    let format = FormatReport {
        codec: "host".to_string(),
        bits_per_sample: Some(32),
        float: true,
        lossy: false,
    };
    let analysis = Analysis::new(&name, format, None, summary, notes);
    let (report, mut json) = check(
        &analysis,
        target.profile,
        target.platform,
        &target.style.target(),
    );
    json.references = balance(&analysis.tonal(), &target.references);
    // The plug-in has no codec preview.
    let page = file_report(&analysis, &report, &json);
    let json =
        serde_json::to_string_pretty(&json).map_err(|e| ExportError::Write(e.to_string()))?;
    let files = [
        ("html", page),
        ("json", json + "\n"),
        ("csv", history_csv(&analysis.history)),
    ];

    fs::create_dir_all(folder)
        .map_err(|e| ExportError::Write(format!("cannot create {}: {e}", folder.display())))?;
    let base = free_base(folder, &format!("preflight-{stamp}"));
    let mut written = Vec::new();
    for (extension, contents) in files {
        let path = folder.join(file_name(&base, extension));
        write_new(&path, &contents)
            .map_err(|e| ExportError::Write(format!("cannot write {}: {e}", path.display())))?;
        written.push(path);
    }
    Ok(written)
}

fn file_name(base: &str, extension: &str) -> String {
    match extension {
        "csv" => format!("{base}-history.csv"),
        _ => format!("{base}.{extension}"),
    }
}

/// `base`, or `base-2`, `base-3`... if a file of that name is in `folder` already.
fn free_base(folder: &Path, base: &str) -> String {
    let taken = |b: &str| {
        ["html", "json", "csv"]
            .iter()
            .any(|e| folder.join(file_name(b, e)).exists())
    };
    let mut candidate = base.to_string();
    let mut n = 2;
    while taken(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

/// Creates `path` and writes `contents`; fails if it exists.
fn write_new(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

/// `YYYY-MM-DD_HHMMSS` in UTC.
fn utc_stamp(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}_{:02}{:02}{:02}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// The folder exports go to unless the user picks another: `Preflight reports` in the home
/// folder (the current one if there is no home).
pub fn default_folder() -> PathBuf {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join("Preflight reports")
}

/// The recorder slot of a plug-in instance.
pub fn new_slot() -> RecorderSlot {
    Arc::new(std::sync::Mutex::new(None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_calendar_times() {
        let t = |s: u64| UNIX_EPOCH + Duration::from_secs(s);
        assert_eq!(utc_stamp(t(0)), "1970-01-01_000000");
        // 2024-02-29 23:59:59 UTC, a leap day.
        assert_eq!(utc_stamp(t(1_709_251_199)), "2024-02-29_235959");
        assert_eq!(utc_stamp(t(1_796_083_200)), "2026-12-01_000000");
    }

    #[test]
    fn the_recording_thread_is_gone_once_dropped() {
        let slot = new_slot();
        let thread = RecordingThread::start(&slot).expect("thread");
        assert_eq!(Arc::strong_count(&slot), 2, "the thread holds the slot");
        drop(thread);
        // Joined: its clone of the slot has been dropped with it.
        assert_eq!(Arc::strong_count(&slot), 1);
    }

    #[test]
    fn no_measurement_is_a_clear_error() {
        let dir = std::env::temp_dir().join("preflight-export-none");
        let target = ExportTarget {
            profile: Profile::Mix,
            platform: &preflight_dsp::platforms::PLATFORMS[0],
            style: Style::General,
            references: Vec::new(),
        };
        let slot = new_slot();
        let shared = SharedState::default();
        let err = export_with_wait(
            &slot,
            &shared,
            &dir,
            &target,
            SystemTime::now(),
            Duration::ZERO,
        )
        .expect_err("nothing to export");
        assert_eq!(err, ExportError::NotMeasuring);
        assert!(!dir.exists(), "nothing written");
    }
}

//! What the editor remembers between frames: the latest snapshot, a bounded loudness history,
//! the falling peak bars with their hold markers, a short goniometer trail and the readiness
//! report. Everything here runs on the GUI thread; memory is fixed at construction except for
//! the report, which is rebuilt a few times a second.

use std::time::Duration;

use preflight_dsp::platforms::{Platform, PLATFORMS};
use preflight_dsp::readiness::{
    self, Profile, RegionDifference, Report, Style, Tonal, TonalTarget,
    REFERENCE_TILT_DB_PER_OCTAVE,
};
use preflight_dsp::SCOPE_POINTS;
use preflight_dsp::{max_level, NumberedEvent, Snapshot, BAND_COUNT, MAX_CHANNELS};

use crate::actions::{Actions, ExportStatus, ReferenceTrack};

/// Snapshots a second the views are designed for. Hosts publish at most this often; the history
/// and the bar fall rate are scaled by it.
pub const SNAPSHOT_RATE_HZ: u32 = 50;
/// Seconds of momentary / short-term loudness kept for the history graph.
pub const HISTORY_SECONDS: u32 = 60;
/// Points in the history ring: [`HISTORY_SECONDS`] at [`SNAPSHOT_RATE_HZ`].
pub const HISTORY_LEN: usize = (SNAPSHOT_RATE_HZ * HISTORY_SECONDS) as usize;
/// Without a snapshot for this long the host has stopped sending audio; the view says so instead
/// of showing stale readings as live.
pub const IDLE_AFTER: Duration = Duration::from_secs(1);
/// How fast a peak bar falls back when the signal drops (dB per second), so short peaks stay
/// visible for a moment.
pub const PEAK_FALL_DB_PER_S: f32 = 20.0;
/// How long a peak-hold marker stays at the highest recent peak before it starts to fall.
pub const PEAK_HOLD: Duration = Duration::from_millis(1500);
/// How fast a peak-hold marker falls once its hold time is over (dB per second).
pub const PEAK_HOLD_FALL_DB_PER_S: f32 = 10.0;
/// How often the readiness rules are run on the newest snapshot. They allocate and sort, so
/// they are not run for every snapshot; the verdict still follows the audio within 0.2 s.
pub const READINESS_RATE_HZ: u32 = 5;
/// Snapshots of goniometer points kept for the fading trail.
pub const SCOPE_TRAIL_FRAMES: usize = 5;

/// Lowest level a falling bar or hold marker is kept at before it reads as silence (dB).
const BAR_RELEASE_FLOOR_DB: f32 = -90.0;
/// The goniometer's automatic gain never amplifies a trace quieter than this (linear peak,
/// -36 dBFS), so hiss and dither do not fill the display.
const SCOPE_MIN_PEAK: f32 = 0.016;
/// Fall of the goniometer's peak follower per snapshot (about -6 dB in 0.3 s).
const SCOPE_PEAK_DECAY: f32 = 0.97;

/// One point of the loudness history.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HistoryPoint {
    /// Momentary loudness (400 ms).
    pub momentary_lufs: Option<f32>,
    /// Short-term loudness (3 s).
    pub short_term_lufs: Option<f32>,
}

/// A ring of the most recent [`HistoryPoint`]s; the oldest is overwritten once it is full, so
/// its memory never grows however long the session.
#[derive(Debug, Clone)]
pub struct LoudnessHistory {
    points: Box<[HistoryPoint]>,
    /// Index the next point is written to.
    head: usize,
    len: usize,
}

impl LoudnessHistory {
    /// An empty history holding up to `capacity` points (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            points: vec![HistoryPoint::default(); capacity.max(1)].into_boxed_slice(),
            head: 0,
            len: 0,
        }
    }

    /// Appends a point, dropping the oldest when full.
    pub fn push(&mut self, point: HistoryPoint) {
        self.points[self.head] = point;
        self.head = (self.head + 1) % self.points.len();
        self.len = (self.len + 1).min(self.points.len());
    }

    /// Points held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no point has been pushed since construction or [`Self::clear`].
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Most points held at once.
    pub fn capacity(&self) -> usize {
        self.points.len()
    }

    /// Forgets every point.
    pub fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }

    /// The points from oldest to newest.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &HistoryPoint> + '_ {
        let start = (self.head + self.points.len() - self.len) % self.points.len();
        let (wrapped, first) = self.points.split_at(start);
        let first_len = self.len.min(first.len());
        first[..first_len]
            .iter()
            .chain(wrapped[..self.len - first_len].iter())
    }

    /// The point `age` snapshots before the newest (0 is the newest), if held.
    pub fn get_back(&self, age: usize) -> Option<&HistoryPoint> {
        (age < self.len).then(|| {
            let cap = self.points.len();
            &self.points[(self.head + cap - 1 - age) % cap]
        })
    }
}

/// A falling peak bar and its hold marker, for one channel.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PeakBar {
    /// The bar: the newest peak, or the previous one falling at [`PEAK_FALL_DB_PER_S`] (dB).
    pub level_db: Option<f32>,
    /// The hold marker: the highest recent peak, held for [`PEAK_HOLD`], then falling (dB).
    pub hold_db: Option<f32>,
    /// Snapshots left before the hold marker starts to fall.
    hold_left: u32,
}

impl PeakBar {
    fn push(&mut self, fresh: Option<f32>) {
        let fall_db = PEAK_FALL_DB_PER_S / SNAPSHOT_RATE_HZ as f32;
        let fallen = self
            .level_db
            .map(|db| db - fall_db)
            .filter(|&db| db > BAR_RELEASE_FLOOR_DB);
        self.level_db = max_level(fresh, fallen);

        let hold_snapshots = (PEAK_HOLD.as_secs_f32() * SNAPSHOT_RATE_HZ as f32).round() as u32;
        match (fresh, self.hold_db) {
            (Some(new), Some(held)) if new < held => self.decay_hold(),
            (Some(new), _) => {
                self.hold_db = Some(new);
                self.hold_left = hold_snapshots;
            }
            (None, _) => self.decay_hold(),
        }
    }

    fn decay_hold(&mut self) {
        if self.hold_left > 0 {
            self.hold_left -= 1;
            return;
        }
        let fall_db = PEAK_HOLD_FALL_DB_PER_S / SNAPSHOT_RATE_HZ as f32;
        self.hold_db = self
            .hold_db
            .map(|db| db - fall_db)
            .filter(|&db| db > BAR_RELEASE_FLOOR_DB)
            .map(|db| self.level_db.map_or(db, |level| db.max(level)));
    }
}

/// The goniometer's recent L/R points, a few snapshots' worth, for a trace that fades out.
#[derive(Debug, Clone)]
pub struct ScopeTrail {
    frames: Box<[[[f32; 2]; SCOPE_POINTS]]>,
    lens: [usize; SCOPE_TRAIL_FRAMES],
    /// Index of the newest frame.
    newest: usize,
    /// Peak follower of the rotated trace (linear), for the automatic gain.
    peak: f32,
}

impl Default for ScopeTrail {
    fn default() -> Self {
        Self {
            frames: vec![[[0.0; 2]; SCOPE_POINTS]; SCOPE_TRAIL_FRAMES].into_boxed_slice(),
            lens: [0; SCOPE_TRAIL_FRAMES],
            newest: 0,
            peak: 0.0,
        }
    }
}

impl ScopeTrail {
    fn push(&mut self, points: &[[f32; 2]]) {
        self.newest = (self.newest + 1) % SCOPE_TRAIL_FRAMES;
        let len = points.len().min(SCOPE_POINTS);
        self.frames[self.newest][..len].copy_from_slice(&points[..len]);
        self.lens[self.newest] = len;
        let frame_peak = points[..len]
            .iter()
            .map(|&[l, r]| {
                let (side, mid) = rotate(l, r);
                side.abs().max(mid.abs())
            })
            .fold(0.0f32, f32::max);
        self.peak = frame_peak.max(self.peak * SCOPE_PEAK_DECAY);
    }

    fn clear(&mut self) {
        self.lens = [0; SCOPE_TRAIL_FRAMES];
        self.peak = 0.0;
    }

    /// The frames from oldest to newest, each with its age (0 = newest).
    pub fn frames(&self) -> impl Iterator<Item = (usize, &[[f32; 2]])> + '_ {
        (0..SCOPE_TRAIL_FRAMES).rev().map(move |age| {
            let index = (self.newest + SCOPE_TRAIL_FRAMES - age) % SCOPE_TRAIL_FRAMES;
            (age, &self.frames[index][..self.lens[index]])
        })
    }

    /// Points held over all frames.
    pub fn len(&self) -> usize {
        self.lens.iter().sum()
    }

    /// Whether there is no point to draw.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Gain that brings the recent trace to full size, limited so near-silence stays small.
    pub fn auto_gain(&self) -> f32 {
        1.0 / self.peak.max(SCOPE_MIN_PEAK)
    }
}

/// A goniometer point: L/R rotated by 45° so that mono (L = R) is vertical and a
/// polarity-inverted pair (L = -R) horizontal. Returns (side, mid), both scaled so a full-scale
/// mono signal reaches 1.
pub fn rotate(left: f32, right: f32) -> (f32, f32) {
    ((right - left) * 0.5, (left + right) * 0.5)
}

/// The editor's view of the meter.
#[derive(Debug, Clone)]
pub struct Model {
    latest: Option<Snapshot>,
    history: LoudnessHistory,
    true_peak: [PeakBar; MAX_CHANNELS],
    sample_peak: [PeakBar; MAX_CHANNELS],
    scope: ScopeTrail,
    /// Clipping, over and non-finite events since reset, by their index in the meter's list.
    events: Vec<NumberedEvent>,
    report: Option<Report>,
    snapshots_since_report: u32,
    since_snapshot: Duration,
    held: bool,
    not_measured: Option<String>,
    profile: Profile,
    platform: &'static Platform,
    style: Style,
    tonal_target: TonalTarget,
    zoom: f32,
    spectrum_slope_db_per_octave: f32,
    export_folder: String,
    export_status: ExportStatus,
    references: Vec<ReferenceTrack>,
    /// The measured references' mean loudness-matched spectrum, kept with them.
    references_mean: Option<[Option<f64>; BAND_COUNT]>,
    /// File extensions the reference dialog lists (lower case); empty lists every file.
    reference_extensions: &'static [&'static str],
}

impl Default for Model {
    fn default() -> Self {
        Self::new()
    }
}

impl Model {
    /// A model that has seen no snapshot yet (it shows the idle state), judging a mix against
    /// the first platform of the table.
    pub fn new() -> Self {
        Self {
            latest: None,
            history: LoudnessHistory::with_capacity(HISTORY_LEN),
            true_peak: [PeakBar::default(); MAX_CHANNELS],
            sample_peak: [PeakBar::default(); MAX_CHANNELS],
            scope: ScopeTrail::default(),
            events: Vec::new(),
            report: None,
            snapshots_since_report: 0,
            since_snapshot: Duration::ZERO,
            held: false,
            not_measured: None,
            profile: Profile::Mix,
            platform: &PLATFORMS[0],
            style: Style::General,
            tonal_target: Style::General.target(),
            zoom: 1.0,
            spectrum_slope_db_per_octave: REFERENCE_TILT_DB_PER_OCTAVE as f32,
            export_folder: String::new(),
            export_status: ExportStatus::Idle,
            references: Vec::new(),
            references_mean: None,
            reference_extensions: &[],
        }
    }

    /// Tells the model the folder exports go to (the one last used, saved with the session) and
    /// where the last export stands.
    pub fn set_export(&mut self, folder: &str, status: ExportStatus) {
        if self.export_folder != folder {
            self.export_folder = folder.to_string();
        }
        self.export_status = status;
    }

    /// The folder exports go to.
    pub fn export_folder(&self) -> &str {
        &self.export_folder
    }

    /// Where the last export stands.
    pub fn export_status(&self) -> &ExportStatus {
        &self.export_status
    }

    /// Takes in a new snapshot: it becomes the displayed state, its loudness joins the history,
    /// its since-last peaks push the bars up (they fall at [`PEAK_FALL_DB_PER_S`] otherwise) and
    /// its goniometer points join the trail. The readiness report is refreshed
    /// [`READINESS_RATE_HZ`] times a second. A snapshot that has measured less than the previous
    /// one starts a new measurement: the history and the trail are cleared.
    pub fn update(&mut self, snapshot: Snapshot) {
        let restarted = self
            .latest
            .is_some_and(|prev| snapshot.frames_measured < prev.frames_measured);
        if restarted {
            self.history.clear();
            self.scope.clear();
            self.events.clear();
            self.report = None;
        }
        // New events join the list; one that has grown since (a clipped passage going on)
        // replaces its older self.
        for e in snapshot.recent_events.iter().flatten() {
            match self.events.binary_search_by_key(&e.index, |x| x.index) {
                Ok(at) => self.events[at] = *e,
                Err(at) => self.events.insert(at, *e),
            }
        }
        self.history.push(HistoryPoint {
            momentary_lufs: snapshot.momentary_lufs,
            short_term_lufs: snapshot.short_term_lufs,
        });
        let channels = usize::from(snapshot.channels).min(MAX_CHANNELS);
        for c in 0..MAX_CHANNELS {
            let (tp, sp) = if c < channels {
                (
                    snapshot.true_peak_since_last_dbtp[c],
                    snapshot.sample_peak_since_last_dbfs[c],
                )
            } else {
                (None, None)
            };
            self.true_peak[c].push(tp);
            self.sample_peak[c].push(sp);
        }
        if snapshot.scope_len > 0 {
            self.scope
                .push(&snapshot.scope[..snapshot.scope_len.min(SCOPE_POINTS)]);
        }
        self.latest = Some(snapshot);
        self.since_snapshot = Duration::ZERO;

        self.snapshots_since_report += 1;
        if self.report.is_none()
            || self.snapshots_since_report >= SNAPSHOT_RATE_HZ / READINESS_RATE_HZ
        {
            self.refresh_report();
        }
    }

    /// Runs the readiness rules on the newest snapshot now (hosts need not call it: the model
    /// does so on its own schedule).
    pub fn refresh_report(&mut self) {
        self.snapshots_since_report = 0;
        self.report = self.latest.as_ref().map(|s| {
            readiness::evaluate_against(
                &s.readiness,
                self.profile,
                self.platform,
                None,
                &self.tonal_target,
            )
        });
    }

    /// Sets what the mix is judged against; the report follows at once when it changes.
    pub fn set_target(&mut self, profile: Profile, platform: &'static Platform) {
        if self.profile != profile || self.platform.id != platform.id {
            self.profile = profile;
            self.platform = platform;
            self.refresh_report();
        }
    }

    /// Sets the built-in style whose tonal target the spectrum is judged against.
    pub fn set_style(&mut self, style: Style) {
        if self.style != style {
            self.style = style;
            self.tonal_target = style.target();
            self.refresh_report();
        }
    }

    /// Tells the model the reference tracks and where their analyses stand.
    pub fn set_references(&mut self, references: &[ReferenceTrack]) {
        if self.references != references {
            self.references = references.to_vec();
            let measured = self.measured_references();
            self.references_mean =
                (!measured.is_empty()).then(|| readiness::mean_matched(&measured));
        }
    }

    /// The measured references' mean spectrum, each band relative to its track's integrated
    /// loudness; `None` before any is measured.
    pub fn references_mean(&self) -> Option<&[Option<f64>; BAND_COUNT]> {
        self.references_mean.as_ref()
    }

    /// Sets the file extensions (lower case, without the dot) the reference dialog lists:
    /// the formats the reference analysis reads. Empty lists every file.
    pub fn set_reference_extensions(&mut self, extensions: &'static [&'static str]) {
        self.reference_extensions = extensions;
    }

    /// The file extensions the reference dialog lists (empty: every file).
    pub fn reference_extensions(&self) -> &'static [&'static str] {
        self.reference_extensions
    }

    /// The reference tracks.
    pub fn references(&self) -> &[ReferenceTrack] {
        &self.references
    }

    /// The measured reference tracks.
    pub fn measured_references(&self) -> Vec<Tonal> {
        self.references
            .iter()
            .filter_map(|r| r.measured().copied())
            .collect()
    }

    /// The mix (the long-term measurement) against the measured references, loudness-matched;
    /// `None` without both.
    pub fn reference_differences(&self) -> Option<[RegionDifference; 4]> {
        let refs = self.measured_references();
        let latest = self.latest.as_ref()?;
        if refs.is_empty() {
            return None;
        }
        let mix = Tonal {
            integrated_lufs: latest.readiness.integrated_lufs,
            spectrum_db: latest.readiness.spectrum_db,
        };
        Some(readiness::region_differences(&mix, &refs))
    }

    /// The style the tonal balance is judged against.
    pub fn style(&self) -> Style {
        self.style
    }

    /// Its target (drawn behind the long-term spectrum).
    pub fn tonal_target(&self) -> &TonalTarget {
        &self.tonal_target
    }

    /// The profile the mix is judged against.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// The platform a master is judged against (and highlighted in the platform table).
    pub fn platform(&self) -> &'static Platform {
        self.platform
    }

    /// Tells the model the editor's current zoom factor, for the zoom selector.
    pub fn set_zoom(&mut self, zoom: f32) {
        self.zoom = zoom;
    }

    /// The editor's zoom factor (1 = 100 %).
    pub fn zoom(&self) -> f32 {
        self.zoom
    }

    /// Sets the slope the spectrum is drawn with (dB per octave, pivoting at 1 kHz).
    pub fn set_spectrum_slope(&mut self, db_per_octave: f32) {
        self.spectrum_slope_db_per_octave = db_per_octave;
    }

    /// Carries out the requests that only concern the view (the spectrum slope); the host
    /// carries out the rest.
    pub fn apply_view_actions(&mut self, actions: &Actions) {
        if let Some(slope) = actions.set_spectrum_slope {
            self.set_spectrum_slope(slope);
        }
    }

    /// The slope the spectrum is drawn with (dB per octave, pivoting at 1 kHz).
    pub fn spectrum_slope_db_per_octave(&self) -> f32 {
        self.spectrum_slope_db_per_octave
    }

    /// Tells the model how long ago the last snapshot arrived (call it every frame).
    pub fn set_time_since_snapshot(&mut self, elapsed: Duration) {
        self.since_snapshot = elapsed;
    }

    /// Tells the model whether the host's transport is stopped with "hold on stop" on, so the
    /// readings are frozen on purpose.
    pub fn set_held(&mut self, held: bool) {
        self.held = held;
    }

    /// Tells the model why nothing is measured (for example a sample rate the meter has no
    /// definition for), or `None` when measuring. The audio still passes; the editor says why it
    /// shows no figures instead of showing wrong ones.
    pub fn set_not_measured(&mut self, reason: Option<&str>) {
        if self.not_measured.as_deref() != reason {
            self.not_measured = reason.map(str::to_owned);
        }
    }

    /// Why nothing is measured, if so.
    pub fn not_measured(&self) -> Option<&str> {
        self.not_measured.as_deref()
    }

    /// Whether the readings are frozen by "hold on stop".
    pub fn is_held(&self) -> bool {
        self.held
    }

    /// Whether no audio is arriving: no snapshot yet, or none for [`IDLE_AFTER`].
    pub fn is_idle(&self) -> bool {
        self.latest.is_none() || self.since_snapshot >= IDLE_AFTER
    }

    /// The newest snapshot, if any arrived.
    pub fn latest(&self) -> Option<&Snapshot> {
        self.latest.as_ref()
    }

    /// Clipping, over and non-finite events since the meter was reset, oldest first.
    pub fn events(&self) -> &[NumberedEvent] {
        &self.events
    }

    /// The readiness report of a recent snapshot, if any arrived.
    pub fn report(&self) -> Option<&Report> {
        self.report.as_ref()
    }

    /// The loudness history, oldest first.
    pub fn history(&self) -> &LoudnessHistory {
        &self.history
    }

    /// Each channel's true-peak bar and hold marker (dBTP).
    pub fn true_peak_bars(&self) -> &[PeakBar; MAX_CHANNELS] {
        &self.true_peak
    }

    /// Each channel's sample-peak bar and hold marker (dBFS).
    pub fn sample_peak_bars(&self) -> &[PeakBar; MAX_CHANNELS] {
        &self.sample_peak
    }

    /// The goniometer trail.
    pub fn scope(&self) -> &ScopeTrail {
        &self.scope
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use preflight_dsp::readiness::Check;

    fn snapshot_with_peak(peak_dbtp: Option<f32>) -> Snapshot {
        let mut s = Snapshot {
            channels: 2,
            ..Snapshot::default()
        };
        s.true_peak_since_last_dbtp[0] = peak_dbtp;
        s
    }

    #[test]
    fn history_is_bounded_and_ordered() {
        let mut h = LoudnessHistory::with_capacity(3);
        assert!(h.is_empty());
        for i in 0..5 {
            h.push(HistoryPoint {
                momentary_lufs: Some(i as f32),
                short_term_lufs: None,
            });
        }
        assert_eq!(h.len(), 3);
        assert_eq!(h.capacity(), 3);
        let values: Vec<_> = h.iter().map(|p| p.momentary_lufs).collect();
        assert_eq!(values, [Some(2.0), Some(3.0), Some(4.0)]);
        assert_eq!(h.get_back(0).and_then(|p| p.momentary_lufs), Some(4.0));
        assert_eq!(h.get_back(2).and_then(|p| p.momentary_lufs), Some(2.0));
        assert!(h.get_back(3).is_none());
        h.clear();
        assert_eq!(h.iter().count(), 0);
    }

    #[test]
    fn history_in_order_before_it_wraps() {
        let mut h = LoudnessHistory::with_capacity(4);
        for i in 0..2 {
            h.push(HistoryPoint {
                momentary_lufs: Some(i as f32),
                short_term_lufs: None,
            });
        }
        let values: Vec<_> = h.iter().map(|p| p.momentary_lufs).collect();
        assert_eq!(values, [Some(0.0), Some(1.0)]);
        assert_eq!(h.get_back(1).and_then(|p| p.momentary_lufs), Some(0.0));
    }

    #[test]
    fn model_history_covers_a_minute_and_no_more() {
        let mut m = Model::new();
        for _ in 0..(HISTORY_LEN + 100) {
            m.update(Snapshot::default());
        }
        assert_eq!(m.history().len(), HISTORY_LEN);
        assert_eq!(HISTORY_LEN, 3000);
    }

    #[test]
    fn a_new_measurement_clears_the_history() {
        let mut m = Model::new();
        for i in 0..10 {
            m.update(Snapshot {
                frames_measured: 960 * i,
                ..Snapshot::default()
            });
        }
        assert_eq!(m.history().len(), 10);
        m.update(Snapshot::default());
        assert_eq!(m.history().len(), 1);
    }

    #[test]
    fn idle_until_a_snapshot_and_after_a_silence() {
        let mut m = Model::new();
        assert!(m.is_idle());
        m.update(Snapshot::default());
        assert!(!m.is_idle());
        m.set_time_since_snapshot(IDLE_AFTER / 2);
        assert!(!m.is_idle());
        m.set_time_since_snapshot(IDLE_AFTER);
        assert!(m.is_idle());
        m.update(Snapshot::default());
        assert!(!m.is_idle());
    }

    #[test]
    fn bars_rise_at_once_and_fall_at_the_release_rate() {
        let mut m = Model::new();
        m.update(snapshot_with_peak(Some(-6.0)));
        assert_eq!(m.true_peak_bars()[0].level_db, Some(-6.0));
        assert_eq!(m.true_peak_bars()[1].level_db, None);
        // One second of quieter snapshots: the bar falls by the release rate, not to the new level.
        for _ in 0..SNAPSHOT_RATE_HZ {
            m.update(snapshot_with_peak(Some(-40.0)));
        }
        let bar = m.true_peak_bars()[0].level_db.expect("bar still lit");
        assert!((bar - (-6.0 - PEAK_FALL_DB_PER_S)).abs() < 1e-3, "{bar}");
        m.update(snapshot_with_peak(Some(-1.0)));
        assert_eq!(m.true_peak_bars()[0].level_db, Some(-1.0));
        // Silence lets it fall away completely.
        for _ in 0..(10 * SNAPSHOT_RATE_HZ) {
            m.update(snapshot_with_peak(None));
        }
        assert_eq!(m.true_peak_bars()[0].level_db, None);
    }

    #[test]
    fn hold_markers_wait_then_fall_but_never_below_the_bar() {
        let mut m = Model::new();
        m.update(snapshot_with_peak(Some(-3.0)));
        let hold_snapshots = (PEAK_HOLD.as_secs_f32() * SNAPSHOT_RATE_HZ as f32) as u32;
        for _ in 0..hold_snapshots {
            m.update(snapshot_with_peak(Some(-30.0)));
        }
        assert_eq!(m.true_peak_bars()[0].hold_db, Some(-3.0), "held");
        for _ in 0..SNAPSHOT_RATE_HZ {
            m.update(snapshot_with_peak(Some(-30.0)));
        }
        let hold = m.true_peak_bars()[0].hold_db.expect("hold marker");
        assert!(
            (hold - (-3.0 - PEAK_HOLD_FALL_DB_PER_S)).abs() < 0.05,
            "{hold}"
        );
        for _ in 0..(5 * SNAPSHOT_RATE_HZ) {
            m.update(snapshot_with_peak(Some(-30.0)));
        }
        let bar = m.true_peak_bars()[0];
        assert_eq!(bar.hold_db, Some(-30.0), "{bar:?}");
        // A louder peak takes the marker up at once.
        m.update(snapshot_with_peak(Some(-10.0)));
        assert_eq!(m.true_peak_bars()[0].hold_db, Some(-10.0));
    }

    #[test]
    fn the_report_follows_the_target_and_is_not_rebuilt_every_snapshot() {
        let mut m = Model::new();
        assert!(m.report().is_none());
        m.update(Snapshot::default());
        let report = m.report().expect("report after the first snapshot");
        assert_eq!(report.profile, Profile::Mix);
        assert!(report.findings.iter().any(|f| f.id == Check::MixLoudness));

        let apple = preflight_dsp::platforms::platform("apple_music").expect("known");
        m.set_target(Profile::Master, apple);
        let report = m.report().expect("report");
        assert_eq!(report.profile, Profile::Master);
        assert_eq!(report.platform.id, "apple_music");
        assert!(report.findings.iter().all(|f| f.id != Check::MixLoudness));

        // Within one refresh period the report stays the one already built.
        let mut loud = Snapshot::default();
        loud.readiness.integrated_lufs = Some(-9.0);
        m.update(loud);
        assert_eq!(m.report().and_then(|r| r.platforms[0].gain_db), None);
        for _ in 0..(SNAPSHOT_RATE_HZ / READINESS_RATE_HZ) {
            m.update(loud);
        }
        assert!(m.report().and_then(|r| r.platforms[0].gain_db).is_some());
    }

    #[test]
    fn scope_trail_keeps_a_few_frames_and_rotates_mono_upright() {
        let mut m = Model::new();
        let mut s = Snapshot::default();
        s.scope[..4].copy_from_slice(&[[0.5, 0.5], [0.25, 0.25], [0.1, -0.1], [0.0, 0.0]]);
        s.scope_len = 4;
        for _ in 0..(SCOPE_TRAIL_FRAMES + 2) {
            m.update(s);
        }
        assert_eq!(m.scope().len(), 4 * SCOPE_TRAIL_FRAMES);
        let ages: Vec<usize> = m.scope().frames().map(|(age, _)| age).collect();
        assert_eq!(ages, (0..SCOPE_TRAIL_FRAMES).rev().collect::<Vec<_>>());
        // Mono is vertical, L = -R horizontal.
        assert_eq!(rotate(0.5, 0.5), (0.0, 0.5));
        assert_eq!(rotate(0.5, -0.5), (-0.5, 0.0));
        assert!((m.scope().auto_gain() - 2.0).abs() < 1e-6);
    }
}

//! What the editor remembers between frames: the latest snapshot, a bounded loudness history and
//! the falling peak bars. Everything here runs on the GUI thread; memory is fixed at construction.

use std::time::Duration;

use preflight_dsp::{Snapshot, MAX_CHANNELS};

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

/// Lowest level a falling bar is kept at before it reads as silence (dBTP).
const BAR_RELEASE_FLOOR_DBTP: f32 = -90.0;

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
}

/// The editor's view of the meter.
#[derive(Debug, Clone)]
pub struct Model {
    latest: Option<Snapshot>,
    history: LoudnessHistory,
    /// Falling per-channel true-peak bar levels (dBTP).
    bar_dbtp: [Option<f32>; MAX_CHANNELS],
    since_snapshot: Duration,
    held: bool,
}

impl Default for Model {
    fn default() -> Self {
        Self::new()
    }
}

impl Model {
    /// A model that has seen no snapshot yet (it shows the idle state).
    pub fn new() -> Self {
        Self {
            latest: None,
            history: LoudnessHistory::with_capacity(HISTORY_LEN),
            bar_dbtp: [None; MAX_CHANNELS],
            since_snapshot: Duration::ZERO,
            held: false,
        }
    }

    /// Takes in a new snapshot: it becomes the displayed state, its loudness joins the history and
    /// its since-last peaks push the bars up (they fall at [`PEAK_FALL_DB_PER_S`] otherwise).
    pub fn update(&mut self, snapshot: Snapshot) {
        self.history.push(HistoryPoint {
            momentary_lufs: snapshot.momentary_lufs,
            short_term_lufs: snapshot.short_term_lufs,
        });
        let fall_db = PEAK_FALL_DB_PER_S / SNAPSHOT_RATE_HZ as f32;
        let channels = usize::from(snapshot.channels).min(MAX_CHANNELS);
        for (c, bar) in self.bar_dbtp.iter_mut().enumerate() {
            let fallen = bar
                .map(|db| db - fall_db)
                .filter(|&db| db > BAR_RELEASE_FLOOR_DBTP);
            let fresh = if c < channels {
                snapshot.true_peak_since_last_dbtp[c]
            } else {
                None
            };
            *bar = match (fresh, fallen) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
        }
        self.latest = Some(snapshot);
        self.since_snapshot = Duration::ZERO;
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

    /// The loudness history, oldest first.
    pub fn history(&self) -> &LoudnessHistory {
        &self.history
    }

    /// The falling true-peak bar level of each channel (dBTP); `None` when silent.
    pub fn bar_dbtp(&self) -> &[Option<f32>; MAX_CHANNELS] {
        &self.bar_dbtp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(m.bar_dbtp()[0], Some(-6.0));
        assert_eq!(m.bar_dbtp()[1], None);
        // One second of quieter snapshots: the bar falls by the release rate, not to the new level.
        for _ in 0..SNAPSHOT_RATE_HZ {
            m.update(snapshot_with_peak(Some(-40.0)));
        }
        let bar = m.bar_dbtp()[0].expect("bar still lit");
        assert!((bar - (-6.0 - PEAK_FALL_DB_PER_S)).abs() < 1e-3, "{bar}");
        m.update(snapshot_with_peak(Some(-1.0)));
        assert_eq!(m.bar_dbtp()[0], Some(-1.0));
        // Silence lets it fall away completely.
        for _ in 0..(10 * SNAPSHOT_RATE_HZ) {
            m.update(snapshot_with_peak(None));
        }
        assert_eq!(m.bar_dbtp()[0], None);
    }
}

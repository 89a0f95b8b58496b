//! Events placed in time.
//!
//! On the audio thread, into a list allocated when the meter is built: clipping, true-peak overs
//! and non-finite samples, each with the frames of its first and last occurrence, the samples it
//! counts and its highest peak. Occurrences of one kind closer than [`GROUP_GAP_S`] are one event,
//! so a clipped chorus is one line, not thousands. When the list is full, further events are
//! counted, not kept.
//!
//! Off the audio thread, from the loudness history ([`derived`]): passages whose correlation
//! stays below zero for at least [`NEGATIVE_MIN_S`], short-term loudness jumps of at least
//! [`JUMP_LU`] within 3 s, and the loudest and quietest short-term sections. The quietest is
//! taken among the windows the loudness range counts (EBU Tech 3342: at or above the integrated
//! loudness - 20 LU), so a fade-out or a silent gap does not win.

use super::grid::{Frame, HopEnd, Span, Stage};
use crate::gating::{ABSOLUTE_GATE_LUFS, LRA_RELATIVE_GATE_LU};
use crate::snapshot::{Event, EventKind, HistoryRow, NumberedEvent, SNAPSHOT_EVENTS};
use crate::timeline::HostPosition;
use crate::units::amplitude_to_db;

/// Clipping, over and non-finite events kept.
pub const EVENT_CAPACITY: usize = 256;
/// Occurrences of one kind closer than this are one event (s).
pub const GROUP_GAP_S: f64 = 0.5;
/// Shortest negative-correlation passage reported (s).
pub const NEGATIVE_MIN_S: f64 = 0.5;
/// Short-term loudness change within [`JUMP_WINDOW_S`] reported as a jump (LU).
pub const JUMP_LU: f64 = 6.0;
/// Time over which a jump is measured: the short-term window (s).
pub const JUMP_WINDOW_S: f64 = 3.0;

/// The kinds recorded on the audio thread, in the order of their slots.
const LIVE_KINDS: [EventKind; 3] = [
    EventKind::Clipping,
    EventKind::TruePeakOver,
    EventKind::NonFinite,
];

#[derive(Debug, Clone, Copy)]
struct Raw {
    kind: EventKind,
    first: Frame,
    last: Frame,
    count: u64,
    peak: f32,
    host: Option<HostPosition>,
}

/// The capped list of clipping, over and non-finite events.
#[derive(Debug)]
pub struct Events {
    list: Vec<Raw>,
    dropped: u64,
    sample_rate_hz: f64,
    gap_frames: Frame,
    /// Per live kind: the last frame seen, and the list index of its event (`None` once dropped).
    last: [Option<(Frame, Option<usize>)>; 3],
}

impl Events {
    /// An empty list for `sample_rate_hz`. Allocates.
    pub fn new(sample_rate_hz: u32) -> Self {
        Self {
            list: Vec::with_capacity(EVENT_CAPACITY),
            dropped: 0,
            sample_rate_hz: f64::from(sample_rate_hz),
            gap_frames: (GROUP_GAP_S * f64::from(sample_rate_hz)) as Frame,
            last: [None; 3],
        }
    }

    /// Records `span` of kind slot `k`: extends the kind's last event if it ended less than the
    /// gap before, else starts one at host position `host` (of the span's first frame, before
    /// `offset`). Real-time safe.
    fn add(
        &mut self,
        k: usize,
        span: Span,
        offset: Frame,
        host: impl Fn(Frame) -> Option<HostPosition>,
    ) {
        let Some((first, last)) = span.frames else {
            return;
        };
        let (first, last) = (first + offset, last + offset);
        match self.last[k] {
            Some((end, index)) if first <= end + self.gap_frames => {
                if let Some(e) = index.and_then(|i| self.list.get_mut(i)) {
                    e.last = e.last.max(last);
                    e.count += span.count;
                    e.peak = e.peak.max(span.peak);
                }
                self.last[k] = Some((end.max(last), index));
            }
            _ => {
                let index = (self.list.len() < EVENT_CAPACITY).then(|| {
                    self.list.push(Raw {
                        kind: LIVE_KINDS[k],
                        first,
                        last,
                        count: span.count,
                        peak: span.peak,
                        host: host(first - offset),
                    });
                    self.list.len() - 1
                });
                if index.is_none() {
                    self.dropped += 1;
                }
                self.last[k] = Some((last, index));
            }
        }
    }

    /// Events that did not fit.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    fn event(&self, e: &Raw) -> Event {
        let seconds = |f: Frame| f.max(0) as f64 / self.sample_rate_hz;
        Event {
            kind: e.kind,
            start_s: seconds(e.first),
            end_s: seconds(e.last + 1),
            count: Some(e.count),
            value: match e.kind {
                EventKind::NonFinite => None,
                _ => amplitude_to_db(e.peak as f64),
            },
            host: e.host,
        }
    }

    /// The recorded events, in the order they started. Allocates.
    pub fn list(&self) -> Vec<Event> {
        self.list.iter().map(|e| self.event(e)).collect()
    }

    /// Writes the newest events, oldest first, into `out` (the rest `None`). Real-time safe.
    pub fn recent(&self, out: &mut [Option<NumberedEvent>; SNAPSHOT_EVENTS]) {
        let first = self.list.len().saturating_sub(SNAPSHOT_EVENTS);
        *out = [None; SNAPSHOT_EVENTS];
        for (slot, (index, e)) in out.iter_mut().zip(self.list.iter().enumerate().skip(first)) {
            *slot = Some(NumberedEvent {
                index: index as u32,
                event: self.event(e),
            });
        }
    }
}

impl Stage for Events {
    fn reset(&mut self) {
        self.list.clear();
        self.dropped = 0;
        self.last = [None; 3];
    }

    /// Adds `later`'s events as if they had arrived here, so events that meet at the boundary
    /// join exactly as in a single pass.
    fn merge(&mut self, later: &Self, offset_frames: Frame) {
        for e in &later.list {
            let k = LIVE_KINDS.iter().position(|&x| x == e.kind).unwrap_or(0);
            let span = Span {
                frames: Some((e.first, e.last)),
                count: e.count,
                peak: e.peak,
            };
            self.add(k, span, offset_frames, |_| e.host);
        }
        self.dropped += later.dropped;
    }

    fn end_hop(&mut self, at: &HopEnd) {
        if at.live {
            let rate = self.sample_rate_hz;
            let host = |frame: Frame| {
                at.timeline
                    .and_then(|(t, anchor)| t.at((frame - anchor) as f64 / rate))
            };
            for (k, span) in [at.clips, at.overs, at.non_finite].into_iter().enumerate() {
                self.add(k, span, 0, host);
            }
        }
    }
}

/// The events the history shows, for a measurement of integrated loudness `integrated_lufs`
/// whose history rows each cover `interval_s`. Allocates.
pub fn derived(rows: &[HistoryRow], interval_s: f64, integrated_lufs: Option<f64>) -> Vec<Event> {
    let mut out = Vec::new();
    let start_of = |i: usize| rows[i].end_s - interval_s;

    // Negative correlation.
    let mut run: Option<(usize, f64)> = None;
    for i in 0..=rows.len() {
        let negative = rows.get(i).and_then(|r| r.correlation).filter(|&c| c < 0.0);
        match (negative, run) {
            (Some(c), Some((s, low))) => run = Some((s, low.min(c))),
            (Some(c), None) => run = Some((i, c)),
            (None, Some((s, low))) => {
                if rows[i - 1].end_s - start_of(s) >= NEGATIVE_MIN_S - 1e-9 {
                    out.push(Event {
                        kind: EventKind::NegativeCorrelation,
                        start_s: start_of(s),
                        end_s: rows[i - 1].end_s,
                        count: None,
                        value: Some(low),
                        host: None,
                    });
                }
                run = None;
            }
            (None, None) => {}
        }
    }

    // Short-term sections: the windows the loudness range counts.
    let gate = integrated_lufs.map(|i| (i + LRA_RELATIVE_GATE_LU).max(ABSOLUTE_GATE_LUFS));
    let counted = |r: &HistoryRow| {
        r.short_term_lufs
            .filter(|&l| gate.is_some_and(|g| l >= g) && r.end_s >= JUMP_WINDOW_S - 1e-9)
    };
    let lag = ((JUMP_WINDOW_S / interval_s).round() as usize).max(1);
    // Short-term change over the window that ends at row `k` (0 where either end is not counted).
    let change_at = |k: usize| match (counted(&rows[k]), counted(&rows[k - lag])) {
        (Some(now), Some(then)) => now - then,
        _ => 0.0,
    };
    let mut i = lag;
    while i < rows.len() {
        let change = change_at(i);
        if change.abs() < JUMP_LU {
            i += 1;
            continue;
        }
        // The largest change of this episode, then one window before the next can start.
        let mut best = (i, change);
        let mut j = i + 1;
        while j < rows.len() {
            let c = change_at(j);
            if c.abs() < JUMP_LU || c.signum() != change.signum() {
                break;
            }
            if c.abs() > best.1.abs() {
                best = (j, c);
            }
            j += 1;
        }
        out.push(Event {
            kind: EventKind::LoudnessJump,
            start_s: start_of(best.0 + 1 - lag),
            end_s: rows[best.0].end_s,
            count: None,
            value: Some(best.1),
            host: None,
        });
        i = j.max(best.0 + lag);
    }

    let extreme = |kind: EventKind, pick: fn(f64, f64) -> bool| {
        let mut found: Option<(usize, f64)> = None;
        for (k, r) in rows.iter().enumerate() {
            if let Some(l) = counted(r) {
                if found.is_none_or(|(_, f)| pick(l, f)) {
                    found = Some((k, l));
                }
            }
        }
        found.map(|(k, l)| Event {
            kind,
            start_s: (rows[k].end_s - JUMP_WINDOW_S).max(0.0),
            end_s: rows[k].end_s,
            count: None,
            value: Some(l),
            host: None,
        })
    };
    out.extend(extreme(EventKind::Loudest, |l, f| l > f));
    out.extend(extreme(EventKind::Quietest, |l, f| l < f));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(first: Frame, last: Frame, count: u64) -> Span {
        Span {
            frames: Some((first, last)),
            count,
            peak: 1.0,
        }
    }

    #[test]
    fn close_occurrences_are_one_event_and_a_full_list_counts_the_rest() {
        let mut e = Events::new(1000);
        e.add(0, span(100, 110, 3), 0, |_| None);
        e.add(0, span(500, 520, 4), 0, |_| None); // 390 frames later: the same event
        e.add(0, span(2000, 2000, 1), 0, |_| None); // 1480 later: a new one
        let list = e.list();
        assert_eq!(list.len(), 2);
        assert_eq!(
            (list[0].start_s, list[0].end_s, list[0].count),
            (0.1, 0.521, Some(7))
        );
        for k in 0..EVENT_CAPACITY + 10 {
            e.add(
                1,
                span(10_000 * k as Frame, 10_000 * k as Frame, 1),
                0,
                |_| None,
            );
        }
        assert_eq!(e.list().len(), EVENT_CAPACITY);
        assert_eq!(e.dropped(), 12);
    }

    #[test]
    fn merged_parts_group_like_one_pass() {
        let spans = [
            (100, 200),
            (600, 650),
            (1500, 1600),
            (1900, 1990),
            (4000, 4001),
        ];
        let mut whole = Events::new(1000);
        for &(f, l) in &spans {
            whole.add(0, span(f, l, 1), 0, |_| None);
        }
        let mut first = Events::new(1000);
        let mut second = Events::new(1000);
        for &(f, l) in &spans {
            if f < 1800 {
                first.add(0, span(f, l, 1), 0, |_| None);
            } else {
                second.add(0, span(f - 1800, l - 1800, 1), 0, |_| None);
            }
        }
        first.merge(&second, 1800);
        assert_eq!(first.list(), whole.list());
    }

    fn rows(short_term: &[f64], correlation: f64) -> Vec<HistoryRow> {
        short_term
            .iter()
            .enumerate()
            .map(|(i, &l)| HistoryRow {
                end_s: (i + 1) as f64 * 0.1,
                momentary_lufs: Some(l),
                short_term_lufs: Some(l),
                true_peak_dbtp: Some(-3.0),
                correlation: Some(if (100..108).contains(&i) {
                    -0.4
                } else {
                    correlation
                }),
            })
            .collect()
    }

    #[test]
    fn history_shows_jumps_passages_and_sections() {
        // 10 s at -20 LUFS, then 10 s at -12 LUFS (a chorus 8 LU up).
        let levels: Vec<f64> = (0..200)
            .map(|i| if i < 100 { -20.0 } else { -12.0 })
            .collect();
        let events = derived(&rows(&levels, 0.5), 0.1, Some(-14.0));
        let of = |k: EventKind| events.iter().filter(|e| e.kind == k).collect::<Vec<_>>();
        let jumps = of(EventKind::LoudnessJump);
        assert_eq!(jumps.len(), 1, "{events:?}");
        assert!((jumps[0].end_s - 10.1).abs() < 1e-9 && jumps[0].value == Some(8.0));
        let negative = of(EventKind::NegativeCorrelation);
        assert_eq!(negative.len(), 1);
        assert!(
            (negative[0].start_s - 10.0).abs() < 1e-9 && (negative[0].end_s - 10.8).abs() < 1e-9
        );
        assert_eq!(of(EventKind::Loudest)[0].value, Some(-12.0));
        let quietest = of(EventKind::Quietest);
        assert_eq!(quietest[0].value, Some(-20.0));
        assert!(quietest[0].end_s >= 3.0, "a full window");
        // Below the relative gate nothing counts: a file at -40 LUFS with integrated -14.
        assert!(derived(&rows(&[-40.0; 50], 0.5), 0.1, Some(-14.0)).is_empty());
    }
}

//! The host's timeline: where an event happened in the song, as the host's transport counts it
//! (time, and bars and beats when the host gives them), beside its time since the meter's reset.
//!
//! A plug-in passes the transport's position at the start of each block
//! ([`crate::Meter::set_host_timeline`]); an event's position is that of its block, moved on by
//! the time from the block's start to the event at the block's tempo. Events that happen while
//! the transport is stopped (live input, a host that runs its plug-ins when stopped) have none.

use crate::units::clock;

/// The host transport's position at the start of a block, as far as the host tells it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HostTimeline {
    /// Position in seconds.
    pub seconds: Option<f64>,
    /// Position in quarter notes.
    pub beats: Option<f64>,
    /// Tempo (quarter notes per minute).
    pub tempo_bpm: Option<f64>,
    /// Where the current bar starts, in quarter notes.
    pub bar_start_beats: Option<f64>,
    /// The current bar's number, 0 for the first bar of the song.
    pub bar_number: Option<i32>,
    /// Time signature (numerator, denominator).
    pub time_signature: Option<(i32, i32)>,
}

/// Where something happened on the host's timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostPosition {
    /// Song position in seconds.
    pub seconds: Option<f64>,
    /// Bar, 1 for the first (as hosts show it), and the beat within it, 1.0 on the downbeat, in
    /// beats of the time signature.
    pub bar_beat: Option<(i32, f64)>,
}

impl HostTimeline {
    /// The position `dt_s` seconds after this one (before it, if negative), at its tempo and
    /// time signature; `None` if the host gives neither a time nor a beat position.
    pub fn at(&self, dt_s: f64) -> Option<HostPosition> {
        let seconds = self.seconds.map(|s| s + dt_s);
        let beats = match (self.beats, self.tempo_bpm) {
            (Some(b), Some(t)) => Some(b + dt_s * t / 60.0),
            (Some(b), None) if dt_s == 0.0 => Some(b),
            _ => None,
        };
        let bar_beat = match (
            beats,
            self.bar_start_beats,
            self.bar_number,
            self.time_signature,
        ) {
            (Some(b), Some(start), Some(bar), Some((num, den))) if num > 0 && den > 0 => {
                let per_bar = f64::from(num) * 4.0 / f64::from(den);
                let bars = ((b - start) / per_bar).floor();
                let in_bar = b - start - bars * per_bar;
                Some((bar + bars as i32 + 1, in_bar * f64::from(den) / 4.0 + 1.0))
            }
            _ => None,
        };
        (seconds.is_some() || bar_beat.is_some()).then_some(HostPosition { seconds, bar_beat })
    }
}

impl HostPosition {
    /// "bar 13, beat 2.5 (0:48.2)", "bar 13, beat 2.5" or "0:48.2". Allocates.
    pub fn label(&self) -> String {
        let time = self.seconds.map(|s| clock(s.max(0.0)));
        match (self.bar_beat, time) {
            (Some((bar, beat)), Some(t)) => format!("bar {bar}, beat {} ({t})", beat_text(beat)),
            (Some((bar, beat)), None) => format!("bar {bar}, beat {}", beat_text(beat)),
            (None, Some(t)) => t,
            (None, None) => String::new(),
        }
    }
}

/// A beat to a tenth, without a trailing ".0" on a whole beat.
fn beat_text(beat: f64) -> String {
    let tenths = (beat * 10.0).floor() / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0}")
    } else {
        format!("{tenths:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn four_four_at_120() -> HostTimeline {
        // Bar 9 (0-based 8) starts at quarter note 32 = 16 s at 120 bpm.
        HostTimeline {
            seconds: Some(16.0),
            beats: Some(32.0),
            tempo_bpm: Some(120.0),
            bar_start_beats: Some(32.0),
            bar_number: Some(8),
            time_signature: Some((4, 4)),
        }
    }

    #[test]
    fn positions_move_on_at_the_tempo_across_bars() {
        let t = four_four_at_120();
        assert_eq!(t.at(0.0).expect("pos").label(), "bar 9, beat 1 (0:16.0)");
        // 1.25 s = 2.5 quarter notes later.
        assert_eq!(t.at(1.25).expect("pos").label(), "bar 9, beat 3.5 (0:17.3)");
        // 2 s = one bar later; and half a beat before the block.
        assert_eq!(t.at(2.0).expect("pos").bar_beat, Some((10, 1.0)));
        assert_eq!(t.at(-0.25).expect("pos").bar_beat, Some((8, 4.5)));
    }

    #[test]
    fn six_eight_counts_eighth_notes() {
        let t = HostTimeline {
            time_signature: Some((6, 8)),
            ..four_four_at_120()
        };
        // A 6/8 bar is 3 quarter notes; 1.25 s is 2.5 quarters = 5 eighths: beat 6.
        assert_eq!(t.at(1.25).expect("pos").bar_beat, Some((9, 6.0)));
    }

    #[test]
    fn what_the_host_does_not_give_is_left_out() {
        let time_only = HostTimeline {
            seconds: Some(61.5),
            ..HostTimeline::default()
        };
        assert_eq!(time_only.at(1.0).expect("pos").label(), "1:02.5");
        assert_eq!(HostTimeline::default().at(0.0), None);
        let no_tempo = HostTimeline {
            tempo_bpm: None,
            ..four_four_at_120()
        };
        assert_eq!(
            no_tempo.at(0.5).expect("pos").bar_beat,
            None,
            "no tempo, no beats"
        );
    }
}

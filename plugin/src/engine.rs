//! The audio thread's work for one block, apart from the plug-in framework so it can be tested
//! and benchmarked directly: transport handling (reset on play, hold on stop), the editor's
//! requests, the meter, and the snapshots sent to the editor.
//!
//! Real-time safe: no allocation, no lock, no blocking (the meter and the queue's producer end are
//! wait-free; everything else is an atomic in [`SharedState`]).

use preflight_dsp::{HostTimeline, Meter, SnapshotSender, SpectrumMode, MAX_CHANNELS};
use preflight_gui::SNAPSHOT_RATE_HZ;

use crate::shared::SharedState;

/// Seconds between the routine totals sent to the session's recorder. Building them reads every
/// statistic (as a snapshot does), which at this meter's speed is a few percent of its cost if
/// done every second.
pub const TOTALS_INTERVAL_S: u32 = 10;

/// What the host's transport and the parameters say about one block.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BlockContext {
    /// The transport is playing.
    pub playing: bool,
    /// It started playing at this block.
    pub started: bool,
    /// The "reset on play" parameter.
    pub reset_on_play: bool,
    /// The "hold on stop" parameter.
    pub hold_on_stop: bool,
    /// Where the transport is at the block's start, while it plays and as far as the host says.
    pub timeline: Option<HostTimeline>,
}

/// What `activate()` builds for one sample rate / channel count / block size.
#[derive(Debug)]
pub struct Engine {
    meter: Meter,
    sender: SnapshotSender,
    /// Frames between snapshots (1/[`SNAPSHOT_RATE_HZ`] s).
    snapshot_interval: usize,
    frames_since_snapshot: usize,
    /// Frames between routine totals sent to the recorder ([`TOTALS_INTERVAL_S`]).
    totals_interval: usize,
    frames_since_totals: usize,
    /// Whether the transport played in the previous block, to see it stop.
    was_playing: bool,
    /// (sample rate, channels, max block) it was built for.
    pub config: (u32, usize, usize),
}

impl Engine {
    /// An engine around a meter and the producer end of the snapshot queue.
    pub fn new(
        meter: Meter,
        sender: SnapshotSender,
        rate_hz: u32,
        config: (u32, usize, usize),
    ) -> Self {
        Self {
            meter,
            sender,
            snapshot_interval: (rate_hz / SNAPSHOT_RATE_HZ).max(1) as usize,
            frames_since_snapshot: 0,
            totals_interval: (rate_hz.max(1) * TOTALS_INTERVAL_S) as usize,
            frames_since_totals: 0,
            was_playing: false,
            config,
        }
    }

    /// Measures one block (`input`: one slice per channel, `frames` long). Returns whether a
    /// snapshot went to the editor (so the caller asks for a repaint). Real-time safe.
    pub fn run_block<S: AsRef<[f32]>>(
        &mut self,
        input: &[S],
        frames: usize,
        block: BlockContext,
        shared: &SharedState,
    ) -> bool {
        let meter = &mut self.meter;
        if shared.take_reset() || (block.started && block.reset_on_play) {
            meter.reset();
        }
        if shared.take_reset_maxima() {
            meter.reset_maxima();
        }
        let paused = shared.paused();
        if meter.is_paused() != paused {
            meter.set_paused(paused);
        }
        let editor_open = shared.editor_open();
        let spectrum = if editor_open {
            SpectrumMode::Display
        } else {
            SpectrumMode::LongTerm
        };
        if meter.spectrum_mode() != spectrum {
            meter.set_spectrum_mode(spectrum);
        }

        let holding = !block.playing && block.hold_on_stop;
        shared.set_holding(holding);
        if !holding {
            let mut channels: [&[f32]; MAX_CHANNELS] = [&[]; MAX_CHANNELS];
            for (dst, src) in channels.iter_mut().zip(input.iter()) {
                *dst = src.as_ref();
            }
            meter.set_host_timeline(block.timeline);
            meter.process(&channels[..input.len().min(MAX_CHANNELS)]);
        }

        // The recorder gets the totals at once when an export asks, and otherwise when the
        // transport stops and every few seconds, for an export while the host runs nothing.
        let marker = shared.take_totals_request();
        let stopped = self.was_playing && !block.playing;
        self.was_playing = block.playing;
        self.frames_since_totals += frames;
        if marker != 0 || stopped || self.frames_since_totals >= self.totals_interval {
            self.frames_since_totals = 0;
            meter.send_totals(marker);
        }

        // Snapshots keep coming while held, so the editor shows "held" rather than "idle". With
        // the editor closed none is built, but the since-last peaks still restart on the same
        // clock, so a window opened later shows current peaks, not the loudest one since it was
        // last open.
        self.frames_since_snapshot += frames;
        if self.frames_since_snapshot >= self.snapshot_interval {
            self.frames_since_snapshot = 0;
            if editor_open {
                self.sender.send(meter.snapshot());
                return true;
            }
            meter.clear_since_last();
        }
        false
    }
}

//! Preflight as a CLAP and VST3 plugin for the master bus.
//!
//! The audio passes through untouched (nice-plug processes in place; `process()` only reads the
//! buffer) with zero latency. Each block feeds the [`Meter`]; about [`SNAPSHOT_RATE_HZ`] times a
//! second a [`preflight_dsp::Snapshot`] goes to the editor through the wait-free snapshot queue.
//!
//! Real-time contract of `process()`: no allocation (nice-plug's `assert_process_allocs` aborts on
//! one in debug builds), no lock, no blocking. Everything it shares with the editor is an atomic
//! ([`shared::SharedState`]) or the producer end of the queue, which the audio thread owns. The
//! queue's consumer end sits in a mutex that only the main thread (`activate()`) and the GUI
//! thread take.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};

use nice_plug::prelude::*;
use nice_plug_egui::RepaintNotifier;
use preflight_dsp::{snapshot_channel, ChannelLayout, HostTimeline, Meter, MeterConfig};
use preflight_gui::SNAPSHOT_RATE_HZ;

pub mod editor;
pub mod editor_state;
pub mod engine;
pub mod export;
pub mod params;
pub mod references;
pub mod shared;

use editor::PreflightEditor;
use engine::{BlockContext, Engine};
use export::RECORD_QUEUE_LEN;
use params::PreflightParams;
use shared::{ReceiverSlot, RecorderSlot, SharedState};

/// Snapshots the queue holds: a few seconds of a stalled editor before new ones are dropped.
const SNAPSHOT_QUEUE_LEN: usize = 4 * SNAPSHOT_RATE_HZ as usize;

/// The plugin instance.
#[derive(Debug)]
pub struct Preflight {
    params: Arc<PreflightParams>,
    shared: Arc<SharedState>,
    receiver: ReceiverSlot,
    /// The measured session's history and events, off the audio thread (see [`export`]).
    recorder: RecorderSlot,
    /// The thread that drains `recorder`, joined when the plug-in is dropped.
    recording_thread: Option<export::RecordingThread>,
    repaint: RepaintNotifier,
    engine: Option<Engine>,
    /// Transport state of the previous block, to see it start.
    was_playing: bool,
}

impl Default for Preflight {
    fn default() -> Self {
        Self {
            params: Arc::new(PreflightParams::default()),
            shared: Arc::new(SharedState::default()),
            receiver: Arc::new(Mutex::new(None)),
            recorder: export::new_slot(),
            recording_thread: None,
            repaint: RepaintNotifier::new(),
            engine: None,
            was_playing: false,
        }
    }
}

impl Plugin for Preflight {
    const NAME: &'static str = "Preflight";
    const VENDOR: &'static str = "Preflight contributors";
    const URL: &'static str = env!("CARGO_PKG_REPOSITORY");
    const EMAIL: &'static str = "";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[
        io_layout(2, "Stereo"),
        io_layout(1, "Mono"),
        io_layout(6, "5.1"),
    ];

    type SysExMessage = ();
    type BackgroundTask = ();
    type Editor = PreflightEditor;

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        Some(PreflightEditor::new(
            Arc::clone(&self.params),
            Arc::clone(&self.shared),
            Arc::clone(&self.receiver),
            Arc::clone(&self.recorder),
            self.repaint.clone(),
        ))
    }

    /// Builds the meter and the snapshot queue (allocation is allowed here). A repeated call with
    /// the same configuration keeps the running measurement.
    fn activate(
        &mut self,
        audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        _context: &mut impl ActivateContext<Self>,
    ) -> bool {
        let channels = audio_io_layout
            .main_input_channels
            .map_or(0, |c| c.get() as usize);
        // A fractional rate measures as the nearest whole one: the filters' response moves by
        // far less than the standard's tolerances.
        let rate_hz = buffer_config.sample_rate.round() as u32;
        let max_block = buffer_config.max_buffer_size as usize;
        let config = (rate_hz, channels, max_block);
        if self.engine.as_ref().is_some_and(|e| e.config == config) {
            return true;
        }

        let layout = ChannelLayout::from_channel_count(channels);
        match Meter::new(MeterConfig::new(rate_hz, layout, max_block)) {
            Ok(mut meter) => {
                let (sender, receiver) = snapshot_channel(SNAPSHOT_QUEUE_LEN);
                *self.receiver.lock().unwrap_or_else(PoisonError::into_inner) = Some(receiver);
                let recorder = meter.record(RECORD_QUEUE_LEN);
                *self.recorder.lock().unwrap_or_else(PoisonError::into_inner) = Some(recorder);
                if self.recording_thread.is_none() {
                    self.recording_thread = export::RecordingThread::start(&self.recorder);
                }
                self.engine = Some(Engine::new(meter, sender, rate_hz, config));
                self.shared.set_not_measured(None);
            }
            // The plug-in still activates and passes the audio through: a meter must never be
            // why a host cannot run a session. The editor says why it shows no figures.
            Err(err) => {
                nice_warn!("not measuring this configuration: {err}");
                *self.receiver.lock().unwrap_or_else(PoisonError::into_inner) = None;
                *self.recorder.lock().unwrap_or_else(PoisonError::into_inner) = None;
                self.engine = None;
                self.shared.set_not_measured(Some(format!(
                    "Not measured at {} Hz: {err}",
                    buffer_config.sample_rate
                )));
            }
        }
        true
    }

    /// A host reset (a seek, a re-activation) does not end the user's measurement: only the
    /// Reset button and "Reset on play" start a new one.
    fn reset(&mut self) {}

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        let Some(engine) = self.engine.as_mut() else {
            return ProcessStatus::KeepAlive;
        };
        let transport = context.transport();
        let playing = transport.playing;
        let started = playing && !self.was_playing;
        self.was_playing = playing;
        let timeline = playing
            .then(|| host_timeline(transport))
            .filter(|t| t.seconds.is_some() || t.beats.is_some());
        let block = BlockContext {
            playing,
            started,
            reset_on_play: self.params.reset_on_play.value(),
            hold_on_stop: self.params.hold_on_stop.value(),
            timeline,
        };
        let frames = buffer.samples();
        if engine.run_block(buffer.as_slice_immutable(), frames, block, &self.shared) {
            self.repaint.request_repaint();
        }

        // A meter has to see silence too, so the host should not suspend it on a quiet input.
        ProcessStatus::KeepAlive
    }
}

/// What the host's transport says about where the block starts. Real-time safe.
fn host_timeline(t: &Transport) -> HostTimeline {
    HostTimeline {
        seconds: t.pos_seconds(),
        beats: t.pos_beats(),
        tempo_bpm: t.tempo,
        bar_start_beats: t.bar_start_pos_beats(),
        bar_number: t.bar_number(),
        time_signature: t.time_sig_numerator.zip(t.time_sig_denominator),
    }
}

/// A main input and output of `channels` channels.
const fn io_layout(channels: u32, name: &'static str) -> AudioIOLayout {
    AudioIOLayout {
        main_input_channels: NonZeroU32::new(channels),
        main_output_channels: NonZeroU32::new(channels),
        names: PortNames {
            layout: Some(name),
            ..PortNames::const_default()
        },
        ..AudioIOLayout::const_default()
    }
}

impl ClapPlugin for Preflight {
    const CLAP_ID: &'static str = "org.preflight.meter";
    const CLAP_DESCRIPTION: Option<&'static str> =
        Some("Loudness, true-peak and mix-readiness meter for the master bus");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[
        ClapFeature::AudioEffect,
        ClapFeature::Analyzer,
        ClapFeature::Utility,
        ClapFeature::Stereo,
        ClapFeature::Mono,
        ClapFeature::Surround,
    ];
}

impl Vst3Plugin for Preflight {
    const VST3_CLASS_ID: [u8; 16] = *b"PreflightMeter01";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] = &[
        Vst3SubCategory::Fx,
        Vst3SubCategory::Analyzer,
        Vst3SubCategory::Tools,
    ];
}

nice_export_clap!(Preflight);
nice_export_vst3!(Preflight);

//! The metering engine: glue between the stages (in progress).

use crate::layout::{ChannelLayout, MAX_CHANNELS};
use crate::snapshot::{Snapshot, Summary};

/// Lowest supported sample rate.
pub const MIN_SAMPLE_RATE_HZ: u32 = 8_000;
/// Highest supported sample rate.
pub const MAX_SAMPLE_RATE_HZ: u32 = 384_000;

/// What the spectrum analyser computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpectrumMode {
    /// No spectrum at all (cheapest).
    Off,
    /// Long-term average spectrum only, on non-overlapping frames (what the readiness checks need).
    LongTerm,
    /// Long-term average plus live display frames on overlapping frames (editor open).
    Display,
}

/// How a [`Meter`] is built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeterConfig {
    /// 8 kHz to 384 kHz.
    pub sample_rate_hz: u32,
    /// Channel layout (weights, LFE, stereo pair).
    pub layout: ChannelLayout,
    /// Largest block `process` is expected to see; larger blocks are split internally.
    pub max_block_frames: usize,
    /// Spectrum analysis wanted at start.
    pub spectrum: SpectrumMode,
    /// Ceiling for counting true-peak overs (dBTP).
    pub true_peak_ceiling_dbtp: f64,
}

impl MeterConfig {
    /// Defaults: long-term spectrum on, true-peak ceiling -1 dBTP.
    pub fn new(sample_rate_hz: u32, layout: ChannelLayout, max_block_frames: usize) -> Self {
        Self {
            sample_rate_hz,
            layout,
            max_block_frames,
            spectrum: SpectrumMode::LongTerm,
            true_peak_ceiling_dbtp: -1.0,
        }
    }
}

/// Why a meter cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeterError {
    /// Sample rate outside 8 kHz..=384 kHz.
    #[error("unsupported sample rate {got} Hz (supported: {min} to {max} Hz)")]
    UnsupportedSampleRate {
        /// Requested rate.
        got: u32,
        /// Lowest supported.
        min: u32,
        /// Highest supported.
        max: u32,
    },
    /// No channels, or more than [`MAX_CHANNELS`].
    #[error("unsupported channel count {got} (supported: 1 to {max})")]
    UnsupportedChannelCount {
        /// Requested count.
        got: usize,
        /// Most supported.
        max: usize,
    },
}

/// The metering engine. See the crate docs for the real-time contract.
#[derive(Debug)]
pub struct Meter {
    config: MeterConfig,
}

impl Meter {
    /// Builds a meter; allocates everything it will use. Not real-time safe.
    pub fn new(config: MeterConfig) -> Result<Self, MeterError> {
        let _ = MAX_CHANNELS;
        Ok(Self { config })
    }

    /// The configuration the meter was built with.
    pub fn config(&self) -> &MeterConfig {
        &self.config
    }

    /// Measures one block of planar audio (one slice per channel, equal lengths). Real-time safe.
    pub fn process(&mut self, _channels: &[&[f32]]) {}

    /// Measures interleaved audio. Real-time safe.
    pub fn process_interleaved(&mut self, _samples: &[f32]) {}

    /// Current state; resets the since-last peaks. Real-time safe.
    pub fn snapshot(&mut self) -> Snapshot {
        Snapshot::default()
    }

    /// Everything measured since reset. Allocates.
    pub fn summary(&self) -> Summary {
        unimplemented!()
    }

    /// Clears every measurement and filter state. Real-time safe.
    pub fn reset(&mut self) {}

    /// Clears maxima only. Real-time safe.
    pub fn reset_maxima(&mut self) {}

    /// Pauses or resumes the integrating measurements. Real-time safe.
    pub fn set_paused(&mut self, _paused: bool) {}

    /// Changes what the spectrum analyser computes. Real-time safe.
    pub fn set_spectrum_mode(&mut self, _mode: SpectrumMode) {}
}

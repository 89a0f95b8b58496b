//! [`Actions`]: what the user asked for in one frame. The views record them and the
//! [`Model`](crate::Model) takes the ones that only concern the view; both import this module,
//! so neither imports the other for it.

use preflight_dsp::platforms::Platform;
use preflight_dsp::readiness::{Profile, Style, Tonal};

/// What the user asked for during one frame. The host carries these out after
/// [`draw`](crate::draw) returns; the view itself changes nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Actions {
    /// Start a new measurement (integrated, LRA, maxima, counts).
    pub reset: bool,
    /// Clear the maxima only.
    pub reset_maxima: bool,
    /// Pause (`Some(true)`) or resume (`Some(false)`) the integrating measurements.
    pub set_paused: Option<bool>,
    /// Judge the mix against another profile.
    pub set_profile: Option<Profile>,
    /// Judge a master against another platform.
    pub set_platform: Option<&'static Platform>,
    /// Judge the tonal balance against another built-in style.
    pub set_style: Option<Style>,
    /// Change the editor's zoom factor (1 = 100 %).
    pub set_zoom: Option<f32>,
    /// Draw the spectrum with another slope (dB per octave); a view setting, see
    /// [`Model::apply_view_actions`](crate::Model::apply_view_actions).
    pub set_spectrum_slope: Option<f32>,
    /// Write the measured session's report, JSON and history CSV into this folder.
    pub export_to: Option<String>,
    /// Add this file (or folder) to the reference tracks.
    pub add_reference: Option<String>,
    /// Remove the reference track at this index.
    pub remove_reference: Option<usize>,
}

/// A reference track as the editor shows it: its path and where its analysis stands.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceTrack {
    /// The path as the user gave it (saved with the session).
    pub path: String,
    /// Its analysis.
    pub state: ReferenceState,
}

impl ReferenceTrack {
    /// Its balance, once measured.
    pub fn measured(&self) -> Option<&Tonal> {
        match &self.state {
            ReferenceState::Ready(t) => Some(t),
            _ => None,
        }
    }
}

/// Where a reference track's analysis stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ReferenceState {
    /// Being decoded and measured, off the audio thread.
    Analysing,
    /// Measured: its loudness and long-term spectrum.
    Ready(Box<Tonal>),
    /// Could not be read: why.
    Failed(String),
}

/// Where an export stands, as the editor shows it under the Export button.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ExportStatus {
    /// None asked for yet.
    #[default]
    Idle,
    /// Being written.
    Writing,
    /// Written: what to tell the user (the files).
    Done(String),
    /// Nothing written: why.
    Failed(String),
}

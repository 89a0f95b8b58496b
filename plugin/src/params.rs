//! The plugin's parameters and persisted settings.
//!
//! Parameter IDs are frozen: hosts store them (CLAP and VST3 hash them to 32-bit IDs) in every
//! project that uses the plugin, so renaming an ID breaks saved sessions. Display names may change.
//!
//! All five are automatable, although they are settings of the measurement, not of the sound:
//! hosts show, record and save only parameters flagged automatable (Ardour lists a VST3 parameter
//! only with `kCanAutomate`, and then ignores edits the editor reports for any other; Qtractor
//! lists CLAP parameters only with `CLAP_PARAM_IS_AUTOMATABLE` and marks the session modified
//! only for those), so without the flag the editor could not change a setting in those hosts.

use std::sync::{Arc, RwLock};

use nice_plug::prelude::*;
use preflight_dsp::platforms::{self, PLATFORMS};
use preflight_dsp::readiness;

use crate::editor_state::EditorState;

/// What the readiness checks judge the mix against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ProfileParam {
    /// A mix to be sent to mastering: headroom, no bus limiting, moderate loudness.
    #[id = "mix"]
    Mix,
    /// A finished master: the selected platform's loudness target and true-peak ceiling.
    #[id = "master"]
    Master,
}

impl From<ProfileParam> for readiness::Profile {
    fn from(profile: ProfileParam) -> Self {
        match profile {
            ProfileParam::Mix => Self::Mix,
            ProfileParam::Master => Self::Master,
        }
    }
}

/// The built-in tonal-balance target the spectral checks read ([`readiness::Style`], same ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum StyleParam {
    #[id = "general"]
    General,
    #[id = "acoustic"]
    #[name = "Acoustic / orchestral"]
    Acoustic,
    #[id = "electronic"]
    Electronic,
}

impl From<StyleParam> for readiness::Style {
    fn from(style: StyleParam) -> Self {
        match style {
            StyleParam::General => Self::General,
            StyleParam::Acoustic => Self::Acoustic,
            StyleParam::Electronic => Self::Electronic,
        }
    }
}

impl From<readiness::Style> for StyleParam {
    fn from(style: readiness::Style) -> Self {
        match style {
            readiness::Style::General => Self::General,
            readiness::Style::Acoustic => Self::Acoustic,
            readiness::Style::Electronic => Self::Electronic,
        }
    }
}

/// The delivery target whose loudness normalisation the master is checked against. Variants
/// follow the rows of [`PLATFORMS`], with the same IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum PlatformParam {
    #[id = "spotify"]
    Spotify,
    #[id = "apple_music"]
    #[name = "Apple Music"]
    AppleMusic,
    #[id = "amazon_music"]
    #[name = "Amazon Music"]
    AmazonMusic,
    #[id = "youtube"]
    #[name = "YouTube"]
    YouTube,
    #[id = "tidal"]
    Tidal,
    #[id = "deezer"]
    Deezer,
    #[id = "ebu_r128"]
    #[name = "EBU R128"]
    EbuR128,
    #[id = "atsc_a85"]
    #[name = "ATSC A/85"]
    AtscA85,
    #[id = "aes_streaming"]
    #[name = "AES streaming"]
    AesStreaming,
}

impl From<readiness::Profile> for ProfileParam {
    fn from(profile: readiness::Profile) -> Self {
        match profile {
            readiness::Profile::Mix => Self::Mix,
            readiness::Profile::Master => Self::Master,
        }
    }
}

impl PlatformParam {
    /// The parameter value for a row of the shared target table.
    pub fn for_target(target: &platforms::Platform) -> Option<Self> {
        PLATFORMS
            .iter()
            .position(|p| p.id == target.id)
            .map(Self::from_index)
    }

    /// This platform's row in the shared target table.
    pub fn target(self) -> &'static platforms::Platform {
        &PLATFORMS[self.to_index()]
    }
}

/// Everything the host stores with the plugin.
#[derive(Debug, Params)]
pub struct PreflightParams {
    /// Editor window size and zoom, restored with the session.
    #[persist = "editor-state"]
    pub editor_state: Arc<EditorState>,

    /// The folder the editor's Export button wrote to last (empty: the default folder).
    #[persist = "export-folder"]
    pub export_folder: Arc<RwLock<String>>,

    /// The reference tracks' paths, in the order they were added.
    #[persist = "references"]
    pub references: Arc<RwLock<Vec<String>>>,

    /// Mixing or mastering checks.
    #[id = "profile"]
    pub profile: EnumParam<ProfileParam>,

    /// Target platform for the mastering checks.
    #[id = "platform"]
    pub platform: EnumParam<PlatformParam>,

    /// Start a new measurement whenever the host transport starts playing.
    #[id = "rst_play"]
    pub reset_on_play: BoolParam,

    /// Freeze the readings while the host transport is stopped (audio still passes).
    #[id = "hold_stop"]
    pub hold_on_stop: BoolParam,

    /// Tonal-balance target of the spectral checks (last, so the hosts' indices of the others
    /// stay as saved sessions have them).
    #[id = "style"]
    pub style: EnumParam<StyleParam>,
}

impl Default for PreflightParams {
    fn default() -> Self {
        Self {
            editor_state: Arc::new(EditorState::default()),
            export_folder: Arc::new(RwLock::new(String::new())),
            references: Arc::new(RwLock::new(Vec::new())),
            profile: EnumParam::new("Profile", ProfileParam::Mix),
            platform: EnumParam::new("Platform", PlatformParam::Spotify),
            reset_on_play: BoolParam::new("Reset on play", false),
            hold_on_stop: BoolParam::new("Hold on stop", false),
            style: EnumParam::new("Style", StyleParam::General),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_variants_follow_the_target_table() {
        let ids = PlatformParam::ids().expect("platform variants carry frozen ids");
        assert_eq!(ids.len(), PLATFORMS.len());
        for (index, row) in PLATFORMS.iter().enumerate() {
            assert_eq!(ids[index], row.id);
            assert_eq!(PlatformParam::from_index(index).target().id, row.id);
        }
    }

    #[test]
    fn style_ids_match_the_readiness_styles() {
        let ids = StyleParam::ids().expect("style variants carry frozen ids");
        assert_eq!(ids.len(), readiness::Style::ALL.len());
        for (index, id) in ids.iter().enumerate() {
            let style: readiness::Style = StyleParam::from_index(index).into();
            assert_eq!(style.id(), *id);
            assert_eq!(StyleParam::from(style), StyleParam::from_index(index));
        }
    }

    #[test]
    fn profile_ids_match_the_readiness_profiles() {
        let ids = ProfileParam::ids().expect("profile variants carry frozen ids");
        for (index, id) in ids.iter().enumerate() {
            let profile: readiness::Profile = ProfileParam::from_index(index).into();
            assert_eq!(profile.id(), *id);
        }
    }
}

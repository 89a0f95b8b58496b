//! Channel layouts and their BS.1770-4 channel weights (Table 4 of the Recommendation):
//! L, R, C = 1.0; Ls, Rs = 1.41 (+1.5 dB); LFE excluded.

/// The most channels a [`crate::Meter`] measures; snapshots hold fixed arrays of this size.
pub const MAX_CHANNELS: usize = 8;

/// How the channels of a stream map onto loudspeakers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelLayout {
    /// One channel, weight 1.0.
    Mono,
    /// L, R.
    Stereo,
    /// L, R, C, Ls, Rs (the order of EBU Tech 3341 case 6 and of 5-channel WAV files).
    Surround50,
    /// L, R, C, LFE, Ls, Rs (WAVE_FORMAT_EXTENSIBLE / SMPTE order); LFE is excluded.
    Surround51,
    /// Any other channel count up to [`MAX_CHANNELS`]: every channel weighted 1.0.
    Other(usize),
}

impl ChannelLayout {
    /// The usual layout for a channel count (1 mono, 2 stereo, 5 = 5.0, 6 = 5.1).
    pub fn from_channel_count(channels: usize) -> Self {
        match channels {
            1 => Self::Mono,
            2 => Self::Stereo,
            5 => Self::Surround50,
            6 => Self::Surround51,
            n => Self::Other(n),
        }
    }

    /// Number of channels in the stream.
    pub fn channel_count(self) -> usize {
        match self {
            Self::Mono => 1,
            Self::Stereo => 2,
            Self::Surround50 => 5,
            Self::Surround51 => 6,
            Self::Other(n) => n,
        }
    }

    /// BS.1770-4 weight G_i of each channel (0.0 for LFE, which is excluded).
    pub fn weights(self) -> [f64; MAX_CHANNELS] {
        let mut w = [0.0; MAX_CHANNELS];
        match self {
            Self::Mono => w[0] = 1.0,
            Self::Stereo => {
                w[0] = 1.0;
                w[1] = 1.0;
            }
            Self::Surround50 => {
                w[..5].copy_from_slice(&[1.0, 1.0, 1.0, SURROUND_WEIGHT, SURROUND_WEIGHT])
            }
            Self::Surround51 => {
                w[..6].copy_from_slice(&[1.0, 1.0, 1.0, 0.0, SURROUND_WEIGHT, SURROUND_WEIGHT])
            }
            Self::Other(n) => w
                .iter_mut()
                .take(n.min(MAX_CHANNELS))
                .for_each(|g| *g = 1.0),
        }
        w
    }

    /// Loudspeaker label of channel `index` ("M"; "L", "R"; "L", "R", "C", "Ls", "Rs";
    /// "L", "R", "C", "LFE", "Ls", "Rs"), or `None` for other layouts and indices.
    pub fn label(self, index: usize) -> Option<&'static str> {
        let named: &[&'static str] = match self {
            Self::Mono => &["M"],
            Self::Stereo => &["L", "R"],
            Self::Surround50 => &["L", "R", "C", "Ls", "Rs"],
            Self::Surround51 => &["L", "R", "C", "LFE", "Ls", "Rs"],
            Self::Other(_) => &[],
        };
        named.get(index).copied()
    }

    /// Whether the first two channels are a left/right pair (for correlation and balance).
    pub fn has_stereo_pair(self) -> bool {
        !matches!(self, Self::Mono | Self::Other(0) | Self::Other(1))
    }

    /// Index of the LFE channel, if any (excluded from loudness and from the spectrum).
    pub fn lfe_index(self) -> Option<usize> {
        match self {
            Self::Surround51 => Some(3),
            _ => None,
        }
    }
}

/// Weight of the surround channels Ls and Rs (BS.1770-4 Table 4: 1.41, i.e. +1.5 dB).
pub const SURROUND_WEIGHT: f64 = 1.41;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_follow_bs1770_table_4() {
        assert_eq!(ChannelLayout::Stereo.weights()[..2], [1.0, 1.0]);
        assert_eq!(ChannelLayout::Stereo.weights()[2], 0.0);
        let w51 = ChannelLayout::Surround51.weights();
        assert_eq!(w51[..6], [1.0, 1.0, 1.0, 0.0, 1.41, 1.41]);
        assert_eq!(ChannelLayout::Surround51.lfe_index(), Some(3));
        assert_eq!(
            ChannelLayout::from_channel_count(5),
            ChannelLayout::Surround50
        );
        assert_eq!(
            ChannelLayout::from_channel_count(3).weights()[..4],
            [1.0, 1.0, 1.0, 0.0]
        );
    }
}

//! What the readiness rules read: [`ReadinessStats`], a fixed-size, `Copy` digest of the meter's
//! state, and the peak-histogram layout both sides share. The meter fills it (on the audio
//! thread, or from a file's summary); the rules in [`crate::readiness`] judge it. Neither
//! imports the other.

use crate::layout::MAX_CHANNELS;
use crate::spectrum::BAND_COUNT;

/// Audio needed before the loudness range means anything (EBU Tech 3342) (s): the meter marks
/// the range settled after it, and the rules wait for it.
pub const LRA_MIN_S: f64 = 60.0;
/// Full scale: a true peak above it is clipping (dBTP), as are samples at it (from
/// [`FULL_SCALE_SAMPLE`]). The meter counts against it; the rules report it.
pub const CLIP_DBFS: f64 = 0.0;
/// The sample value from which a sample counts as at full scale: the positive rail of 16-bit
/// PCM (32767 / 32768, -0.0003 dBFS). Integer PCM's positive rail stops one code short of 1.0
/// (0x7FFF is 0.999969 in 16-bit, 0x7FFFFF is 0.99999988 in 24-bit), so with a plain `>= 1.0`
/// a clipped 16- or 24-bit file would count only its negative rail.
pub const FULL_SCALE_SAMPLE: f32 = 32767.0 / 32768.0;

/// Bins of the per-window peak histogram: 0.1 dB from -30 to +6 dBTP.
pub const PEAK_BINS: usize = 360;
/// Lowest level of the peak histogram (dBTP).
pub const PEAK_HIST_MIN_DBTP: f64 = -30.0;
/// Width of a peak-histogram bin (dB).
pub const PEAK_BIN_DB: f64 = 0.1;

/// Length of the blocks of the block-loudness histogram, in 10 ms sub-blocks (50 ms).
pub const SHORT_BLOCK_SUBBLOCKS: u64 = 5;
/// Bins of the block-loudness histogram: 0.25 dB from -70 to +10 LUFS.
pub const BLOCK_BINS: usize = 320;
/// Lowest level of the block-loudness histogram (LUFS): the absolute gate of BS.1770.
pub const BLOCK_HIST_MIN_LUFS: f64 = -70.0;
/// Width of a block-loudness-histogram bin (dB).
pub const BLOCK_BIN_DB: f64 = 0.25;

/// What the rules read, built on the audio thread (see [`crate::Meter::readiness_stats`]) or from
/// a file's [`crate::Summary`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReadinessStats {
    /// Measured time (s).
    pub measured_s: f64,
    /// Non-silent time: gating blocks above the absolute gate, 100 ms each (s).
    pub non_silent_s: f64,
    /// Channels.
    pub channels: usize,
    /// Integrated loudness (LUFS).
    pub integrated_lufs: Option<f64>,
    /// Loudness range (LU).
    pub loudness_range_lu: Option<f64>,
    /// Highest true peak (dBTP).
    pub true_peak_dbtp: Option<f64>,
    /// Highest sample peak (dBFS).
    pub sample_peak_dbfs: Option<f64>,
    /// Samples at or above full scale.
    pub clipped_samples: u64,
    /// Oversampled values above 0 dBTP.
    pub true_peak_overs_0db: u64,
    /// First clipping (sample >= 0 dBFS or true peak > 0 dBTP), seconds from the start.
    pub first_clip_s: Option<f64>,
    /// Last clipping, seconds from the start.
    pub last_clip_s: Option<f64>,
    /// Correlation over the passages above the relative gate.
    pub loud_correlation: Option<f64>,
    /// How much quieter a mono downmix of those passages is than the stereo mix (dB; see
    /// `CorrelationSums::mono_loss_db` in `correlation.rs`).
    pub mono_loss_db: Option<f64>,
    /// Correlation below ~150 Hz over the whole measurement.
    pub low_band_correlation: Option<f64>,
    /// Mono-downmix loss below ~150 Hz over the whole measurement (dB).
    pub low_band_mono_loss_db: Option<f64>,
    /// Every L/R pair identical (mono on a stereo bus).
    pub channels_identical: bool,
    /// Whether there is an L/R pair at all.
    pub stereo: bool,
    /// DC offset per channel (dBFS).
    pub dc_offset_dbfs: [Option<f64>; MAX_CHANNELS],
    /// NaN/Inf samples.
    pub non_finite_samples: u64,
    /// Long-term average spectrum (1/6-octave bands, dB, no slope).
    pub spectrum_db: [Option<f64>; BAND_COUNT],
    /// Histogram of the max true peak of every non-silent 100 ms window.
    pub peak_histogram: [u32; PEAK_BINS],
    /// Histogram of the max sample peak of every non-silent 100 ms window.
    pub sample_peak_histogram: [u32; PEAK_BINS],
    /// Histogram of the K-weighted loudness of every 50 ms block above the absolute gate (two
    /// per 100 ms hop), for micro-dynamics.
    pub block_loudness_histogram: [u32; BLOCK_BINS],
}

impl Default for ReadinessStats {
    fn default() -> Self {
        Self {
            measured_s: 0.0,
            non_silent_s: 0.0,
            channels: 0,
            integrated_lufs: None,
            loudness_range_lu: None,
            true_peak_dbtp: None,
            sample_peak_dbfs: None,
            clipped_samples: 0,
            true_peak_overs_0db: 0,
            first_clip_s: None,
            last_clip_s: None,
            loud_correlation: None,
            mono_loss_db: None,
            low_band_correlation: None,
            low_band_mono_loss_db: None,
            channels_identical: false,
            stereo: false,
            dc_offset_dbfs: [None; MAX_CHANNELS],
            non_finite_samples: 0,
            spectrum_db: [None; BAND_COUNT],
            peak_histogram: [0; PEAK_BINS],
            sample_peak_histogram: [0; PEAK_BINS],
            block_loudness_histogram: [0; BLOCK_BINS],
        }
    }
}

impl ReadinessStats {
    /// PLR: max true peak minus integrated loudness.
    pub fn plr_db(&self) -> Option<f64> {
        Some(self.true_peak_dbtp? - self.integrated_lufs?)
    }
}

impl ReadinessStats {
    /// DC offset of each measured channel (dBFS).
    pub fn dc_offsets(&self) -> &[Option<f64>] {
        &self.dc_offset_dbfs[..self.channels.min(MAX_CHANNELS)]
    }
}

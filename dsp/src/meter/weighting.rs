//! The filter stage: K-weighting of every channel (ITU-R BS.1770-4 Annex 1) and, for the stereo
//! pair, the low-band filter of the correlation, with the filter states they carry from chunk to
//! chunk. The loops live in [`crate::kernels`]: the pair runs the stereo pass, any other channel
//! [`crate::kernels::k_weight`]. The result is the channel-weighted energy loudness sums.

use super::grid::{Frame, Stage};
use crate::correlation::LOW_BAND_HZ;
use crate::k_weighting::{Biquad, BiquadState, KWeighting};
use crate::kernels::{k_weight, stereo_pass, Simd, StereoFilters, StereoState, StereoSums};
use crate::layout::{ChannelLayout, MAX_CHANNELS};
use std::ops::Range;

/// Filters and their states.
#[derive(Debug)]
pub struct Weighting {
    channels: usize,
    weights: [f64; MAX_CHANNELS],
    /// Whether channels 0 and 1 are a stereo pair.
    pair: bool,
    simd: Simd,
    filters: StereoFilters,
    /// The pair's states (shelf, high-pass, the two low-pass sections of L and R).
    pair_state: StereoState,
    /// Shelf and high-pass states of the other channels (indices 0 and 1 unused with a pair).
    shelf_state: [BiquadState; MAX_CHANNELS],
    high_pass_state: [BiquadState; MAX_CHANNELS],
}

impl Weighting {
    /// Filters for `layout` at `sample_rate_hz`.
    pub fn new(sample_rate_hz: u32, layout: ChannelLayout, simd: Simd) -> Self {
        let fs = sample_rate_hz as f64;
        let k = KWeighting::new(fs);
        Self {
            channels: layout.channel_count(),
            weights: layout.weights(),
            pair: layout.has_stereo_pair(),
            simd,
            filters: StereoFilters {
                shelf: k.shelf,
                high_pass: k.high_pass,
                low_pass: Biquad::butterworth_low_pass(fs, LOW_BAND_HZ),
            },
            pair_state: StereoState::default(),
            shelf_state: [BiquadState::default(); MAX_CHANNELS],
            high_pass_state: [BiquadState::default(); MAX_CHANNELS],
        }
    }

    /// Filters `range` of each channel's buffer. Returns the channel-weighted sum of squares of
    /// the K-weighted signal and, with a stereo pair, the pair's sums.
    pub fn measure(
        &mut self,
        buffers: &[Vec<f32>],
        range: Range<usize>,
    ) -> (f64, Option<StereoSums>) {
        let mut energy = 0.0;
        let mut first = 0;
        let mut pair = None;
        if self.pair {
            let sums = stereo_pass(
                &buffers[0][range.clone()],
                &buffers[1][range.clone()],
                &self.filters,
                &mut self.pair_state,
                self.simd,
            );
            energy += self.weights[0] * sums.k_energy[0];
            energy += self.weights[1] * sums.k_energy[1];
            pair = Some(sums);
            first = 2;
        }
        for (c, buf) in buffers.iter().enumerate().take(self.channels).skip(first) {
            if self.weights[c] != 0.0 {
                energy += self.weights[c]
                    * k_weight(
                        &buf[range.clone()],
                        &self.filters.shelf,
                        &self.filters.high_pass,
                        &mut self.shelf_state[c],
                        &mut self.high_pass_state[c],
                    );
            }
        }
        (energy, pair)
    }

    /// Flushes filter states that have decayed into the subnormal range (after each chunk).
    pub fn flush_denormals(&mut self) {
        let p = &mut self.pair_state;
        for s in p
            .shelf
            .iter_mut()
            .chain(p.high_pass.iter_mut())
            .chain(p.low_pass.iter_mut())
            .chain(p.low_pass_2.iter_mut())
            .chain(self.shelf_state.iter_mut())
            .chain(self.high_pass_state.iter_mut())
        {
            s.flush_denormals();
        }
    }
}

impl Stage for Weighting {
    fn reset(&mut self) {
        self.pair_state = StereoState::default();
        self.shelf_state = [BiquadState::default(); MAX_CHANNELS];
        self.high_pass_state = [BiquadState::default(); MAX_CHANNELS];
    }

    /// Filter states are not integrated: the later meter's are where the merged part ends, and
    /// a merged meter is read, not fed.
    fn merge(&mut self, _later: &Self, _offset_frames: Frame) {}
}

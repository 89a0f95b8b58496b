//! Per-channel statistics of the input: DC offset, RMS sums, and the non-finite samples (NaN,
//! +/-Inf) that were measured as silence.
//!
//! DC is averaged over the chunks that carry signal only: chunks are at most 10 ms long, so an
//! all-zero one is the host's silence (a stopped transport, the end of the material), and real
//! DC is never exactly zero. The offset is then that of the audio that is there, however much
//! silence surrounds it.

use super::grid::{Frame, HopEnd, Span, Stage};
use crate::kernels::ChunkStats;
use crate::layout::MAX_CHANNELS;
use crate::stats::ReadinessStats;
use crate::units::amplitude_to_db;

/// DC, RMS and non-finite counts per channel.
#[derive(Debug)]
pub struct ChannelStats {
    channels: usize,
    dc_sum: [f64; MAX_CHANNELS],
    dc_frames: [u64; MAX_CHANNELS],
    sum_sq: [f64; MAX_CHANNELS],
    non_finite: u64,
    /// Non-finite samples in the open hop.
    hop_non_finite: Span,
}

impl ChannelStats {
    /// Statistics of `channels` channels.
    pub fn new(channels: usize) -> Self {
        Self {
            channels,
            dc_sum: [0.0; MAX_CHANNELS],
            dc_frames: [0; MAX_CHANNELS],
            sum_sq: [0.0; MAX_CHANNELS],
            non_finite: 0,
            hop_non_finite: Span::default(),
        }
    }

    /// Adds channel `c`'s sanitised chunk of `n` frames, which starts at `start_frame`.
    pub fn add(&mut self, c: usize, chunk: &ChunkStats, n: usize, start_frame: u64, live: bool) {
        if !live {
            return;
        }
        if chunk.non_finite > 0 {
            self.non_finite += chunk.non_finite as u64;
            let first = start_frame as Frame;
            self.hop_non_finite
                .note(first, first + n as Frame - 1, chunk.non_finite as u64, 0.0);
        }
        if chunk.peak > 0.0 {
            self.dc_sum[c] += chunk.sum;
            self.dc_frames[c] += n as u64;
        }
        self.sum_sq[c] += chunk.sum_sq;
    }

    /// DC offset of channel `c` over the chunks that carried signal (dBFS).
    pub fn dc_offset_dbfs(&self, c: usize) -> Option<f64> {
        amplitude_to_db(self.dc_sum[c] / self.dc_frames[c].max(1) as f64)
    }

    /// Non-finite samples of the open hop (for [`HopEnd`]).
    pub fn hop_non_finite(&self) -> Span {
        self.hop_non_finite
    }

    /// Mean square of channel `c` over `frames` frames.
    pub fn mean_square(&self, c: usize, frames: u64) -> f64 {
        self.sum_sq[c] / frames.max(1) as f64
    }
}

impl Stage for ChannelStats {
    fn reset(&mut self) {
        *self = Self::new(self.channels);
    }

    fn merge(&mut self, later: &Self, _offset_frames: Frame) {
        for c in 0..MAX_CHANNELS {
            self.dc_sum[c] += later.dc_sum[c];
            self.dc_frames[c] += later.dc_frames[c];
            self.sum_sq[c] += later.sum_sq[c];
        }
        self.non_finite += later.non_finite;
    }

    fn end_hop(&mut self, _at: &HopEnd) {
        self.hop_non_finite = Span::default();
    }

    fn read(&self, stats: &mut ReadinessStats) {
        for c in 0..self.channels {
            stats.dc_offset_dbfs[c] = self.dc_offset_dbfs(c);
        }
        stats.non_finite_samples = self.non_finite;
    }
}

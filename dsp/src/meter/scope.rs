//! The goniometer trace: the last [`SCOPE_POINTS`] (L, R) pairs, one every few samples (about
//! 40 ms of audio at any rate). Display only: it runs in [`crate::SpectrumMode::Display`] and is
//! neither integrated nor merged.

use super::grid::{Frame, Stage};
use crate::snapshot::SCOPE_POINTS;

/// A ring of (L, R) points.
#[derive(Debug)]
pub struct Goniometer {
    points: [[f32; 2]; SCOPE_POINTS],
    write: usize,
    filled: usize,
    /// Samples to skip at the start of the next chunk.
    phase: usize,
    step: usize,
}

impl Goniometer {
    /// A trace for `sample_rate_hz`.
    pub fn new(sample_rate_hz: u32) -> Self {
        Self {
            points: [[0.0; 2]; SCOPE_POINTS],
            write: 0,
            filled: 0,
            phase: 0,
            step: ((sample_rate_hz as usize * 40 / 1000) / SCOPE_POINTS).max(1),
        }
    }

    #[cfg(test)]
    /// Samples between two points.
    pub fn step(&self) -> usize {
        self.step
    }

    /// Adds a chunk of the pair (equal lengths).
    pub fn push(&mut self, l: &[f32], r: &[f32]) {
        let n = l.len().min(r.len());
        let mut i = self.phase;
        while i < n {
            self.points[self.write] = [l[i], r[i]];
            self.write = (self.write + 1) % SCOPE_POINTS;
            self.filled = (self.filled + 1).min(SCOPE_POINTS);
            i += self.step;
        }
        self.phase = i - n;
    }

    /// Copies the points gathered since the last read into `out`, oldest first, and forgets
    /// them; returns how many.
    pub fn take(&mut self, out: &mut [[f32; 2]; SCOPE_POINTS]) -> usize {
        let filled = self.filled;
        let start = (self.write + SCOPE_POINTS - filled) % SCOPE_POINTS;
        for (k, point) in out.iter_mut().take(filled).enumerate() {
            *point = self.points[(start + k) % SCOPE_POINTS];
        }
        self.filled = 0;
        filled
    }

    /// Forgets the points not yet read.
    pub fn clear(&mut self) {
        self.filled = 0;
    }
}

impl Stage for Goniometer {
    fn reset(&mut self) {
        self.points = [[0.0; 2]; SCOPE_POINTS];
        self.write = 0;
        self.filled = 0;
        self.phase = 0;
    }

    fn merge(&mut self, _later: &Self, _offset_frames: Frame) {}
}

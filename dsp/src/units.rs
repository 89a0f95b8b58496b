//! Conversions between linear values and decibels, shared by every measurement.
//!
//! A value that has no level (digital silence, or a measurement below its gate) is `None`,
//! never `-inf`: JSON and the editor show it as "no signal".

/// ITU-R BS.1770-4 equation (2): loudness offset so that a 997 Hz sine at 0 dBFS on one
/// front channel reads -3.01 LKFS.
pub const LOUDNESS_OFFSET_DB: f64 = -0.691;

/// A time as `m:ss.s` ("1:02.4"), as the reports and the editor write event times.
pub fn clock(seconds: f64) -> String {
    let tenths = (seconds * 10.0).round().max(0.0) as u64;
    format!("{}:{:02}.{}", tenths / 600, tenths / 10 % 60, tenths % 10)
}

/// The higher of two levels, either of which may not exist (a missing level is lower than any).
pub fn max_level(a: Option<f32>, b: Option<f32>) -> Option<f32> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Loudness (LUFS) of a channel-weighted mean square, per BS.1770-4 eq. (2).
/// `None` for zero energy.
#[inline]
pub fn power_to_lufs(weighted_mean_square: f64) -> Option<f64> {
    if weighted_mean_square > 0.0 && weighted_mean_square.is_finite() {
        Some(LOUDNESS_OFFSET_DB + 10.0 * weighted_mean_square.log10())
    } else {
        None
    }
}

/// Channel-weighted mean square that reads `lufs`: the inverse of [`power_to_lufs`].
#[inline]
pub fn lufs_to_power(lufs: f64) -> f64 {
    10f64.powf((lufs - LOUDNESS_OFFSET_DB) / 10.0)
}

/// Linear amplitude to dB (20 log10). `None` for zero.
#[inline]
pub fn amplitude_to_db(amplitude: f64) -> Option<f64> {
    let a = amplitude.abs();
    if a > 0.0 && a.is_finite() {
        Some(20.0 * a.log10())
    } else {
        None
    }
}

/// dB to linear amplitude.
#[inline]
pub fn db_to_amplitude(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// Energy ratio to dB (10 log10). `None` unless both sides are positive.
#[inline]
pub fn power_ratio_db(numerator: f64, denominator: f64) -> Option<f64> {
    if numerator > 0.0 && denominator > 0.0 && numerator.is_finite() && denominator.is_finite() {
        Some(10.0 * (numerator / denominator).log10())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_has_no_level() {
        assert_eq!(power_to_lufs(0.0), None);
        assert_eq!(amplitude_to_db(0.0), None);
        assert_eq!(power_ratio_db(1.0, 0.0), None);
    }

    #[test]
    fn round_trips() {
        for lufs in [-70.0, -23.0, -14.0, 0.0, 3.0] {
            let back = power_to_lufs(lufs_to_power(lufs)).expect("positive power");
            assert!((back - lufs).abs() < 1e-9);
        }
        assert!((amplitude_to_db(db_to_amplitude(-6.0)).expect("level") + 6.0).abs() < 1e-12);
        assert!((amplitude_to_db(-0.5).expect("level") + 6.0206).abs() < 1e-3);
    }
}

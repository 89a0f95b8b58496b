//! Spectrum analysis (in progress).

/// Number of 1/6-octave bands, centred on 1 kHz, from 19.7 Hz to 20.2 kHz.
pub const BAND_COUNT: usize = 61;

/// Centre frequency of every band: 1000 * 2^((k - 34) / 6) Hz.
pub fn band_centers_hz() -> [f64; BAND_COUNT] {
    let mut c = [0.0; BAND_COUNT];
    for (k, f) in c.iter_mut().enumerate() {
        *f = 1000.0 * 2f64.powf((k as f64 - 34.0) / 6.0);
    }
    c
}

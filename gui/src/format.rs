//! How readings are written: one decimal, the unit always shown, and an em dash for a value that
//! does not exist (silence, below the gates), so "no signal" never reads as a number.

use preflight_dsp::ChannelLayout;

/// What a missing value shows.
pub const NO_VALUE: &str = "—";

/// One decimal, without the "-0.0" that rounding a tiny negative value would print.
fn one_decimal(value: f32) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == 0.0 {
        "0.0".to_owned()
    } else {
        format!("{rounded:.1}")
    }
}

/// A loudness, e.g. "-23.0 LUFS".
pub fn format_lufs(value: Option<f32>) -> String {
    value.map_or_else(
        || NO_VALUE.to_owned(),
        |v| format!("{} LUFS", one_decimal(v)),
    )
}

/// A loudness difference or range, e.g. "6.4 LU".
pub fn format_lu(value: Option<f32>) -> String {
    value.map_or_else(|| NO_VALUE.to_owned(), |v| format!("{} LU", one_decimal(v)))
}

/// A level with its unit, e.g. `format_db(Some(-1.04), "dBTP")` is "-1.0 dBTP". Levels above
/// full scale carry a "+" so an over cannot be misread as a level below it.
pub fn format_db(value: Option<f32>, unit: &str) -> String {
    value.map_or_else(
        || NO_VALUE.to_owned(),
        |v| {
            let text = one_decimal(v);
            if text.starts_with('-') || text == "0.0" {
                format!("{text} {unit}")
            } else {
                format!("+{text} {unit}")
            }
        },
    )
}

/// A correlation coefficient with its sign, e.g. "+0.85".
pub fn format_correlation(value: Option<f32>) -> String {
    value.map_or_else(
        || NO_VALUE.to_owned(),
        |v| {
            let rounded = (v * 100.0).round() / 100.0;
            if rounded == 0.0 {
                "0.00".to_owned()
            } else {
                format!("{rounded:+.2}")
            }
        },
    )
}

/// Short name of channel `index` in a stream of `channels`: the engine's label for the usual
/// layout ([`ChannelLayout::label`]), else the channel's number.
pub fn channel_name(channels: usize, index: usize) -> &'static str {
    const NUMBERS: [&str; 8] = ["1", "2", "3", "4", "5", "6", "7", "8"];
    match ChannelLayout::from_channel_count(channels) {
        ChannelLayout::Other(_) => NUMBERS.get(index).copied(),
        layout => layout.label(index),
    }
    .unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_carry_units_and_missing_values_a_dash() {
        assert_eq!(format_lufs(Some(-23.0)), "-23.0 LUFS");
        assert_eq!(format_lufs(Some(-14.04)), "-14.0 LUFS");
        assert_eq!(format_lufs(None), NO_VALUE);
        assert_eq!(format_lu(Some(6.45)), "6.5 LU");
        assert_eq!(format_db(Some(-0.96), "dBTP"), "-1.0 dBTP");
        assert_eq!(format_db(Some(-0.04), "dBTP"), "0.0 dBTP");
        assert_eq!(format_db(Some(5.26), "dBTP"), "+5.3 dBTP");
        assert_eq!(format_correlation(Some(0.851)), "+0.85");
        assert_eq!(format_correlation(Some(-1.0)), "-1.00");
        assert_eq!(format_correlation(Some(-0.001)), "0.00");
        assert_eq!(format_correlation(None), NO_VALUE);
    }

    #[test]
    fn channel_names_follow_the_engine_layouts() {
        assert_eq!(channel_name(1, 0), "M");
        assert_eq!(channel_name(2, 1), "R");
        assert_eq!(channel_name(6, 3), "LFE");
        assert_eq!(channel_name(5, 3), "Ls");
        assert_eq!(channel_name(3, 2), "3");
        assert_eq!(channel_name(2, 5), "?");
    }
}

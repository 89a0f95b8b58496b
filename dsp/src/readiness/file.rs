//! Signal and file checks: DC offset, invalid (NaN/Inf) samples, and the file's sample format.

use super::thresholds::*;
use super::{finding, Check, FileFormat, Finding, Severity};
use crate::layout::MAX_CHANNELS;
use crate::stats::ReadinessStats;

pub(super) fn dc_offset(s: &ReadinessStats) -> Finding {
    let worst = s.dc_offset_dbfs[..s.channels.min(MAX_CHANNELS)]
        .iter()
        .flatten()
        .fold(None, |a: Option<f64>, &v| Some(a.map_or(v, |w| w.max(v))));
    match worst {
        Some(dc) if dc >= DC_FAIL_DBFS => finding(
            Check::DcOffset,
            Severity::Fail,
            Some(dc),
            Some(DC_FAIL_DBFS),
            format!("DC offset {dc:.1} dBFS"),
            "a constant offset eats headroom: find the source (a plug-in or interface) or high-pass at a few Hz",
        ),
        Some(dc) if dc >= DC_WARN_DBFS => finding(
            Check::DcOffset,
            Severity::Warn,
            Some(dc),
            Some(DC_WARN_DBFS),
            format!("DC offset {dc:.1} dBFS"),
            "high-pass the offending track at a few Hz",
        ),
        other => finding(
            Check::DcOffset,
            Severity::Ok,
            other,
            Some(DC_WARN_DBFS),
            "no DC offset".into(),
            "",
        ),
    }
}

pub(super) fn non_finite(s: &ReadinessStats) -> Finding {
    if s.non_finite_samples > 0 {
        finding(
            Check::NonFinite,
            Severity::Fail,
            Some(s.non_finite_samples as f64),
            Some(0.0),
            format!(
                "{} NaN or infinite samples reached the master bus",
                s.non_finite_samples
            ),
            "a plug-in upstream is misbehaving: bypass plug-ins one by one to find it",
        )
    } else {
        finding(
            Check::NonFinite,
            Severity::Ok,
            Some(0.0),
            Some(0.0),
            "all samples valid".into(),
            "",
        )
    }
}

pub(super) fn file_format(f: &FileFormat) -> Finding {
    if f.lossy {
        return finding(
            Check::Format,
            Severity::Warn,
            f.bits_per_sample.map(f64::from),
            Some(MIN_INTEGER_BITS as f64),
            format!("lossy source ({})", f.codec),
            &format!(
                "export uncompressed WAV or AIFF at {MIN_INTEGER_BITS}-bit or 32-bit float for mastering"
            ),
        );
    }
    match f.bits_per_sample {
        Some(b) if !f.float && b < MIN_INTEGER_BITS => finding(
            Check::Format,
            Severity::Warn,
            Some(b as f64),
            Some(MIN_INTEGER_BITS as f64),
            format!("{b}-bit file"),
            &format!(
                "export {MIN_INTEGER_BITS}-bit or 32-bit float WAV/AIFF so mastering keeps the resolution"
            ),
        ),
        bits => finding(
            Check::Format,
            Severity::Ok,
            bits.map(f64::from),
            Some(MIN_INTEGER_BITS as f64),
            format!(
                "{} {}",
                f.codec,
                if f.float {
                    "floating point".to_string()
                } else {
                    bits.map_or(String::new(), |b| format!("{b}-bit"))
                }
            ),
            "",
        ),
    }
}

//! Stereo checks: mono compatibility, from what a mono downmix loses overall and below 150 Hz.

use super::thresholds::*;
use super::{finding, Check, Finding, Severity};
use crate::correlation::LOW_BAND_HZ;
use crate::stats::ReadinessStats;

/// The correlation at which two channels of equal level lose `mono_loss_db` in a mono downmix:
/// where the editor's correlation meters put the mono-compatibility thresholds.
pub fn equal_level_correlation(mono_loss_db: f64) -> f64 {
    2.0 * 10f64.powf(-mono_loss_db / 10.0) - 1.0
}

pub(super) fn mono_compat(s: &ReadinessStats) -> Finding {
    if !s.stereo {
        return finding(
            Check::MonoCompat,
            Severity::Ok,
            None,
            None,
            "mono source".into(),
            "",
        );
    }
    if s.channels_identical {
        return finding(
            Check::MonoCompat,
            Severity::Info,
            Some(0.0),
            None,
            "left and right are identical: mono material".into(),
            "intended? a stereo bounce of a mono mix is fine",
        );
    }
    let (Some(loss), Some(c)) = (s.mono_loss_db, s.loud_correlation) else {
        return finding(
            Check::MonoCompat,
            Severity::Info,
            None,
            None,
            "no signal yet".into(),
            "",
        );
    };
    let low = s.low_band_mono_loss_db.zip(s.low_band_correlation);
    if loss >= MONO_LOSS_FAIL_DB {
        return finding(
            Check::MonoCompat,
            Severity::Fail,
            Some(loss),
            Some(MONO_LOSS_FAIL_DB),
            format!(
                "in mono the mix is {loss:.1} dB quieter (correlation {c:+.2}): the channels \
                 cancel, as a polarity-inverted channel does"
            ),
            "check for a polarity-inverted channel or a phase-flipping widener; listen in mono",
        );
    }
    if let Some((lo, lo_c)) = low.filter(|&(lo, _)| lo >= LOW_BAND_MONO_LOSS_FAIL_DB) {
        return finding(
            Check::MonoCompat,
            Severity::Fail,
            Some(lo),
            Some(LOW_BAND_MONO_LOSS_FAIL_DB),
            format!(
                "in mono the bass below 150 Hz is {lo:.1} dB quieter (correlation {lo_c:+.2}): \
                 it cancels"
            ),
            "check the polarity of the kick, bass and any stereo bass effect; keep the low end mono",
        );
    }
    if loss >= MONO_LOSS_WARN_DB {
        return finding(
            Check::MonoCompat,
            Severity::Warn,
            Some(loss),
            Some(MONO_LOSS_WARN_DB),
            format!(
                "negative correlation ({c:+.2}): in mono the mix is {loss:.1} dB quieter and \
                 wide parts partly cancel"
            ),
            "listen in mono: narrow wideners, delays or mid/side tricks on the main elements",
        );
    }
    if let Some((lo, lo_c)) = low.filter(|&(lo, _)| lo >= LOW_BAND_MONO_LOSS_WARN_DB) {
        return finding(
            Check::MonoCompat,
            Severity::Warn,
            Some(lo),
            Some(LOW_BAND_MONO_LOSS_WARN_DB),
            format!(
                "bass below {LOW_BAND_HZ} Hz partly cancels in mono: {lo:.1} dB quieter \
                 (correlation {lo_c:+.2})"
            ),
            &format!(
                "keep kick and bass centred: narrow or mono the low end below about {LOW_BAND_HZ} Hz"
            ),
        );
    }
    if loss >= MONO_LOSS_WIDE_DB {
        return finding(
            Check::MonoCompat,
            Severity::Info,
            Some(loss),
            Some(MONO_LOSS_WARN_DB),
            format!(
                "very wide (correlation {c:+.2}): in mono the mix is {loss:.1} dB quieter and \
                 wide parts drop back"
            ),
            "not a polarity problem: listen in mono if the main elements must survive it",
        );
    }
    if let Some((lo, lo_c)) = low.filter(|&(lo, _)| lo >= LOW_BAND_MONO_LOSS_WIDE_DB) {
        return finding(
            Check::MonoCompat,
            Severity::Info,
            Some(lo),
            Some(LOW_BAND_MONO_LOSS_WARN_DB),
            format!(
                "bass below {LOW_BAND_HZ} Hz is not mono: {lo:.1} dB quieter in mono \
                 (correlation {lo_c:+.2})"
            ),
            "fine for most releases; club and vinyl masters want the low end mono",
        );
    }
    finding(
        Check::MonoCompat,
        Severity::Ok,
        Some(loss),
        Some(MONO_LOSS_WARN_DB),
        format!("in mono the mix is {loss:.1} dB quieter (correlation {c:+.2})"),
        "",
    )
}

//! EBU Tech 3342 loudness range (LRA) cases 1-4, synthesised from the document's descriptions:
//! a 1 kHz sine on both channels of a stereo pair stepping between levels, 20 s per level, at
//! 44.1, 48 and 96 kHz, fed in random block sizes. Tolerance: +-1 LU.
//!
//! Each level holds long enough that the 10th and 95th percentiles of the short-term loudness
//! distribution fall on the quietest and loudest (gated-in) levels, so LRA is their difference.

mod common;

use common::{feed_random, stereo_meter, Checks, LRA_TOLERANCE_LU, RATES_HZ, TONE_HZ};
use preflight_dsp::signals::Sequence;

fn lra_case(case: u64, levels_dbfs: &[f64], expected_lu: f64) {
    let mut checks = Checks::new();
    for (i, rate) in RATES_HZ.into_iter().enumerate() {
        let signal = levels_dbfs
            .iter()
            .fold(Sequence::new(rate, 2), |seq, &db| {
                seq.sine(TONE_HZ, db, 20.0)
            })
            .build();
        let mut m = stereo_meter(rate);
        feed_random(&mut m, &signal, (case << 32) | i as u64);
        let label = format!("Tech 3342 case {case} @ {rate} Hz, LRA");
        let tol = LRA_TOLERANCE_LU;
        checks.within(
            &format!("{label} (snapshot)"),
            m.snapshot().loudness_range_lu,
            expected_lu,
            tol,
            tol,
        );
        checks.within(
            &format!("{label} (summary)"),
            m.summary().readiness.loudness_range_lu,
            expected_lu,
            tol,
            tol,
        );
    }
    checks.finish();
}

#[test]
fn tech3342_case_1_minus_20_then_minus_30() {
    lra_case(1, &[-20.0, -30.0], 10.0);
}

#[test]
fn tech3342_case_2_minus_20_then_minus_15() {
    lra_case(2, &[-20.0, -15.0], 5.0);
}

#[test]
fn tech3342_case_3_minus_40_then_minus_20() {
    lra_case(3, &[-40.0, -20.0], 20.0);
}

#[test]
fn tech3342_case_4_five_steps_of_15_db() {
    // -50 dBFS sits more than 20 LU below the relative gate's reference, so the range is the
    // -35 to -20 dBFS span.
    lra_case(4, &[-50.0, -35.0, -20.0, -35.0, -50.0], 15.0);
}

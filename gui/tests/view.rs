//! Renders the main view headless and drives it like a user would.

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use preflight_dsp::Snapshot;
use preflight_gui::{draw, Actions, Model, IDLE_AFTER};

struct State {
    model: Model,
    actions: Actions,
}

fn measuring_snapshot() -> Snapshot {
    let mut s = Snapshot {
        sequence: 7,
        frames_measured: 48_000 * 75,
        sample_rate_hz: 48_000,
        channels: 2,
        momentary_lufs: Some(-21.3),
        short_term_lufs: Some(-22.1),
        integrated_lufs: Some(-23.0),
        loudness_range_lu: Some(6.4),
        lra_stable: true,
        correlation: Some(0.85),
        ..Snapshot::default()
    };
    s.true_peak_since_last_dbtp[0] = Some(-4.0);
    s.true_peak_since_last_dbtp[1] = Some(-5.0);
    s.true_peak_max_dbtp[0] = Some(-1.2);
    s.true_peak_max_dbtp[1] = Some(-2.5);
    s
}

fn harness(model: Model) -> Harness<'static, State> {
    Harness::new_ui_state(
        |ui, state: &mut State| draw(ui, &state.model, &mut state.actions),
        State {
            model,
            actions: Actions::default(),
        },
    )
}

#[test]
fn shows_the_readings_of_a_snapshot() {
    let mut model = Model::new();
    model.update(measuring_snapshot());
    let mut h = harness(model);
    h.run();

    h.get_by_label("-23.0 LUFS");
    h.get_by_label("-21.3 LUFS");
    h.get_by_label("-22.1 LUFS");
    h.get_by_label("6.4 LU");
    h.get_by_label("+0.85");
    // Max true peak over the channels, and each channel's own maximum next to its bar.
    assert_eq!(h.query_all_by_label("-1.2 dBTP").count(), 2);
    h.get_by_label("-2.5 dBTP");
    h.get_by_label("L true peak");
    h.get_by_label("R true peak");
    assert!(h.query_by_label_contains("Idle").is_none());
    h.get_by_label_contains("1:15 measured");
}

#[test]
fn missing_values_show_a_dash_and_an_unsettled_range_says_so() {
    let mut model = Model::new();
    model.update(Snapshot {
        channels: 2,
        sample_rate_hz: 44_100,
        momentary_lufs: Some(-30.0),
        loudness_range_lu: Some(2.0),
        lra_stable: false,
        ..Snapshot::default()
    });
    let mut h = harness(model);
    h.run();

    // Short-term, integrated, true peak (reading and both channels) and correlation are missing.
    assert_eq!(h.query_all_by_label("—").count(), 6);
    h.get_by_label_contains("settling");
}

#[test]
fn buttons_record_actions() {
    let mut model = Model::new();
    model.update(measuring_snapshot());
    let mut h = harness(model);
    h.run();

    h.get_by_label("Reset").click();
    h.run();
    assert_eq!(
        h.state().actions,
        Actions {
            reset: true,
            ..Actions::default()
        }
    );

    h.get_by_label("Reset maxima").click();
    h.get_by_label("Pause").click();
    h.run();
    assert!(h.state().actions.reset_maxima);
    assert_eq!(h.state().actions.set_paused, Some(true));
}

#[test]
fn a_paused_meter_offers_resume() {
    let mut model = Model::new();
    model.update(Snapshot {
        paused: true,
        ..measuring_snapshot()
    });
    let mut h = harness(model);
    h.run();

    assert!(h.query_by_label("Pause").is_none());
    h.get_by_label("Resume").click();
    h.run();
    assert_eq!(h.state().actions.set_paused, Some(false));
    h.get_by_label("Paused");
}

#[test]
fn says_idle_before_audio_and_when_snapshots_stop() {
    let mut h = harness(Model::new());
    h.run();
    h.get_by_label("Idle — no audio");

    h.state_mut().model.update(measuring_snapshot());
    h.run();
    assert!(h.query_by_label("Idle — no audio").is_none());

    h.state_mut()
        .model
        .set_time_since_snapshot(IDLE_AFTER + Duration::from_millis(1));
    h.run();
    h.get_by_label("Idle — no audio");
    // The last readings stay visible.
    h.get_by_label("-23.0 LUFS");
}

#[test]
fn says_held_when_the_transport_hold_is_on() {
    let mut model = Model::new();
    model.update(measuring_snapshot());
    model.set_held(true);
    let mut h = harness(model);
    h.run();
    h.get_by_label("Held — transport stopped");
}

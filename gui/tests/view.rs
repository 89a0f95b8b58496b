//! Renders the editor headless at its design size and drives it like a user would: each test
//! feeds the snapshots of one situation (a healthy mix, clipping, a mono problem, silence, no
//! audio at all) and reads what a producer would read.

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use preflight_dsp::platforms::platform;
use preflight_dsp::readiness::{
    Profile, ReadinessStats, Style, Tonal, PEAK_BIN_DB, PEAK_HIST_MIN_DBTP,
    REFERENCE_TILT_DB_PER_OCTAVE,
};
use preflight_dsp::{band_centers_hz, Event, EventKind, NumberedEvent, Snapshot};
use preflight_gui::{
    draw, Actions, Model, ReferenceState, ReferenceTrack, DESIGN_SIZE, IDLE_AFTER,
};

struct State {
    model: Model,
    actions: Actions,
}

fn harness(model: Model) -> Harness<'static, State> {
    Harness::builder().with_size(DESIGN_SIZE).build_ui_state(
        |ui, state: &mut State| draw(ui, &state.model, &mut state.actions),
        State {
            model,
            actions: Actions::default(),
        },
    )
}

fn model_with(snapshot: Snapshot) -> Model {
    let mut model = Model::new();
    model.update(snapshot);
    model
}

/// The mono-downmix loss of two equal-level channels with correlation `r` (dB).
fn mono_loss_at(r: f64) -> f64 {
    10.0 * (2.0 / (1.0 + r)).log10()
}

/// What the readiness rules read for a healthy mix: two minutes of music peaking at -4.5 dBTP
/// with peaks spread over 15 dB, -20 LUFS, a balanced spectrum and a centred low end.
fn healthy_stats() -> ReadinessStats {
    let mut s = ReadinessStats {
        measured_s: 120.0,
        non_silent_s: 118.0,
        channels: 2,
        integrated_lufs: Some(-20.0),
        loudness_range_lu: Some(7.0),
        true_peak_dbtp: Some(-4.5),
        sample_peak_dbfs: Some(-4.7),
        loud_correlation: Some(0.6),
        mono_loss_db: Some(mono_loss_at(0.6)),
        low_band_correlation: Some(0.98),
        low_band_mono_loss_db: Some(mono_loss_at(0.98)),
        stereo: true,
        ..ReadinessStats::default()
    };
    for (i, count) in s.peak_histogram.iter_mut().enumerate() {
        let db = PEAK_HIST_MIN_DBTP + i as f64 * PEAK_BIN_DB;
        if (-20.0..=-4.5).contains(&db) {
            *count = 10;
        }
    }
    for (band, hz) in s.spectrum_db.iter_mut().zip(band_centers_hz()) {
        *band = Some(-30.0 - REFERENCE_TILT_DB_PER_OCTAVE * (hz / 1000.0).log2());
    }
    s
}

/// A live snapshot whose readings agree with `stats`.
fn snapshot_of(stats: ReadinessStats) -> Snapshot {
    let f = |v: Option<f64>| v.map(|x| x as f32);
    let mut s = Snapshot {
        sequence: 6000,
        frames_measured: (stats.measured_s * 48_000.0) as u64,
        sample_rate_hz: 48_000,
        channels: 2,
        momentary_lufs: Some(-18.6),
        short_term_lufs: Some(-19.4),
        integrated_lufs: f(stats.integrated_lufs),
        loudness_range_lu: f(stats.loudness_range_lu),
        lra_stable: stats.measured_s >= 60.0,
        max_momentary_lufs: Some(-15.2),
        max_short_term_lufs: Some(-16.9),
        clipped_samples: stats.clipped_samples,
        true_peak_overs: stats.true_peak_overs_0db,
        plr_db: stats.plr_db().map(|x| x as f32),
        psr_db: Some(11.0),
        correlation: f(stats.loud_correlation),
        low_band_correlation: f(stats.low_band_correlation),
        balance_db: Some(0.4),
        readiness: stats,
        ..Snapshot::default()
    };
    for c in 0..2 {
        s.true_peak_since_last_dbtp[c] = Some(-9.0);
        s.sample_peak_since_last_dbfs[c] = Some(-9.5);
        s.true_peak_max_dbtp[c] = f(stats.true_peak_dbtp);
        s.sample_peak_max_dbfs[c] = f(stats.sample_peak_dbfs);
    }
    for (band, hz) in s.spectrum_db.iter_mut().zip(band_centers_hz()) {
        *band = Some((-32.0 - REFERENCE_TILT_DB_PER_OCTAVE * (hz / 1000.0).log2()) as f32);
    }
    s.spectrum_valid = true;
    for (k, point) in s.scope.iter_mut().take(256).enumerate() {
        let x = (k as f32 * 0.1).sin() * 0.3;
        *point = [x, 0.8 * x];
    }
    s.scope_len = 256;
    s
}

#[test]
fn a_healthy_mix_reads_ready_with_its_numbers() {
    let mut h = harness(model_with(snapshot_of(healthy_stats())));
    h.run();

    h.get_by_label("✔ READY");
    assert!(h.query_by_label("✖ NOT READY").is_none());
    h.get_by_label("Ready to send to mastering");
    h.get_by_label("✔ No problems found");
    // Integrated, momentary and short-term, LRA and PLR, per-channel maxima.
    h.get_by_label("-20.0 LUFS");
    h.get_by_label("-18.6 LUFS");
    h.get_by_label("-19.4 LUFS");
    h.get_by_label("7.0 LU");
    h.get_by_label("15.5 dB");
    // Each channel's maxima (the true peak also shows in the platform table's "after" column).
    assert!(h.query_all_by_label("-4.5 dBTP").count() >= 2);
    assert_eq!(h.query_all_by_label("-4.7 dBFS").count(), 2);
    h.get_by_label("+0.60");
    h.get_by_label("+0.98");
    h.get_by_label_contains("2:00 measured");
    assert!(h.query_by_label_contains("unstable").is_none());
    // A balanced spectrum flags no region.
    assert!(h.query_by_label_contains("MUD zone").is_none());
    assert!(h.query_by_label_contains("HARSH zone").is_none());
}

#[test]
fn clipping_is_not_ready_and_the_finding_says_what_to_do() {
    let stats = ReadinessStats {
        true_peak_dbtp: Some(0.8),
        sample_peak_dbfs: Some(0.0),
        clipped_samples: 12,
        true_peak_overs_0db: 40,
        first_clip_s: Some(31.5),
        last_clip_s: Some(95.25),
        ..healthy_stats()
    };
    let mut h = harness(model_with(snapshot_of(stats)));
    h.run();

    h.get_by_label("✖ NOT READY");
    assert!(h.query_by_label("✔ READY").is_none());
    h.get_by_label_contains("2 to fix");
    h.get_by_label_contains("✖ FAIL  Clipping — 12 samples at full scale");
    h.get_by_label_contains("first at 31.50 s, last at 95.25 s");
    h.get_by_label_contains("clipping cannot be undone in mastering");
    h.get_by_label("✖ CLIP 12");
    h.get_by_label("⚠ TP overs 40");
    assert!(h.query_all_by_label("+0.8 dBTP").count() >= 2);
    assert_eq!(h.query_all_by_label("0.0 dBFS").count(), 2);

    // The finding opens to its measured value and threshold.
    let detail = "measured 52 clipped samples or overs";
    assert!(h.query_by_label_contains(detail).is_none());
    h.get_by_label_contains("Clipping — 12 samples").click();
    h.run();
    h.get_by_label_contains(detail);
    h.get_by_label_contains("threshold none at full scale / above 0 dBTP");
}

#[test]
fn an_out_of_phase_mix_fails_mono_compatibility() {
    let stats = ReadinessStats {
        loud_correlation: Some(-0.8),
        mono_loss_db: Some(mono_loss_at(-0.8)),
        ..healthy_stats()
    };
    let mut h = harness(model_with(snapshot_of(stats)));
    h.run();

    h.get_by_label("✖ NOT READY");
    h.get_by_label_contains("Mono compatibility — in mono the mix is 10.0 dB quieter");
    h.get_by_label_contains("(correlation -0.80): the channels cancel");
    h.get_by_label_contains("check for a polarity-inverted channel");
    // The live correlation meter says it in numbers and words.
    h.get_by_label("-0.80");
    assert!(h.query_all_by_label("✖ out of phase").count() >= 1);
}

#[test]
fn uncorrelated_wide_material_is_information_not_out_of_phase() {
    let stats = ReadinessStats {
        loud_correlation: Some(-0.05),
        mono_loss_db: Some(mono_loss_at(-0.05)),
        ..healthy_stats()
    };
    let mut h = harness(model_with(snapshot_of(stats)));
    h.run();

    h.get_by_label("✔ READY");
    // A note, folded with the passes: unfold it.
    h.get_by_label_contains("note").click();
    h.run();
    h.get_by_label_contains("Mono compatibility — very wide (correlation -0.05)");
    assert!(h.query_by_label_contains("⚠ WARN  Mono").is_none());
    h.get_by_label_contains("in mono the mix is 3.2 dB quieter");
    assert!(h.query_by_label_contains("cancel").is_none());
    assert!(h.query_all_by_label("⚠ wide").count() >= 1);
    assert!(h.query_by_label("✖ out of phase").is_none());
}

#[test]
fn a_sample_rate_without_a_measurement_says_so() {
    let mut model = Model::new();
    model.set_not_measured(Some("768001 Hz is outside 8000 to 768000 Hz"));
    let mut h = harness(model);
    h.run();

    h.get_by_label("○ NOT MEASURED");
    h.get_by_label("768001 Hz is outside 8000 to 768000 Hz");
    h.get_by_label("The audio passes through unchanged");
    assert!(h.query_by_label("○ NO AUDIO").is_none());
}

#[test]
fn silence_shows_no_signal_and_keeps_listening() {
    let mut model = Model::new();
    model.update(Snapshot {
        frames_measured: 48_000 * 4,
        sample_rate_hz: 48_000,
        channels: 2,
        readiness: ReadinessStats {
            measured_s: 4.0,
            channels: 2,
            stereo: true,
            ..ReadinessStats::default()
        },
        ..Snapshot::default()
    });
    let mut h = harness(model);
    h.run();

    h.get_by_label("… LISTENING");
    h.get_by_label_contains("Needs 10 s of audio");
    // Both correlation meters, and every loudness and peak reading, are missing.
    assert_eq!(h.query_all_by_label("no signal").count(), 2);
    assert!(h.query_all_by_label("—").count() >= 7);
    assert!(h.query_by_label("✖ NOT READY").is_none());
}

#[test]
fn idle_before_audio_and_when_snapshots_stop() {
    let mut h = harness(Model::new());
    h.run();
    h.get_by_label("Idle — no audio");
    h.get_by_label("○ NO AUDIO");
    h.get_by_label("○ IDLE");

    h.state_mut().model.update(snapshot_of(healthy_stats()));
    h.run();
    assert!(h.query_by_label("Idle — no audio").is_none());
    h.get_by_label("-18.6 LUFS");
    h.get_by_label("⏵ LIVE");

    h.state_mut()
        .model
        .set_time_since_snapshot(IDLE_AFTER + Duration::from_millis(1));
    h.run();
    h.get_by_label("Idle — no audio");
    h.get_by_label("Last measurement — no audio now");
    // Live readings are not shown as if they were live; the measurement's result stays.
    assert!(h.query_by_label("-18.6 LUFS").is_none());
    assert!(h.query_by_label("+0.60").is_none());
    h.get_by_label("-20.0 LUFS");
    h.get_by_label("✔ READY");
}

#[test]
fn held_and_paused_states_are_named() {
    let mut model = model_with(snapshot_of(healthy_stats()));
    model.set_held(true);
    let mut h = harness(model);
    h.run();
    h.get_by_label("Held — transport stopped");
    h.get_by_label("⏸ HELD");

    let mut model = model_with(Snapshot {
        paused: true,
        ..snapshot_of(healthy_stats())
    });
    model.set_held(false);
    let mut h = harness(model);
    h.run();
    h.get_by_label("Paused");
    assert!(h.query_by_label("Pause").is_none());
    h.get_by_label("Resume").click();
    h.run();
    assert_eq!(h.state().actions.set_paused, Some(false));
}

#[test]
fn buttons_record_actions() {
    let mut h = harness(model_with(snapshot_of(healthy_stats())));
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
fn clicking_the_peak_meters_resets_the_maxima() {
    let mut h = harness(model_with(snapshot_of(healthy_stats())));
    h.run();
    h.get_by_label("L true peak");
    h.get_by_label("R sample peak");
    assert!(!h.state().actions.reset_maxima);

    h.get_by_label("Peak meters (click to reset maxima)")
        .click();
    h.run();
    assert!(h.state().actions.reset_maxima);
    assert!(!h.state().actions.reset);
}

#[test]
fn profile_platform_and_zoom_are_chosen_in_the_top_bar() {
    let mut h = harness(model_with(snapshot_of(healthy_stats())));
    h.run();

    h.get_by_label("Master").click();
    h.run();
    assert_eq!(h.state().actions.set_profile, Some(Profile::Master));

    h.get_by_value("Spotify").click();
    h.run();
    h.get_by_label("Apple Music (-16 LUFS)").click();
    h.run();
    assert_eq!(
        h.state().actions.set_platform.map(|p| p.id),
        Some("apple_music")
    );

    h.get_by_value("Zoom 100 %").click();
    h.run();
    h.get_by_label("150 %").click();
    h.run();
    assert_eq!(h.state().actions.set_zoom, Some(1.5));
}

#[test]
fn a_master_is_judged_against_the_chosen_platform() {
    let stats = ReadinessStats {
        integrated_lufs: Some(-10.0),
        true_peak_dbtp: Some(-1.5),
        ..healthy_stats()
    };
    let mut model = model_with(snapshot_of(stats));
    let apple = platform("apple_music").expect("known platform");
    model.set_target(Profile::Master, apple);
    let mut h = harness(model);
    h.run();

    h.get_by_label("✔ READY");
    h.get_by_label("Ready for Apple Music");
    h.get_by_label_contains("Apple Music target -16 LUFS");
    // The table marks the chosen row and says what every service does.
    h.get_by_label("▶ Apple Music");
    assert!(h.query_by_label("▶ Spotify").is_none());
    // Apple Music and AES turn a -10 LUFS master down by 6 dB, Spotify and three more by 4 dB,
    // EBU R128 by 13 dB; Apple's and AES' true peaks then land at -7.5 dBTP.
    assert_eq!(
        h.query_all_by_label_contains("turned down by 6.0 dB")
            .count(),
        2
    );
    assert_eq!(
        h.query_all_by_label_contains("turned down by 4.0 dB")
            .count(),
        4
    );
    h.get_by_label_contains("turned down by 13.0 dB");
    assert_eq!(h.query_all_by_label("-7.5 dBTP").count(), 2);
}

#[test]
fn the_loudness_range_is_flagged_unstable_for_its_first_minute() {
    let stats = ReadinessStats {
        measured_s: 40.0,
        non_silent_s: 40.0,
        loudness_range_lu: Some(3.2),
        ..healthy_stats()
    };
    let mut h = harness(model_with(snapshot_of(stats)));
    h.run();
    h.get_by_label("3.2 LU");
    h.get_by_label("⚠ unstable");
}

#[test]
fn the_spectrum_states_its_slope_and_shades_a_muddy_region() {
    // 12 dB over a balanced mix's tilt: beyond the range of every built-in target.
    let mut stats = healthy_stats();
    for (band, hz) in stats.spectrum_db.iter_mut().zip(band_centers_hz()) {
        if (200.0..=500.0).contains(&hz) {
            *band = band.map(|v| v + 12.0);
        }
    }
    let mut h = harness(model_with(snapshot_of(stats)));
    h.run();

    h.get_by_value("1/6 oct · 4.5 dB/oct slope · 4096-pt FFT");
    h.get_by_label_contains("⚠ WARN  Low end");
    h.get_by_label("⚠ MUD zone 200-500 Hz");
    assert!(h.query_by_label_contains("HARSH zone").is_none());

    h.get_by_value("1/6 oct · 4.5 dB/oct slope · 4096-pt FFT")
        .click();
    h.run();
    h.get_by_label("3 dB/oct (pink noise reads flat)").click();
    h.run();
    assert_eq!(h.state().actions.set_spectrum_slope, Some(3.0));
    let actions = h.state().actions.clone();
    h.state_mut().model.apply_view_actions(&actions);
    h.run();
    h.get_by_value("1/6 oct · 3 dB/oct slope · 4096-pt FFT");
}

#[test]
fn the_tonal_target_is_chosen_beside_the_spectrum() {
    let mut h = harness(model_with(snapshot_of(healthy_stats())));
    h.run();
    h.get_by_label_contains("checks pass").click();
    h.run();
    h.get_by_label_contains("Low end — 200-500 Hz within the general target");
    h.get_by_value("target: general").click();
    h.run();
    h.get_by_label("Electronic").click();
    h.run();
    assert_eq!(h.state().actions.set_style, Some(Style::Electronic));
    h.state_mut().model.set_style(Style::Electronic);
    h.run();
    h.get_by_value("target: electronic");
    h.get_by_label_contains("Low end — 200-500 Hz within the electronic target");
}

#[test]
fn every_panel_fits_the_design_size() {
    let mut h = harness(model_with(snapshot_of(healthy_stats())));
    h.run();
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, DESIGN_SIZE);
    for label in [
        "▶ Spotify",
        "Balance",
        "Low band < 150 Hz",
        "Integrated",
        "Zoom 100 %",
    ] {
        let node = h
            .query_by_label(label)
            .or_else(|| h.query_by_value(label))
            .unwrap_or_else(|| panic!("{label} is not shown"));
        let rect = node.rect();
        assert!(screen.contains_rect(rect), "{label} at {rect:?} is cut off");
    }
    // The last row of the platform table, at the bottom.
    let rect = h.get_by_label_contains("AES TD1008 streaming").rect();
    assert!(screen.contains_rect(rect), "last platform row at {rect:?}");
}

fn clip_event(index: u32, start_s: f64, count: u64) -> Option<NumberedEvent> {
    Some(NumberedEvent {
        index,
        event: Event {
            kind: EventKind::Clipping,
            start_s,
            end_s: start_s + 0.5,
            count: Some(count),
            value: Some(0.3),
            host: None,
        },
    })
}

/// Where it clipped: the events under the verdict, newest first; an event that grows between
/// snapshots is shown once, as it stands.
#[test]
fn events_are_listed_newest_first_under_the_verdict() {
    let stats = ReadinessStats {
        true_peak_dbtp: Some(0.3),
        clipped_samples: 30,
        first_clip_s: Some(62.4),
        last_clip_s: Some(95.0),
        ..healthy_stats()
    };
    let mut first = snapshot_of(stats);
    first.recent_events[0] = clip_event(0, 62.4, 14);
    let mut model = model_with(first);
    let mut later = snapshot_of(stats);
    later.frames_measured += 48_000;
    later.recent_events[0] = clip_event(0, 62.4, 20);
    later.recent_events[1] = clip_event(1, 95.0, 10);
    model.update(later);
    let mut h = harness(model);
    h.run();
    h.get_by_label_contains("Where (2, times since reset)");
    let older = "1:02.4  Clipping: 20 clipped samples, up to +0.3 dBTP";
    let newer = "1:35.0  Clipping: 10 clipped samples, up to +0.3 dBTP";
    h.get_by_label(older);
    h.get_by_label(newer);
    assert!(h.query_by_label_contains("Clipping: 14 clipped").is_none());
    let y = |label: &str| h.get_by_label(label).rect().top();
    assert!(y(newer) < y(older), "newest first");
}

/// When the host gives its transport position, an event says where it is in the song.
#[test]
fn events_show_the_hosts_timeline_when_it_was_given() {
    let stats = ReadinessStats {
        clipped_samples: 14,
        first_clip_s: Some(62.4),
        last_clip_s: Some(62.9),
        ..healthy_stats()
    };
    let mut snapshot = snapshot_of(stats);
    let mut placed = clip_event(0, 62.4, 14).expect("event");
    placed.event.host = Some(preflight_dsp::HostPosition {
        seconds: Some(17.25),
        bar_beat: Some((9, 3.5)),
    });
    snapshot.recent_events[0] = Some(placed);
    snapshot.recent_events[1] = clip_event(1, 95.0, 10);
    let mut h = harness(model_with(snapshot));
    h.run();
    h.get_by_label_contains("in the song where the host said, else since reset");
    h.get_by_label("bar 9, beat 3.5 (0:17.3)  Clipping: 14 clipped samples, up to +0.3 dBTP");
    h.get_by_label("1:35.0  Clipping: 10 clipped samples, up to +0.3 dBTP");
}

#[test]
fn export_panel_asks_for_the_folder_shown_and_says_how_it_went() {
    let mut model = model_with(snapshot_of(healthy_stats()));
    model.set_export(
        "/home/me/Preflight reports",
        preflight_gui::ExportStatus::Idle,
    );
    let mut h = harness(model);
    h.run();
    let export = h.get_by_label("Export");
    let export_at = export.rect().center();
    export.click();
    h.run();
    let write = h.get_by_label("Write report, JSON and CSV");
    let write_at = write.rect().center();
    // Where a real host's test clicks (plugin/tests/host_qtractor.py), at 100 % zoom.
    println!("export button at {export_at:?}, write button at {write_at:?}");
    write.click();
    h.run();
    assert_eq!(
        h.state().actions.export_to.as_deref(),
        Some("/home/me/Preflight reports")
    );

    // What the export thread reports comes back through the model.
    h.state_mut().actions = Actions::default();
    h.state_mut().model.set_export(
        "/home/me/Preflight reports",
        preflight_gui::ExportStatus::Failed("cannot create /home/me: read-only".to_string()),
    );
    h.run();
    h.get_by_label("Not written: cannot create /home/me: read-only");
    h.state_mut()
        .model
        .set_export("/x", preflight_gui::ExportStatus::Writing);
    h.run();
    h.get_by_label("Writing…");
    h.get_by_label("Write report, JSON and CSV").click();
    h.run();
    assert_eq!(h.state().actions.export_to, None, "one export at a time");
}

#[test]
fn the_references_panel_lists_them_and_says_what_differs() {
    // The reference: the healthy mix's balance with 6 dB more in 200-500 Hz.
    let mut reference = healthy_stats();
    for (band, hz) in reference.spectrum_db.iter_mut().zip(band_centers_hz()) {
        if (200.0..=500.0).contains(&hz) {
            *band = band.map(|v| v + 6.0);
        }
    }
    let mut model = model_with(snapshot_of(healthy_stats()));
    model.set_references(&[
        ReferenceTrack {
            path: "/music/refs/heavy.flac".into(),
            state: ReferenceState::Ready(Box::new(Tonal {
                integrated_lufs: reference.integrated_lufs,
                spectrum_db: reference.spectrum_db,
            })),
        },
        ReferenceTrack {
            path: "/music/refs/gone.wav".into(),
            state: ReferenceState::Failed("no such file or folder".into()),
        },
        ReferenceTrack {
            path: "/music/refs/long.wav".into(),
            state: ReferenceState::Analysing,
        },
    ]);
    // Only the measured one enters the mean drawn over the spectrum.
    assert_eq!(
        model.references_mean().map(|m| m[30]),
        Some(
            reference.spectrum_db[30]
                .zip(reference.integrated_lufs)
                .map(|(b, i)| b - i)
        )
    );
    let mut h = harness(model);
    h.run();
    h.get_by_label("References (3)").click();
    h.run();
    h.get_by_label("heavy.flac");
    h.get_by_label("✔ -20.0 LUFS");
    h.get_by_label("✖ no such file or folder");
    h.get_by_label("analysing…");
    h.get_by_label_contains("200-500 Hz: your mix has a lighter low-mid");

    // Adding and removing are requests the plug-in carries out (and saves).
    h.get_by_label("Add a file or folder").click();
    h.run();
    h.get_by_label("Add a file or folder")
        .type_text("/music/refs/new.wav");
    h.run();
    h.get_by_label("Add reference").click();
    h.run();
    assert_eq!(
        h.state().actions.add_reference.as_deref(),
        Some("/music/refs/new.wav")
    );
    h.get_all_by_label("✖")
        .nth(1)
        .expect("a remove button")
        .click();
    h.run();
    assert_eq!(h.state().actions.remove_reference, Some(1));
}

#[test]
fn references_can_be_typed_or_picked_in_a_file_dialog() {
    let dir = tempfile::tempdir().expect("tempdir");
    let refs = dir.path().join("refs");
    std::fs::create_dir_all(refs.join("albums")).expect("folder");
    for name in ["first.wav", "second.FLAC", "notes.txt"] {
        std::fs::write(refs.join(name), b"").expect("file");
    }
    let first = refs.join("first.wav").to_string_lossy().into_owned();
    let mut model = model_with(snapshot_of(healthy_stats()));
    model.set_reference_extensions(&["wav", "flac"]);
    // egui_file's path and file-name fields carry no accessible name, so this test alone runs
    // without kittest's accessibility check; the editor's own widgets are checked everywhere else.
    let mut h = Harness::builder()
        .with_size(DESIGN_SIZE)
        .with_accessibility_check(false)
        .build_ui_state(
            |ui, state: &mut State| draw(ui, &state.model, &mut state.actions),
            State {
                model,
                actions: Actions::default(),
            },
        );
    // Where a real host's test clicks (plugin/tests/host_qtractor.py), at 100 % zoom: it
    // types the first path, then picks the second file in the dialog.
    let at = |name: &str, rect: egui::Rect| println!("{name} at {:?}", rect.center());
    h.run();
    let button = h.get_by_label("References");
    at("references button", button.rect());
    button.click();
    h.run();
    let field = h.get_by_label("Add a file or folder");
    at("path field", field.rect());
    field.click();
    h.run();
    h.get_by_label("Add a file or folder").type_text(&first);
    h.run();
    let add = h.get_by_label("Add reference");
    at("add button", add.rect());
    add.click();
    h.run();
    assert_eq!(
        h.state().actions.add_reference.as_deref(),
        Some(first.as_str())
    );

    // The plug-in adds it, and the panel stays open.
    h.state_mut().actions = Actions::default();
    h.state_mut().model.set_references(&[ReferenceTrack {
        path: first.clone(),
        state: ReferenceState::Analysing,
    }]);
    h.run();
    let browse = h.get_by_label("Browse…");
    at("browse button", browse.rect());
    browse.click();
    h.run();
    // The panel closes so that it does not cover the dialog.
    assert!(h.query_by_label("Add a file or folder").is_none());
    // It opens in the last reference's folder and lists folders and the readable formats only.
    h.get_by_label_contains("Add a reference track");
    h.get_by_label("🗀 albums");
    h.get_by_label("🗋 first.wav");
    assert!(h.query_by_label("🗋 notes.txt").is_none());
    let second = h.get_by_label("🗋 second.FLAC");
    at("second file", second.rect());
    second.click();
    h.run();
    let open = h.get_by_label("Open");
    at("open button", open.rect());
    open.click();
    h.run();
    let picked = refs.join("second.FLAC").to_string_lossy().into_owned();
    assert_eq!(
        h.state().actions.add_reference.as_deref(),
        Some(picked.as_str())
    );
    // The dialog closes once a file is picked.
    assert!(h.query_by_label_contains("Add a reference track").is_none());
}

#[test]
fn without_references_the_panel_says_what_it_is_for() {
    let mut h = harness(model_with(snapshot_of(healthy_stats())));
    h.run();
    h.get_by_label("References").click();
    h.run();
    h.get_by_label_contains("Add reference tracks");
    assert!(h.query_by_label_contains("your mix has").is_none());
}

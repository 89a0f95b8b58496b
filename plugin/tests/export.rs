//! The editor's Export, end to end without a host: an audio thread runs the plug-in's engine
//! while the export asks for the session, and the files it writes say what a meter fed the same
//! audio says.

use std::fs;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, SystemTime};

use preflight::engine::{BlockContext, Engine};
use preflight::export::{export_session, new_slot, ExportTarget, RECORD_QUEUE_LEN};
use preflight::shared::{RecorderSlot, SharedState};
use preflight_cli::check::{check, CheckReport};
use preflight_cli::compare::balance;
use preflight_cli::report::FormatReport;
use preflight_cli::Analysis;
use preflight_dsp::platforms::PLATFORMS;
use preflight_dsp::readiness::{Profile, Style, MUD_BAND_HZ};
use preflight_dsp::{
    band_centers_hz, snapshot_channel, ChannelLayout, HostTimeline, Meter, MeterConfig,
    SpectrumMode,
};

const RATE: u32 = 48_000;
const BLOCK: usize = 512;

/// 20 s of mix with a clipped stretch at 5 s.
fn mix() -> Vec<Vec<f32>> {
    let mut mix = preflight_dsp::mixes::clean_mix(RATE, 20.0, 3);
    let at = 5 * RATE as usize;
    for x in &mut mix[0][at..at + 300] {
        *x = 1.0;
    }
    mix
}

/// The transport of a host playing from the song's start at 120 bpm in 4/4, at frame `start`.
fn timeline(start: usize) -> Option<HostTimeline> {
    let seconds = start as f64 / f64::from(RATE);
    let beats = seconds * 2.0;
    let bar = (beats / 4.0).floor();
    Some(HostTimeline {
        seconds: Some(seconds),
        beats: Some(beats),
        tempo_bpm: Some(120.0),
        bar_start_beats: Some(bar * 4.0),
        bar_number: Some(bar as i32),
        time_signature: Some((4, 4)),
    })
}

fn config() -> MeterConfig {
    let mut config = MeterConfig::new(RATE, ChannelLayout::Stereo, BLOCK);
    // What the engine runs with the editor closed.
    config.spectrum = SpectrumMode::LongTerm;
    config
}

/// A mix judged against the first platform.
fn mix_target() -> ExportTarget {
    ExportTarget {
        profile: Profile::Mix,
        platform: &PLATFORMS[0],
        style: Style::General,
        references: Vec::new(),
    }
}

/// The plug-in's side: an engine whose meter sends its records to the recorder in the slot.
fn recorded_engine() -> (Engine, RecorderSlot) {
    let mut meter = Meter::new(config()).expect("meter");
    let slot = new_slot();
    *slot.lock().expect("slot") = Some(meter.record(RECORD_QUEUE_LEN));
    let (sender, _receiver) = snapshot_channel(4);
    (Engine::new(meter, sender, RATE, (RATE, 2, BLOCK)), slot)
}

#[test]
fn export_writes_what_the_meter_measured() {
    let audio = mix();
    // The same audio through a meter of its own, judged the same way.
    let mut direct = Meter::new(config()).expect("meter");
    for start in (0..audio[0].len()).step_by(BLOCK) {
        let end = (start + BLOCK).min(audio[0].len());
        direct.set_host_timeline(timeline(start));
        direct.process(&[&audio[0][start..end], &audio[1][start..end]]);
    }
    let format = FormatReport {
        codec: "host".to_string(),
        bits_per_sample: Some(32),
        float: true,
        lossy: false,
    };
    let name = "Preflight session 2026-12-01 000000 UTC";
    let analysis = Analysis::new(name, format, None, direct.summary(), Vec::new());
    // A reference: the same balance with 6 dB more in 200-500 Hz, so the mix reads 6 dB
    // lighter there and level elsewhere.
    let mut heavy = analysis.tonal();
    for (band, hz) in heavy.spectrum_db.iter_mut().zip(band_centers_hz()) {
        if (MUD_BAND_HZ.0..=MUD_BAND_HZ.1).contains(&hz) {
            *band = band.map(|v| v + 6.0);
        }
    }
    let target = ExportTarget {
        profile: Profile::Master,
        platform: &PLATFORMS[0],
        style: Style::Acoustic,
        references: vec![("/music/refs/heavy.flac".to_string(), heavy)],
    };

    // The plug-in's side: an engine on an "audio thread", its recorder in the slot.
    let (mut engine, slot) = recorded_engine();
    let recording = preflight::export::RecordingThread::start(&slot).expect("thread");
    let shared = Arc::new(SharedState::default());
    let fed = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let audio_thread = {
        let (audio, shared, fed, stop) = (audio.clone(), shared.clone(), fed.clone(), stop.clone());
        thread::spawn(move || {
            let mut block = BlockContext {
                playing: true,
                ..BlockContext::default()
            };
            for start in (0..audio[0].len()).step_by(BLOCK) {
                let end = (start + BLOCK).min(audio[0].len());
                let input = [&audio[0][start..end], &audio[1][start..end]];
                block.timeline = timeline(start);
                engine.run_block(&input, end - start, block, &shared);
            }
            block.timeline = None;
            fed.store(true, Ordering::Release);
            // Then the host goes on calling with empty blocks, as a stopped transport would.
            let empty: [&[f32]; 2] = [&[], &[]];
            while !stop.load(Ordering::Acquire) {
                engine.run_block(&empty, 0, block, &shared);
                thread::sleep(Duration::from_millis(2));
            }
        })
    };
    while !fed.load(Ordering::Acquire) {
        thread::sleep(Duration::from_millis(5));
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("reports");
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_083_200);
    let files = export_session(&slot, &shared, &folder, &target, now).expect("exported");
    // A second export into the same folder keeps the first one's files.
    let again = export_session(&slot, &shared, &folder, &target, now).expect("exported again");
    stop.store(true, Ordering::Release);
    audio_thread.join().expect("audio thread");
    drop(recording); // stops and joins

    let names: Vec<_> = files
        .iter()
        .map(|f| f.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "preflight-2026-12-01_000000.html",
            "preflight-2026-12-01_000000.json",
            "preflight-2026-12-01_000000-history.csv"
        ]
    );
    assert!(again[0].ends_with("preflight-2026-12-01_000000-2.html"));

    let (_, mut expected) = check(
        &analysis,
        target.profile,
        target.platform,
        &target.style.target(),
    );
    assert_eq!(expected.target, "acoustic");
    expected.references = balance(&analysis.tonal(), &target.references);

    let json: CheckReport =
        serde_json::from_str(&fs::read_to_string(&files[1]).expect("json")).expect("parses");
    assert_eq!(json, expected);
    let compared = json
        .references
        .as_ref()
        .expect("compared with the reference");
    assert_eq!(compared.references, ["/music/refs/heavy.flac"]);
    for r in &compared.regions {
        let d = r.difference_db.expect("measured");
        let want = if r.id == "low_end" { -6.0 } else { 0.0 };
        assert!((d - want).abs() < 0.05, "{r:?}");
    }
    assert_eq!(compared.notes.len(), 1, "{:?}", compared.notes);
    assert!(compared.notes[0].contains("lighter low-mid"));
    assert_eq!(json.measurements.duration_s, 20.0);
    let clip = json
        .measurements
        .events
        .iter()
        .find(|e| e.kind == "clipping")
        .expect("the clipped stretch is an event");
    assert!((clip.start_s - 5.0).abs() < 0.01, "{clip:?}");
    // 5 s at 120 bpm is quarter note 10: the third beat of bar 3.
    assert_eq!(
        clip.host_position.as_deref(),
        Some("bar 3, beat 3 (0:05.0)"),
        "{clip:?}"
    );

    let csv = fs::read_to_string(&files[2]).expect("csv");
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], preflight_cli::export::HISTORY_HEADER);
    assert_eq!(rows.len(), 1 + 200, "one row per 100 ms of 20 s");
    assert!(rows[200].starts_with("20,"), "{}", rows[200]);

    let html = fs::read_to_string(&files[0]).expect("html");
    let mut reader = xml::reader::EventReader::new(html.as_bytes());
    loop {
        match reader.next().expect("well-formed") {
            xml::reader::XmlEvent::EndDocument => break,
            _ => continue,
        }
    }
    for section in preflight_cli::html::SECTIONS {
        assert!(
            html.contains(&format!("<section id=\"{section}\">")),
            "{section}"
        );
    }
    assert!(html.contains(name));
    assert!(html.contains("<section id=\"references\">"));
    assert!(html.contains("/music/refs/heavy.flac") && html.contains("lighter low-mid"));
    assert!(html.contains("<th>In the song</th>") && html.contains("bar 3, beat 3 (0:05.0)"));
}

#[test]
fn an_export_from_a_stopped_host_says_what_it_holds() {
    // The host played, stopped, and then stopped calling the plug-in: no fresh totals come, so
    // the export takes those sent when the transport stopped, and the report says so.
    let audio = mix();
    let (mut engine, slot) = recorded_engine();
    let shared = SharedState::default();
    let playing = BlockContext {
        playing: true,
        ..BlockContext::default()
    };
    for start in (0..2 * RATE as usize).step_by(BLOCK) {
        let input = [
            &audio[0][start..start + BLOCK],
            &audio[1][start..start + BLOCK],
        ];
        engine.run_block(&input, BLOCK, playing, &shared);
    }
    let empty: [&[f32]; 2] = [&[], &[]];
    engine.run_block(&empty, 0, BlockContext::default(), &shared);
    let dir = tempfile::tempdir().expect("tempdir");
    let files = export_session(&slot, &shared, dir.path(), &mix_target(), SystemTime::now())
        .expect("the latest totals are exported");
    let html = fs::read_to_string(&files[0]).expect("html");
    assert!(
        html.contains("Note: the host did not run the plug-in during the export"),
        "{html}"
    );
    // Without references there is nothing to compare with.
    assert!(!html.contains("<section id=\"references\">"));
    let json = fs::read_to_string(&files[1]).expect("json");
    assert!(!json.contains("\"references\""), "{json}");
}

#[test]
fn export_without_audio_says_so_and_writes_nothing() {
    let (engine, slot) = recorded_engine();
    let shared = SharedState::default();
    let dir = tempfile::tempdir().expect("tempdir");
    // No audio thread runs: after the wait the latest totals are none.
    let err = export_session(&slot, &shared, dir.path(), &mix_target(), SystemTime::now())
        .expect_err("nothing measured");
    assert_eq!(
        err.to_string(),
        "nothing to export yet: play some audio first"
    );
    assert_eq!(fs::read_dir(dir.path()).expect("dir").count(), 0);
    drop(engine);
}

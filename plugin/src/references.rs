//! The editor's reference tracks: decoded and measured on a worker thread of their own with the
//! `preflight-cli` library (the same analysis as `preflight compare`), never on the audio thread.
//! A path that cannot be read gets its reason, and nothing else is affected.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

use preflight_cli::target::collect;
use preflight_cli::{analyze_file, guard, AnalyzeOptions};
use preflight_gui::{ReferenceState, ReferenceTrack};

/// The reference tracks and their analyses, kept in the order the user added them.
pub struct ReferenceLibrary {
    tracks: Arc<Mutex<Vec<ReferenceTrack>>>,
    jobs: Option<Sender<String>>,
    worker: Option<JoinHandle<()>>,
    /// Set on drop: the worker takes no further job.
    stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for ReferenceLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReferenceLibrary")
            .field("tracks", &self.tracks())
            .finish()
    }
}

impl Default for ReferenceLibrary {
    fn default() -> Self {
        Self::new()
    }
}

/// Measures one path: a file, or a folder's first audio file (a reference is one track).
fn measure(path: &str) -> ReferenceState {
    let file = match collect(&[Path::new(path).to_path_buf()]) {
        Ok(files) => match files.into_iter().next() {
            Some(file) => file,
            None => return ReferenceState::Failed("no audio file there".to_string()),
        },
        Err(e) => return ReferenceState::Failed(e),
    };
    let options = AnalyzeOptions {
        threads: 1,
        ..AnalyzeOptions::default()
    };
    let name = file.display().to_string();
    match guard::catch_panic(|| analyze_file(&file, &name, &options)) {
        Ok(Ok(a)) => ReferenceState::Ready(Box::new(a.tonal())),
        Ok(Err(e)) => ReferenceState::Failed(e.to_string()),
        Err(panic) => ReferenceState::Failed(format!("internal error: {panic}")),
    }
}

/// Gives every track at `path` the state `state`.
fn set_state(tracks: &Mutex<Vec<ReferenceTrack>>, path: &str, state: &ReferenceState) {
    let mut list = tracks.lock().unwrap_or_else(PoisonError::into_inner);
    for t in list.iter_mut().filter(|t| t.path == path) {
        t.state = state.clone();
    }
}

impl ReferenceLibrary {
    /// An empty library with its worker thread (started lazily on the first path).
    pub fn new() -> Self {
        Self {
            tracks: Arc::default(),
            jobs: None,
            worker: None,
            stop: Arc::default(),
        }
    }

    fn send(&mut self, path: String) {
        if self.jobs.is_none() {
            let (tx, rx) = mpsc::channel::<String>();
            let tracks = Arc::clone(&self.tracks);
            let stop = Arc::clone(&self.stop);
            let spawned = thread::Builder::new()
                .name("preflight-references".into())
                .spawn(move || {
                    for path in rx {
                        if stop.load(Ordering::Acquire) {
                            break;
                        }
                        set_state(&tracks, &path, &measure(&path));
                    }
                });
            match spawned {
                Ok(handle) => {
                    self.worker = Some(handle);
                    self.jobs = Some(tx);
                }
                Err(_) => {
                    let failed = ReferenceState::Failed("could not start".into());
                    set_state(&self.tracks, &path, &failed);
                    return;
                }
            }
        }
        if let Some(tx) = &self.jobs {
            if tx.send(path.clone()).is_err() {
                let failed = ReferenceState::Failed("could not start".into());
                set_state(&self.tracks, &path, &failed);
            }
        }
    }

    /// Makes the library hold exactly `paths`, in their order: new paths are queued for
    /// analysis, removed ones dropped, the others kept as they are.
    pub fn sync(&mut self, paths: &[String]) {
        let queued: Vec<String> = {
            let mut list = self.tracks.lock().unwrap_or_else(PoisonError::into_inner);
            if list.iter().map(|t| &t.path).eq(paths.iter()) {
                return;
            }
            let mut old = std::mem::take(&mut *list);
            let mut queued = Vec::new();
            for p in paths {
                match old.iter().position(|t| &t.path == p) {
                    Some(i) => list.push(old.swap_remove(i)),
                    None => {
                        list.push(ReferenceTrack {
                            path: p.clone(),
                            state: ReferenceState::Analysing,
                        });
                        queued.push(p.clone());
                    }
                }
            }
            queued
        };
        for p in queued {
            self.send(p);
        }
    }

    /// The tracks and their states now.
    pub fn tracks(&self) -> Vec<ReferenceTrack> {
        self.tracks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for ReferenceLibrary {
    /// Stops the worker after the analysis it is running (no plug-in code may outlive the
    /// editor: a host may unload the library).
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        self.jobs = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    /// A 32-bit float stereo WAV of `planar`.
    fn write_wav(path: &Path, rate: u32, planar: &[Vec<f32>]) {
        let frames = planar[0].len() as u32;
        let data_len = frames * 8;
        let mut b = Vec::with_capacity(44 + data_len as usize);
        b.extend_from_slice(b"RIFF");
        b.extend_from_slice(&(36 + data_len).to_le_bytes());
        b.extend_from_slice(b"WAVEfmt ");
        b.extend_from_slice(&16u32.to_le_bytes());
        b.extend_from_slice(&3u16.to_le_bytes()); // IEEE float
        b.extend_from_slice(&2u16.to_le_bytes());
        b.extend_from_slice(&rate.to_le_bytes());
        b.extend_from_slice(&(rate * 8).to_le_bytes());
        b.extend_from_slice(&8u16.to_le_bytes());
        b.extend_from_slice(&32u16.to_le_bytes());
        b.extend_from_slice(b"data");
        b.extend_from_slice(&data_len.to_le_bytes());
        for (l, r) in planar[0].iter().zip(&planar[1]) {
            b.extend_from_slice(&l.to_le_bytes());
            b.extend_from_slice(&r.to_le_bytes());
        }
        std::fs::write(path, b).expect("write the test file");
    }

    fn settled(lib: &ReferenceLibrary) -> Vec<ReferenceTrack> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let tracks = lib.tracks();
            if tracks.iter().all(|t| t.state != ReferenceState::Analysing) {
                return tracks;
            }
            assert!(
                Instant::now() < deadline,
                "analysis did not finish: {tracks:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn references_are_measured_off_the_caller_and_bad_paths_say_why() {
        let dir = tempfile::tempdir().expect("tempdir");
        let good = dir.path().join("ref.wav");
        write_wav(
            &good,
            48_000,
            &preflight_dsp::mixes::clean_mix(48_000, 12.0, 3),
        );
        let garbage = dir.path().join("garbage.wav");
        std::fs::write(&garbage, b"not audio at all, only text").expect("write");
        let missing = dir.path().join("gone.wav");
        let paths: Vec<String> = [&good, &garbage, &missing]
            .iter()
            .map(|p| p.display().to_string())
            .collect();

        let mut lib = ReferenceLibrary::new();
        lib.sync(&paths);
        let tracks = settled(&lib);
        assert_eq!(
            tracks.iter().map(|t| &t.path).collect::<Vec<_>>(),
            paths.iter().collect::<Vec<_>>()
        );
        match &tracks[0].state {
            ReferenceState::Ready(t) => {
                let i = t.integrated_lufs.expect("loudness");
                assert!((-40.0..-5.0).contains(&i), "{i}");
                assert!(t.spectrum_db.iter().filter(|b| b.is_some()).count() > 40);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(&tracks[1].state, ReferenceState::Failed(why) if why.contains("not a recognised audio file")),
            "{:?}",
            tracks[1].state
        );
        assert!(
            matches!(&tracks[2].state, ReferenceState::Failed(why) if why.contains("no such file")),
            "{:?}",
            tracks[2].state
        );

        // Removing one keeps the others' results without measuring them again.
        lib.sync(&paths[..1]);
        assert_eq!(lib.tracks().len(), 1);
        assert!(matches!(lib.tracks()[0].state, ReferenceState::Ready(_)));
    }
}

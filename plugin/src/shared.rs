//! What the editor and the audio thread share: requests from the editor (reset, reset maxima,
//! pause), status from the audio thread (holding), and the slot holding the snapshot queue's
//! receiving end. The audio thread touches only atomics here.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use preflight_dsp::{Recorder, SnapshotReceiver};
use preflight_gui::Actions;

/// The receiving end of the snapshot queue, swapped in by `activate()` on the main thread and
/// drained by the editor on the GUI thread. The audio thread never locks it: it owns the sender.
pub type ReceiverSlot = Arc<Mutex<Option<SnapshotReceiver>>>;

/// The recording end of the meter's records (history, events, totals), swapped in by
/// `activate()` and drained by the recording thread and by an export. The audio thread never
/// locks it: the meter owns the sending end.
pub type RecorderSlot = Arc<Mutex<Option<Recorder>>>;

/// Requests and status shared by the editor and `process()`. The audio thread touches only the
/// atomics, reading and clearing them without ever waiting; the one mutex is the main thread's
/// (`activate()`) and the editor's.
#[derive(Debug, Default)]
pub struct SharedState {
    /// Set by the editor, cleared by the audio thread when it has reset the meter.
    reset_requested: AtomicBool,
    /// Set by the editor, cleared by the audio thread when it has reset the maxima.
    reset_maxima_requested: AtomicBool,
    /// The user's pause switch; the audio thread follows it.
    paused: AtomicBool,
    /// Written by the audio thread: readings frozen by "hold on stop".
    holding: AtomicBool,
    /// Set by an export to a fresh marker, taken by the audio thread, which then sends the
    /// meter's totals with it (0: nothing asked).
    totals_request: AtomicU64,
    /// The last marker handed out.
    last_marker: AtomicU64,
    /// Editor windows currently open (0 or 1 in practice; a count survives overlapping
    /// close/open).
    open_editors: AtomicUsize,
    /// Why the running configuration is not measured (set by `activate()` on the main thread,
    /// read by the editor). The audio thread never touches it: the one field that is not an
    /// atomic.
    not_measured: Mutex<Option<String>>,
}

impl SharedState {
    /// Records the user's requests from one frame of the editor.
    pub fn request(&self, actions: Actions) {
        if actions.reset {
            self.reset_requested.store(true, Ordering::Release);
        }
        if actions.reset_maxima {
            self.reset_maxima_requested.store(true, Ordering::Release);
        }
        if let Some(paused) = actions.set_paused {
            self.paused.store(paused, Ordering::Release);
        }
    }

    /// Whether a reset was requested since the last call. Real-time safe.
    pub fn take_reset(&self) -> bool {
        self.reset_requested.swap(false, Ordering::AcqRel)
    }

    /// Whether a maxima reset was requested since the last call. Real-time safe.
    pub fn take_reset_maxima(&self) -> bool {
        self.reset_maxima_requested.swap(false, Ordering::AcqRel)
    }

    /// The user's pause switch. Real-time safe.
    pub fn paused(&self) -> bool {
        self.paused.load(Ordering::Acquire)
    }

    /// Publishes whether readings are held by the transport. Real-time safe.
    pub fn set_holding(&self, holding: bool) {
        self.holding.store(holding, Ordering::Relaxed);
    }

    /// Whether readings are held by the transport (GUI thread).
    pub fn holding(&self) -> bool {
        self.holding.load(Ordering::Relaxed)
    }

    /// Records why nothing is measured (`None`: measuring). Main thread; not for the audio thread.
    pub fn set_not_measured(&self, reason: Option<String>) {
        *self
            .not_measured
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = reason;
    }

    /// Calls `f` with why nothing is measured (GUI thread; not for the audio thread).
    pub fn with_not_measured<R>(&self, f: impl FnOnce(Option<&str>) -> R) -> R {
        f(self
            .not_measured
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_deref())
    }

    /// Asks the audio thread for the meter's totals now; returns the marker they will carry.
    pub fn request_totals(&self) -> u64 {
        let marker = self.last_marker.fetch_add(1, Ordering::Relaxed) + 1;
        self.totals_request.store(marker, Ordering::Release);
        marker
    }

    /// The marker of the totals asked for since the last call (0: none). Real-time safe.
    pub fn take_totals_request(&self) -> u64 {
        self.totals_request.swap(0, Ordering::AcqRel)
    }

    /// An editor window opened (GUI thread).
    pub fn editor_opened(&self) {
        self.open_editors.fetch_add(1, Ordering::Relaxed);
    }

    /// An editor window closed (GUI thread).
    pub fn editor_closed(&self) {
        self.open_editors.fetch_sub(1, Ordering::Relaxed);
    }

    /// Whether an editor window is open, so display-only work is worth doing. Real-time safe.
    pub fn editor_open(&self) -> bool {
        self.open_editors.load(Ordering::Relaxed) > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_taken_once() {
        let shared = SharedState::default();
        shared.request(Actions {
            reset: true,
            reset_maxima: true,
            set_paused: Some(true),
            ..Actions::default()
        });
        assert!(shared.take_reset());
        assert!(!shared.take_reset());
        assert!(shared.take_reset_maxima());
        assert!(!shared.take_reset_maxima());
        assert!(shared.paused());
        shared.request(Actions::default());
        assert!(shared.paused(), "no request leaves the switch alone");
        shared.request(Actions {
            set_paused: Some(false),
            ..Actions::default()
        });
        assert!(!shared.paused());
    }

    #[test]
    fn totals_requests_carry_fresh_markers() {
        let shared = SharedState::default();
        assert_eq!(shared.take_totals_request(), 0);
        let first = shared.request_totals();
        let second = shared.request_totals();
        assert_ne!(first, second);
        assert_ne!(first, 0);
        assert_eq!(
            shared.take_totals_request(),
            second,
            "the newest request wins"
        );
        assert_eq!(shared.take_totals_request(), 0);
    }
}

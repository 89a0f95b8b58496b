//! The editor window's persisted state: its size and zoom ([`EditorGeometry`], saved as
//! `editor-state` with the session) and the [`EditorState`] that hands it to the next window.
//! The parameters own it; the editor reads it.

use std::sync::{Arc, PoisonError, RwLock};

use nice_plug::editor::dpi::LogicalSize;
use nice_plug::params::persist::PersistentField;
use nice_plug_egui::EguiEditorState;
use serde::{Deserialize, Serialize};

/// Window size when the plugin is first opened (logical pixels).
pub const DEFAULT_SIZE: LogicalSize<f64> = LogicalSize::new(960.0, 600.0);
/// Smallest window the views are laid out for (logical pixels).
pub const MIN_SIZE: LogicalSize<f32> = LogicalSize::new(640.0, 400.0);
/// Largest accepted restored window (logical pixels): guards against corrupt session data.
const MAX_RESTORED_SIDE: f64 = 8192.0;
/// Accepted range of the restored zoom factor.
pub const ZOOM_RANGE: std::ops::RangeInclusive<f32> = 0.25..=4.0;

/// Window geometry as stored in the session.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EditorGeometry {
    /// Logical width.
    pub width: f64,
    /// Logical height.
    pub height: f64,
    /// User zoom on top of the system scale.
    pub zoom: f32,
}

impl EditorGeometry {
    /// `self` if it is a usable window, else `None` (corrupt or hostile session data).
    fn validated(self) -> Option<Self> {
        let side_ok = |v: f64| v.is_finite() && v <= MAX_RESTORED_SIDE;
        (side_ok(self.width) && side_ok(self.height) && ZOOM_RANGE.contains(&self.zoom)).then(
            || Self {
                width: self.width.max(f64::from(MIN_SIZE.width)),
                height: self.height.max(f64::from(MIN_SIZE.height)),
                zoom: self.zoom,
            },
        )
    }
}

/// The editor's window state, persisted as `editor-state`.
///
/// nice-plug-egui's [`EguiEditorState`] cannot be changed from outside once built, so restoring a
/// session swaps in a new one; the next window opened uses it.
#[derive(Debug)]
pub struct EditorState {
    current: RwLock<Arc<EguiEditorState>>,
}

impl Default for EditorState {
    fn default() -> Self {
        Self {
            current: RwLock::new(EguiEditorState::from_size(DEFAULT_SIZE, 1.0)),
        }
    }
}

impl EditorState {
    /// The state the next window opens with.
    pub fn current(&self) -> Arc<EguiEditorState> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Current geometry, as it would be saved.
    pub fn geometry(&self) -> EditorGeometry {
        let state = self.current();
        let size = state.logical_size();
        EditorGeometry {
            width: f64::from(size.width),
            height: f64::from(size.height),
            zoom: state.user_scale_factor(),
        }
    }

    /// Restores saved geometry; unusable values are ignored and the current geometry kept.
    pub fn restore(&self, geometry: EditorGeometry) {
        if let Some(g) = geometry.validated() {
            let state = EguiEditorState::from_size(LogicalSize::new(g.width, g.height), g.zoom);
            *self.current.write().unwrap_or_else(PoisonError::into_inner) = state;
        }
    }
}

impl PersistentField<'_, EditorGeometry> for Arc<EditorState> {
    fn set(&self, new_value: EditorGeometry) {
        self.restore(new_value);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&EditorGeometry) -> R,
    {
        f(&self.geometry())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_round_trips_and_rejects_nonsense() {
        let state = EditorState::default();
        let default = state.geometry();
        assert_eq!((default.width, default.height), (960.0, 600.0));
        assert_eq!(default.zoom, 1.0);

        let wanted = EditorGeometry {
            width: 1200.0,
            height: 700.0,
            zoom: 1.5,
        };
        state.restore(wanted);
        assert_eq!(state.geometry(), wanted);

        for bad in [
            EditorGeometry {
                zoom: 0.0,
                ..wanted
            },
            EditorGeometry {
                width: f64::NAN,
                ..wanted
            },
            EditorGeometry {
                height: 1e12,
                ..wanted
            },
        ] {
            state.restore(bad);
            assert_eq!(state.geometry(), wanted, "{bad:?} was applied");
        }

        state.restore(EditorGeometry {
            width: 10.0,
            height: 10.0,
            zoom: 1.0,
        });
        let small = state.geometry();
        assert_eq!(
            (small.width, small.height),
            (f64::from(MIN_SIZE.width), f64::from(MIN_SIZE.height))
        );
    }
}

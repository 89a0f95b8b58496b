//! Containment for panics inside third-party decoders.
//!
//! Decoders parse untrusted bytes; a malformed file that trips an assertion inside a decoder must
//! cost one error line for that file, not the whole batch. [`catch_panic`] turns such a panic into
//! an error message, and the hook installed by [`install_panic_hook`] keeps the default
//! multi-line panic report off stderr while a guarded call runs (outside one, panics are reported
//! as usual).

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Installs the hook that silences panics inside [`catch_panic`]. Call once, early in `main`.
pub fn install_panic_hook() {
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !GUARDED.with(Cell::get) {
            default_hook(info);
        }
    }));
}

/// Runs `f`; a panic inside it becomes `Err(message)`.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was_guarded = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was_guarded));
    result.map_err(|payload| panic_message(payload.as_ref()))
}

pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_becomes_error_message() {
        install_panic_hook();
        let r: Result<(), String> = catch_panic(|| panic!("bad header {}", 7));
        assert_eq!(r, Err("bad header 7".to_string()));
        assert_eq!(catch_panic(|| 5), Ok(5));
    }
}

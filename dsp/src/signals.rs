//! Test-signal generators shared by tests and benches (in progress).

//! Tests of the process-wide default client (`umami::set_url_base`, `umami::new_event`, …):
//! a binary of their own, since they change state every test in the process shares, and one
//! lock, [`GLOBAL`], so that they take turns.

use std::sync::{Mutex, MutexGuard};

mod api;
mod derive;
mod management;

#[path = "../derive_support/mod.rs"]
mod derive_support;
#[path = "../management_support/mod.rs"]
mod management_support;
#[path = "../send_support/mod.rs"]
mod send_support;

/// Held by every test that touches the default client.
static GLOBAL: Mutex<()> = Mutex::new(());

/// Waits for this test's turn with the default client (a test that panicked still passes it on).
fn turn() -> MutexGuard<'static, ()> {
    GLOBAL.lock().unwrap_or_else(|p| p.into_inner())
}

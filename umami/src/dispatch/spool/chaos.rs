//! Test-only: random pauses at the hand-offs between the dispatcher's worker, its batch tasks
//! and the spool's reader thread, to shake out lost wake-ups (`Core::pause`). Compiled only
//! for the crate's own tests; off until a test seeds it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A seeded generator of pauses; 0 means off.
#[derive(Debug, Default)]
pub(crate) struct Chaos {
    state: AtomicU64,
}

impl Chaos {
    /// Turns the pauses on, drawn from `seed`.
    pub(crate) fn start(&self, seed: u64) {
        let state = seed.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        self.state.store(state, Ordering::Relaxed);
    }

    /// Nothing, a yield, a sleep of up to 1 ms, or (rarely) of 1 to 4 ms.
    pub(crate) fn pause(&self) {
        let mut x = self.state.load(Ordering::Relaxed);
        if x == 0 {
            return;
        }
        // xorshift64: never 0 from a non-zero state. Threads racing here may draw the same
        // number; that only makes the pauses less predictable.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state.store(x, Ordering::Relaxed);
        match x % 16 {
            0..=5 => {}
            6..=10 => std::thread::yield_now(),
            11..=14 => std::thread::sleep(Duration::from_micros(x >> 54)),
            _ => std::thread::sleep(Duration::from_millis(1 + (x >> 62))),
        }
    }
}

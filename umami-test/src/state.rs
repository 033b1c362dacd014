//! The collector's state: what it stored and received, and what its handlers share.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use uuid::Uuid;

use super::builder::CollectorBuilder;
use super::records::{Hit, ReceivedRequest};
use super::tokens::CacheClaims;

#[derive(Default)]
pub(super) struct State {
    pub(super) hits: Vec<Hit>,
    pub(super) requests: Vec<ReceivedRequest>,
    /// Every cache token handed out; a token not in here is ignored, as Umami ignores a
    /// token it cannot verify.
    pub(super) tokens: HashMap<String, CacheClaims>,
    /// Injected faults: the next `n` POSTs to the collection endpoints get this status.
    pub(super) failures: Option<(usize, u16)>,
    /// Injected latency before every answer.
    pub(super) delay: Duration,
    /// Bearer tokens handed out by `POST /api/auth/login`.
    pub(super) auth_tokens: HashSet<String>,
    /// Logins so far (makes each token distinct).
    pub(super) auth_serial: u64,
    /// Hits stored so far, cleared ones included (makes each event id distinct).
    pub(super) event_serial: u64,
}

pub(super) struct Shared {
    pub(super) options: CollectorBuilder,
    pub(super) state: Mutex<State>,
    /// The number of stored hits, for `wait_for_hits`.
    pub(super) stored: watch::Sender<usize>,
    /// Signs this collector's cache tokens, and seeds its event ids and login tokens.
    pub(super) token_key: Uuid,
    /// When the collector started: the `createdAt` of its user.
    pub(super) started_at: SystemTime,
}

impl Shared {
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // Every change to the state is a whole push or clear: a panic elsewhere cannot leave
        // it half-written.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

//! The spool's two threads, off the tokio runtime: the group commit (`fdatasync` of what was
//! written, one sync per group) and the reader that moves events from disk into the queue.

use std::collections::HashSet;
use std::fs::File;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::{Arc, Weak};
use std::time::Instant;

use super::super::shared::Shared;
use super::SpoolError;
use super::core::Core;
use super::reader::refill;

/// Starts the reader; a message on the returned channel asks it to refill the queue. It ends
/// when the channel closes (the spool dropped) or the dispatcher is gone.
pub(crate) fn spawn_reader(
    core: Arc<Core>,
    shared: Weak<Shared>,
) -> Result<mpsc::Sender<()>, SpoolError> {
    let (sender, receiver) = mpsc::channel::<()>();
    let dir = core.config.dir.clone();
    std::thread::Builder::new()
        .name("umami-spool-reader".to_owned())
        .spawn(move || {
            while receiver.recv().is_ok() {
                core.pause();
                core.refill_started();
                core.pause();
                let Some(shared) = shared.upgrade() else {
                    break;
                };
                refill(&core, &shared);
            }
        })
        .map_err(|e| SpoolError::io("starting the reader thread", &dir, e))?;
    Ok(sender)
}

/// Starts the group commit: at most once per `sync_interval`, when something was written
/// since the last sync, sync the files written (and the directory, after a segment was
/// created or deleted), then publish how many appends are on disk. A group is what was
/// written during one interval; `track` never waits for it.
pub(crate) fn spawn_syncer(core: Arc<Core>) -> Result<(), SpoolError> {
    let dir = core.config.dir.clone();
    std::thread::Builder::new()
        .name("umami-spool-sync".to_owned())
        .spawn(move || sync_loop(&core))
        .map_err(|e| SpoolError::io("starting the sync thread", &dir, e))?;
    Ok(())
}

fn sync_loop(core: &Core) {
    let interval = core.config.sync_interval;
    let mut synced = 0_u64;
    let mut last = Instant::now();
    let mut log = core.lock();
    loop {
        let stopping = core.stop.load(Ordering::Relaxed);
        let idle = log.appended == synced && log.dirty.is_empty() && !log.dir_dirty;
        let wait = interval.saturating_sub(last.elapsed());
        if !stopping && (idle || !wait.is_zero()) {
            let wait = if idle { interval } else { wait };
            log = core
                .sync_wanted
                .wait_timeout(log, wait)
                .map_or_else(|e| e.into_inner().0, |(guard, _)| guard);
            continue;
        }
        last = Instant::now();
        let target = log.appended;
        let mut files: Vec<Arc<File>> = std::mem::take(&mut log.dirty);
        if target != synced {
            files.push(log.active_file());
        }
        let dir_dirty = std::mem::replace(&mut log.dir_dirty, false);
        let dir = log.dir().to_path_buf();
        drop(log);
        let mut seen = HashSet::new();
        for file in files {
            if !seen.insert(Arc::as_ptr(&file)) {
                continue;
            }
            if let Err(error) = file.sync_data() {
                tracing::warn!(%error, "umami spool: fdatasync failed");
            }
        }
        if dir_dirty {
            if let Ok(handle) = File::open(&dir) {
                let _ = handle.sync_all();
            }
        }
        synced = target;
        core.syncs.fetch_add(1, Ordering::Relaxed);
        core.synced.send_replace(target);
        if stopping {
            return;
        }
        log = core.lock();
    }
}

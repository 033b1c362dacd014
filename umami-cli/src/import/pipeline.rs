//! Chunks of lines, each tracked into its own `umami::Dispatcher` with its own spool, then
//! delivered.
//!
//! Why a dispatcher per chunk: a resume must know exactly which lines after the committed
//! offset already reached the spool, or it would send them twice (or lose them). A chunk's
//! dispatcher is built on a tokio runtime that nobody drives while the chunk is being
//! filled: its worker does not run, so nothing leaves the spool, and after a crash the
//! number of events the spool recovers is exactly the number of lines the chunk had accepted
//! (in order, since `track` writes each record before it returns). Once the chunk's spool is
//! synced and the state file says the chunk is committed, a thread drives the runtime: the
//! dispatcher sends the chunk in batches, with retries, and the spool drains.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use umami::Dispatcher;
use umami::dispatch::spool::{Durability, SpoolConfig};
use umami::dispatch::{BotCheck, Routing, ShutdownReport};
use umami::hit::PreparedHit;

use crate::exit::{CliError, CliResult};

/// A chunk is committed once it holds this many lines...
const CHUNK_LINES: u64 = 50_000;
/// ... or is this old (so that a slow input is delivered as it comes) ...
const CHUNK_AGE: Duration = Duration::from_secs(1);
/// ... when a delivery slot is free; past this size it waits for one.
const CHUNK_MAX_LINES: u64 = 200_000;
/// Chunks delivered at once.
const DELIVERING: usize = 2;
/// Events a chunk's dispatcher keeps in memory; the rest wait in its spool.
const CAPACITY: usize = 4_000;

/// The chunk being filled.
#[derive(Debug)]
pub(crate) struct Chunk {
    pub(crate) start: u64,
    /// Lines in its spool (recovered ones included).
    pub(crate) accepted: u64,
    runtime: tokio::runtime::Runtime,
    dispatcher: Dispatcher,
    opened: Instant,
}

/// A chunk being delivered.
#[derive(Debug)]
struct Delivering {
    start: u64,
    dispatcher: Dispatcher,
}

/// A chunk delivered (or given up on).
#[derive(Debug)]
pub(crate) struct Delivered {
    pub(crate) start: u64,
    pub(crate) report: ShutdownReport,
    /// Nothing of it is left in its spool.
    pub(crate) empty: bool,
    pub(crate) dir: PathBuf,
}

/// The chunks of an import.
#[derive(Debug)]
pub(crate) struct Pipeline {
    base: PathBuf,
    settings: crate::config::Settings,
    current: Option<Chunk>,
    delivering: Vec<Delivering>,
    done_tx: Sender<Delivered>,
    done_rx: Receiver<Delivered>,
}

fn chunk_dir(base: &std::path::Path, offset: u64) -> PathBuf {
    base.join(format!("chunk-{offset:020}"))
}

impl Pipeline {
    pub(crate) fn new(base: PathBuf, settings: crate::config::Settings) -> Pipeline {
        let (done_tx, done_rx) = channel();
        Pipeline {
            base,
            settings,
            current: None,
            delivering: Vec::new(),
            done_tx,
            done_rx,
        }
    }

    /// A dispatcher with its spool in the chunk directory of `offset`, on a runtime of its
    /// own that nobody drives yet.
    fn open(&self, offset: u64) -> CliResult<(tokio::runtime::Runtime, Dispatcher)> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CliError::failed(format!("cannot start a runtime: {e}")))?;
        let client = self.settings.send_client()?;
        let dispatcher = {
            let _enter = runtime.enter();
            Dispatcher::builder(client)
                .capacity(CAPACITY)
                .max_batch_size(500)
                .flush_interval(Duration::from_millis(20))
                .max_concurrent_requests(2)
                // The importer checked every User-Agent with Umami's patterns already.
                .bot_check(BotCheck::Off)
                .routing(Routing::BatchAll)
                .spool(
                    SpoolConfig::new(chunk_dir(&self.base, offset))
                        .durability(Durability::Sync)
                        .max_bytes(1 << 40),
                )
                .build()
                .map_err(|e| CliError::from(e).context("cannot open the import's spool"))?
        };
        Ok((runtime, dispatcher))
    }

    /// Reopens the chunk that was being filled at `offset` when the import stopped: it
    /// becomes the current chunk again. Returns how many lines its spool holds.
    pub(crate) fn reopen_current(&mut self, offset: u64) -> CliResult<u64> {
        let (runtime, dispatcher) = self.open(offset)?;
        let recovered = dispatcher.stats().spool.map_or(0, |s| s.recovered);
        self.current = Some(Chunk {
            start: offset,
            accepted: recovered,
            runtime,
            dispatcher,
            opened: Instant::now(),
        });
        Ok(recovered)
    }

    /// Reopens a committed chunk and delivers what its spool holds. Returns that number.
    pub(crate) fn reopen_committed(&mut self, offset: u64) -> CliResult<u64> {
        let (runtime, dispatcher) = self.open(offset)?;
        let recovered = dispatcher.stats().spool.map_or(0, |s| s.recovered);
        self.deliver(Chunk {
            start: offset,
            accepted: recovered,
            runtime,
            dispatcher,
            opened: Instant::now(),
        });
        Ok(recovered)
    }

    /// Adds a hit to the current chunk, opening one at `committed` (the committed offset)
    /// when there is none.
    pub(crate) fn track(&mut self, hit: PreparedHit, committed: u64) -> CliResult {
        if self.current.is_none() {
            let (runtime, dispatcher) = self.open(committed)?;
            self.current = Some(Chunk {
                start: committed,
                accepted: 0,
                runtime,
                dispatcher,
                opened: Instant::now(),
            });
        }
        let chunk = self.current.as_mut().expect("a chunk was just opened");
        chunk
            .dispatcher
            .track_hit(hit)
            .map_err(|e| CliError::failed(format!("the import's spool refused a line: {e}")))?;
        chunk.accepted += 1;
        Ok(())
    }

    /// Whether the current chunk should be committed now.
    pub(crate) fn wants_commit(&self) -> bool {
        self.current.as_ref().is_some_and(|chunk| {
            (chunk.accepted >= CHUNK_LINES || chunk.opened.elapsed() >= CHUNK_AGE)
                && self.delivering.len() < DELIVERING
        })
    }

    /// Whether the current chunk is full: commit it, waiting for a delivery slot.
    pub(crate) fn must_commit(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|chunk| chunk.accepted >= CHUNK_MAX_LINES)
    }

    /// Whether a delivery slot is free.
    pub(crate) fn can_deliver(&self) -> bool {
        self.delivering.len() < DELIVERING
    }

    /// Takes the current chunk, its spool synced to disk (`main` awaits the sync).
    pub(crate) fn seal(&mut self, main: &tokio::runtime::Runtime) -> Option<Chunk> {
        let chunk = self.current.take()?;
        main.block_on(chunk.dispatcher.sync_spool());
        Some(chunk)
    }

    /// Delivers a sealed chunk on a thread of its own.
    pub(crate) fn deliver(&mut self, chunk: Chunk) {
        let Chunk {
            start,
            runtime,
            dispatcher,
            ..
        } = chunk;
        self.delivering.push(Delivering {
            start,
            dispatcher: dispatcher.clone(),
        });
        let done = self.done_tx.clone();
        let dir = chunk_dir(&self.base, start);
        let spawned = std::thread::Builder::new()
            .name("umami-import-send".to_owned())
            .spawn(move || {
                let report = runtime.block_on(async {
                    dispatcher.flush().await;
                    dispatcher.shutdown(Duration::from_secs(5)).await
                });
                drop(dispatcher);
                drop(runtime);
                let empty = report.stats.spool.is_none_or(|s| s.pending == 0);
                let _ = done.send(Delivered {
                    start,
                    report,
                    empty,
                    dir,
                });
            });
        if let Err(e) = spawned {
            eprintln!("warning: cannot start a delivery thread: {e}; resume to deliver");
        }
    }

    fn finished(&mut self, delivered: &Delivered) {
        self.delivering.retain(|d| d.start != delivered.start);
    }

    /// Chunks delivered since the last call.
    pub(crate) fn poll(&mut self) -> Vec<Delivered> {
        let done: Vec<Delivered> = self.done_rx.try_iter().collect();
        for d in &done {
            self.finished(d);
        }
        done
    }

    /// Waits for one chunk to be delivered; `None` when none is under way.
    pub(crate) fn wait_one(&mut self, timeout: Duration) -> Option<Delivered> {
        if self.delivering.is_empty() {
            return None;
        }
        let done = self.done_rx.recv_timeout(timeout).ok()?;
        self.finished(&done);
        Some(done)
    }

    /// Chunks being delivered.
    pub(crate) fn delivering(&self) -> usize {
        self.delivering.len()
    }

    /// Lines delivered and failed so far by the chunks under way.
    pub(crate) fn live(&self) -> (u64, u64) {
        self.delivering.iter().fold((0, 0), |(sent, failed), d| {
            let stats = d.dispatcher.stats();
            (sent + stats.sent, failed + stats.failed.total())
        })
    }

    /// Leaves the chunk being filled as it is on disk (the process is about to stop on an
    /// error; a resume reopens it). It is not dropped: dropping a dispatcher with events
    /// warns that they are undelivered, which is said better by the error itself.
    pub(crate) fn abandon_current(&mut self) {
        if let Some(chunk) = self.current.take() {
            std::mem::forget(chunk);
        }
    }

    /// Lines in the chunk being filled.
    pub(crate) fn current_lines(&self) -> u64 {
        self.current.as_ref().map_or(0, |c| c.accepted)
    }
}

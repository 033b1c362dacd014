//! `umami import`: JSON Lines, CSV and access logs, streamed through the library's
//! dispatcher and spool, resumable after any interruption without losing or doubling a line.
//!
//! | concept | file |
//! |---|---|
//! | the run: options, resume, the record loop, the report | `mod.rs` |
//! | reading the input in blocks on a thread | `source.rs` |
//! | cutting blocks into lines and CSV rows | `records.rs` |
//! | the formats | `jsonl.rs`, `csv.rs`, `access_log.rs` |
//! | chunks, each with its dispatcher and spool, and their delivery | `pipeline.rs` |
//! | the state directory and file | `state.rs` |
//! | the progress bar | `progress.rs` |
//!
//! # How a resume stays exact
//! The state file holds a committed offset: every line before it is counted, and each line
//! of it that is to be sent sits in the spool of a committed chunk (or was delivered). The
//! lines after it were read by the interrupted run into at most one chunk, whose dispatcher
//! never ran (see `pipeline.rs`): its spool holds exactly the first `n` lines to send after
//! the offset. A resume delivers the committed chunks' spools, reopens that chunk, reads on
//! from the offset, and does not track again the first `n` lines it would send.

mod access_log;
mod csv;
mod jsonl;
mod pipeline;
mod progress;
mod records;
mod source;
mod state;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use umami::Client;
use umami::dispatch::FailReason;
use umami::hit::PreparedHit;
use umami::web::{ContextConfig, PeerAddr, SkipReason, VisitorContext};

use crate::cli::{ImportArgs, InputFormat};
use crate::config::Settings;
use crate::exit::{CliError, CliResult, code};
use crate::hit::HitFields;

use access_log::{LogLine, Rules};
use pipeline::{Delivered, Pipeline};
use progress::{Progress, thousands};
use records::{Flow, Lines, Position, Record, Rows};
use source::{Input, Start};
use state::{Counts, State, StateDir};

/// The first bytes of the input whose checksum identifies it on resume.
const HEAD: usize = 64 * 1024;
/// Bad lines kept in the state for the report.
const KEEP_BAD: usize = 1_000;
/// Failure messages kept for the report.
const KEEP_MESSAGES: usize = 10;
/// User-Agents whose bot verdict is remembered.
const BOT_CACHE: usize = 10_000;

/// What a record is.
#[expect(
    clippy::large_enum_variant,
    reason = "one per line, moved once: a box would cost an allocation per line"
)]
enum Outcome {
    Hit(PreparedHit),
    Skipped(String),
    Bad(String),
}

/// The format of the input.
fn format_of(args: &ImportArgs) -> CliResult<InputFormat> {
    if let Some(format) = args.format {
        return Ok(format);
    }
    let ext = args
        .file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("jsonl" | "ndjson") => Ok(InputFormat::Jsonl),
        Some("csv") => Ok(InputFormat::Csv),
        Some("log") => Ok(InputFormat::Combined),
        _ => Err(CliError::usage(format!(
            "cannot tell the format of {}: pass --format jsonl, csv or combined",
            args.file.display()
        ))),
    }
}

/// Turns records into hits: the format's parser, the rules, the library's checks.
struct Reader {
    format: InputFormat,
    client: Client,
    rules: Rules,
    maps: BTreeMap<String, String>,
    mapping: Option<csv::Mapping>,
    csv_header: Option<Vec<String>>,
    bots: HashMap<String, bool>,
    context: ContextConfig,
}

impl Reader {
    fn is_bot(&mut self, user_agent: &str) -> bool {
        if let Some(&verdict) = self.bots.get(user_agent) {
            return verdict;
        }
        if self.bots.len() >= BOT_CACHE {
            self.bots.clear();
        }
        let verdict = umami::bot::is_bot(user_agent);
        self.bots.insert(user_agent.to_owned(), verdict);
        verdict
    }

    /// A CSV header: the columns' mapping (an unknown column is an error for the whole input).
    fn header(&mut self, fields: Vec<String>) -> CliResult {
        let mapping = csv::Mapping::new(&fields, &self.maps).map_err(CliError::usage)?;
        self.mapping = Some(mapping);
        self.csv_header = Some(fields);
        Ok(())
    }

    /// The outcome of one record; `Ok(None)` for a CSV header.
    fn outcome(&mut self, record: Record<'_>) -> CliResult<Option<Outcome>> {
        let fields = match record {
            Record::Row(row) => {
                if self.mapping.is_none() {
                    let names = row
                        .iter()
                        .map(|f| String::from_utf8_lossy(f).trim().to_owned())
                        .collect();
                    self.header(names)?;
                    return Ok(None);
                }
                let mapping = self.mapping.as_ref().expect("a header was read");
                match mapping.hit(&row) {
                    Ok(fields) => fields,
                    Err(why) => return Ok(Some(Outcome::Bad(why))),
                }
            }
            Record::Line(line) => {
                if line.iter().all(u8::is_ascii_whitespace) {
                    return Ok(Some(Outcome::Skipped("blank line".to_owned())));
                }
                match self.format {
                    InputFormat::Combined => return Ok(Some(self.log_line(line))),
                    _ => match jsonl::parse(line) {
                        Ok(fields) => fields,
                        Err(why) => return Ok(Some(Outcome::Bad(why))),
                    },
                }
            }
        };
        Ok(Some(self.hit(fields)))
    }

    fn hit(&mut self, fields: HitFields) -> Outcome {
        if let Some(ua) = &fields.user_agent {
            if self.is_bot(ua) {
                return Outcome::Skipped(SkipReason::Bot.to_string());
            }
        }
        match fields.prepare(&self.client) {
            Ok(hit) => Outcome::Hit(hit),
            Err(e) => Outcome::Bad(e.to_string()),
        }
    }

    /// An access-log line: a page view, through the web layer's visitor cleaning.
    fn log_line(&mut self, line: &[u8]) -> Outcome {
        let Ok(text) = std::str::from_utf8(line) else {
            return Outcome::Bad("not valid UTF-8".to_owned());
        };
        let hit = match access_log::parse(text, &self.rules) {
            Ok(LogLine::PageView(hit)) => hit,
            Ok(LogLine::Skipped(why)) => return Outcome::Skipped(why),
            Err(why) => return Outcome::Bad(why),
        };
        let user_agent = hit.user_agent.map(access_log::user_agent_text);
        if let Some(ua) = &user_agent {
            if self.is_bot(ua) {
                return Outcome::Skipped(SkipReason::Bot.to_string());
            }
        }
        let mut request = http::Request::builder().extension(PeerAddr(SocketAddr::new(hit.ip, 0)));
        if let Some(ua) = &user_agent {
            match http::HeaderValue::from_str(ua) {
                Ok(value) => request = request.header(http::header::USER_AGENT, value),
                Err(_) => {
                    return Outcome::Bad("the User-Agent is not a valid header value".to_owned());
                }
            }
        }
        if let Some(referrer) = &hit.referrer {
            if let Ok(value) = http::HeaderValue::from_str(referrer) {
                request = request.header(http::header::REFERER, value);
            }
        }
        let Ok(request) = request.body(()) else {
            return Outcome::Bad("the line's request cannot be read".to_owned());
        };
        let visitor = VisitorContext::from_request(&request, &self.context);
        let page_view = self.client.new_page_view(hit.url.clone(), hit.url);
        match visitor.apply(page_view).timestamp(hit.time).prepare() {
            Ok(hit) => Outcome::Hit(hit),
            Err(e) => Outcome::Bad(e.to_string()),
        }
    }
}

/// Runs `umami import`.
pub(crate) fn run(settings: &Settings, args: ImportArgs) -> CliResult<u8> {
    let format = format_of(&args)?;
    if format != InputFormat::Csv && !args.map.is_empty() {
        return Err(CliError::usage("--map is for CSV input only"));
    }
    let maps = csv::parse_maps(&args.map).map_err(CliError::usage)?;
    let rules = Rules {
        exclude_paths: args.exclude_path.clone(),
        exclude_prefixes: args.exclude_prefix.clone(),
        query: Some(args.query),
    };
    if args.dry_run {
        let client = settings.offline_client()?;
        let reader = Reader {
            format,
            client,
            rules,
            maps,
            mapping: None,
            csv_header: None,
            bots: HashMap::new(),
            context: ContextConfig::default(),
        };
        return dry_run(reader, &args);
    }
    let client = settings.send_client()?;
    let website = settings.require_website_id()?.to_owned();
    let hostname = settings.require_hostname()?.to_owned();
    if args.file != Path::new("-") && !args.file.is_file() {
        return Err(CliError::usage(format!(
            "{} is not a file",
            args.file.display()
        )));
    }
    let dir_path = match &args.state_dir {
        Some(dir) => dir.clone(),
        None => state::default_dir(&args.file, &website)?,
    };
    let dir = StateDir::open(&dir_path)?;
    let input = args.file.display().to_string();
    let options = format!(
        "format={};website={website};hostname={hostname};map={:?};exclude_paths={:?};\
         exclude_prefixes={:?};query={:?}",
        format.name(),
        maps,
        rules.exclude_paths,
        rules.exclude_prefixes,
        args.query
    );
    let state = match (dir.load()?, args.resume, args.restart) {
        (Some(_), _, true) => {
            dir.clear()?;
            None
        }
        (Some(state), true, _) => {
            if state.input != input {
                return Err(CliError::usage(format!(
                    "the interrupted import in {} read {}, not {input}",
                    dir.path().display(),
                    state.input
                )));
            }
            if state.options != options {
                return Err(CliError::usage(format!(
                    "the interrupted import in {} ran with other options ({}): resume it with \
                     the same ones, or start over with --restart",
                    dir.path().display(),
                    state.options
                )));
            }
            Some(state)
        }
        (Some(state), false, false) => {
            return Err(CliError::usage(format!(
                "an interrupted import of {} is in {} ({} lines done): continue it with \
                 --resume, or start over with --restart (its undelivered lines are dropped)",
                state.input,
                dir.path().display(),
                thousands(state.committed_line)
            )));
        }
        (None, true, _) => {
            return Err(CliError::usage(format!(
                "no interrupted import to resume in {} (a finished import leaves nothing)",
                dir.path().display()
            )));
        }
        (None, false, _) => None,
    };
    let resumed = state.is_some();
    let state = match state {
        Some(state) => state,
        None => {
            let state = State::new(input, options);
            dir.save(&state)?;
            state
        }
    };
    let mut reader = Reader {
        format,
        client,
        rules,
        maps,
        mapping: None,
        csv_header: None,
        bots: HashMap::new(),
        context: ContextConfig::default(),
    };
    if let Some(header) = &state.csv_header {
        reader.header(header.clone())?;
    }
    let mut run = Run::start(settings, dir, state, reader, &args, resumed)?;
    let outcome = run.read_all();
    run.finish(outcome)
}

/// One run of an import.
struct Run {
    dir: StateDir,
    state: State,
    reader: Reader,
    pipeline: Pipeline,
    runtime: tokio::runtime::Runtime,
    progress: Progress,
    interrupted: Arc<AtomicBool>,
    input: PathBuf,
    /// Counts of the lines read since the last commit.
    pending: Counts,
    /// Where the last record read ends, and the line after it.
    last_end: u64,
    last_line: u64,
    /// Lines to send after the committed offset that the reopened chunk's spool holds.
    skip_hits: u64,
    /// The input's first bytes, for the resume check.
    head: Vec<u8>,
    last_commit: Instant,
    started: Instant,
    /// The committed line when this run started.
    first_line: u64,
    list: usize,
    fatal: Option<CliError>,
}

impl Run {
    fn start(
        settings: &Settings,
        dir: StateDir,
        mut state: State,
        reader: Reader,
        args: &ImportArgs,
        resumed: bool,
    ) -> CliResult<Run> {
        let runtime = crate::runtime()?;
        let interrupted = Arc::new(AtomicBool::new(false));
        listen_for_interrupts(&runtime, interrupted.clone());
        let mut pipeline = Pipeline::new(dir.path().to_path_buf(), settings.clone());
        let mut skip_hits = 0;
        if resumed {
            for offset in dir.chunks()? {
                if offset == state.committed_offset {
                    skip_hits = pipeline.reopen_current(offset)?;
                } else {
                    let left = pipeline.reopen_committed(offset)?;
                    if let Some(accepted) = state.open_chunks.get_mut(&offset) {
                        // What the interrupted run settled of it, without counting it.
                        state.counts.settled_uncounted += accepted.saturating_sub(left);
                        *accepted = left;
                    }
                }
            }
            let on_disk = dir.chunks()?;
            let gone: Vec<u64> = state
                .open_chunks
                .keys()
                .copied()
                .filter(|o| !on_disk.contains(o))
                .collect();
            for offset in gone {
                if let Some(accepted) = state.open_chunks.remove(&offset) {
                    state.counts.settled_uncounted += accepted;
                }
            }
            dir.save(&state)?;
        }
        let size = source::size_of(&args.file);
        let progress = Progress::new(
            !args.no_progress,
            size,
            state.committed_offset,
            state.committed_line,
        );
        if resumed {
            progress.println(&format!(
                "resuming {} after line {} (byte {})",
                state.input,
                thousands(state.committed_line),
                thousands(state.committed_offset)
            ));
        }
        Ok(Run {
            first_line: state.committed_line,
            last_end: state.committed_offset,
            last_line: state.committed_line,
            dir,
            state,
            reader,
            pipeline,
            runtime,
            progress,
            interrupted,
            input: args.file.clone(),
            pending: Counts::default(),
            skip_hits,
            head: Vec::new(),
            last_commit: Instant::now(),
            started: Instant::now(),
            list: args.list,
            fatal: None,
        })
    }

    /// Reads the input to its end (or an interruption); `Ok(true)` when interrupted.
    fn read_all(&mut self) -> CliResult<bool> {
        let start = Start {
            offset: self.state.committed_offset,
            head_len: self.state.head_len,
            head_crc: self.state.head_crc,
        };
        let blocks = source::spawn(&self.input, start).map_err(CliError::failed)?;
        let csv = self.reader.format == InputFormat::Csv;
        let mut lines = Lines::new(start.offset, self.state.committed_line);
        let mut rows = Rows::new(start.offset, self.state.committed_line);
        let mut offset = start.offset;
        loop {
            if self.interrupted.load(Ordering::Relaxed) {
                return Ok(true);
            }
            match blocks.recv_timeout(Duration::from_millis(100)) {
                Ok(Input::Block(block)) => {
                    if offset < HEAD as u64 {
                        let take = (HEAD - self.head.len()).min(block.len());
                        self.head.extend_from_slice(&block[..take]);
                    }
                    offset += block.len() as u64;
                    let flow = if csv {
                        rows.feed(&block, &mut |r, p| self.record(r, p))
                    } else {
                        lines.feed(&block, &mut |r, p| self.record(r, p))
                    };
                    if let Some(error) = self.fatal.take() {
                        return Err(error);
                    }
                    if flow == Flow::Stop {
                        return Ok(true);
                    }
                }
                Ok(Input::End) => {
                    if csv {
                        rows.finish(&mut |r, p| self.record(r, p));
                    } else {
                        lines.finish(&mut |r, p| self.record(r, p));
                    }
                    if let Some(error) = self.fatal.take() {
                        return Err(error);
                    }
                    return Ok(false);
                }
                Ok(Input::Failed(why)) => return Err(CliError::failed(why)),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(CliError::failed("the input's reader stopped"));
                }
            }
            self.housekeeping()?;
        }
    }

    /// One record, from the record loop.
    fn record(&mut self, record: Record<'_>, position: Position) -> Flow {
        if self.fatal.is_some() || self.interrupted.load(Ordering::Relaxed) {
            return Flow::Stop;
        }
        match self.handle(record, position) {
            Ok(()) => Flow::Continue,
            Err(error) => {
                self.fatal = Some(error);
                Flow::Stop
            }
        }
    }

    fn handle(&mut self, record: Record<'_>, position: Position) -> CliResult {
        match self.reader.outcome(record)? {
            None => {}
            Some(Outcome::Hit(hit)) => {
                if self.skip_hits > 0 {
                    // Already in the reopened chunk's spool.
                    self.skip_hits -= 1;
                } else {
                    self.pipeline.track(hit, self.state.committed_offset)?;
                }
                self.pending.accepted += 1;
            }
            Some(Outcome::Skipped(why)) => *self.pending.skipped.entry(why).or_default() += 1,
            Some(Outcome::Bad(why)) => {
                self.pending.bad += 1;
                if self.state.counts.bad_lines.len() + self.pending.bad_lines.len() < KEEP_BAD {
                    self.pending.bad_lines.push((position.line, why));
                }
            }
        }
        self.last_end = position.end;
        self.last_line = position.next_line - 1;
        if self.pipeline.must_commit() {
            while !self.pipeline.can_deliver() {
                if let Some(done) = self.pipeline.wait_one(Duration::from_millis(200)) {
                    self.delivered(done)?;
                }
                if self.interrupted.load(Ordering::Relaxed) {
                    return Ok(());
                }
                self.update_progress();
            }
            self.commit()?;
        } else if self.pipeline.wants_commit() {
            self.commit()?;
        }
        if (self.last_line & 0xfff) == 0 {
            for done in self.pipeline.poll() {
                self.delivered(done)?;
            }
            self.update_progress();
        }
        Ok(())
    }

    /// Between blocks: deliveries, time-based commits, the bar.
    fn housekeeping(&mut self) -> CliResult {
        for done in self.pipeline.poll() {
            self.delivered(done)?;
        }
        // A chunk is committed when it is big or old enough and a delivery slot is free; an
        // input that only skips lines still commits its offset every second.
        let idle = self.last_commit.elapsed() >= Duration::from_secs(1)
            && self.pipeline.current_lines() == 0;
        if (self.pipeline.wants_commit() || idle) && self.last_end > self.state.committed_offset {
            self.commit()?;
        }
        self.update_progress();
        Ok(())
    }

    fn update_progress(&mut self) {
        let (sent, failed) = self.pipeline.live();
        let counts = &self.state.counts;
        self.progress.update(
            self.last_end,
            self.last_line,
            counts.sent + sent,
            counts.failed.values().sum::<u64>() + counts.bad + self.pending.bad + failed,
        );
    }

    /// Commits what was read: the current chunk's spool synced, then the state file saying
    /// so, then the chunk's delivery.
    fn commit(&mut self) -> CliResult {
        let sealed = self.pipeline.seal(&self.runtime);
        if let Some(chunk) = &sealed {
            self.state.open_chunks.insert(chunk.start, chunk.accepted);
        }
        let pending = std::mem::take(&mut self.pending);
        let counts = &mut self.state.counts;
        counts.accepted += pending.accepted;
        counts.bad += pending.bad;
        counts.bad_lines.extend(pending.bad_lines);
        for (why, n) in pending.skipped {
            *counts.skipped.entry(why).or_default() += n;
        }
        self.state.committed_offset = self.last_end;
        self.state.committed_line = self.last_line;
        if self.state.head_len < HEAD as u64 {
            let len = self
                .head
                .len()
                .min(usize::try_from(self.last_end).unwrap_or(usize::MAX));
            self.state.head_len = len as u64;
            self.state.head_crc = crc32fast::hash(&self.head[..len]);
        }
        self.state.csv_header = self.reader.csv_header.clone();
        self.dir.save(&self.state)?;
        self.last_commit = Instant::now();
        if let Some(chunk) = sealed {
            self.pipeline.deliver(chunk);
        }
        Ok(())
    }

    /// A chunk's delivery ended: its counts into the state, then its spool removed.
    fn delivered(&mut self, done: Delivered) -> CliResult {
        let stats = &done.report.stats;
        let counts = &mut self.state.counts;
        counts.sent += stats.sent;
        counts.possible_duplicates += stats.possible_duplicates;
        for reason in FailReason::ALL {
            let n = stats.failed.get(reason);
            if n > 0 {
                *counts.failed.entry(reason.to_string()).or_default() += n;
            }
        }
        for failure in &stats.recent_failures {
            if counts.failure_messages.len() < KEEP_MESSAGES
                && !counts.failure_messages.contains(&failure.message)
            {
                counts.failure_messages.push(failure.message.clone());
            }
        }
        if done.empty {
            self.state.open_chunks.remove(&done.start);
        } else if let Some(left) = self.state.open_chunks.get_mut(&done.start) {
            *left = stats.spool.map_or(0, |s| s.pending);
        }
        self.dir.save(&self.state)?;
        if done.empty {
            std::fs::remove_dir_all(&done.dir).map_err(|e| {
                CliError::failed(format!("cannot remove {}: {e}", done.dir.display()))
            })?;
        }
        Ok(())
    }

    /// Commits, waits for every delivery, reports.
    fn finish(mut self, outcome: CliResult<bool>) -> CliResult<u8> {
        let interrupted = match outcome {
            Ok(interrupted) => interrupted,
            Err(error) => {
                self.progress.finish();
                let nothing_done = self.state.committed_offset == 0
                    && self.state.open_chunks.is_empty()
                    && self.pipeline.current_lines() == 0
                    && self.pipeline.delivering() == 0;
                if nothing_done || error.kind() == crate::exit::Kind::Usage {
                    // Nothing to resume (a bad header, a bad option): no state left behind.
                    if nothing_done {
                        let _ = self.dir.clear();
                        self.dir.remove();
                    }
                    return Err(error);
                }
                // Commit what was read before the error, so that a resume goes on from there.
                if self.commit().is_err() {
                    self.pipeline.abandon_current();
                }
                return Err(error.context(format!(
                    "import stopped after line {} (resume with --resume)",
                    thousands(self.state.committed_line)
                )));
            }
        };
        if self.last_end > self.state.committed_offset || self.pipeline.current_lines() > 0 {
            self.commit()?;
        } else {
            self.dir.save(&self.state)?;
        }
        if interrupted {
            self.progress.println(&format!(
                "interrupted after line {}: delivering what was read (Ctrl-C again to stop \
                 now; `umami import {} --resume` goes on)",
                thousands(self.state.committed_line),
                self.input.display()
            ));
        }
        while self.pipeline.delivering() > 0 {
            if let Some(done) = self.pipeline.wait_one(Duration::from_millis(200)) {
                self.delivered(done)?;
            }
            self.update_progress();
        }
        self.progress.finish();
        let left: u64 = self.state.open_chunks.values().sum();
        print!("{}", self.report(interrupted, left));
        if interrupted {
            return Err(CliError::new(
                crate::exit::Kind::Interrupted,
                format!(
                    "import interrupted after line {}: `umami import {} --resume` goes on",
                    thousands(self.state.committed_line),
                    self.input.display()
                ),
            ));
        }
        if left > 0 {
            return Err(CliError::failed(format!(
                "{} lines are still in the spool in {}: `umami import {} --resume` sends them",
                thousands(left),
                self.dir.path().display(),
                self.input.display()
            )));
        }
        self.dir.clear()?;
        self.dir.remove();
        let failed: u64 = self.state.counts.failed.values().sum::<u64>() + self.state.counts.bad;
        Ok(if failed > 0 { code::FAILED } else { code::OK })
    }

    fn report(&self, interrupted: bool, left: u64) -> String {
        let c = &self.state.counts;
        let elapsed = self.started.elapsed().as_secs_f64();
        let mut out = String::new();
        let read = self.state.committed_line;
        out.push_str(&format!(
            "{} {}: {} lines{}\n",
            if interrupted {
                "interrupted import of"
            } else {
                "imported"
            },
            self.state.input,
            thousands(read),
            if interrupted { " read so far" } else { "" }
        ));
        let row = |out: &mut String, label: &str, n: u64| {
            out.push_str(&format!("  {label:<9}{:>12}\n", thousands(n)));
        };
        row(&mut out, "stored", c.sent);
        let skipped: u64 = c.skipped.values().sum();
        row(&mut out, "skipped", skipped);
        let mut reasons: Vec<(&String, &u64)> = c.skipped.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (why, n) in reasons {
            out.push_str(&format!("    {why}: {}\n", thousands(*n)));
        }
        let failed: u64 = c.failed.values().sum();
        row(&mut out, "failed", c.bad + failed);
        for (line, why) in c.bad_lines.iter().take(self.list) {
            out.push_str(&format!("    line {line}: {why}\n"));
        }
        let listed = c.bad_lines.len().min(self.list) as u64;
        if c.bad > listed {
            out.push_str(&format!(
                "    and {} more bad lines\n",
                thousands(c.bad - listed)
            ));
        }
        for (why, n) in &c.failed {
            out.push_str(&format!("    {why}: {}\n", thousands(*n)));
        }
        for message in &c.failure_messages {
            out.push_str(&format!("    server: {message}\n"));
        }
        if left > 0 {
            row(&mut out, "in spool", left);
        }
        if c.settled_uncounted > 0 {
            out.push_str(&format!(
                "  {} lines were delivered (or failed) by the interrupted run before it could \
                 count them\n",
                thousands(c.settled_uncounted)
            ));
        }
        if c.possible_duplicates > 0 {
            out.push_str(&format!(
                "  {} lines were sent again after an attempt whose answer was lost: Umami may \
                 have stored them twice\n",
                thousands(c.possible_duplicates)
            ));
        }
        let this_run = self.state.committed_line.saturating_sub(self.first_line());
        out.push_str(&format!(
            "  time {:.1} s, {}/s",
            elapsed,
            thousands((this_run as f64 / elapsed.max(0.001)) as u64)
        ));
        if let Some(peak) = peak_rss_kib() {
            out.push_str(&format!(", peak memory {:.1} MiB", peak as f64 / 1024.0));
        }
        out.push('\n');
        out
    }

    fn first_line(&self) -> u64 {
        self.first_line
    }
}

/// Ctrl-C (and SIGTERM): the first stops reading at a line boundary and commits; the second
/// exits at once (every committed line is safe in a spool; a resume goes on).
fn listen_for_interrupts(runtime: &tokio::runtime::Runtime, flag: Arc<AtomicBool>) {
    runtime.spawn(async move {
        loop {
            wait_for_signal().await;
            if flag.swap(true, Ordering::SeqCst) {
                eprintln!("stopped: `--resume` goes on from the last committed line");
                std::process::exit(i32::from(code::INTERRUPTED));
            }
        }
    });
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

/// The process's peak resident memory (Linux's `VmHWM`), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `--dry-run`: every record through the parser and the library's checks, nothing sent.
fn dry_run(mut reader: Reader, args: &ImportArgs) -> CliResult<u8> {
    let blocks = source::spawn(
        &args.file,
        Start {
            offset: 0,
            head_len: 0,
            head_crc: 0,
        },
    )
    .map_err(CliError::failed)?;
    let csv = reader.format == InputFormat::Csv;
    let mut lines = Lines::new(0, 0);
    let mut rows = Rows::new(0, 0);
    let mut counts = Counts::default();
    let mut total = 0_u64;
    let mut fatal = None;
    let mut each = |record: Record<'_>, position: Position| -> Flow {
        match reader.outcome(record) {
            Err(error) => {
                fatal = Some(error);
                return Flow::Stop;
            }
            Ok(None) => {}
            Ok(Some(Outcome::Hit(_))) => counts.accepted += 1,
            Ok(Some(Outcome::Skipped(why))) => *counts.skipped.entry(why).or_default() += 1,
            Ok(Some(Outcome::Bad(why))) => {
                counts.bad += 1;
                println!("line {}: {why}", position.line);
            }
        }
        total = position.next_line - 1;
        Flow::Continue
    };
    loop {
        match blocks.recv() {
            Ok(Input::Block(block)) => {
                let flow = if csv {
                    rows.feed(&block, &mut each)
                } else {
                    lines.feed(&block, &mut each)
                };
                if flow == Flow::Stop {
                    break;
                }
            }
            Ok(Input::End) => {
                if csv {
                    rows.finish(&mut each);
                } else {
                    lines.finish(&mut each);
                }
                break;
            }
            Ok(Input::Failed(why)) => return Err(CliError::failed(why)),
            Err(_) => return Err(CliError::failed("the input's reader stopped")),
        }
    }
    if let Some(error) = fatal {
        return Err(error);
    }
    let skipped: u64 = counts.skipped.values().sum();
    let mut reasons: Vec<String> = counts
        .skipped
        .iter()
        .map(|(why, n)| format!("{why}: {}", thousands(*n)))
        .collect();
    reasons.sort();
    println!(
        "dry run of {}: {} lines, {} to send, {} skipped{}, {} bad",
        args.file.display(),
        thousands(total),
        thousands(counts.accepted),
        thousands(skipped),
        if reasons.is_empty() {
            String::new()
        } else {
            format!(" ({})", reasons.join(", "))
        },
        thousands(counts.bad)
    );
    Ok(if counts.bad > 0 {
        code::FAILED
    } else {
        code::OK
    })
}

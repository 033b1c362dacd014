//! The import's state directory: a lock, `state.json` (the committed input offset and the
//! counts so far, replaced atomically and fsynced), and one spool directory per chunk of
//! lines (`chunk-<offset>`).

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::exit::{CliError, CliResult};

const STATE_FILE: &str = "state.json";
const LOCK_FILE: &str = "lock";
/// Chunk directories are named `chunk-<start offset, 20 digits>` (see `pipeline.rs`).
const CHUNK_PREFIX: &str = "chunk-";
/// The state format; another number is refused rather than misread.
const VERSION: u32 = 1;

/// Counts of lines, kept across a resume.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Counts {
    /// Lines handed to the dispatcher (in its spool).
    pub(crate) accepted: u64,
    /// Lines skipped by a rule, by reason.
    pub(crate) skipped: BTreeMap<String, u64>,
    /// Lines that could not be read or were refused by the library's checks.
    pub(crate) bad: u64,
    /// The first bad lines: line number and why.
    pub(crate) bad_lines: Vec<(u64, String)>,
    /// Delivered to Umami (acknowledged).
    pub(crate) sent: u64,
    /// Not delivered, by reason.
    pub(crate) failed: BTreeMap<String, u64>,
    /// The first messages of failures.
    pub(crate) failure_messages: Vec<String>,
    /// Lines sent again after an attempt whose fate was unknown (possibly stored twice).
    pub(crate) possible_duplicates: u64,
    /// Lines settled (delivered or failed) by an interrupted run that could not count them.
    pub(crate) settled_uncounted: u64,
}

/// What `state.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct State {
    pub(crate) version: u32,
    /// The input, as given (`-` for standard input).
    pub(crate) input: String,
    /// The options that decide which lines are sent and how: a resume must use the same.
    pub(crate) options: String,
    /// Every line before this byte offset is settled, in a chunk's spool, or counted.
    pub(crate) committed_offset: u64,
    /// Lines before `committed_offset`.
    pub(crate) committed_line: u64,
    /// CRC-32 of the input's first `head_len` bytes, to recognise it on resume.
    pub(crate) head_len: u64,
    pub(crate) head_crc: u32,
    /// CSV: the header's fields.
    pub(crate) csv_header: Option<Vec<String>>,
    /// Committed chunks not yet fully delivered: start offset → lines accepted in them.
    pub(crate) open_chunks: BTreeMap<u64, u64>,
    pub(crate) counts: Counts,
}

impl State {
    pub(crate) fn new(input: String, options: String) -> State {
        State {
            version: VERSION,
            input,
            options,
            committed_offset: 0,
            committed_line: 0,
            head_len: 0,
            head_crc: 0,
            csv_header: None,
            open_chunks: BTreeMap::new(),
            counts: Counts::default(),
        }
    }
}

/// An opened, locked state directory.
#[derive(Debug)]
pub(crate) struct StateDir {
    dir: PathBuf,
    _lock: File,
}

impl StateDir {
    /// Creates (if needed) and locks `dir`.
    pub(crate) fn open(dir: &Path) -> CliResult<StateDir> {
        std::fs::create_dir_all(dir).map_err(|e| {
            CliError::failed(format!(
                "cannot create the state directory {}: {e}",
                dir.display()
            ))
        })?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK_FILE))
            .map_err(|e| CliError::failed(format!("cannot lock {}: {e}", dir.display())))?;
        // fs4's call, spelled out: std's inherent `File::try_lock` (1.89+) would shadow it.
        match fs4::FileExt::try_lock(&lock) {
            Ok(()) => {}
            Err(fs4::TryLockError::WouldBlock) => {
                return Err(CliError::failed(format!(
                    "another import is running on {} (its lock is held)",
                    dir.display()
                )));
            }
            Err(fs4::TryLockError::Error(e)) => {
                return Err(CliError::failed(format!(
                    "cannot lock {}: {e}",
                    dir.display()
                )));
            }
        }
        Ok(StateDir {
            dir: dir.to_path_buf(),
            _lock: lock,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.dir
    }

    /// The saved state, if an import left one.
    pub(crate) fn load(&self) -> CliResult<Option<State>> {
        let path = self.dir.join(STATE_FILE);
        let text = match std::fs::read(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(CliError::failed(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
            }
        };
        let state: State = serde_json::from_slice(&text)
            .map_err(|e| CliError::failed(format!("{} is damaged: {e}", path.display())))?;
        if state.version != VERSION {
            return Err(CliError::failed(format!(
                "{} was written by another version of umami (state version {})",
                path.display(),
                state.version
            )));
        }
        Ok(Some(state))
    }

    /// Replaces `state.json` atomically and durably: written to a temporary file, synced,
    /// renamed over the old one, and the directory synced.
    pub(crate) fn save(&self, state: &State) -> CliResult {
        let tmp = self.dir.join("state.json.tmp");
        let bytes = serde_json::to_vec_pretty(state)
            .map_err(|e| CliError::failed(format!("cannot write the import state: {e}")))?;
        let write = || -> std::io::Result<()> {
            let mut file = File::create(&tmp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            std::fs::rename(&tmp, self.dir.join(STATE_FILE))?;
            sync_dir(&self.dir)
        };
        write().map_err(|e| {
            CliError::failed(format!(
                "cannot save the import state in {}: {e}",
                self.dir.display()
            ))
        })
    }

    /// The chunks' spool directories on disk, by start offset.
    pub(crate) fn chunks(&self) -> CliResult<Vec<u64>> {
        let mut out = Vec::new();
        let entries = std::fs::read_dir(&self.dir)
            .map_err(|e| CliError::failed(format!("cannot list {}: {e}", self.dir.display())))?;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(offset) = name
                .to_str()
                .and_then(|n| n.strip_prefix(CHUNK_PREFIX))
                .and_then(|n| n.parse::<u64>().ok())
            else {
                continue;
            };
            out.push(offset);
        }
        out.sort_unstable();
        Ok(out)
    }

    /// Removes everything but the lock: the import is over (or starts over).
    pub(crate) fn clear(&self) -> CliResult {
        let entries = std::fs::read_dir(&self.dir)
            .map_err(|e| CliError::failed(format!("cannot list {}: {e}", self.dir.display())))?;
        for entry in entries.flatten() {
            if entry.file_name() == LOCK_FILE {
                continue;
            }
            let path = entry.path();
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed
                .map_err(|e| CliError::failed(format!("cannot remove {}: {e}", path.display())))?;
        }
        sync_dir(&self.dir).map_err(CliError::from)
    }

    /// Removes the directory itself after [`clear`](Self::clear) (best effort: the lock file
    /// goes last).
    pub(crate) fn remove(self) {
        let _ = std::fs::remove_file(self.dir.join(LOCK_FILE));
        let _ = std::fs::remove_dir(&self.dir);
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The default state directory of an import of `input` for `website`:
/// `$XDG_STATE_HOME/umami/import/<name>-<hash>` (else `~/.local/state/...`), the hash of the
/// input's absolute path and the website id.
pub(crate) fn default_dir(input: &Path, website: &str) -> CliResult<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|home| PathBuf::from(home).join(".local").join("state"))
        })
        .ok_or_else(|| {
            CliError::usage("no HOME or XDG_STATE_HOME for the import's state: pass --state-dir")
        })?;
    let (name, identity) = if input == Path::new("-") {
        ("stdin".to_owned(), "-".to_owned())
    } else {
        let absolute = std::fs::canonicalize(input).unwrap_or_else(|_| input.to_path_buf());
        let name: String = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "input".to_owned())
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .take(64)
            .collect();
        (name, absolute.display().to_string())
    };
    let hash = crc32fast::hash(format!("{identity}\0{website}").as_bytes());
    Ok(base
        .join("umami")
        .join("import")
        .join(format!("{name}-{hash:08x}")))
}

//! The spool directory's lock: one dispatcher per directory, the second gets a clear error.

use std::fs::{File, OpenOptions};

use fs4::TryLockError;
use std::io::Write;
use std::path::Path;

use super::SpoolError;

/// The lock file's name inside the spool directory.
pub(crate) const LOCK_FILE: &str = "LOCK";

/// An exclusive advisory lock on `dir/LOCK`, held for as long as the value lives (the OS
/// releases it when the process dies, even by SIGKILL, so a crash never leaves it stale).
#[derive(Debug)]
pub(crate) struct DirLock {
    _file: File,
}

impl DirLock {
    pub(crate) fn acquire(dir: &Path) -> Result<DirLock, SpoolError> {
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| SpoolError::io("opening the lock file", &path, e))?;
        // fs4's call, spelled out: std's inherent `File::try_lock` (1.89+) would shadow it.
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                return Err(SpoolError::Locked {
                    dir: dir.to_path_buf(),
                    holder: holder.trim().chars().take(64).collect(),
                });
            }
            Err(TryLockError::Error(e)) => {
                return Err(SpoolError::io("locking the lock file", &path, e));
            }
        }
        // Who holds it, for the error the next one gets (best effort: the lock is what counts).
        let _ = file.set_len(0);
        let _ = write!(file, "pid {}", std::process::id());
        Ok(DirLock { _file: file })
    }
}

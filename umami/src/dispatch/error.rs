//! The dispatcher's errors: [`BuildError`] (building it), [`TrackError`] (queueing an event)
//! and [`SpoolError`] (its on-disk spool). A send's [`Error`] is the cause of a
//! [`TrackError::Invalid`] only: nothing of the dispatcher's own is a variant of it.
//!
//! Each error either says its cause in its `Display` or returns it from `source()`, never
//! both: `anyhow`'s `{:#}` and `tracing` print every cause once.

use std::path::{Path, PathBuf};

use crate::error::{Error, ValidationError};

/// Why a dispatcher could not be built: a setting out of range, or a spool that could not be
/// opened. Returned by [`DispatcherBuilder::build`](super::DispatcherBuilder::build).
///
/// ```no_run
/// # async fn demo(client: umami::Client) {
/// use umami::dispatch::BuildError;
/// use umami::dispatch::spool::{SpoolConfig, SpoolError};
///
/// match umami::Dispatcher::builder(client)
///     .spool(SpoolConfig::new("/var/lib/app/umami-spool"))
///     .build()
/// {
///     Ok(dispatcher) => { /* ... */ }
///     Err(BuildError::Spool(SpoolError::Locked { dir, .. })) => {
///         eprintln!("another process sends from {}", dir.display());
///     }
///     Err(e) => eprintln!("umami: {e}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A setting is out of range: which one, what was wrong, and the limit.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The spool could not be opened: its directory is locked by another dispatcher, or a
    /// file operation failed.
    #[error(transparent)]
    Spool(#[from] SpoolError),
    /// [`build`](super::DispatcherBuilder::build) was called outside a tokio runtime: its
    /// worker runs on the runtime that is current then.
    #[error(
        "a Dispatcher built with `build()` runs its worker on the current tokio runtime, and \
         there is none: build it inside one, or use `build_blocking()` for a worker thread of \
         its own"
    )]
    NoRuntime,
    /// [`build_blocking`](super::DispatcherBuilder::build_blocking) could not start the
    /// runtime its worker runs on (its thread); the OS's error is the `source()`.
    #[error("the dispatcher's runtime (its worker thread) could not be started")]
    Runtime(#[source] std::io::Error),
}

/// Why [`Dispatcher::track`](super::Dispatcher::track) (or
/// [`track_hit`](super::Dispatcher::track_hit)) did not accept an event.
///
/// ```no_run
/// # fn demo(dispatcher: umami::Dispatcher) {
/// use umami::dispatch::TrackError;
/// let client = dispatcher.client().clone();
/// match dispatcher.track_hit(client.new_event("Signup")) {
///     Ok(()) => {}
///     Err(TrackError::QueueFull { capacity }) => eprintln!("{capacity} events queued already"),
///     Err(e) => eprintln!("umami: {e}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrackError {
    /// The hit is invalid (or no server is configured): nothing was queued.
    #[error(transparent)]
    Invalid(#[from] Error),
    /// The queue holds `capacity` events already (counted in [`DispatcherStats::dropped`](super::DispatcherStats::dropped)).
    #[error("the Umami dispatcher's queue is full ({capacity} events): event dropped")]
    QueueFull {
        /// The configured capacity.
        capacity: usize,
    },
    /// [`Dispatcher::shutdown`](super::Dispatcher::shutdown) was called, or the worker
    /// stopped because the tokio runtime it ran on shut down: no more events are accepted.
    #[error("the Umami dispatcher is shut down: event not accepted")]
    Closed,
    /// The on-disk spool (`umami::dispatch::spool`) could not write the event (disk error):
    /// nothing was accepted. The cause is the `source()`.
    #[error("the Umami dispatcher's spool could not store the event")]
    Spool(#[source] SpoolError),
}

/// Why a spool could not be opened or written.
///
/// ```
/// # fn demo(err: umami::dispatch::spool::SpoolError) {
/// use umami::dispatch::spool::SpoolError;
/// if let SpoolError::Locked { dir, .. } = &err {
///     eprintln!("another dispatcher uses {}", dir.display());
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpoolError {
    /// Another dispatcher (in this process or another) holds the spool directory.
    #[error("the spool directory {} is in use by another dispatcher ({holder})", dir.display())]
    Locked {
        /// The directory.
        dir: PathBuf,
        /// What the lock file says about its holder (`pid N`), if anything.
        holder: String,
    },
    /// A file operation failed; the OS's error is the `source()`.
    #[error("spool I/O error {what} ({})", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The OS's error.
        #[source]
        source: std::io::Error,
    },
}

impl SpoolError {
    pub(crate) fn io(what: &'static str, path: &Path, source: std::io::Error) -> Self {
        SpoolError::Io {
            what,
            path: path.to_path_buf(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::with_causes;

    #[test]
    fn spool_io_errors_keep_the_os_error_as_their_source() {
        let os = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "access denied");
        let error = SpoolError::io("creating the directory", Path::new("/spool"), os);
        assert_eq!(
            error.to_string(),
            "spool I/O error creating the directory (/spool)"
        );
        let source = std::error::Error::source(&error).unwrap();
        assert_eq!(source.to_string(), "access denied");
        let track = TrackError::Spool(error);
        assert_eq!(
            with_causes(&track),
            "the Umami dispatcher's spool could not store the event: spool I/O error creating \
             the directory (/spool): access denied"
        );
        let build = BuildError::from(SpoolError::io(
            "listing",
            Path::new("/spool"),
            std::io::Error::other("gone"),
        ));
        assert_eq!(
            with_causes(&build),
            "spool I/O error listing (/spool): gone"
        );
    }
}

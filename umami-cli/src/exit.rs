//! The command's errors and exit codes: every failure is one line on stderr, `error: <kind>:
//! <what>`, and the exit code of its kind.

use std::fmt;

/// Exit codes, documented in `umami --help` and the README.
pub(crate) mod code {
    /// Done: stored, imported, read, clean.
    pub const OK: u8 = 0;
    /// Any other error (I/O, an unreadable answer); `import`: a line failed; `plan check`: any
    /// error.
    pub const FAILED: u8 = 1;
    /// `plan check`: the server's data drifted from the plan.
    pub const DRIFT: u8 = 2;
    /// A bad command line or configuration: a flag's value, a missing setting, a bad range.
    pub const USAGE: u8 = 3;
    /// The hit was refused before sending by the library's checks (Umami's own limits).
    pub const VALIDATION: u8 = 4;
    /// Umami's bot filter dropped the hit: nothing was stored.
    pub const BOT_FILTERED: u8 = 5;
    /// Umami does not know the website id.
    pub const UNKNOWN_WEBSITE: u8 = 6;
    /// Umami answered with another error status.
    pub const SERVER: u8 = 7;
    /// No answer: connection refused, TLS, DNS, timeout.
    pub const TRANSPORT: u8 = 8;
    /// Login refused, or a read without credentials.
    pub const AUTH: u8 = 9;
    /// Interrupted (Ctrl-C); an import can continue with `--resume`.
    pub const INTERRUPTED: u8 = 130;
}

/// The exit-code table, for `--help`.
pub(crate) const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    done (stored, imported, read; plan check: no drift)
  1    other error (I/O, unreadable answer); import: a line failed; plan check: any error
  2    plan check: drift between the plan and what Umami stored
  3    bad command line or configuration (a flag's value, a missing setting, a bad range)
  4    validation: the hit was refused before sending (Umami's own limits)
  5    bot-filtered: Umami's bot filter dropped the hit, nothing was stored
  6    unknown website: Umami does not know the website id
  7    server: Umami answered with another error status
  8    transport: no answer (connection refused, TLS, DNS, timeout)
  9    auth: login refused, or credentials missing for a read
  130  interrupted (an import continues with --resume)";

/// What went wrong, with the exit code it maps to.
#[derive(Debug)]
pub(crate) struct CliError {
    kind: Kind,
    message: String,
}

/// The kinds of [`CliError`], one per exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Failed,
    Usage,
    Validation,
    BotFiltered,
    UnknownWebsite,
    Server,
    Transport,
    Auth,
    Interrupted,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Failed => "failed",
            Kind::Usage => "usage",
            Kind::Validation => "validation",
            Kind::BotFiltered => "bot-filtered",
            Kind::UnknownWebsite => "unknown website",
            Kind::Server => "server",
            Kind::Transport => "transport",
            Kind::Auth => "auth",
            Kind::Interrupted => "interrupted",
        }
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            Kind::Failed => code::FAILED,
            Kind::Usage => code::USAGE,
            Kind::Validation => code::VALIDATION,
            Kind::BotFiltered => code::BOT_FILTERED,
            Kind::UnknownWebsite => code::UNKNOWN_WEBSITE,
            Kind::Server => code::SERVER,
            Kind::Transport => code::TRANSPORT,
            Kind::Auth => code::AUTH,
            Kind::Interrupted => code::INTERRUPTED,
        }
    }
}

impl CliError {
    pub(crate) fn new(kind: Kind, message: impl Into<String>) -> Self {
        CliError {
            kind,
            message: message.into(),
        }
    }

    /// A bad command line or configuration.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    /// Any other failure.
    pub(crate) fn failed(message: impl Into<String>) -> Self {
        Self::new(Kind::Failed, message)
    }

    pub(crate) fn kind(&self) -> Kind {
        self.kind
    }

    /// The same error with `context: ` before its message.
    pub(crate) fn context(self, context: impl fmt::Display) -> Self {
        CliError {
            kind: self.kind,
            message: format!("{context}: {}", self.message),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line, whatever the message holds.
        let message = self.message.replace(['\n', '\r'], " ");
        write!(f, "error: {}: {message}", self.kind.label())
    }
}

impl From<umami::Error> for CliError {
    fn from(error: umami::Error) -> Self {
        let kind = match &error {
            umami::Error::Validation(_) => Kind::Validation,
            umami::Error::BotFiltered => Kind::BotFiltered,
            umami::Error::Status {
                status, message, ..
            } => {
                if message.contains("Website not found") {
                    Kind::UnknownWebsite
                } else if *status == 401 || *status == 403 {
                    Kind::Auth
                } else {
                    Kind::Server
                }
            }
            umami::Error::Transport { .. } => Kind::Transport,
            umami::Error::OperationNotAllowed(_) => Kind::Usage,
            _ => Kind::Failed,
        };
        CliError::new(kind, with_causes(&error))
    }
}

impl From<umami::dispatch::BuildError> for CliError {
    fn from(error: umami::dispatch::BuildError) -> Self {
        let kind = match &error {
            umami::dispatch::BuildError::Validation(_) => Kind::Usage,
            _ => Kind::Failed,
        };
        CliError::new(kind, with_causes(&error))
    }
}

/// An error and its causes on one line: the library's errors say each cause once, in their
/// `source()` chain, not in their `Display`.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        text.push_str(": ");
        text.push_str(&next.to_string());
        cause = next.source();
    }
    text
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> Self {
        CliError::failed(with_causes(&error))
    }
}

/// The result of a command.
pub(crate) type CliResult<T = ()> = Result<T, CliError>;

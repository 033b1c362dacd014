//! `umami`, a command line for [Umami](https://umami.is) analytics, built on the
//! `umami-analytics` library: send events, import JSON Lines, CSV and web-server access logs
//! (streamed through the library's dispatcher and its crash-proof spool, resumable), read
//! stats, and check a tracking plan against what Umami stored.
//!
//! Install the binary with `cargo install umami-analytics-cli`; `umami --help` lists every
//! command, setting and exit code. This library exposes the command as a function, [`run`],
//! so that a program (or a test) can run it in-process.

#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

mod api;
mod cli;
mod config;
mod exit;
mod hit;
mod import;
mod output;
mod plan;
mod range;
mod read;
mod send;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use cli::{Cli, Command, Shell};
use config::Settings;
use exit::{CliError, CliResult, code};

/// Runs `umami` with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    ExitCode::from(run(std::env::args_os()))
}

/// Runs `umami` with `args` (the first is the program's name, as in `std::env::args_os`)
/// and returns the exit code, as documented in `umami --help`: 0 done, 1 failed, 2 drift
/// (`plan check`), 3 bad command line or settings, 4 to 9 a refused or failed send or read,
/// 130 interrupted. Errors are printed to stderr as one line.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let usage = error.use_stderr();
            let _ = error.print();
            return if usage { code::USAGE } else { code::OK };
        }
    };
    match execute(cli) {
        Ok(code) => code,
        Err(error) => {
            let _ = std::io::stdout().flush();
            eprintln!("{error}");
            error.kind().code()
        }
    }
}

fn execute(cli: Cli) -> CliResult<u8> {
    if let Command::Completions { shell } = cli.command {
        completions(shell);
        return Ok(code::OK);
    }
    let settings = Settings::load(&cli.global)?;
    match cli.command {
        Command::Send(command) => send::run(&settings, command).map(|()| code::OK),
        Command::Import(args) => import::run(&settings, args),
        Command::Stats(args) => read::stats(&settings, &args).map(|()| code::OK),
        Command::Pageviews(args) => read::pageviews(&settings, &args).map(|()| code::OK),
        Command::Metrics(args) => read::metrics(&settings, &args).map(|()| code::OK),
        Command::Events(args) => read::events(&settings, &args).map(|()| code::OK),
        Command::Active(args) => read::active(&settings, &args).map(|()| code::OK),
        Command::Websites(args) => read::websites(&settings, &args).map(|()| code::OK),
        Command::Plan(command) => Ok(plan::run(&settings, command)),
        Command::Completions { .. } => Ok(code::OK),
    }
}

fn completions(shell: Shell) {
    let mut command = Cli::command();
    let mut out = std::io::stdout();
    match shell {
        Shell::Bash => {
            clap_complete::generate(clap_complete::Shell::Bash, &mut command, "umami", &mut out)
        }
        Shell::Zsh => {
            clap_complete::generate(clap_complete::Shell::Zsh, &mut command, "umami", &mut out)
        }
        Shell::Fish => {
            clap_complete::generate(clap_complete::Shell::Fish, &mut command, "umami", &mut out)
        }
    }
}

/// A tokio runtime for the command's I/O.
pub(crate) fn runtime() -> CliResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::failed(format!("cannot start the async runtime: {e}")))
}

//! The progress bar on stderr (off when stderr is not a terminal): bytes read of the input,
//! lines read, sent and failed, the rate and the time left.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often the bar is redrawn at most.
const EVERY: Duration = Duration::from_millis(200);

#[derive(Debug)]
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    last: Instant,
    /// Lines read when this run started (a resume starts past the first).
    base_lines: u64,
}

impl Progress {
    /// A bar for an input of `size` bytes (unknown for standard input) that starts at
    /// `offset`, or nothing when `enabled` is false or stderr is not a terminal.
    pub(crate) fn new(enabled: bool, size: Option<u64>, offset: u64, base_lines: u64) -> Progress {
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| match size {
            Some(size) => {
                let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template("{bar:30} {percent:>3}% {msg} · ETA {eta}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                bar.set_position(offset);
                bar
            }
            None => {
                let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar
            }
        });
        let now = Instant::now();
        Progress {
            bar,
            started: now,
            last: now,
            base_lines,
        }
    }

    /// Redraws (at most every 200 ms).
    pub(crate) fn update(&mut self, offset: u64, lines: u64, sent: u64, failed: u64) {
        let Some(bar) = &self.bar else { return };
        if self.last.elapsed() < EVERY {
            return;
        }
        self.last = Instant::now();
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = (lines.saturating_sub(self.base_lines)) as f64 / secs;
        bar.set_position(offset);
        bar.set_message(format!(
            "{} lines read · {} sent · {} failed · {}/s",
            thousands(lines),
            thousands(sent),
            thousands(failed),
            thousands(rate as u64)
        ));
    }

    /// Prints a line above the bar (or to stderr).
    pub(crate) fn println(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    /// Removes the bar.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_separated() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1_000), "1,000");
        assert_eq!(super::thousands(1_234_567), "1,234,567");
    }
}

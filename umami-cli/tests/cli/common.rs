//! What the tests share: the real `umami` binary, run with a clean environment against an
//! in-process `umami_test::Collector` over real HTTP, and scratch directories.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use umami_test::Collector;

pub const WEBSITE: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";
pub const HOSTNAME: &str = "cli.example.com";
pub const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";

/// A collector serving on a runtime of its own, for as long as the value lives.
pub struct Server {
    pub collector: Collector,
    runtime: tokio::runtime::Runtime,
}

impl Server {
    pub fn start() -> Server {
        Self::with(Collector::builder().website(WEBSITE))
    }

    pub fn with(builder: umami_test::CollectorBuilder) -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let collector = runtime.block_on(builder.start()).expect("collector");
        Server { collector, runtime }
    }

    pub fn url(&self) -> &str {
        self.collector.url()
    }

    /// Waits until `n` hits are stored.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<umami_test::Hit> {
        match self
            .runtime
            .block_on(self.collector.wait_for_hits(n, timeout))
        {
            Ok(hits) => hits,
            Err(e) => panic!("{e}"),
        }
    }
}

/// A fresh directory for one test, under the target directory (a run leaves nothing in the
/// system's temporary directory; the next run starts it afresh).
pub fn scratch(name: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-{name}-{}",
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The binary, with no setting from the outside world: HOME and the XDG directories point
/// into `home`, no `UMAMI_*` variable is inherited.
pub fn umami(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_umami"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("UMAMI_") {
            command.env_remove(&key);
        }
    }
    command
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .stdin(Stdio::null());
    command
}

/// The binary with a server, website and hostname set through variables.
pub fn umami_at(home: &Path, url: &str) -> Command {
    let mut command = umami(home);
    command
        .env("UMAMI_URL", url)
        .env("UMAMI_WEBSITE_ID", WEBSITE)
        .env("UMAMI_HOSTNAME", HOSTNAME);
    command
}

/// Runs a command and returns (exit code, stdout, stderr).
pub fn run(command: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the umami binary runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

//! The command line: every subcommand, flag and help text (clap's derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit::EXIT_CODES_HELP;

/// Where settings come from, printed under every command's help.
pub(crate) const SETTINGS_HELP: &str = "\
Settings (a flag wins over a variable, a variable over the config file):
  --server      UMAMI_URL          Umami's root URL, e.g. https://umami.example.com (no /api)
  --website-id  UMAMI_WEBSITE_ID   the website's id (a UUID)
  --hostname    UMAMI_HOSTNAME     the hostname hits are recorded for, e.g. example.com
                UMAMI_API_KEY      Umami Cloud API key (instead of --server; never printed)
                UMAMI_CLOUD_REGION Umami Cloud region: us or eu (optional)
  --username    UMAMI_USERNAME     login for reads (self-hosted)
                UMAMI_PASSWORD     password for reads (never printed; no flag: flags show in `ps`)
  --config      UMAMI_CONFIG       a TOML file with the same keys: url, website_id, hostname,
                                   api_key, username, password, cloud_region (us|eu)
                                   default: $XDG_CONFIG_HOME/umami/config.toml
                                   (~/.config/umami/config.toml), read when it exists";

fn after_help() -> String {
    format!("{SETTINGS_HELP}\n\n{EXIT_CODES_HELP}")
}

/// Send events to Umami, import logs and exports, read stats, check a tracking plan.
#[derive(Debug, Parser)]
#[command(
    name = "umami",
    version,
    about = "Umami analytics from the command line: send events, import logs and exports \
             (resumable), read stats, check a tracking plan",
    after_help = after_help(),
    propagate_version = true,
    max_term_width = 100
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Settings shared by every command.
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// Umami's root URL, e.g. https://umami.example.com [env: UMAMI_URL]
    #[arg(long, global = true, value_name = "URL", help_heading = "Settings")]
    pub(crate) server: Option<String>,
    /// The website's id, a UUID [env: UMAMI_WEBSITE_ID]
    #[arg(long, global = true, value_name = "UUID", help_heading = "Settings")]
    pub(crate) website_id: Option<String>,
    /// The hostname hits are recorded for, e.g. example.com [env: UMAMI_HOSTNAME]
    #[arg(long, global = true, value_name = "HOST", help_heading = "Settings")]
    pub(crate) hostname: Option<String>,
    /// Login name for reads; the password comes from UMAMI_PASSWORD or the config file
    /// [env: UMAMI_USERNAME]
    #[arg(long, global = true, value_name = "NAME", help_heading = "Settings")]
    pub(crate) username: Option<String>,
    /// A TOML config file [env: UMAMI_CONFIG; default: ~/.config/umami/config.toml]
    #[arg(long, global = true, value_name = "FILE", help_heading = "Settings")]
    pub(crate) config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
#[expect(
    clippy::large_enum_variant,
    reason = "parsed once per run; boxing would only add indirection"
)]
pub(crate) enum Command {
    /// Send one hit: an event, a page view, a revenue event or an identify
    #[command(subcommand, after_help = after_help())]
    Send(SendCommand),
    /// Import hits from JSON Lines, CSV or a web server's access log (resumable)
    #[command(after_help = import_help())]
    Import(ImportArgs),
    /// Totals: page views, visitors, visits, bounces, time on site
    #[command(after_help = after_help())]
    Stats(ReadArgs),
    /// Page views and sessions per time bucket (--unit)
    #[command(after_help = after_help())]
    Pageviews(ReadArgs),
    /// The top values of one kind: paths, referrers, browsers, events...
    #[command(after_help = after_help())]
    Metrics(MetricsArgs),
    /// The latest events and page views, newest first
    #[command(after_help = after_help())]
    Events(EventsArgs),
    /// Visitors on the site in the last 5 minutes
    #[command(after_help = after_help())]
    Active(FormatArgs),
    /// The websites the login (or API key) can see
    #[command(after_help = after_help())]
    Websites(FormatArgs),
    /// A tracking plan exported with `umami::plan::Plan::to_json`: show it, check it
    #[command(subcommand, after_help = after_help())]
    Plan(PlanCommand),
    /// Print a shell completion script: `umami completions bash > ~/.local/share/bash-completion/completions/umami`
    Completions {
        /// The shell
        shell: Shell,
    },
}

/// Shells `completions` writes for.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SendCommand {
    /// A custom event: `umami send event Signup --data plan=pro --id user-42`
    #[command(after_help = after_help())]
    Event {
        /// The event name (at most 50 characters)
        name: String,
        /// The page's path or URL (default /)
        #[arg(long, value_name = "URL", help_heading = "Hit")]
        url: Option<String>,
        #[command(flatten)]
        hit: HitArgs,
        #[command(flatten)]
        data: DataArgs,
    },
    /// A page view: `umami send pageview /pricing --title Pricing`
    #[command(after_help = after_help())]
    Pageview {
        /// The page's path or URL
        url: String,
        #[command(flatten)]
        hit: HitArgs,
    },
    /// A revenue event: `umami send revenue 19.99 USD --name checkout`
    #[command(after_help = after_help())]
    Revenue {
        /// The amount (a number, at least 0)
        amount: f64,
        /// The currency, e.g. USD
        currency: String,
        /// The event name
        #[arg(long, default_value = "revenue")]
        name: String,
        /// The page's path or URL (default /)
        #[arg(long, value_name = "URL", help_heading = "Hit")]
        url: Option<String>,
        #[command(flatten)]
        hit: HitArgs,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Ties the visitor's session to a user id, with session data: `umami send identify user-42 --data plan=pro`
    #[command(after_help = after_help())]
    Identify {
        /// The user's id (at most 50 characters)
        #[arg(value_name = "ID")]
        user: String,
        /// The page's path or URL (default /)
        #[arg(long, value_name = "URL", help_heading = "Hit")]
        url: Option<String>,
        #[command(flatten)]
        hit: HitArgs,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// The fields every hit may carry.
#[derive(Debug, Args)]
pub(crate) struct HitArgs {
    /// The title (default: the event name)
    #[arg(long, help_heading = "Hit")]
    pub(crate) title: Option<String>,
    /// The user's distinct id (at most 50 characters)
    #[arg(long = "id", value_name = "ID", help_heading = "Hit")]
    pub(crate) distinct_id: Option<String>,
    /// When it happened: Unix seconds or RFC 3339 (2026-11-30T12:00:00Z); default: now
    #[arg(long, value_name = "TIME", help_heading = "Hit")]
    pub(crate) timestamp: Option<String>,
    /// The referrer URL
    #[arg(long, help_heading = "Hit")]
    pub(crate) referrer: Option<String>,
    /// A free tag (at most 50 characters)
    #[arg(long, help_heading = "Hit")]
    pub(crate) tag: Option<String>,
    /// The visitor's language, e.g. de-CH (default en-US)
    #[arg(long, help_heading = "Hit")]
    pub(crate) language: Option<String>,
    /// The visitor's screen, e.g. 1280x720 (default 1920x1080)
    #[arg(long, help_heading = "Hit")]
    pub(crate) screen: Option<String>,
    /// The visitor's IP address
    #[arg(long, help_heading = "Hit")]
    pub(crate) ip: Option<String>,
    /// The visitor's User-Agent (default: this tool's, which passes the bot filter)
    #[arg(long, help_heading = "Hit")]
    pub(crate) user_agent: Option<String>,
    /// Print the server's answer as JSON instead of one line
    #[arg(long, help_heading = "Output")]
    pub(crate) json: bool,
}

/// Custom data.
#[derive(Debug, Args)]
pub(crate) struct DataArgs {
    /// A data key and value, repeatable: numbers, true/false and null are typed as in JSON,
    /// anything else is a string ("3" in quotes is a string)
    #[arg(long = "data", value_name = "KEY=VALUE", help_heading = "Data")]
    pub(crate) pairs: Vec<String>,
    /// The data as a JSON object; --data pairs are added to it
    #[arg(long, value_name = "JSON", help_heading = "Data")]
    pub(crate) data_json: Option<String>,
}

/// Input formats of `import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InputFormat {
    /// One hit per line: {"type":"event","payload":{...}} or the flat shape
    Jsonl,
    /// A header line, then one hit per row; columns named after the fields (or --map)
    Csv,
    /// nginx/Apache "combined" access log: page views
    Combined,
}

impl InputFormat {
    pub(crate) fn name(self) -> &'static str {
        match self {
            InputFormat::Jsonl => "jsonl",
            InputFormat::Csv => "csv",
            InputFormat::Combined => "combined",
        }
    }
}

/// Which part of a logged request's query string is kept in the page view's url.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum QueryArg {
    /// Only utm_* parameters (Umami's campaign reports read them); the web layer's default
    Utm,
    /// No query string
    Strip,
    /// The whole query string
    Keep,
}

fn import_help() -> String {
    format!(
        "\
Formats (--format, else from the file's extension: .jsonl/.ndjson, .csv, .log):
  jsonl     one hit per line, the wire shape {{\"type\":\"event\",\"payload\":{{...}}}} or the flat
            shape {{\"name\":\"Signup\",\"url\":\"/\",\"data\":{{...}},\"timestamp\":1764547200}}:
            the payload's keys at the top level, \"type\" optional (event with a name,
            else pageview; or identify, revenue with \"revenue\" and \"currency\",
            performance), \"timestamp\" Unix seconds or RFC 3339
  csv       a header line naming each column's field: type, name, url, title, referrer,
            hostname, language, screen, tag, id, ip, userAgent, timestamp, website,
            revenue, currency, browser, os, device, lcp, inp, cls, fcp, ttfb, or data.KEY
            (typed as --data); rename with --map column=field, ignore with --map column=-
  combined  nginx/Apache combined log: page views of GET/HEAD requests answered 2xx/304,
            no assets, no bots, with the line's IP, User-Agent, referrer and time

Every line keeps its own time. The import runs through a spool in --state-dir: after an
interruption (Ctrl-C, kill -9, a crash) `umami import FILE --resume` goes on where it
stopped, each line stored once. The report lists lines skipped by rule and failed lines
(with their numbers); the exit code is 1 when a line failed.

{}",
        after_help()
    )
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The file to import, or - for standard input
    #[arg(value_name = "FILE|-")]
    pub(crate) file: PathBuf,
    /// The input format (default: from the file's extension)
    #[arg(long, value_enum)]
    pub(crate) format: Option<InputFormat>,
    /// CSV: read column COLUMN as FIELD (a field name, data.KEY, or - to ignore it); repeatable
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub(crate) map: Vec<String>,
    /// Continue an interrupted import of the same input from where it stopped
    #[arg(long, conflicts_with = "restart")]
    pub(crate) resume: bool,
    /// Drop the state of an interrupted import of this input (and its undelivered lines),
    /// then start over
    #[arg(long)]
    pub(crate) restart: bool,
    /// Check every line with the library's own checks, send nothing, list the bad lines
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Where the import keeps its spool and progress [default: $XDG_STATE_HOME/umami/import/<input>]
    #[arg(long, value_name = "DIR")]
    pub(crate) state_dir: Option<PathBuf>,
    /// No progress bar (it is off anyway when stderr is not a terminal)
    #[arg(long)]
    pub(crate) no_progress: bool,
    /// combined: never count this exact path (e.g. /healthz); repeatable
    #[arg(long, value_name = "PATH")]
    pub(crate) exclude_path: Vec<String>,
    /// combined: never count paths starting with this (e.g. /api/); repeatable
    #[arg(long, value_name = "PREFIX")]
    pub(crate) exclude_prefix: Vec<String>,
    /// combined: which part of the query string the url keeps
    #[arg(long, value_enum, default_value = "utm")]
    pub(crate) query: QueryArg,
    /// How many bad lines the report lists (all are counted)
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub(crate) list: usize,
}

/// Output formats of the read commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Aligned columns
    Table,
    /// JSON
    Json,
    /// CSV with a header line
    Csv,
}

#[derive(Debug, Args)]
pub(crate) struct FormatArgs {
    /// How to print the answer
    #[arg(long, value_enum, default_value = "table")]
    pub(crate) format: OutputFormat,
}

#[derive(Debug, Args)]
pub(crate) struct ReadArgs {
    /// today, yesterday, 7d, 30d (any Nd or Nh), a day 2026-11-01, or days 2026-11-01..2026-11-30
    #[arg(long, default_value = "7d", value_name = "RANGE")]
    pub(crate) range: String,
    /// pageviews: the bucket, minute|hour|day|month|year (default: by the range's length)
    #[arg(long, value_name = "UNIT")]
    pub(crate) unit: Option<String>,
    /// The timezone of days and buckets, e.g. Europe/Berlin [default: UTC]
    #[arg(long, value_name = "TZ")]
    pub(crate) timezone: Option<String>,
    #[command(flatten)]
    pub(crate) format: FormatArgs,
}

#[derive(Debug, Args)]
pub(crate) struct MetricsArgs {
    /// What to rank: path, entry, exit, referrer, domain, title, query, event, tag, hostname,
    /// utmSource, utmMedium, utmCampaign, utmContent, utmTerm, browser, os, device, screen,
    /// language, country, region, city, distinctId, channel
    #[arg(value_name = "TYPE")]
    pub(crate) kind: String,
    /// At most this many rows
    #[arg(long, default_value_t = 10)]
    pub(crate) limit: u64,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
}

#[derive(Debug, Args)]
pub(crate) struct EventsArgs {
    /// At most this many rows, newest first
    #[arg(long, default_value_t = 20)]
    pub(crate) limit: u64,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum PlanCommand {
    /// Print the plan as a Markdown table
    Show {
        /// The plan, as `umami::plan::Plan::to_json` writes it
        plan: PathBuf,
    },
    /// Compare the plan with what Umami stored: exit 0 clean, 2 drift, 1 error
    #[command(after_help = after_help())]
    Check {
        /// The plan, as `umami::plan::Plan::to_json` writes it
        plan: PathBuf,
        /// The stored data to compare with: as for `umami stats`
        #[arg(long, default_value = "7d", value_name = "RANGE")]
        range: String,
        /// The timezone of the range's days [default: UTC]
        #[arg(long, value_name = "TZ")]
        timezone: Option<String>,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
}

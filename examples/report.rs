//! Prints your Umami websites and today's numbers (since 00:00 UTC) as a small table, with the
//! blocking API: no async runtime in sight.
//!
//! ```text
//! # self-hosted
//! UMAMI_URL=https://umami.example.com UMAMI_USERNAME=admin UMAMI_PASSWORD=... \
//!     cargo run --example report
//! # Umami Cloud (UMAMI_REGION is optional: us or eu)
//! UMAMI_API_KEY=api_... UMAMI_REGION=eu cargo run --example report
//! ```
//!
//! Without any of these variables it prints this usage and exits with status 0 (so that
//! running every example is harmless); with an incomplete set it says what is missing and
//! exits with status 2. Errors from the server exit with status 1. Stats are fetched for at
//! most 25 websites (Umami Cloud allows 50 calls per 15 s).

use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use umami::blocking::Client;
use umami::{CloudRegion, WebsiteStats};

const USAGE: &str = "\
report: prints your Umami websites and today's stats.

Set either (self-hosted)
    UMAMI_URL        root of your Umami, e.g. https://umami.example.com
    UMAMI_USERNAME   a user allowed to read the websites
    UMAMI_PASSWORD   its password
or (Umami Cloud)
    UMAMI_API_KEY    an API key from Settings > API keys
    UMAMI_REGION     optional: us or eu

then: cargo run --example report";

/// How many websites get a stats call.
const MAX_STATS: usize = 25;

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn connect() -> Result<Option<Client>, String> {
    if let Some(key) = var("UMAMI_API_KEY") {
        let mut builder = Client::builder().cloud_api_key(key);
        match var("UMAMI_REGION")
            .map(|r| r.trim().to_ascii_lowercase())
            .as_deref()
        {
            None => {}
            Some("us") => builder = builder.cloud_region(CloudRegion::Us),
            Some("eu") => builder = builder.cloud_region(CloudRegion::Eu),
            Some(other) => return Err(format!("UMAMI_REGION must be us or eu, not {other:?}")),
        }
        return builder.build().map(Some).map_err(|e| e.to_string());
    }
    let (url, username, password) = (
        var("UMAMI_URL"),
        var("UMAMI_USERNAME"),
        var("UMAMI_PASSWORD"),
    );
    if url.is_none() && username.is_none() && password.is_none() {
        return Ok(None);
    }
    let missing: Vec<&str> = [
        ("UMAMI_URL", url.is_none()),
        ("UMAMI_USERNAME", username.is_none()),
        ("UMAMI_PASSWORD", password.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, absent)| absent.then_some(name))
    .collect();
    let (Some(url), Some(username), Some(password)) = (url, username, password) else {
        return Err(format!("missing {}\n\n{USAGE}", missing.join(", ")));
    };
    let client = Client::builder()
        .url_base(url)
        .build()
        .map_err(|e| e.to_string())?;
    let user = client
        .login(&username, &password)
        .map_err(|e| format!("login failed: {e}"))?;
    eprintln!("logged in as {}", user.username);
    Ok(Some(client))
}

fn start_of_today_utc(now: SystemTime) -> SystemTime {
    let secs = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    UNIX_EPOCH + Duration::from_secs(secs - secs % 86_400)
}

fn cells(stats: &WebsiteStats) -> [String; 5] {
    let per_visit = |total: u64| match stats.visits {
        0 => "-".to_owned(),
        visits => format!("{}", total / visits),
    };
    let bounce = match stats.visits {
        0 => "-".to_owned(),
        visits => format!("{:.0}%", stats.bounces as f64 * 100.0 / visits as f64),
    };
    [
        stats.pageviews.to_string(),
        stats.visitors.to_string(),
        stats.visits.to_string(),
        bounce,
        per_visit(stats.totaltime),
    ]
}

fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut clipped: String = text.chars().take(width - 1).collect();
        clipped.push('…');
        clipped
    }
}

fn run(client: &Client) -> Result<(), String> {
    if !client.heartbeat() {
        return Err(format!(
            "{} does not answer the heartbeat",
            client.management_api_root()
        ));
    }
    let websites = client.websites().map_err(|e| e.to_string())?;
    let now = SystemTime::now();
    let start = start_of_today_utc(now);
    println!(
        "{} website(s); today's stats since 00:00 UTC\n",
        websites.len()
    );
    println!(
        "{:<24} {:<28} {:>8} {:>8} {:>7} {:>7} {:>10}",
        "website", "domain", "views", "visitors", "visits", "bounce", "s/visit"
    );
    println!("{}", "-".repeat(98));
    for (index, site) in websites.iter().enumerate() {
        let numbers = if index < MAX_STATS {
            match client.website_stats(start, now).website_id(&site.id).send() {
                Ok(stats) => cells(&stats),
                Err(e) => {
                    eprintln!("stats of {}: {e}", site.name);
                    std::array::from_fn(|_| "?".to_owned())
                }
            }
        } else {
            std::array::from_fn(|_| "…".to_owned())
        };
        println!(
            "{:<24} {:<28} {:>8} {:>8} {:>7} {:>7} {:>10}",
            clip(&site.name, 24),
            clip(site.domain.as_deref().unwrap_or("-"), 28),
            numbers[0],
            numbers[1],
            numbers[2],
            numbers[3],
            numbers[4],
        );
    }
    if websites.len() > MAX_STATS {
        println!("\n(stats shown for the first {MAX_STATS} websites)");
    }
    Ok(())
}

fn main() -> ExitCode {
    let client = match connect() {
        Ok(Some(client)) => client,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("report: {message}");
            return ExitCode::from(2);
        }
    };
    match run(&client) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("report: {message}");
            ExitCode::FAILURE
        }
    }
}

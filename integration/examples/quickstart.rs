//! Sends the seed's example event with the module-level API.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//! starts the embedded `umami_test` collector (an Umami-compatible server on 127.0.0.1),
//! sends the event to it and prints what it received. To send to a real Umami instead:
//! ```text
//! UMAMI_URL=https://umami.example.com \
//! UMAMI_WEBSITE_ID=978435e2-7ba1-4337-9860-ec31ece2db60 \
//! UMAMI_HOSTNAME=example.com \
//! cargo run --example quickstart
//! ```
//! (`UMAMI_HOSTNAME` is optional: `example.com` by default).

use std::process::ExitCode;

use serde_json::json;
use umami_test::Collector;

/// The seed's example website id, used with the embedded collector.
const EXAMPLE_WEBSITE_ID: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let url = env("UMAMI_URL");
    let website_id = env("UMAMI_WEBSITE_ID");
    let hostname = env("UMAMI_HOSTNAME").unwrap_or_else(|| "example.com".to_owned());

    // Keep the collector alive until the end: dropping it stops the server.
    let collector = match (url, website_id) {
        (Some(url), Some(website_id)) => {
            println!("Sending to the Umami at {url}");
            umami::set_url_base(&url)?;
            umami::set_website_id(&website_id);
            None
        }
        (None, None) => {
            let collector = Collector::start().await?;
            println!(
                "UMAMI_URL and UMAMI_WEBSITE_ID are not set: sending to the embedded collector at {}",
                collector.url()
            );
            umami::set_url_base(collector.url())?;
            umami::set_website_id(EXAMPLE_WEBSITE_ID);
            Some(collector)
        }
        (Some(_), None) => return Err("UMAMI_URL is set but UMAMI_WEBSITE_ID is not".into()),
        (None, Some(_)) => return Err("UMAMI_WEBSITE_ID is set but UMAMI_URL is not".into()),
    };
    umami::set_hostname(&hostname);

    // The seed's example event.
    let response = umami::new_event("Purchase-Course")
        .url("/checkout")
        .custom_data(json!({"plan": "pro"}))
        .send()
        .await?;

    if let Some(collector) = &collector {
        for hit in collector.hits() {
            println!("\nThe collector received {} {}", hit.method(), hit.path());
            println!("User-Agent: {}", hit.user_agent_header().unwrap_or(""));
            println!("{}", serde_json::to_string_pretty(hit.body())?);
        }
    }
    let who = if collector.is_some() {
        "The collector"
    } else {
        "Umami"
    };
    println!("\n{who} answered:");
    println!("{}", serde_json::to_string_pretty(response.json())?);
    Ok(())
}

/// A non-blank environment variable.
fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

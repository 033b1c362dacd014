//! Fire-and-forget tracking with the background dispatcher.
//!
//! ```text
//! cargo run --example dispatcher
//! ```
//!
//! Without configuration it starts the in-process test collector (`umami_test::Collector`,
//! which answers like Umami 3.1) and checks at the end that the collector stored exactly what
//! the dispatcher reports as sent. To send to a real Umami instead:
//!
//! ```text
//! UMAMI_URL=https://umami.example.com \
//! UMAMI_WEBSITE_ID=978435e2-7ba1-4337-9860-ec31ece2db60 \
//! cargo run --example dispatcher
//! ```

use std::time::Duration;

use serde_json::json;
use umami::dispatch::TrackError;
use umami::{Client, Dispatcher, UmamiEvent};
use umami_test::Collector;

/// A typed event: its fields become the custom data, `user` the distinct id.
#[derive(UmamiEvent)]
#[umami(name = "Purchase-Course", url = "/checkout")]
struct Purchase {
    #[umami(distinct_id)]
    user: String,
    plan: &'static str,
    cents: u64,
}

const EVENTS: u32 = 300;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, collector) = match (
        std::env::var("UMAMI_URL"),
        std::env::var("UMAMI_WEBSITE_ID"),
    ) {
        (Ok(url), Ok(website_id)) => {
            let client = Client::builder()
                .url_base(url)
                .website_id(website_id)
                .hostname("example.com")
                .build()?;
            (client, None)
        }
        _ => {
            let collector = Collector::start().await?;
            println!(
                "UMAMI_URL / UMAMI_WEBSITE_ID not set: sending to a local test collector at {}",
                collector.url()
            );
            let client = collector
                .client_builder()
                .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
                .hostname("example.com")
                .build()?;
            (client, Some(collector))
        }
    };

    let dispatcher = Dispatcher::builder(client.clone())
        .flush_interval(Duration::from_millis(200))
        .build()?;

    // What request handlers do: validate and queue, no waiting on the network.
    for i in 0..EVENTS {
        let outcome = match i % 3 {
            0 => dispatcher.track(&Purchase {
                user: format!("user-{}", i % 7),
                plan: if i % 2 == 0 { "pro" } else { "team" },
                cents: 1_900 + u64::from(i),
            }),
            1 => dispatcher.track_hit(
                client
                    .new_event("Download")
                    .url("/files")
                    .custom_data(json!({"file": format!("report-{i}.pdf")})),
            ),
            _ => dispatcher.track_hit(client.new_page_view("Pricing", "/pricing")),
        };
        match outcome {
            Ok(()) => {}
            Err(TrackError::QueueFull { .. }) => eprintln!("queue full: event dropped"),
            Err(e) => return Err(e.into()),
        }
    }
    // A mistake is caught at once, before anything is queued.
    if let Err(e) = dispatcher.track_hit(client.new_event("")) {
        println!("refused at track time: {e}");
    }

    dispatcher.flush().await;
    println!("after flush: {:?}", dispatcher.stats());

    let report = dispatcher.shutdown(Duration::from_secs(10)).await;
    println!("{report}");
    for failure in &report.stats.recent_failures {
        println!(
            "  {} x{}: {}",
            failure.reason, failure.events, failure.message
        );
    }

    if let Some(collector) = collector {
        let stored = collector.hits().len() as u64;
        println!(
            "the collector stored {stored} hits; the dispatcher reports {} sent",
            report.stats.sent
        );
        collector.shutdown().await;
        if stored != report.stats.sent || stored != u64::from(EVENTS) {
            return Err(format!(
                "mismatch: {EVENTS} tracked, {} reported sent, {stored} stored",
                report.stats.sent
            )
            .into());
        }
    }
    Ok(())
}

//! Fire-and-forget tracking with the background dispatcher.
//!
//! ```text
//! UMAMI_URL=https://umami.example.com \
//! UMAMI_WEBSITE_ID=978435e2-7ba1-4337-9860-ec31ece2db60 \
//! cargo run --example dispatcher
//! ```
//!
//! Without the two variables it prints this usage and exits.

use std::time::Duration;

use serde_json::json;
use umami::dispatch::TrackError;
use umami::{Client, Dispatcher};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Ok(url), Ok(website_id)) = (
        std::env::var("UMAMI_URL"),
        std::env::var("UMAMI_WEBSITE_ID"),
    ) else {
        eprintln!(
            "usage: UMAMI_URL=https://umami.example.com UMAMI_WEBSITE_ID=<uuid> \
             cargo run --example dispatcher"
        );
        return Ok(());
    };

    let client = Client::builder()
        .url_base(url)
        .website_id(website_id)
        .hostname("example.com")
        .build()?;
    let dispatcher = Dispatcher::builder(client.clone())
        .flush_interval(Duration::from_millis(500))
        .build()?;

    // What a request handler does: validate and queue, no waiting on the network.
    for i in 0..20_u32 {
        let hit = client
            .new_event("Purchase-Course")
            .url("/checkout")
            .custom_data(json!({"plan": "pro", "attempt": i}))
            .distinct_id(format!("user-{}", i % 4));
        match dispatcher.track(hit) {
            Ok(()) => {}
            Err(TrackError::QueueFull { .. }) => eprintln!("queue full: event dropped"),
            Err(e) => return Err(e.into()),
        }
    }
    // A mistake is caught at once, before anything is queued.
    if let Err(e) = dispatcher.track(client.new_event("")) {
        println!("refused: {e}");
    }

    dispatcher.flush().await;
    println!("after flush: {:?}", dispatcher.stats());

    // Direct sends that keep one visitor's cache token from hit to hit.
    let visitor = client.visitor("user-0");
    visitor.send(visitor.new_page_view("Home", "/")).await?;
    visitor.send(visitor.new_event("Signup")).await?;

    let report = dispatcher.shutdown(Duration::from_secs(10)).await;
    println!("{report}");
    for failure in &report.stats.recent_failures {
        println!(
            "  {} x{}: {}",
            failure.reason, failure.events, failure.message
        );
    }
    Ok(())
}

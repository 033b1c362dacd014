//! The tracking plan of the example events, read from their types: a Markdown table for
//! analysts, the JSON Schema of each event's data, then the drift report against a server.
//!
//! ```text
//! cargo run --example tracking_plan
//! ```
//!
//! With `UMAMI_URL`, `UMAMI_WEBSITE_ID`, `UMAMI_USERNAME` and `UMAMI_PASSWORD` set, the drift
//! report is of that server's last 7 days. Without, it starts the embedded collector, sends
//! a few planned events and one drifting one (`priceCents` as text, an unplanned key), and
//! reports on that.

use umami::UmamiEvent;
use umami::plan::Plan;
use umami_test::Collector;

const WEBSITE_ID: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";

/// The same events as `examples/typed_events.rs`.
#[derive(UmamiEvent)]
#[umami(name = "Purchase-Course", url = "/courses/{course}/checkout")]
struct PurchaseCourse {
    course: String,
    plan: String,
    #[umami(rename = "priceCents")]
    price_cents: u32,
    coupon: Option<String>,
    #[umami(distinct_id)]
    user_id: u64,
}

/// An enum schema: each variant is an event.
#[derive(UmamiEvent)]
#[umami(url = "/app", rename_all = "camelCase")]
#[expect(dead_code, reason = "only described here; typed_events.rs sends them")]
enum AppEvent {
    #[umami(name = "app-opened")]
    Opened,
    #[umami(name = "search", url = "/search")]
    Searched {
        query_text: String,
        result_count: u32,
    },
    Purchase(PurchaseCourse),
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let plan = Plan::new().event::<AppEvent>()?;
    println!("# Tracking plan\n\n{}", plan.to_markdown());
    for event in plan.events() {
        let schema = serde_json::to_string_pretty(&event.json_schema())?;
        println!(
            "## JSON Schema of `{}`\n\n```json\n{schema}\n```\n",
            event.name
        );
    }

    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let range = umami::TimeRange::last_days(7);
    let report = match (env("UMAMI_URL"), env("UMAMI_WEBSITE_ID")) {
        (Some(url), Some(website)) => {
            let client = umami::Client::builder()
                .url_base(url)
                .website_id(website)
                .build()?;
            let user = env("UMAMI_USERNAME").unwrap_or_else(|| "admin".to_owned());
            let password = env("UMAMI_PASSWORD").ok_or("set UMAMI_PASSWORD to log in")?;
            client.login(&user, &password).await?;
            plan.check(&client, range.start, range.end).await?
        }
        _ => {
            let collector = Collector::start().await?;
            let client = umami::Client::builder()
                .url_base(collector.url())
                .website_id(WEBSITE_ID)
                .hostname("example.com")
                .build()?;
            client.send_event(&AppEvent::Opened).await?;
            client
                .send_event(&AppEvent::Searched {
                    query_text: "rust".into(),
                    result_count: 3,
                })
                .await?;
            // Another client of the same site, drifting from the plan.
            client
                .new_event("Purchase-Course")
                .custom_data(serde_json::json!({"course": "rust-101", "plan": "pro", "priceCents": "4900", "voucher": "X1"}))
                .send()
                .await?;
            client.login("admin", "umami").await?;
            let now = std::time::SystemTime::now();
            plan.check(
                &client,
                range.start,
                now + std::time::Duration::from_secs(60),
            )
            .await?
        }
    };
    println!("## Drift\n\n{report}");
    Ok(())
}

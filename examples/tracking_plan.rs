//! The tracking plan of the example events, read from their types: a Markdown table for
//! analysts, then the JSON Schema of each event's data.
//!
//! ```text
//! cargo run --example tracking_plan
//! ```

use umami::UmamiEvent;
use umami::plan::{Plan, PlanError};

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

fn main() -> Result<(), PlanError> {
    let plan = Plan::new().event::<AppEvent>()?;
    println!("# Tracking plan\n\n{}", plan.to_markdown());
    for event in plan.events() {
        let schema =
            serde_json::to_string_pretty(&event.json_schema()).expect("a JSON value serializes");
        println!(
            "## JSON Schema of `{}`\n\n```json\n{schema}\n```\n",
            event.name
        );
    }
    Ok(())
}

//! Typed analytics events: a struct and an enum whose schema the compiler checks.
//!
//! ```text
//! cargo run --example typed_events
//! ```
//!
//! With `UMAMI_URL` set (e.g. `http://localhost:3000`, the server's root without `/api`), the
//! events are sent to that server (`UMAMI_WEBSITE_ID` and `UMAMI_HOSTNAME` optional). Without
//! it nothing is sent: the example prints the JSON body each event would `POST` to
//! `/api/send`.

use umami::UmamiEvent;

/// A struct schema: the fields are the custom data.
#[derive(UmamiEvent)]
#[umami(name = "Purchase-Course", url = "/courses/{course}/checkout")]
struct PurchaseCourse {
    course: String,
    plan: String,
    #[umami(rename = "priceCents")]
    price_cents: u32,
    coupon: Option<String>, // left out of the data when None
    #[umami(distinct_id)]
    user_id: u64, // sent as the payload's `id`, not as data
}

/// An enum schema: each variant is an event.
#[derive(UmamiEvent)]
#[umami(url = "/app", rename_all = "camelCase")]
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
async fn main() -> Result<(), umami::Error> {
    let server = std::env::var("UMAMI_URL").ok();
    let client = umami::Client::builder()
        // Without UMAMI_URL this base is never contacted: the events are only prepared.
        .url_base(server.as_deref().unwrap_or("http://localhost:3000"))
        .website_id(
            std::env::var("UMAMI_WEBSITE_ID")
                .unwrap_or_else(|_| umami_integration::WEBSITE_ID.into()),
        )
        .hostname(std::env::var("UMAMI_HOSTNAME").unwrap_or_else(|_| "example.com".into()))
        .build()?;

    let events = [
        AppEvent::Opened,
        AppEvent::Searched {
            query_text: "rust async".into(),
            result_count: 12,
        },
        AppEvent::Purchase(PurchaseCourse {
            course: "rust-101".into(),
            plan: "pro".into(),
            price_cents: 4900,
            coupon: None,
            user_id: 42,
        }),
    ];

    for event in &events {
        if server.is_some() {
            let resp = event.send(&client).await?;
            println!(
                "sent {:?}: session {}",
                event.event_name(),
                resp.session_id().unwrap_or("(not reported by this server)")
            );
        } else {
            let hit = event.new_event(&client).prepare()?;
            let body =
                serde_json::to_string_pretty(&hit.to_json()).expect("a JSON value serializes");
            println!("{} would send:\n{body}\n", event.event_name());
        }
    }
    Ok(())
}

//! `Plan::check` against the embedded collector over real HTTP: a clean plan reports nothing,
//! and a drifting client (a renamed key, a number sent as text, an unplanned event) is
//! reported exactly.

use std::time::{Duration, SystemTime};

use serde_json::json;
use umami::UmamiEvent;
use umami::plan::{Kind, Plan};
use umami_integration::WEBSITE_ID;
use umami_test::Collector;

#[derive(UmamiEvent)]
#[umami(name = "signup", url = "/signup")]
struct Signup {
    plan: String,
    seats: u32,
}

#[derive(UmamiEvent)]
#[umami(name = "download")]
struct Download {
    file: String,
}

async fn client_of(collector: &Collector) -> umami::Client {
    let client = umami::Client::builder()
        .url_base(collector.url())
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .build()
        .unwrap();
    client.login("admin", "umami").await.unwrap();
    client
}

fn window() -> (SystemTime, SystemTime) {
    let now = SystemTime::now();
    (
        now - Duration::from_secs(3600),
        now + Duration::from_secs(3600),
    )
}

#[tokio::test]
async fn a_plan_the_client_follows_is_clean() {
    let collector = Collector::start().await.unwrap();
    let client = client_of(&collector).await;
    let plan = Plan::new()
        .event::<Signup>()
        .unwrap()
        .event::<Download>()
        .unwrap();
    client
        .send_event(&Signup {
            plan: "pro".into(),
            seats: 3,
        })
        .await
        .unwrap();
    client
        .send_event(&Download {
            file: "a.tgz".into(),
        })
        .await
        .unwrap();
    let (start, end) = window();
    let report = plan.check(&client, start, end).await.unwrap();
    assert!(report.is_clean(), "{report}");
    report.assert_clean();
}

#[tokio::test]
async fn drift_against_the_server_is_reported_exactly() {
    let collector = Collector::start().await.unwrap();
    let client = client_of(&collector).await;
    let plan = Plan::new()
        .event::<Signup>()
        .unwrap()
        .event::<Download>()
        .unwrap();
    // Another client: `seats` as text, `plan` renamed to `tier`, and an unplanned event.
    client
        .new_event("signup")
        .custom_data(json!({"tier": "pro", "seats": "3"}))
        .send()
        .await
        .unwrap();
    client.new_event("video-play").send().await.unwrap();
    let (start, end) = window();
    let report = plan.check(&client, start, end).await.unwrap();
    assert_eq!(
        report
            .unplanned_events
            .iter()
            .map(|e| (e.name.as_str(), e.count))
            .collect::<Vec<_>>(),
        [("video-play", 1)],
        "{report}"
    );
    assert_eq!(report.unseen_events, ["download"], "{report}");
    assert_eq!(
        report
            .unplanned_keys
            .iter()
            .map(|k| (k.event.as_str(), k.key.as_str()))
            .collect::<Vec<_>>(),
        [("signup", "tier")],
        "{report}"
    );
    assert_eq!(
        report
            .unseen_keys
            .iter()
            .map(|k| (k.event.as_str(), k.key.as_str()))
            .collect::<Vec<_>>(),
        [("signup", "plan")],
        "{report}"
    );
    let mismatch = &report.kind_mismatches;
    assert_eq!(mismatch.len(), 1, "{report}");
    assert_eq!(
        (mismatch[0].event.as_str(), mismatch[0].key.as_str()),
        ("signup", "seats")
    );
    assert_eq!(
        (mismatch[0].planned, mismatch[0].stored.clone()),
        (Kind::Number, vec![Kind::Text])
    );
    assert_eq!(report.findings(), 5, "{report}");
}

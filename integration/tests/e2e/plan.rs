//! The tracking plan's drift check against the backend: planned events sent as planned,
//! one drifting client, and the report names exactly that drift.

use std::time::{Duration, SystemTime};

use serde_json::json;
use umami::UmamiEvent;
use umami::plan::{Kind, Plan};

use super::Backend;

#[derive(UmamiEvent)]
#[umami(name = "e2e-plan-signup", url = "/e2e/plan")]
struct PlanSignup {
    plan: String,
    seats: u32,
}

#[derive(UmamiEvent)]
#[umami(name = "e2e-plan-download")]
struct PlanDownload {
    file: String,
}

/// Sends the planned `signup` as planned, then a drifting `signup` (`seats` as text, an
/// unplanned key) and an unplanned event; the check reports exactly that for these events
/// (other cases' events in the same window are unplanned too, and are left out here).
pub async fn tracking_plan_check_reports_exactly_the_drift(b: &Backend) {
    let client = b.client();
    client
        .set_bearer_token(b.token())
        .expect("a self-hosted client takes a bearer token");
    let plan = Plan::new()
        .event::<PlanSignup>()
        .and_then(|p| p.event::<PlanDownload>())
        .expect("a consistent plan");
    let started = SystemTime::now() - Duration::from_secs(60);
    client
        .send_event(&PlanSignup {
            plan: "pro".into(),
            seats: 3,
        })
        .await
        .expect("stored");
    client
        .new_event("e2e-plan-signup")
        .custom_data(json!({"plan": "free", "seats": "2", "coupon": "X1"}))
        .send()
        .await
        .expect("stored");
    client
        .new_event("e2e-plan-unplanned")
        .send()
        .await
        .expect("stored");
    let report = plan
        .check(
            &client,
            started,
            SystemTime::now() + Duration::from_secs(60),
        )
        .await
        .expect("the check reads the server");
    let ours = |name: &str| name.starts_with("e2e-plan-");
    let unplanned: Vec<_> = report
        .unplanned_events
        .iter()
        .filter(|e| ours(&e.name))
        .map(|e| (e.name.as_str(), e.count))
        .collect();
    assert_eq!(unplanned, [("e2e-plan-unplanned", 1)], "{report}");
    assert_eq!(report.unseen_events, ["e2e-plan-download"], "{report}");
    let keys: Vec<_> = report
        .unplanned_keys
        .iter()
        .map(|k| (k.event.as_str(), k.key.as_str()))
        .collect();
    assert_eq!(keys, [("e2e-plan-signup", "coupon")], "{report}");
    assert!(report.unseen_keys.is_empty(), "{report}");
    let mismatches: Vec<_> = report
        .kind_mismatches
        .iter()
        .map(|m| (m.event.as_str(), m.key.as_str(), m.planned))
        .collect();
    assert_eq!(
        mismatches,
        [("e2e-plan-signup", "seats", Kind::Number)],
        "{report}"
    );
    assert!(
        report.kind_mismatches[0].stored.contains(&Kind::Text),
        "the drifting client's seats were stored as text: {report}"
    );
}

//! The end-to-end suite (`tests/e2e/mod.rs`) against a real Umami server. Every test is
//! ignored by default; run them with
//!
//! ```text
//! UMAMI_E2E_URL=https://umami.example.com UMAMI_E2E_USERNAME=admin \
//! UMAMI_E2E_PASSWORD=... UMAMI_E2E_WEBSITE_ID=<uuid> \
//!     cargo test --test real_umami -- --ignored
//! ```
//!
//! The website must be one the user may write to and read: the tests add tagged events to
//! it. A missing variable fails every test with a message naming it.

#[macro_use]
mod e2e;

use e2e::Backend;

/// The variables the suite needs, in the order they are checked.
const VARIABLES: [&str; 4] = [
    "UMAMI_E2E_URL",
    "UMAMI_E2E_USERNAME",
    "UMAMI_E2E_PASSWORD",
    "UMAMI_E2E_WEBSITE_ID",
];

fn variable(name: &str) -> String {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => value,
        _ => panic!(
            "{name} is not set: the real-Umami suite needs {} (see README, \
             \"Testing against a real Umami\")",
            VARIABLES.join(", ")
        ),
    }
}

/// The server named by the environment, logged in to.
async fn real_umami() -> Backend {
    let [url, username, password, website_id] = VARIABLES.map(variable);
    Backend::connect(&url, &username, &password, &website_id, None).await
}

e2e_cases! {
    #[ignore = "needs a real Umami: see README"]
    backend = real_umami;
    custom_event_is_stored_with_name_url_hostname_and_title,
    custom_data_is_stored_typed_with_nested_keys_dotted,
    event_data_properties_list_every_key_under_the_event_name,
    event_metrics_count_custom_events_by_name,
    page_views_are_stored_as_page_views,
    stats_count_page_views_but_not_custom_events,
    revenue_event_stores_revenue_and_currency,
    identify_stores_session_data_and_the_distinct_id,
    same_distinct_id_lands_in_the_same_session,
    web_layer_visitors_get_their_own_sessions,
    tracking_plan_check_reports_exactly_the_drift,
    timestamp_sets_the_stored_time,
    default_user_agent_is_stored,
    bot_user_agent_is_reported_and_nothing_is_stored,
    unknown_website_is_a_status_error_saying_not_found,
    server_validation_error_names_the_field,
    versionless_website_id_is_refused_before_io_as_the_server_would,
    login_with_a_wrong_password_is_unauthorized,
    login_token_passes_verify,
    reads_without_a_token_are_unauthorized,
    events_without_a_date_range_are_a_bad_request,
    dispatcher_batch_of_500_is_stored_once_each,
    typed_struct_is_stored_with_its_name_data_and_distinct_id,
    typed_enum_variants_are_stored_as_their_own_events,
}

/// Reads back through the typed read API (`umami::api`): events, sessions, metrics, event
/// data and a funnel, for hits this test sends with a unique tag.
#[tokio::test]
#[ignore = "needs a real Umami: see README"]
async fn the_read_api_reads_back_events_sessions_metrics_event_data_and_a_funnel() {
    use std::time::{Duration, SystemTime};
    use umami::api::analytics::MetricType;
    use umami::api::reports::FunnelStep;

    let [url, username, password, website_id] = VARIABLES.map(variable);
    let client = umami::Client::builder()
        .url_base(url)
        .website_id(website_id)
        .hostname("e2e.umami-rs.test")
        .build()
        .unwrap();
    client.login(&username, &password).await.unwrap();
    let tag = format!(
        "{:x}",
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let (pricing, checkout) = (
        format!("/e2e-{tag}/pricing"),
        format!("/e2e-{tag}/checkout"),
    );
    let name = format!("e2e-read-{tag}");
    let start = SystemTime::now() - Duration::from_secs(60);
    client
        .new_page_view("Pricing", &pricing)
        .send()
        .await
        .unwrap();
    client
        .new_page_view("Checkout", &checkout)
        .send()
        .await
        .unwrap();
    let sent = client
        .new_event(&name)
        .url(&checkout)
        .custom_data(serde_json::json!({"plan": "pro", "seats": 3}))
        .send()
        .await
        .unwrap();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let events = loop {
        let end = SystemTime::now() + Duration::from_secs(60);
        let found = client
            .analytics()
            .events(start, end)
            .search(&name)
            .all()
            .await
            .unwrap();
        if !found.is_empty() || tokio::time::Instant::now() >= deadline {
            break found;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let end = SystemTime::now() + Duration::from_secs(60);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].event_name.as_deref(), Some(name.as_str()));
    assert_eq!(events[0].url_path.as_deref(), Some(checkout.as_str()));

    let data = client
        .analytics()
        .event_data_of(&events[0].id)
        .send()
        .await
        .unwrap();
    let seats = data
        .iter()
        .find(|d| d.property.data_key == "seats")
        .expect("seats stored");
    assert_eq!(seats.property.number_value, Some(3.0));

    let session = client
        .analytics()
        .session(sent.session_id().expect("a session id"))
        .send()
        .await
        .unwrap();
    assert!(session.views >= 2, "{session:?}");

    let pages = client
        .analytics()
        .metrics(start, end, MetricType::Path)
        .search(&tag)
        .send()
        .await
        .unwrap();
    let paths: Vec<&str> = pages.iter().map(|p| p.x.as_str()).collect();
    assert!(
        paths.contains(&pricing.as_str()) && paths.contains(&checkout.as_str()),
        "{paths:?}"
    );

    let funnel = client
        .reports()
        .funnel(
            start,
            end,
            &[FunnelStep::path(&pricing), FunnelStep::path(&checkout)],
            60,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(funnel.len(), 2);
    assert_eq!(
        (funnel[0].visitors, funnel[1].visitors),
        (1, 1),
        "{funnel:?}"
    );
}

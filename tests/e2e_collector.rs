//! The end-to-end suite (`tests/e2e/mod.rs`) against the crate's own `umami::testing`
//! collector: the same cases, the same HTTP read-back, on every `cargo test`.
//! `tests/real_umami.rs` runs them against a real Umami.

#[macro_use]
mod e2e;

use e2e::Backend;
use umami::testing::Collector;
use umami_workspace::WEBSITE_ID;

const USERNAME: &str = "e2e-admin";
const PASSWORD: &str = "e2e-password-not-the-default";

/// A collector that knows one website and one account, logged in to.
async fn collector() -> Backend {
    let collector = Collector::builder()
        .website(WEBSITE_ID)
        .credentials(USERNAME, PASSWORD)
        .start()
        .await
        .expect("the collector starts");
    let url = collector.url().to_owned();
    Backend::connect(
        &url,
        USERNAME,
        PASSWORD,
        WEBSITE_ID,
        Some(Box::new(collector)),
    )
    .await
}

e2e_cases! {
    backend = collector;
    custom_event_is_stored_with_name_url_hostname_and_title,
    custom_data_is_stored_typed_with_nested_keys_dotted,
    event_data_properties_list_every_key_under_the_event_name,
    event_metrics_count_custom_events_by_name,
    page_views_are_stored_as_page_views,
    stats_count_page_views_but_not_custom_events,
    revenue_event_stores_revenue_and_currency,
    identify_stores_session_data_and_the_distinct_id,
    same_distinct_id_lands_in_the_same_session,
    timestamp_sets_the_stored_time,
    default_user_agent_is_stored,
    bot_user_agent_is_reported_and_nothing_is_stored,
    unknown_website_is_a_status_error_saying_not_found,
    server_validation_error_names_the_field,
    server_validation_error_reaches_the_caller_with_the_field_text,
    login_with_a_wrong_password_is_unauthorized,
    login_token_passes_verify,
    reads_without_a_token_are_unauthorized,
    events_without_a_date_range_are_a_bad_request,
    dispatcher_batch_of_500_is_stored_once_each,
}

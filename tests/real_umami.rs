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
    typed_struct_is_stored_with_its_name_data_and_distinct_id,
    typed_enum_variants_are_stored_as_their_own_events,
}

//! The seed's module-level API on the process-wide default client, over real HTTP.
//!
//! The global state is shared by every test of this binary, so each test takes one lock,
//! resets the state, and runs its own runtime while holding it.

use crate::send_support;

use std::future::Future;

use send_support::*;
use serde_json::json;
use wiremock::MockServer;

/// Runs `test` alone, on a fresh global state.
fn serial<F: Future<Output = ()>>(test: impl FnOnce() -> F) {
    // A failed test poisons the lock; the next one resets the state anyway.
    let _guard = crate::turn();
    umami::reset();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(test());
    umami::reset();
}

/// Points the global client at `server` with the seed's defaults.
fn configure(server: &MockServer) {
    umami::set_url_base(&server.uri()).unwrap();
    umami::set_website_id(WEBSITE_ID);
    umami::set_hostname(HOST);
}

async fn silent_server() -> MockServer {
    let server = MockServer::start().await;
    refuse_everything(&server).await;
    server
}

fn validation_field(result: Result<(), umami::Error>) -> (&'static str, String) {
    match result {
        Err(umami::Error::Validation(v)) => (v.field(), v.problem().to_owned()),
        other => panic!("expected Error::Validation, got {other:?}"),
    }
}

#[test]
fn the_seed_example_via_the_module_level_api() {
    serial(|| async {
        let server = MockServer::start().await;
        accept_sends(&server, 1).await;
        umami::set_url_base(&server.uri()).unwrap();
        umami::set_website_id("978435e2-7ba1-4337-9860-ec31ece2db60");
        umami::set_hostname("example.com");
        let resp = umami::new_event("Purchase-Course")
            .url("/checkout")
            .custom_data(json!({"plan": "pro"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.cache(), Some("cache-token"));
        assert_eq!(
            sent_body(&server).await,
            json!({
                "type": "event",
                "payload": {
                    "website": "978435e2-7ba1-4337-9860-ec31ece2db60",
                    "hostname": "example.com",
                    "language": "en-US",
                    "screen": "1920x1080",
                    "url": "/checkout",
                    "referrer": "",
                    "title": "Purchase-Course",
                    "name": "Purchase-Course",
                    "data": {"plan": "pro"},
                }
            })
        );
    });
}

#[test]
fn module_level_page_view() {
    serial(|| async {
        let server = MockServer::start().await;
        accept_sends(&server, 1).await;
        configure(&server);
        umami::new_page_view("Checkout", "/checkout")
            .send()
            .await
            .unwrap();
        assert_eq!(
            sent_body(&server).await,
            event_with(
                "ignored",
                json!({"name": null, "data": null, "title": "Checkout", "url": "/checkout"})
            )
        );
    });
}

#[test]
fn module_level_revenue_event() {
    serial(|| async {
        let server = MockServer::start().await;
        accept_sends(&server, 1).await;
        configure(&server);
        umami::new_revenue_event(19.99, "USD")
            .custom_data(json!({"plan": "pro"}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            sent_body(&server).await,
            event_with(
                "revenue",
                json!({"data": {"plan": "pro", "revenue": 19.99, "currency": "USD"}})
            )
        );
    });
}

#[test]
fn module_level_identify() {
    serial(|| async {
        let server = MockServer::start().await;
        accept_sends(&server, 1).await;
        configure(&server);
        umami::identify(42_u64)
            .data(json!({"plan": "pro"}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            sent_body(&server).await,
            json!({
                "type": "identify",
                "payload": {
                    "website": WEBSITE_ID,
                    "hostname": HOST,
                    "language": "en-US",
                    "screen": "1920x1080",
                    "url": "/",
                    "referrer": "",
                    "id": "42",
                    "data": {"plan": "pro"},
                }
            })
        );
    });
}

#[test]
fn per_hit_website_id_and_hostname_override_the_global_ones() {
    serial(|| async {
        let server = MockServer::start().await;
        accept_sends(&server, 1).await;
        configure(&server);
        let other = "0c1b6d3e-59a2-4f51-9a8e-3b7c1f2d4e5a";
        umami::new_event("Signup")
            .website_id(other)
            .hostname("shop.example.org")
            .send()
            .await
            .unwrap();
        assert_eq!(
            sent_body(&server).await,
            event_with(
                "Signup",
                json!({"website": other, "hostname": "shop.example.org"})
            )
        );
    });
}

#[test]
fn later_setters_apply_to_later_hits() {
    serial(|| async {
        let server = MockServer::start().await;
        accept_sends(&server, 2).await;
        configure(&server);
        umami::new_event("First").send().await.unwrap();
        umami::set_hostname("second.example.com");
        umami::new_event("Second").send().await.unwrap();
        assert_eq!(
            sent_bodies(&server).await,
            vec![
                default_event("First"),
                event_with("Second", json!({"hostname": "second.example.com"})),
            ]
        );
    });
}

// ---- set_url_base ----

#[test]
fn set_url_base_rejects_an_empty_url() {
    serial(|| async {
        for empty in ["", "   "] {
            let (field, problem) = validation_field(umami::set_url_base(empty));
            assert_eq!((field, problem.as_str()), ("url_base", "must not be empty"));
        }
        assert!(umami::default_client().is_none());
    });
}

#[test]
fn set_url_base_rejects_a_non_http_scheme() {
    serial(|| async {
        let (field, problem) = validation_field(umami::set_url_base("ftp://umami.example.com"));
        assert_eq!(field, "url_base");
        assert_eq!(
            problem,
            "\"ftp://umami.example.com\" must start with http:// or https://"
        );
        assert!(umami::default_client().is_none());
    });
}

#[test]
fn set_url_base_rejects_a_url_without_scheme() {
    serial(|| async {
        let (field, problem) = validation_field(umami::set_url_base("umami.example.com"));
        assert_eq!(field, "url_base");
        assert!(
            problem.starts_with("\"umami.example.com\" is not a valid URL"),
            "{problem}"
        );
    });
}

#[test]
fn set_url_base_strips_the_trailing_slash() {
    serial(|| async {
        umami::set_url_base("https://umami.example.com/").unwrap();
        let client = umami::default_client().unwrap();
        assert!(!client.is_cloud());
        assert_eq!(client.send_url(), "https://umami.example.com/api/send");
    });
}

#[test]
fn hits_go_to_api_send_under_a_base_with_trailing_slash() {
    serial(|| async {
        let server = MockServer::start().await;
        accept_sends(&server, 1).await;
        umami::set_url_base(&format!("{}/", server.uri())).unwrap();
        umami::set_website_id(WEBSITE_ID);
        umami::set_hostname(HOST);
        umami::new_event("Signup").send().await.unwrap();
        // sent_body checks the path is exactly /api/send.
        assert_eq!(sent_body(&server).await, default_event("Signup"));
    });
}

#[test]
fn a_rejected_url_base_keeps_the_previous_one() {
    serial(|| async {
        let server = MockServer::start().await;
        accept_sends(&server, 1).await;
        configure(&server);
        assert!(umami::set_url_base("ftp://elsewhere.example.com").is_err());
        umami::new_event("Signup").send().await.unwrap();
        assert_eq!(sent_body(&server).await, default_event("Signup"));
    });
}

// ---- not configured ----

#[test]
fn sends_without_configuration_are_not_allowed() {
    serial(|| async {
        let results = [
            umami::new_event("Signup").send().await,
            umami::new_page_view("Home", "/").send().await,
            umami::new_revenue_event(1.0, "USD").send().await,
            umami::identify("user-1").send().await,
        ];
        for result in results {
            match result {
                Err(umami::Error::OperationNotAllowed(text)) => {
                    assert!(text.contains("umami::set_url_base()"), "{text}");
                }
                other => panic!("expected Error::OperationNotAllowed, got {other:?}"),
            }
        }
    });
}

#[test]
fn prepare_without_configuration_is_not_allowed() {
    serial(|| async {
        let err = umami::new_event("Signup").prepare().unwrap_err();
        assert!(
            matches!(err, umami::Error::OperationNotAllowed(_)),
            "{err:?}"
        );
        assert!(umami::default_client().is_none());
    });
}

#[test]
fn missing_global_website_id_is_a_validation_error() {
    serial(|| async {
        let server = silent_server().await;
        umami::set_url_base(&server.uri()).unwrap();
        umami::set_hostname(HOST);
        let err = validation(umami::new_event("Signup").send().await);
        assert_eq!(err.field(), "website_id");
        assert!(err.problem().contains("umami::set_website_id()"), "{err}");
    });
}

#[test]
fn missing_global_hostname_is_a_validation_error() {
    serial(|| async {
        let server = silent_server().await;
        umami::set_url_base(&server.uri()).unwrap();
        umami::set_website_id(WEBSITE_ID);
        let err = validation(umami::new_event("Signup").send().await);
        assert_eq!(err.field(), "hostname");
        assert!(err.problem().contains("umami::set_hostname()"), "{err}");
    });
}

#[test]
fn invalid_global_website_id_is_reported_by_the_send() {
    serial(|| async {
        let server = silent_server().await;
        configure(&server);
        umami::set_website_id("not-a-uuid");
        let err = validation(umami::new_event("Signup").send().await);
        assert_eq!(err.field(), "website_id");
        assert_eq!(
            err.problem(),
            "\"not-a-uuid\" is not a UUID (expected the form \
             978435e2-7ba1-4337-9860-ec31ece2db60)"
        );
    });
}

// ---- enable / disable ----

#[test]
fn disable_sends_nothing_and_reports_disabled() {
    serial(|| async {
        let server = silent_server().await;
        configure(&server);
        umami::disable();
        assert!(!umami::is_enabled());
        let resp = umami::new_event("Signup").send().await.unwrap();
        assert!(resp.is_disabled());
        assert_eq!(resp.json(), &json!({}));
        assert!(server.received_requests().await.unwrap().is_empty());
    });
}

#[test]
fn disabled_module_level_api_still_validates() {
    serial(|| async {
        let server = silent_server().await;
        configure(&server);
        umami::disable();
        let err = validation(umami::new_event("n".repeat(51)).send().await);
        assert_eq!(
            (err.field(), err.problem()),
            ("event_name", "51 UTF-16 code units, at most 50 allowed")
        );
    });
}

#[test]
fn disable_before_configuration_still_applies() {
    serial(|| async {
        let server = silent_server().await;
        umami::disable();
        configure(&server);
        let resp = umami::new_event("Signup").send().await.unwrap();
        assert!(resp.is_disabled());
    });
}

#[test]
fn enable_after_disable_sends_again() {
    serial(|| async {
        let server = MockServer::start().await;
        accept_sends(&server, 1).await;
        configure(&server);
        umami::disable();
        assert!(
            umami::new_event("Dropped")
                .send()
                .await
                .unwrap()
                .is_disabled()
        );
        umami::enable();
        assert!(umami::is_enabled());
        let resp = umami::new_event("Signup").send().await.unwrap();
        assert!(!resp.is_disabled());
        assert_eq!(sent_body(&server).await, default_event("Signup"));
    });
}

#[test]
fn disable_reaches_builders_created_before_it() {
    serial(|| async {
        let server = silent_server().await;
        configure(&server);
        let early = umami::new_event("Signup");
        umami::disable();
        assert!(early.send().await.unwrap().is_disabled());
    });
}

#[test]
fn disable_reaches_a_default_client_obtained_before_it() {
    serial(|| async {
        let server = silent_server().await;
        configure(&server);
        let client = umami::default_client().unwrap();
        umami::disable();
        assert!(!client.is_enabled());
        assert!(
            client
                .new_event("Signup")
                .send()
                .await
                .unwrap()
                .is_disabled()
        );
    });
}

#[test]
fn enable_reaches_builders_created_while_disabled() {
    serial(|| async {
        let server = MockServer::start().await;
        accept_sends(&server, 1).await;
        configure(&server);
        umami::disable();
        let early = umami::new_event("Signup");
        umami::enable();
        assert!(!early.send().await.unwrap().is_disabled());
        assert_eq!(sent_body(&server).await, default_event("Signup"));
    });
}

#[test]
fn reset_forgets_everything() {
    serial(|| async {
        umami::set_url_base("https://umami.example.com").unwrap();
        umami::disable();
        umami::reset();
        assert!(umami::default_client().is_none());
        assert!(umami::is_enabled());
    });
}

// ---- Cloud ----

#[test]
fn cloud_api_key_switches_the_default_client_to_cloud() {
    serial(|| async {
        umami::set_cloud_api_key("api_global_SECRET_1", Some(umami::CloudRegion::Eu)).unwrap();
        let client = umami::default_client().unwrap();
        assert!(client.is_cloud());
        assert_eq!(client.send_url(), "https://cloud.umami.is/api/send");
        let debug = format!("{client:?}");
        assert!(!debug.contains("SECRET"), "{debug}");
    });
}

#[test]
fn blank_cloud_api_key_is_rejected() {
    serial(|| async {
        let (field, problem) = validation_field(umami::set_cloud_api_key("  ", None));
        assert_eq!(
            (field, problem.as_str()),
            ("cloud_api_key", "must not be empty or blank")
        );
        assert!(umami::default_client().is_none());
    });
}

#[test]
fn clearing_the_cloud_key_falls_back_to_the_url_base() {
    serial(|| async {
        let server = MockServer::start().await;
        accept_sends(&server, 1).await;
        configure(&server);
        umami::set_cloud_api_key("api_global_SECRET_2", None).unwrap();
        assert!(umami::default_client().unwrap().is_cloud());
        umami::clear_cloud_api_key();
        assert!(!umami::default_client().unwrap().is_cloud());
        umami::new_event("Signup").send().await.unwrap();
        assert_eq!(sent_body(&server).await, default_event("Signup"));
    });
}

#[test]
fn clearing_the_only_configuration_leaves_nothing_configured() {
    serial(|| async {
        umami::set_cloud_api_key("api_global_SECRET_3", None).unwrap();
        umami::clear_cloud_api_key();
        assert!(umami::default_client().is_none());
        let err = umami::new_event("Signup").send().await.unwrap_err();
        assert!(
            matches!(err, umami::Error::OperationNotAllowed(_)),
            "{err:?}"
        );
    });
}

// ---- thread safety ----

#[test]
fn module_level_sends_from_many_threads() {
    let _guard = crate::turn();
    umami::reset();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = MockServer::start().await;
        accept_sends(&server, 8).await;
        configure(&server);
        let tasks: Vec<_> = (0..8_u32)
            .map(|i| tokio::spawn(umami::new_event("Signup").distinct_id(i).send()))
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let mut ids: Vec<String> = sent_bodies(&server)
            .await
            .iter()
            .map(|b| b["payload"]["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        assert_eq!(ids, ["0", "1", "2", "3", "4", "5", "6", "7"]);
    });
    umami::reset();
}

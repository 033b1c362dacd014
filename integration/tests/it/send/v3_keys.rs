//! The payload keys of Umami 3.0.2–3.1 over real HTTP: `browser`, `os`, `device` overrides,
//! `performance` hits with their web vitals, server-side hits without invented defaults, and
//! IPs from socket addresses. Each checks the exact JSON body the server received, and that
//! bad values are refused, naming the field and the limit, before any request.

use crate::send_support;

use std::net::SocketAddr;

use send_support::*;
use serde_json::json;
use wiremock::MockServer;

async fn silent_server() -> MockServer {
    let server = MockServer::start().await;
    refuse_everything(&server).await;
    server
}

#[tokio::test]
async fn browser_os_and_device_overrides_are_sent() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Signup")
        .browser("brave")
        .os("Chrome OS")
        .device("tablet")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with(
            "Signup",
            json!({"browser": "brave", "os": "Chrome OS", "device": "tablet"})
        )
    );
}

#[tokio::test]
async fn blank_overrides_are_not_sent() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_page_view("Home", "/")
        .browser("  ")
        .os("")
        .send()
        .await
        .unwrap();
    let body = sent_body(&server).await;
    assert!(body["payload"].get("browser").is_none(), "{body}");
    assert!(body["payload"].get("os").is_none(), "{body}");
}

#[tokio::test]
async fn an_override_over_its_database_column_is_refused_before_any_request() {
    // 3.1.0 answers 500 and stores nothing for a 21-character browser (recorded file 083).
    let server = silent_server().await;
    let err = validation(
        client(&server)
            .new_event("Signup")
            .browser("b".repeat(21))
            .send()
            .await,
    );
    assert_eq!(err.field(), "browser");
    assert!(err.problem().contains("20"), "{err}");
    let err = validation(
        client(&server)
            .new_event("Signup")
            .device("d".repeat(21))
            .send()
            .await,
    );
    assert_eq!(err.field(), "device");
    let err = validation(
        client(&server)
            .new_event("Signup")
            .os("o".repeat(21))
            .send()
            .await,
    );
    assert_eq!(err.field(), "os");
}

#[tokio::test]
async fn a_performance_hit_carries_its_vitals() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_performance("/pricing")
        .title("Pricing")
        .lcp(1850.4)
        .inp(96.0)
        .cls(0.02)
        .fcp(820.1)
        .ttfb(180.3)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        json!({
            "type": "performance",
            "payload": {
                "website": WEBSITE_ID,
                "hostname": HOST,
                "language": "en-US",
                "screen": "1920x1080",
                "url": "/pricing",
                "referrer": "",
                "title": "Pricing",
                "lcp": 1850.4,
                "inp": 96.0,
                "cls": 0.02,
                "fcp": 820.1,
                "ttfb": 180.3,
            }
        })
    );
}

#[tokio::test]
async fn a_performance_hit_without_vitals_sends_none() {
    // 3.1.0 stores it (recorded file 088).
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_performance("/perf-empty")
        .send()
        .await
        .unwrap();
    let body = sent_body(&server).await;
    assert_eq!(body["type"], "performance");
    for key in ["lcp", "inp", "cls", "fcp", "ttfb", "name", "data"] {
        assert!(body["payload"].get(key).is_none(), "{key} in {body}");
    }
}

#[tokio::test]
async fn vitals_outside_umamis_ranges_are_refused_before_any_request() {
    let server = silent_server().await;
    let c = client(&server);
    let cases = [
        ("lcp", c.new_performance("/").lcp(60_000.1)),
        ("inp", c.new_performance("/").inp(-1.0)),
        ("fcp", c.new_performance("/").fcp(f64::NAN)),
        ("ttfb", c.new_performance("/").ttfb(f64::INFINITY)),
        ("cls", c.new_performance("/").cls(100.5)),
    ];
    for (field, hit) in cases {
        let err = validation(hit.send().await);
        assert_eq!(err.field(), field, "{err}");
        assert!(
            err.problem().contains("60000") || err.problem().contains("100"),
            "the limit is named: {err}"
        );
    }
    // The bounds themselves pass validation.
    assert!(
        c.new_performance("/")
            .lcp(60_000.0)
            .cls(100.0)
            .inp(0.0)
            .prepare()
            .is_ok()
    );
}

#[tokio::test]
async fn a_server_side_hit_invents_no_screen_or_language() {
    let server = MockServer::start().await;
    accept_sends(&server, 2).await;
    let c = client(&server);
    c.new_event("Purchase").server_side().send().await.unwrap();
    c.new_event("Purchase")
        .server_side()
        .language("de-DE")
        .send()
        .await
        .unwrap();
    let bodies = sent_bodies(&server).await;
    assert_eq!(
        bodies[0],
        event_with("Purchase", json!({"language": null, "screen": null}))
    );
    assert_eq!(
        bodies[1],
        event_with("Purchase", json!({"language": "de-DE", "screen": null}))
    );
}

#[tokio::test]
async fn a_socket_address_sends_its_ip_only() {
    let server = MockServer::start().await;
    accept_sends(&server, 2).await;
    let c = client(&server);
    let peer: SocketAddr = "203.0.113.7:51234".parse().unwrap();
    c.new_event("Signup").ip_address(peer).send().await.unwrap();
    let mapped: SocketAddr = "[::ffff:198.51.100.9]:443".parse().unwrap();
    c.new_event("Signup")
        .ip_address(mapped)
        .send()
        .await
        .unwrap();
    let bodies = sent_bodies(&server).await;
    assert_eq!(
        bodies[0],
        event_with("Signup", json!({"ip": "203.0.113.7"}))
    );
    assert_eq!(
        bodies[1],
        event_with("Signup", json!({"ip": "198.51.100.9"}))
    );
}

#[tokio::test]
async fn a_timestamp_beyond_javascripts_safe_integers_is_refused() {
    use std::time::{Duration, UNIX_EPOCH};
    let server = silent_server().await;
    let c = client(&server);
    let limit = (1_u64 << 53) - 1;
    let Some(too_late) = UNIX_EPOCH.checked_add(Duration::from_secs(limit + 1)) else {
        return; // this platform's SystemTime cannot even hold it
    };
    let err = validation(c.new_event("Signup").timestamp(too_late).send().await);
    assert_eq!(err.field(), "timestamp");
    assert!(err.problem().contains(&limit.to_string()), "{err}");
    let at_limit = UNIX_EPOCH + Duration::from_secs(limit);
    let hit = c.new_event("Signup").timestamp(at_limit).prepare().unwrap();
    assert_eq!(hit.to_json()["payload"]["timestamp"], json!(limit));
}

#[tokio::test]
async fn a_currency_over_its_column_is_refused() {
    let server = silent_server().await;
    let err = validation(
        client(&server)
            .new_revenue_event(9.99, "EURO-DOLLAR")
            .send()
            .await,
    );
    assert_eq!(err.field(), "currency");
    assert!(err.problem().contains("10"), "{err}");
}

#[tokio::test]
async fn the_typed_event_sends_through_the_client_method() {
    use umami::UmamiEvent;
    #[derive(UmamiEvent)]
    #[umami(name = "App-Started", url = "/app")]
    struct AppStarted {
        version: &'static str,
    }
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .send_event(&AppStarted { version: "1.2" })
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with(
            "App-Started",
            json!({"url": "/app", "data": {"version": "1.2"}})
        )
    );
}

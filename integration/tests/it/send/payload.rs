//! What `/api/send` receives for every builder method, default and kind of hit: exact JSON
//! body, path and headers, over real HTTP to a wiremock server.

use crate::send_support;

use std::time::{Duration, UNIX_EPOCH};

use send_support::*;
use serde_json::json;
use wiremock::MockServer;

#[tokio::test]
async fn event_with_only_a_name_sends_the_seed_defaults() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server).new_event("Signup").send().await.unwrap();
    assert_eq!(sent_body(&server).await, default_event("Signup"));
}

#[tokio::test]
async fn the_seed_example_through_a_client() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Purchase-Course")
        .url("/checkout")
        .custom_data(json!({"plan": "pro"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with(
            "Purchase-Course",
            json!({"url": "/checkout", "data": {"plan": "pro"}})
        )
    );
}

#[tokio::test]
async fn successful_send_returns_the_servers_ids() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let resp = client(&server).new_event("Signup").send().await.unwrap();
    assert_eq!(resp.cache(), Some("cache-token"));
    assert_eq!(
        resp.session_id(),
        Some("5f0b8c2a-0000-4000-8000-000000000001")
    );
    assert_eq!(
        resp.visit_id(),
        Some("5f0b8c2a-0000-4000-8000-000000000002")
    );
    assert!(!resp.is_disabled());
}

#[tokio::test]
async fn website_id_overrides_the_default() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let other = "0c1b6d3e-59a2-4f51-9a8e-3b7c1f2d4e5a";
    client(&server)
        .new_event("Signup")
        .website_id(other)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"website": other}))
    );
}

#[tokio::test]
async fn hostname_overrides_the_default() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Signup")
        .hostname("shop.example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"hostname": "shop.example.org"}))
    );
}

#[tokio::test]
async fn website_id_and_hostname_given_per_hit_need_no_client_defaults() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let client = umami::Client::builder()
        .url_base(server.uri())
        .build()
        .unwrap();
    client
        .new_event("Signup")
        .website_id(WEBSITE_ID)
        .hostname(HOST)
        .send()
        .await
        .unwrap();
    assert_eq!(sent_body(&server).await, default_event("Signup"));
}

#[tokio::test]
async fn url_is_sent() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Signup")
        .url("/account/new?plan=pro")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"url": "/account/new?plan=pro"}))
    );
}

#[tokio::test]
async fn title_overrides_the_event_name() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Signup")
        .title("Create your account")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"title": "Create your account"}))
    );
}

#[tokio::test]
async fn referrer_is_sent() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Signup")
        .referrer("https://news.example.net/item?id=1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with(
            "Signup",
            json!({"referrer": "https://news.example.net/item?id=1"})
        )
    );
}

#[tokio::test]
async fn language_is_sent() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Signup")
        .language("de-CH")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"language": "de-CH"}))
    );
}

#[tokio::test]
async fn screen_is_sent() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Signup")
        .screen("390x844")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"screen": "390x844"}))
    );
}

#[tokio::test]
async fn tag_is_sent() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Signup")
        .tag("variant-b")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"tag": "variant-b"}))
    );
}

#[tokio::test]
async fn distinct_id_is_sent_as_id() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Signup")
        .distinct_id("user-42")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"id": "user-42"}))
    );
}

#[tokio::test]
async fn ip_address_is_sent_as_ip() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Signup")
        .ip_address("203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"ip": "203.0.113.7"}))
    );
}

#[tokio::test]
async fn ip_address_accepts_std_ip_types_and_ipv6() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let ip: std::net::IpAddr = "2001:db8::1".parse().unwrap();
    client(&server)
        .new_event("Signup")
        .ip_address(ip)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"ip": "2001:db8::1"}))
    );
}

#[tokio::test]
async fn ip_address_is_trimmed() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Signup")
        .ip_address("  203.0.113.7\n")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"ip": "203.0.113.7"}))
    );
}

#[tokio::test]
async fn blank_ip_address_is_not_sent() {
    let server = MockServer::start().await;
    accept_sends(&server, 2).await;
    let client = client(&server);
    client
        .new_event("Signup")
        .ip_address("")
        .send()
        .await
        .unwrap();
    client
        .new_event("Signup")
        .ip_address("  \t")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_bodies(&server).await,
        vec![default_event("Signup"), default_event("Signup")]
    );
}

#[tokio::test]
async fn user_agent_is_sent_as_user_agent_payload_key() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let visitor = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    client(&server)
        .new_event("Signup")
        .user_agent(visitor)
        .send()
        .await
        .unwrap();
    // The header keeps the client's own UA; the payload carries the visitor's.
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"userAgent": visitor}))
    );
}

#[tokio::test]
async fn blank_user_agent_is_not_sent() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Signup")
        .user_agent(" ")
        .send()
        .await
        .unwrap();
    assert_eq!(sent_body(&server).await, default_event("Signup"));
}

#[tokio::test]
async fn client_user_agent_is_the_request_header() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let ua = "Mozilla/5.0 shop-backend/2.3";
    builder(&server)
        .user_agent(ua)
        .build()
        .unwrap()
        .new_event("Signup")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_bodies_with_ua(&server, ua).await,
        vec![default_event("Signup")]
    );
}

#[tokio::test]
async fn timestamp_is_sent_as_unix_seconds() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let at = UNIX_EPOCH + Duration::from_millis(1_764_201_600_999);
    client(&server)
        .new_event("Signup")
        .timestamp(at)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"timestamp": 1_764_201_600_u64}))
    );
}

#[tokio::test]
async fn custom_data_keeps_nested_values_and_types() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let data = json!({
        "plan": "pro",
        "seats": 3,
        "price": 19.5,
        "trial": false,
        "tags": ["a", "b"],
        "owner": {"country": "CH"},
    });
    client(&server)
        .new_event("Signup")
        .custom_data(data.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({ "data": data }))
    );
}

#[tokio::test]
async fn custom_data_accepts_a_serialize_struct() {
    #[derive(serde::Serialize)]
    struct Purchase {
        plan: &'static str,
        #[serde(rename = "priceCents")]
        price_cents: u32,
        coupon: Option<String>,
    }
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Purchase-Course")
        .custom_data(Purchase {
            plan: "pro",
            price_cents: 1999,
            coupon: None,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with(
            "Purchase-Course",
            json!({"data": {"plan": "pro", "priceCents": 1999, "coupon": null}})
        )
    );
}

#[tokio::test]
async fn custom_data_accepts_a_map() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let data = std::collections::BTreeMap::from([("plan", "pro"), ("source", "ad")]);
    client(&server)
        .new_event("Signup")
        .custom_data(&data)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"data": {"plan": "pro", "source": "ad"}}))
    );
}

#[tokio::test]
async fn every_builder_method_at_once() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let other = "0c1b6d3e-59a2-4f51-9a8e-3b7c1f2d4e5a";
    client(&server)
        .new_event("Purchase-Course")
        .website_id(other)
        .hostname("shop.example.org")
        .url("/checkout")
        .title("Checkout")
        .referrer("/cart")
        .language("fr-FR")
        .screen("1280x720")
        .tag("spring")
        .distinct_id(42_u64)
        .ip_address("198.51.100.4")
        .user_agent("Mozilla/5.0 (Macintosh) Safari/605.1.15")
        .timestamp(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        .custom_data(json!({"plan": "pro"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        json!({
            "type": "event",
            "payload": {
                "website": other,
                "hostname": "shop.example.org",
                "language": "fr-FR",
                "screen": "1280x720",
                "url": "/checkout",
                "referrer": "/cart",
                "title": "Checkout",
                "name": "Purchase-Course",
                "data": {"plan": "pro"},
                "tag": "spring",
                "id": "42",
                "ip": "198.51.100.4",
                "userAgent": "Mozilla/5.0 (Macintosh) Safari/605.1.15",
                "timestamp": 1_700_000_000_u64,
            }
        })
    );
}

#[tokio::test]
async fn custom_data_of_unit_or_none_sends_empty_data() {
    let server = MockServer::start().await;
    accept_sends(&server, 2).await;
    let client = client(&server);
    client
        .new_event("Signup")
        .custom_data(())
        .send()
        .await
        .unwrap();
    client
        .new_event("Signup")
        .custom_data(None::<serde_json::Value>)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_bodies(&server).await,
        vec![default_event("Signup"), default_event("Signup")]
    );
}

// ---- distinct id normalisation ----

async fn sent_id(id: impl umami::IntoDistinctId) -> Option<serde_json::Value> {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("Signup")
        .distinct_id(id)
        .send()
        .await
        .unwrap();
    let body = sent_body(&server).await;
    // Apart from `id`, the body is the default event.
    let mut without_id = body.clone();
    without_id["payload"].as_object_mut().unwrap().remove("id");
    assert_eq!(without_id, default_event("Signup"));
    body["payload"].get("id").cloned()
}

#[tokio::test]
async fn distinct_id_is_trimmed() {
    assert_eq!(sent_id("  user-42 \n").await, Some(json!("user-42")));
}

#[tokio::test]
async fn empty_distinct_id_is_not_sent() {
    assert_eq!(sent_id("").await, None);
}

#[tokio::test]
async fn whitespace_distinct_id_is_not_sent() {
    assert_eq!(sent_id(" \t\r\n ").await, None);
}

#[tokio::test]
async fn integer_distinct_id_is_sent_as_a_string() {
    assert_eq!(sent_id(42_u64).await, Some(json!("42")));
    assert_eq!(sent_id(7_u8).await, Some(json!("7")));
    assert_eq!(sent_id(0_i32).await, Some(json!("0")));
    assert_eq!(
        sent_id(usize::MAX).await,
        Some(json!(usize::MAX.to_string()))
    );
}

#[tokio::test]
async fn negative_distinct_id_keeps_its_sign() {
    assert_eq!(sent_id(-17_i64).await, Some(json!("-17")));
    assert_eq!(sent_id(i8::MIN).await, Some(json!("-128")));
}

#[tokio::test]
async fn i128_and_u128_distinct_ids_are_sent_in_full() {
    assert_eq!(
        sent_id(u128::MAX).await,
        Some(json!("340282366920938463463374607431768211455"))
    );
    assert_eq!(
        sent_id(i128::MIN).await,
        Some(json!("-170141183460469231731687303715884105728"))
    );
}

#[tokio::test]
async fn distinct_id_accepts_string_string_ref_and_str() {
    let owned = String::from(" user-7 ");
    assert_eq!(sent_id(&owned).await, Some(json!("user-7")));
    assert_eq!(sent_id(owned.as_str()).await, Some(json!("user-7")));
    assert_eq!(sent_id(owned).await, Some(json!("user-7")));
    assert_eq!(
        sent_id(umami::DistinctId::from(" 9 ")).await,
        Some(json!("9"))
    );
}

#[tokio::test]
async fn distinct_id_of_fifty_chars_is_sent() {
    let id = "u".repeat(50);
    assert_eq!(sent_id(id.as_str()).await, Some(json!(id)));
}

// ---- page views ----

#[tokio::test]
async fn page_view_has_no_name_and_no_data() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_page_view("Checkout", "/checkout")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        json!({
            "type": "event",
            "payload": {
                "website": WEBSITE_ID,
                "hostname": HOST,
                "language": "en-US",
                "screen": "1920x1080",
                "url": "/checkout",
                "referrer": "",
                "title": "Checkout",
            }
        })
    );
}

#[tokio::test]
async fn page_view_takes_the_common_setters() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_page_view("Pricing", "https://example.com/pricing")
        .referrer("https://search.example/?q=umami")
        .language("it-IT")
        .screen("800x600")
        .distinct_id(5_u16)
        .ip_address("192.0.2.1")
        .user_agent("Mozilla/5.0 (Android 14) Chrome/126.0")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        json!({
            "type": "event",
            "payload": {
                "website": WEBSITE_ID,
                "hostname": HOST,
                "language": "it-IT",
                "screen": "800x600",
                "url": "https://example.com/pricing",
                "referrer": "https://search.example/?q=umami",
                "title": "Pricing",
                "id": "5",
                "ip": "192.0.2.1",
                "userAgent": "Mozilla/5.0 (Android 14) Chrome/126.0",
            }
        })
    );
}

// ---- revenue ----

#[tokio::test]
async fn revenue_event_merges_revenue_and_currency_into_data() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_revenue_event(19.99, "USD")
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
}

#[tokio::test]
async fn revenue_event_without_custom_data() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_revenue_event(0.0, "EUR")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with(
            "revenue",
            json!({"data": {"revenue": 0.0, "currency": "EUR"}})
        )
    );
}

#[tokio::test]
async fn revenue_event_name_can_be_overridden() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_revenue_event(5.0, "CHF")
        .event_name("checkout-paid")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with(
            "checkout-paid",
            json!({"data": {"revenue": 5.0, "currency": "CHF"}})
        )
    );
}

#[tokio::test]
async fn revenue_and_currency_win_over_same_named_custom_data() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_revenue_event(12.5, " GBP ")
        .custom_data(json!({"revenue": "ignored", "currency": "XXX", "order": 7}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with(
            "revenue",
            json!({"data": {"revenue": 12.5, "currency": "GBP", "order": 7}})
        )
    );
}

// ---- identify ----

#[tokio::test]
async fn identify_sends_type_identify_with_id_and_data() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .identify("user-42")
        .data(json!({"plan": "pro", "seats": 3}))
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
                "id": "user-42",
                "data": {"plan": "pro", "seats": 3},
            }
        })
    );
}

#[tokio::test]
async fn identify_with_an_integer_id_and_no_data() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server).identify(1234_u32).send().await.unwrap();
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
                "id": "1234",
            }
        })
    );
}

// ---- Umami Cloud ----

#[test]
fn cloud_client_sends_to_cloud_umami_is_by_default() {
    let client = umami::Client::builder()
        .cloud_api_key("api_test_key")
        .build()
        .unwrap();
    assert!(client.is_cloud());
    assert_eq!(client.send_url(), "https://cloud.umami.is/api/send");
}

#[test]
fn cloud_region_does_not_change_the_send_url() {
    let client = umami::Client::builder()
        .cloud_api_key("api_test_key")
        .cloud_region(umami::CloudRegion::Eu)
        .build()
        .unwrap();
    assert_eq!(client.send_url(), "https://cloud.umami.is/api/send");
}

#[tokio::test]
async fn cloud_send_goes_to_api_send_without_the_api_key() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let client = umami::Client::builder()
        .cloud_api_key("api_test_key_do_not_send")
        .cloud_send_base(server.uri())
        .website_id(WEBSITE_ID)
        .hostname(HOST)
        .build()
        .unwrap();
    assert_eq!(client.send_url(), format!("{}/api/send", server.uri()));
    client.new_event("Signup").send().await.unwrap();
    // sent_body also checks that neither x-umami-api-key nor authorization was sent.
    let body = sent_body(&server).await;
    assert_eq!(body, default_event("Signup"));
    let raw = server.received_requests().await.unwrap();
    for (name, value) in raw[0].headers.iter() {
        assert!(
            !value.as_bytes().windows(8).any(|w| w == b"api_test"),
            "header {name} carries the API key"
        );
    }
}

#[tokio::test]
async fn self_hosted_base_with_trailing_slash_sends_to_api_send() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let client = umami::Client::builder()
        .url_base(format!("{}/", server.uri()))
        .website_id(WEBSITE_ID)
        .hostname(HOST)
        .build()
        .unwrap();
    client.new_event("Signup").send().await.unwrap();
    assert_eq!(sent_body(&server).await, default_event("Signup"));
}

#[tokio::test]
async fn clones_share_one_connection_and_send_alike() {
    let server = MockServer::start().await;
    accept_sends(&server, 2).await;
    let a = client(&server);
    let b = a.clone();
    a.new_event("One").send().await.unwrap();
    b.new_event("Two").send().await.unwrap();
    assert_eq!(
        sent_bodies(&server).await,
        vec![default_event("One"), default_event("Two")]
    );
}

#[tokio::test]
async fn prepared_hit_sends_the_same_body_as_send() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let client = client(&server);
    let hit = client
        .new_event("Signup")
        .distinct_id(3_i16)
        .prepare()
        .unwrap();
    let expected = event_with("Signup", json!({"id": "3"}));
    assert_eq!(hit.to_json(), expected);
    client.send_hit(&hit).await.unwrap();
    assert_eq!(sent_body(&server).await, expected);
}

#[tokio::test]
async fn cache_token_is_echoed_only_when_given() {
    let server = MockServer::start().await;
    accept_sends(&server, 2).await;
    let client = client(&server);
    let hit = client.new_event("Signup").prepare().unwrap();
    let first = client.send_hit(&hit).await.unwrap();
    client
        .send_hit_with_cache(&hit, first.cache())
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers.get("x-umami-cache"), None);
    assert_eq!(
        requests[1]
            .headers
            .get("x-umami-cache")
            .map(|v| v.to_str().unwrap()),
        Some("cache-token")
    );
}

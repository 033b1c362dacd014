//! The collector and Umami 3.0.2–3.1's newer payload keys, over real HTTP: `browser`, `os`,
//! `device` overrides stored on the session, `performance` hits stored as event type 5, a
//! `umami_test::Hit` accessor for every payload key, database-column overflows answered 500, and
//! zod's limits counted in UTF-16 units.

use std::time::{Duration, UNIX_EPOCH};

use serde_json::{Value, json};
use umami_test::{Collector, DEFAULT_PASSWORD, DEFAULT_USERNAME};

const SITE: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";
const BROWSER_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                          (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

async fn send(collector: &Collector, body: &Value) -> (u16, Value) {
    let response = http()
        .post(format!("{}/api/send", collector.url()))
        .header("content-type", "application/json")
        .header("user-agent", BROWSER_UA)
        .body(body.to_string())
        .send()
        .await
        .expect("the collector answers");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn read(collector: &Collector, path_and_query: &str) -> Value {
    let login = http()
        .post(format!("{}/api/auth/login", collector.url()))
        .body(json!({"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD}).to_string())
        .send()
        .await
        .unwrap();
    let token: Value = serde_json::from_str(&login.text().await.unwrap()).unwrap();
    let response = http()
        .get(format!("{}{path_and_query}", collector.url()))
        .bearer_auth(token["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    serde_json::from_str(&response.text().await.unwrap()).unwrap()
}

fn range() -> String {
    format!("startAt=0&endAt={}", 4_102_444_800_000_u64)
}

#[tokio::test]
async fn performance_hits_are_stored_as_event_type_5() {
    let collector = Collector::start().await.unwrap();
    let body = json!({"type": "performance", "payload": {
        "website": SITE, "hostname": "example.com", "url": "/docs?x=1", "title": "Docs",
        "referrer": "https://google.com/", "lcp": 1850.4, "inp": 96, "cls": 0.02,
        "fcp": 820.1, "ttfb": 180.3
    }});
    let (status, answer) = send(&collector, &body).await;
    assert_eq!(status, 200, "{answer}");
    let hits = collector.hits();
    let hit = &hits[0];
    assert!(hit.is_performance());
    assert_eq!(hit.event_type(), Some(5));
    assert_eq!(
        (hit.lcp(), hit.inp(), hit.cls(), hit.fcp(), hit.ttfb()),
        (
            Some(1850.4),
            Some(96.0),
            Some(0.02),
            Some(820.1),
            Some(180.3)
        )
    );
    let events = read(
        &collector,
        &format!("/api/websites/{SITE}/events?{}", range()),
    )
    .await;
    let row = &events["data"][0];
    // As recorded 323: no hostname, query or referrer on a performance row.
    assert_eq!(row["eventType"], 5);
    assert_eq!(row["urlPath"], "/docs");
    assert_eq!(row["pageTitle"], "Docs");
    for key in [
        "hostname",
        "urlQuery",
        "referrerPath",
        "referrerQuery",
        "referrerDomain",
        "eventName",
    ] {
        assert_eq!(row[key], Value::Null, "{key}");
    }
    assert_eq!(row["hasData"], false);
    // Performance rows are neither page views nor custom events.
    let stats = read(
        &collector,
        &format!("/api/websites/{SITE}/stats?{}", range()),
    )
    .await;
    assert_eq!(stats["pageviews"], 0, "{stats}");
}

#[tokio::test]
async fn web_vitals_out_of_range_are_refused_in_zods_words() {
    let collector = Collector::start().await.unwrap();
    for (key, value, text) in [
        (
            "lcp",
            json!(60_000.5),
            "Too big: expected number to be <=60000",
        ),
        ("ttfb", json!(-1), "Too small: expected number to be >=0"),
        ("cls", json!(100.01), "Too big: expected number to be <=100"),
    ] {
        let body = json!({"type": "performance", "payload": {"website": SITE, key: value}});
        let (status, answer) = send(&collector, &body).await;
        assert_eq!(status, 400);
        assert_eq!(
            answer["error"]["properties"]["payload"]["properties"][key]["errors"],
            json!([text])
        );
    }
    for (key, value) in [("lcp", 60_000.0), ("inp", 0.0), ("cls", 100.0)] {
        let body = json!({"type": "performance", "payload": {"website": SITE, key: value}});
        assert_eq!(send(&collector, &body).await.0, 200, "{key}");
    }
    assert_eq!(collector.hits().len(), 3);
}

#[tokio::test]
async fn browser_os_device_overrides_are_stored_on_the_session() {
    let collector = Collector::start().await.unwrap();
    let body = json!({"type": "event", "payload": {
        "website": SITE, "hostname": "example.com", "url": "/pricing",
        "browser": "brave", "os": "Chrome OS", "device": "tablet"
    }});
    let (status, answer) = send(&collector, &body).await;
    assert_eq!(status, 200);
    let hit = &collector.hits()[0];
    assert_eq!(
        (hit.browser(), hit.os(), hit.device()),
        (Some("brave"), Some("Chrome OS"), Some("tablet"))
    );
    let session_id = answer["sessionId"].as_str().unwrap();
    let session = read(
        &collector,
        &format!("/api/websites/{SITE}/sessions/{session_id}"),
    )
    .await;
    assert_eq!(
        (&session["browser"], &session["os"], &session["device"]),
        (&json!("brave"), &json!("Chrome OS"), &json!("tablet"))
    );
    let events = read(
        &collector,
        &format!("/api/websites/{SITE}/events?{}", range()),
    )
    .await;
    assert_eq!(events["data"][0]["browser"], "brave");
    // 20 characters fit the column, astral ones included (20 code points, 40 UTF-16 units).
    let at_limit = json!({"type": "event", "payload": {"website": SITE, "os": "😀".repeat(20)}});
    assert_eq!(send(&collector, &at_limit).await.0, 200);
}

#[tokio::test]
async fn every_payload_key_has_an_accessor() {
    let collector = Collector::start().await.unwrap();
    let body = json!({"type": "event", "payload": {
        "website": SITE, "hostname": "example.com", "language": "de-DE", "screen": "390x844",
        "url": "/a", "referrer": "/b", "title": "T", "name": "n", "tag": "ab-a",
        "data": {"k": 1}, "id": "user-1", "ip": "203.0.113.9", "userAgent": BROWSER_UA,
        "timestamp": 1_700_000_000, "browser": "firefox", "os": "Linux", "device": "desktop"
    }});
    assert_eq!(send(&collector, &body).await.0, 200);
    let hit = &collector.hits()[0];
    assert_eq!(hit.website_id(), Some(SITE));
    assert_eq!(hit.link_id(), None);
    assert_eq!(hit.pixel_id(), None);
    assert_eq!(hit.hostname(), Some("example.com"));
    assert_eq!(hit.language(), Some("de-DE"));
    assert_eq!(hit.screen(), Some("390x844"));
    assert_eq!(hit.url(), Some("/a"));
    assert_eq!(hit.referrer(), Some("/b"));
    assert_eq!(hit.title(), Some("T"));
    assert_eq!(hit.event_name(), Some("n"));
    assert_eq!(hit.tag(), Some("ab-a"));
    assert_eq!(hit.data(), json!({"k": 1}).as_object());
    assert_eq!(hit.stored_data(), json!({"k": 1}).as_object());
    assert!(hit.data_stored());
    assert_eq!(hit.distinct_id(), Some("user-1"));
    assert_eq!(hit.payload_ip(), Some("203.0.113.9"));
    assert_eq!(hit.payload_user_agent(), Some(BROWSER_UA));
    assert_eq!(hit.timestamp(), Some(&json!(1_700_000_000)));
    assert_eq!(
        hit.created_at(),
        UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    );
    assert_eq!(
        (hit.browser(), hit.os(), hit.device()),
        (Some("firefox"), Some("Linux"), Some("desktop"))
    );
    assert_eq!(hit.event_type(), Some(2));
    assert_eq!((hit.lcp(), hit.cls()), (None, None));

    let pixel = json!({"type": "event", "payload": {"pixel": SITE}});
    assert_eq!(send(&collector, &pixel).await.0, 200);
    assert_eq!(collector.hits()[1].pixel_id(), Some(SITE));
    assert_eq!(collector.hits()[1].event_type(), Some(4));
    let identify = json!({"type": "identify", "payload": {"website": SITE, "id": "u"}});
    assert_eq!(send(&collector, &identify).await.0, 200);
    assert_eq!(collector.hits()[2].event_type(), None);
}

#[tokio::test]
async fn zod_limits_count_utf16_units() {
    let collector = Collector::start().await.unwrap();
    // 25 emoji are 50 units: stored; 25 emoji and a letter are 51: refused.
    for (name, status) in [
        ("😀".repeat(25), 200),
        (format!("{}a", "😀".repeat(25)), 400),
        ("😀".repeat(26), 400),
    ] {
        let body = json!({"type": "event", "payload": {"website": SITE, "name": name}});
        let (got, answer) = send(&collector, &body).await;
        assert_eq!(got, status, "{answer}");
        if status == 400 {
            assert_eq!(
                answer["error"]["properties"]["payload"]["properties"]["name"]["errors"],
                json!(["Too big: expected string to have <=50 characters"])
            );
        }
    }
}

#[tokio::test]
async fn timestamps_beyond_the_safe_integers_are_refused_and_zero_means_now() {
    let collector = Collector::start().await.unwrap();
    let body = |ts: Value| json!({"type": "event", "payload": {"website": SITE, "timestamp": ts}});
    let (status, answer) = send(&collector, &body(json!(9_007_199_254_740_992_u64))).await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["error"]["properties"]["payload"]["properties"]["timestamp"]["errors"],
        json!(["Too big: expected int to be <=9007199254740991"])
    );
    assert_eq!(send(&collector, &body(json!(1_700_000_000))).await.0, 200);
    // `timestamp: 0` is falsy: the hit gets the server's time (recorded 064).
    let before = std::time::SystemTime::now();
    assert_eq!(send(&collector, &body(json!(0))).await.0, 200);
    assert!(collector.hits()[1].created_at() >= before - Duration::from_secs(1));
}

#[tokio::test]
async fn column_overflows_answer_500_and_store_what_umami_stores() {
    let collector = Collector::start().await.unwrap();
    let event = |extra: Value| {
        let mut payload = json!({"website": SITE, "url": "/", "name": "e"});
        for (k, v) in extra.as_object().unwrap() {
            payload[k] = v.clone();
        }
        json!({"type": "event", "payload": payload})
    };
    // A utm parameter over its varchar(255): the event insert fails, nothing stored.
    let url = format!("/landing?utm_campaign={}&x=1", "c".repeat(256));
    let (status, answer) = send(&collector, &event(json!({"url": url}))).await;
    assert_eq!(status, 500);
    assert_eq!(answer["error"]["message"], "Server error");
    assert_eq!(answer["error"]["code"], "server-error");
    assert_eq!(answer["error"]["errorObject"]["code"], "P2000");
    assert_eq!(
        answer["error"]["errorObject"]["meta"]["modelName"],
        "WebsiteEvent"
    );
    assert!(collector.hits().is_empty());
    // 255 astral characters are 255 code points: they fit.
    let url = format!("/landing?utm_campaign={}", "😀".repeat(255));
    assert_eq!(send(&collector, &event(json!({"url": url}))).await.0, 200);
    // A currency over its varchar(10), with a revenue row to write: the event and its data
    // are stored, the revenue row fails.
    let (status, answer) = send(
        &collector,
        &event(json!({"data": {"revenue": 19.99, "currency": "EUROS-EURO"}})),
    )
    .await;
    assert_eq!(status, 200, "10 characters fit: {answer}");
    let (status, answer) = send(
        &collector,
        &event(json!({"data": {"revenue": 19.99, "currency": "EUROS-EUROS"}})),
    )
    .await;
    assert_eq!(status, 500);
    assert_eq!(
        answer["error"]["errorObject"]["meta"]["modelName"],
        "Revenue"
    );
    let hits = collector.hits();
    assert_eq!(hits.len(), 3);
    assert!(hits[2].data_stored());
    // A data key over 500 code points: the event is stored without its data.
    let long_key = json!({"data": {"k".repeat(501): 1}});
    assert_eq!(send(&collector, &event(long_key)).await.0, 500);
    let hits = collector.hits();
    assert_eq!(hits.len(), 4);
    assert!(!hits[3].data_stored());
    let events = read(
        &collector,
        &format!("/api/websites/{SITE}/events?{}", range()),
    )
    .await;
    assert_eq!(events["data"][0]["hasData"], false, "{events}");
}

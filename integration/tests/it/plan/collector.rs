//! Plans against the embedded collector: events sent over real HTTP, stored as Umami 3.1
//! stores them, read back through the read API's answers (`metrics?type=event`,
//! `event-data/properties`, `event-data/{eventId}`) and compared with the plan. The kind the
//! plan gives every key is the kind the collector stores.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::{Value, json};
use umami::UmamiEvent;
use umami::plan::{Kind, Plan, StoredData};
use umami_integration::WEBSITE_ID;
use umami_test::{Collector, DEFAULT_PASSWORD, DEFAULT_USERNAME};

const WAIT: Duration = Duration::from_secs(5);

#[derive(UmamiEvent, Serialize)]
struct Player {
    width: u32,
    muted: bool,
    label: Option<String>,
}

#[derive(UmamiEvent)]
#[umami(
    name = "video-play",
    url = "/videos/{video_id}",
    rename_all = "camelCase"
)]
struct VideoPlay {
    video_id: String,
    position: f64,
    autoplay: bool,
    tags: Vec<String>,
    player: Player,
    #[umami(flatten)]
    size: Player,
    played_at: SystemTime,
    #[umami(kind = "date")]
    started_at: String,
    quality: Option<String>,
    counters: BTreeMap<String, u32>,
    #[umami(distinct_id)]
    user: u64,
    #[umami(skip)]
    _internal: Vec<u8>,
}

#[derive(UmamiEvent)]
#[umami(name = "signup")]
struct Signup {
    plan: String,
    seats: u32,
}

#[derive(UmamiEvent)]
#[umami(url = "/app", rename_all = "camelCase")]
enum AppEvent {
    #[umami(name = "app-opened")]
    Opened,
    #[umami(name = "search")]
    Searched {
        query_text: String,
        result_count: u32,
    },
    Signup(Signup),
}

fn plan() -> Plan {
    Plan::new()
        .event::<VideoPlay>()
        .and_then(|p| p.event::<AppEvent>())
        .unwrap()
}

fn client(collector: &Collector) -> umami::Client {
    collector
        .client_builder()
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .build()
        .unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// `GET path` on the collector with a fresh login's token; the JSON body.
async fn read(collector: &Collector, path_and_query: &str) -> Value {
    let login = http()
        .post(format!("{}/api/auth/login", collector.url()))
        .header("content-type", "application/json")
        .body(json!({"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD}).to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let login: Value = serde_json::from_str(&login).unwrap();
    let token = login["token"].as_str().unwrap();
    let response = http()
        .get(format!("{}{path_and_query}", collector.url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200, "{path_and_query}");
    serde_json::from_str(&response.text().await.unwrap()).unwrap()
}

/// What the collector stored, read as the drift check reads a real Umami.
async fn stored(collector: &Collector, hits: usize) -> StoredData {
    let hits = collector.wait_for_hits(hits, WAIT).await.unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let range = format!("startAt=0&endAt={}", now + 3_600_000);
    let site = format!("/api/websites/{WEBSITE_ID}");
    let metrics = read(collector, &format!("{site}/metrics?type=event&{range}")).await;
    let properties = read(collector, &format!("{site}/event-data/properties?{range}")).await;
    let mut stored = StoredData::from_answers(&metrics, &properties).unwrap();
    for hit in &hits {
        let rows = read(collector, &format!("{site}/event-data/{}", hit.event_id())).await;
        stored = stored.with_event_rows(&rows).unwrap();
    }
    stored
}

fn video_play(quality: Option<&str>, label: Option<&str>) -> VideoPlay {
    VideoPlay {
        video_id: "v-1".into(),
        position: 12.5,
        autoplay: false,
        tags: vec!["intro".into()],
        player: Player {
            width: 1280,
            muted: true,
            label: label.map(str::to_owned),
        },
        size: Player {
            width: 640,
            muted: false,
            label: None,
        },
        played_at: UNIX_EPOCH + Duration::from_millis(1_796_000_000_123),
        started_at: "2026-11-30T12:34:56.789Z".into(),
        quality: quality.map(str::to_owned),
        counters: BTreeMap::from([("likes".to_owned(), 3)]),
        user: 42,
        _internal: vec![],
    }
}

async fn send_planned(client: &umami::Client) {
    video_play(Some("hd"), Some("main"))
        .send(client)
        .await
        .unwrap();
    // `None` at the top level is left out; inside the nested player it is a stored `null`.
    video_play(None, None).send(client).await.unwrap();
    AppEvent::Opened.send(client).await.unwrap();
    AppEvent::Searched {
        query_text: "rust".into(),
        result_count: 3,
    }
    .send(client)
    .await
    .unwrap();
    AppEvent::Signup(Signup {
        plan: "pro".into(),
        seats: 2,
    })
    .send(client)
    .await
    .unwrap();
}

/// (key, kinds) of a stored event.
fn kinds(stored: &StoredData, event: &str) -> Vec<(String, Vec<Kind>)> {
    stored
        .event(event)
        .unwrap()
        .keys
        .iter()
        .map(|(k, v)| (k.clone(), v.kinds.iter().copied().collect()))
        .collect()
}

#[tokio::test]
async fn every_planned_kind_is_the_kind_the_collector_stores() {
    let collector = Collector::start().await.unwrap();
    send_planned(&client(&collector)).await;
    let stored = stored(&collector, 5).await;

    // What the collector stored, key by key (so that the clean report below is not empty).
    use Kind::{Array, Boolean, Date, Number, Text};
    let k = |key: &str, kinds: &[Kind]| (key.to_owned(), kinds.to_vec());
    assert_eq!(
        kinds(&stored, "video-play"),
        [
            k("autoplay", &[Boolean]),
            k("counters.likes", &[Number]),
            k("muted", &[Boolean]),
            k("playedAt.nanos_since_epoch", &[Number]),
            k("playedAt.secs_since_epoch", &[Number]),
            k("player.label", &[Text, Array]),
            k("player.muted", &[Boolean]),
            k("player.width", &[Number]),
            k("position", &[Number]),
            k("quality", &[Text]),
            k("startedAt", &[Date]),
            k("tags", &[Array]),
            k("videoId", &[Text]),
            k("width", &[Number]),
        ]
    );
    assert_eq!(
        kinds(&stored, "search"),
        [k("queryText", &[Text]), k("resultCount", &[Number])]
    );
    assert_eq!(
        kinds(&stored, "signup"),
        [k("plan", &[Text]), k("seats", &[Number])]
    );
    assert_eq!(stored.event("app-opened").unwrap().count, 1);
    assert_eq!(stored.event("video-play").unwrap().count, 2);

    plan().drift(&stored).assert_clean();
}

#[tokio::test]
async fn a_drifting_client_is_reported_exactly() {
    let collector = Collector::start().await.unwrap();
    let client = client(&collector);
    send_planned(&client).await;
    // Another client sends `signup` with `seats` as a string, a key nobody planned, and an
    // event of its own.
    client
        .new_event("signup")
        .custom_data(json!({"plan": "pro", "seats": "3", "referrer": "ad"}))
        .send()
        .await
        .unwrap();
    client.new_event("legacy-click").send().await.unwrap();
    let stored = stored(&collector, 7).await;

    let report = plan().drift(&stored);
    assert_eq!(
        report.to_string(),
        "the plan and what Umami stored differ (3 findings)\n\
         events stored but not planned:\n  \
         - legacy-click (1 stored)\n\
         keys stored but not planned:\n  \
         - signup.referrer (string, on 1 event)\n\
         keys stored with another kind than planned:\n  \
         - signup.seats: planned number, stored string\n"
    );
}

//! Hits with their own User-Agent and Umami's bot filter. With the crate's own check off
//! (`bot_check(BotCheck::Off)`), the dispatcher sends them through `/api/send`, where a filtered hit
//! is visible, so that none is counted as sent while nothing was stored. With it on (the
//! default with feature `bot-filter`), hits that pass go in batches, a bot's page view is not
//! sent, and a bot-like visitor's event follows the `BotPolicy`. Against the crate's
//! collector, which applies isbot's patterns to `payload.userAgent` as Umami does.

use std::time::Duration;

use serde_json::json;
use umami::dispatch::{BotCheck, BotPolicy, FailReason, Routing};
use umami::{Client, Dispatcher};
use umami_integration::WEBSITE_ID;
use umami_test::Collector;

const BOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                       (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const LONG: Duration = Duration::from_secs(60);

fn client(collector: &Collector) -> Client {
    collector
        .client_builder()
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .build()
        .unwrap()
}

fn event(client: &Client, seq: u64) -> umami::hit::NewEvent {
    client
        .new_event("Purchase-Course")
        .custom_data(json!({ "seq": seq }))
}

fn seqs(hits: &[umami_test::Hit], path: &str) -> Vec<u64> {
    let mut seqs: Vec<u64> = hits
        .iter()
        .filter(|h| h.path() == path)
        .map(|h| h.body()["payload"]["data"]["seq"].as_u64().unwrap())
        .collect();
    seqs.sort_unstable();
    seqs
}

#[tokio::test]
async fn bot_user_agent_hit_is_reported_as_bot_filtered() {
    let collector = Collector::start().await.unwrap();
    let client = client(&collector);
    let dispatcher = Dispatcher::builder(client.clone())
        .bot_check(BotCheck::Off)
        .build()
        .unwrap();
    dispatcher.track_hit(event(&client, 0)).unwrap();
    dispatcher
        .track_hit(event(&client, 1).user_agent(BOT))
        .unwrap();
    dispatcher
        .track_hit(event(&client, 2).user_agent(BROWSER))
        .unwrap();
    let report = dispatcher.shutdown(LONG).await;

    assert_eq!(report.stats.sent, 2, "{report}");
    assert_eq!(report.stats.failed.bot_filtered, 1, "{report}");
    assert_eq!(report.stats.failed.total(), 1);
    assert_eq!(report.stats.retried, 0, "a filtered hit is not retried");
    assert_eq!(report.stats.recent_failures.len(), 1);
    assert_eq!(
        report.stats.recent_failures[0].reason,
        FailReason::BotFiltered
    );
    assert!(
        report.to_string().contains("dropped by the bot filter"),
        "{report}"
    );

    let hits = collector.hits();
    // The hit without its own User-Agent is batched; the two with one go singly.
    assert_eq!(seqs(&hits, "/api/batch"), [0]);
    assert_eq!(seqs(&hits, "/api/send"), [2]);
    let browser = hits.iter().find(|h| h.path() == "/api/send").unwrap();
    assert_eq!(browser.body()["payload"]["userAgent"], BROWSER);
    assert_eq!(browser.user_agent_header(), Some(umami::DEFAULT_USER_AGENT));

    // The bot hit reached /api/send exactly once, with its userAgent, and got the bot answer.
    let sends: Vec<_> = collector
        .requests()
        .into_iter()
        .filter(|r| r.path() == "/api/send")
        .collect();
    assert_eq!(sends.len(), 2);
    let bot = sends
        .iter()
        .find(|r| r.json().unwrap()["payload"]["userAgent"] == BOT)
        .expect("the bot hit was sent");
    assert_eq!(bot.status(), 200);
    assert_eq!(bot.response_json(), Some(json!({"beep": "boop"})));
    collector.shutdown().await;
}

#[tokio::test]
async fn browser_user_agent_hits_are_delivered_singly() {
    let collector = Collector::start().await.unwrap();
    let client = client(&collector);
    let dispatcher = Dispatcher::builder(client.clone())
        .bot_check(BotCheck::Off)
        .build()
        .unwrap();
    for seq in 0..5 {
        dispatcher
            .track_hit(event(&client, seq).user_agent(BROWSER))
            .unwrap();
    }
    let report = dispatcher.shutdown(LONG).await;

    assert_eq!(report.stats.sent, 5, "{report}");
    assert_eq!(report.stats.failed.total(), 0);
    let hits = collector.hits();
    assert_eq!(seqs(&hits, "/api/send"), [0, 1, 2, 3, 4]);
    assert!(
        collector.requests().iter().all(|r| r.path() == "/api/send"),
        "no batch request"
    );
    collector.shutdown().await;
}

/// The documented price of `Routing::BatchAll`: `/api/batch` does not list a
/// filtered item, so the dispatcher counts it as sent though the server stored nothing.
#[tokio::test]
async fn batching_user_agent_hits_when_asked_counts_filtered_hits_as_sent() {
    let collector = Collector::start().await.unwrap();
    let client = client(&collector);
    let dispatcher = Dispatcher::builder(client.clone())
        .bot_check(BotCheck::Off)
        .routing(Routing::BatchAll)
        .build()
        .unwrap();
    dispatcher
        .track_hit(event(&client, 0).user_agent(BOT))
        .unwrap();
    dispatcher
        .track_hit(event(&client, 1).user_agent(BROWSER))
        .unwrap();
    let report = dispatcher.shutdown(LONG).await;

    assert_eq!(report.stats.sent, 2, "{report}");
    assert_eq!(report.stats.failed.total(), 0);
    assert_eq!(report.stats.requests, 1);
    let hits = collector.hits();
    assert_eq!(seqs(&hits, "/api/batch"), [1]);
    assert_eq!(hits.len(), 1);
    collector.shutdown().await;
}

/// With the crate's own check (the default), hits whose User-Agent passes go in one batch,
/// each with its own `userAgent`, and every one is stored.
#[tokio::test]
async fn checked_user_agent_hits_are_batched() {
    let collector = Collector::start().await.unwrap();
    let client = client(&collector);
    let dispatcher = Dispatcher::builder(client.clone()).build().unwrap();
    for seq in 0..50 {
        dispatcher
            .track_hit(event(&client, seq).user_agent(BROWSER))
            .unwrap();
    }
    let report = dispatcher.shutdown(LONG).await;
    assert_eq!(report.stats.sent, 50, "{report}");
    assert_eq!(
        report.stats.requests, 1,
        "one batch, not 50 sends: {report}"
    );
    let hits = collector.hits();
    assert_eq!(seqs(&hits, "/api/batch"), (0..50).collect::<Vec<_>>());
    assert!(
        hits.iter()
            .all(|h| h.body()["payload"]["userAgent"] == BROWSER)
    );
}

/// A bot's page view is not sent at all (counted as bot-filtered); its purchase is sent with
/// the client's own User-Agent and stored, keeping its ip and data.
#[tokio::test]
async fn a_bots_page_view_is_not_sent_and_its_event_is_sent_with_the_clients_agent() {
    let collector = Collector::start().await.unwrap();
    let client = client(&collector);
    let dispatcher = Dispatcher::builder(client.clone()).build().unwrap();
    dispatcher
        .track_hit(
            client
                .new_page_view("Home", "/")
                .user_agent("okhttp/4.12.0"),
        )
        .unwrap();
    dispatcher
        .track_hit(
            event(&client, 7)
                .user_agent("okhttp/4.12.0")
                .ip_address("203.0.113.9"),
        )
        .unwrap();
    let report = dispatcher.shutdown(LONG).await;
    assert_eq!(report.stats.tracked, 2, "{report}");
    assert_eq!(report.stats.sent, 1, "{report}");
    assert_eq!(report.stats.failed.bot_filtered, 1, "{report}");
    assert!(
        report.stats.recent_failures[0]
            .message
            .contains("okhttp/4.12.0"),
        "{:?}",
        report.stats.recent_failures
    );
    let hits = collector.hits();
    assert_eq!(hits.len(), 1, "{hits:?}");
    let payload = &hits[0].body()["payload"];
    assert_eq!(payload["data"]["seq"], 7);
    assert_eq!(payload["ip"], "203.0.113.9");
    assert!(payload.get("userAgent").is_none(), "{payload}");
    assert_eq!(hits[0].user_agent_header(), Some(umami::DEFAULT_USER_AGENT));
}

#[tokio::test]
async fn the_drop_policy_sends_no_bot_event() {
    let collector = Collector::start().await.unwrap();
    let client = client(&collector);
    let dispatcher = Dispatcher::builder(client.clone())
        .bot_policy(BotPolicy::Drop)
        .build()
        .unwrap();
    dispatcher
        .track_hit(event(&client, 1).user_agent(BOT))
        .unwrap();
    dispatcher.track_hit(event(&client, 2)).unwrap();
    let report = dispatcher.shutdown(LONG).await;
    assert_eq!(
        (report.stats.sent, report.stats.failed.bot_filtered),
        (1, 1),
        "{report}"
    );
    assert_eq!(seqs(&collector.hits(), "/api/batch"), [2]);
}

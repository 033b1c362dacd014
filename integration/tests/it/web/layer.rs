//! `umami::web` over real HTTP: an axum app (and a plain hyper + tower one) with the layer
//! serves real requests on a real socket; the embedded collector receives the hits.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::json;
use umami::dispatch::{BotCheck, BotPolicy, DispatcherBuilder};
use umami::web::{
    ClientIpConfig, ContextConfig, ProxyHeader, QueryMode, RequestFilter, RequestVisitor,
    UmamiLayer,
};
use umami::{Dispatcher, UmamiEvent};
use umami_test::{Collector, Hit};

const WEBSITE: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15";

#[derive(UmamiEvent)]
#[umami(name = "Purchase", url = "/checkout")]
struct Purchase {
    plan: String,
    cents: u32,
}

struct App {
    collector: Collector,
    dispatcher: Dispatcher,
    layer: UmamiLayer,
    base: String,
    http: reqwest::Client,
}

impl App {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> StatusCode {
        let mut request = self.http.get(self.url(path));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let status = request.send().await.expect("request").status().as_u16();
        StatusCode::from_u16(status).expect("status")
    }

    /// Everything the layer queued, as the collector stored it.
    async fn hits(&self) -> Vec<Hit> {
        tokio::time::timeout(Duration::from_secs(10), self.dispatcher.flush())
            .await
            .expect("flush");
        self.collector.hits()
    }
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder().build().expect("reqwest client")
}

async fn checkout(visitor: RequestVisitor) -> Result<&'static str, StatusCode> {
    visitor
        .track(&Purchase {
            plan: "pro".into(),
            cents: 1900,
        })
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok("thanks")
}

async fn maybe_visitor(visitor: Option<RequestVisitor>) -> &'static str {
    if visitor.is_some() {
        "layer"
    } else {
        "no layer"
    }
}

fn routes() -> Router {
    Router::new()
        .route("/", get(|| async { "home" }))
        .route(
            "/products/{id}",
            get(|Path(id): Path<u32>| async move { format!("product {id}") }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route("/static/app.js", get(|| async { "js" }))
        .route("/boom", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .route("/cached", get(|| async { StatusCode::NOT_MODIFIED }))
        .route("/checkout", post(checkout))
        .route("/optional", get(maybe_visitor))
}

async fn start(hostname: Option<&str>, configure: impl FnOnce(UmamiLayer) -> UmamiLayer) -> App {
    start_with(hostname, |d| d, configure).await
}

/// As [`start`], with the dispatcher's settings changed by `dispatcher`.
async fn start_with(
    hostname: Option<&str>,
    dispatcher: impl FnOnce(DispatcherBuilder) -> DispatcherBuilder,
    configure: impl FnOnce(UmamiLayer) -> UmamiLayer,
) -> App {
    let collector = Collector::start().await.expect("collector");
    let mut builder = collector.client_builder().website_id(WEBSITE);
    if let Some(h) = hostname {
        builder = builder.hostname(h);
    }
    let client = builder.build().expect("client");
    let dispatcher = dispatcher(Dispatcher::builder(client))
        .flush_interval(Duration::from_millis(10))
        .build()
        .expect("dispatcher");
    let layer = configure(UmamiLayer::new(dispatcher.clone()));
    let app = routes().layer(layer.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    App {
        collector,
        dispatcher,
        layer,
        base: format!("http://{addr}"),
        http: http_client(),
    }
}

fn language(hit: &Hit) -> Option<&str> {
    hit.payload().get("language").and_then(|v| v.as_str())
}

#[tokio::test]
async fn a_page_view_carries_the_visitors_url_user_agent_ip_language_referrer_and_hostname() {
    let app = start(None, |l| l).await;
    let status = app
        .get(
            "/products/7?utm_source=news&email=a%40b.example&utm_medium=mail",
            &[
                ("user-agent", FIREFOX),
                ("accept-language", "de-CH,de;q=0.9,en;q=0.5"),
                ("referer", "https://search.example/?q=shoes"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let hits = app.hits().await;
    assert_eq!(hits.len(), 1, "{hits:?}");
    let hit = &hits[0];
    assert!(hit.is_page_view());
    assert_eq!(
        hit.payload().get("url"),
        Some(&json!("/products/7?utm_source=news&utm_medium=mail"))
    );
    // The title is the path: a campaign is not part of the page's name (issue 23).
    assert_eq!(hit.title(), Some("/products/7"));
    assert_eq!(hit.payload().get("userAgent"), Some(&json!(FIREFOX)));
    assert_eq!(hit.payload().get("ip"), Some(&json!("127.0.0.1")));
    assert_eq!(language(hit), Some("de-CH"));
    // A server-side hit invents no screen (issue 16: it would make every visitor a laptop).
    assert_eq!(hit.payload().get("screen"), None, "{:?}", hit.payload());
    assert_eq!(hit.referrer(), Some("https://search.example/?q=shoes"));
    // The client has no default hostname: the request's Host, without its port.
    assert_eq!(hit.hostname(), Some("127.0.0.1"));
    assert_eq!(app.layer.stats().page_views, 1);
}

#[tokio::test]
async fn the_clients_hostname_wins_over_the_host_header() {
    let app = start(Some("shop.example.com"), |l| l).await;
    app.get("/", &[("user-agent", FIREFOX)]).await;
    let hits = app.hits().await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].hostname(), Some("shop.example.com"));
}

#[tokio::test]
async fn excluded_paths_assets_errors_and_non_get_send_nothing() {
    let app = start(Some("shop.example.com"), |l| {
        l.filter(RequestFilter::default().exclude_path("/healthz"))
    })
    .await;
    assert_eq!(app.get("/healthz", &[]).await, StatusCode::OK);
    assert_eq!(app.get("/static/app.js", &[]).await, StatusCode::OK);
    assert_eq!(
        app.get("/boom", &[]).await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(app.get("/nowhere", &[]).await, StatusCode::NOT_FOUND);
    let put = app.http.put(app.url("/")).send().await.expect("put");
    assert_eq!(put.status().as_u16(), 405);
    // A 304 counts, as a page view of a cached page.
    assert_eq!(app.get("/cached", &[]).await, StatusCode::NOT_MODIFIED);
    let hits = app.hits().await;
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].url(), Some("/cached"));
    let stats = app.layer.stats();
    assert_eq!(stats.requests, 6);
    assert_eq!(stats.skipped.excluded, 1);
    assert_eq!(stats.skipped.asset, 1);
    assert_eq!(stats.skipped.status, 2);
    assert_eq!(stats.skipped.method, 1);
    assert_eq!(stats.page_views, 1);
}

#[tokio::test]
async fn a_user_predicate_has_the_last_word() {
    let app = start(Some("shop.example.com"), |l| {
        l.filter(RequestFilter::default().predicate(|r| !r.path.starts_with("/products/")))
    })
    .await;
    app.get("/products/1", &[]).await;
    app.get("/", &[]).await;
    let hits = app.hits().await;
    assert_eq!(
        hits.iter().map(|h| h.url()).collect::<Vec<_>>(),
        [Some("/")]
    );
    assert_eq!(app.layer.stats().skipped.predicate, 1);
}

#[tokio::test]
async fn route_templates_are_sent_when_asked() {
    let app = start(Some("shop.example.com"), |l| l.route_templates(true)).await;
    app.get("/products/42?utm_source=x", &[]).await;
    let hits = app.hits().await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].url(), Some("/products/{id}?utm_source=x"));
    assert_eq!(hits[0].title(), Some("/products/{id}"));
}

#[tokio::test]
async fn query_modes_strip_or_keep_the_query() {
    let strip = start(Some("a.example"), |l| l.query(QueryMode::Strip)).await;
    strip.get("/?utm_source=x&q=1", &[]).await;
    assert_eq!(strip.hits().await[0].url(), Some("/"));
    let keep = start(Some("a.example"), |l| {
        l.query(QueryMode::Keep).title(|url| format!("Shop {url}"))
    })
    .await;
    keep.get("/?utm_source=x&q=1", &[]).await;
    let hits = keep.hits().await;
    assert_eq!(hits[0].url(), Some("/?utm_source=x&q=1"));
    assert_eq!(hits[0].title(), Some("Shop /?utm_source=x&q=1"));
}

#[tokio::test]
async fn spoofed_proxy_headers_from_an_untrusted_peer_are_ignored() {
    let app = start(Some("shop.example.com"), |l| l).await;
    app.get(
        "/",
        &[
            ("x-forwarded-for", "6.6.6.6"),
            ("forwarded", "for=6.6.6.7"),
            ("x-real-ip", "6.6.6.8"),
            ("cf-connecting-ip", "6.6.6.9"),
            ("true-client-ip", "6.6.6.10"),
        ],
    )
    .await;
    let hits = app.hits().await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].payload().get("ip"), Some(&json!("127.0.0.1")));
    assert_eq!(hits[0].ip(), "127.0.0.1");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_used() {
    let app = start(Some("shop.example.com"), |l| {
        l.context(
            ContextConfig::default().client_ip(
                ClientIpConfig::default()
                    .trust_networks(["127.0.0.0/8", "10.0.0.0/8"])
                    .expect("networks"),
            ),
        )
    })
    .await;
    // A spoofed left-most entry, the real client, then an internal proxy.
    app.get(
        "/",
        &[("x-forwarded-for", "6.6.6.6, 203.0.113.5, 10.1.2.3")],
    )
    .await;
    let hits = app.hits().await;
    assert_eq!(hits[0].payload().get("ip"), Some(&json!("203.0.113.5")));
}

#[tokio::test]
async fn forwarded_and_x_real_ip_work_when_configured() {
    let forwarded = start(Some("a.example"), |l| {
        l.context(
            ContextConfig::default().client_ip(
                ClientIpConfig::default()
                    .trust_networks(["127.0.0.1"])
                    .expect("networks")
                    .header(ProxyHeader::Forwarded),
            ),
        )
    })
    .await;
    forwarded
        .get(
            "/",
            &[("forwarded", "for=\"[2001:db8::5]:4711\";proto=https")],
        )
        .await;
    assert_eq!(
        forwarded.hits().await[0].payload().get("ip"),
        Some(&json!("2001:db8::5"))
    );
    let real_ip = start(Some("a.example"), |l| {
        l.context(
            ContextConfig::default().client_ip(
                ClientIpConfig::default()
                    .trust_hops(1)
                    .header(ProxyHeader::XRealIp),
            ),
        )
    })
    .await;
    real_ip
        .get("/", &[("x-real-ip", "::ffff:198.51.100.20")])
        .await;
    assert_eq!(
        real_ip.hits().await[0].payload().get("ip"),
        Some(&json!("198.51.100.20"))
    );
}

#[tokio::test]
async fn malformed_proxy_headers_fall_back_to_the_peer_address() {
    let app = start(Some("shop.example.com"), |l| {
        l.context(
            ContextConfig::default().client_ip(
                ClientIpConfig::default()
                    .trust_networks(["127.0.0.0/8"])
                    .expect("networks"),
            ),
        )
    })
    .await;
    let cases = [
        "garbage",
        "999.999.1.1",
        "fe80::1%eth0",
        "[fe80::1%25eth0]:8080",
        "203.0.113.1:99999999",
        ",,,",
        "unknown",
    ];
    for case in cases {
        assert_eq!(
            app.get("/", &[("x-forwarded-for", case)]).await,
            StatusCode::OK
        );
    }
    let hits = app.hits().await;
    assert_eq!(hits.len(), cases.len());
    for hit in &hits {
        assert_eq!(hit.payload().get("ip"), Some(&json!("127.0.0.1")));
    }
    // A long header is not malformed (issue 23): only its right-most entries are read, and
    // the right-most untrusted one is the visitor's.
    let ten_thousand = vec!["203.0.113.9"; 10_000].join(", ");
    app.get("/", &[("x-forwarded-for", &ten_thousand)]).await;
    let hits = app.hits().await;
    assert_eq!(hits.len(), cases.len() + 1);
    assert_eq!(
        hits[cases.len()].payload().get("ip"),
        Some(&json!("203.0.113.9"))
    );
}

#[tokio::test]
async fn two_visitors_land_in_two_sessions_and_a_visitors_events_share_its_session() {
    let app = start(Some("shop.example.com"), |l| {
        l.context(
            ContextConfig::default().client_ip(
                ClientIpConfig::default()
                    .trust_networks(["127.0.0.0/8"])
                    .expect("networks"),
            ),
        )
    })
    .await;
    let alice = [("user-agent", FIREFOX), ("x-forwarded-for", "198.51.100.1")];
    let bob = [("user-agent", SAFARI), ("x-forwarded-for", "198.51.100.2")];
    app.get("/", &alice).await;
    app.get("/products/1", &bob).await;
    let mut checkout = app.http.post(app.url("/checkout"));
    for (k, v) in alice {
        checkout = checkout.header(k, v);
    }
    let answer = checkout.send().await.expect("checkout");
    assert_eq!(answer.status().as_u16(), 200);
    let hits = app.hits().await;
    assert_eq!(hits.len(), 3, "{hits:?}");
    let alice_view = hits.iter().find(|h| h.url() == Some("/")).expect("alice");
    let bob_view = hits
        .iter()
        .find(|h| h.url() == Some("/products/1"))
        .expect("bob");
    let purchase = hits.iter().find(|h| h.is_custom_event()).expect("purchase");
    assert_ne!(alice_view.session_id(), bob_view.session_id());
    assert_eq!(purchase.session_id(), alice_view.session_id());
    assert_eq!(purchase.event_name(), Some("Purchase"));
    assert_eq!(purchase.url(), Some("/checkout"));
    assert_eq!(
        purchase.data(),
        json!({"plan": "pro", "cents": 1900}).as_object()
    );
    assert_eq!(purchase.payload().get("userAgent"), Some(&json!(FIREFOX)));
    assert_eq!(purchase.payload().get("ip"), Some(&json!("198.51.100.1")));
    let stats = app.layer.stats();
    assert_eq!(
        (stats.page_views, stats.events, stats.skipped.method),
        (2, 1, 1)
    );
}

#[tokio::test]
async fn a_44_character_language_is_dropped_counted_and_the_event_delivered() {
    let app = start(Some("shop.example.com"), |l| l).await;
    let long = format!("en-{}", "x".repeat(41));
    assert_eq!(long.len(), 44);
    let answer = app
        .http
        .post(app.url("/checkout"))
        .header("user-agent", FIREFOX)
        .header("accept-language", &long)
        .send()
        .await
        .expect("checkout");
    assert_eq!(answer.status().as_u16(), 200);
    let hits = app.hits().await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].event_name(), Some("Purchase"));
    // The visitor's language was unusable: none is sent, not an invented `en-US`.
    assert_eq!(language(&hits[0]), None, "{:?}", hits[0].payload());
    assert_eq!(app.layer.stats().header_values_dropped, 1);
}

#[tokio::test]
async fn privacy_signals_skip_page_views_when_honoured_and_events_go_anonymous() {
    let app = start(Some("shop.example.com"), |l| {
        l.context(
            ContextConfig::default()
                .honor_global_privacy_control(true)
                .honor_do_not_track(true),
        )
    })
    .await;
    app.get("/", &[("sec-gpc", "1"), ("user-agent", FIREFOX)])
        .await;
    app.get("/", &[("dnt", "1"), ("user-agent", FIREFOX)]).await;
    let answer = app
        .http
        .post(app.url("/checkout"))
        .header("sec-gpc", "1")
        .header("user-agent", FIREFOX)
        .send()
        .await
        .expect("checkout");
    assert_eq!(answer.status().as_u16(), 200);
    let hits = app.hits().await;
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0].is_custom_event());
    assert_eq!(hits[0].payload().get("ip"), None);
    assert_eq!(hits[0].payload().get("userAgent"), None);
    assert_eq!(app.layer.stats().skipped.opted_out, 2);
}

#[tokio::test]
async fn send_ip_false_sends_no_ip() {
    let app = start(Some("shop.example.com"), |l| {
        l.context(ContextConfig::default().send_ip(false))
    })
    .await;
    app.get("/", &[("user-agent", FIREFOX)]).await;
    let hits = app.hits().await;
    assert_eq!(hits[0].payload().get("ip"), None);
    assert_eq!(hits[0].payload().get("userAgent"), Some(&json!(FIREFOX)));
}

#[tokio::test]
async fn bot_page_views_are_filtered_and_their_purchases_sent_with_the_clients_user_agent() {
    // The dispatcher's default bot check (Umami's own patterns) is the layer's.
    let app = start(Some("shop.example.com"), |l| l).await;
    app.get("/", &[("user-agent", "curl/8.5.0")]).await;
    let answer = app
        .http
        .post(app.url("/checkout"))
        .header("user-agent", "okhttp/4.12.0")
        .send()
        .await
        .expect("checkout");
    assert_eq!(answer.status().as_u16(), 200);
    let hits = app.hits().await;
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].event_name(), Some("Purchase"));
    assert_eq!(hits[0].payload().get("userAgent"), None);
    assert_eq!(hits[0].user_agent(), umami::DEFAULT_USER_AGENT);
    assert_eq!(hits[0].payload().get("ip"), Some(&json!("127.0.0.1")));
    let stats = app.layer.stats();
    assert_eq!(stats.skipped.bot, 1);
    assert_eq!(stats.events_with_own_user_agent, 1);
    assert_eq!(app.dispatcher.stats().failed.bot_filtered, 0);
}

#[tokio::test]
async fn the_drop_policy_sends_no_bot_event() {
    let app = start(Some("shop.example.com"), |l| l.bot_policy(BotPolicy::Drop)).await;
    let answer = app
        .http
        .post(app.url("/checkout"))
        .header("user-agent", "python-requests/2.31")
        .send()
        .await
        .expect("checkout");
    assert_eq!(answer.status().as_u16(), 200);
    assert!(app.hits().await.is_empty());
    assert_eq!(app.layer.stats().events_dropped_bot, 1);
}

/// The layer has no bot check of its own: with the dispatcher's off, a bot's page view is
/// not skipped, goes alone, and Umami's filter (the collector's) drops it, reported.
#[tokio::test]
async fn with_the_dispatchers_bot_check_off_bot_page_views_meet_umamis_filter() {
    let app = start_with(
        Some("shop.example.com"),
        |d| d.bot_check(BotCheck::Off),
        |l| l,
    )
    .await;
    app.get("/", &[("user-agent", "curl/8.5.0")]).await;
    assert!(app.hits().await.is_empty());
    assert_eq!(app.layer.stats().skipped.bot, 0);
    assert_eq!(app.layer.stats().page_views, 1);
    let stats = app.dispatcher.stats();
    assert_eq!(stats.failed.bot_filtered, 1, "{stats:?}");
    assert_eq!(stats.sent, 0);
}

fn special_agent(user_agent: &str) -> bool {
    user_agent.starts_with("SpecialAgent/")
}

/// A custom check set on the dispatcher is the layer's and its visitors' check too.
#[tokio::test]
async fn a_custom_bot_check_on_the_dispatcher_is_the_layers() {
    let app = start_with(
        Some("shop.example.com"),
        |d| d.bot_check(BotCheck::Custom(special_agent)),
        |l| l,
    )
    .await;
    app.get("/", &[("user-agent", "SpecialAgent/1.0")]).await;
    let answer = app
        .http
        .post(app.url("/checkout"))
        .header("user-agent", "SpecialAgent/1.0")
        .send()
        .await
        .expect("checkout");
    assert_eq!(answer.status().as_u16(), 200);
    app.get("/", &[("user-agent", FIREFOX)]).await;
    let hits = app.hits().await;
    assert_eq!(hits.len(), 2, "{hits:?}");
    let purchase = hits.iter().find(|h| h.event_name() == Some("Purchase"));
    let purchase = purchase.expect("the purchase");
    assert_eq!(purchase.payload().get("userAgent"), None);
    let page_view = hits.iter().find(|h| h.event_name().is_none());
    let page_view = page_view.expect("Firefox's page view");
    assert_eq!(page_view.payload().get("userAgent"), Some(&json!(FIREFOX)));
    let stats = app.layer.stats();
    assert_eq!(stats.skipped.bot, 1);
    assert_eq!(stats.events_with_own_user_agent, 1);
}

/// A handle made without the layer checks its visitor with the dispatcher's bot check too.
#[tokio::test]
async fn a_handle_made_without_the_layer_uses_the_dispatchers_bot_check() {
    use umami::web::VisitorContext;

    let collector = Collector::start().await.expect("collector");
    let client = collector
        .client_builder()
        .website_id(WEBSITE)
        .hostname("shop.example.com")
        .build()
        .expect("client");
    let request = http::Request::builder()
        .header("user-agent", "SpecialAgent/1.0")
        .body(())
        .expect("request");
    let context = VisitorContext::from_request(&request, &ContextConfig::default());
    // Read without a dispatcher, the context knows no check.
    assert!(!context.bot_like());
    for (check, bot_like) in [
        (BotCheck::Custom(special_agent), true),
        (BotCheck::Off, false),
    ] {
        let dispatcher = Dispatcher::builder(client.clone())
            .bot_check(check)
            .build()
            .expect("dispatcher");
        let visitor = RequestVisitor::new(dispatcher.clone(), context.clone());
        assert_eq!(visitor.context().bot_like(), bot_like, "{check:?}");
        visitor
            .with_bot_policy(BotPolicy::Drop)
            .track(&Purchase {
                plan: "pro".into(),
                cents: 1900,
            })
            .expect("queued or dropped");
        let report = dispatcher.shutdown(Duration::from_secs(10)).await;
        // Dropped by the handle (not counted by the dispatcher), or sent.
        assert_eq!(report.stats.tracked, u64::from(!bot_like), "{report}");
    }
    // The one sent went to Umami's filter (the collector's) with its User-Agent.
    assert_eq!(collector.requests().len(), 1);
    collector.shutdown().await;
}

/// `SendAsIs` on the layer sends a bot-like visitor's event with its User-Agent (alone, so
/// that Umami's verdict is reported), whatever the dispatcher's own policy.
#[tokio::test]
async fn the_send_as_is_policy_sends_the_bot_event_with_its_user_agent() {
    let app = start_with(
        Some("shop.example.com"),
        |d| d.bot_policy(BotPolicy::Drop),
        |l| l.bot_policy(BotPolicy::SendAsIs),
    )
    .await;
    let answer = app
        .http
        .post(app.url("/checkout"))
        .header("user-agent", "okhttp/4.12.0")
        .send()
        .await
        .expect("checkout");
    assert_eq!(answer.status().as_u16(), 200);
    assert!(app.hits().await.is_empty());
    let requests = app.collector.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path(), "/api/send");
    let body = requests[0].json().expect("a JSON body");
    assert_eq!(body["payload"]["userAgent"], json!("okhttp/4.12.0"));
    assert_eq!(requests[0].response_json(), Some(json!({"beep": "boop"})));
    assert_eq!(app.layer.stats().events, 1);
    assert_eq!(app.dispatcher.stats().failed.bot_filtered, 1);
}

#[tokio::test]
async fn the_extractor_is_optional_and_rejects_with_500_without_the_layer() {
    let app = start(Some("shop.example.com"), |l| l).await;
    let body = app
        .http
        .get(app.url("/optional"))
        .send()
        .await
        .expect("get");
    assert_eq!(body.text().await.expect("text"), "layer");

    let bare = routes();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, bare).await.expect("serve") });
    let http = http_client();
    let optional = http
        .get(format!("http://{addr}/optional"))
        .send()
        .await
        .expect("get");
    assert_eq!(optional.text().await.expect("text"), "no layer");
    let checkout = http
        .post(format!("http://{addr}/checkout"))
        .send()
        .await
        .expect("post");
    assert_eq!(checkout.status().as_u16(), 500);
    assert!(
        checkout
            .text()
            .await
            .expect("text")
            .contains("add umami::web::UmamiLayer")
    );
}

/// A plain hyper server with a tower service: the peer address comes from a `PeerAddr`.
#[tokio::test]
async fn a_plain_hyper_and_tower_service_records_page_views() {
    use http_body_util::Full;
    use hyper::body::{Bytes, Incoming};
    use tower::{Layer, ServiceExt};
    use umami::web::PeerAddr;

    let collector = Collector::start().await.expect("collector");
    let client = collector
        .client_builder()
        .website_id(WEBSITE)
        .hostname("api.example.com")
        .build()
        .expect("client");
    let dispatcher = Dispatcher::builder(client)
        .flush_interval(Duration::from_millis(10))
        .build()
        .expect("dispatcher");
    let layer = UmamiLayer::new(dispatcher.clone());
    let inner = tower::service_fn(|request: http::Request<Incoming>| async move {
        let has_visitor = request.extensions().get::<RequestVisitor>().is_some();
        Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from(format!(
            "{has_visitor}"
        )))))
    });
    let service = layer.layer(inner);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, peer)) = listener.accept().await else {
                return;
            };
            let service = service.clone();
            tokio::spawn(async move {
                let handler =
                    hyper::service::service_fn(move |mut request: http::Request<Incoming>| {
                        request.extensions_mut().insert(PeerAddr(peer));
                        service.clone().oneshot(request)
                    });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, handler)
                    .await;
            });
        }
    });
    let http = http_client();
    let answer = http
        .get(format!("http://{addr}/docs?x=1"))
        .header("user-agent", FIREFOX)
        .header("x-forwarded-for", "6.6.6.6")
        .send()
        .await
        .expect("get");
    assert_eq!(answer.text().await.expect("text"), "true");
    tokio::time::timeout(Duration::from_secs(10), dispatcher.flush())
        .await
        .expect("flush");
    let hits = collector.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].url(), Some("/docs"));
    assert_eq!(hits[0].payload().get("ip"), Some(&json!("127.0.0.1")));
    assert_eq!(hits[0].payload().get("userAgent"), Some(&json!(FIREFOX)));
}

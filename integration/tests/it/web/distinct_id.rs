//! Issue 23: logged-in users leave their session. An axum app with an auth middleware (a
//! `DistinctId` per logged-in request) and the web layer; three visitors see `/pricing`
//! anonymously, then buy while logged in. The embedded collector derives sessions as Umami
//! does (from `id` when sent, else from IP and User-Agent), and is read back through its
//! management API.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;
use umami::web::{ClientIpConfig, ContextConfig, DistinctIdMode, RequestVisitor, UmamiLayer};
use umami::{Client, Dispatcher, DistinctId, UmamiEvent};
use umami_test::{Collector, DEFAULT_PASSWORD, DEFAULT_USERNAME, Hit};

const WEBSITE: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";
const HOSTNAME: &str = "shop.example.com";

/// (user id, IP, User-Agent): three visitors, three sessions.
const VISITORS: [(&str, &str, &str); 3] = [
    (
        "42",
        "198.51.100.1",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    ),
    (
        "43",
        "198.51.100.2",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) \
         Version/17.1 Safari/605.1.15",
    ),
    (
        "44",
        "198.51.100.3",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
         Chrome/131.0.0.0 Safari/537.36",
    ),
];

#[derive(UmamiEvent)]
#[umami(name = "Purchase", url = "/checkout")]
struct Purchase {
    plan: String,
}

async fn purchase(visitor: RequestVisitor) -> &'static str {
    visitor
        .track(&Purchase { plan: "pro".into() })
        .expect("queued");
    "thanks"
}

/// The service's auth: a logged-in request (here: `x-user`) carries the user's id.
async fn auth(mut request: Request, next: Next) -> Response {
    let user = request
        .headers()
        .get("x-user")
        .and_then(|v| v.to_str().ok())
        .map(DistinctId::from);
    if let Some(user) = user {
        request.extensions_mut().insert(user);
    }
    next.run(request).await
}

struct App {
    collector: Collector,
    dispatcher: Dispatcher,
    layer: UmamiLayer,
    base: String,
    http: reqwest::Client,
}

async fn start(mode: DistinctIdMode) -> App {
    let collector = Collector::start().await.expect("collector");
    let client = collector
        .client_builder()
        .website_id(WEBSITE)
        .hostname(HOSTNAME)
        .build()
        .expect("client");
    let dispatcher = Dispatcher::builder(client)
        .flush_interval(Duration::from_millis(10))
        .build()
        .expect("dispatcher");
    let layer = UmamiLayer::new(dispatcher.clone()).context(
        ContextConfig::default()
            .client_ip(
                ClientIpConfig::default()
                    .trust_networks(["127.0.0.1"])
                    .expect("networks"),
            )
            .distinct_id_mode(mode),
    );
    let app = Router::new()
        .route("/pricing", get(|| async { "pricing" }))
        .route("/account", get(|| async { "account" }))
        .route("/purchase", post(purchase))
        .layer(layer.clone())
        // Outside the layer: it runs first, so the layer sees the id.
        .layer(axum::middleware::from_fn(auth));
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
        http: reqwest::Client::builder().build().expect("reqwest client"),
    }
}

impl App {
    /// One request of visitor `v`, logged in or not.
    async fn visit(&self, v: usize, method: &str, path: &str, logged_in: bool) {
        let (user, ip, ua) = VISITORS[v];
        let url = format!("{}{path}", self.base);
        let mut request = match method {
            "POST" => self.http.post(url),
            _ => self.http.get(url),
        };
        request = request
            .header("user-agent", ua)
            .header("x-forwarded-for", ip);
        if logged_in {
            request = request.header("x-user", user);
        }
        let answer = request.send().await.expect("request");
        assert_eq!(answer.status().as_u16(), 200, "{method} {path}");
    }

    /// Each visitor sees `/pricing` anonymously, then buys logged in.
    async fn pricing_then_purchase(&self) {
        for v in 0..VISITORS.len() {
            self.visit(v, "GET", "/pricing", false).await;
            self.visit(v, "POST", "/purchase", true).await;
        }
    }

    async fn hits(&self) -> Vec<Hit> {
        tokio::time::timeout(Duration::from_secs(10), self.dispatcher.flush())
            .await
            .expect("flush");
        self.collector.hits()
    }

    /// A client logged in to the collector's management API.
    async fn reader(&self) -> Client {
        let client = self
            .collector
            .client_builder()
            .website_id(WEBSITE)
            .build()
            .expect("client");
        client
            .login(DEFAULT_USERNAME, DEFAULT_PASSWORD)
            .await
            .expect("login");
        client
    }
}

fn ip_of(hit: &Hit) -> &str {
    hit.payload()
        .get("ip")
        .and_then(|v| v.as_str())
        .expect("an ip")
}

/// The hits of visitor `v` of one kind: page views of `url`, `Purchase`, or identify.
fn of<'h>(hits: &'h [Hit], v: usize, what: &str) -> Vec<&'h Hit> {
    hits.iter()
        .filter(|h| ip_of(h) == VISITORS[v].1)
        .filter(|h| match what {
            "identify" => h.kind() == "identify",
            "Purchase" => h.event_name() == Some("Purchase"),
            url => h.is_page_view() && h.url() == Some(url),
        })
        .collect()
}

fn one<'h>(hits: &[&'h Hit]) -> &'h Hit {
    assert_eq!(hits.len(), 1, "{hits:#?}");
    hits[0]
}

/// Visitors whose `/pricing` session also holds their `Purchase`: what a funnel
/// `/pricing → Purchase` counts.
fn funnel(hits: &[Hit]) -> (usize, usize) {
    let pricing: Vec<&str> = (0..VISITORS.len())
        .map(|v| one(&of(hits, v, "/pricing")).session_id())
        .collect();
    let purchased: BTreeSet<&str> = hits
        .iter()
        .filter(|h| h.event_name() == Some("Purchase"))
        .map(|h| h.session_id())
        .collect();
    let through = pricing.iter().filter(|s| purchased.contains(*s)).count();
    (pricing.len(), through)
}

#[tokio::test]
async fn with_payload_ids_a_logged_in_purchase_leaves_the_visitors_session() {
    let app = start(DistinctIdMode::PayloadId).await;
    app.pricing_then_purchase().await;
    let hits = app.hits().await;
    assert_eq!(hits.len(), 6, "{hits:#?}");
    // The funnel: 3 visitors saw /pricing, none of their sessions holds a purchase.
    assert_eq!(funnel(&hits), (3, 0));
    let reader = app.reader().await;
    for (v, (user, _, _)) in VISITORS.iter().enumerate() {
        let pricing = one(&of(&hits, v, "/pricing"));
        let bought = one(&of(&hits, v, "Purchase"));
        assert_eq!(pricing.payload().get("id"), None);
        assert_eq!(bought.payload().get("id"), Some(&json!(user)));
        assert_ne!(bought.session_id(), pricing.session_id());
        let session = reader
            .analytics()
            .session(bought.session_id())
            .send()
            .await
            .expect("session");
        assert_eq!(session.distinct_id.as_deref(), Some(*user));
    }
    assert!(of(&hits, 0, "identify").is_empty());
    assert_eq!(app.layer.stats().identifies, 0);
}

#[tokio::test]
async fn with_session_data_the_purchase_stays_in_the_visitors_session() {
    let app = start(DistinctIdMode::session_data("userId")).await;
    app.pricing_then_purchase().await;
    // More logged-in hits: a page view after the purchase (visitor 0), and a page view
    // before it (visitor 1, identified by the layer's page view, not by the event).
    app.visit(0, "GET", "/account", true).await;
    app.visit(1, "GET", "/account", true).await;
    app.visit(1, "POST", "/purchase", true).await;
    let hits = app.hits().await;
    // 3 visitors x (page view + purchase + identify), 2 more page views, 1 more purchase.
    assert_eq!(hits.len(), 12, "{hits:#?}");
    assert_eq!(funnel(&hits), (3, 3));
    let reader = app.reader().await;
    for (v, (user, ip, ua)) in VISITORS.iter().enumerate() {
        let session = one(&of(&hits, v, "/pricing")).session_id();
        for hit in hits.iter().filter(|h| ip_of(h) == *ip) {
            assert_eq!(hit.session_id(), session, "{hit:#?}");
            assert_eq!(hit.payload().get("id"), None, "{hit:#?}");
        }
        // Identified once, however many logged-in hits the visitor sent.
        let identify = one(&of(&hits, v, "identify"));
        assert_eq!(
            identify.body(),
            &json!({
                "type": "identify",
                "payload": {
                    "website": WEBSITE,
                    "hostname": HOSTNAME,
                    "url": "/",
                    "referrer": "",
                    "data": {"userId": user},
                    "ip": ip,
                    "userAgent": ua,
                }
            })
        );
        let properties = reader
            .analytics()
            .session_properties(session)
            .send()
            .await
            .expect("session properties");
        let user_id = properties
            .iter()
            .find(|p| p.data_key == "userId")
            .unwrap_or_else(|| panic!("userId in {properties:#?}"));
        assert_eq!(user_id.string_value.as_deref(), Some(*user));
        assert_eq!(user_id.data_type, 1);
        let stored = reader
            .analytics()
            .session(session)
            .send()
            .await
            .expect("session");
        assert_eq!(stored.distinct_id, None, "{stored:#?}");
    }
    assert_eq!(of(&hits, 1, "Purchase").len(), 2);
    assert_eq!(of(&hits, 1, "/account").len(), 1);
    let stats = app.layer.stats();
    assert_eq!(
        (stats.identifies, stats.events, stats.page_views),
        (3, 4, 5)
    );
}

#[tokio::test]
async fn an_anonymous_visitor_is_not_identified() {
    let app = start(DistinctIdMode::session_data("userId")).await;
    app.visit(0, "GET", "/pricing", false).await;
    app.visit(0, "POST", "/purchase", false).await;
    let hits = app.hits().await;
    assert_eq!(hits.len(), 2, "{hits:#?}");
    assert!(hits.iter().all(|h| h.kind() != "identify"));
    assert_eq!(app.layer.stats().identifies, 0);
}

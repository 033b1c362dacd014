//! Issue 23: the visitor's IP behind a trusted proxy, over real sockets. An axum app with the
//! web layer trusts `127.0.0.1/32` (the test client's address, standing for the proxy); a
//! real HTTP client sends the proxy headers a visitor could write; the IP is read from the
//! JSON hit the embedded collector received, and from the handler's `RequestVisitor`.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use http::HeaderValue;
use serde_json::json;
use umami::Dispatcher;
use umami::web::{ClientIpConfig, ContextConfig, ProxyHeader, RequestVisitor, UmamiLayer};
use umami_test::Collector;

const WEBSITE: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";

struct App {
    collector: Collector,
    dispatcher: Dispatcher,
    base: String,
    http: reqwest::Client,
}

/// The IP the handler's `RequestVisitor` saw, as text (`-` for none).
async fn whoami(visitor: RequestVisitor) -> String {
    visitor
        .context()
        .ip()
        .map_or_else(|| "-".to_owned(), |ip| ip.to_string())
}

async fn start(client_ip: ClientIpConfig) -> App {
    let collector = Collector::start().await.expect("collector");
    let client = collector
        .client_builder()
        .website_id(WEBSITE)
        .hostname("shop.example.com")
        .build()
        .expect("client");
    let dispatcher = Dispatcher::builder(client)
        .flush_interval(Duration::from_millis(10))
        .build()
        .expect("dispatcher");
    let layer =
        UmamiLayer::new(dispatcher.clone()).context(ContextConfig::default().client_ip(client_ip));
    let app = Router::new().route("/", get(whoami)).layer(layer);
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
        base: format!("http://{addr}/"),
        http: reqwest::Client::builder().build().expect("reqwest client"),
    }
}

fn loopback_proxy() -> ClientIpConfig {
    ClientIpConfig::default()
        .trust_networks(["127.0.0.1/32"])
        .expect("networks")
}

impl App {
    /// Sends `GET /` with these header lines (in order; a name given twice is two lines) and
    /// returns the `ip` of the one page view it recorded, after checking that the handler's
    /// `RequestVisitor` saw the same.
    async fn recorded_ip(&self, lines: &[(&str, HeaderValue)]) -> serde_json::Value {
        let before = self.collector.hits().len();
        let mut request = self.http.get(&self.base);
        for (name, value) in lines {
            request = request.header(*name, value.clone());
        }
        let answer = request.send().await.expect("request");
        assert_eq!(answer.status().as_u16(), 200);
        let seen_by_handler = answer.text().await.expect("body");
        tokio::time::timeout(Duration::from_secs(10), self.dispatcher.flush())
            .await
            .expect("flush");
        let hits = self.collector.hits();
        assert_eq!(hits.len(), before + 1, "one page view per request");
        let ip = hits[before].payload().get("ip").cloned().expect("ip sent");
        assert_eq!(json!(seen_by_handler), ip, "the handler's visitor");
        ip
    }
}

fn value(text: &str) -> HeaderValue {
    HeaderValue::from_bytes(text.as_bytes()).expect("header value")
}

/// `n` entries a visitor may write, the trusted proxy's own address among them.
fn visitor_prefix(n: usize) -> String {
    let kinds = ["6.6.6.6", "127.0.0.1", "garbage", "unknown", "203.0.113.9"];
    (0..n)
        .map(|i| kinds[i % kinds.len()])
        .collect::<Vec<_>>()
        .join(", ")
}

#[tokio::test]
async fn a_long_x_forwarded_for_prefix_does_not_make_the_visitor_the_proxy() {
    let app = start(loopback_proxy()).await;
    for n in [64, 100, 10_000] {
        let prefix = visitor_prefix(n);
        let one_line = [("x-forwarded-for", value(&format!("{prefix}, 1.2.3.4")))];
        assert_eq!(
            app.recorded_ip(&one_line).await,
            json!("1.2.3.4"),
            "{n} entries"
        );
        let two_lines = [
            ("x-forwarded-for", value(&prefix)),
            ("x-forwarded-for", value("1.2.3.4")),
        ];
        assert_eq!(
            app.recorded_ip(&two_lines).await,
            json!("1.2.3.4"),
            "{n} entries on a line of their own"
        );
    }
    // The proxy's own address as the right-most entry is skipped as before.
    let proxied = [(
        "x-forwarded-for",
        value(&format!("{}, 1.2.3.4, 127.0.0.1", visitor_prefix(10_000))),
    )];
    assert_eq!(app.recorded_ip(&proxied).await, json!("1.2.3.4"));
}

#[tokio::test]
async fn non_ascii_bytes_the_visitor_wrote_do_not_fall_back_to_the_peer() {
    let app = start(loopback_proxy()).await;
    let cases: [&[(&str, HeaderValue)]; 3] = [
        &[("x-forwarded-for", value("\u{e9}, 1.2.3.4"))],
        &[
            ("x-forwarded-for", value("caf\u{e9}")),
            ("x-forwarded-for", value("1.2.3.4")),
        ],
        &[(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"\xff, 6.6.6.6, 1.2.3.4").expect("obs-text"),
        )],
    ];
    for lines in cases {
        assert_eq!(app.recorded_ip(lines).await, json!("1.2.3.4"), "{lines:?}");
    }
    // Where the proxy's entry should be, a non-ASCII byte is malformed: the peer.
    let broken = [("x-forwarded-for", value("1.2.3.4\u{e9}"))];
    assert_eq!(app.recorded_ip(&broken).await, json!("127.0.0.1"));
}

#[tokio::test]
async fn a_long_forwarded_prefix_does_not_make_the_visitor_the_proxy() {
    let app = start(loopback_proxy().header(ProxyHeader::Forwarded)).await;
    for n in [64, 100, 10_000] {
        let prefix = vec!["for=6.6.6.6;proto=http"; n].join(", ");
        let lines = [("forwarded", value(&format!("{prefix}, for=1.2.3.4")))];
        assert_eq!(
            app.recorded_ip(&lines).await,
            json!("1.2.3.4"),
            "{n} elements"
        );
    }
}

#[tokio::test]
async fn with_trusted_hops_the_prefix_is_ignored_too() {
    let app = start(ClientIpConfig::default().trust_hops(2)).await;
    let lines = [
        ("x-forwarded-for", value(&visitor_prefix(10_000))),
        ("x-forwarded-for", value("\u{e9}, 1.2.3.4, 10.0.0.7")),
    ];
    assert_eq!(app.recorded_ip(&lines).await, json!("1.2.3.4"));
}

#[tokio::test]
async fn forwarded_nodes_with_obfuscated_ports_give_their_address() {
    let app = start(loopback_proxy().header(ProxyHeader::Forwarded)).await;
    let cases = [
        ("for=\"192.0.2.43:_p1\"", "192.0.2.43"),
        ("for=\"[2001:db8:cafe::17]:_x-1.y\"", "2001:db8:cafe::17"),
        // Behind the trusted proxy's own element, with a real port.
        (
            "for=\"192.0.2.43:_p1\";proto=https, for=\"127.0.0.1:4711\"",
            "192.0.2.43",
        ),
    ];
    for (header, expected) in cases {
        let lines = [("forwarded", value(header))];
        assert_eq!(app.recorded_ip(&lines).await, json!(expected), "{header}");
    }
    // An obfuscated node hides the address: the peer.
    let hidden = [("forwarded", value("for=\"_hidden:_p1\""))];
    assert_eq!(app.recorded_ip(&hidden).await, json!("127.0.0.1"));
}

#[tokio::test]
async fn an_ipv4_mapped_trusted_network_is_its_ipv4_network() {
    for network in [
        "::ffff:127.0.0.0/104",
        "::ffff:127.0.0.1/128",
        "::ffff:127.0.0.0/120",
    ] {
        let config = ClientIpConfig::default()
            .trust_networks([network])
            .expect(network);
        let app = start(config).await;
        let lines = [("x-forwarded-for", value("6.6.6.6, 1.2.3.4"))];
        assert_eq!(app.recorded_ip(&lines).await, json!("1.2.3.4"), "{network}");
    }
    // A mapped network that does not hold the peer (127.0.0.1): the header is not trusted.
    let config = ClientIpConfig::default()
        .trust_networks(["::ffff:127.0.1.0/120"])
        .expect("network");
    let app = start(config).await;
    let lines = [("x-forwarded-for", value("1.2.3.4"))];
    assert_eq!(app.recorded_ip(&lines).await, json!("127.0.0.1"));
}

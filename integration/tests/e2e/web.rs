//! The web layer's cases: visitors through an axum app with `umami::web::UmamiLayer`.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use umami::web::{ClientIpConfig, ContextConfig, RequestVisitor, UmamiLayer};

use super::{Backend, Tag};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 \
                      (KHTML, like Gecko) Version/17.1 Safari/605.1.15";

/// Two visitors (IP + User-Agent) through the layer land in two sessions; one visitor's
/// page view and handler event share one.
pub async fn web_layer_visitors_get_their_own_sessions(b: &Backend) {
    let tag = Tag::new();
    let dispatcher = umami::Dispatcher::builder(b.client())
        .flush_interval(Duration::from_millis(10))
        .build()
        .expect("dispatcher");
    let checkout_url = tag.path("checkout");
    let purchase = tag.name("Purchase");
    let app = Router::new()
        .route(
            "/{*page}",
            get(|| async { "page" }).post(move |visitor: RequestVisitor| async move {
                let client = visitor.dispatcher().client().clone();
                visitor
                    .track_hit(client.new_event(purchase).url(checkout_url))
                    .expect("queued");
                "thanks"
            }),
        )
        .layer(
            UmamiLayer::new(dispatcher.clone()).context(
                ContextConfig::default().client_ip(
                    ClientIpConfig::default()
                        .trust_networks(["127.0.0.0/8"])
                        .expect("networks"),
                ),
            ),
        );
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
    let http = reqwest::Client::builder().build().expect("http");
    // Documentation addresses (RFC 5737): never a real visitor.
    let visits = [
        ("GET", "alice", FIREFOX, "192.0.2.10"),
        ("GET", "bob", SAFARI, "192.0.2.20"),
        ("POST", "checkout", FIREFOX, "192.0.2.10"),
    ];
    for (method, page, ua, ip) in visits {
        let url = format!("http://{addr}{}", tag.path(page));
        let request = if method == "POST" {
            http.post(url)
        } else {
            http.get(url)
        };
        let answer = request
            .header("user-agent", ua)
            .header("x-forwarded-for", ip)
            .send()
            .await
            .expect("request");
        assert_eq!(answer.status().as_u16(), 200);
    }
    let report = dispatcher.shutdown(Duration::from_secs(20)).await;
    assert_eq!(report.stats.sent, 3, "{report}");

    let rows = b.tagged_events(&tag, 3).await;
    assert_eq!(rows.len(), 3, "{rows:#?}");
    let session_of = |page: &str| -> String {
        let path = tag.path(page);
        rows.iter()
            .find(|row| row["urlPath"] == path.as_str())
            .unwrap_or_else(|| panic!("{path} is stored: {rows:#?}"))["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned()
    };
    assert_ne!(session_of("alice"), session_of("bob"));
    assert_eq!(session_of("alice"), session_of("checkout"));
}

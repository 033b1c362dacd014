//! Issue 23: a page view's default title was its url, `utm_*` query included. It is the path
//! (or the route template) without the query; the url keeps what the `QueryMode` keeps. Real
//! requests through an axum app with the layer; the exact hit bodies the collector received.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use serde_json::{Value, json};
use umami::Dispatcher;
use umami::web::{QueryMode, UmamiLayer};
use umami_test::Collector;

const WEBSITE: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

/// The bodies of the page views recorded for `paths`, requested in order.
async fn page_views(configure: fn(UmamiLayer) -> UmamiLayer, paths: &[&str]) -> Vec<Value> {
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
    let app = Router::new()
        .route("/", get(|| async { "home" }))
        .route("/search", get(|| async { "results" }))
        .route(
            "/products/{id}",
            get(|Path(id): Path<u32>| async move { format!("product {id}") }),
        )
        .layer(configure(UmamiLayer::new(dispatcher.clone())));
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
    let http = reqwest::Client::builder().build().expect("reqwest client");
    for path in paths {
        let answer = http
            .get(format!("http://{addr}{path}"))
            .header("user-agent", FIREFOX)
            .send()
            .await
            .expect("request");
        assert_eq!(answer.status().as_u16(), 200, "{path}");
        tokio::time::timeout(Duration::from_secs(10), dispatcher.flush())
            .await
            .expect("flush");
    }
    let hits = collector.hits();
    assert_eq!(hits.len(), paths.len(), "{hits:#?}");
    hits.iter().map(|h| h.body().clone()).collect()
}

fn page_view(url: &str, title: &str) -> Value {
    json!({
        "type": "event",
        "payload": {
            "website": WEBSITE,
            "hostname": "shop.example.com",
            "url": url,
            "referrer": "",
            "title": title,
            "ip": "127.0.0.1",
            "userAgent": FIREFOX,
        }
    })
}

#[tokio::test]
async fn the_default_title_is_the_path_without_the_query() {
    let bodies = page_views(
        |layer| layer,
        &[
            "/?utm_source=newsletter&utm_campaign=dec",
            "/search?q=shoes&utm_medium=mail",
            "/products/7",
        ],
    )
    .await;
    assert_eq!(
        bodies,
        [
            page_view("/?utm_source=newsletter&utm_campaign=dec", "/"),
            page_view("/search?utm_medium=mail", "/search"),
            page_view("/products/7", "/products/7"),
        ]
    );
}

#[tokio::test]
async fn the_default_title_is_the_route_without_the_query() {
    let bodies = page_views(
        |layer| layer.route_templates(true),
        &["/products/42?utm_source=newsletter", "/products/43"],
    )
    .await;
    assert_eq!(
        bodies,
        [
            page_view("/products/{id}?utm_source=newsletter", "/products/{id}"),
            page_view("/products/{id}", "/products/{id}"),
        ]
    );
}

#[tokio::test]
async fn with_the_whole_query_kept_the_title_is_still_the_path() {
    let bodies = page_views(
        |layer| layer.query(QueryMode::Keep),
        &["/search?q=shoes&utm_medium=mail"],
    )
    .await;
    assert_eq!(
        bodies,
        [page_view("/search?q=shoes&utm_medium=mail", "/search")]
    );
}

#[tokio::test]
async fn a_custom_title_still_sees_the_url_as_sent() {
    let bodies = page_views(
        |layer| layer.title(|url| format!("Shop {url}")),
        &["/?utm_source=newsletter"],
    )
    .await;
    assert_eq!(
        bodies,
        [page_view(
            "/?utm_source=newsletter",
            "Shop /?utm_source=newsletter"
        )]
    );
}

//! An axum service with server-side Umami tracking: a page view per counted request (the
//! `UmamiLayer`), a typed `Purchase` from the checkout handler (the `RequestVisitor`
//! extractor), and a graceful shutdown that drains the dispatcher.
//!
//! ```text
//! cargo run --example axum_service
//! ```
//!
//! Without `UMAMI_URL` it sends to the in-process test collector (answers like Umami 3.1),
//! runs a few scripted requests as two visitors and a bot, and prints what was stored. With
//! `UMAMI_URL` and `UMAMI_WEBSITE_ID` it sends to that Umami instead.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::{get, post};
use umami::web::{ClientIpConfig, ContextConfig, RequestFilter, RequestVisitor, UmamiLayer};
use umami::{Client, Dispatcher, UmamiEvent};
use umami_test::Collector;

#[derive(UmamiEvent)]
#[umami(name = "Purchase", url = "/checkout")]
struct Purchase {
    product: u32,
    cents: u64,
}

async fn checkout(visitor: RequestVisitor, Path(product): Path<u32>) -> StatusCode {
    // Never waits for Umami; an error means the event was not queued (queue full, shut down).
    match visitor.track(&Purchase {
        product,
        cents: 1900,
    }) {
        Ok(()) => StatusCode::OK,
        Err(error) => {
            eprintln!("purchase not tracked: {error}");
            StatusCode::OK
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, collector) = match (
        std::env::var("UMAMI_URL"),
        std::env::var("UMAMI_WEBSITE_ID"),
    ) {
        (Ok(url), Ok(website_id)) => (
            Client::builder()
                .url_base(url)
                .website_id(website_id)
                .hostname("shop.example.com")
                .build()?,
            None,
        ),
        _ => {
            let collector = Collector::start().await?;
            println!(
                "UMAMI_URL not set: sending to a local collector at {}",
                collector.url()
            );
            let client = collector
                .client_builder()
                .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
                .hostname("shop.example.com")
                .build()?;
            (client, Some(collector))
        }
    };

    // The five lines of the README's "In a web service".
    let dispatcher = Dispatcher::builder(client).build()?;
    let layer = UmamiLayer::new(dispatcher.clone())
        .filter(RequestFilter::default().exclude_path("/healthz"))
        .route_templates(true)
        // The scripted requests come from 127.0.0.1 as if through a local proxy. Bots are
        // told apart by the dispatcher's check (Umami's own patterns by default).
        .context(
            ContextConfig::default()
                .client_ip(ClientIpConfig::default().trust_networks(["127.0.0.0/8"])?),
        );
    let app = Router::new()
        .route("/", get(|| async { "home" }))
        .route(
            "/products/{id}",
            get(|Path(id): Path<u32>| async move { format!("product {id}") }),
        )
        .route("/products/{id}/checkout", post(checkout))
        .route("/healthz", get(|| async { "ok" }))
        .layer(layer.clone());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stopped.await;
        })
        .await
    });

    script(addr).await?;

    // Graceful shutdown: stop accepting requests, finish the open ones, then drain Umami.
    let _ = stop.send(());
    server.await??;
    let report = dispatcher.shutdown(Duration::from_secs(10)).await;
    println!("dispatcher: {report}");
    println!("layer: {:?}", layer.stats());

    if let Some(collector) = collector {
        let hits = collector.hits();
        println!("the collector stored {} hits:", hits.len());
        for hit in &hits {
            println!(
                "  {:<10} {:<26} ip {:<13} session {}  ua {:.40}",
                hit.event_name().unwrap_or("page view"),
                hit.url().unwrap_or(""),
                hit.ip(),
                &hit.session_id()[..8],
                hit.user_agent(),
            );
        }
    }
    Ok(())
}

/// Two visitors behind a proxy, a health check and a bot.
async fn script(addr: SocketAddr) -> Result<(), Box<dyn std::error::Error>> {
    let http = reqwest::Client::builder().build()?;
    let base = format!("http://{addr}");
    let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    let safari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15";
    let visitors = [
        (firefox, "198.51.100.1", "de-CH,de;q=0.9"),
        (safari, "198.51.100.2", "en-GB"),
        ("okhttp/4.12.0", "198.51.100.3", "fr-FR"),
    ];
    for (ua, ip, language) in visitors {
        for (method, path) in [
            ("GET", "/?utm_source=newsletter&email=x"),
            ("GET", "/products/7"),
            ("POST", "/products/7/checkout"),
            ("GET", "/healthz"),
        ] {
            let request = match method {
                "POST" => http.post(format!("{base}{path}")),
                _ => http.get(format!("{base}{path}")),
            };
            request
                .header("user-agent", ua)
                .header("x-forwarded-for", ip)
                .header("accept-language", language)
                .send()
                .await?
                .error_for_status()?;
        }
    }
    Ok(())
}

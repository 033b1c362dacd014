//! Throughput of direct sends and of the background dispatcher against a fast local receiver.
//!
//! ```text
//! cargo bench -p umami-bench --bench bench_dispatch
//! ```
//!
//! The receiver (hyper, HTTP/1.1, on 127.0.0.1 in the same process) answers `/api/send` and
//! `/api/batch` like Umami 3 without storing anything, so the numbers measure the client:
//! serialization, HTTP and scheduling. A real Umami stores roughly 70 events/s on a small
//! box (shared/umami-protocol.md §2); the point of batching is the client's own cost.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde::de::IgnoredAny;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use umami::{Client, Dispatcher};

async fn receiver(received: Arc<AtomicU64>) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let received = received.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<Incoming>| {
                    let received = received.clone();
                    async move {
                        let path = req.uri().path().to_owned();
                        let body = req.into_body().collect().await?.to_bytes();
                        let answer = if path == "/api/batch" {
                            let items: Vec<IgnoredAny> =
                                serde_json::from_slice(&body).unwrap_or_default();
                            received.fetch_add(items.len() as u64, Ordering::Relaxed);
                            json!({"size": items.len(), "processed": items.len(), "errors": 0,
                                   "details": []})
                            .to_string()
                        } else {
                            received.fetch_add(1, Ordering::Relaxed);
                            r#"{"cache":"token","sessionId":"s","visitId":"v"}"#.to_owned()
                        };
                        Ok::<_, hyper::Error>(Response::new(Full::new(Bytes::from(answer))))
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

struct Row {
    name: String,
    events: u64,
    elapsed: Duration,
    note: String,
}

fn hit(client: &Client, i: u64) -> umami::hit::NewEvent {
    client
        .new_event("Purchase-Course")
        .url("/checkout")
        .custom_data(json!({"plan": "pro", "seq": i}))
}

async fn direct(client: &Client, events: u64, in_flight: usize) -> Row {
    let limit = Arc::new(Semaphore::new(in_flight));
    let mut tasks = JoinSet::new();
    let started = Instant::now();
    for i in 0..events {
        let permit = limit.clone().acquire_owned().await.unwrap();
        let send = hit(client, i).send();
        tasks.spawn(async move {
            send.await.expect("send");
            drop(permit);
        });
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
    Row {
        name: format!("direct send, {in_flight} in flight"),
        events,
        elapsed: started.elapsed(),
        note: String::new(),
    }
}

async fn dispatched(client: &Client, events: u64, batch: usize, concurrency: usize) -> Row {
    let dispatcher = Dispatcher::builder(client.clone())
        .capacity(events as usize)
        .max_batch_size(batch)
        .max_concurrent_requests(concurrency)
        .build()
        .unwrap();
    let started = Instant::now();
    for i in 0..events {
        dispatcher.track_hit(hit(client, i)).unwrap();
    }
    let tracked_in = started.elapsed();
    let report = dispatcher.shutdown(Duration::from_secs(600)).await;
    assert!(report.all_delivered(), "{report}");
    Row {
        name: format!("dispatcher, batch {batch}, {concurrency} requests"),
        events,
        elapsed: started.elapsed(),
        note: format!(
            "track() {:.2} µs/event, {} requests",
            tracked_in.as_secs_f64() * 1e6 / events as f64,
            report.stats.requests
        ),
    }
}

#[tokio::main]
async fn main() {
    let received = Arc::new(AtomicU64::new(0));
    let addr = receiver(received.clone()).await;
    let client = Client::builder()
        .url_base(format!("http://{addr}"))
        .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
        .hostname("example.com")
        .build()
        .unwrap();

    // Warm up the connection pool and the allocator.
    direct(&client, 200, 8).await;

    let rows = vec![
        direct(&client, 3_000, 1).await,
        direct(&client, 30_000, 64).await,
        dispatched(&client, 200_000, 100, 2).await,
        dispatched(&client, 200_000, 500, 4).await,
    ];

    println!(
        "{:<38} {:>9} {:>10} {:>12}  notes",
        "mode", "events", "seconds", "events/s"
    );
    for row in &rows {
        println!(
            "{:<38} {:>9} {:>10.3} {:>12.0}  {}",
            row.name,
            row.events,
            row.elapsed.as_secs_f64(),
            row.events as f64 / row.elapsed.as_secs_f64(),
            row.note
        );
    }
    println!(
        "receiver counted {} events",
        received.load(Ordering::Relaxed)
    );
}

//! The CPU cost of `umami::web::UmamiLayer` per request, without sockets: one thread calls
//! the service directly, so that only the layer's own work is timed.
//!
//! ```text
//! cargo bench -p umami-bench --bench bench_layer_path -- [requests per round] [rounds]
//! ```
//!
//! Each request is shaped like `bench_web.rs`'s (`GET /` with a browser
//! User-Agent, `Accept-Language`, `Referer`, `Host` and a peer address) and is built inside
//! the timed loop, as a server builds it; the inner service answers at once. Three
//! variants, interleaved round by round:
//!
//! - `bare`: the inner service alone (building and dropping the request);
//! - `context`: the layer with `/` excluded: the visitor context and the handler's
//!   `RequestVisitor` are made, no page view;
//! - `layer`: the layer's page view too: built, checked, serialized and offered to a
//!   dispatcher whose queue is full (capacity 1), so that every round does the same work
//!   without the queue growing; the push itself is the one step left out.
//!
//! Prints the median ns per request of each variant and what the layer adds to `bare`. The
//! whole-server cost, with sockets, a load loop and a receiver, is `bench_web`'s.

use std::net::SocketAddr;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use http::{Request, Response};
use tower::{Layer, Service};
use umami::Dispatcher;
use umami::dispatch::Routing;
use umami::web::{PeerAddr, RequestFilter, UmamiLayer};

const UA: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

fn request() -> Request<()> {
    let mut request = Request::get("/")
        .header("host", "bench.example.com")
        .header("user-agent", UA)
        .header("accept-language", "de-CH,de;q=0.9")
        .header("referer", "https://search.example/")
        .body(())
        .expect("request");
    let peer: SocketAddr = "198.51.100.4:50000".parse().expect("address");
    request.extensions_mut().insert(PeerAddr(peer));
    request
}

/// An inner service answering at once.
#[derive(Clone)]
struct Hello;

impl Service<Request<()>> for Hello {
    type Response = Response<()>;
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<Response<()>, Self::Error>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        std::future::ready(Ok(Response::new(())))
    }
}

/// Nanoseconds per request through `service`.
fn time<S>(mut service: S, requests: usize) -> f64
where
    S: Service<Request<()>, Response = Response<()>>,
    S::Error: std::fmt::Debug,
{
    let mut cx = Context::from_waker(Waker::noop());
    let started = Instant::now();
    for _ in 0..requests {
        let request = request();
        assert!(service.poll_ready(&mut cx).is_ready());
        let mut future = std::pin::pin!(service.call(request));
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(response) => {
                std::hint::black_box(response.expect("response"));
            }
            Poll::Pending => unreachable!("every service here answers at once"),
        }
    }
    started.elapsed().as_nanos() as f64 / requests as f64
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<usize> = umami_bench::args()
        .iter()
        .filter_map(|a| a.parse().ok())
        .collect();
    let requests = args.first().copied().unwrap_or(200_000);
    let rounds = args.get(1).copied().unwrap_or(7);

    let client = umami::Client::builder()
        .url_base("http://127.0.0.1:9")
        .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
        .hostname("bench.example.com")
        .build()
        .expect("client");
    let dispatcher = Dispatcher::builder(client)
        .routing(Routing::BatchAll)
        .capacity(1)
        .flush_interval(Duration::from_secs(3600))
        .build()
        .expect("dispatcher");
    // Fill the queue: every page view below is built in full and refused at the push.
    dispatcher
        .track_hit(dispatcher.client().new_event("fill"))
        .expect("the first event is queued");
    let layer = UmamiLayer::new(dispatcher.clone());
    let context = layer
        .clone()
        .filter(RequestFilter::default().exclude_path("/"));

    let (mut bare, mut with_context, mut with_layer) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        bare.push(time(Hello, requests));
        with_context.push(time(context.layer(Hello), requests));
        with_layer.push(time(layer.layer(Hello), requests));
    }
    let (bare, with_context, with_layer) = (median(bare), median(with_context), median(with_layer));
    println!("{rounds} rounds x {requests} requests, one thread, median ns per request");
    println!("bare     {bare:>8.0}");
    println!("context  {with_context:>8.0}   +{:.0}", with_context - bare);
    println!("layer    {with_layer:>8.0}   +{:.0}", with_layer - bare);
    // `context` is a clone of `layer`: they share the counters; only `layer` sends page views.
    println!(
        "layer: {} page views built, checked and refused at the full queue",
        layer.stats().track_errors
    );
    dispatcher.shutdown(Duration::from_millis(100)).await;
}

//! scratch: per-request CPU of the layer path, single thread, no sockets.
use std::net::SocketAddr;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use http::{Request, Response};
use tower::Service;
use umami::Dispatcher;
use umami::web::{PeerAddr, UmamiLayer};

const UA: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

fn request() -> Request<()> {
    let mut r = Request::get("/")
        .header("host", "bench.example.com")
        .header("user-agent", UA)
        .header("accept-language", "de-CH,de;q=0.9")
        .header("referer", "https://search.example/")
        .body(())
        .unwrap();
    r.extensions_mut()
        .insert(PeerAddr("198.51.100.4:5000".parse::<SocketAddr>().unwrap()));
    r
}

fn run<S>(name: &str, mut svc: S, n: usize)
where
    S: Service<Request<()>, Response = Response<()>>,
    S::Error: std::fmt::Debug,
{
    let mut cx = Context::from_waker(Waker::noop());
    let started = Instant::now();
    for _ in 0..n {
        let r = request();
        assert!(svc.poll_ready(&mut cx).is_ready());
        let mut f = std::pin::pin!(svc.call(r));
        match f.as_mut().poll(&mut cx) {
            Poll::Ready(r) => {
                std::hint::black_box(r.unwrap());
            }
            Poll::Pending => panic!(),
        }
    }
    let ns = started.elapsed().as_nanos() as f64 / n as f64;
    println!("{name:<10} {ns:>8.0} ns/request");
}

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

#[tokio::main(flavor = "current_thread")]
async fn main() {
    use tower::Layer;
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300_000);
    let client = umami::Client::builder()
        .url_base("http://127.0.0.1:9")
        .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
        .hostname("bench.example.com")
        .build()
        .unwrap();
    let dispatcher = Dispatcher::builder(client)
        .batch_user_agent_hits(true)
        .capacity(1)
        .flush_interval(Duration::from_secs(3600))
        .max_batch_size(500)
        .build()
        .unwrap();
    let layer = UmamiLayer::new(dispatcher.clone());
    let stalled = Dispatcher::builder(dispatcher.client().clone())
        .batch_user_agent_hits(true)
        .capacity(1)
        .build()
        .unwrap();
    let _ = stalled.track(dispatcher.client().new_event("x"));
    let ctx = layer
        .clone()
        .filter(umami::web::RequestFilter::default().exclude_path("/"));
    let cfg = umami::web::ContextConfig::default();
    let one = request();
    let client = dispatcher.client().clone();
    if std::env::var("ONLY").as_deref() == Ok("ctx") {
        let cfg = umami::web::ContextConfig::default();
        let one = request();
        for _ in 0..5 {
            let t = Instant::now();
            for _ in 0..n {
                std::hint::black_box(umami::web::VisitorContext::from_request(
                    std::hint::black_box(&one),
                    &cfg,
                ));
            }
            println!(
                "from_request {:>6.0} ns",
                t.elapsed().as_nanos() as f64 / n as f64
            );
        }
        return;
    }
    if std::env::var("ONLY").is_ok() {
        for _ in 0..5 {
            run("layer", layer.layer(Hello), n);
        }
        return;
    }
    for _ in 0..2 {
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(umami::web::VisitorContext::from_request(&one, &cfg));
        }
        println!(
            "from_request {:>6.0} ns",
            t.elapsed().as_nanos() as f64 / n as f64
        );
        let vc = umami::web::VisitorContext::from_request(&one, &cfg);
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(vc.apply(client.new_page_view("/", "/")));
        }
        println!(
            "apply        {:>6.0} ns",
            t.elapsed().as_nanos() as f64 / n as f64
        );
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(vc.apply(client.new_page_view("/", "/")).prepare().unwrap());
        }
        println!(
            "+prepare     {:>6.0} ns",
            t.elapsed().as_nanos() as f64 / n as f64
        );
        let hit = vc.apply(client.new_page_view("/", "/")).prepare().unwrap();
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(hit.clone());
        }
        println!(
            "clone hit    {:>6.0} ns",
            t.elapsed().as_nanos() as f64 / n as f64
        );
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(stalled.track(hit.clone()).is_err());
        }
        println!(
            "clone+track(full) {:>6.0} ns",
            t.elapsed().as_nanos() as f64 / n as f64
        );
    }
    for _ in 0..3 {
        run("bare", Hello, n);
        run("context", ctx.layer(Hello), n);
        run("layer", layer.layer(Hello), n);
    }
    println!("{:?}", layer.stats().page_views);
}

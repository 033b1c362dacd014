//! The collector's HTTP server: the [`Collector`] handle, its shared state, the connection
//! loop and the routing of each request to the send/batch handlers or the management API.

use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

use super::api;
use super::builder::CollectorBuilder;
use super::handlers::{ApiError, SendAnswer, batch, send};
use super::http::{CORS_HEADERS, Reply, parse_json};
use super::records::{Headers, Hit, ReceivedRequest};
use super::state::{Shared, State};
use super::tokens::random_uuid;

/// An Umami-compatible collector listening on `127.0.0.1`; see the [crate docs](crate).
///
/// It serves on the tokio runtime that started it, and stops when dropped (or on
/// [`shutdown`](Self::shutdown)). A `#[tokio::test]` (current-thread) runtime is enough for
/// async clients: the server runs whenever the test awaits. To test blocking code, start it
/// on a multi-thread runtime that stays alive while the blocking calls run
/// (`runtime.block_on(Collector::start())`): its worker threads serve the requests.
pub struct Collector {
    pub(super) shared: Arc<Shared>,
    pub(super) url: String,
    pub(super) addr: SocketAddr,
    pub(super) stop: Option<oneshot::Sender<()>>,
    pub(super) task: Option<JoinHandle<()>>,
}

impl fmt::Debug for Collector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.debug_struct("Collector")
            .field("url", &self.url)
            .field("options", &self.shared.options)
            .field("hits", &state.hits.len())
            .field("requests", &state.requests.len())
            .finish()
    }
}

impl Collector {
    /// Starts a collector with the default options (any website, batch on, bot check on).
    ///
    /// # Errors
    /// When the port cannot be bound.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub async fn start() -> std::io::Result<Collector> {
        CollectorBuilder::default().start().await
    }

    /// A builder for a collector with options.
    pub fn builder() -> CollectorBuilder {
        CollectorBuilder::default()
    }

    /// The base URL to give [`ClientBuilder::url_base`](umami::ClientBuilder::url_base),
    /// e.g. `http://127.0.0.1:41234` (no trailing slash, no `/api`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address the collector listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A client builder already pointed at this collector.
    pub fn client_builder(&self) -> umami::ClientBuilder {
        umami::Client::builder().url_base(self.url.clone())
    }

    /// Every stored hit, in arrival order (batch items in their order). Rejected hits and
    /// hits dropped by the bot filter are not here; see [`requests`](Self::requests).
    pub fn hits(&self) -> Vec<Hit> {
        self.shared.lock().hits.clone()
    }

    /// Every HTTP request received, rejected ones included, with the answer given.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Waits until at least `n` hits are stored, and returns all of them.
    ///
    /// # Errors
    /// [`WaitTimeout`], carrying the hits stored so far, when `timeout` passes first.
    pub async fn wait_for_hits(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<Hit>, WaitTimeout> {
        let mut stored = self.shared.stored.subscribe();
        let reached = tokio::time::timeout(timeout, stored.wait_for(|count| *count >= n)).await;
        let hits = self.hits();
        match reached {
            Ok(Ok(_)) => Ok(hits),
            _ => Err(WaitTimeout {
                wanted: n,
                timeout,
                hits,
            }),
        }
    }

    /// Answers the next `count` POSTs to `/api/send` and `/api/batch` with `status`, storing
    /// nothing, then behaves normally again: for retry tests. A 500 carries Umami's body
    /// (`{"error":{"message":"Server error","code":"server-error","status":500}}`), any other
    /// status an empty body (as a proxy in front of Umami would answer, e.g. 502 or 503).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let collector = umami_test::Collector::start().await?;
    /// collector.fail_next(1, 503);
    /// let client = collector
    ///     .client_builder()
    ///     .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
    ///     .hostname("example.com")
    ///     .build()?;
    /// let err = client.new_event("Signup").send().await.unwrap_err();
    /// assert_eq!(err.status(), Some(503));
    /// client.new_event("Signup").send().await?;
    /// assert_eq!(collector.hits().len(), 1);
    /// # Ok(()) }
    /// ```
    pub fn fail_next(&self, count: usize, status: u16) {
        self.shared.lock().failures = (count > 0).then_some((count, status));
    }

    /// Delays every answer by `delay` (`Duration::ZERO`, the default, for none): for
    /// timeout tests. The hit is processed after the delay.
    pub fn set_delay(&self, delay: Duration) {
        self.shared.lock().delay = delay;
    }

    /// Forgets every hit and request received so far.
    pub fn clear(&self) {
        let mut state = self.shared.lock();
        state.hits.clear();
        state.requests.clear();
        self.shared.stored.send_replace(0);
    }

    /// Stops listening and waits for the server task to end. Dropping the collector also
    /// stops it, without waiting.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// [`Collector::wait_for_hits`] timed out.
#[derive(Debug, Clone)]
pub struct WaitTimeout {
    wanted: usize,
    timeout: Duration,
    hits: Vec<Hit>,
}

impl WaitTimeout {
    /// The hits stored when the time ran out.
    pub fn hits(&self) -> &[Hit] {
        &self.hits
    }
}

impl fmt::Display for WaitTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "waited {:?} for {} hits, the collector stored {}",
            self.timeout,
            self.wanted,
            self.hits.len()
        )
    }
}

impl std::error::Error for WaitTimeout {}

pub(super) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: oneshot::Receiver<()>,
) {
    // Connections live in this set: when the server ends, dropping it ends them too.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else {
                    // Out of file descriptors, most likely: give the tests a moment to close some.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let shared = Arc::clone(&shared);
                connections.spawn(async move {
                    let service = service_fn(move |request| {
                        let shared = Arc::clone(&shared);
                        async move { Ok::<_, Infallible>(handle(&shared, request).await) }
                    });
                    // A client that hangs up mid-request is its own business.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn handle(shared: &Shared, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let headers: Headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let method = parts.method.as_str();
    let path = parts.uri.path();

    let delay = shared.lock().delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }

    let reply = {
        let mut state = shared.lock();
        let reply = match injected_failure(&mut state, method, path) {
            Some(reply) => reply,
            None => route(
                shared,
                &mut state,
                method,
                path,
                parts.uri.query(),
                &headers,
                &body,
            ),
        };
        state.requests.push(ReceivedRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers,
            body: body.to_vec(),
            status: reply.status,
            response: reply.json.clone().unwrap_or_default(),
        });
        shared.stored.send_replace(state.hits.len());
        reply
    };

    let mut response = Response::builder()
        .status(StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    if path.starts_with("/api/") {
        for (name, value) in CORS_HEADERS {
            response = response.header(name, value);
        }
    }
    if let Some(allow) = reply.allow {
        response = response.header("allow", allow);
    }
    let body = match reply.json {
        Some(json) => {
            response = response.header("content-type", "application/json");
            Full::new(Bytes::from(json))
        }
        None => Full::new(Bytes::new()),
    };
    response.body(body).expect("a valid static response")
}

/// Consumes one injected failure, if any applies to this request.
fn injected_failure(state: &mut State, method: &str, path: &str) -> Option<Reply> {
    if method != "POST" || !matches!(path, "/api/send" | "/api/batch") {
        return None;
    }
    let (count, status) = state.failures?;
    state.failures = (count > 1).then_some((count - 1, status));
    Some(if status == 500 {
        Reply::json(
            500,
            &SendAnswer::Error {
                error: ApiError {
                    message: "Server error",
                    code: "server-error",
                    status: 500,
                    tree: None,
                },
            },
        )
    } else {
        Reply::empty(status)
    })
}

fn route(
    shared: &Shared,
    state: &mut State,
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: &Headers,
    body: &[u8],
) -> Reply {
    // Next.js answers 405 with an empty body for methods a route does not export.
    match (path, method) {
        ("/api/send", "POST") => {
            let parsed = parse_json(body);
            let (status, answer) = send(shared, state, parsed.as_ref(), headers, "/api/send", None);
            Reply::json(status, &answer)
        }
        ("/api/batch", _) if !shared.options.batch => Reply::empty(404),
        ("/api/batch", "POST") => batch(shared, state, body, headers),
        // Next.js answers a preflight itself: 204, the route's methods (recorded 052).
        ("/api/send" | "/api/batch", "OPTIONS") => Reply {
            status: 204,
            json: None,
            allow: Some("OPTIONS, POST"),
        },
        ("/api/send" | "/api/batch", _) => Reply::empty(405),
        ("/api/heartbeat", "GET") => Reply::json(200, &serde_json::json!({"ok": true})),
        _ => api::route(shared, state, method, path, query, headers, body)
            .unwrap_or_else(|| Reply::empty(404)),
    }
}

impl CollectorBuilder {
    /// Binds `127.0.0.1` on a random port and serves on the current tokio runtime.
    ///
    /// # Errors
    /// When the port cannot be bound.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub async fn start(self) -> std::io::Result<Collector> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (stored, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            options: self,
            state: Mutex::new(State::default()),
            stored,
            token_key: random_uuid(),
            started_at: SystemTime::now(),
        });
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(listener, Arc::clone(&shared), stopped));
        Ok(Collector {
            shared,
            url: format!("http://{addr}"),
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

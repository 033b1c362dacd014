//! Server-side tracking for HTTP services (feature `tower`; axum pieces with feature `axum`).
//!
//! - [`UmamiLayer`]: a tower middleware that records one page view per counted request
//!   ([`RequestFilter`]: `GET`/`HEAD` answered 2xx/304, no assets, no excluded paths) through
//!   a [`Dispatcher`](crate::Dispatcher), never on the request's latency path.
//! - [`VisitorContext`]: the visitor of a request (IP, User-Agent, language, referrer,
//!   hostname), read from `http` request parts by any framework, its header values cleaned
//!   to Umami's limits. Without the visitor's IP and User-Agent, Umami puts every hit a
//!   server sends in one session.
//! - [`ClientIpConfig`]: the IP is the socket peer's unless the peer is a trusted proxy; no
//!   header is trusted by default.
//! - [`RequestVisitor`]: the handler's handle (a request extension; an axum extractor) to
//!   record typed events as the request's visitor.
//! - [`DistinctIdMode`]: a request's [`DistinctId`](crate::DistinctId) as each hit's `id`
//!   (Umami then puts a logged-in visitor in a session of the user's, apart from its anonymous
//!   hits: the default) or as session data in the visitor's own session.
//!
//! ```no_run
//! # #[cfg(feature = "axum")]
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::net::SocketAddr;
//! use axum::{Router, routing::get};
//! use umami::web::{RequestVisitor, UmamiLayer};
//!
//! #[derive(umami::UmamiEvent)]
//! #[umami(name = "Purchase")]
//! struct Purchase { plan: String }
//!
//! async fn checkout(visitor: RequestVisitor) -> &'static str {
//!     let _ = visitor.track(&Purchase { plan: "pro".into() });
//!     "thanks"
//! }
//!
//! let client = umami::Client::builder()
//!     .url_base("https://umami.example.com")
//!     .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
//!     .hostname("shop.example.com")
//!     .build()?;
//! let dispatcher = umami::Dispatcher::builder(client).build()?;
//! let app = Router::new()
//!     .route("/", get(|| async { "hello" }))
//!     .route("/checkout", axum::routing::post(checkout))
//!     .layer(UmamiLayer::new(dispatcher.clone()));
//! // Serve with the peer address, so that the layer knows the visitor's IP:
//! // axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
//! # let _ = app.into_make_service_with_connect_info::<SocketAddr>();
//! dispatcher.shutdown(std::time::Duration::from_secs(5)).await;
//! # Ok(()) }
//! ```
//!
//! With plain hyper or tower, insert a [`PeerAddr`] into each request's extensions (the
//! connection's remote address) so that the layer knows the peer.
//!
//! The handler's handle is explicit (an extension, an extractor), not a task-local context as
//! in posthog-rs: a handler that runs without the layer fails to extract it, visibly (a `500`
//! naming the missing layer, or `None` for `Option<RequestVisitor>`), where a task-local would
//! silently send events without a visitor from a spawned task.
//!
//! Bots: the layer and its visitors use their dispatcher's bot check
//! ([`DispatcherBuilder::bot_check`](crate::dispatch::DispatcherBuilder::bot_check); by
//! default Umami's own patterns, feature `bot-filter`). A bot's page view is not sent
//! ([`SkipReason::Bot`]), a bot-like visitor's events follow the
//! [`BotPolicy`](crate::dispatch::BotPolicy) ([`UmamiLayer::bot_policy`]), and the hits of
//! visitors that pass go in batches.
//!
//! What the layer costs per request (`BENCHMARKS.md`, `scripts/bench-web-peers.sh`): a page view
//! is serialized straight from the request's visitor, without a hit builder; the request never
//! waits for I/O, a full queue refuses at once.

#[cfg(feature = "axum")]
mod axum;
mod client_ip;
mod context;
mod context_config;
mod filter;
mod future;
mod layer;
mod page_view;
mod service;
mod stats;
mod visitor;

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub use self::axum::MissingUmamiLayer;
pub use client_ip::{ClientIpConfig, IpNet, MAX_PROXY_HOPS, PeerAddr, ProxyHeader};
pub use context::{
    CleanedField, Cleaning, MAX_HOSTNAME, MAX_LANGUAGE, MAX_REFERRER, MAX_USER_AGENT,
    VisitorContext,
};
pub use context_config::{ContextConfig, DistinctIdMode};
pub use filter::{ASSET_EXTENSIONS, RequestFilter, RequestInfo, SkipReason};
pub use future::ResponseFuture;
pub use layer::{QueryMode, UmamiLayer};
pub use service::UmamiService;
pub use stats::{SkippedStats, WebStats};
pub use visitor::RequestVisitor;

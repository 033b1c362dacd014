//! The page view of a counted request: waiting for the response's status ([`Pending`]),
//! then built from the visitor and queued.

use std::borrow::Cow;
use std::sync::Arc;

use http::Method;

use super::context::VisitorContext;
use super::filter::RequestInfo;
use super::layer::Config;
use super::stats::Count;
use super::visitor::LazyContext;
use crate::error::Error;
use crate::hit::payload::{Envelope, HitFields};
use crate::hit::{IpText, kind};

/// A page view waiting for the response's status.
pub(super) struct Pending {
    pub(super) config: Arc<Config>,
    pub(super) method: Method,
    /// The request's URI (a reference count, not a copy of the path).
    pub(super) uri: http::Uri,
    /// The page view's `url` when it is not the path.
    pub(super) url: Option<String>,
    /// Read at once (see `call`).
    pub(super) context: Arc<LazyContext>,
}

impl Pending {
    /// Queues the page view if the status lets the request count.
    pub(super) fn finish(self, status: http::StatusCode) {
        let config = &*self.config;
        let counters = &*config.counters;
        let info = RequestInfo {
            method: &self.method,
            path: self.uri.path(),
            status,
        };
        if let Err(reason) = config.filter.after(&info) {
            counters.skip(reason);
            return;
        }
        let url = self.url.as_deref().unwrap_or(self.uri.path());
        let title = match &config.title {
            Some(title) => Cow::Owned(title(url)),
            None => Cow::Borrowed(default_title(url)),
        };
        let dispatcher = &config.link.dispatcher;
        let context = self.context.get(&config.link);
        // DistinctIdMode::SessionData: the user as session data, before the page view.
        config.link.identify(context, false);
        let ip = context.ip().map(IpText::new);
        let queued = match page_view(config, context, url, &title, ip.as_ref()) {
            Ok(envelope) => {
                dispatcher.track_envelope(&envelope, config.website.as_ref(), context.bot_verdict())
            }
            Err(error) => Err(dispatcher.refuse_invalid(error)),
        };
        match queued {
            Ok(()) => counters.add(Count::PageViews),
            Err(error) => {
                // The first refusal is worth a warning; the rest are in the counters.
                if counters.track_error() {
                    tracing::warn!(%error, "umami: page view not queued (counted in UmamiLayer::stats)");
                } else {
                    tracing::debug!(%error, "umami: page view not queued");
                }
            }
        }
    }
}

/// A page view's default title: its url without the query (a path or a route template holds
/// no `?`).
fn default_title(url: &str) -> &str {
    url.split_once('?').map_or(url, |(path, _query)| path)
}

/// The page view of `url` in its wire form, made by the constructor of every hit
/// ([`Envelope::new`]) from the visitor's fields as [`VisitorContext::apply`] hands them to
/// `client.new_page_view(title, url)`, without the builder's owned copies: the same JSON,
/// checked by the same check. An error names what is missing or wrong (no website id, no
/// hostname).
#[inline]
fn page_view<'a>(
    config: &'a Config,
    context: &'a VisitorContext,
    url: &'a str,
    title: &'a str,
    ip: Option<&'a IpText>,
) -> Result<Envelope<'a>, Error> {
    let client = config.link.dispatcher.client();
    let fields = HitFields {
        url: Some(url),
        title: Some(title),
        // As `apply`: the visitor's hostname only when the client has none.
        hostname: context.hostname().filter(|_| client.hostname().is_none()),
        referrer: context.referrer(),
        language: context.language(),
        distinct_id: context.payload_id(),
        ip_address: ip.map(IpText::as_str),
        user_agent: context.user_agent(),
        server_side: true,
        ..HitFields::default()
    };
    Envelope::new::<kind::PageView>(&fields, client.config())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::Dispatcher;
    use crate::web::{ContextConfig, PeerAddr, UmamiLayer};

    fn layer(hostname: Option<&str>) -> UmamiLayer {
        let mut client = crate::Client::builder()
            .url_base("http://127.0.0.1:9")
            .website_id("978435e2-7ba1-4337-9860-ec31ece2db60");
        if let Some(hostname) = hostname {
            client = client.hostname(hostname);
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let _entered = runtime.enter();
        let dispatcher = Dispatcher::builder(client.build().unwrap())
            .build()
            .unwrap();
        UmamiLayer::new(dispatcher)
    }

    #[test]
    fn the_default_title_is_the_url_without_its_query() {
        assert_eq!(
            default_title("/?utm_source=newsletter&utm_campaign=dec"),
            "/"
        );
        assert_eq!(
            default_title("/products/{id}?utm_source=x"),
            "/products/{id}"
        );
        assert_eq!(default_title("/pricing"), "/pricing");
        assert_eq!(default_title("/a?b?c"), "/a");
    }

    /// The layer's page view without a builder is byte for byte the builder's.
    #[test]
    fn the_wire_page_view_is_the_builders_json() {
        let requests = [
            http::Request::builder()
                .uri("/products/7?utm_source=news")
                .header(
                    "user-agent",
                    "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0 \u{e9}\"q\"",
                )
                .header("accept-language", "de-CH,de;q=0.9")
                .header("referer", "https://search.example/?q=\"shoes\"")
                .header("host", "shop.example.com:8443")
                .extension(PeerAddr("[::ffff:198.51.100.4]:5000".parse().unwrap()))
                .extension(crate::DistinctId::from("user-7"))
                .body(())
                .unwrap(),
            http::Request::builder().uri("/").body(()).unwrap(),
            http::Request::builder()
                .uri("/x")
                .header("host", "h.example")
                .extension(PeerAddr("[2001:db8::5]:443".parse().unwrap()))
                .body(())
                .unwrap(),
        ];
        let mut compared = 0;
        for hostname in [None, Some("client.example")] {
            let layer = layer(hostname);
            let config = &*layer.config;
            for request in &requests {
                let context = VisitorContext::from_request(request, &ContextConfig::default());
                let url = "/products/7?utm_source=news";
                for title in ["/products/7?utm_source=news", "Product \u{1f600}"] {
                    let ip = context.ip().map(IpText::new);
                    let wire = page_view(config, &context, url, title, ip.as_ref());
                    let client = config.link.dispatcher.client();
                    let built = context.apply(client.new_page_view(title, url)).prepare();
                    match (wire, built) {
                        (Ok(envelope), Ok(built)) => {
                            envelope.payload.check("custom_data").unwrap();
                            assert_eq!(
                                String::from_utf8_lossy(&envelope.to_bytes()),
                                String::from_utf8_lossy(built.body())
                            );
                            compared += 1;
                        }
                        (Err(wire), Err(built)) => {
                            assert!(built.to_string().contains("hostname"));
                            assert_eq!(wire.to_string(), built.to_string());
                        }
                        (wire, built) => panic!("{wire:?} vs {built:?}"),
                    }
                }
            }
        }
        assert_eq!(
            compared, 10,
            "all but the host-less request without a client hostname"
        );
    }
}

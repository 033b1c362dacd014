//! axum integration (feature `axum`): [`RequestVisitor`] as an extractor.
//!
//! The layer also reads axum's `ConnectInfo<SocketAddr>` as the peer address (serve with
//! `into_make_service_with_connect_info::<SocketAddr>()`) and, with
//! [`route_templates`](super::UmamiLayer::route_templates), `MatchedPath`.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;

use super::visitor::RequestVisitor;

/// The rejection of the [`RequestVisitor`] extractor: the request did not pass through an
/// [`UmamiLayer`](super::UmamiLayer). Answers `500` (a wiring bug in the service, not the
/// visitor's fault); extract `Option<RequestVisitor>` where the layer may be missing.
///
/// ```
/// use axum::response::IntoResponse;
/// let response = umami::web::MissingUmamiLayer.into_response();
/// assert_eq!(response.status(), 500);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingUmamiLayer;

impl std::fmt::Display for MissingUmamiLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "no umami::web::RequestVisitor in the request: add umami::web::UmamiLayer to the \
             router (Router::layer) before extracting it",
        )
    }
}

impl std::error::Error for MissingUmamiLayer {}

impl IntoResponse for MissingUmamiLayer {
    fn into_response(self) -> Response {
        (StatusCode::INTERNAL_SERVER_ERROR, self.to_string()).into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestVisitor {
    type Rejection = MissingUmamiLayer;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestVisitor>()
            .cloned()
            .ok_or(MissingUmamiLayer)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for RequestVisitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<RequestVisitor>().cloned())
    }
}

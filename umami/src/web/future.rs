//! The response future of [`UmamiService`](super::UmamiService): queues the page view once
//! the response's status is known.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::Response;

use super::filter::SkipReason;
use super::page_view::Pending;

pin_project_lite::pin_project! {
    /// The response future of [`UmamiService`]: the inner future, and the page view it
    /// queues once the status is known.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        pending: Option<Pending>,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) fn new(inner: F, pending: Option<Pending>) -> ResponseFuture<F> {
        ResponseFuture { inner, pending }
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("pending_page_view", &self.pending.is_some())
            .finish_non_exhaustive()
    }
}

impl<F, ResB, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<ResB>, E>>,
{
    type Output = Result<Response<ResB>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = std::task::ready!(this.inner.poll(cx));
        if let Some(pending) = this.pending.take() {
            match &result {
                Ok(response) => pending.finish(response.status()),
                Err(_) => pending.config.counters.skip(SkipReason::Status),
            }
        }
        Poll::Ready(result)
    }
}

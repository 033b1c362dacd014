//! The seed's sends on the default client: `umami::new_event`, `umami::new_page_view`, ...

use crate::error::Error;
use crate::hit::{
    Identify, IntoDistinctId, NewEvent, NewPageView, NewPerformance, NewRevenueEvent,
};
use crate::response::SendResponse;
use crate::typed::UmamiEvent;

use crate::default_client::default_client;

/// A custom event on the default client; see [`Client::new_event`](crate::Client::new_event).
///
/// Without [`set_url_base`](crate::set_url_base) or
/// [`set_cloud_api_key`](crate::set_cloud_api_key), its `send` fails with
/// [`Error::OperationNotAllowed`].
pub fn new_event(event_name: impl Into<String>) -> NewEvent {
    NewEvent::new(default_client(), event_name)
}

/// A page view on the default client; see [`Client::new_page_view`](crate::Client::new_page_view).
pub fn new_page_view(page_title: impl Into<String>, url: impl Into<String>) -> NewPageView {
    NewPageView::new(default_client(), page_title, url)
}

/// A revenue event on the default client; see [`Client::new_revenue_event`](crate::Client::new_revenue_event).
pub fn new_revenue_event(revenue: f64, currency: impl Into<String>) -> NewRevenueEvent {
    NewRevenueEvent::new(default_client(), revenue, currency)
}

/// An identify hit on the default client; see [`Client::identify`](crate::Client::identify).
pub fn identify(distinct_id: impl IntoDistinctId) -> Identify {
    Identify::new(default_client(), distinct_id)
}

/// A performance hit on the default client; see [`Client::new_performance`](crate::Client::new_performance).
pub fn new_performance(url: impl Into<String>) -> NewPerformance {
    NewPerformance::new(default_client(), url)
}

/// Sends a typed event ([`UmamiEvent`]) with the default client; see
/// [`Client::send_event`](crate::Client::send_event).
///
/// ```no_run
/// # use umami::UmamiEvent;
/// #[derive(UmamiEvent)]
/// struct AppStarted;
///
/// # async fn demo() -> Result<(), umami::Error> {
/// umami::set_url_base("https://umami.example.com")?;
/// umami::set_website_id("978435e2-7ba1-4337-9860-ec31ece2db60");
/// umami::set_hostname("example.com");
/// umami::send_event(&AppStarted).await?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`Error::OperationNotAllowed`] before [`set_url_base`](crate::set_url_base) or
/// [`set_cloud_api_key`](crate::set_cloud_api_key); otherwise as
/// [`HitBuilder::send`](crate::hit::HitBuilder::send).
pub async fn send_event<E: UmamiEvent + ?Sized>(event: &E) -> Result<SendResponse, Error> {
    event.send_global().await
}

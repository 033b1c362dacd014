//! The seed's module-level API: one process-wide default client, configured by setters.
//!
//! These mirror the Python client's `umami.set_url_base(...)`, `umami.new_event(...)` and
//! friends, and are re-exported at the crate root. They are thread-safe; each setter takes
//! effect for builders created after it.
//!
//! ```no_run
//! # async fn demo() -> Result<(), umami::Error> {
//! use serde_json::json;
//!
//! umami::set_url_base("https://umami.example.com")?;
//! umami::set_website_id("978435e2-7ba1-4337-9860-ec31ece2db60");
//! umami::set_hostname("example.com");
//! umami::new_event("Purchase-Course")
//!     .url("/checkout")
//!     .custom_data(json!({"plan": "pro"}))
//!     .send()
//!     .await?;
//! # Ok(()) }
//! ```

mod hits;
mod management;
mod state;

pub use crate::default_client::default_client;
pub use hits::{
    identify, new_event, new_page_view, new_performance, new_revenue_event, send_event,
};
pub use management::{
    active_users, heartbeat, is_logged_in, login, logout, verify_token, website_stats, websites,
    websites_page, websites_query,
};
pub use state::{
    clear_cloud_api_key, disable, enable, is_enabled, set_cloud_api_key, set_hostname,
    set_url_base, set_website_id,
};

/// Restores the module-level API to its initial state (nothing configured, enabled, logged
/// out). Meant for tests that configure the global client more than once.
pub fn reset() {
    management::logout();
    state::clear();
}

//! The process-wide default client that the seed's module-level API and the typed events'
//! `send_global` use; configured by the module-level setters
//! (`umami::set_url_base`, `umami::set_cloud_api_key`, ...).

use std::sync::RwLock;

use crate::client::Client;

static CURRENT: RwLock<Option<Client>> = RwLock::new(None);

/// The default client the module-level functions use, once [`set_url_base`](crate::set_url_base) or
/// [`set_cloud_api_key`](crate::set_cloud_api_key) has been called.
///
/// ```
/// umami::set_url_base("https://umami.example.com").unwrap();
/// let client = umami::default_client().expect("configured");
/// assert_eq!(client.send_url(), "https://umami.example.com/api/send");
/// ```
pub fn default_client() -> Option<Client> {
    CURRENT.read().unwrap_or_else(|p| p.into_inner()).clone()
}

/// Replaces the default client (the global setters rebuild it).
pub(crate) fn set(client: Option<Client>) {
    *CURRENT.write().unwrap_or_else(|p| p.into_inner()) = client;
}

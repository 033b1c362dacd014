//! The process-wide default client and its setters.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::client::{Client, ClientBuilder, CloudRegion, normalize_base};
use crate::default_client;
use crate::error::{Error, ValidationError};
use crate::secret::Secret;

struct Settings {
    url_base: Option<String>,
    cloud: Option<(Secret, Option<CloudRegion>)>,
    website_id: Option<String>,
    hostname: Option<String>,
    /// Shared by every client built from these settings: enable()/disable() flip it in
    /// place, so they also reach builders and clients created earlier.
    enabled: Arc<AtomicBool>,
    /// One connection pool for every client the settings produce.
    http: Option<reqwest::Client>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            url_base: None,
            cloud: None,
            website_id: None,
            hostname: None,
            enabled: Arc::new(AtomicBool::new(true)),
            http: None,
        }
    }
}

/// The settings, and the client built from them (rebuilt by each setter, so that a send only
/// clones an `Arc`).
static SETTINGS: Mutex<Option<Settings>> = Mutex::new(None);

fn settings() -> MutexGuard<'static, Option<Settings>> {
    // A panic while the lock was held cannot leave the settings half-written: every setter
    // assigns whole fields. So a poisoned lock is still good to use.
    SETTINGS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Applies `change` to the settings and rebuilds the current client.
fn update(change: impl FnOnce(&mut Settings)) -> Result<(), Error> {
    let mut guard = settings();
    let s = guard.get_or_insert_with(Settings::default);
    change(s);
    let client = rebuild(s)?;
    default_client::set(client);
    Ok(())
}

fn rebuild(s: &mut Settings) -> Result<Option<Client>, Error> {
    // Cloud wins while a key is set; clear_cloud_api_key() falls back to the base URL.
    let mut builder = match (&s.cloud, &s.url_base) {
        (Some((key, region)), _) => {
            let mut b = ClientBuilder::default().cloud_api_key(key.expose());
            if let Some(region) = region {
                b = b.cloud_region(*region);
            }
            b
        }
        (None, Some(url)) => ClientBuilder::default().url_base(url.clone()),
        (None, None) => return Ok(None),
    };
    let http = match &s.http {
        Some(http) => http.clone(),
        None => {
            let http = crate::client::default_http_client()?;
            s.http = Some(http.clone());
            http
        }
    };
    builder = builder
        .http_client(http)
        .shared_enabled(Arc::clone(&s.enabled))
        .lenient_defaults();
    if let Some(id) = &s.website_id {
        builder = builder.website_id(id.clone());
    }
    if let Some(host) = &s.hostname {
        builder = builder.hostname(host.clone());
    }
    builder.build().map(Some)
}

/// Sets the root of the self-hosted Umami server, e.g. `https://umami.example.com`.
///
/// A trailing `/` is stripped, as the Python client does.
///
/// # Errors
/// [`Error::Validation`] for an empty URL or one that does not start with `http://` or
/// `https://`.
///
/// ```
/// assert!(umami::set_url_base("ftp://umami.example.com").is_err());
/// assert!(umami::set_url_base("https://umami.example.com/").is_ok());
/// ```
pub fn set_url_base(url: &str) -> Result<(), Error> {
    let base = normalize_base("url_base", url)?;
    update(|s| s.url_base = Some(base))
}

/// Uses Umami Cloud with this API key (and optional region) until [`clear_cloud_api_key`].
///
/// # Errors
/// [`Error::Validation`] for a blank key.
///
/// ```
/// umami::set_cloud_api_key("api_example", None).unwrap();
/// assert!(umami::default_client().unwrap().is_cloud());
/// umami::clear_cloud_api_key();
/// ```
pub fn set_cloud_api_key(key: &str, region: Option<CloudRegion>) -> Result<(), Error> {
    if key.trim().is_empty() {
        return Err(ValidationError::new("cloud_api_key", "must not be empty or blank").into());
    }
    let key = Secret::new(key.trim());
    update(|s| s.cloud = Some((key, region)))
}

/// Forgets the Cloud API key; the base URL (if set) is used again.
pub fn clear_cloud_api_key() {
    // Rebuilding can only fail for a bad base URL, which set_url_base already rejected.
    let _ = update(|s| s.cloud = None);
}

/// Sets the default website id. An invalid id is reported by the sends that use it.
pub fn set_website_id(website_id: &str) {
    let id = website_id.trim().to_owned();
    let _ = update(|s| s.website_id = Some(id));
}

/// Sets the default hostname. An invalid hostname is reported by the sends that use it.
pub fn set_hostname(hostname: &str) {
    let host = hostname.trim().to_owned();
    let _ = update(|s| s.hostname = Some(host));
}

/// Turns tracking back on for the module-level API.
pub fn enable() {
    set_enabled(true);
}

/// Turns tracking off for the module-level API: hits are still validated, nothing is sent,
/// and responses say [`is_disabled`](crate::SendResponse::is_disabled). Takes effect at
/// once, also for builders and [`default_client`]s obtained earlier.
pub fn disable() {
    set_enabled(false);
}

fn set_enabled(enabled: bool) {
    settings()
        .get_or_insert_with(Settings::default)
        .enabled
        .store(enabled, Ordering::Relaxed);
}

/// Whether the module-level API sends hits.
pub fn is_enabled() -> bool {
    settings()
        .as_ref()
        .is_none_or(|s| s.enabled.load(Ordering::Relaxed))
}

/// Forgets the configuration (see [`reset`](super::reset)).
pub(crate) fn clear() {
    *settings() = None;
    default_client::set(None);
}

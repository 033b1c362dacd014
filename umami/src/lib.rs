#![doc = include_str!("../../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
pub mod api;
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
pub mod client;
pub mod dispatch;
pub mod error;
pub mod event;
pub mod global;
mod global_api;
mod response;
mod secret;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod typed;
mod validate;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod web;

pub use api::{
    ComparisonStats, ServerGeneration, User, Website, WebsiteOwner, WebsiteStats,
    WebsiteStatsRequest, WebsitesPage, WebsitesQuery,
};
#[cfg(feature = "rustls")]
pub use client::install_rustls_provider;
pub use client::{Client, ClientBuilder, CloudRegion, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT};
pub use dispatch::{Dispatcher, Visitor};
pub use error::{Error, ValidationError};
pub use event::{
    DistinctId, HitBuilder, Identify, IntoDistinctId, NewEvent, NewPageView, NewRevenueEvent,
    PreparedHit, SendResponse,
};
pub use global::{
    clear_cloud_api_key, default_client, disable, enable, identify, is_enabled, new_event,
    new_page_view, new_revenue_event, set_cloud_api_key, set_hostname, set_url_base,
    set_website_id,
};
pub use global_api::{
    active_users, heartbeat, is_logged_in, login, logout, verify_token, website_stats, websites,
    websites_page, websites_query,
};
pub use typed::UmamiEvent;
#[cfg(feature = "derive")]
pub use umami_derive::UmamiEvent;

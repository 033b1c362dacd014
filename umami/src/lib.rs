#![doc = include_str!("../README.md")]
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
#[cfg(feature = "bot-filter")]
#[cfg_attr(docsrs, doc(cfg(feature = "bot-filter")))]
pub mod bot;
mod client;
mod default_client;
pub mod dispatch;
mod error;
mod global;
pub mod hit;
pub mod plan;
mod response;
mod retry;
mod secret;
mod text;
mod time_range;
mod transport;
mod typed;
mod validate;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod web;

pub use api::models::{User, Website, WebsiteStats};
pub use client::{
    CLOUD_API_BASE, CLOUD_SEND_BASE, Client, ClientBuilder, CloudRegion, DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT,
};
pub use dispatch::dispatcher::Dispatcher;
pub use error::{Error, ValidationError};
pub use global::{
    active_users, clear_cloud_api_key, default_client, disable, enable, heartbeat, identify,
    is_enabled, is_logged_in, login, logout, new_event, new_page_view, new_performance,
    new_revenue_event, reset, send_event, set_cloud_api_key, set_hostname, set_url_base,
    set_website_id, verify_token, website_stats, websites, websites_page, websites_query,
};
pub use hit::distinct_id::{DistinctId, IntoDistinctId};
pub use response::SendResponse;
pub use time_range::TimeRange;
pub use typed::UmamiEvent;
#[cfg(feature = "derive")]
pub use umami_derive::UmamiEvent;

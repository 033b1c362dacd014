//! Hits: what `/api/send` and `/api/batch` carry, and the builders that make them.
//!
//! - [`HitBuilder`] and its kinds ([`NewEvent`], [`NewPageView`], [`NewRevenueEvent`],
//!   [`Identify`], [`NewPerformance`]) collect a hit's fields and validate them before any I/O.
//! - [`PreparedHit`] ([`IntoPreparedHit`]) is a validated hit, serialized once.
//! - [`DistinctId`] ([`IntoDistinctId`], both at the crate root) and [`IntoIpAddress`] are the values a hit accepts.
//! - [`TrackedUser`] sends the hits of one known user and keeps the user's cache token.

mod builder;
pub(crate) mod distinct_id;
mod ip_address;
pub(crate) mod payload;
mod prepared;
mod tracked_user;

pub use builder::{
    HitBuilder, HitKind, Identify, NewEvent, NewPageView, NewPerformance, NewRevenueEvent, kind,
};
pub(crate) use distinct_id::{DistinctId, IntoDistinctId};
pub use ip_address::IntoIpAddress;
pub use prepared::{IntoPreparedHit, PreparedHit};
pub use tracked_user::TrackedUser;

#[cfg(feature = "tower")]
pub(crate) use ip_address::IpText;
pub(crate) use prepared::WireHit;

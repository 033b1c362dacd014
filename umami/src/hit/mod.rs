//! Hits: what `/api/send` and `/api/batch` carry, and the builders that make them.
//!
//! | concept | file |
//! |---|---|
//! | [`HitBuilder`] and its aliases ([`NewEvent`], [`NewPageView`], [`NewRevenueEvent`], [`Identify`], [`NewPerformance`]), validation | `builder.rs` |
//! | the one wire type (`{"type","payload"}`), serialized once | `payload.rs` |
//! | [`PreparedHit`], [`IntoPreparedHit`]: a validated hit and its bytes | `prepared.rs` |
//! | [`DistinctId`], [`IntoDistinctId`] (public at the crate root) | `distinct_id.rs` |
//! | [`IntoIpAddress`] | `ip_address.rs` |
//! | [`TrackedUser`]: direct sends that keep one user's cache token | `visitor.rs` |

mod builder;
pub(crate) mod distinct_id;
mod ip_address;
pub(crate) mod payload;
mod prepared;
mod visitor;

pub use builder::{
    HitBuilder, HitKind, Identify, NewEvent, NewPageView, NewPerformance, NewRevenueEvent, kind,
};
pub(crate) use distinct_id::{DistinctId, IntoDistinctId};
pub use ip_address::IntoIpAddress;
pub use prepared::{IntoPreparedHit, PreparedHit};
pub use visitor::TrackedUser;

#[cfg(feature = "tower")]
pub(crate) use ip_address::IpText;
pub(crate) use prepared::WireHit;

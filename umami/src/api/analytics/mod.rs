//! Reading analytics back: series, metrics, events, sessions, event and session data,
//! realtime, revenue, performance and export — one file a concept, all over
//! [`Request`](super::Request).
//!
//! Every call takes its required parameters as arguments (`start`/`end` as [`SystemTime`],
//! sent as epoch milliseconds) and the website from the client's default, or from
//! `.website_id(…)`.
//!
//! [`SystemTime`]: std::time::SystemTime

pub mod data;
pub mod events;
pub mod metrics;
pub mod revenue;
pub mod series;
pub mod sessions;
pub mod website;

pub use data::*;
pub use events::*;
pub use metrics::*;
pub use revenue::*;
pub use series::*;
pub use sessions::*;
pub use website::*;

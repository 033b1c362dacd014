//! The tracking plan: every event the code sends, read from the event types themselves, with
//! exports for people and tools and a drift check against what Umami stored.
//!
//! `#[derive(UmamiEvent)]` also implements [`Describe`]: each event's name, url and title
//! templates, distinct-id field, and custom-data keys with the [`Kind`] Umami stores them
//! as (nested objects flattened to dotted keys, as Umami does). Kinds come from the field
//! types through [`DataKind`]; a type without an impl is [`Kind::Unknown`], never a guess,
//! and `#[umami(kind = "date")]` on a field says what it is.
//!
//! ```
//! use umami::UmamiEvent;
//! use umami::plan::{Kind, Plan};
//!
//! #[derive(UmamiEvent)]
//! #[umami(name = "signup", url = "/signup/{plan}")]
//! struct Signup { plan: String, seats: u32, coupon: Option<String> }
//!
//! #[derive(UmamiEvent)]
//! enum App {
//!     #[umami(name = "app-opened")]
//!     Opened,
//!     Signup(Signup),
//! }
//!
//! let plan = Plan::new().event::<Signup>()?.event::<App>()?; // `Signup` twice: the same event
//! assert_eq!(plan.events().count(), 2);
//! assert_eq!(plan.get("signup").unwrap().key("seats").unwrap().kind, Kind::Number);
//! println!("{}", plan.to_markdown());
//! # Ok::<(), umami::plan::PlanError>(())
//! ```
//!
//! # Kinds
//!
//! | Rust type | stored as |
//! |---|---|
//! | `String`, `&str`, `char`, `Cow<str>`, IP addresses, paths | string (a string Umami reads as a date is stored as a date: declare such fields `#[umami(kind = "date")]`) |
//! | integers, floats, `NonZero*` | number (integers are an [`Integer`] too: `"integer"` in the JSON Schema, unsigned ones with `"minimum": 0`) |
//! | `bool` | boolean |
//! | `Vec<T>`, slices, arrays, sets, tuples | array |
//! | `Option<T>` | the kind of `T`; optional at the top level, `null` (stored as an array) inside a nested object |
//! | `HashMap<K, V>`, `BTreeMap<K, V>` | `key.*`, the kind of `V`, optional |
//! | `SystemTime` | two numbers, `key.secs_since_epoch` and `key.nanos_since_epoch`: that is how serde serializes it |
//! | `Duration` | two numbers, `key.secs` and `key.nanos` |
//! | a struct deriving `UmamiEvent` | its data keys below `key.` (or at the top level with `flatten`); right when its serde attributes match its umami ones |
//! | anything else | unknown |

mod check;
mod data_kind;
#[doc(hidden)]
pub mod derive_support;
mod drift;
mod export;
mod import;
mod schema;

use std::collections::BTreeMap;
use std::fmt;

pub use data_kind::{DataKind, Shape};
pub use drift::{
    DriftReport, KindMismatch, SeenEvent, SeenKey, StoredData, StoredDataError, StoredEvent,
    StoredKey, UnseenKey,
};
pub use import::PlanJsonError;
pub use schema::{DataKey, Describe, EventSchema, Integer, Kind, TypeSchema};

/// A set of events, each name once: collected from types with [`Plan::event`] or, with the
/// `registry` feature, from every derived type in the binary with [`Plan::from_registry`].
///
/// ```
/// use umami::UmamiEvent;
/// use umami::plan::Plan;
///
/// #[derive(UmamiEvent)]
/// struct AppStarted;
///
/// let plan = Plan::new().event::<AppStarted>()?;
/// assert!(plan.get("AppStarted").is_some());
/// # Ok::<(), umami::plan::PlanError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    events: BTreeMap<String, EventSchema>,
    undescribed: Vec<String>,
}

impl Plan {
    /// An empty plan.
    ///
    /// ```
    /// assert_eq!(umami::plan::Plan::new().events().count(), 0);
    /// ```
    pub fn new() -> Self {
        Plan::default()
    }

    /// Adds the events of `E`.
    ///
    /// # Errors
    /// [`PlanError::Conflict`] when an event of `E` has the name of an event already in the
    /// plan with other keys or kinds. The same event added twice (a struct and an enum's
    /// newtype variant wrapping it) is one event.
    ///
    /// ```
    /// use umami::UmamiEvent;
    /// use umami::plan::Plan;
    ///
    /// #[derive(UmamiEvent)]
    /// #[umami(name = "signup")]
    /// struct SignupV1 { plan: String }
    ///
    /// #[derive(UmamiEvent)]
    /// #[umami(name = "signup")]
    /// struct SignupV2 { plan: u32 }
    ///
    /// let err = Plan::new().event::<SignupV1>()?.event::<SignupV2>().unwrap_err();
    /// // "two types declare the event "signup" differently: key "plan" is string in
    /// // my_crate::SignupV1 but number in my_crate::SignupV2"
    /// assert!(err.to_string().contains("key \"plan\" is string in "));
    /// assert!(err.to_string().ends_with("::SignupV2"));
    /// # Ok::<(), umami::plan::PlanError>(())
    /// ```
    pub fn event<E: Describe + ?Sized>(self) -> Result<Self, PlanError> {
        self.schema(E::schema())
    }

    /// Adds the events of a schema (what [`Describe::schema`] returns).
    ///
    /// # Errors
    /// As [`Plan::event`].
    ///
    /// ```
    /// # use umami::UmamiEvent;
    /// use umami::plan::{Describe, Plan};
    /// #[derive(UmamiEvent)]
    /// struct AppStarted;
    /// let plan = Plan::new().schema(AppStarted::schema())?;
    /// assert_eq!(plan.events().count(), 1);
    /// # Ok::<(), umami::plan::PlanError>(())
    /// ```
    pub fn schema(mut self, schema: TypeSchema) -> Result<Self, PlanError> {
        for event in schema.events {
            match self.events.get(&event.name) {
                Some(first) => {
                    if let Some(difference) = difference(first, &event) {
                        return Err(PlanError::Conflict {
                            name: event.name.clone(),
                            first: first.source.clone(),
                            second: event.source.clone(),
                            difference,
                        });
                    }
                }
                None => {
                    self.events.insert(event.name.clone(), event);
                }
            }
        }
        for name in schema.undescribed {
            if !self.undescribed.contains(&name) {
                self.undescribed.push(name);
            }
        }
        Ok(self)
    }

    /// Every event of every `#[derive(UmamiEvent)]` type without generic parameters linked
    /// into the binary (feature `registry`, through the `inventory` crate).
    ///
    /// # Errors
    /// As [`Plan::event`], for two types with the same event name.
    ///
    /// Every derived type of the binary is in it, so two types of one binary with the same
    /// event name and different keys make it fail: this example is its own binary.
    ///
    /// ```standalone_crate
    /// # use umami::UmamiEvent;
    /// #[derive(UmamiEvent)]
    /// #[umami(name = "registered-example")]
    /// struct Registered;
    ///
    /// let plan = umami::plan::Plan::from_registry()?;
    /// assert!(plan.get("registered-example").is_some());
    /// # Ok::<(), umami::plan::PlanError>(())
    /// ```
    #[cfg(feature = "registry")]
    #[cfg_attr(docsrs, doc(cfg(feature = "registry")))]
    pub fn from_registry() -> Result<Self, PlanError> {
        let mut schemas: Vec<TypeSchema> = inventory::iter::<derive_support::Registered>
            .into_iter()
            .map(|registered| (registered.schema)())
            .collect();
        // Link order is not stable: sort, so that a conflict names the same types each run.
        schemas.sort_by(|a, b| a.type_name.cmp(&b.type_name));
        schemas.into_iter().try_fold(Plan::new(), Plan::schema)
    }

    /// The events, by name.
    ///
    /// ```
    /// assert!(umami::plan::Plan::new().events().next().is_none());
    /// ```
    pub fn events(&self) -> impl Iterator<Item = &EventSchema> {
        self.events.values()
    }

    /// The event named `name`.
    ///
    /// ```
    /// assert!(umami::plan::Plan::new().get("signup").is_none());
    /// ```
    pub fn get(&self, name: &str) -> Option<&EventSchema> {
        self.events.get(name)
    }

    /// Types wrapped by newtype variants that cannot describe their events (hand-written
    /// `UmamiEvent` impls): the plan does not know what they send.
    ///
    /// ```
    /// assert!(umami::plan::Plan::new().undescribed().is_empty());
    /// ```
    pub fn undescribed(&self) -> &[String] {
        &self.undescribed
    }
}

/// Why two events with one name cannot be in one plan; `None` when they are the same.
fn difference(first: &EventSchema, second: &EventSchema) -> Option<String> {
    for key in &first.keys {
        match second.key(&key.key) {
            None => {
                return Some(format!(
                    "key {:?} is in {} but not in {}",
                    key.key, first.source, second.source
                ));
            }
            Some(other) if other.kind != key.kind => {
                return Some(format!(
                    "key {:?} is {} in {} but {} in {}",
                    key.key, key.kind, first.source, other.kind, second.source
                ));
            }
            Some(other) if other.optional != key.optional => {
                let says = |optional: bool| if optional { "optional" } else { "required" };
                return Some(format!(
                    "key {:?} is {} in {} but {} in {}",
                    key.key,
                    says(key.optional),
                    first.source,
                    says(other.optional),
                    second.source
                ));
            }
            Some(_) => {}
        }
    }
    second
        .keys
        .iter()
        .find(|key| first.key(&key.key).is_none())
        .map(|key| {
            format!(
                "key {:?} is in {} but not in {}",
                key.key, second.source, first.source
            )
        })
}

/// A plan that cannot be built.
///
/// ```
/// use umami::plan::PlanError;
/// let err = PlanError::Conflict {
///     name: "signup".into(),
///     first: "A".into(),
///     second: "B".into(),
///     difference: "key \"plan\" is in A but not in B".into(),
/// };
/// assert_eq!(
///     err.to_string(),
///     "two types declare the event \"signup\" differently: key \"plan\" is in A but not in B"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlanError {
    /// Two types declare one event name with different keys, kinds or optionality.
    Conflict {
        /// The event name.
        name: String,
        /// The type (or variant) already in the plan.
        first: String,
        /// The type (or variant) refused.
        second: String,
        /// The first difference found.
        difference: String,
    },
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::Conflict {
                name, difference, ..
            } => write!(
                f,
                "two types declare the event {name:?} differently: {difference}"
            ),
        }
    }
}

impl std::error::Error for PlanError {}

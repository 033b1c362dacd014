//! What an event type declares: its events, and each event's custom-data keys with the kind
//! Umami stores them as.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The kind of value Umami stores for a custom-data key: its `dataType` column (1 string,
/// 2 number, 3 boolean, 4 date, 5 array), or [`Kind::Unknown`] when the Rust type does not
/// say.
///
/// ```
/// use umami::plan::Kind;
/// assert_eq!(Kind::from_data_type(2), Some(Kind::Number));
/// assert_eq!(Kind::Date.data_type(), Some(4));
/// assert_eq!(Kind::Unknown.data_type(), None);
/// assert_eq!(Kind::Boolean.to_string(), "boolean");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `dataType` 1, "string" in Umami: a string it did not read as a date. (Named `Text`
    /// so that no item called `String` makes the compiler spell `std::string::String` in
    /// the diagnostics of every crate using this one.)
    #[serde(rename = "string")]
    Text,
    /// `dataType` 2: a number (Umami keeps 4 decimals).
    Number,
    /// `dataType` 3: `true` or `false`.
    Boolean,
    /// `dataType` 4: a string Umami read as an ISO-8601 date.
    Date,
    /// `dataType` 5: an array, stored as its JSON text; also a `null` inside a nested object.
    Array,
    /// The derive cannot tell from the field's type; give it `#[umami(kind = "...")]` or
    /// implement `DataKind` for the type.
    Unknown,
}

impl Kind {
    /// Umami's `dataType` number; `None` for [`Kind::Unknown`].
    ///
    /// ```
    /// assert_eq!(umami::plan::Kind::Text.data_type(), Some(1));
    /// ```
    pub fn data_type(self) -> Option<u8> {
        match self {
            Kind::Text => Some(1),
            Kind::Number => Some(2),
            Kind::Boolean => Some(3),
            Kind::Date => Some(4),
            Kind::Array => Some(5),
            Kind::Unknown => None,
        }
    }

    /// The kind of Umami's `dataType` number; `None` for a number Umami 3.1 does not use.
    ///
    /// ```
    /// use umami::plan::Kind;
    /// assert_eq!(Kind::from_data_type(5), Some(Kind::Array));
    /// assert_eq!(Kind::from_data_type(9), None);
    /// ```
    pub fn from_data_type(data_type: u64) -> Option<Kind> {
        match data_type {
            1 => Some(Kind::Text),
            2 => Some(Kind::Number),
            3 => Some(Kind::Boolean),
            4 => Some(Kind::Date),
            5 => Some(Kind::Array),
            _ => None,
        }
    }

    /// The lowercase name: `"string"`, `"number"`, ..., `"unknown"`.
    ///
    /// ```
    /// assert_eq!(umami::plan::Kind::Array.as_str(), "array");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "string",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Date => "date",
            Kind::Array => "array",
            Kind::Unknown => "unknown",
        }
    }

    /// The kind named `name` (`"string"`, `"number"`, `"boolean"`, `"date"`, `"array"`,
    /// `"unknown"`).
    ///
    /// ```
    /// assert_eq!(umami::plan::Kind::from_name("date"), Some(umami::plan::Kind::Date));
    /// ```
    pub fn from_name(name: &str) -> Option<Kind> {
        [
            Kind::Text,
            Kind::Number,
            Kind::Boolean,
            Kind::Date,
            Kind::Array,
            Kind::Unknown,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the Rust type of a [`Kind::Number`] key says beyond Umami's `number`: that the
/// value is an integer, and its bounds. Umami stores every number alike (DECIMAL(19,4)); the
/// JSON Schema export says `"integer"` for these, with `"minimum"` where the type has one.
///
/// ```
/// use umami::UmamiEvent;
/// use umami::plan::{Describe, Integer};
///
/// #[derive(UmamiEvent)]
/// struct Signup { seats: u32, delta: i64, share: f64 }
///
/// let keys = &Signup::schema().events[0].keys;
/// assert_eq!(keys[0].integer, Some(Integer::Unsigned));
/// assert_eq!(keys[1].integer, Some(Integer::Signed));
/// assert_eq!(keys[2].integer, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Integer {
    /// Any integer: `i8` to `i128`, `isize`.
    Signed,
    /// An integer of at least 0: `u8` to `u128`, `usize`.
    Unsigned,
    /// An integer of at least 1: `NonZeroU8` to `NonZeroU128`, `NonZeroUsize`.
    Positive,
    /// Any integer but 0: `NonZeroI8` to `NonZeroI128`, `NonZeroIsize`.
    NonZero,
}

/// One custom-data key of an event, as Umami stores it: nested objects are flattened to
/// dotted keys (`cart.items`), and a `*` segment stands for the keys of a map.
///
/// ```
/// use umami::UmamiEvent;
/// use umami::plan::{Describe, Kind};
///
/// #[derive(UmamiEvent)]
/// struct Signup { plan: String, coupon: Option<String> }
///
/// let schema = Signup::schema();
/// let keys = &schema.events[0].keys;
/// assert_eq!((keys[0].key.as_str(), keys[0].kind, keys[0].optional), ("plan", Kind::Text, false));
/// assert_eq!((keys[1].key.as_str(), keys[1].optional), ("coupon", true));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DataKey {
    /// The stored key, dotted for nested objects; `*` for any key of a map, and `*` alone for
    /// a flattened field whose keys are unknown.
    pub key: String,
    /// What Umami stores the value as.
    pub kind: Kind,
    /// For a number, whether its Rust type makes it an integer (and of which range); `None`
    /// for floats, other kinds, and kinds set with `#[umami(kind = "...")]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integer: Option<Integer>,
    /// Whether the key can be missing from an event (an `Option` that is `None` at the top
    /// level, a map that is empty).
    pub optional: bool,
    /// Whether the value can be a JSON `null` (an `Option` inside a nested object), which
    /// Umami stores as an array-kind `"null"`.
    pub nullable: bool,
    /// The Rust field the key comes from.
    pub field: String,
}

impl DataKey {
    /// Whether the key stands for keys not known in advance (a map's `*`, or an unknown
    /// kind, which may be an object with any keys below it).
    ///
    /// ```
    /// # use umami::UmamiEvent;
    /// # use umami::plan::Describe;
    /// #[derive(UmamiEvent)]
    /// struct Tagged { tags: std::collections::BTreeMap<String, u32> }
    /// let key = &Tagged::schema().events[0].keys[0];
    /// assert_eq!(key.key, "tags.*");
    /// assert!(key.is_open());
    /// ```
    pub fn is_open(&self) -> bool {
        self.kind == Kind::Unknown || self.key.split('.').any(|s| s == "*")
    }

    /// Whether a stored key `stored` is this key: the same dotted path, `*` matching any one
    /// segment, and an unknown kind matching anything below it.
    pub(crate) fn matches(&self, stored: &str) -> bool {
        let mut planned = self.key.split('.');
        let mut seen = stored.split('.');
        loop {
            match (planned.next(), seen.next()) {
                (None, None) => return true,
                (None, Some(_)) => return self.kind == Kind::Unknown,
                (Some(_), None) => return false,
                (Some(p), Some(s)) => {
                    if p != "*" && p != s {
                        return false;
                    }
                }
            }
        }
    }
}

/// One event as a type declares it: name, url and title templates, the distinct-id field
/// and the custom-data keys.
///
/// ```
/// use umami::UmamiEvent;
/// use umami::plan::Describe;
///
/// #[derive(UmamiEvent)]
/// #[umami(name = "purchase", url = "/courses/{course}")]
/// struct Purchase { course: String, #[umami(distinct_id)] user: u64 }
///
/// let event = &Purchase::schema().events[0];
/// assert_eq!(event.name, "purchase");
/// assert_eq!(event.url.as_deref(), Some("/courses/{course}"));
/// assert_eq!(event.distinct_id.as_deref(), Some("user"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EventSchema {
    /// The event name.
    pub name: String,
    /// The url template (`{field}` placeholders); `None` for the default `/`.
    pub url: Option<String>,
    /// The title template; `None` for the default (the event name).
    pub title: Option<String>,
    /// The field sent as the distinct id, if any.
    pub distinct_id: Option<String>,
    /// The custom-data keys, in the order the fields are declared.
    pub keys: Vec<DataKey>,
    /// Where it is declared: `Signup`, or `AppEvent::Searched` for a variant.
    pub source: String,
}

impl EventSchema {
    /// The key `key`, if the event declares it by that exact name.
    ///
    /// ```
    /// # use umami::UmamiEvent;
    /// # use umami::plan::{Describe, Kind};
    /// #[derive(UmamiEvent)]
    /// struct Signup { seats: u32 }
    /// assert_eq!(Signup::schema().events[0].key("seats").unwrap().kind, Kind::Number);
    /// ```
    pub fn key(&self, key: &str) -> Option<&DataKey> {
        self.keys.iter().find(|k| k.key == key)
    }

    /// The planned key a stored key belongs to: an exact match first, then a pattern.
    pub(crate) fn matching(&self, stored: &str) -> Option<&DataKey> {
        self.key(stored)
            .or_else(|| self.keys.iter().find(|k| k.matches(stored)))
    }
}

/// Everything a type declares: one event for a struct, one per variant for an enum.
///
/// ```
/// use umami::UmamiEvent;
/// use umami::plan::Describe;
///
/// #[derive(UmamiEvent)]
/// enum App { Opened, Closed }
///
/// let names: Vec<_> = App::schema().events.iter().map(|e| e.name.clone()).collect();
/// assert_eq!(names, ["Opened", "Closed"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TypeSchema {
    /// The Rust type's name.
    pub type_name: String,
    /// Its events.
    pub events: Vec<EventSchema>,
    /// Types wrapped by newtype variants that do not implement [`Describe`] (hand-written
    /// `UmamiEvent` impls): their events are not known.
    pub undescribed: Vec<String>,
}

/// Types that can describe their events: every `#[derive(UmamiEvent)]` type.
///
/// ```
/// use umami::UmamiEvent;
/// use umami::plan::Describe;
///
/// #[derive(UmamiEvent)]
/// struct AppStarted;
/// assert_eq!(AppStarted::schema().events[0].name, "AppStarted");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot describe its events",
    label = "`{Self}` does not implement `umami::plan::Describe`",
    note = "`#[derive(umami::UmamiEvent)]` implements it; hand-written `UmamiEvent` impls do not"
)]
pub trait Describe {
    /// The events of the type.
    fn schema() -> TypeSchema;
}

impl<T: Describe + ?Sized> Describe for &T {
    fn schema() -> TypeSchema {
        T::schema()
    }
}

impl<T: Describe + ?Sized> Describe for Box<T> {
    fn schema() -> TypeSchema {
        T::schema()
    }
}

//! What an event type declares: its events, and each event's custom-data keys with the kind
//! Umami stores them as.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt;
use std::num::{
    NonZeroI8, NonZeroI16, NonZeroI32, NonZeroI64, NonZeroI128, NonZeroIsize, NonZeroU8,
    NonZeroU16, NonZeroU32, NonZeroU64, NonZeroU128, NonZeroUsize,
};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::Serialize;

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
    /// implement [`DataKind`] for the type.
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

/// How a type is stored when it is a custom-data value: implemented for the standard
/// types, and by the derive for structs (as the object of their data keys). Implement it for
/// a type of your own so that its kind is known in plans; without it the kind is
/// [`Kind::Unknown`].
///
/// ```
/// use umami::plan::{DataKind, Kind, Shape};
///
/// struct Cents(u64); // serialized as a number by a hand-written `Serialize`
///
/// impl DataKind for Cents {
///     fn describe(shape: &mut Shape<'_>) {
///         shape.leaf(Kind::Number);
///     }
/// }
/// ```
pub trait DataKind {
    /// Describes the value into `shape`.
    fn describe(shape: &mut Shape<'_>);
}

/// Collects the keys a value produces; handed to [`DataKind::describe`].
///
/// ```
/// use umami::plan::{DataKind, Kind, Shape};
///
/// struct Point { x: f64, y: f64 } // serialized as {"x": .., "y": ..}
///
/// impl DataKind for Point {
///     fn describe(shape: &mut Shape<'_>) {
///         shape.member("x", |s| s.leaf(Kind::Number));
///         shape.member("y", |s| s.leaf(Kind::Number));
///     }
/// }
/// ```
#[derive(Debug)]
pub struct Shape<'a> {
    out: &'a mut Vec<DataKey>,
    prefix: String,
    field: &'a str,
    /// Inside a nested object, where `null` values are kept (and stored as arrays).
    nested: bool,
    optional: bool,
    nullable: bool,
}

impl<'a> Shape<'a> {
    fn root(out: &'a mut Vec<DataKey>, prefix: &str, field: &'a str) -> Self {
        Shape {
            out,
            prefix: prefix.to_owned(),
            field,
            nested: false,
            optional: false,
            nullable: false,
        }
    }

    /// The value is a single stored value of `kind`.
    pub fn leaf(&mut self, kind: Kind) {
        let key = if self.prefix.is_empty() {
            "*".to_owned()
        } else {
            self.prefix.clone()
        };
        self.out.push(DataKey {
            key,
            kind,
            optional: self.optional,
            nullable: self.nullable,
            field: self.field.to_owned(),
        });
    }

    /// The value's kind is not known.
    pub fn unknown(&mut self) {
        self.leaf(Kind::Unknown);
    }

    /// The value is an object with a member `name` described by `describe`.
    pub fn member(&mut self, name: &str, describe: impl FnOnce(&mut Shape<'_>)) {
        let prefix = if self.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.prefix)
        };
        let mut inner = Shape {
            out: self.out,
            prefix,
            field: self.field,
            // The first level of a flattened field drops `null`s as the top level does.
            nested: self.nested || !self.prefix.is_empty(),
            optional: self.optional,
            nullable: false,
        };
        describe(&mut inner);
    }

    /// The value is an object with any keys, each value described by `describe`.
    pub fn map(&mut self, describe: impl FnOnce(&mut Shape<'_>)) {
        let optional = self.optional;
        self.optional = true;
        self.member("*", describe);
        self.optional = optional;
    }

    /// The value may be absent: `None` is left out at the top level of the data, and sent
    /// as `null` inside a nested object.
    pub fn optional(&mut self, describe: impl FnOnce(&mut Shape<'_>)) {
        let (optional, nullable) = (self.optional, self.nullable);
        if self.nested {
            self.nullable = true;
        } else {
            self.optional = true;
        }
        describe(self);
        self.optional = optional;
        self.nullable = nullable;
    }

    /// Describes `T` here, with its [`DataKind`].
    pub fn describe<T: DataKind + ?Sized>(&mut self) {
        T::describe(self);
    }
}

macro_rules! leaf {
    ($kind:ident: $($ty:ty),* $(,)?) => {
        $(impl DataKind for $ty {
            fn describe(shape: &mut Shape<'_>) {
                shape.leaf(Kind::$kind);
            }
        })*
    };
}

leaf!(Text: String, str, char, std::net::IpAddr, std::net::Ipv4Addr, std::net::Ipv6Addr,
    std::net::SocketAddr, std::path::Path, std::path::PathBuf);
leaf!(Number: u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, f32, f64,
    NonZeroU8, NonZeroU16, NonZeroU32, NonZeroU64, NonZeroU128, NonZeroUsize, NonZeroI8,
    NonZeroI16, NonZeroI32, NonZeroI64, NonZeroI128, NonZeroIsize);
leaf!(Boolean: bool);

impl<T: DataKind + ?Sized> DataKind for &T {
    fn describe(shape: &mut Shape<'_>) {
        T::describe(shape);
    }
}

impl<T: DataKind + ?Sized> DataKind for &mut T {
    fn describe(shape: &mut Shape<'_>) {
        T::describe(shape);
    }
}

impl<T: DataKind + ?Sized> DataKind for Box<T> {
    fn describe(shape: &mut Shape<'_>) {
        T::describe(shape);
    }
}

impl<T: DataKind + ?Sized> DataKind for Rc<T> {
    fn describe(shape: &mut Shape<'_>) {
        T::describe(shape);
    }
}

impl<T: DataKind + ?Sized> DataKind for Arc<T> {
    fn describe(shape: &mut Shape<'_>) {
        T::describe(shape);
    }
}

impl<T: DataKind + ToOwned + ?Sized> DataKind for Cow<'_, T> {
    fn describe(shape: &mut Shape<'_>) {
        T::describe(shape);
    }
}

impl<T: DataKind> DataKind for Option<T> {
    fn describe(shape: &mut Shape<'_>) {
        shape.optional(T::describe);
    }
}

macro_rules! array {
    ($($ty:ty),* $(,)?) => {
        $(impl<T> DataKind for $ty {
            fn describe(shape: &mut Shape<'_>) {
                shape.leaf(Kind::Array);
            }
        })*
    };
}

array!(Vec<T>, [T], VecDeque<T>, BTreeSet<T>);

impl<T, S> DataKind for HashSet<T, S> {
    fn describe(shape: &mut Shape<'_>) {
        shape.leaf(Kind::Array);
    }
}

impl<T, const N: usize> DataKind for [T; N] {
    fn describe(shape: &mut Shape<'_>) {
        shape.leaf(Kind::Array);
    }
}

macro_rules! tuple {
    ($(($($t:ident),+)),* $(,)?) => {
        $(impl<$($t),+> DataKind for ($($t,)+) {
            fn describe(shape: &mut Shape<'_>) {
                shape.leaf(Kind::Array);
            }
        })*
    };
}

tuple!(
    (A),
    (A, B),
    (A, B, C),
    (A, B, C, D),
    (A, B, C, D, E),
    (A, B, C, D, E, F)
);

impl<K, V: DataKind> DataKind for BTreeMap<K, V> {
    fn describe(shape: &mut Shape<'_>) {
        shape.map(V::describe);
    }
}

impl<K, V: DataKind, S> DataKind for HashMap<K, V, S> {
    fn describe(shape: &mut Shape<'_>) {
        shape.map(V::describe);
    }
}

impl DataKind for serde_json::Map<String, serde_json::Value> {
    fn describe(shape: &mut Shape<'_>) {
        shape.map(|s| s.unknown());
    }
}

/// serde serializes a `SystemTime` as `{"secs_since_epoch": .., "nanos_since_epoch": ..}`,
/// so Umami stores two numbers, not a date.
impl DataKind for SystemTime {
    fn describe(shape: &mut Shape<'_>) {
        shape.member("secs_since_epoch", |s| s.leaf(Kind::Number));
        shape.member("nanos_since_epoch", |s| s.leaf(Kind::Number));
    }
}

/// serde serializes a `Duration` as `{"secs": .., "nanos": ..}`.
impl DataKind for Duration {
    fn describe(shape: &mut Shape<'_>) {
        shape.member("secs", |s| s.leaf(Kind::Number));
        shape.member("nanos", |s| s.leaf(Kind::Number));
    }
}

/// Support for the derive's expansion (through `umami::__private`); not a public API.
pub mod derive_support {
    use std::marker::PhantomData;

    use super::{DataKey, DataKind, Describe, EventSchema, Kind, Shape, TypeSchema};

    #[cfg(feature = "registry")]
    pub use super::registry::Registered;

    /// A zero-sized stand-in for a type, for autoref specialisation: `(&&Probe::<T>::new())`
    /// finds [`ViaDataKind`] when `T: DataKind` and falls back to [`ViaUnknown`] otherwise,
    /// so a field type without an impl is described as unknown rather than failing to
    /// compile.
    #[derive(Debug)]
    pub struct Probe<T: ?Sized>(PhantomData<fn() -> *const T>);

    impl<T: ?Sized> Probe<T> {
        /// The probe.
        #[inline]
        pub const fn new() -> Self {
            Probe(PhantomData)
        }
    }

    impl<T: ?Sized> Default for Probe<T> {
        fn default() -> Self {
            Probe::new()
        }
    }

    /// Found for types with a [`DataKind`] impl.
    pub trait ViaDataKind {
        /// Describes the probed type.
        fn describe_into(&self, shape: &mut Shape<'_>);
    }

    impl<T: DataKind + ?Sized> ViaDataKind for &Probe<T> {
        fn describe_into(&self, shape: &mut Shape<'_>) {
            T::describe(shape);
        }
    }

    /// The fallback: the kind is unknown.
    pub trait ViaUnknown {
        /// Describes the probed type as unknown.
        fn describe_into(&self, shape: &mut Shape<'_>);
    }

    impl<T: ?Sized> ViaUnknown for Probe<T> {
        fn describe_into(&self, shape: &mut Shape<'_>) {
            shape.unknown();
        }
    }

    /// Found for types with a [`Describe`] impl (newtype variants).
    pub trait ViaDescribe {
        /// Adds the probed type's events to `schema`.
        fn events_into(&self, schema: &mut TypeSchema);
    }

    impl<T: Describe + ?Sized> ViaDescribe for &Probe<T> {
        fn events_into(&self, schema: &mut TypeSchema) {
            let inner = T::schema();
            schema.events.extend(inner.events);
            schema.undescribed.extend(inner.undescribed);
        }
    }

    /// The fallback for a wrapped type that does not describe itself.
    pub trait ViaUndescribed {
        /// Records the probed type as undescribed.
        fn events_into(&self, schema: &mut TypeSchema);
    }

    impl<T: ?Sized> ViaUndescribed for Probe<T> {
        fn events_into(&self, schema: &mut TypeSchema) {
            schema
                .undescribed
                .push(std::any::type_name::<T>().to_owned());
        }
    }

    /// A type's schema, built by the derive.
    pub fn type_schema(type_name: &str) -> TypeSchema {
        TypeSchema {
            type_name: type_name.to_owned(),
            events: Vec::new(),
            undescribed: Vec::new(),
        }
    }

    /// One event, built key by key by the derive.
    #[derive(Debug)]
    pub struct EventBuilder {
        event: EventSchema,
    }

    impl EventBuilder {
        /// An event named `name`, declared at `source`.
        pub fn new(name: &str, source: &str) -> Self {
            EventBuilder {
                event: EventSchema {
                    name: name.to_owned(),
                    url: None,
                    title: None,
                    distinct_id: None,
                    keys: Vec::new(),
                    source: source.to_owned(),
                },
            }
        }

        /// The url template.
        pub fn url(mut self, url: &str) -> Self {
            self.event.url = Some(url.to_owned());
            self
        }

        /// The title template.
        pub fn title(mut self, title: &str) -> Self {
            self.event.title = Some(title.to_owned());
            self
        }

        /// The distinct-id field.
        pub fn distinct_id(mut self, field: &str) -> Self {
            self.event.distinct_id = Some(field.to_owned());
            self
        }

        /// A data key `key` from `field`, described by `describe` (a probe call).
        pub fn key(
            mut self,
            key: &str,
            field: &str,
            describe: impl FnOnce(&mut Shape<'_>),
        ) -> Self {
            describe(&mut Shape::root(&mut self.event.keys, key, field));
            self
        }

        /// A data key whose kind `#[umami(kind = "...")]` sets; optional when the field's
        /// type says so.
        pub fn key_of_kind(
            mut self,
            key: &str,
            field: &str,
            kind: &str,
            describe: impl FnOnce(&mut Shape<'_>),
        ) -> Self {
            let mut probed = Vec::new();
            describe(&mut Shape::root(&mut probed, key, field));
            let optional = !probed.is_empty() && probed.iter().all(|k| k.optional);
            self.event.keys.push(DataKey {
                key: key.to_owned(),
                kind: Kind::from_name(kind).unwrap_or(Kind::Unknown),
                optional,
                nullable: false,
                field: field.to_owned(),
            });
            self
        }

        /// A `#[umami(flatten)]` field: its keys at the top level.
        pub fn flatten(mut self, field: &str, describe: impl FnOnce(&mut Shape<'_>)) -> Self {
            describe(&mut Shape::root(&mut self.event.keys, "", field));
            self
        }

        /// The event.
        pub fn finish(self) -> EventSchema {
            self.event
        }

        /// The keys, for a struct's [`DataKind`] impl when it is nested in another event.
        pub fn describe_nested(self, shape: &mut Shape<'_>) {
            for key in self.event.keys {
                let segments: Vec<&str> = key.key.split('.').collect();
                nest(shape, &segments, &key);
            }
        }
    }

    fn nest(shape: &mut Shape<'_>, segments: &[&str], key: &DataKey) {
        match segments {
            [] => {}
            [last] => shape.member(last, |s| {
                if key.optional || key.nullable {
                    s.optional(|s| s.leaf(key.kind));
                } else {
                    s.leaf(key.kind);
                }
            }),
            [first, rest @ ..] => shape.member(first, |s| nest(s, rest, key)),
        }
    }
}

/// The link-time registry entry of a derived type (feature `registry`).
#[cfg(feature = "registry")]
pub mod registry {
    use super::TypeSchema;

    /// One derived type's schema function.
    #[derive(Debug)]
    pub struct Registered {
        /// The type's [`Describe::schema`](super::Describe::schema).
        pub schema: fn() -> TypeSchema,
    }

    impl Registered {
        /// An entry.
        pub const fn new(schema: fn() -> TypeSchema) -> Self {
            Registered { schema }
        }
    }

    inventory::collect!(Registered);
}

/// Registers a derived type in the plan registry (feature `registry`); expands to nothing
/// without the feature. Called by the derive's expansion.
#[cfg(feature = "registry")]
#[doc(hidden)]
#[macro_export]
macro_rules! __umami_register_event {
    ($ty:ty) => {
        $crate::__private::inventory::submit! {
            $crate::plan::derive_support::Registered::new(
                <$ty as $crate::plan::Describe>::schema
            )
        }
    };
}

/// Registers a derived type in the plan registry (feature `registry`); expands to nothing
/// without the feature. Called by the derive's expansion.
#[cfg(not(feature = "registry"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __umami_register_event {
    ($ty:ty) => {};
}

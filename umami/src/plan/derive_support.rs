//! Support for the derive's expansion (through `umami::__private`); not a public API.

use std::marker::PhantomData;

use super::data_kind::{DataKind, Shape};
use super::schema::{DataKey, Describe, EventSchema, Kind, TypeSchema};

#[cfg(feature = "registry")]
pub use self::registry::Registered;

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
    pub fn key(mut self, key: &str, field: &str, describe: impl FnOnce(&mut Shape<'_>)) -> Self {
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
            integer: None,
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
                s.optional(|s| s.leaf_of(key.kind, key.integer));
            } else {
                s.leaf_of(key.kind, key.integer);
            }
        }),
        [first, rest @ ..] => shape.member(first, |s| nest(s, rest, key)),
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

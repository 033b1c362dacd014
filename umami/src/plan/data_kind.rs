//! How a Rust type maps to the kinds Umami stores: [`DataKind`], implemented for the
//! standard types and by the derive for structs, and the [`Shape`] it describes into.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::num::{
    NonZeroI8, NonZeroI16, NonZeroI32, NonZeroI64, NonZeroI128, NonZeroIsize, NonZeroU8,
    NonZeroU16, NonZeroU32, NonZeroU64, NonZeroU128, NonZeroUsize,
};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::schema::{DataKey, Integer, Kind};

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
    pub(super) fn root(out: &'a mut Vec<DataKey>, prefix: &str, field: &'a str) -> Self {
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
        self.leaf_of(kind, None);
    }

    /// The value is an integer (a [`Kind::Number`] to Umami) of this range.
    ///
    /// ```
    /// use umami::plan::{DataKind, Integer, Shape};
    ///
    /// struct Cents(u64); // serialized as a number by a hand-written `Serialize`
    ///
    /// impl DataKind for Cents {
    ///     fn describe(shape: &mut Shape<'_>) {
    ///         shape.integer(Integer::Unsigned);
    ///     }
    /// }
    /// ```
    pub fn integer(&mut self, integer: Integer) {
        self.leaf_of(Kind::Number, Some(integer));
    }

    /// A leaf of `kind`, an integer of that range if `integer` says so.
    pub(super) fn leaf_of(&mut self, kind: Kind, integer: Option<Integer>) {
        let key = if self.prefix.is_empty() {
            "*".to_owned()
        } else {
            self.prefix.clone()
        };
        self.out.push(DataKey {
            key,
            kind,
            integer: integer.filter(|_| kind == Kind::Number),
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
leaf!(Number: f32, f64);

macro_rules! integer {
    ($range:ident: $($ty:ty),* $(,)?) => {
        $(impl DataKind for $ty {
            fn describe(shape: &mut Shape<'_>) {
                shape.integer(Integer::$range);
            }
        })*
    };
}

integer!(Unsigned: u8, u16, u32, u64, u128, usize);
integer!(Signed: i8, i16, i32, i64, i128, isize);
integer!(Positive: NonZeroU8, NonZeroU16, NonZeroU32, NonZeroU64, NonZeroU128, NonZeroUsize);
integer!(NonZero: NonZeroI8, NonZeroI16, NonZeroI32, NonZeroI64, NonZeroI128, NonZeroIsize);
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
        shape.member("secs_since_epoch", |s| s.integer(Integer::Unsigned));
        shape.member("nanos_since_epoch", |s| s.integer(Integer::Unsigned));
    }
}

/// serde serializes a `Duration` as `{"secs": .., "nanos": ..}`.
impl DataKind for Duration {
    fn describe(shape: &mut Shape<'_>) {
        shape.member("secs", |s| s.integer(Integer::Unsigned));
        shape.member("nanos", |s| s.integer(Integer::Unsigned));
    }
}

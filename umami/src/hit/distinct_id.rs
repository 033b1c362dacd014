//! The distinct id of a user: [`DistinctId`] and the values that convert into one.

use std::fmt;

/// The distinct id of a user, sent as the payload's `id`.
///
/// Built from `&str`, `String` and every integer type; integers are sent as their decimal
/// text. Ids are trimmed, and a blank id is not sent at all. There is deliberately no
/// conversion from `bool`.
///
/// **Sessions.** Umami derives the session of a hit with an `id` from the id alone, not from
/// the visitor's IP and User-Agent (`shared/umami-protocol.md` §7): the hits a visitor sent
/// before the id was known (anonymous page views, before logging in) are in another session,
/// and a funnel from those pages to an event carrying the id counts no visitor through. To
/// keep the visitor's session, send the event without the id and record the user as session
/// data (`client.identify(..)` ties the session to the id too; an `identify` hit carrying the
/// id as data does not). The web layer does this with
/// `ContextConfig::distinct_id_mode(DistinctIdMode::session_data("userId"))` (feature
/// `tower`).
///
/// ```
/// use umami::DistinctId;
/// assert_eq!(DistinctId::from(42_u64).as_str(), "42");
/// assert_eq!(DistinctId::from("  user-7 ").as_str(), "user-7");
/// assert!(DistinctId::from("   ").is_blank());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DistinctId(String);

impl DistinctId {
    /// The id as sent (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the id is empty after trimming; blank ids are not sent.
    pub fn is_blank(&self) -> bool {
        self.0.is_empty()
    }

    fn from_text(s: &str) -> Self {
        DistinctId(s.trim().to_owned())
    }
}

impl fmt::Debug for DistinctId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DistinctId").field(&self.0).finish()
    }
}

impl fmt::Display for DistinctId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for DistinctId {
    fn from(s: &str) -> Self {
        DistinctId::from_text(s)
    }
}

impl From<String> for DistinctId {
    fn from(s: String) -> Self {
        if s.trim().len() == s.len() {
            DistinctId(s)
        } else {
            DistinctId::from_text(&s)
        }
    }
}

impl From<&String> for DistinctId {
    fn from(s: &String) -> Self {
        DistinctId::from_text(s)
    }
}

macro_rules! distinct_id_from_integers {
    ($($t:ty)*) => {$(
        impl From<$t> for DistinctId {
            fn from(n: $t) -> Self {
                DistinctId(n.to_string())
            }
        }
        impl IntoDistinctId for $t {
            fn into_distinct_id(self) -> DistinctId {
                DistinctId::from(self)
            }
        }
    )*};
}
distinct_id_from_integers!(u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize);

/// Values accepted as a distinct id: `&str`, `String`, every integer type and [`DistinctId`],
/// and an `Option` of any of them: `None` is no id (a blank [`DistinctId`], which is not
/// sent), for a user id that is not always known.
///
/// A `bool` is rejected at compile time: Umami ids are strings or integers.
///
/// ```
/// use umami::IntoDistinctId;
/// assert_eq!(Some(42_u64).into_distinct_id().as_str(), "42");
/// assert!(None::<u64>.into_distinct_id().is_blank());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as an Umami distinct id",
    label = "expected a string or an integer here, found `{Self}`",
    note = "a distinct id is a `&str`, a `String` or an integer (`u64`, `i32`, ...), or an `Option` of one; `bool` is deliberately not accepted"
)]
pub trait IntoDistinctId {
    /// Converts into the id.
    fn into_distinct_id(self) -> DistinctId;
}

impl IntoDistinctId for DistinctId {
    fn into_distinct_id(self) -> DistinctId {
        self
    }
}
impl IntoDistinctId for &DistinctId {
    fn into_distinct_id(self) -> DistinctId {
        self.clone()
    }
}
impl IntoDistinctId for &str {
    fn into_distinct_id(self) -> DistinctId {
        DistinctId::from(self)
    }
}
impl IntoDistinctId for String {
    fn into_distinct_id(self) -> DistinctId {
        DistinctId::from(self)
    }
}
impl IntoDistinctId for &String {
    fn into_distinct_id(self) -> DistinctId {
        DistinctId::from(self)
    }
}
/// `None` is no id: a blank [`DistinctId`], not sent.
impl<T: IntoDistinctId> IntoDistinctId for Option<T> {
    fn into_distinct_id(self) -> DistinctId {
        match self {
            Some(id) => id.into_distinct_id(),
            None => DistinctId(String::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_ids_from_text_are_trimmed_and_blank_ones_are_blank() {
        assert_eq!(DistinctId::from(" a ").as_str(), "a");
        assert_eq!(DistinctId::from(String::from("\tb\n")).as_str(), "b");
        assert_eq!(DistinctId::from(String::from("c")).as_str(), "c");
        assert_eq!(DistinctId::from(&String::from(" d")).as_str(), "d");
        assert!(DistinctId::from(" \r\n\t").is_blank());
        assert!(DistinctId::from(String::new()).is_blank());
        assert_eq!(" e ".into_distinct_id().to_string(), "e");
    }
    #[test]
    fn an_optional_id_is_its_value_or_blank() {
        assert_eq!(Some(7_u32).into_distinct_id().as_str(), "7");
        assert_eq!(Some(" u-1 ").into_distinct_id().as_str(), "u-1");
        assert_eq!(Some(String::from("u-2")).into_distinct_id().as_str(), "u-2");
        assert!(None::<u64>.into_distinct_id().is_blank());
        assert!(None::<String>.into_distinct_id().is_blank());
        assert!(Some(Some("")).into_distinct_id().is_blank());
    }

    #[test]
    fn distinct_ids_from_integers_are_decimal_text() {
        assert_eq!(DistinctId::from(0_u8).as_str(), "0");
        assert_eq!(DistinctId::from(-1_i8).as_str(), "-1");
        assert_eq!(DistinctId::from(i64::MIN).as_str(), "-9223372036854775808");
        assert_eq!(
            DistinctId::from(u128::MAX).as_str(),
            "340282366920938463463374607431768211455"
        );
        assert_eq!(
            isize::MAX.into_distinct_id().as_str(),
            isize::MAX.to_string()
        );
    }
}

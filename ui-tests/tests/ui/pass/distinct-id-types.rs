//! Strings, every integer type and `DistinctId` are distinct ids.
use umami::{DistinctId, UmamiEvent};

macro_rules! id_of {
    ($ty:ty, $value:expr, $expected:literal) => {{
        #[derive(UmamiEvent)]
        struct Event {
            #[umami(distinct_id)]
            id: $ty,
        }
        assert_eq!(Event { id: $value }.distinct_id().unwrap().as_str(), $expected);
    }};
}

fn main() {
    id_of!(String, "a".to_owned(), "a");
    id_of!(&'static str, "b", "b");
    id_of!(DistinctId, DistinctId::from("c"), "c");
    id_of!(u8, 1, "1");
    id_of!(u16, 2, "2");
    id_of!(u32, 3, "3");
    id_of!(u64, 4, "4");
    id_of!(u128, 5, "5");
    id_of!(usize, 6, "6");
    id_of!(i8, -1, "-1");
    id_of!(i16, -2, "-2");
    id_of!(i32, -3, "-3");
    id_of!(i64, -4, "-4");
    id_of!(i128, -5, "-5");
    id_of!(isize, -6, "-6");
}

//! Each of serde's case names for `rename_all`.
use serde_json::Value;
use umami::UmamiEvent;

macro_rules! case {
    ($ty:ident, $case:literal, $key:literal) => {
        #[derive(UmamiEvent)]
        #[umami(rename_all = $case)]
        struct $ty {
            course_id: u8,
        }
        let data = $ty { course_id: 1 }.custom_data().unwrap();
        assert_eq!(data.keys().collect::<Vec<_>>(), [$key], "{}", $case);
        assert_eq!(data[$key], Value::from(1));
    };
}

fn main() {
    case!(Lower, "lowercase", "course_id");
    case!(Upper, "UPPERCASE", "COURSE_ID");
    case!(Pascal, "PascalCase", "CourseId");
    case!(Camel, "camelCase", "courseId");
    case!(Snake, "snake_case", "course_id");
    case!(ScreamingSnake, "SCREAMING_SNAKE_CASE", "COURSE_ID");
    case!(Kebab, "kebab-case", "course-id");
    case!(ScreamingKebab, "SCREAMING-KEBAB-CASE", "COURSE-ID");
}

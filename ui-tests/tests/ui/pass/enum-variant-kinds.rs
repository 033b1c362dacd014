//! Unit, struct-like and newtype variants; the enum's url, title and rename_all inherited
//! and overridden.
use serde_json::{Value, json};
use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(name = "signup", url = "/signup")]
struct Signup {
    plan: &'static str,
}

#[derive(UmamiEvent)]
#[umami(url = "/app", title = "App", rename_all = "kebab-case")]
enum AppEvent {
    Opened,
    #[umami(name = "app-closed", url = "/bye", title = "Bye")]
    Closed,
    #[umami(name = "search")]
    Searched { query_text: &'static str },
    #[umami(name = "lesson", url = "/lessons/{lesson_id}", title = "Lesson {lesson_id}", rename_all = "camelCase")]
    Lesson {
        lesson_id: u32,
        watched_seconds: u32,
        #[umami(distinct_id)]
        user: &'static str,
    },
    Empty {},
    Signup(Signup),
}

fn data(event: &AppEvent) -> Value {
    Value::Object(event.custom_data().unwrap())
}

fn main() {
    assert_eq!(AppEvent::Opened.event_name(), "Opened");
    assert_eq!(AppEvent::Opened.url(), "/app");
    assert_eq!(AppEvent::Opened.title().as_deref(), Some("App"));
    assert_eq!(data(&AppEvent::Opened), json!({}));

    assert_eq!(AppEvent::Closed.event_name(), "app-closed");
    assert_eq!(AppEvent::Closed.url(), "/bye");
    assert_eq!(AppEvent::Closed.title().as_deref(), Some("Bye"));

    let searched = AppEvent::Searched { query_text: "rust" };
    assert_eq!(searched.event_name(), "search");
    assert_eq!(data(&searched), json!({"query-text": "rust"}));
    assert!(searched.distinct_id().is_none());

    let lesson = AppEvent::Lesson { lesson_id: 3, watched_seconds: 10, user: "u-1" };
    assert_eq!(lesson.url(), "/lessons/3");
    assert_eq!(lesson.title().as_deref(), Some("Lesson 3"));
    assert_eq!(data(&lesson), json!({"lessonId": 3, "watchedSeconds": 10}));
    assert_eq!(lesson.distinct_id().unwrap().as_str(), "u-1");

    assert_eq!(AppEvent::Empty {}.event_name(), "Empty");

    let signup = AppEvent::Signup(Signup { plan: "pro" });
    assert_eq!(signup.event_name(), "signup");
    assert_eq!(signup.url(), "/signup");
    assert_eq!(signup.title(), None);
    assert_eq!(data(&signup), json!({"plan": "pro"}));
}

//! A unit struct is an event without data.
use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(name = "app-started")]
struct AppStarted;

#[derive(UmamiEvent)]
struct Empty {}

fn main() {
    assert_eq!(AppStarted.event_name(), "app-started");
    assert!(AppStarted.custom_data().unwrap().is_empty());
    assert_eq!(AppStarted.url(), "/");
    assert_eq!(Empty {}.event_name(), "Empty");
}

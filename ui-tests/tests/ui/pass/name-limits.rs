//! Names at Umami's limit are accepted: 50 characters (not bytes), inner `-`, `=`, `@`.
use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(name = "an-event-name-exactly-fifty-characters-long-xxxxxx")]
struct Fifty;

#[derive(UmamiEvent)]
#[umami(name = "éééééééééééééééééééééééééééééééééééééééééééééééééé")]
struct FiftyNonAscii;

#[derive(UmamiEvent)]
#[umami(name = "a=b+c-d@e")]
struct InnerCharacters;

fn main() {
    assert_eq!(Fifty.event_name().chars().count(), 50);
    assert_eq!(FiftyNonAscii.event_name().chars().count(), 50);
    assert_eq!(InnerCharacters.event_name(), "a=b+c-d@e");
}

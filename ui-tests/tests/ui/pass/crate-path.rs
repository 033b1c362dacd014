//! `crate = "..."` for a re-exported umami.
mod reexport {
    pub use ::umami as analytics;
}

use reexport::analytics::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(crate = "reexport::analytics", name = "signup")]
struct Signup {
    #[umami(distinct_id)]
    user: u64,
}

fn main() {
    let event = Signup { user: 1 };
    assert_eq!(event.event_name(), "signup");
    assert_eq!(event.distinct_id().unwrap().as_str(), "1");
}

//! `Plan::from_registry` (feature `registry`): every non-generic derived type linked into the
//! binary, without listing them.

use umami::UmamiEvent;
use umami::plan::{Kind, Plan};

#[derive(UmamiEvent)]
#[umami(name = "signup")]
struct Signup {
    plan: String,
}

#[derive(UmamiEvent)]
#[expect(dead_code, reason = "only described, never sent")]
enum AppEvent {
    #[umami(name = "app-opened")]
    Opened,
    Signup(Signup),
}

mod nested {
    /// A type in another module is registered too.
    #[derive(umami::UmamiEvent)]
    #[umami(name = "download")]
    pub struct Download {
        pub size_mb: f64,
    }
}

/// Generic types are not registered: there is no one type to describe.
#[derive(UmamiEvent)]
#[umami(name = "generic")]
struct Generic<T> {
    value: T,
}

#[test]
fn every_non_generic_derived_type_is_in_the_registry() {
    let plan = Plan::from_registry().unwrap();
    let names: Vec<&str> = plan.events().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["app-opened", "download", "signup"]);
    assert_eq!(
        plan.get("download").unwrap().key("size_mb").unwrap().kind,
        Kind::Number
    );
    // The same plan as listing the types by hand.
    let by_hand = Plan::new()
        .event::<AppEvent>()
        .and_then(|p| p.event::<nested::Download>())
        .and_then(|p| p.event::<Signup>())
        .unwrap();
    assert_eq!(plan, by_hand);
    assert!(plan.get("generic").is_none());
    let _ = Generic { value: 1 }.value;
}

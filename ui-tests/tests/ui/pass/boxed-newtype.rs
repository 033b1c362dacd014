//! A newtype variant may box (or borrow) the wrapped event.
use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(name = "purchase", url = "/checkout")]
struct Purchase {
    plan: &'static str,
    notes: [u64; 32],
}

#[derive(UmamiEvent)]
enum AppEvent<'a> {
    Opened,
    Purchase(Box<Purchase>),
    Borrowed(&'a Purchase),
}

fn main() {
    let purchase = Purchase { plan: "pro", notes: [0; 32] };
    let borrowed = AppEvent::Borrowed(&purchase);
    assert_eq!(borrowed.event_name(), "purchase");
    assert_eq!(borrowed.url(), "/checkout");
    let boxed = AppEvent::Purchase(Box::new(Purchase { plan: "team", notes: [1; 32] }));
    assert_eq!(boxed.custom_data().unwrap()["plan"], "team");
    assert_eq!(AppEvent::Opened.event_name(), "Opened");
}

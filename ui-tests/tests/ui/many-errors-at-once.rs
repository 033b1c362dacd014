use umami::UmamiEvent;

// Every mistake is reported in one compile, and code using the event still type-checks
// (no second wall of errors from `event_name` or `send` below).
#[derive(UmamiEvent)]
#[umami(name = "", colour = "blue", url = "/p/{missing}")]
struct Signup {
    #[umami(distinct_id)]
    user: u64,
    #[umami(distinct_id)]
    account: u64,
    plan: String,
    #[umami(rename = "plan")]
    tier: String,
    #[umami(skip, rename = "x")]
    internal: u8,
}

fn main() {
    let event = Signup { user: 1, account: 2, plan: String::new(), tier: String::new(), internal: 0 };
    let _ = event.event_name();
    let client = umami::Client::builder().url_base("http://127.0.0.1:9").build().unwrap();
    let _future = event.send(&client);
}

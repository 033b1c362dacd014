//! `send` and `send_global` return `Send` futures, usable with `tokio::spawn`.
use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Signup {
    plan: String,
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    let client = umami::Client::builder().url_base("http://127.0.0.1:9").build().unwrap();
    let event = Signup { plan: "pro".into() };
    let future = event.send(&client);
    assert_send(&future);
    let global = event.send_global();
    assert_send(&global);
    let builder: umami::hit::NewEvent = event.new_event(&client).ip_address("203.0.113.7");
    drop(builder);
}

use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Purchase {
    plan: String,
}

fn main() {
    let client = umami::Client::builder().url_base("http://localhost").build().unwrap();
    let dispatcher = umami::Dispatcher::builder(client).build().unwrap();
    let _ = dispatcher.track_hit(Purchase { plan: "pro".into() });
}

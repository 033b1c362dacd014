use umami::UmamiEvent;

#[derive(UmamiEvent)]
enum AppEvent {
    #[umami(crate = "umami")]
    Opened,
}

fn main() {}

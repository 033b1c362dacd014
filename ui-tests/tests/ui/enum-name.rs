use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(name = "app")]
enum AppEvent {
    Opened,
    Closed,
}

fn main() {}

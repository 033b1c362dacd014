use umami::UmamiEvent;

#[derive(UmamiEvent)]
enum AppEvent {
    #[umami(name = " ")]
    Opened,
}

fn main() {}

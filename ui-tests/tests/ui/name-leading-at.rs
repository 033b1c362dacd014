use umami::UmamiEvent;

#[derive(UmamiEvent)]
enum AppEvent {
    #[umami(name = "@opened")]
    Opened,
}

fn main() {}

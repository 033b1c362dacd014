use umami::UmamiEvent;

#[derive(UmamiEvent)]
enum AppEvent {
    Opened,
    Resized(u32, u32),
}

fn main() {}

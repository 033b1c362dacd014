use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Signup {
    plan: String,
}

#[derive(UmamiEvent)]
enum AppEvent {
    Opened,
    Signup(#[umami(flatten)] Signup),
}

fn main() {}

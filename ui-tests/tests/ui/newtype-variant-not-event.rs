use umami::UmamiEvent;

struct Signup {
    plan: String,
}

#[derive(UmamiEvent)]
enum AppEvent {
    Opened,
    Signup(Signup),
}

fn main() {}

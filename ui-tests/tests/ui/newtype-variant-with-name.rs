use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Signup {
    plan: String,
}

#[derive(UmamiEvent)]
enum AppEvent {
    Opened,
    #[umami(name = "sign-up")]
    Signup(Signup),
}

fn main() {}

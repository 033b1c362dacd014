use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(name = "signup", name = "sign-up")]
struct Signup {
    plan: String,
}

fn main() {}

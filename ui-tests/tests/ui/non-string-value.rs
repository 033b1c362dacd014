use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(name = 42)]
struct Signup {
    plan: String,
}

fn main() {}

use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami]
struct Signup {
    plan: String,
}

fn main() {}

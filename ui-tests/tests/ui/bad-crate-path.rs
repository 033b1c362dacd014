use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(crate = "not a path")]
struct Signup {
    plan: String,
}

fn main() {}

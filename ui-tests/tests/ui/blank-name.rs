use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(name = "   ")]
struct Signup {
    plan: String,
}

fn main() {}

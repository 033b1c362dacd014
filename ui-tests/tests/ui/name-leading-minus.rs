use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(name = "-signup")]
struct Signup {
    plan: String,
}

fn main() {}

use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(serde::rename = "signup")]
struct Signup {
    plan: String,
}

fn main() {}

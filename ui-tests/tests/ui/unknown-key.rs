use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(nmae = "Signup")]
struct Signup {
    plan: String,
}

fn main() {}

use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Signup {
    plan: String,
    #[umami(skip = true)]
    internal: u8,
}

fn main() {}

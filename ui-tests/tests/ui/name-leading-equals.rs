use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(name = "=HYPERLINK()")]
struct Signup {
    plan: String,
}

fn main() {}

use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Purchase {
    plan: String,
    #[umami(rename = "plan")]
    tier: String,
}

fn main() {}

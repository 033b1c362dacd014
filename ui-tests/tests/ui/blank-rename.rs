use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Signup {
    #[umami(rename = "")]
    plan: String,
}

fn main() {}

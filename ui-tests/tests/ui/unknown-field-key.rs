use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Signup {
    #[umami(renmae = "planName")]
    plan: String,
}

fn main() {}

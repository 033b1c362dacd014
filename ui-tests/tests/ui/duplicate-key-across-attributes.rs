use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(url = "/signup")]
#[umami(url = "/register")]
struct Signup {
    plan: String,
}

fn main() {}

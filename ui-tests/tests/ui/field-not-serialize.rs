use umami::UmamiEvent;

struct Plan;

#[derive(UmamiEvent)]
struct Signup {
    user: String,
    plan: Plan,
}

fn main() {}

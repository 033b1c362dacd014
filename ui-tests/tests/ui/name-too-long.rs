use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(name = "a-very-long-event-name-that-goes-on-and-on-and-on-1")]
struct Signup {
    plan: String,
}

fn main() {}

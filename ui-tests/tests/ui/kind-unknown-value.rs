use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Signup {
    #[umami(kind = "integer")]
    seats: u32,
}

fn main() {}

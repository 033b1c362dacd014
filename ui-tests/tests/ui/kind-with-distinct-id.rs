use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Signup {
    #[umami(distinct_id, kind = "number")]
    user: u64,
}

fn main() {}

use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Login {
    #[umami(distinct_id)]
    user_id: u64,
    #[umami(distinct_id)]
    email: String,
}

fn main() {}

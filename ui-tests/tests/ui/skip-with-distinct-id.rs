use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Login {
    #[umami(skip, distinct_id)]
    user_id: u64,
}

fn main() {}

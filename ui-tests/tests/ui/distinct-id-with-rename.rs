use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Login {
    #[umami(distinct_id, rename = "userId")]
    user_id: u64,
}

fn main() {}

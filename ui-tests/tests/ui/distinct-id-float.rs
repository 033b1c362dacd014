use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Login {
    #[umami(distinct_id)]
    score: f64,
}

fn main() {}

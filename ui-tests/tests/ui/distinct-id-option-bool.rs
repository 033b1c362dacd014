use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Login {
    #[umami(distinct_id)]
    is_admin: Option<bool>,
}

fn main() {}

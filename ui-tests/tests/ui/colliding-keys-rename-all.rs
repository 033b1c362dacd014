use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(rename_all = "camelCase")]
struct Purchase {
    user_id: u64,
    #[umami(rename = "userId")]
    customer: String,
}

fn main() {}

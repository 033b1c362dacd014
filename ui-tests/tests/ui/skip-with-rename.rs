use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Login {
    method: String,
    #[umami(skip, rename = "internalId")]
    internal_id: u64,
}

fn main() {}

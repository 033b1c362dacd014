use umami::UmamiEvent;

#[derive(serde::Serialize)]
struct Utm {
    source: String,
}

#[derive(UmamiEvent)]
struct Landing {
    #[umami(flatten, rename = "utm")]
    utm: Utm,
}

fn main() {}

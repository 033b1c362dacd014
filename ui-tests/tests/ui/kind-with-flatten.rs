use umami::UmamiEvent;

#[derive(serde::Serialize)]
struct Utm {
    source: String,
}

#[derive(UmamiEvent)]
struct Landing {
    #[umami(flatten, kind = "string")]
    utm: Utm,
}

fn main() {}

use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(url = "/items/{id}")]
struct Listed;

fn main() {}

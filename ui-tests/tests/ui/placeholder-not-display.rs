use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(url = "/tags/{tags}")]
struct Tagged {
    tags: Vec<String>,
}

fn main() {}

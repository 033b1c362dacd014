use umami::UmamiEvent;

#[derive(UmamiEvent)]
enum NoEvents {}

fn main() {}

use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Signup(String, u32);

fn main() {}

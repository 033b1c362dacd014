use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Signup {
    plan: String,
}

#[derive(UmamiEvent)]
enum App {
    Signup(#[umami(kind = "string")] Signup),
}

fn main() {}

use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(rename_all = "camelcase")]
struct Signup {
    plan_name: String,
}

fn main() {}

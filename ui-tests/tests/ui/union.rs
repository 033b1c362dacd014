use umami::UmamiEvent;

#[derive(UmamiEvent)]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}

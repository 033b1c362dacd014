use umami::UmamiEvent;

// 26 emoji: 26 characters but 52 UTF-16 code units, which is what Umami counts.
#[derive(UmamiEvent)]
#[umami(name = "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀")]
struct Party;

fn main() {}

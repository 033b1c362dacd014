//! Names are counted in UTF-16 code units, as Umami's zod schema counts them: 25 emoji are
//! 50 units and pass; 24 emoji and 2 ASCII letters too.
use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(name = "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀")]
struct TwentyFiveEmoji;

#[derive(UmamiEvent)]
#[umami(name = "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀ab")]
struct Mixed;

fn main() {
    assert_eq!(TwentyFiveEmoji.event_name().encode_utf16().count(), 50);
    assert_eq!(Mixed.event_name().encode_utf16().count(), 50);
}

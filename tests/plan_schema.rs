use umami::UmamiEvent;
use umami::plan::{Describe, Plan};

#[derive(UmamiEvent, serde::Serialize)]
struct Inner { a: u8, b: Option<String> }

struct Opaque;
impl serde::Serialize for Opaque { fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_u8(1) } }

#[derive(UmamiEvent)]
#[umami(url = "/x/{plan}")]
struct Signup<'a> { plan: &'a str, seats: Option<u32>, at: std::time::SystemTime, inner: Inner, #[umami(flatten)] flat: Inner, o: Opaque, #[umami(kind = "date")] when: String, m: std::collections::HashMap<String, bool>, #[umami(distinct_id)] id: u64 }

#[derive(UmamiEvent)]
enum App { A, B { x: f64 }, S(Box<Inner>) }

#[test]
fn dump() {
    println!("{:#?}", Signup::schema());
    let plan = Plan::new().event::<Signup<'static>>().unwrap().event::<App>().unwrap();
    println!("{}", plan.to_markdown());
    println!("{}", serde_json::to_string_pretty(&plan.json_schemas()).unwrap());
}

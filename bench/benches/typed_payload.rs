//! Building the payload of a typed event against hand-writing it with `serde_json::json!`,
//! in the same run: `cargo bench -p umami-bench --bench typed_payload`.
//!
//! Both arms build the same six-field custom data and the same validated hit, then
//! serialize it to bytes; neither does I/O.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use umami::{Client, UmamiEvent};

#[derive(UmamiEvent)]
#[umami(name = "Purchase-Course", url = "/checkout")]
struct PurchaseCourse {
    plan: String,
    price_cents: u32,
    currency: &'static str,
    coupon: Option<String>,
    seats: u16,
    trial: bool,
}

fn event() -> PurchaseCourse {
    PurchaseCourse {
        plan: "pro".into(),
        price_cents: 4900,
        currency: "EUR",
        coupon: Some("SPRING24".into()),
        seats: 3,
        trial: false,
    }
}

fn hand_written(client: &Client, e: &PurchaseCourse) -> umami::hit::NewEvent {
    client
        .new_event("Purchase-Course")
        .url("/checkout")
        .custom_data(json!({
            "plan": e.plan,
            "price_cents": e.price_cents,
            "currency": e.currency,
            "coupon": e.coupon,
            "seats": e.seats,
            "trial": e.trial,
        }))
}

fn payload(c: &mut Criterion) {
    let client = Client::builder()
        .url_base("http://127.0.0.1:9")
        .website_id(umami_bench::WEBSITE_ID)
        .hostname("example.com")
        .build()
        .expect("valid client");
    let event = event();

    // Same hit from both arms, or the comparison means nothing.
    assert_eq!(
        event.new_event(&client).prepare().unwrap().to_json(),
        hand_written(&client, &event).prepare().unwrap().to_json()
    );

    let mut group = c.benchmark_group("payload");
    group.bench_function("typed", |b| {
        b.iter(|| {
            let hit = black_box(&event).new_event(&client).prepare().unwrap();
            serde_json::to_vec(&hit.to_json()).unwrap()
        });
    });
    group.bench_function("json_macro", |b| {
        b.iter(|| {
            let hit = hand_written(&client, black_box(&event)).prepare().unwrap();
            serde_json::to_vec(&hit.to_json()).unwrap()
        });
    });
    group.finish();

    let mut group = c.benchmark_group("custom_data");
    group.bench_function("typed", |b| {
        b.iter(|| black_box(&event).custom_data().unwrap());
    });
    group.bench_function("json_macro", |b| {
        b.iter(|| {
            let e = black_box(&event);
            json!({
                "plan": e.plan,
                "price_cents": e.price_cents,
                "currency": e.currency,
                "coupon": e.coupon,
                "seats": e.seats,
                "trial": e.trial,
            })
        });
    });
    group.finish();
}

criterion_group!(benches, payload);
criterion_main!(benches);

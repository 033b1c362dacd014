//! The cost of the dispatcher's bot check per hit, side by side in one run (release build):
//! `track` of a hit carrying a browser User-Agent with the check on and off, and the
//! uncached pattern match itself.
//!
//! ```text
//! cargo bench -p umami-bench --bench bench_bot_check
//! ```

use std::time::{Duration, Instant};

use umami::dispatch::BotCheck;
use umami::{Client, Dispatcher};

const BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                       (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const HITS: u32 = 200_000;

fn per_hit(elapsed: Duration, n: u32) -> f64 {
    elapsed.as_secs_f64() * 1e9 / f64::from(n)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A receiver that never answers: the hits stay queued, only `track` is measured.
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}", listener.local_addr()?);
    let client = Client::builder()
        .url_base(url)
        .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
        .hostname("example.com")
        .build()?;
    let mut rows = Vec::new();
    for round in 0..3 {
        for check in [false, true] {
            let bot_check = if check {
                BotCheck::Umami
            } else {
                BotCheck::Off
            };
            let dispatcher = Dispatcher::builder(client.clone())
                .capacity(HITS as usize + 1)
                .bot_check(bot_check)
                .build()?;
            let start = Instant::now();
            for _ in 0..HITS {
                dispatcher.track_hit(
                    client
                        .new_event("Purchase")
                        .user_agent(BROWSER)
                        .ip_address("203.0.113.7"),
                )?;
            }
            let ns = per_hit(start.elapsed(), HITS);
            rows.push((round, check, ns));
            // Nothing is ever delivered: end at once, counting the queue as abandoned.
            dispatcher.shutdown(Duration::ZERO).await;
        }
    }
    let uncached_n = 2_000;
    let start = Instant::now();
    for i in 0..uncached_n {
        // A distinct User-Agent each time: no memo, the full pattern match.
        std::hint::black_box(umami::bot::is_bot(&format!("{BROWSER} r/{i}")));
    }
    let uncached = per_hit(start.elapsed(), uncached_n);
    println!("| round | bot check | ns per track |\n|---|---|---|");
    for (round, check, ns) in &rows {
        println!(
            "| {round} | {} | {ns:.0} |",
            if *check { "on" } else { "off" }
        );
    }
    let mean = |on: bool| {
        let v: Vec<f64> = rows.iter().filter(|r| r.1 == on).map(|r| r.2).collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    println!(
        "\ncheck on / off: {:.3}x ({:+.0} ns per hit, verdict remembered per User-Agent); \
         an uncached match of Umami's {} patterns: {:.1} µs",
        mean(true) / mean(false),
        mean(true) - mean(false),
        umami::bot::patterns().len(),
        uncached / 1000.0
    );
    std::process::exit(0);
}

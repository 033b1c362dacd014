//! A weekly report of one website: totals, top pages, top events, revenue and a
//! pricing → checkout funnel, over the last 7 days, through the read API.
//!
//! ```text
//! # self-hosted, with a login or an API key (umami_...)
//! UMAMI_URL=https://umami.example.com UMAMI_WEBSITE_ID=... \
//!     UMAMI_USERNAME=admin UMAMI_PASSWORD=... cargo run --example report
//! UMAMI_URL=https://umami.example.com UMAMI_WEBSITE_ID=... UMAMI_API_TOKEN=umami_... \
//!     cargo run --example report
//! # Umami Cloud
//! UMAMI_API_KEY=api_... UMAMI_WEBSITE_ID=... cargo run --example report
//! ```
//!
//! With none of these set it starts the embedded collector (`umami_test`), sends a few
//! hits and reports on those; sections whose route the collector does not answer say so.
//! An incomplete set of variables exits with status 2, a failed login with status 1.

use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use umami::api::analytics::MetricType;
use umami::api::reports::FunnelStep;
use umami_test::Collector;

/// The website of the embedded collector's run.
const EXAMPLE_WEBSITE_ID: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A client for the configured server, or `None` when nothing is configured.
async fn connect() -> Result<Option<umami::Client>, (u8, String)> {
    let website = var("UMAMI_WEBSITE_ID");
    if let Some(key) = var("UMAMI_API_KEY") {
        let website =
            website.ok_or((2, "UMAMI_API_KEY is set but UMAMI_WEBSITE_ID is not".into()))?;
        let client = umami::Client::builder()
            .cloud_api_key(key)
            .website_id(website)
            .build()
            .map_err(|e| (2, e.to_string()))?;
        return Ok(Some(client));
    }
    let Some(url) = var("UMAMI_URL") else {
        return Ok(None);
    };
    let website = website.ok_or((2, "UMAMI_URL is set but UMAMI_WEBSITE_ID is not".into()))?;
    let client = umami::Client::builder()
        .url_base(url)
        .website_id(website)
        .build()
        .map_err(|e| (2, e.to_string()))?;
    if let Some(token) = var("UMAMI_API_TOKEN") {
        client
            .set_bearer_token(&token)
            .map_err(|e| (2, e.to_string()))?;
    } else {
        let (Some(user), Some(password)) = (var("UMAMI_USERNAME"), var("UMAMI_PASSWORD")) else {
            return Err((
                2,
                "set UMAMI_API_TOKEN, or UMAMI_USERNAME and UMAMI_PASSWORD".into(),
            ));
        };
        client
            .login(&user, &password)
            .await
            .map_err(|e| (1, format!("login failed: {e}")))?;
    }
    Ok(Some(client))
}

/// Starts the embedded collector and sends it a small week of traffic.
async fn embedded() -> Result<(Collector, umami::Client), Box<dyn std::error::Error>> {
    let collector = Collector::start().await?;
    let client = collector
        .client_builder()
        .website_id(EXAMPLE_WEBSITE_ID)
        .hostname("shop.example")
        .build()?;
    for (title, url) in [
        ("Home", "/"),
        ("Pricing", "/pricing"),
        ("Checkout", "/checkout"),
        ("Pricing", "/pricing"),
    ] {
        client.new_page_view(title, url).send().await?;
    }
    client.new_event("signup").url("/pricing").send().await?;
    client
        .new_revenue_event(49.0, "USD")
        .event_name("purchase")
        .send()
        .await?;
    collector.wait_for_hits(6, Duration::from_secs(5)).await?;
    client
        .login(umami_test::DEFAULT_USERNAME, umami_test::DEFAULT_PASSWORD)
        .await?;
    println!(
        "UMAMI_URL is not set: reporting on the embedded collector at {}\n",
        collector.url()
    );
    Ok((collector, client))
}

fn section(title: &str) {
    println!("\n{title}\n{}", "-".repeat(title.chars().count()));
}

async fn report(client: &umami::Client) {
    let end = SystemTime::now();
    let start = end - Duration::from_secs(7 * 86_400);
    section("Last 7 days");
    match client.website_stats(start, end).send().await {
        Ok(s) => println!(
            "{} page views, {} visitors, {} visits, {} bounces",
            s.pageviews, s.visitors, s.visits, s.bounces
        ),
        Err(e) => println!("(not available: {e})"),
    }
    section("Top pages");
    match client
        .analytics()
        .metrics(start, end, MetricType::Path)
        .limit(10)
        .send()
        .await
    {
        Ok(rows) => rows.iter().for_each(|r| println!("{:>6}  {}", r.y, r.x)),
        Err(e) => println!("(not available: {e})"),
    }
    section("Top events");
    match client
        .analytics()
        .metrics(start, end, MetricType::Event)
        .limit(10)
        .send()
        .await
    {
        Ok(rows) => rows.iter().for_each(|r| println!("{:>6}  {}", r.y, r.x)),
        Err(e) => println!("(not available: {e})"),
    }
    section("Revenue (USD)");
    match client
        .reports()
        .revenue(start, end, "USD")
        .timezone("UTC")
        .send()
        .await
    {
        Ok(r) => println!(
            "{:.2} from {} purchases, {:.2} per buyer",
            r.total.sum, r.total.count, r.total.average
        ),
        Err(e) => println!("(not available: {e})"),
    }
    section("Funnel: /pricing -> /checkout (within 60 min)");
    let steps = [FunnelStep::path("/pricing"), FunnelStep::path("/checkout")];
    match client.reports().funnel(start, end, &steps, 60).send().await {
        Ok(steps) => steps.iter().for_each(|s| {
            println!(
                "{:>6}  {} {} ({:.0}% remaining)",
                s.visitors,
                s.kind,
                s.value,
                s.remaining * 100.0
            )
        }),
        Err(e) => println!("(not available: {e})"),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let (collector, client) = match connect().await {
        Ok(Some(client)) => (None, client),
        Ok(None) => match embedded().await {
            Ok((collector, client)) => (Some(collector), client),
            Err(e) => {
                eprintln!("report: the embedded collector failed: {e}");
                return ExitCode::FAILURE;
            }
        },
        Err((code, message)) => {
            eprintln!("report: {message}");
            return ExitCode::from(code);
        }
    };
    report(&client).await;
    if let Some(collector) = collector {
        collector.shutdown().await;
    }
    ExitCode::SUCCESS
}

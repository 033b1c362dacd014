//! The read commands: `stats`, `pageviews`, `metrics`, `events`, `active`, `websites`. The
//! calls themselves are in `api.rs`.

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use umami::Client;
use umami::api::Unit;
use umami::api::analytics::MetricType;

use crate::api;
use crate::cli::{EventsArgs, FormatArgs, MetricsArgs, OutputFormat, ReadArgs};
use crate::config::Settings;
use crate::exit::{CliError, CliResult};
use crate::output::{Align, Rows, number};
use crate::range::{self, Range};

/// A logged-in client (self-hosted) or a Cloud one, and a runtime to call with.
pub(crate) fn connect(settings: &Settings) -> CliResult<(Client, tokio::runtime::Runtime)> {
    let (client, credentials) = settings.read_client()?;
    let runtime = crate::runtime()?;
    if let Some((username, password)) = credentials {
        runtime
            .block_on(api::login(&client, &username, &password))
            .map_err(|e| CliError::from(e).context("login"))?;
    }
    Ok((client, runtime))
}

/// A website-scoped read needs the website id.
fn website_client(settings: &Settings) -> CliResult<(Client, tokio::runtime::Runtime)> {
    settings.require_website_id()?;
    connect(settings)
}

fn range_of(args: &ReadArgs) -> CliResult<Range> {
    let zone = range::timezone(args.timezone.as_deref())?;
    range::parse(&args.range, &zone, SystemTime::now())
}

fn print(text: &str) {
    print!("{text}");
}

/// `umami stats`.
pub(crate) fn stats(settings: &Settings, args: &ReadArgs) -> CliResult {
    let range = range_of(args)?;
    let (client, runtime) = website_client(settings)?;
    let stats = runtime.block_on(api::stats(&client, range.start, range.end))?;
    if args.format.format == OutputFormat::Json {
        let mut text = serde_json::to_string_pretty(&stats).unwrap_or_default();
        text.push('\n');
        print(&text);
        return Ok(());
    }
    let mut rows = Rows::new(&[
        ("metric", Align::Left),
        ("value", Align::Right),
        ("previous", Align::Right),
    ]);
    let previous = stats.comparison;
    let pairs = [
        ("pageviews", stats.pageviews, previous.map(|p| p.pageviews)),
        ("visitors", stats.visitors, previous.map(|p| p.visitors)),
        ("visits", stats.visits, previous.map(|p| p.visits)),
        ("bounces", stats.bounces, previous.map(|p| p.bounces)),
        ("totaltime", stats.totaltime, previous.map(|p| p.totaltime)),
    ];
    for (name, value, before) in pairs {
        rows.push(vec![
            json!(name),
            json!(value),
            before.map_or(Value::Null, Value::from),
        ]);
    }
    print(&rows.render(args.format.format));
    Ok(())
}

/// The bucket for a range: minutes up to 2 hours, hours up to 2 days, days up to 92 days,
/// months beyond.
fn default_unit(range: &Range) -> Unit {
    let length = range.length();
    if length <= Duration::from_secs(2 * 3600) {
        Unit::Minute
    } else if length <= Duration::from_secs(2 * 86_400) {
        Unit::Hour
    } else if length <= Duration::from_secs(92 * 86_400) {
        Unit::Day
    } else {
        Unit::Month
    }
}

fn unit_of(text: &str) -> CliResult<Unit> {
    Ok(match text {
        "minute" => Unit::Minute,
        "hour" => Unit::Hour,
        "day" => Unit::Day,
        "month" => Unit::Month,
        "year" => Unit::Year,
        other => {
            return Err(CliError::usage(format!(
                "--unit {other:?} is not minute, hour, day, month or year"
            )));
        }
    })
}

/// `umami pageviews`.
pub(crate) fn pageviews(settings: &Settings, args: &ReadArgs) -> CliResult {
    let range = range_of(args)?;
    let unit = match &args.unit {
        Some(text) => unit_of(text)?,
        None => default_unit(&range),
    };
    let (client, runtime) = website_client(settings)?;
    let series = runtime.block_on(api::pageviews(
        &client,
        range.start,
        range.end,
        unit,
        args.timezone.as_deref(),
    ))?;
    let mut rows = Rows::new(&[
        ("time", Align::Left),
        ("pageviews", Align::Right),
        ("sessions", Align::Right),
    ]);
    let mut times: Vec<&str> = series
        .pageviews
        .iter()
        .chain(&series.sessions)
        .map(|p| p.x.as_str())
        .collect();
    times.sort_unstable();
    times.dedup();
    for time in times {
        let at = |points: &[umami::api::analytics::Point]| {
            points
                .iter()
                .find(|p| p.x == time)
                .map_or(json!(0), |p| number(p.y))
        };
        rows.push(vec![
            json!(time),
            at(&series.pageviews),
            at(&series.sessions),
        ]);
    }
    print(&rows.render(args.format.format));
    Ok(())
}

/// Every `metrics` type, by its wire name.
const METRIC_TYPES: &[(&str, MetricType)] = &[
    ("path", MetricType::Path),
    ("entry", MetricType::Entry),
    ("exit", MetricType::Exit),
    ("referrer", MetricType::Referrer),
    ("domain", MetricType::Domain),
    ("title", MetricType::Title),
    ("query", MetricType::Query),
    ("event", MetricType::Event),
    ("tag", MetricType::Tag),
    ("hostname", MetricType::Hostname),
    ("utmSource", MetricType::UtmSource),
    ("utmMedium", MetricType::UtmMedium),
    ("utmCampaign", MetricType::UtmCampaign),
    ("utmContent", MetricType::UtmContent),
    ("utmTerm", MetricType::UtmTerm),
    ("browser", MetricType::Browser),
    ("os", MetricType::Os),
    ("device", MetricType::Device),
    ("screen", MetricType::Screen),
    ("language", MetricType::Language),
    ("country", MetricType::Country),
    ("region", MetricType::Region),
    ("city", MetricType::City),
    ("distinctId", MetricType::UserId),
    ("channel", MetricType::Channel),
];

/// `umami metrics TYPE`.
pub(crate) fn metrics(settings: &Settings, args: &MetricsArgs) -> CliResult {
    let Some(&(name, kind)) = METRIC_TYPES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&args.kind))
    else {
        let names: Vec<&str> = METRIC_TYPES.iter().map(|(n, _)| *n).collect();
        return Err(CliError::usage(format!(
            "{:?} is not a metrics type: {}",
            args.kind,
            names.join(", ")
        )));
    };
    let range = range_of(&args.read)?;
    let (client, runtime) = website_client(settings)?;
    let points = runtime.block_on(api::metrics(
        &client,
        range.start,
        range.end,
        kind,
        args.limit,
    ))?;
    let mut rows = Rows::new(&[(name, Align::Left), ("count", Align::Right)]);
    for point in points {
        rows.push(vec![json!(point.x), number(point.y)]);
    }
    print(&rows.render(args.read.format.format));
    Ok(())
}

/// `umami events`.
pub(crate) fn events(settings: &Settings, args: &EventsArgs) -> CliResult {
    if args.limit == 0 {
        return Err(CliError::usage("--limit must be at least 1"));
    }
    let range = range_of(&args.read)?;
    let (client, runtime) = website_client(settings)?;
    let events = runtime.block_on(api::events(&client, range.start, range.end, args.limit))?;
    let mut rows = Rows::new(&[
        ("time", Align::Left),
        ("type", Align::Left),
        ("name", Align::Left),
        ("path", Align::Left),
        ("session", Align::Left),
    ]);
    for event in events {
        let kind = match event.event_type {
            1 => "pageview".to_owned(),
            2 => "event".to_owned(),
            5 => "performance".to_owned(),
            other => other.to_string(),
        };
        rows.push(vec![
            json!(event.created_at),
            json!(kind),
            json!(event.event_name),
            json!(event.url_path),
            json!(event.session_id),
        ]);
    }
    print(&rows.render(args.read.format.format));
    Ok(())
}

/// `umami active`.
pub(crate) fn active(settings: &Settings, args: &FormatArgs) -> CliResult {
    let (client, runtime) = website_client(settings)?;
    let visitors = runtime.block_on(api::active(&client))?;
    match args.format {
        OutputFormat::Json => print(&format!("{{\"visitors\":{visitors}}}\n")),
        format => {
            let mut rows = Rows::new(&[("visitors", Align::Right)]);
            rows.push(vec![json!(visitors)]);
            print(&rows.render(format));
        }
    }
    Ok(())
}

/// `umami websites`.
pub(crate) fn websites(settings: &Settings, args: &FormatArgs) -> CliResult {
    let (client, runtime) = connect(settings)?;
    let websites = runtime.block_on(api::websites(&client))?;
    let mut rows = Rows::new(&[
        ("id", Align::Left),
        ("name", Align::Left),
        ("domain", Align::Left),
        ("created", Align::Left),
    ]);
    for site in websites {
        rows.push(vec![
            json!(site.id),
            json!(site.name),
            json!(site.domain),
            json!(site.created_at),
        ]);
    }
    print(&rows.render(args.format));
    Ok(())
}

//! The end-to-end suite (`tests/e2e/mod.rs`) against a real Umami server. Every test is
//! ignored by default; run them with
//!
//! ```text
//! UMAMI_E2E_URL=https://umami.example.com UMAMI_E2E_USERNAME=admin \
//! UMAMI_E2E_PASSWORD=... UMAMI_E2E_WEBSITE_ID=<uuid> \
//!     cargo test --test real_umami -- --ignored
//! ```
//!
//! The website must be one the user may write to and read: the tests add tagged events to
//! it. A missing variable fails every test with a message naming it.

#[macro_use]
mod e2e;

use e2e::Backend;

/// The variables the suite needs, in the order they are checked.
const VARIABLES: [&str; 4] = [
    "UMAMI_E2E_URL",
    "UMAMI_E2E_USERNAME",
    "UMAMI_E2E_PASSWORD",
    "UMAMI_E2E_WEBSITE_ID",
];

fn variable(name: &str) -> String {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => value,
        _ => panic!(
            "{name} is not set: the real-Umami suite needs {} (see README, \
             \"Testing against a real Umami\")",
            VARIABLES.join(", ")
        ),
    }
}

/// The server named by the environment, logged in to.
async fn real_umami() -> Backend {
    let [url, username, password, website_id] = VARIABLES.map(variable);
    Backend::connect(&url, &username, &password, &website_id, None).await
}

e2e_cases! {
    #[ignore = "needs a real Umami: see README"]
    backend = real_umami;
    custom_event_is_stored_with_name_url_hostname_and_title,
    custom_data_is_stored_typed_with_nested_keys_dotted,
    event_data_properties_list_every_key_under_the_event_name,
    event_metrics_count_custom_events_by_name,
    page_views_are_stored_as_page_views,
    stats_count_page_views_but_not_custom_events,
    revenue_event_stores_revenue_and_currency,
    identify_stores_session_data_and_the_distinct_id,
    same_distinct_id_lands_in_the_same_session,
    web_layer_visitors_get_their_own_sessions,
    tracking_plan_check_reports_exactly_the_drift,
    timestamp_sets_the_stored_time,
    default_user_agent_is_stored,
    bot_user_agent_is_reported_and_nothing_is_stored,
    unknown_website_is_a_status_error_saying_not_found,
    server_validation_error_names_the_field,
    versionless_website_id_is_refused_before_io_as_the_server_would,
    login_with_a_wrong_password_is_unauthorized,
    login_token_passes_verify,
    reads_without_a_token_are_unauthorized,
    events_without_a_date_range_are_a_bad_request,
    dispatcher_batch_of_500_is_stored_once_each,
    typed_struct_is_stored_with_its_name_data_and_distinct_id,
    typed_enum_variants_are_stored_as_their_own_events,
}

/// Reads back through the typed read API (`umami::api`): events, sessions, metrics, event
/// data and a funnel, for hits this test sends with a unique tag.
#[tokio::test]
#[ignore = "needs a real Umami: see README"]
async fn the_read_api_reads_back_events_sessions_metrics_event_data_and_a_funnel() {
    use std::time::{Duration, SystemTime};
    use umami::api::analytics::MetricType;
    use umami::api::reports::FunnelStep;

    let [url, username, password, website_id] = VARIABLES.map(variable);
    let client = umami::Client::builder()
        .url_base(url)
        .website_id(website_id)
        .hostname("e2e.umami-rs.test")
        .build()
        .unwrap();
    client.login(&username, &password).await.unwrap();
    let tag = format!(
        "{:x}",
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let (pricing, checkout) = (
        format!("/e2e-{tag}/pricing"),
        format!("/e2e-{tag}/checkout"),
    );
    let name = format!("e2e-read-{tag}");
    let start = SystemTime::now() - Duration::from_secs(60);
    client
        .new_page_view("Pricing", &pricing)
        .send()
        .await
        .unwrap();
    client
        .new_page_view("Checkout", &checkout)
        .send()
        .await
        .unwrap();
    let sent = client
        .new_event(&name)
        .url(&checkout)
        .custom_data(serde_json::json!({"plan": "pro", "seats": 3}))
        .send()
        .await
        .unwrap();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let events = loop {
        let end = SystemTime::now() + Duration::from_secs(60);
        let found = client
            .analytics()
            .events(start, end)
            .search(&name)
            .all()
            .await
            .unwrap();
        if !found.is_empty() || tokio::time::Instant::now() >= deadline {
            break found;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let end = SystemTime::now() + Duration::from_secs(60);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].event_name.as_deref(), Some(name.as_str()));
    assert_eq!(events[0].url_path.as_deref(), Some(checkout.as_str()));

    let data = client
        .analytics()
        .event_data_of(&events[0].id)
        .send()
        .await
        .unwrap();
    let seats = data
        .iter()
        .find(|d| d.property.data_key == "seats")
        .expect("seats stored");
    assert_eq!(seats.property.number_value, Some(3.0));

    let session = client
        .analytics()
        .session(sent.session_id().expect("a session id"))
        .send()
        .await
        .unwrap();
    assert!(session.views >= 2, "{session:?}");

    let pages = client
        .analytics()
        .metrics(start, end, MetricType::Path)
        .search(&tag)
        .send()
        .await
        .unwrap();
    let paths: Vec<&str> = pages.iter().map(|p| p.x.as_str()).collect();
    assert!(
        paths.contains(&pricing.as_str()) && paths.contains(&checkout.as_str()),
        "{paths:?}"
    );

    let funnel = client
        .reports()
        .funnel(
            start,
            end,
            &[FunnelStep::path(&pricing), FunnelStep::path(&checkout)],
            60,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(funnel.len(), 2);
    assert_eq!(
        (funnel[0].visitors, funnel[1].visitors),
        (1, 1),
        "{funnel:?}"
    );
}

/// Issue 23: a logged-in purchase and the visitor's session, through the web layer with an
/// auth middleware (a `DistinctId` per logged-in request). Three visitors see a page
/// anonymously, then buy logged in. With the default `DistinctIdMode::PayloadId` Umami
/// derives the purchase's session from the id, so a funnel page → purchase counts 0 of 3;
/// with `DistinctIdMode::SessionData` the purchase stays in the visitor's session (3 of 3)
/// and the session holds the user id as session data.
#[tokio::test]
#[ignore = "needs a real Umami: see README"]
async fn web_layer_session_data_ids_keep_a_logged_in_purchase_in_the_visitors_session() {
    use std::net::SocketAddr;
    use std::time::{Duration, SystemTime};

    use axum::routing::{get, post};
    use umami::api::reports::FunnelStep;
    use umami::web::{ClientIpConfig, ContextConfig, DistinctIdMode, RequestVisitor, UmamiLayer};

    const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                          (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

    async fn auth(
        mut request: axum::extract::Request,
        next: axum::middleware::Next,
    ) -> axum::response::Response {
        let user = request
            .headers()
            .get("x-user")
            .and_then(|v| v.to_str().ok())
            .map(umami::DistinctId::from);
        if let Some(user) = user {
            request.extensions_mut().insert(user);
        }
        next.run(request).await
    }

    let [url, username, password, website_id] = VARIABLES.map(variable);
    let client = umami::Client::builder()
        .url_base(url)
        .website_id(website_id)
        .hostname(e2e::HOSTNAME)
        .build()
        .unwrap();
    client.login(&username, &password).await.unwrap();
    let start = SystemTime::now() - Duration::from_secs(60);
    let http = reqwest::Client::builder().build().unwrap();
    // (mode, hits sent, visitors through the funnel, documentation network of its visitors)
    let runs = [
        (DistinctIdMode::PayloadId, 6, 0, "192.0.2"),
        (DistinctIdMode::session_data("userId"), 9, 3, "198.51.100"),
    ];
    for (mode, sent, through, network) in runs {
        let session_data = mode != DistinctIdMode::PayloadId;
        let tag = e2e::Tag::new();
        let (pricing, purchase) = (tag.path("pricing"), tag.name("Purchase"));
        // Fresh visitors each run: Umami keeps an IP + User-Agent session for a month.
        let first = u8::from_str_radix(&tag.id()[2..4], 16).unwrap() % 200 + 1;
        let visitors: Vec<(String, String)> = (0..3u8)
            .map(|v| {
                (
                    format!("{network}.{}", first + v),
                    format!("{}-user-{v}", tag.id()),
                )
            })
            .collect();
        let dispatcher = umami::Dispatcher::builder(client.clone())
            .flush_interval(Duration::from_millis(10))
            .build()
            .unwrap();
        let (name, checkout) = (purchase.clone(), tag.path("checkout"));
        let app = axum::Router::new()
            .route(&pricing, get(|| async { "pricing" }))
            .route(
                &tag.path("checkout"),
                post(move |visitor: RequestVisitor| async move {
                    let hit = visitor.dispatcher().client().new_event(name).url(checkout);
                    visitor.track_hit(hit).expect("queued");
                    "thanks"
                }),
            )
            .layer(
                UmamiLayer::new(dispatcher.clone()).context(
                    ContextConfig::default()
                        .client_ip(
                            ClientIpConfig::default()
                                .trust_networks(["127.0.0.0/8"])
                                .unwrap(),
                        )
                        .distinct_id_mode(mode),
                ),
            )
            .layer(axum::middleware::from_fn(auth));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        for (ip, user) in &visitors {
            let base = format!("http://{addr}");
            let page = http
                .get(format!("{base}{pricing}"))
                .header("user-agent", CHROME)
                .header("x-forwarded-for", ip)
                .send()
                .await
                .unwrap();
            assert_eq!(page.status().as_u16(), 200);
            let bought = http
                .post(format!("{base}{}", tag.path("checkout")))
                .header("user-agent", CHROME)
                .header("x-forwarded-for", ip)
                .header("x-user", user)
                .send()
                .await
                .unwrap();
            assert_eq!(bought.status().as_u16(), 200);
        }
        let report = dispatcher.shutdown(Duration::from_secs(20)).await;
        assert_eq!(report.stats.sent, sent, "{report}");

        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let rows = loop {
            let end = SystemTime::now() + Duration::from_secs(60);
            let rows = client
                .analytics()
                .events(start, end)
                .search(tag.id())
                .all()
                .await
                .unwrap();
            if rows.len() >= 6 || tokio::time::Instant::now() >= deadline {
                break rows;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        let pricing_sessions: Vec<&str> = rows
            .iter()
            .filter(|row| row.url_path.as_deref() == Some(pricing.as_str()))
            .map(|row| row.session_id.as_str())
            .collect();
        assert_eq!(pricing_sessions.len(), 3, "{rows:#?}");
        let end = SystemTime::now() + Duration::from_secs(60);
        let funnel = client
            .reports()
            .funnel(
                start,
                end,
                &[FunnelStep::path(&pricing), FunnelStep::event(&purchase)],
                60,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(
            (funnel[0].visitors, funnel[1].visitors),
            (3, through),
            "{funnel:?}"
        );
        for session in pricing_sessions {
            let properties = client
                .analytics()
                .session_properties(session)
                .send()
                .await
                .unwrap();
            let user_id = properties.iter().find(|p| p.data_key == "userId");
            if session_data {
                let user_id = user_id.unwrap_or_else(|| panic!("userId in {properties:?}"));
                assert!(
                    visitors
                        .iter()
                        .any(|(_, user)| user_id.string_value.as_deref() == Some(user.as_str())),
                    "{user_id:?}"
                );
            } else {
                assert!(user_id.is_none(), "{properties:?}");
            }
        }
    }
}

/// `umami import` of a combined access log (the command line, run in-process through
/// `umami_cli::run`): a few hundred lines land as page views, one session per (IP,
/// User-Agent), each stored at its line's own time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Umami: see README"]
async fn an_access_log_import_lands_with_one_session_per_visitor_at_the_lines_own_times() {
    use std::collections::{BTreeMap, BTreeSet};
    use std::time::{SystemTime, UNIX_EPOCH};

    const LINES: u64 = 300;
    // Documentation addresses (RFC 5737): never a real visitor.
    const VISITORS: [(&str, &str); 3] = [
        (
            "192.0.2.41",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        ),
        (
            "192.0.2.42",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like \
             Gecko) Version/17.1 Safari/605.1.15",
        ),
        (
            "192.0.2.41",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
             Chrome/120.0.0.0 Safari/537.36",
        ),
    ];
    let [url, username, password, website_id] = VARIABLES.map(variable);
    let backend = Backend::connect(&url, &username, &password, &website_id, None).await;
    let tag = e2e::Tag::new();
    // One line a second, ending a minute ago: inside the suite's read window.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let first = now - 60 - LINES;
    let mut log = String::new();
    let mut expected = BTreeMap::new();
    for i in 0..LINES {
        let (ip, ua) = VISITORS[(i % 3) as usize];
        let path = tag.path(&format!("page-{i}"));
        let at = first + i;
        log.push_str(&format!(
            "{ip} - - [{}] \"GET {path} HTTP/1.1\" 200 512 \"-\" \"{ua}\"\n",
            log_time(at)
        ));
        expected.insert(path, (i % 3, iso_time(at)));
    }
    let dir = std::env::temp_dir().join(format!("umami-e2e-import-{}", tag.id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("access.log");
    std::fs::write(&file, log).expect("the log");
    let args: Vec<String> = vec![
        "umami".into(),
        "import".into(),
        file.display().to_string(),
        "--no-progress".into(),
        "--state-dir".into(),
        dir.join("state").display().to_string(),
        "--server".into(),
        url.clone(),
        "--website-id".into(),
        website_id.clone(),
        "--hostname".into(),
        e2e::HOSTNAME.into(),
    ];
    let code = tokio::task::spawn_blocking(move || umami_cli::run(args))
        .await
        .expect("the import runs");
    assert_eq!(code, 0, "umami import exited {code}");

    let rows = backend.tagged_events(&tag, LINES as usize).await;
    assert_eq!(rows.len(), LINES as usize, "every line is stored once");
    let mut sessions: BTreeMap<u64, BTreeSet<String>> = BTreeMap::new();
    for row in &rows {
        let path = row["urlPath"].as_str().expect("a path");
        let (visitor, time) = expected
            .get(path)
            .unwrap_or_else(|| panic!("{path} was not in the log"));
        assert_eq!(row["eventType"], 1, "a page view: {row}");
        let created = row["createdAt"].as_str().expect("createdAt");
        assert!(
            created.starts_with(time.as_str()),
            "{path} stored at {created}, logged at {time}"
        );
        sessions
            .entry(*visitor)
            .or_default()
            .insert(row["sessionId"].as_str().expect("a session").to_owned());
    }
    assert!(
        sessions.values().all(|s| s.len() == 1),
        "one session per visitor: {sessions:?}"
    );
    let distinct: BTreeSet<&String> = sessions.values().flatten().collect();
    assert_eq!(
        distinct.len(),
        VISITORS.len(),
        "same IP, other User-Agent: another session"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `10/Oct/2000:13:55:36 +0000` for Unix seconds.
fn log_time(secs: u64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = civil(secs / 86_400);
    let t = secs % 86_400;
    format!(
        "{d:02}/{}/{y}:{:02}:{:02}:{:02} +0000",
        MONTHS[(m - 1) as usize],
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// `2026-11-30T12:00:00` for Unix seconds (UTC), as Umami's `createdAt` starts.
fn iso_time(secs: u64) -> String {
    let (y, m, d) = civil(secs / 86_400);
    let t = secs % 86_400;
    format!(
        "{y}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// The date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: u64) -> (i64, u64, u64) {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u64;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u64;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

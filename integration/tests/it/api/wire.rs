//! The read/admin API on the wire (wiremock): paging, filters, error bodies, the Umami
//! Cloud limiter measured by the server's clock, 429 + Retry-After, bearer API keys, login
//! renewal on 401, and the 3.3 → 3.1 report fallback.

use crate::management_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use management_support::*;
use serde_json::{Value, json};
use umami::api::*;
use umami::api::{admin::*, analytics::*, reports::*};
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request as WireRequest, Respond, ResponseTemplate};

fn at(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

fn session(n: u32) -> Value {
    json!({"id": format!("s{n}"), "websiteId": WEBSITE_ID, "visits": n, "views": n.to_string()})
}

fn keyed(server: &MockServer) -> umami::Client {
    let client = hosted(server);
    client.set_bearer_token("umami_k3y-for-tests").unwrap();
    client
}

#[tokio::test]
async fn all_pages_are_read_with_the_same_query_until_count() {
    let server = MockServer::start().await;
    for (page, items) in [(1, vec![1, 2]), (2, vec![3, 4]), (3, vec![5])] {
        Mock::given(method("GET"))
            .and(path(format!("/api/websites/{WEBSITE_ID}/sessions")))
            .and(ExactQuery(format!(
                "startAt=1000&endAt=2000&pageSize=2&browser=chrome&page={page}"
            )))
            .and(header("authorization", "Bearer umami_k3y-for-tests"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": items.iter().map(|n| session(*n)).collect::<Vec<_>>(),
                "count": 5, "page": page, "pageSize": 2
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let all = keyed(&server)
        .analytics()
        .sessions(at(1000), at(2000))
        .browser("chrome")
        .page_size(2)
        .all()
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["s1", "s2", "s3", "s4", "s5"]);
    assert_eq!(all[4].views, 5, "views sent as a string");
}

#[tokio::test]
async fn one_page_reads_the_page_numbers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/websites/{WEBSITE_ID}/events")))
        .and(ExactQuery(
            "startAt=1000&endAt=2000&search=signup&page=3&pageSize=1".into(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": "e1", "eventType": 2, "eventName": "signup", "hasData": true}],
            "count": "9", "page": 3, "pageSize": 1
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = keyed(&server)
        .analytics()
        .events(at(1000), at(2000))
        .search("signup")
        .page(3)
        .page_size(1)
        .send()
        .await
        .unwrap();
    assert_eq!((page.count, page.page, page.page_size), (9, 3, 1));
    assert_eq!(page.data[0].event_name.as_deref(), Some("signup"));
    assert!(page.data[0].has_data);
}

#[tokio::test]
async fn filters_and_options_go_on_the_query_in_order() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/websites/{WEBSITE_ID}/metrics")))
        .and(ExactQuery(
            "startAt=1000&endAt=2000&type=utmSource&limit=5&offset=5&timezone=Europe%2FBerlin\
             &path=c.docs&browser=neq.chrome&eventType=2&excludeBounce=true&match=any&segment=seg-1"
                .into(),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"x": "google", "y": "7"}, {"x": null, "y": 1}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let rows = keyed(&server)
        .analytics()
        .metrics(at(1000), at(2000), MetricType::UtmSource)
        .limit(5)
        .offset(5)
        .timezone("Europe/Berlin")
        .path("c.docs")
        .browser("neq.chrome")
        .event_type(EventType::CustomEvent)
        .exclude_bounce()
        .match_on(Match::Any)
        .segment("seg-1")
        .send()
        .await
        .unwrap();
    assert_eq!(rows[0].x, "google");
    assert_eq!(rows[0].y, 7.0);
    assert_eq!(rows[1].x, "");
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let server = MockServer::start().await;
    expect_no_request(&server).await;
    let client = keyed(&server);
    let err = client
        .analytics()
        .metrics(at(2000), at(1000), MetricType::Path)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, umami::Error::Validation(v) if v.field() == "end"),
        "{err}"
    );
    let err = client
        .analytics()
        .pageviews(at(1), at(2))
        .browser(" ")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, umami::Error::Validation(v) if v.field() == "browser"),
        "{err}"
    );
    let err = client
        .analytics()
        .sessions(at(1), at(2))
        .page(0)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, umami::Error::Validation(v) if v.field() == "page"),
        "{err}"
    );
    let err = client.analytics().session("a/b").send().await.unwrap_err();
    assert!(
        matches!(&err, umami::Error::Validation(v) if v.field() == "session_id"),
        "{err}"
    );
    let err = client
        .analytics()
        .sessions_weekly(at(1), at(2), "")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, umami::Error::Validation(v) if v.field() == "timezone"),
        "{err}"
    );
    let err = client
        .reports()
        .funnel(at(1), at(2), &[FunnelStep::path("/a")], 60)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, umami::Error::Validation(v) if v.field() == "steps"),
        "{err}"
    );
    let err = client.admin().team("").await.unwrap_err();
    assert!(
        matches!(&err, umami::Error::Validation(v) if v.field() == "team_id"),
        "{err}"
    );
    let err = client.set_bearer_token("  ").unwrap_err();
    assert!(
        matches!(&err, umami::Error::Validation(v) if v.field() == "token"),
        "{err}"
    );
}

#[tokio::test]
async fn error_bodies_become_status_errors_with_the_servers_text() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/api/websites/{WEBSITE_ID}/events/series")))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {"message": "Bad request", "code": "bad-request", "status": 400,
                      "properties": {"timezone": {"errors": ["Invalid input"]}}}
        })))
        .mount(&server)
        .await;
    Mock::given(path(
        "/api/teams/226ee7b7-fb39-4acc-93bc-0efe2cbe8032/users/u1",
    ))
    .respond_with(ResponseTemplate::new(401).set_body_json(v3_unauthorized(
        "You must be the owner/manager of this team.",
    )))
    .mount(&server)
    .await;
    Mock::given(path("/api/websites/w1"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let client = keyed(&server);
    let err = client
        .analytics()
        .event_series(at(1), at(2), "Mars/Olympus")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(err.to_string().contains("Bad request"), "{err}");
    let err = client
        .admin()
        .team_member("226ee7b7-fb39-4acc-93bc-0efe2cbe8032", "u1")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(err.to_string().contains("owner/manager"), "{err}");
    let err = client.admin().delete_website("w1").await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    let err = client
        .analytics()
        .pageviews(at(1), at(2))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(404),
        "wiremock's 404 for an unmounted path: {err}"
    );
}

#[tokio::test]
async fn unreadable_2xx_answers_are_unexpected_responses() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/api/websites/{WEBSITE_ID}/sessions/stats")))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>proxy</html>"))
        .mount(&server)
        .await;
    Mock::given(path(format!("/api/websites/{WEBSITE_ID}/metrics")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"x": "a", "y": "many"}])))
        .mount(&server)
        .await;
    let client = keyed(&server);
    let err = client
        .analytics()
        .session_stats(at(1), at(2))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, umami::Error::UnexpectedResponse(ref m) if m.contains("<html>proxy")),
        "{err}"
    );
    let err = client
        .analytics()
        .metrics(at(1), at(2), MetricType::Path)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, umami::Error::UnexpectedResponse(ref m) if m.contains("\"many\"")),
        "{err}"
    );
}

/// Answers 200 and notes the arrival time by the server's clock.
#[derive(Clone, Default)]
struct Clock(Arc<Mutex<Vec<Instant>>>);

impl Respond for Clock {
    fn respond(&self, request: &WireRequest) -> ResponseTemplate {
        self.0.lock().unwrap().push(Instant::now());
        if request.url.path().ends_with("/stats") {
            ResponseTemplate::new(200).set_body_json(json!({"pageviews": 3, "visitors": 1}))
        } else {
            ResponseTemplate::new(200)
                .set_body_json(json!({"pageviews": [{"x": "2026-11-24 00:00:00", "y": 1}]}))
        }
    }
}

#[tokio::test]
async fn the_cloud_limiter_keeps_every_window_under_the_limit() {
    let server = MockServer::start().await;
    let clock = Clock::default();
    Mock::given(method("GET"))
        .and(header("x-umami-api-key", API_KEY))
        .respond_with(clock.clone())
        .mount(&server)
        .await;
    let client = umami::Client::builder()
        .cloud_api_key(API_KEY)
        .cloud_api_base(format!("{}/v1", server.uri()))
        .website_id(WEBSITE_ID)
        .build()
        .unwrap();
    let window = Duration::from_millis(300);
    client.set_cloud_rate_limit(CloudRateLimit::new(5, window).unwrap());
    // 23 calls at once from clones (shared limiter), as a loop over websites would; the
    // older `website_stats` goes through the same limiter as the new reads.
    let calls = (0..23).map(|i| {
        let c = client.clone();
        tokio::spawn(async move {
            if i % 2 == 0 {
                c.analytics()
                    .pageviews(at(1), at(2))
                    .send()
                    .await
                    .map(|p| p.pageviews.len() as u64)
            } else {
                c.website_stats(at(1), at(2))
                    .send()
                    .await
                    .map(|s| s.pageviews)
            }
        })
    });
    for call in calls {
        assert!(call.await.unwrap().unwrap() >= 1);
    }
    let arrivals = clock.0.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 23);
    for (i, first) in arrivals.iter().enumerate() {
        let in_window = arrivals[i..]
            .iter()
            .filter(|t| t.duration_since(*first) < window)
            .count();
        assert!(
            in_window <= 5,
            "{in_window} calls within {window:?} after arrival {i}"
        );
    }
}

/// 429 with Retry-After once, then 200.
struct ThrottleOnce(Arc<Mutex<u32>>);

impl Respond for ThrottleOnce {
    fn respond(&self, _: &WireRequest) -> ResponseTemplate {
        let mut n = self.0.lock().unwrap();
        *n += 1;
        if *n == 1 {
            ResponseTemplate::new(429).insert_header("retry-after", "1")
        } else {
            ResponseTemplate::new(200)
                .set_body_json(json!({"startDate": "2026-11-24T10:10:00.000Z", "endDate": null}))
        }
    }
}

#[tokio::test]
async fn a_429_is_waited_out_after_retry_after() {
    let server = MockServer::start().await;
    let count = Arc::new(Mutex::new(0));
    Mock::given(path(format!("/api/websites/{WEBSITE_ID}/daterange")))
        .respond_with(ThrottleOnce(count.clone()))
        .mount(&server)
        .await;
    let range = keyed(&server)
        .analytics()
        .date_range()
        .send()
        .await
        .unwrap();
    assert_eq!(
        range.start_date.as_deref(),
        Some("2026-11-24T10:10:00.000Z")
    );
    assert_eq!(range.end_date, None);
    assert_eq!(*count.lock().unwrap(), 2);
}

#[tokio::test]
async fn persistent_429s_are_returned_with_their_retry_after() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let err = keyed(&server)
        .analytics()
        .date_range()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
}

/// Hands out `tok-1`, then `tok-2`.
struct Logins(Arc<Mutex<u32>>);

impl Respond for Logins {
    fn respond(&self, _: &WireRequest) -> ResponseTemplate {
        let mut n = self.0.lock().unwrap();
        *n += 1;
        ResponseTemplate::new(200)
            .set_body_json(json!({"token": format!("tok-renew-{n}"), "user": user_json()}))
    }
}

#[tokio::test]
async fn an_expired_login_token_is_renewed_once() {
    let server = MockServer::start().await;
    let logins = Arc::new(Mutex::new(0));
    Mock::given(method("POST"))
        .and(path("/api/auth/login"))
        .and(body_json(
            json!({"username": "admin", "password": PASSWORD}),
        ))
        .respond_with(Logins(logins.clone()))
        .mount(&server)
        .await;
    let stats = format!("/api/websites/{WEBSITE_ID}/sessions/stats");
    Mock::given(path(stats.as_str()))
        .and(header("authorization", "Bearer tok-renew-1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(v3_unauthorized("Unauthorized")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(stats.as_str()))
        .and(header("authorization", "Bearer tok-renew-2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"visitors": {"value": "17"}})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let client = hosted(&server);
    client.login("admin", PASSWORD).await.unwrap();
    let clone = client.clone();
    let s = clone
        .analytics()
        .session_stats(at(1), at(2))
        .send()
        .await
        .unwrap();
    assert_eq!(s.visitors.value, 17);
    // The clone's renewal is the client's too.
    client
        .analytics()
        .session_stats(at(1), at(2))
        .send()
        .await
        .unwrap();
    assert_eq!(*logins.lock().unwrap(), 2);
}

#[tokio::test]
async fn api_keys_are_sent_as_bearer_and_never_renewed() {
    let server = MockServer::start().await;
    Mock::given(path("/api/auth/login"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/me"))
        .and(header("authorization", "Bearer umami_k3y-for-tests"))
        .respond_with(ResponseTemplate::new(401).set_body_json(v3_unauthorized("Unauthorized")))
        .expect(1)
        .mount(&server)
        .await;
    let err = keyed(&server).admin().me().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(!err.to_string().contains("umami_k3y"), "{err}");
}

#[tokio::test]
async fn reports_fall_back_to_umami_3_1_and_remember_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/websites/{WEBSITE_ID}/funnels/stats")))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/reports/funnel"))
        .and(body_json(json!({
            "websiteId": WEBSITE_ID, "type": "funnel", "filters": {"browser": "chrome"},
            "parameters": {"startDate": "2026-11-24T07:51:00.000Z", "endDate": "2026-12-01T07:51:00.000Z",
                           "window": 60, "steps": [{"type": "path", "value": "/pricing"}, {"type": "event", "value": "signup"}]}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"type": "path", "value": "/pricing", "visitors": 13, "previous": 0, "dropped": 0, "dropoff": null, "remaining": 1},
            {"type": "event", "value": "signup", "visitors": "7", "previous": 13, "dropped": 6, "dropoff": 0.46, "remaining": 0.54}
        ])))
        .expect(2)
        .mount(&server)
        .await;
    let client = keyed(&server);
    let steps = [FunnelStep::path("/pricing"), FunnelStep::event("signup")];
    for _ in 0..2 {
        let funnel = client
            .reports()
            .funnel(at(1_795_506_660_000), at(1_796_111_460_000), &steps, 60)
            .filters(Filters::new().browser("chrome"))
            .send()
            .await
            .unwrap();
        assert_eq!((funnel[1].visitors, funnel[1].dropoff), (7, Some(0.46)));
    }
}

#[tokio::test]
async fn reports_use_the_3_3_route_when_it_answers() {
    let server = MockServer::start().await;
    let steps = r#"[{"type":"path","value":"/a"},{"type":"path","value":"/b"}]"#;
    Mock::given(method("GET"))
        .and(path(format!("/api/websites/{WEBSITE_ID}/funnels/stats")))
        .and(query_param("steps", steps))
        .and(query_param("window", "30"))
        .and(query_param("timezone", "UTC"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"type": "path", "value": "/a", "visitors": 3}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let funnel = keyed(&server)
        .reports()
        .funnel(
            at(1),
            at(2),
            &[FunnelStep::path("/a"), FunnelStep::path("/b")],
            30,
        )
        .timezone("UTC")
        .api(ReportApi::PerWebsite)
        .send()
        .await
        .unwrap();
    assert_eq!(funnel[0].visitors, 3);
}

#[tokio::test]
async fn admin_writes_send_exact_json_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/websites"))
        .and(body_json(
            json!({"name": "Blog", "domain": "blog.example.com", "teamId": "t1"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(website_json(7)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/teams/t1/users"))
        .and(body_json(json!({"userId": "u1", "role": "team-view-only"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"id": "m1", "teamId": "t1", "userId": "u1", "role": "team-view-only"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/websites/w9/segments/s9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let client = keyed(&server);
    let site = client
        .admin()
        .create_website(&NewWebsite {
            name: "Blog".into(),
            domain: "blog.example.com".into(),
            team_id: Some("t1".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(site.name, "Site 7");
    let member = client
        .admin()
        .add_team_member(
            "t1",
            &NewTeamMember {
                user_id: "u1".into(),
                role: "team-view-only".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(member.role, "team-view-only");
    assert!(client.admin().delete_segment("w9", "s9").await.unwrap().ok);
}

#[tokio::test]
async fn a_server_that_ignores_page_does_not_loop_or_repeat() {
    let server = MockServer::start().await;
    Mock::given(path("/api/teams"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": "t1", "name": "A"}, {"id": "t2", "name": "B"}],
            "count": 10, "page": 1, "pageSize": 2
        })))
        .expect(2)
        .mount(&server)
        .await;
    let teams = keyed(&server)
        .admin()
        .teams()
        .page_size(2)
        .all()
        .await
        .unwrap();
    let ids: Vec<&str> = teams.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["t1", "t2"]);
}

//! The module-level management functions (`umami::login`, `umami::websites`, ...) on the
//! global default client. The global state is process-wide, so these tests take turns.

use crate::management_support;

use std::future::Future;
use std::sync::MutexGuard;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use management_support::*;
use serde_json::json;
use umami::Error;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Takes this test's turn, resets the global state, and runs `test` on a fresh runtime.
fn run<F: Future<Output = ()>>(test: impl FnOnce() -> F) {
    let _turn: MutexGuard<'_, ()> = crate::turn();
    umami::reset();
    umami::logout();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(test());
}

#[test]
fn global_calls_without_a_server_are_not_allowed() {
    run(|| async {
        assert!(matches!(
            umami::websites().await.unwrap_err(),
            Error::OperationNotAllowed(_)
        ));
        assert!(matches!(
            umami::login("admin", PASSWORD).await.unwrap_err(),
            Error::OperationNotAllowed(_)
        ));
        assert!(matches!(
            umami::website_stats(UNIX_EPOCH, SystemTime::now())
                .send()
                .await
                .unwrap_err(),
            Error::OperationNotAllowed(_)
        ));
        assert!(matches!(
            umami::active_users(None).await.unwrap_err(),
            Error::OperationNotAllowed(_)
        ));
        assert!(!umami::heartbeat().await);
        assert!(!umami::verify_token(false).await);
        assert!(!umami::is_logged_in());
    });
}

#[test]
fn global_login_token_survives_later_setters() {
    run(|| async {
        let server = MockServer::start().await;
        mount_login(&server).await;
        Mock::given(method("GET"))
            .and(path("/api/websites"))
            .and(bearer())
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"data": [website_json(1)], "count": 1, "page": 1, "pageSize": 100}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        umami::set_url_base(&server.uri()).unwrap();
        let user = umami::login("admin", PASSWORD).await.unwrap();
        assert_eq!(user.username, "admin");
        // Each setter rebuilds the default client; the token must carry over.
        umami::set_website_id(WEBSITE_ID);
        umami::set_hostname("example.com");
        assert!(umami::is_logged_in());
        assert_eq!(umami::websites().await.unwrap().len(), 1);
    });
}

#[test]
fn global_token_is_not_sent_to_another_server() {
    run(|| async {
        let first = MockServer::start().await;
        mount_login(&first).await;
        umami::set_url_base(&first.uri()).unwrap();
        umami::login("admin", PASSWORD).await.unwrap();
        let second = MockServer::start().await;
        expect_no_request(&second).await;
        umami::set_url_base(&second.uri()).unwrap();
        assert!(!umami::is_logged_in());
        assert!(matches!(
            umami::websites().await.unwrap_err(),
            Error::OperationNotAllowed(_)
        ));
    });
}

#[test]
fn global_logout_forgets_the_token() {
    run(|| async {
        let server = MockServer::start().await;
        mount_login(&server).await;
        umami::set_url_base(&server.uri()).unwrap();
        umami::login("admin", PASSWORD).await.unwrap();
        umami::logout();
        assert!(!umami::is_logged_in());
        assert!(!umami::verify_token(false).await);
    });
}

#[test]
fn global_stats_and_active_users_use_the_default_website_id() {
    run(|| async {
        let server = MockServer::start().await;
        mount_login(&server).await;
        Mock::given(method("GET"))
            .and(path(format!("/api/websites/{WEBSITE_ID}/stats")))
            .and(ExactQuery("startAt=0&endAt=60000&event=Signup".to_owned()))
            .and(bearer())
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"pageviews": 2, "visitors": 1, "visits": 1, "bounces": 0, "totaltime": 7}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/api/websites/{WEBSITE_ID}/active")))
            .and(bearer())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"x": 6})))
            .expect(1)
            .mount(&server)
            .await;
        umami::set_url_base(&server.uri()).unwrap();
        umami::set_website_id(WEBSITE_ID);
        umami::login("admin", PASSWORD).await.unwrap();
        let stats = umami::website_stats(UNIX_EPOCH, UNIX_EPOCH + Duration::from_secs(60))
            .event("Signup")
            .send()
            .await
            .unwrap();
        assert_eq!(stats.totaltime, 7);
        assert_eq!(umami::active_users(None).await.unwrap(), 6);
    });
}

#[test]
fn global_heartbeat_and_verify_token() {
    run(|| async {
        let server = MockServer::start().await;
        mount_login(&server).await;
        Mock::given(method("GET"))
            .and(path("/api/heartbeat"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/api/auth/verify"))
            .and(bearer())
            .respond_with(ResponseTemplate::new(200).set_body_json(user_json()))
            .expect(1)
            .mount(&server)
            .await;
        umami::set_url_base(&server.uri()).unwrap();
        assert!(umami::heartbeat().await);
        umami::login("admin", PASSWORD).await.unwrap();
        assert!(umami::verify_token(true).await);
    });
}

#[test]
fn global_websites_page_and_query() {
    run(|| async {
        let server = MockServer::start().await;
        mount_login(&server).await;
        Mock::given(method("GET"))
            .and(path("/api/websites"))
            .and(ExactQuery("page=3&pageSize=2".to_owned()))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"data": [website_json(5)], "count": 5, "page": 3, "pageSize": 2}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/websites"))
            .and(ExactQuery("page=1&pageSize=100&search=shop".to_owned()))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"data": [website_json(9)], "count": 1, "page": 1, "pageSize": 100}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        umami::set_url_base(&server.uri()).unwrap();
        umami::login("admin", PASSWORD).await.unwrap();
        let page = umami::websites_page(3, 2).await.unwrap();
        assert_eq!((page.page, page.count), (3, 5));
        let found = umami::websites_query().search("shop").all().await.unwrap();
        assert_eq!(found[0].name, "Site 9");
    });
}

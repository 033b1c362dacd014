//! Listing websites: paging, search, the tolerant model, errors.

use crate::management_support;

use management_support::*;
use serde_json::json;
use umami::Error;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn page(items: &[u32], count: u64, page: u64, page_size: u64) -> serde_json::Value {
    json!({
        "data": items.iter().map(|n| website_json(*n)).collect::<Vec<_>>(),
        "count": count,
        "page": page,
        "pageSize": page_size,
    })
}

async fn mount_page(server: &MockServer, number: u64, body: serde_json::Value, times: u64) {
    Mock::given(method("GET"))
        .and(path("/api/websites"))
        .and(query_param("page", number.to_string().as_str()))
        .and(query_param("pageSize", "100"))
        .and(bearer())
        .and(default_ua())
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(times)
        .named(format!("page {number}"))
        .mount(server)
        .await;
}

#[tokio::test]
async fn websites_reads_every_page() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    // A server that caps pages at 2 items whatever the client asks: three pages for five.
    mount_page(&server, 1, page(&[1, 2], 5, 1, 2), 1).await;
    mount_page(&server, 2, page(&[3, 4], 5, 2, 2), 1).await;
    mount_page(&server, 3, page(&[5], 5, 3, 2), 1).await;
    mount_page(&server, 4, page(&[], 5, 4, 2), 0).await;
    let sites = client.websites().await.unwrap();
    let names: Vec<_> = sites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Site 1", "Site 2", "Site 3", "Site 4", "Site 5"]);
}

#[tokio::test]
async fn websites_stops_at_an_empty_page() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    // The count promises more than the server has (sites deleted meanwhile).
    mount_page(&server, 1, page(&[1, 2], 9, 1, 2), 1).await;
    mount_page(&server, 2, page(&[3], 9, 2, 2), 1).await;
    mount_page(&server, 3, page(&[], 9, 3, 2), 1).await;
    mount_page(&server, 4, page(&[], 9, 4, 2), 0).await;
    assert_eq!(client.websites().await.unwrap().len(), 3);
}

#[tokio::test]
async fn websites_stops_when_the_server_ignores_the_page_number() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/websites"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[1, 2], 50, 1, 2)))
        .expect(2)
        .mount(&server)
        .await;
    let sites = client.websites().await.unwrap();
    assert_eq!(sites.len(), 2);
}

#[tokio::test]
async fn websites_page_sends_page_and_page_size() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/websites"))
        .and(ExactQuery("page=2&pageSize=50".to_owned()))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[51, 52], 52, 2, 50)))
        .expect(1)
        .mount(&server)
        .await;
    let answer = client.websites_page(2, 50).await.unwrap();
    assert_eq!(
        (
            answer.count,
            answer.page,
            answer.page_size,
            answer.data.len()
        ),
        (52, 2, 50, 2)
    );
    assert_eq!(answer.data[0].id, "00000000-0000-4000-8000-000000000051");
    assert_eq!(answer.data[0].domain.as_deref(), Some("site51.example.com"));
}

#[tokio::test]
async fn websites_query_sends_the_search_text() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/websites"))
        .and(ExactQuery("page=1&pageSize=10&search=my+blog".to_owned()))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[7], 1, 1, 10)))
        .expect(1)
        .mount(&server)
        .await;
    let answer = client
        .websites_query()
        .search("my blog")
        .page_size(10)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.data[0].name, "Site 7");
}

#[tokio::test]
async fn websites_query_all_with_search_pages_through_matches() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    for (n, items) in [(1_u64, vec![1, 2]), (2, vec![3])] {
        Mock::given(method("GET"))
            .and(path("/api/websites"))
            .and(query_param("search", "site"))
            .and(query_param("page", n.to_string().as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(&items, 3, n, 2)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let sites = client
        .websites_query()
        .search("site")
        .page_size(2)
        .all()
        .await
        .unwrap();
    assert_eq!(sites.len(), 3);
}

#[tokio::test]
async fn page_zero_is_a_validation_error_without_a_request() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(path("/api/websites"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let err = client.websites_page(0, 10).await.unwrap_err();
    assert!(
        matches!(err, Error::Validation(ref v) if v.field() == "page"),
        "{err:?}"
    );
    let err = client.websites_page(1, 0).await.unwrap_err();
    assert!(
        matches!(err, Error::Validation(ref v) if v.field() == "page_size"),
        "{err:?}"
    );
}

#[tokio::test]
async fn websites_reads_nullable_fields_and_create_user() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    let old_style = json!({
        "id": "00000000-0000-4000-8000-000000000009", "name": "Old", "domain": null,
        "shareId": null, "resetAt": null, "userId": null, "teamId": "t1",
        "createdAt": "2023-05-01T10:00:00.000Z",
        "createUser": {"id": "u9", "username": "creator"}
    });
    Mock::given(method("GET"))
        .and(path("/api/websites"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"data": [old_style], "count": 1, "page": 1, "pageSize": 100}),
            ),
        )
        .mount(&server)
        .await;
    let sites = client.websites().await.unwrap();
    let site = &sites[0];
    assert_eq!(site.name, "Old");
    assert_eq!(site.domain, None);
    assert_eq!(site.user_id, None);
    assert_eq!(site.team_id.as_deref(), Some("t1"));
    assert_eq!(site.deleted_at, None);
    let owner = site.user.as_ref().unwrap();
    assert_eq!(
        (owner.id.as_str(), owner.username.as_str()),
        ("u9", "creator")
    );
}

#[tokio::test]
async fn websites_401_is_status_with_the_server_message() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/websites"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthorized"})))
        .mount(&server)
        .await;
    match client.websites().await.unwrap_err() {
        Error::Status {
            status, message, ..
        } => assert_eq!((status, message.as_str()), (401, "Unauthorized")),
        other => panic!("expected Error::Status, got {other:?}"),
    }
}

#[tokio::test]
async fn websites_answer_that_is_not_a_page_is_an_unexpected_response() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/websites"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>login</html>"))
        .mount(&server)
        .await;
    let err = client.websites().await.unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedResponse(ref m) if m.contains("<html>")),
        "{err:?}"
    );
}

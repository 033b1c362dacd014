//! The default User-Agent passes Umami's bot filter (isbot 5.2.3, the patterns Umami uses),
//! and a hit sent with it is stored, while a `name/1.2` UA is dropped as a bot.

use umami::bot;
use umami_integration::WEBSITE_ID;
use umami_test::Collector;

#[test]
fn every_isbot_pattern_is_loaded() {
    // isbot 5.2.3 ships 206 patterns; fewer would make the next test pass too easily.
    assert_eq!(bot::patterns().len(), 206);
}

#[test]
fn default_user_agent_matches_no_isbot_pattern() {
    assert!(umami::DEFAULT_USER_AGENT.starts_with("Mozilla/5.0 umami-rs/"));
    assert_eq!(
        bot::matching_patterns(umami::DEFAULT_USER_AGENT),
        Vec::<&str>::new()
    );
    assert!(!bot::is_bot(umami::DEFAULT_USER_AGENT));
}

#[test]
fn umami_own_tracker_style_user_agent_passes() {
    assert!(!bot::is_bot("Mozilla/5.0 Umami/v20.20.2"));
}

#[test]
fn bare_name_and_version_user_agents_are_bots() {
    for ua in ["umami-rs/0.1.0", "reqwest/0.13", "curl/8.5.0"] {
        assert!(bot::is_bot(ua), "{ua:?} should be taken for a bot");
    }
}

#[test]
fn googlebot_is_a_bot() {
    let ua = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    assert!(bot::is_bot(ua));
}

#[test]
fn empty_user_agent_is_not_a_bot() {
    assert!(!bot::is_bot(""));
}

#[tokio::test]
async fn client_with_the_default_user_agent_is_stored() {
    let collector = Collector::start().await.unwrap();
    let client = collector
        .client_builder()
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .build()
        .unwrap();
    let response = client.new_event("Signup").send().await.unwrap();
    assert!(response.session_id().is_some());
    let hits = collector.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].user_agent_header(), Some(umami::DEFAULT_USER_AGENT));
}

#[tokio::test]
async fn client_with_a_reqwest_user_agent_is_bot_filtered() {
    let collector = Collector::start().await.unwrap();
    let client = collector
        .client_builder()
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .user_agent("reqwest/0.13")
        .build()
        .unwrap();
    let err = client.new_event("Signup").send().await.unwrap_err();
    assert!(matches!(err, umami::Error::BotFiltered), "{err:?}");
    assert!(collector.hits().is_empty());
    let requests = collector.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].user_agent(), Some("reqwest/0.13"));
    assert_eq!(requests[0].response_body(), r#"{"beep":"boop"}"#);
}

#[tokio::test]
async fn forwarded_bot_user_agent_of_a_visitor_is_bot_filtered() {
    let collector = Collector::start().await.unwrap();
    let client = collector
        .client_builder()
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .build()
        .unwrap();
    let err = client
        .new_page_view("Home", "/")
        .user_agent("curl/8.5.0")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, umami::Error::BotFiltered), "{err:?}");
    assert!(collector.hits().is_empty());
}

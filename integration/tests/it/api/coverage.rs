//! Which Rust call covers each operation of the contract, and which operations are out of
//! scope and why: the data of the contract test (`contract.rs`).
//!
//! Every covered operation is a call made here: builders give their URL without I/O
//! (`to_url`, `to_urls`), plain async methods send to a wiremock server that answers `null`
//! to anything, and the request it received is what the call sent. `contract.rs` matches
//! each sent method and path with the fixture, so a row names exactly what its call sends.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use umami::api::admin::*;
use umami::api::analytics::MetricType;
use umami::api::reports::{AttributionModel, FunnelStep, UtmField};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::management_support::WEBSITE_ID;

/// One call of the crate and what it sent.
#[derive(Debug)]
pub struct Sent {
    /// The `operationId` the call covers.
    pub op: &'static str,
    /// The Rust call, as written here.
    pub call: &'static str,
    /// The method it sent.
    pub method: String,
    /// The URL it sent to.
    pub url: reqwest::Url,
}

/// Makes every covered call once and returns what each one sent.
pub async fn sent_by_every_call() -> Vec<Sent> {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("null"))
        .mount(&server)
        .await;
    let client = umami::Client::builder()
        .url_base(server.uri())
        .website_id(WEBSITE_ID)
        .build()
        .unwrap();
    client.set_bearer_token("umami_contract-test-key").unwrap();
    let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let end: SystemTime = start + Duration::from_secs(86_400);
    let (analytics, reports, admin) = (client.analytics(), client.reports(), client.admin());
    let mut sent = Vec::new();

    // Builders: the request they would send, without I/O.
    macro_rules! built {
        ($($op:literal => $call:expr;)*) => {$(
            let (method, url) = $call.to_url().expect(stringify!($call));
            sent.push(Sent { op: $op, call: stringify!($call), method: method.to_owned(), url });
        )*};
    }
    // Reports: their 3.3 request (the 3.1 one is `POST /api/reports/<kind>`, not in the
    // contract).
    macro_rules! report {
        ($($op:literal => $call:expr;)*) => {$(
            let (method, url) = $call.to_urls().expect(stringify!($call)).remove(0);
            sent.push(Sent { op: $op, call: stringify!($call), method: method.to_owned(), url });
        )*};
    }
    // Plain async methods: the one request the server received for the call.
    macro_rules! sends {
        ($($op:literal => $call:expr;)*) => {$(
            let before = server.received_requests().await.unwrap().len();
            let _ = $call.await;
            let requests = server.received_requests().await.unwrap();
            assert_eq!(requests.len(), before + 1, "{} sent one request", stringify!($call));
            let request = requests.last().unwrap();
            sent.push(Sent {
                op: $op,
                call: stringify!($call),
                method: request.method.to_string(),
                url: request.url.clone(),
            });
        )*};
    }

    built! {
        // Analytics.
        "getWebsiteStats" => analytics.stats(start, end);
        "getWebsitePageviews" => analytics.pageviews(start, end);
        "getWebsiteEventSeries" => analytics.event_series(start, end, "UTC");
        "getWebsiteMetrics" => analytics.metrics(start, end, MetricType::Path);
        "getWebsiteExpandedMetrics" => analytics.expanded_metrics(start, end, MetricType::Path);
        "getWebsiteValues" => analytics.field_values(start, end, MetricType::Path);
        "getWebsiteEvents" => analytics.events(start, end);
        "getWebsiteEventStats" => analytics.event_stats(start, end);
        "getWebsiteSessions" => analytics.sessions(start, end);
        "getWebsiteSessionStats" => analytics.session_stats(start, end);
        "getWebsiteSessionsWeekly" => analytics.sessions_weekly(start, end, "UTC");
        "getWebsiteSession" => analytics.session("session-1");
        "getWebsiteSessionActivity" => analytics.session_activity("session-1", start, end);
        "getWebsiteSessionProperties" => analytics.session_properties("session-1");
        "deleteWebsiteSession" => analytics.delete_session("session-1");
        "getEventData" => analytics.event_data(start, end);
        "getEventDataById" => analytics.event_data_of("event-1");
        "getEventDataEvents" => analytics.event_data_events(start, end, "signup");
        "getEventDataFields" => analytics.event_data_fields(start, end);
        "getEventDataProperties" => analytics.event_data_properties(start, end);
        "getEventDataStats" => analytics.event_data_stats(start, end);
        "getEventDataValues" => analytics.event_data_values(start, end, "signup", "plan");
        "getEventDataPivot" => analytics.event_data_pivot(start, end, "signup");
        "getEventDataArraySeries" => analytics.event_data_array_series(start, end, "signup", "tags");
        "getEventDataDateSeries" => analytics.event_data_date_series(start, end, "signup", "at");
        "getEventDataNumericSeries" => analytics.event_data_numeric_series(start, end, "signup", "seats");
        "getEventDataNumericStats" => analytics.event_data_numeric_stats(start, end, "signup", "seats");
        "getEventDataPropertySeries" => analytics.event_data_property_series(start, end, "signup", "plan");
        "getSessionDataProperties" => analytics.session_data_properties(start, end);
        "getSessionDataValues" => analytics.session_data_values(start, end, "plan");
        "getSessionDataStats" => analytics.session_data_stats(start, end, "plan");
        "getSessionDataPivot" => analytics.session_data_pivot(start, end, "plan");
        "getSessionDataArraySeries" => analytics.session_data_array_series(start, end, "tags");
        "getSessionDataDateSeries" => analytics.session_data_date_series(start, end, "at");
        "getSessionDataNumericSeries" => analytics.session_data_numeric_series(start, end, "age");
        "getSessionDataNumericStats" => analytics.session_data_numeric_stats(start, end, "age");
        "getSessionDataPropertySeries" => analytics.session_data_property_series(start, end, "plan");
        "getWebsiteDateRange" => analytics.date_range();
        "getRealtime" => analytics.realtime();
        "exportWebsite" => analytics.export(start, end);
        "getWebsitesCharts" => analytics.websites_charts(&[WEBSITE_ID], start, end);
        "getLinksCharts" => analytics.links_charts(&["link-1"], start, end);
        "getPixelsCharts" => analytics.pixels_charts(&["pixel-1"], start, end);
        "getWebsiteRevenueSessions" => analytics.revenue_sessions(start, end, "USD");
        "getWebsiteRevenueStats" => analytics.revenue_stats(start, end, "USD");
        "getWebsiteRevenueChart" => analytics.revenue_chart(start, end, "USD");
        "getWebsiteRevenueMetrics" => analytics.revenue_metrics(start, end, "USD");
        "getWebsitePerformanceStats" => analytics.performance_stats(start, end);
        "getWebsitePerformanceChart" => analytics.performance_chart(start, end);
        "getWebsitePerformanceMetrics" => analytics.performance_metrics(start, end);
        // Saved funnels' and goals' stats.
        "getWebsiteSavedFunnelStats" => admin.saved_funnel_stats("funnel-1", start, end);
        "getWebsiteSavedGoalStats" => admin.saved_goal_stats("goal-1", start, end);
        // Listings.
        "getMyWebsites" => admin.my_websites();
        "getUserWebsites" => admin.user_websites("user-1");
        "getTeamWebsites" => admin.team_websites("team-1");
        "getTeams" => admin.teams();
        "getMyTeams" => admin.my_teams();
        "getUserTeams" => admin.user_teams("user-1");
        "getTeamUsers" => admin.team_members("team-1");
        "getLinks" => admin.links();
        "getTeamLinks" => admin.team_links("team-1");
        "getLinkShares" => admin.link_shares("link-1");
        "getPixels" => admin.pixels();
        "getTeamPixels" => admin.team_pixels("team-1");
        "getPixelShares" => admin.pixel_shares("pixel-1");
        "getBoards" => admin.boards();
        "getTeamBoards" => admin.team_boards("team-1");
        "getBoardShares" => admin.board_shares("board-1");
        "getWebsiteShares" => admin.website_shares(WEBSITE_ID);
        "getWebsiteSegments" => admin.segments(SegmentKind::Segment);
        "getWebsiteAnnotations" => admin.annotations(start, end);
        "getWebsiteFunnels" => admin.saved_funnels();
        "getWebsiteGoals" => admin.saved_goals();
    }
    let steps = [FunnelStep::path("/a"), FunnelStep::event("b")];
    report! {
        "getWebsiteFunnelStats" => reports.funnel(start, end, &steps, 60);
        "getWebsiteGoalStats" => reports.goal(start, end, FunnelStep::path("/a"));
        "getWebsiteJourneys" => reports.journey(start, end, 3);
        "getWebsiteRetention" => reports.retention(start, end);
        "getWebsiteAttribution" => reports.attribution(start, end, AttributionModel::FirstClick, FunnelStep::path("/a"));
        "getWebsiteBreakdown" => reports.breakdown(start, end, &[MetricType::Browser]);
        "getWebsiteUtmMetrics" => reports.utm(start, end, UtmField::Source);
    }
    let share = ShareBody::default();
    let saved = SavedBody::default();
    let note = AnnotationBody::default();
    sends! {
        // On Client: API.md's management calls.
        "getWebsiteActive" => client.active_users(None);
        "login" => client.login("admin", "umami");
        "verify" => client.verify_token(true);
        "listWebsites" => client.websites_query().send();
        // Websites.
        "getWebsite" => admin.website(WEBSITE_ID);
        "createWebsite" => admin.create_website(&NewWebsite::default());
        "updateWebsite" => admin.update_website(WEBSITE_ID, &WebsiteUpdate::default());
        "deleteWebsite" => admin.delete_website(WEBSITE_ID);
        "resetWebsite" => admin.reset_website(WEBSITE_ID);
        "transferWebsite" => admin.transfer_website(WEBSITE_ID, &Transfer::default());
        // Teams, users, me.
        "getTeam" => admin.team("team-1");
        "createTeam" => admin.create_team(&NewTeam::default());
        "updateTeam" => admin.update_team("team-1", &TeamUpdate::default());
        "deleteTeam" => admin.delete_team("team-1");
        "joinTeam" => admin.join_team(&JoinTeam::default());
        "getTeamUser" => admin.team_member("team-1", "user-1");
        "createTeamUser" => admin.add_team_member("team-1", &NewTeamMember::default());
        "updateTeamUser" => admin.update_team_member("team-1", "user-1", &TeamRole::default());
        "deleteTeamUser" => admin.remove_team_member("team-1", "user-1");
        "getUser" => admin.user("user-1");
        "createUser" => admin.create_user(&NewUser::default());
        "updateUser" => admin.update_user("user-1", &UserUpdate::default());
        "deleteUser" => admin.delete_user("user-1");
        "getMe" => admin.me();
        "updateMyPassword" => admin.change_my_password(&PasswordChange::default());
        "getMyApiKeys" => admin.my_api_keys();
        "createMyApiKey" => admin.create_my_api_key(&NewApiKey::default());
        "deleteMyApiKey" => admin.delete_my_api_key("key-1");
        // Links, pixels, boards, shares.
        "getLink" => admin.link("link-1");
        "createLink" => admin.create_link(&LinkBody::default());
        "updateLink" => admin.update_link("link-1", &LinkBody::default());
        "deleteLink" => admin.delete_link("link-1");
        "createLinkShare" => admin.create_link_share("link-1", &share);
        "getPixel" => admin.pixel("pixel-1");
        "createPixel" => admin.create_pixel(&PixelBody::default());
        "updatePixel" => admin.update_pixel("pixel-1", &PixelBody::default());
        "deletePixel" => admin.delete_pixel("pixel-1");
        "createPixelShare" => admin.create_pixel_share("pixel-1", &share);
        "getBoard" => admin.board("board-1");
        "createBoard" => admin.create_board(&BoardBody::default());
        "updateBoard" => admin.update_board("board-1", &BoardBody::default());
        "deleteBoard" => admin.delete_board("board-1");
        "cloneBoard" => admin.clone_board("board-1", &BoardBody::default());
        "createBoardShare" => admin.create_board_share("board-1", &share);
        "createWebsiteShare" => admin.create_website_share(WEBSITE_ID, &share);
        "createShare" => admin.create_share(&share);
        "getShare" => admin.share("share-1");
        "updateShare" => admin.update_share("share-1", &share);
        "deleteShare" => admin.delete_share("share-1");
        // A website's segments, annotations, saved funnels and goals.
        "getWebsiteSegment" => admin.segment(WEBSITE_ID, "segment-1");
        "createWebsiteSegment" => admin.create_segment(WEBSITE_ID, &saved);
        "updateWebsiteSegment" => admin.update_segment(WEBSITE_ID, "segment-1", &saved);
        "deleteWebsiteSegment" => admin.delete_segment(WEBSITE_ID, "segment-1");
        "getWebsiteAnnotation" => admin.annotation(WEBSITE_ID, "annotation-1");
        "createWebsiteAnnotation" => admin.create_annotation(WEBSITE_ID, &note);
        "updateWebsiteAnnotation" => admin.update_annotation(WEBSITE_ID, "annotation-1", &note);
        "deleteWebsiteAnnotation" => admin.delete_annotation(WEBSITE_ID, "annotation-1");
        "getWebsiteFunnel" => admin.saved_funnel(WEBSITE_ID, "funnel-1");
        "createWebsiteFunnel" => admin.create_saved_funnel(WEBSITE_ID, &saved);
        "updateWebsiteFunnel" => admin.update_saved_funnel(WEBSITE_ID, "funnel-1", &saved);
        "deleteWebsiteFunnel" => admin.delete_saved_funnel(WEBSITE_ID, "funnel-1");
        "getWebsiteGoal" => admin.saved_goal(WEBSITE_ID, "goal-1");
        "createWebsiteGoal" => admin.create_saved_goal(WEBSITE_ID, &saved);
        "updateWebsiteGoal" => admin.update_saved_goal(WEBSITE_ID, "goal-1", &saved);
        "deleteWebsiteGoal" => admin.delete_saved_goal(WEBSITE_ID, "goal-1");
    }
    sent
}

/// Operations left out, with the reason.
pub const OUT_OF_SCOPE: &[(&str, &str)] = &[
    (
        "batch",
        "tracking, not the management API: the dispatcher's batched hit sending",
    ),
    (
        "send",
        "tracking, not the management API: the hit builders (new_event, new_page_view)",
    ),
    (
        "record",
        "session-replay recording: browser-side rrweb upload",
    ),
    ("getWebsiteRecorderConfig", "session-replay recording"),
    ("getWebsiteReplay", "session-replay recording"),
    ("getWebsiteReplays", "session-replay recording"),
    ("getWebsiteReplaySaved", "session-replay recording"),
    ("getWebsiteSavedReplays", "session-replay recording"),
    ("getWebsiteSessionReplays", "session-replay recording"),
    ("saveWebsiteReplay", "session-replay recording"),
    ("cancelTwoFactorSetup", "2FA: interactive, per human user"),
    ("confirmTwoFactorSetup", "2FA: interactive, per human user"),
    ("disableTwoFactor", "2FA: interactive, per human user"),
    ("getTwoFactorStatus", "2FA: interactive, per human user"),
    ("initiateTwoFactorSetup", "2FA: interactive, per human user"),
    ("verifyTwoFactor", "2FA: interactive, per human user"),
    ("sso", "SSO: a browser login flow"),
    (
        "logout",
        "server-side logout of a browser session; Client::logout forgets the token locally",
    ),
    ("getSubscription", "Umami Cloud billing, not analytics"),
    (
        "getShareBySlug",
        "public share-token exchange for browsers: answers a share JWT",
    ),
    (
        "getWebsiteHeatmaps",
        "heat maps need the replay recorder's click data",
    ),
];

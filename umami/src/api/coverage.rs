//! Which Rust call covers each operation of the contract, and which operations are out of
//! scope and why: the data of the contract test (`tests/api_contract.rs`).
//!
//! Builders reach the same [`Operation`] constants (`Endpoint::OP`, or the operation an
//! admin method sends), so a row here names exactly what the call sends.

use super::admin::*;
use super::analytics::*;
use super::call::Operation;
use super::operations as ops;
use super::request::Endpoint;

/// One covered operation.
#[derive(Debug, Clone, Copy)]
pub struct Coverage {
    /// The operation the call sends.
    pub op: Operation,
    /// The Rust call, e.g. `Client::pageviews`.
    pub call: &'static str,
    /// Query names of the operation the call does not offer (on purpose), if any.
    pub unused_query: &'static [&'static str],
}

const fn c(op: Operation, call: &'static str) -> Coverage {
    Coverage {
        op,
        call,
        unused_query: &[],
    }
}

/// Every covered operation.
pub const COVERED: &[Coverage] = &[
    // Analytics.
    c(
        GetWebsiteStats::OP,
        "Client::stats (and Client::website_stats)",
    ),
    c(ops::GET_WEBSITE_ACTIVE, "Client::active_users"),
    c(GetWebsitePageviews::OP, "Client::pageviews"),
    c(GetWebsiteEventSeries::OP, "Client::event_series"),
    c(GetWebsiteMetrics::OP, "Client::metrics"),
    c(GetWebsiteExpandedMetrics::OP, "Client::expanded_metrics"),
    c(GetWebsiteValues::OP, "Client::field_values"),
    c(GetWebsiteEvents::OP, "Client::events"),
    c(GetWebsiteEventStats::OP, "Client::event_stats"),
    c(GetWebsiteSessions::OP, "Client::sessions"),
    c(GetWebsiteSessionStats::OP, "Client::session_stats"),
    c(GetWebsiteSessionsWeekly::OP, "Client::sessions_weekly"),
    c(GetWebsiteSession::OP, "Client::session"),
    c(GetWebsiteSessionActivity::OP, "Client::session_activity"),
    c(
        GetWebsiteSessionProperties::OP,
        "Client::session_properties",
    ),
    c(DeleteWebsiteSession::OP, "Client::delete_session"),
    c(GetEventData::OP, "Client::event_data"),
    c(GetEventDataById::OP, "Client::event_data_of"),
    c(GetEventDataEvents::OP, "Client::event_data_events"),
    c(GetEventDataFields::OP, "Client::event_data_fields"),
    c(GetEventDataProperties::OP, "Client::event_data_properties"),
    c(GetEventDataStats::OP, "Client::event_data_stats"),
    c(GetEventDataValues::OP, "Client::event_data_values"),
    c(GetEventDataPivot::OP, "Client::event_data_pivot"),
    c(
        GetEventDataArraySeries::OP,
        "Client::event_data_array_series",
    ),
    c(GetEventDataDateSeries::OP, "Client::event_data_date_series"),
    c(
        GetEventDataNumericSeries::OP,
        "Client::event_data_numeric_series",
    ),
    c(
        GetEventDataNumericStats::OP,
        "Client::event_data_numeric_stats",
    ),
    c(
        GetEventDataPropertySeries::OP,
        "Client::event_data_property_series",
    ),
    c(
        GetSessionDataProperties::OP,
        "Client::session_data_properties",
    ),
    c(GetSessionDataValues::OP, "Client::session_data_values"),
    c(GetSessionDataStats::OP, "Client::session_data_stats"),
    c(GetSessionDataPivot::OP, "Client::session_data_pivot"),
    c(
        GetSessionDataArraySeries::OP,
        "Client::session_data_array_series",
    ),
    c(
        GetSessionDataDateSeries::OP,
        "Client::session_data_date_series",
    ),
    c(
        GetSessionDataNumericSeries::OP,
        "Client::session_data_numeric_series",
    ),
    c(
        GetSessionDataNumericStats::OP,
        "Client::session_data_numeric_stats",
    ),
    c(
        GetSessionDataPropertySeries::OP,
        "Client::session_data_property_series",
    ),
    c(GetWebsiteDateRange::OP, "Client::date_range"),
    c(GetRealtime::OP, "Client::realtime"),
    c(ExportWebsite::OP, "Client::export"),
    c(GetWebsitesCharts::OP, "Client::websites_charts"),
    c(GetLinksCharts::OP, "Client::links_charts"),
    c(GetPixelsCharts::OP, "Client::pixels_charts"),
    c(GetWebsiteRevenueSessions::OP, "Client::revenue_sessions"),
    c(GetWebsiteRevenueStats::OP, "Client::revenue_stats"),
    c(GetWebsiteRevenueChart::OP, "Client::revenue_chart"),
    c(GetWebsiteRevenueMetrics::OP, "Client::revenue_metrics"),
    c(GetWebsitePerformanceStats::OP, "Client::performance_stats"),
    c(GetWebsitePerformanceChart::OP, "Client::performance_chart"),
    c(
        GetWebsitePerformanceMetrics::OP,
        "Client::performance_metrics",
    ),
    // Reports (3.3 route; 3.1's POST /api/reports/<kind> is the fallback).
    c(ops::GET_WEBSITE_FUNNEL_STATS, "Client::funnel_report"),
    c(ops::GET_WEBSITE_GOAL_STATS, "Client::goal_report"),
    c(ops::GET_WEBSITE_JOURNEYS, "Client::journey_report"),
    c(ops::GET_WEBSITE_RETENTION, "Client::retention_report"),
    c(ops::GET_WEBSITE_ATTRIBUTION, "Client::attribution_report"),
    c(ops::GET_WEBSITE_BREAKDOWN, "Client::breakdown_report"),
    c(ops::GET_WEBSITE_UTM_METRICS, "Client::utm_report"),
    c(GetWebsiteSavedFunnelStats::OP, "Client::saved_funnel_stats"),
    c(GetWebsiteSavedGoalStats::OP, "Client::saved_goal_stats"),
    // Auth.
    c(ops::LOGIN, "Client::login"),
    c(ops::VERIFY, "Client::verify_token"),
    // Websites.
    c(ops::LIST_WEBSITES, "Client::websites_query"),
    c(ops::GET_WEBSITE, "Client::website"),
    c(ops::CREATE_WEBSITE, "Client::create_website"),
    c(ops::UPDATE_WEBSITE, "Client::update_website"),
    c(ops::DELETE_WEBSITE, "Client::delete_website"),
    c(ops::RESET_WEBSITE, "Client::reset_website"),
    c(ops::TRANSFER_WEBSITE, "Client::transfer_website"),
    c(GetMyWebsites::OP, "Client::my_websites"),
    c(GetUserWebsites::OP, "Client::user_websites"),
    c(GetTeamWebsites::OP, "Client::team_websites"),
    // Teams, users, me.
    c(GetTeams::OP, "Client::teams"),
    c(GetMyTeams::OP, "Client::my_teams"),
    c(GetUserTeams::OP, "Client::user_teams"),
    c(GetTeamUsers::OP, "Client::team_members"),
    c(ops::GET_TEAM, "Client::team"),
    c(ops::CREATE_TEAM, "Client::create_team"),
    c(ops::UPDATE_TEAM, "Client::update_team"),
    c(ops::DELETE_TEAM, "Client::delete_team"),
    c(ops::JOIN_TEAM, "Client::join_team"),
    c(ops::GET_TEAM_USER, "Client::team_member"),
    c(ops::CREATE_TEAM_USER, "Client::add_team_member"),
    c(ops::UPDATE_TEAM_USER, "Client::update_team_member"),
    c(ops::DELETE_TEAM_USER, "Client::remove_team_member"),
    c(ops::GET_USER, "Client::user"),
    c(ops::CREATE_USER, "Client::create_user"),
    c(ops::UPDATE_USER, "Client::update_user"),
    c(ops::DELETE_USER, "Client::delete_user"),
    c(ops::GET_ME, "Client::me"),
    c(ops::UPDATE_MY_PASSWORD, "Client::change_my_password"),
    c(ops::GET_MY_API_KEYS, "Client::my_api_keys"),
    c(ops::CREATE_MY_API_KEY, "Client::create_my_api_key"),
    c(ops::DELETE_MY_API_KEY, "Client::delete_my_api_key"),
    // Links, pixels, boards, shares.
    c(GetLinks::OP, "Client::links"),
    c(GetTeamLinks::OP, "Client::team_links"),
    c(GetLinkShares::OP, "Client::link_shares"),
    c(ops::GET_LINK, "Client::link"),
    c(ops::CREATE_LINK, "Client::create_link"),
    c(ops::UPDATE_LINK, "Client::update_link"),
    c(ops::DELETE_LINK, "Client::delete_link"),
    c(ops::CREATE_LINK_SHARE, "Client::create_link_share"),
    c(GetPixels::OP, "Client::pixels"),
    c(GetTeamPixels::OP, "Client::team_pixels"),
    c(GetPixelShares::OP, "Client::pixel_shares"),
    c(ops::GET_PIXEL, "Client::pixel"),
    c(ops::CREATE_PIXEL, "Client::create_pixel"),
    c(ops::UPDATE_PIXEL, "Client::update_pixel"),
    c(ops::DELETE_PIXEL, "Client::delete_pixel"),
    c(ops::CREATE_PIXEL_SHARE, "Client::create_pixel_share"),
    c(GetBoards::OP, "Client::boards"),
    c(GetTeamBoards::OP, "Client::team_boards"),
    c(GetBoardShares::OP, "Client::board_shares"),
    c(ops::GET_BOARD, "Client::board"),
    c(ops::CREATE_BOARD, "Client::create_board"),
    c(ops::UPDATE_BOARD, "Client::update_board"),
    c(ops::DELETE_BOARD, "Client::delete_board"),
    c(ops::CLONE_BOARD, "Client::clone_board"),
    c(ops::CREATE_BOARD_SHARE, "Client::create_board_share"),
    c(GetWebsiteShares::OP, "Client::website_shares"),
    c(ops::CREATE_WEBSITE_SHARE, "Client::create_website_share"),
    c(ops::CREATE_SHARE, "Client::create_share"),
    c(ops::GET_SHARE, "Client::share"),
    c(ops::UPDATE_SHARE, "Client::update_share"),
    c(ops::DELETE_SHARE, "Client::delete_share"),
    // Segments, annotations, saved funnels and goals.
    c(GetWebsiteSegments::OP, "Client::segments"),
    c(ops::GET_WEBSITE_SEGMENT, "Client::segment"),
    c(ops::CREATE_WEBSITE_SEGMENT, "Client::create_segment"),
    c(ops::UPDATE_WEBSITE_SEGMENT, "Client::update_segment"),
    c(ops::DELETE_WEBSITE_SEGMENT, "Client::delete_segment"),
    c(GetWebsiteAnnotations::OP, "Client::annotations"),
    c(ops::GET_WEBSITE_ANNOTATION, "Client::annotation"),
    c(ops::CREATE_WEBSITE_ANNOTATION, "Client::create_annotation"),
    c(ops::UPDATE_WEBSITE_ANNOTATION, "Client::update_annotation"),
    c(ops::DELETE_WEBSITE_ANNOTATION, "Client::delete_annotation"),
    c(GetWebsiteFunnels::OP, "Client::saved_funnels"),
    c(ops::GET_WEBSITE_FUNNEL, "Client::saved_funnel"),
    c(ops::CREATE_WEBSITE_FUNNEL, "Client::create_saved_funnel"),
    c(ops::UPDATE_WEBSITE_FUNNEL, "Client::update_saved_funnel"),
    c(ops::DELETE_WEBSITE_FUNNEL, "Client::delete_saved_funnel"),
    c(GetWebsiteGoals::OP, "Client::saved_goals"),
    c(ops::GET_WEBSITE_GOAL, "Client::saved_goal"),
    c(ops::CREATE_WEBSITE_GOAL, "Client::create_saved_goal"),
    c(ops::UPDATE_WEBSITE_GOAL, "Client::update_saved_goal"),
    c(ops::DELETE_WEBSITE_GOAL, "Client::delete_saved_goal"),
];

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

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
    /// The Rust call, e.g. `Analytics::pageviews`.
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
        "Analytics::stats (and Client::website_stats)",
    ),
    c(ops::GET_WEBSITE_ACTIVE, "Client::active_users"),
    c(GetWebsitePageviews::OP, "Analytics::pageviews"),
    c(GetWebsiteEventSeries::OP, "Analytics::event_series"),
    c(GetWebsiteMetrics::OP, "Analytics::metrics"),
    c(GetWebsiteExpandedMetrics::OP, "Analytics::expanded_metrics"),
    c(GetWebsiteValues::OP, "Analytics::field_values"),
    c(GetWebsiteEvents::OP, "Analytics::events"),
    c(GetWebsiteEventStats::OP, "Analytics::event_stats"),
    c(GetWebsiteSessions::OP, "Analytics::sessions"),
    c(GetWebsiteSessionStats::OP, "Analytics::session_stats"),
    c(GetWebsiteSessionsWeekly::OP, "Analytics::sessions_weekly"),
    c(GetWebsiteSession::OP, "Analytics::session"),
    c(GetWebsiteSessionActivity::OP, "Analytics::session_activity"),
    c(
        GetWebsiteSessionProperties::OP,
        "Analytics::session_properties",
    ),
    c(DeleteWebsiteSession::OP, "Analytics::delete_session"),
    c(GetEventData::OP, "Analytics::event_data"),
    c(GetEventDataById::OP, "Analytics::event_data_of"),
    c(GetEventDataEvents::OP, "Analytics::event_data_events"),
    c(GetEventDataFields::OP, "Analytics::event_data_fields"),
    c(
        GetEventDataProperties::OP,
        "Analytics::event_data_properties",
    ),
    c(GetEventDataStats::OP, "Analytics::event_data_stats"),
    c(GetEventDataValues::OP, "Analytics::event_data_values"),
    c(GetEventDataPivot::OP, "Analytics::event_data_pivot"),
    c(
        GetEventDataArraySeries::OP,
        "Analytics::event_data_array_series",
    ),
    c(
        GetEventDataDateSeries::OP,
        "Analytics::event_data_date_series",
    ),
    c(
        GetEventDataNumericSeries::OP,
        "Analytics::event_data_numeric_series",
    ),
    c(
        GetEventDataNumericStats::OP,
        "Analytics::event_data_numeric_stats",
    ),
    c(
        GetEventDataPropertySeries::OP,
        "Analytics::event_data_property_series",
    ),
    c(
        GetSessionDataProperties::OP,
        "Analytics::session_data_properties",
    ),
    c(GetSessionDataValues::OP, "Analytics::session_data_values"),
    c(GetSessionDataStats::OP, "Analytics::session_data_stats"),
    c(GetSessionDataPivot::OP, "Analytics::session_data_pivot"),
    c(
        GetSessionDataArraySeries::OP,
        "Analytics::session_data_array_series",
    ),
    c(
        GetSessionDataDateSeries::OP,
        "Analytics::session_data_date_series",
    ),
    c(
        GetSessionDataNumericSeries::OP,
        "Analytics::session_data_numeric_series",
    ),
    c(
        GetSessionDataNumericStats::OP,
        "Analytics::session_data_numeric_stats",
    ),
    c(
        GetSessionDataPropertySeries::OP,
        "Analytics::session_data_property_series",
    ),
    c(GetWebsiteDateRange::OP, "Analytics::date_range"),
    c(GetRealtime::OP, "Analytics::realtime"),
    c(ExportWebsite::OP, "Analytics::export"),
    c(GetWebsitesCharts::OP, "Analytics::websites_charts"),
    c(GetLinksCharts::OP, "Analytics::links_charts"),
    c(GetPixelsCharts::OP, "Analytics::pixels_charts"),
    c(GetWebsiteRevenueSessions::OP, "Analytics::revenue_sessions"),
    c(GetWebsiteRevenueStats::OP, "Analytics::revenue_stats"),
    c(GetWebsiteRevenueChart::OP, "Analytics::revenue_chart"),
    c(GetWebsiteRevenueMetrics::OP, "Analytics::revenue_metrics"),
    c(
        GetWebsitePerformanceStats::OP,
        "Analytics::performance_stats",
    ),
    c(
        GetWebsitePerformanceChart::OP,
        "Analytics::performance_chart",
    ),
    c(
        GetWebsitePerformanceMetrics::OP,
        "Analytics::performance_metrics",
    ),
    // Reports (3.3 route; 3.1's POST /api/reports/<kind> is the fallback).
    c(ops::GET_WEBSITE_FUNNEL_STATS, "Reports::funnel"),
    c(ops::GET_WEBSITE_GOAL_STATS, "Reports::goal"),
    c(ops::GET_WEBSITE_JOURNEYS, "Reports::journey"),
    c(ops::GET_WEBSITE_RETENTION, "Reports::retention"),
    c(ops::GET_WEBSITE_ATTRIBUTION, "Reports::attribution"),
    c(ops::GET_WEBSITE_BREAKDOWN, "Reports::breakdown"),
    c(ops::GET_WEBSITE_UTM_METRICS, "Reports::utm"),
    c(GetWebsiteSavedFunnelStats::OP, "Admin::saved_funnel_stats"),
    c(GetWebsiteSavedGoalStats::OP, "Admin::saved_goal_stats"),
    // Auth.
    c(ops::LOGIN, "Client::login"),
    c(ops::VERIFY, "Client::verify_token"),
    // Websites.
    c(ops::LIST_WEBSITES, "Client::websites_query"),
    c(ops::GET_WEBSITE, "Admin::website"),
    c(ops::CREATE_WEBSITE, "Admin::create_website"),
    c(ops::UPDATE_WEBSITE, "Admin::update_website"),
    c(ops::DELETE_WEBSITE, "Admin::delete_website"),
    c(ops::RESET_WEBSITE, "Admin::reset_website"),
    c(ops::TRANSFER_WEBSITE, "Admin::transfer_website"),
    c(GetMyWebsites::OP, "Admin::my_websites"),
    c(GetUserWebsites::OP, "Admin::user_websites"),
    c(GetTeamWebsites::OP, "Admin::team_websites"),
    // Teams, users, me.
    c(GetTeams::OP, "Admin::teams"),
    c(GetMyTeams::OP, "Admin::my_teams"),
    c(GetUserTeams::OP, "Admin::user_teams"),
    c(GetTeamUsers::OP, "Admin::team_members"),
    c(ops::GET_TEAM, "Admin::team"),
    c(ops::CREATE_TEAM, "Admin::create_team"),
    c(ops::UPDATE_TEAM, "Admin::update_team"),
    c(ops::DELETE_TEAM, "Admin::delete_team"),
    c(ops::JOIN_TEAM, "Admin::join_team"),
    c(ops::GET_TEAM_USER, "Admin::team_member"),
    c(ops::CREATE_TEAM_USER, "Admin::add_team_member"),
    c(ops::UPDATE_TEAM_USER, "Admin::update_team_member"),
    c(ops::DELETE_TEAM_USER, "Admin::remove_team_member"),
    c(ops::GET_USER, "Admin::user"),
    c(ops::CREATE_USER, "Admin::create_user"),
    c(ops::UPDATE_USER, "Admin::update_user"),
    c(ops::DELETE_USER, "Admin::delete_user"),
    c(ops::GET_ME, "Admin::me"),
    c(ops::UPDATE_MY_PASSWORD, "Admin::change_my_password"),
    c(ops::GET_MY_API_KEYS, "Admin::my_api_keys"),
    c(ops::CREATE_MY_API_KEY, "Admin::create_my_api_key"),
    c(ops::DELETE_MY_API_KEY, "Admin::delete_my_api_key"),
    // Links, pixels, boards, shares.
    c(GetLinks::OP, "Admin::links"),
    c(GetTeamLinks::OP, "Admin::team_links"),
    c(GetLinkShares::OP, "Admin::link_shares"),
    c(ops::GET_LINK, "Admin::link"),
    c(ops::CREATE_LINK, "Admin::create_link"),
    c(ops::UPDATE_LINK, "Admin::update_link"),
    c(ops::DELETE_LINK, "Admin::delete_link"),
    c(ops::CREATE_LINK_SHARE, "Admin::create_link_share"),
    c(GetPixels::OP, "Admin::pixels"),
    c(GetTeamPixels::OP, "Admin::team_pixels"),
    c(GetPixelShares::OP, "Admin::pixel_shares"),
    c(ops::GET_PIXEL, "Admin::pixel"),
    c(ops::CREATE_PIXEL, "Admin::create_pixel"),
    c(ops::UPDATE_PIXEL, "Admin::update_pixel"),
    c(ops::DELETE_PIXEL, "Admin::delete_pixel"),
    c(ops::CREATE_PIXEL_SHARE, "Admin::create_pixel_share"),
    c(GetBoards::OP, "Admin::boards"),
    c(GetTeamBoards::OP, "Admin::team_boards"),
    c(GetBoardShares::OP, "Admin::board_shares"),
    c(ops::GET_BOARD, "Admin::board"),
    c(ops::CREATE_BOARD, "Admin::create_board"),
    c(ops::UPDATE_BOARD, "Admin::update_board"),
    c(ops::DELETE_BOARD, "Admin::delete_board"),
    c(ops::CLONE_BOARD, "Admin::clone_board"),
    c(ops::CREATE_BOARD_SHARE, "Admin::create_board_share"),
    c(GetWebsiteShares::OP, "Admin::website_shares"),
    c(ops::CREATE_WEBSITE_SHARE, "Admin::create_website_share"),
    c(ops::CREATE_SHARE, "Admin::create_share"),
    c(ops::GET_SHARE, "Admin::share"),
    c(ops::UPDATE_SHARE, "Admin::update_share"),
    c(ops::DELETE_SHARE, "Admin::delete_share"),
    // Segments, annotations, saved funnels and goals.
    c(GetWebsiteSegments::OP, "Admin::segments"),
    c(ops::GET_WEBSITE_SEGMENT, "Admin::segment"),
    c(ops::CREATE_WEBSITE_SEGMENT, "Admin::create_segment"),
    c(ops::UPDATE_WEBSITE_SEGMENT, "Admin::update_segment"),
    c(ops::DELETE_WEBSITE_SEGMENT, "Admin::delete_segment"),
    c(GetWebsiteAnnotations::OP, "Admin::annotations"),
    c(ops::GET_WEBSITE_ANNOTATION, "Admin::annotation"),
    c(ops::CREATE_WEBSITE_ANNOTATION, "Admin::create_annotation"),
    c(ops::UPDATE_WEBSITE_ANNOTATION, "Admin::update_annotation"),
    c(ops::DELETE_WEBSITE_ANNOTATION, "Admin::delete_annotation"),
    c(GetWebsiteFunnels::OP, "Admin::saved_funnels"),
    c(ops::GET_WEBSITE_FUNNEL, "Admin::saved_funnel"),
    c(ops::CREATE_WEBSITE_FUNNEL, "Admin::create_saved_funnel"),
    c(ops::UPDATE_WEBSITE_FUNNEL, "Admin::update_saved_funnel"),
    c(ops::DELETE_WEBSITE_FUNNEL, "Admin::delete_saved_funnel"),
    c(GetWebsiteGoals::OP, "Admin::saved_goals"),
    c(ops::GET_WEBSITE_GOAL, "Admin::saved_goal"),
    c(ops::CREATE_WEBSITE_GOAL, "Admin::create_saved_goal"),
    c(ops::UPDATE_WEBSITE_GOAL, "Admin::update_saved_goal"),
    c(ops::DELETE_WEBSITE_GOAL, "Admin::delete_saved_goal"),
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

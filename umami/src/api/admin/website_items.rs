//! Things kept per website: segments and cohorts, annotations (3.3), saved funnels and
//! goals (3.3) with their stats.

use std::time::SystemTime;

use serde::Serialize;
use serde_json::Value;

use super::Admin;
use super::{Annotation, Done, Saved, admin_calls};
use crate::api::de::Page;
use crate::api::request::{Request, endpoints};

/// The body of segment, saved funnel and saved goal writes.
///
/// ```
/// let s = umami::api::admin::SavedBody { kind: Some("segment".into()), name: "Chrome".into(),
///     parameters: serde_json::json!({"filters":[{"name":"browser","operator":"eq","value":"chrome"}]}), ..Default::default() };
/// assert_eq!(serde_json::to_value(&s)?["type"], "segment");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SavedBody {
    /// `segment` or `cohort` for segments; not sent when `None`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name.
    pub name: String,
    /// Description (funnels, goals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Parameters.
    pub parameters: Value,
}

/// The body of annotation writes (3.3+).
///
/// ```
/// let a = umami::api::admin::AnnotationBody { date: "2026-11-24".into(), note: "launch".into(), all_day: Some(true) };
/// assert_eq!(serde_json::to_value(&a)?, serde_json::json!({"date":"2026-11-24","note":"launch","allDay":true}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnnotationBody {
    /// The date (ISO-8601).
    pub date: String,
    /// The note.
    pub note: String,
    /// Whether it spans the day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_day: Option<bool>,
}

/// Which saved filters: `type` of [`Admin::segments`](crate::api::admin::Admin::segments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SegmentKind {
    /// `segment`
    Segment,
    /// `cohort`
    Cohort,
}

endpoints! {
    /// `GET /websites/{id}/segments`: [`Admin::segments`](crate::api::admin::Admin::segments).
    GetWebsiteSegments => GET_WEBSITE_SEGMENTS -> Page<Saved>: Searched;
    /// `GET /websites/{id}/annotations` (3.3+): [`Admin::annotations`](crate::api::admin::Admin::annotations).
    GetWebsiteAnnotations => GET_WEBSITE_ANNOTATIONS -> Page<Annotation>, paged Annotation: Searched;
    /// `GET /websites/{id}/funnels` (3.3+): [`Admin::saved_funnels`](crate::api::admin::Admin::saved_funnels).
    GetWebsiteFunnels => GET_WEBSITE_FUNNELS -> Page<Saved>, paged Saved: Searched;
    /// `GET /websites/{id}/goals` (3.3+): [`Admin::saved_goals`](crate::api::admin::Admin::saved_goals).
    GetWebsiteGoals => GET_WEBSITE_GOALS -> Page<Saved>, paged Saved: Searched;
    /// `GET /websites/{id}/funnels/{funnelId}/stats` (3.3+).
    GetWebsiteSavedFunnelStats => GET_WEBSITE_SAVED_FUNNEL_STATS -> Vec<crate::api::reports::FunnelStep>: Filtered, Zoned, Unitized;
    /// `GET /websites/{id}/goals/{goalId}/stats` (3.3+).
    GetWebsiteSavedGoalStats => GET_WEBSITE_SAVED_GOAL_STATS -> crate::api::reports::GoalResult: Filtered, Zoned, Unitized;
}

impl Admin<'_> {
    /// A website's segments or cohorts.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let segs = client.admin().segments(umami::api::admin::SegmentKind::Segment).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn segments(&self, kind: SegmentKind) -> Request<GetWebsiteSegments> {
        let kind = match kind {
            SegmentKind::Segment => "segment",
            SegmentKind::Cohort => "cohort",
        };
        Request::for_website(self.client).set("type", kind)
    }

    /// A website's annotations between `start` and `end`, paged (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let notes = client.admin().annotations(end - Duration::from_secs(86_400), end).all().await?;
    /// # Ok(()) }
    /// ```
    pub fn annotations(
        &self,
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetWebsiteAnnotations> {
        Request::for_website(self.client).range(start, end)
    }

    /// A website's saved funnels, paged (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let funnels = client.admin().saved_funnels().all().await?;
    /// # Ok(()) }
    /// ```
    pub fn saved_funnels(&self) -> Request<GetWebsiteFunnels> {
        Request::for_website(self.client)
    }

    /// A website's saved goals, paged (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let goals = client.admin().saved_goals().all().await?;
    /// # Ok(()) }
    /// ```
    pub fn saved_goals(&self) -> Request<GetWebsiteGoals> {
        Request::for_website(self.client)
    }

    /// The stats of a saved funnel (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let steps = client.admin().saved_funnel_stats("795edb97-c288-424b-b12f-c1323738740c", end - Duration::from_secs(86_400), end).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn saved_funnel_stats(
        &self,
        funnel_id: impl Into<String>,
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetWebsiteSavedFunnelStats> {
        Request::for_website(self.client)
            .arg(funnel_id)
            .range(start, end)
    }

    /// The stats of a saved goal (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let goal = client.admin().saved_goal_stats("g1", end - Duration::from_secs(86_400), end).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn saved_goal_stats(
        &self,
        goal_id: impl Into<String>,
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetWebsiteSavedGoalStats> {
        Request::for_website(self.client)
            .arg(goal_id)
            .range(start, end)
    }
}

admin_calls! {
    /// One segment.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let s = client.admin().segment("00000000-0000-4000-8000-00000000f1c5", "dfd5a8ab-2f98-4865-ae2e-5f10c2c76d32").await?;
    /// # Ok(()) }
    /// ```
    fn segment(website_id, segment_id) -> Saved = GET_WEBSITE_SEGMENT;
    /// Creates a segment or cohort.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let body = umami::api::admin::SavedBody { kind: Some("segment".into()), name: "All".into(), parameters: serde_json::json!({"filters": []}), ..Default::default() };
    /// client.admin().create_segment("00000000-0000-4000-8000-00000000f1c5", &body).await?;
    /// # Ok(()) }
    /// ```
    fn create_segment(website_id) [body SavedBody] -> Saved = CREATE_WEBSITE_SEGMENT;
    /// Changes a segment.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let body = umami::api::admin::SavedBody { kind: Some("segment".into()), name: "All 2".into(), parameters: serde_json::json!({"filters": []}), ..Default::default() };
    /// client.admin().update_segment("00000000-0000-4000-8000-00000000f1c5", "dfd5a8ab-2f98-4865-ae2e-5f10c2c76d32", &body).await?;
    /// # Ok(()) }
    /// ```
    fn update_segment(website_id, segment_id) [body SavedBody] -> Saved = UPDATE_WEBSITE_SEGMENT;
    /// Deletes a segment.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().delete_segment("00000000-0000-4000-8000-00000000f1c5", "dfd5a8ab-2f98-4865-ae2e-5f10c2c76d32").await?;
    /// # Ok(()) }
    /// ```
    fn delete_segment(website_id, segment_id) -> Done = DELETE_WEBSITE_SEGMENT;
    /// One annotation (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let a = client.admin().annotation("00000000-0000-4000-8000-00000000f1c5", "a1").await?;
    /// # Ok(()) }
    /// ```
    fn annotation(website_id, annotation_id) -> Annotation = GET_WEBSITE_ANNOTATION;
    /// Creates an annotation (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let body = umami::api::admin::AnnotationBody { date: "2026-11-24".into(), note: "launch".into(), all_day: None };
    /// client.admin().create_annotation("00000000-0000-4000-8000-00000000f1c5", &body).await?;
    /// # Ok(()) }
    /// ```
    fn create_annotation(website_id) [body AnnotationBody] -> Annotation = CREATE_WEBSITE_ANNOTATION;
    /// Changes an annotation (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let body = umami::api::admin::AnnotationBody { date: "2026-11-24".into(), note: "launch!".into(), all_day: None };
    /// client.admin().update_annotation("00000000-0000-4000-8000-00000000f1c5", "a1", &body).await?;
    /// # Ok(()) }
    /// ```
    fn update_annotation(website_id, annotation_id) [body AnnotationBody] -> Annotation = UPDATE_WEBSITE_ANNOTATION;
    /// Deletes an annotation (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().delete_annotation("00000000-0000-4000-8000-00000000f1c5", "a1").await?;
    /// # Ok(()) }
    /// ```
    fn delete_annotation(website_id, annotation_id) -> Value = DELETE_WEBSITE_ANNOTATION;
    /// One saved funnel (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let f = client.admin().saved_funnel("00000000-0000-4000-8000-00000000f1c5", "f1").await?;
    /// # Ok(()) }
    /// ```
    fn saved_funnel(website_id, funnel_id) -> Saved = GET_WEBSITE_FUNNEL;
    /// Saves a funnel (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let body = umami::api::admin::SavedBody { name: "Checkout".into(), parameters: serde_json::json!({"window": 60, "steps": []}), ..Default::default() };
    /// client.admin().create_saved_funnel("00000000-0000-4000-8000-00000000f1c5", &body).await?;
    /// # Ok(()) }
    /// ```
    fn create_saved_funnel(website_id) [body SavedBody] -> Saved = CREATE_WEBSITE_FUNNEL;
    /// Changes a saved funnel (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let body = umami::api::admin::SavedBody { name: "Checkout 2".into(), parameters: serde_json::json!({"window": 60, "steps": []}), ..Default::default() };
    /// client.admin().update_saved_funnel("00000000-0000-4000-8000-00000000f1c5", "f1", &body).await?;
    /// # Ok(()) }
    /// ```
    fn update_saved_funnel(website_id, funnel_id) [body SavedBody] -> Saved = UPDATE_WEBSITE_FUNNEL;
    /// Deletes a saved funnel (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().delete_saved_funnel("00000000-0000-4000-8000-00000000f1c5", "f1").await?;
    /// # Ok(()) }
    /// ```
    fn delete_saved_funnel(website_id, funnel_id) -> Value = DELETE_WEBSITE_FUNNEL;
    /// One saved goal (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let g = client.admin().saved_goal("00000000-0000-4000-8000-00000000f1c5", "g1").await?;
    /// # Ok(()) }
    /// ```
    fn saved_goal(website_id, goal_id) -> Saved = GET_WEBSITE_GOAL;
    /// Saves a goal (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let body = umami::api::admin::SavedBody { name: "Signup".into(), parameters: serde_json::json!({"type": "event", "value": "signup"}), ..Default::default() };
    /// client.admin().create_saved_goal("00000000-0000-4000-8000-00000000f1c5", &body).await?;
    /// # Ok(()) }
    /// ```
    fn create_saved_goal(website_id) [body SavedBody] -> Saved = CREATE_WEBSITE_GOAL;
    /// Changes a saved goal (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let body = umami::api::admin::SavedBody { name: "Signup 2".into(), parameters: serde_json::json!({"type": "event", "value": "signup"}), ..Default::default() };
    /// client.admin().update_saved_goal("00000000-0000-4000-8000-00000000f1c5", "g1", &body).await?;
    /// # Ok(()) }
    /// ```
    fn update_saved_goal(website_id, goal_id) [body SavedBody] -> Saved = UPDATE_WEBSITE_GOAL;
    /// Deletes a saved goal (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().delete_saved_goal("00000000-0000-4000-8000-00000000f1c5", "g1").await?;
    /// # Ok(()) }
    /// ```
    fn delete_saved_goal(website_id, goal_id) -> Value = DELETE_WEBSITE_GOAL;
}

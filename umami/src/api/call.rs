//! One call of the contract: an [`Operation`] (method, path template, accepted query names)
//! filled in with path values, query pairs and a body, sent over [`Client::api_call`] with the
//! Cloud limiter, `429 Retry-After` and the one-time token renewal of [`super::pacing`].

use reqwest::Method;
use serde::de::DeserializeOwned;

use super::Auth;
use crate::client::Client;
use crate::error::{Error, ValidationError};

/// One operation of Umami's API contract, as `operations.rs` lists it (the contract test,
/// `integration/tests/it/api/contract.rs`, compares that file with the fixture).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The contract's `operationId`.
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, with `{name}` placeholders, from `/api`.
    pub path: &'static str,
    /// The query parameter names the operation accepts.
    pub query: &'static [&'static str],
}

impl Operation {
    /// Whether `name` is one of the operation's query parameters.
    pub fn accepts(&self, name: &str) -> bool {
        self.query.contains(&name)
    }
}

/// A filled-in request of one [`Operation`]. Query names are checked against the operation:
/// a builder that tried to send a name the contract does not list is a bug in this crate,
/// caught by the tests (debug builds assert).
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) op: Operation,
    pub(crate) path: Vec<String>,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<Vec<u8>>,
}

impl Call {
    pub(crate) fn new(op: Operation) -> Self {
        Call {
            op,
            path: Vec::new(),
            query: Vec::new(),
            body: None,
        }
    }

    /// The next `{placeholder}` of the path.
    pub(crate) fn arg(mut self, value: impl Into<String>) -> Self {
        self.path.push(value.into());
        self
    }

    /// Sets (or replaces) a query pair.
    pub(crate) fn set(&mut self, name: &'static str, value: String) {
        debug_assert!(
            self.op.accepts(name),
            "{} does not accept the query parameter {name}",
            self.op.id
        );
        match self.query.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => self.query.push((name, value)),
        }
    }

    /// A JSON body.
    pub(crate) fn json<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::Validation(ValidationError::new(
                "body",
                format!("could not be written as JSON ({e})"),
            ))
        })?;
        self.body = Some(bytes);
        Ok(self)
    }

    /// The method, as reqwest's.
    pub(crate) fn method(&self) -> Method {
        Method::from_bytes(self.op.method.as_bytes()).unwrap_or(Method::GET)
    }

    /// The path segments below the API root: the template without `/api`, each
    /// placeholder replaced by the next path value.
    pub(crate) fn segments(&self) -> Result<Vec<String>, Error> {
        let mut values = self.path.iter();
        let mut segments = Vec::new();
        for part in self.op.path.split('/').filter(|s| !s.is_empty()).skip(1) {
            if part.starts_with('{') {
                let name = part.trim_matches(|c| c == '{' || c == '}');
                let value = values.next().ok_or_else(|| {
                    Error::Validation(ValidationError::new(
                        "path",
                        format!("{} needs a value for {name}", self.op.id),
                    ))
                })?;
                if value.trim().is_empty() || value.contains('/') {
                    return Err(ValidationError::new(
                        field_name(name),
                        "must not be empty, blank or contain `/`",
                    )
                    .into());
                }
                segments.push(value.clone());
            } else {
                segments.push(part.to_owned());
            }
        }
        Ok(segments)
    }

    /// The URL this call goes to on `client`. No I/O.
    pub(crate) fn url(&self, client: &Client) -> Result<url::Url, Error> {
        let segments = self.segments()?;
        let refs: Vec<&str> = segments.iter().map(String::as_str).collect();
        Ok(client.api_url(&refs, &self.query))
    }

    /// Sends the call and reads the answer as `T`.
    pub(crate) async fn send<T: DeserializeOwned>(self, client: &Client) -> Result<T, Error> {
        let answer = self.send_raw(client).await?;
        if answer.iter().all(u8::is_ascii_whitespace) {
            return super::parse_json(b"null");
        }
        super::parse_json(&answer)
    }

    /// Sends the call; the 2xx body.
    pub(crate) async fn send_raw(self, client: &Client) -> Result<Vec<u8>, Error> {
        let url = self.url(client)?;
        client
            .api_call_paced(self.method(), url, Auth::Required, self.body)
            .await
            .map(|a| a.body)
    }
}

/// `websiteId` → `website_id`, for error messages that name the Rust argument.
fn field_name(placeholder: &str) -> &'static str {
    match placeholder {
        "websiteId" => "website_id",
        "sessionId" => "session_id",
        "eventId" => "event_id",
        "teamId" => "team_id",
        "userId" => "user_id",
        "linkId" => "link_id",
        "pixelId" => "pixel_id",
        "boardId" => "board_id",
        "shareId" => "share_id",
        "segmentId" => "segment_id",
        "annotationId" => "annotation_id",
        "funnelId" => "funnel_id",
        "goalId" => "goal_id",
        "keyId" => "key_id",
        "slug" => "slug",
        _ => "path",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::operations;

    #[test]
    fn an_operation_has_the_contract_method_path_and_query_names() {
        let op = operations::GET_WEBSITE_PAGEVIEWS;
        assert_eq!(op.method, "GET");
        assert_eq!(op.path, "/api/websites/{websiteId}/pageviews");
        assert!(op.accepts("timezone"));
        assert!(!op.accepts("website_id"));
    }

    #[test]
    fn segments_fill_placeholders_in_order() {
        let call = Call::new(operations::GET_WEBSITE_SESSION_ACTIVITY)
            .arg("w")
            .arg("s");
        assert_eq!(
            call.segments().unwrap(),
            ["websites", "w", "sessions", "s", "activity"]
        );
    }

    #[test]
    fn missing_or_slashed_path_values_are_errors() {
        let err = Call::new(operations::GET_TEAM).segments().unwrap_err();
        assert!(matches!(err, Error::Validation(v) if v.field() == "path"));
        let err = Call::new(operations::GET_TEAM)
            .arg("a/b")
            .segments()
            .unwrap_err();
        assert!(matches!(err, Error::Validation(v) if v.field() == "team_id"));
    }

    #[test]
    fn setting_twice_replaces() {
        let mut call = Call::new(operations::GET_WEBSITE_METRICS);
        call.set("type", "path".into());
        call.set("type", "browser".into());
        assert_eq!(call.query, [("type", "browser".to_owned())]);
    }
}

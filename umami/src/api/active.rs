//! Liveness and real-time numbers: `heartbeat` and `active_users`.

use reqwest::Method;
use serde_json::Value;

use super::{Auth, models};
use crate::client::Client;
use crate::error::Error;

impl Client {
    /// Whether the server is up: `GET /api/heartbeat` on a self-hosted Umami (no login
    /// needed), `GET /v1/me` with the API key on Umami Cloud.
    ///
    /// Any 2xx answer counts as alive (servers before v2.16 answer `{}`), unless the body
    /// says `{"ok": false}`; a non-2xx answer, a refused connection or a timeout is `false`.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) {
    /// if !client.heartbeat().await {
    ///     eprintln!("Umami is down");
    /// }
    /// # }
    /// ```
    pub async fn heartbeat(&self) -> bool {
        let segments: &[&str] = if self.is_cloud() {
            &["me"]
        } else {
            &["heartbeat"]
        };
        let url = self.api_url(segments, &[]);
        match self.api_call(Method::GET, url, Auth::Anonymous, None).await {
            Ok(answer) => {
                let said_not_ok = serde_json::from_slice::<Value>(&answer.body)
                    .ok()
                    .and_then(|v| v.get("ok").and_then(Value::as_bool))
                    == Some(false);
                !said_not_ok
            }
            Err(e) => {
                tracing::debug!(error = %e, "Umami heartbeat failed");
                false
            }
        }
    }

    /// The number of visitors on the website right now (`GET /websites/{id}/active`, the
    /// last five minutes by Umami's definition), for `website_id` or else the client's default.
    ///
    /// Reads every server's answer: `{"visitors": n}` (v2.16+), `{"x": n}` (older),
    /// `[{"x": n}]` (v1) and `null` (no one: `0`).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let now = client.active_users(None).await?;
    /// let other = client.active_users(Some("978435e2-7ba1-4337-9860-ec31ece2db60")).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Validation`] when there is no website id (argument or default) or it is not
    /// a UUID, before any I/O; [`Error::OperationNotAllowed`] on a self-hosted server before
    /// [`login`](Client::login); [`Error::Status`]; [`Error::UnexpectedResponse`];
    /// [`Error::Transport`].
    pub async fn active_users(&self, website_id: Option<&str>) -> Result<u64, Error> {
        let id = self.resolve_website_id(website_id)?;
        let url = self.api_url(&["websites", &id, "active"], &[]);
        let answer = self
            .api_call_limited(Method::GET, url, Auth::Required, None)
            .await?;
        let value: Value = if answer.body.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            super::parse_json(&answer.body)?
        };
        models::active_visitors(&value).map_err(|e| {
            Error::UnexpectedResponse(format!(
                "could not read the active visitors ({e}); the answer began with: {}",
                super::quote(&answer.body)
            ))
        })
    }
}

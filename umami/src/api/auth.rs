//! Logging in to a self-hosted Umami, and checking the credentials.

use reqwest::Method;
use serde_json::Value;

use super::{Auth, models::User, scrub_secrets};
use crate::client::Client;
use crate::error::{Error, ValidationError};
use crate::secret::Secret;

impl Client {
    /// Logs in to a self-hosted Umami (`POST /api/auth/login`) and keeps the bearer token in
    /// the client, shared by all its clones, for the management calls that follow.
    ///
    /// The password is sent once, in the request body, and is never stored, logged or put
    /// in an error. A failed login leaves the client's previous token (if any) in place.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let user = client.login("admin", "umami").await?;
    /// assert!(client.is_logged_in());
    /// println!("logged in as {}", user.username);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::OperationNotAllowed`] on Umami Cloud (it uses the API key, no login);
    /// [`Error::Validation`] for a blank username or password (before any I/O);
    /// [`Error::Status`] with the server's text for a refused login (401);
    /// [`Error::UnexpectedResponse`] when a 2xx answer has no token; [`Error::Transport`].
    pub async fn login(&self, username: &str, password: &str) -> Result<User, Error> {
        if self.is_cloud() {
            return Err(Error::not_allowed(
                "login is for self-hosted Umami; Umami Cloud authenticates every call with \
                 the API key given to cloud_api_key()",
            ));
        }
        if username.trim().is_empty() {
            return Err(ValidationError::new("username", "must not be empty or blank").into());
        }
        if password.trim().is_empty() {
            return Err(ValidationError::new("password", "must not be empty or blank").into());
        }
        let body = serde_json::to_vec(&serde_json::json!({
            "username": username,
            "password": password,
        }))
        .expect("two strings serialize");
        let url = self.api_url(&["auth", "login"], &[]);
        let answer = self
            .api_call(Method::POST, url, Auth::Anonymous, Some(body))
            .await
            .map_err(|e| scrub_secrets(e, &[password.to_owned()]))?;
        // Read by hand: a generic JSON error would quote the body, and the body holds the token.
        let mut value: Value = serde_json::from_slice(&answer.body)
            .map_err(|_| Error::UnexpectedResponse("the login answer is not JSON".to_owned()))?;
        let token = match value.get("token") {
            Some(Value::String(token)) if !token.trim().is_empty() => Secret::new(token.clone()),
            _ => {
                return Err(Error::UnexpectedResponse(
                    "the login answer has no `token`".to_owned(),
                ));
            }
        };
        let user = match value.get_mut("user").map(Value::take) {
            Some(user @ Value::Object(_)) => serde_json::from_value::<User>(user).map_err(|e| {
                Error::UnexpectedResponse(format!("could not read the logged-in user ({e})"))
            })?,
            _ => {
                return Err(Error::UnexpectedResponse(
                    "the login answer has no `user` object".to_owned(),
                ));
            }
        };
        if let Some(previous) = self.token() {
            super::pacing::forget_login(&previous);
        }
        super::pacing::remember_login(&token, username, password);
        self.set_token(Some(token));
        tracing::debug!(username = %user.username, "logged in to Umami");
        Ok(user)
    }

    /// Forgets the login token (for this client and its clones). No I/O.
    pub fn logout(&self) {
        if let Some(token) = self.token() {
            super::pacing::forget_login(&token);
        }
        self.set_token(None);
    }

    /// Whether the client holds credentials, and with `check_server` whether the server
    /// accepts them.
    ///
    /// - self-hosted: `false` without a login token; with `check_server`, asks
    ///   `POST /api/auth/verify`;
    /// - Umami Cloud: the API key is always there; with `check_server`, asks `GET /v1/me`.
    ///
    /// Any failure (refused token, server down, timeout) is `false`; call a management method
    /// to see the error itself.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) {
    /// if !client.verify_token(true).await {
    ///     eprintln!("token expired: log in again");
    /// }
    /// # }
    /// ```
    pub async fn verify_token(&self, check_server: bool) -> bool {
        let (method, segments): (Method, &[&str]) = if self.is_cloud() {
            (Method::GET, &["me"])
        } else {
            if self.token().is_none() {
                return false;
            }
            (Method::POST, &["auth", "verify"])
        };
        if !check_server {
            return true;
        }
        let url = self.api_url(segments, &[]);
        match self.api_call(method, url, Auth::Required, None).await {
            Ok(_) => true,
            Err(e) => {
                tracing::debug!(error = %e, "Umami token check failed");
                false
            }
        }
    }
}

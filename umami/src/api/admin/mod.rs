//! Administration: `client.admin()`, the [`Admin`] handle.
//!
//! Websites, teams and members, users, the logged-in user and their API keys, links, pixels,
//! boards, shares, segments, annotations, saved funnels and goals.
//!
//! Single reads, writes and deletes are plain async methods; listings are
//! [`Request`](crate::api::Request)s with `.page()`, `.page_size()`, `.search()` and
//! `.all()`. Request bodies are plain structs with public fields and `Default`, so
//! `NewWebsite { name: "Blog".into(), domain: "blog.example.com".into(), ..Default::default() }`
//! reads as the JSON it sends. Answers Umami leaves untyped in its contract (API keys, some
//! 3.3-only objects) are [`serde_json::Value`].
//!
//! | resource | calls |
//! |---|---|
//! | websites | [`website`](Admin::website), [`create_website`](Admin::create_website), [`update_website`](Admin::update_website), [`delete_website`](Admin::delete_website), [`reset_website`](Admin::reset_website), [`transfer_website`](Admin::transfer_website), [`my_websites`](Admin::my_websites), [`user_websites`](Admin::user_websites), [`team_websites`](Admin::team_websites) |
//! | teams | [`teams`](Admin::teams), [`my_teams`](Admin::my_teams), [`user_teams`](Admin::user_teams), [`team`](Admin::team), [`create_team`](Admin::create_team), [`update_team`](Admin::update_team), [`delete_team`](Admin::delete_team), [`join_team`](Admin::join_team), `*team_member*` |
//! | users and me | [`user`](Admin::user), [`create_user`](Admin::create_user), [`update_user`](Admin::update_user), [`delete_user`](Admin::delete_user), [`me`](Admin::me), [`change_my_password`](Admin::change_my_password), `*my_api_key*` |
//! | links, pixels, boards, shares | `*link*`, `*pixel*`, `*board*`, `*share*` |
//! | a website's segments, annotations, saved funnels and goals | `*segment*`, `*annotation*`, `*saved_funnel*`, `*saved_goal*` |
//!
//! ```no_run
//! # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
//! use umami::api::admin::NewWebsite;
//!
//! let admin = client.admin();
//! let blog = admin
//!     .create_website(&NewWebsite { name: "Blog".into(), domain: "blog.example.com".into(), ..Default::default() })
//!     .await?;
//! for team in admin.teams().all().await? {
//!     println!("{}", team.name);
//! }
//! admin.delete_website(&blog.id).await?;
//! # Ok(()) }
//! ```

use crate::client::Client;

mod entities;
mod models;
mod teams;
mod website_items;
mod websites;

pub use entities::*;
pub use models::*;
pub use teams::*;
pub use website_items::*;
pub use websites::*;

/// The administration calls of a [`Client`], from `client.admin()`: one method per call,
/// a plain async method for single reads and writes, a [`Request`](crate::api::Request) for
/// listings. Borrows the client; cheap to make.
///
/// ```no_run
/// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
/// let me = client.admin().me().await?;
/// println!("logged in as {}", me.user.username);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Admin<'c> {
    client: &'c Client,
}

impl Client {
    /// The administration calls: websites, teams, users, links, pixels, boards, shares,
    /// segments, annotations, saved funnels and goals (see [`Admin`]).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// for site in client.admin().my_websites().include_teams().all().await? {
    ///     println!("{}", site.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn admin(&self) -> Admin<'_> {
        Admin { client: self }
    }
}

/// Plain async admin methods over one contract operation:
/// `fn name(path args…) [body Type] -> Output = OPERATION;`.
macro_rules! admin_calls {
    ($($(#[$doc:meta])* fn $name:ident($($arg:ident),*) $([body $body:ty])? -> $out:ty = $op:ident;)*) => {
        impl $crate::api::admin::Admin<'_> {$(
            $(#[$doc])*
            ///
            /// # Errors
            /// [`Error::Validation`](crate::Error::Validation) for a blank id (before any
            /// I/O); [`Error::OperationNotAllowed`](crate::Error::OperationNotAllowed)
            /// without a token; [`Error::Status`](crate::Error::Status) with the server's
            /// text (Umami answers 401 for "forbidden" too);
            /// [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse);
            /// [`Error::Transport`](crate::Error::Transport).
            pub async fn $name(&self, $($arg: &str,)* $(body: &$body)?) -> Result<$out, $crate::Error> {
                let call = $crate::api::call::Call::new($crate::api::operations::$op)
                    $(.arg($arg))*;
                $(let call = call.json::<$body>(body)?;)?
                call.send(self.client).await
            }
        )*}
    };
}
pub(crate) use admin_calls;

/// Paged admin listings: `fn name(path args…) -> Endpoint;`.
macro_rules! admin_lists {
    ($($(#[$doc:meta])* fn $name:ident($($arg:ident),*) -> $ep:ident;)*) => {
        impl $crate::api::admin::Admin<'_> {$(
            $(#[$doc])*
            pub fn $name(&self, $($arg: &str),*) -> $crate::api::Request<$ep> {
                $crate::api::Request::plain(self.client)$(.arg($arg))*
            }
        )*}
    };
}
pub(crate) use admin_lists;

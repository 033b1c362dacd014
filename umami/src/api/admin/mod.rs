//! Administration: websites, teams and members, users, the logged-in user and their API
//! keys, links, pixels, boards, shares, segments, annotations, saved funnels and goals.
//!
//! Single reads, writes and deletes are plain async methods; listings are
//! [`Request`](crate::api::Request)s with `.page()`, `.page_size()`, `.search()` and
//! `.all()`. Request bodies are plain structs with public fields and `Default`, so
//! `NewWebsite { name: "Blog".into(), domain: "blog.example.com".into(), ..Default::default() }`
//! reads as the JSON it sends. Answers Umami leaves untyped in its contract (API keys, some
//! 3.3-only objects) are [`serde_json::Value`].

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

/// Plain async admin methods over one contract operation:
/// `fn name(path args…) [body Type] -> Output = OPERATION;`.
macro_rules! admin_calls {
    ($($(#[$doc:meta])* fn $name:ident($($arg:ident),*) $([body $body:ty])? -> $out:ty = $op:ident;)*) => {
        impl $crate::client::Client {$(
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
                call.send(self).await
            }
        )*}
    };
}
pub(crate) use admin_calls;

/// Paged admin listings: `fn name(path args…) -> Endpoint;`.
macro_rules! admin_lists {
    ($($(#[$doc:meta])* fn $name:ident($($arg:ident),*) -> $ep:ident;)*) => {
        impl $crate::client::Client {$(
            $(#[$doc])*
            pub fn $name(&self, $($arg: &str),*) -> $crate::api::Request<$ep> {
                $crate::api::Request::plain(self)$(.arg($arg))*
            }
        )*}
    };
}
pub(crate) use admin_lists;

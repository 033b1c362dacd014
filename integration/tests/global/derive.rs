//! Typed events on the module-level default client (`send_global`). Both tests touch the
//! process-wide configuration, so they take turns.

use crate::derive_support;

use derive_support::{HOSTNAME, WEBSITE_ID, event_body, sent_body, umami};
use serde_json::json;
use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(name = "app-started", url = "/boot")]
struct AppStarted {
    version: &'static str,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn send_global_without_a_configured_server_is_operation_not_allowed() {
    let _turn = crate::turn();
    umami::reset();
    let err = runtime()
        .block_on(AppStarted { version: "1.0" }.send_global())
        .unwrap_err();
    assert!(
        matches!(err, umami::Error::OperationNotAllowed(_)),
        "{err:?}"
    );
}

#[test]
fn send_global_sends_with_the_default_client() {
    let _turn = crate::turn();
    umami::reset();
    runtime().block_on(async {
        let server = umami(1).await;
        umami::set_url_base(&server.uri()).unwrap();
        umami::set_website_id(WEBSITE_ID);
        umami::set_hostname(HOSTNAME);
        AppStarted { version: "1.0" }.send_global().await.unwrap();
        assert_eq!(
            sent_body(&server).await,
            event_body(
                "app-started",
                "/boot",
                "app-started",
                json!({"version": "1.0"})
            )
        );
    });
    umami::reset();
}

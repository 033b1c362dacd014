//! An error's `Display` says what failed and its `source()` chain says why, each once: an
//! application printing it with `anyhow`'s `{:#}` (every cause, joined by `: `) or walking
//! the chain itself sees no cause twice.

use umami::Client;

use crate::send_support::WEBSITE_ID;

/// The `Display` of an error and of each of its causes, in order.
fn chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = vec![error.to_string()];
    let mut cause = error.source();
    while let Some(next) = cause {
        out.push(next.to_string());
        cause = next.source();
    }
    out
}

#[tokio::test]
async fn a_transport_error_prints_each_cause_once() {
    // Port 9 (discard) is closed on the test machines: the connection is refused.
    let client = Client::builder()
        .url_base("http://127.0.0.1:9")
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .build()
        .unwrap();
    let error = client.new_event("Signup").send().await.unwrap_err();
    assert!(
        matches!(error, umami::Error::Transport { connect: true, .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "transport error: could not connect to the server"
    );

    let links = chain(&error);
    assert!(
        links.len() >= 3,
        "the causes are the source chain: {links:?}"
    );
    // No link repeats text that a later one prints again.
    for (i, link) in links.iter().enumerate() {
        for later in &links[i + 1..] {
            assert!(
                !link.contains(later.as_str()),
                "{link:?} repeats its cause {later:?}: {links:?}"
            );
        }
    }

    let printed = format!("{:#}", anyhow::Error::from(error));
    assert_eq!(printed, links.join(": "));
    let refused = printed.matches("Connection refused").count()
        + printed.matches("connection refused").count();
    assert_eq!(refused, 1, "{printed}");
}

//! The tokio side: the worker that cuts the queue into batches, and the tasks that send them.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use reqwest::header::{CONTENT_TYPE, HeaderValue, USER_AGENT};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tracing::Instrument;

use crate::error::Error;
use crate::event::PreparedHit;
use crate::response;

use super::batch::{self, ItemOutcome};
use super::retry::{AttemptOutcome, Jitter, RetryDecision, RetryPolicy};
use super::stats::FailReason;
use super::{Due, Item, Settings, Shared};

/// The worker: waits until a batch is due (full, flushed, or its oldest event waited the
/// flush interval), then hands it to a task, at most `max_concurrent_requests` at a time.
pub(crate) fn run(shared: Arc<Shared>) -> impl Future<Output = ()> + Send + 'static {
    // However the worker ends (drained, aborted by `shutdown`, dropped with its runtime even
    // before its first poll, or a panic), intake stops and whatever is left is counted:
    // `track` then answers `Closed` instead of queueing events nobody will send, and `flush`
    // does not wait forever. The guard lives in the future, not in its body, so that dropping
    // a future never polled runs it too.
    let finish = FinishOnDrop(shared.clone());
    async move {
        let _finish = finish;
        work(shared).await;
    }
}

async fn work(shared: Arc<Shared>) {
    let permits = Arc::new(Semaphore::new(shared.settings.max_concurrent_requests));
    let mut tasks = JoinSet::new();
    loop {
        match shared.due(Instant::now()) {
            Due::Exit => break,
            Due::Wait(deadline) => {
                while tasks.try_join_next().is_some() {}
                match deadline {
                    None => shared.wake.notified().await,
                    Some(at) => {
                        // Either way the loop looks at the queue again.
                        let _ = tokio::time::timeout_at(at.into(), shared.wake.notified()).await;
                    }
                }
                continue;
            }
            Due::Now => {}
        }
        let Ok(permit) = permits.clone().acquire_owned().await else {
            break;
        };
        let Some((id, items)) = shared.take_batch() else {
            continue;
        };
        let span = tracing::debug_span!("umami_batch", batch = id, events = items.len());
        tasks.spawn(send_batch(shared.clone(), id, items, permit).instrument(span));
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
}

struct FinishOnDrop(Arc<Shared>);

impl Drop for FinishOnDrop {
    fn drop(&mut self) {
        // After a drain nothing is left and this only freezes the counters.
        self.0
            .finish("when the worker stopped (its tokio runtime shut down, or it panicked)");
    }
}

/// Sends one batch until every event in it is delivered or failed.
async fn send_batch(
    shared: Arc<Shared>,
    id: u64,
    mut items: Vec<Item>,
    _permit: OwnedSemaphorePermit,
) {
    let settings = &shared.settings;
    let mut jitter = Jitter::new(id);
    let mut attempt = 0_u32;
    if shared.batch_endpoint.load(Ordering::Relaxed) {
        let (singles, batched): (Vec<Item>, Vec<Item>) = items
            .into_iter()
            .partition(|item| goes_singly(settings, &item.hit));
        if !singles.is_empty() {
            send_singles(&shared, id, singles).await;
        }
        items = batched;
    }
    // Halves of batches the server found too large (413), sent one after the other.
    let mut parts: Vec<Vec<Item>> = Vec::new();
    loop {
        if items.is_empty() {
            match parts.pop() {
                Some(part) => {
                    items = part;
                    attempt = 0;
                }
                None => return,
            }
        }
        if !shared.client.is_enabled() {
            items.extend(parts.drain(..).flatten());
            let n = items.len() as u64;
            shared.settle(
                id,
                0,
                vec![(
                    FailReason::Disabled,
                    n,
                    "tracking was disabled before these events were sent".to_owned(),
                )],
            );
            return;
        }
        if !shared.batch_endpoint.load(Ordering::Relaxed) {
            items.extend(parts.drain(..).flatten());
            send_singles(&shared, id, items).await;
            return;
        }
        attempt += 1;
        let config = shared.client.config();
        let body = batch::encode(items.iter().map(|i| i.body.as_slice()));
        let body_len = body.len();
        shared.note_request();
        let result = shared
            .client
            .http()
            .post(&config.batch_url)
            .header(USER_AGENT, config.user_agent.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .timeout(settings.batch_timeout)
            .body(body)
            .send()
            .await;
        let (status, retry_after, answer) = match result {
            Ok(response) => {
                let status = response.status();
                let retry_after = response::retry_after(response.headers());
                match response.bytes().await {
                    Ok(body) => (status, retry_after, Ok(body)),
                    Err(e) => (status, None, Err(e)),
                }
            }
            Err(e) => (reqwest::StatusCode::OK, None, Err(e)),
        };
        let (outcome, message) = match answer {
            Err(e) => {
                let outcome = AttemptOutcome::Transport {
                    timeout: e.is_timeout(),
                    connect: e.is_connect(),
                };
                (outcome, Error::from_reqwest(e).to_string())
            }
            Ok(body) if status.is_success() => {
                match batch::parse_answer(&body, items.len()) {
                    Ok(outcomes) => {
                        items =
                            settle_answer(&shared, id, items, outcomes, attempt, &mut jitter).await;
                    }
                    Err(message) => {
                        tracing::warn!(%message, "umami batch answer not understood");
                        let n = items.len() as u64;
                        shared.settle(id, 0, vec![(FailReason::UnexpectedResponse, n, message)]);
                        items = Vec::new();
                    }
                }
                continue;
            }
            Ok(_) if matches!(status.as_u16(), 404 | 405) => {
                if shared.batch_endpoint.swap(false, Ordering::Relaxed) {
                    tracing::warn!(
                        status = status.as_u16(),
                        url = %config.batch_url,
                        "this Umami has no /api/batch (servers before v2.18): sending every \
                         event with its own /api/send call from now on"
                    );
                }
                continue;
            }
            Ok(_) if status.as_u16() == 413 && items.len() > 1 => {
                let tail = items.split_off(items.len() / 2);
                let limit = shared.lower_batch_bytes(encoded_len(&items).max(encoded_len(&tail)));
                tracing::warn!(
                    bytes = body_len,
                    limit,
                    "the server refused a batch as too large (413): splitting it, and keeping \
                     batches under the new limit from now on"
                );
                parts.push(tail);
                attempt = 0;
                continue;
            }
            Ok(body) => (
                AttemptOutcome::Status {
                    status: status.as_u16(),
                    retry_after,
                },
                response::error_message(status, &body),
            ),
        };
        let n = items.len() as u64;
        match settings.retry.decide(attempt, &outcome, jitter.next_f64()) {
            RetryDecision::Backoff(delay) => {
                tracing::debug!(attempt, ?delay, events = n, %message, "retrying umami batch");
                shared.note_retry(n, outcome.may_have_been_stored());
                tokio::time::sleep(delay).await;
            }
            RetryDecision::Fail | RetryDecision::Done => {
                let reason = failure_reason(&outcome);
                tracing::warn!(attempt, events = n, %reason, %message, "umami batch failed");
                shared.settle(id, 0, vec![(reason, n, message)]);
                items = Vec::new();
            }
        }
    }
}

/// Settles the stored and rejected items of a 2xx batch answer; returns the items to try
/// again (after waiting), or none.
async fn settle_answer(
    shared: &Shared,
    id: u64,
    items: Vec<Item>,
    outcomes: Vec<ItemOutcome>,
    attempt: u32,
    jitter: &mut Jitter,
) -> Vec<Item> {
    let mut sent = 0;
    let mut failures = Vec::new();
    let mut again = Vec::new();
    let mut again_status = 0;
    let mut again_message = String::new();
    for (item, outcome) in items.into_iter().zip(outcomes) {
        match outcome {
            ItemOutcome::Stored => sent += 1,
            // One entry per distinct message: a batch of identical mistakes is one failure.
            ItemOutcome::Rejected(message) => match failures
                .iter_mut()
                .find(|(_, _, m): &&mut (FailReason, u64, String)| *m == message)
            {
                Some((_, count, _)) => *count += 1,
                None => failures.push((FailReason::Rejected, 1, message)),
            },
            ItemOutcome::Retry { status, message } => {
                again_status = status;
                again_message = message;
                again.push(item);
            }
        }
    }
    if !failures.is_empty() {
        tracing::warn!(
            rejected = failures.iter().map(|f| f.1).sum::<u64>(),
            first = %failures[0].2,
            "umami rejected events of a batch"
        );
    }
    shared.settle(id, sent, failures);
    if again.is_empty() {
        return again;
    }
    let outcome = AttemptOutcome::Status {
        status: again_status,
        retry_after: None,
    };
    let n = again.len() as u64;
    match shared
        .settings
        .retry
        .decide(attempt, &outcome, jitter.next_f64())
    {
        RetryDecision::Backoff(delay) => {
            tracing::debug!(attempt, ?delay, events = n, message = %again_message, "retrying umami batch items");
            shared.note_retry(n, outcome.may_have_been_stored());
            tokio::time::sleep(delay).await;
            again
        }
        RetryDecision::Fail | RetryDecision::Done => {
            shared.settle(
                id,
                0,
                vec![(FailReason::RetriesExhausted, n, again_message)],
            );
            Vec::new()
        }
    }
}

/// Whether a hit skips the batch: a visitor's hit that wants its cache token, or a hit with
/// its own User-Agent that Umami's bot filter may drop (only `/api/send` tells).
fn goes_singly(settings: &Settings, hit: &PreparedHit) -> bool {
    (settings.visitor_hits_singly && hit.distinct_id().is_some())
        || (!settings.batch_user_agent_hits && hit.envelope.payload.user_agent.is_some())
}

fn encoded_len(items: &[Item]) -> usize {
    batch::encoded_len(items.iter().map(|i| i.body.len()))
}

fn failure_reason(outcome: &AttemptOutcome) -> FailReason {
    if RetryPolicy::is_retryable(outcome) {
        FailReason::RetriesExhausted
    } else {
        FailReason::Rejected
    }
}

/// Sends a batch's events one by one to `/api/send`, several at once.
async fn send_singles(shared: &Arc<Shared>, id: u64, items: Vec<Item>) {
    let permits = Arc::new(Semaphore::new(shared.settings.single_send_concurrency));
    let mut sends = JoinSet::new();
    for item in items {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            break;
        };
        sends.spawn(send_one(shared.clone(), id, item, permit).in_current_span());
        while sends.try_join_next().is_some() {}
    }
    while sends.join_next().await.is_some() {}
}

/// One event through [`Client::send_hit_with_cache`](crate::Client::send_hit_with_cache),
/// with the visitor's cache token, retried by the same policy.
async fn send_one(shared: Arc<Shared>, id: u64, item: Item, _permit: OwnedSemaphorePermit) {
    let visitor = item.hit.distinct_id().map(str::to_owned);
    let mut jitter = Jitter::new(id ^ (item.seq << 20));
    let mut attempt = 0_u32;
    loop {
        attempt += 1;
        let token = visitor.as_deref().and_then(|v| shared.cache_token(v));
        shared.note_request();
        let (outcome, message) = match shared
            .client
            .send_hit_with_cache(&item.hit, token.as_deref())
            .await
        {
            Ok(response) if response.is_disabled() => {
                shared.settle(
                    id,
                    0,
                    vec![(
                        FailReason::Disabled,
                        1,
                        "tracking was disabled before the event was sent".to_owned(),
                    )],
                );
                return;
            }
            Ok(response) => {
                if let (Some(visitor), Some(token)) = (&visitor, response.cache()) {
                    shared.store_cache_token(visitor, token);
                }
                shared.settle(id, 1, Vec::new());
                return;
            }
            Err(Error::BotFiltered) => {
                let message = Error::BotFiltered.to_string();
                shared.settle(id, 0, vec![(FailReason::BotFiltered, 1, message)]);
                return;
            }
            Err(Error::UnexpectedResponse(message)) => {
                shared.settle(id, 0, vec![(FailReason::UnexpectedResponse, 1, message)]);
                return;
            }
            Err(e @ Error::Status { .. }) => (
                AttemptOutcome::Status {
                    status: e.status().unwrap_or(500),
                    retry_after: e.retry_after(),
                },
                e.to_string(),
            ),
            Err(e @ Error::Transport { .. }) => {
                let connect = match &e {
                    Error::Transport { source, .. } => source
                        .downcast_ref::<reqwest::Error>()
                        .is_some_and(reqwest::Error::is_connect),
                    _ => false,
                };
                (
                    AttemptOutcome::Transport {
                        timeout: e.is_timeout(),
                        connect,
                    },
                    e.to_string(),
                )
            }
            Err(other) => {
                shared.settle(id, 0, vec![(FailReason::Rejected, 1, other.to_string())]);
                return;
            }
        };
        match shared
            .settings
            .retry
            .decide(attempt, &outcome, jitter.next_f64())
        {
            RetryDecision::Backoff(delay) => {
                tracing::debug!(attempt, ?delay, %message, "retrying umami send");
                shared.note_retry(1, outcome.may_have_been_stored());
                tokio::time::sleep(delay).await;
            }
            RetryDecision::Fail | RetryDecision::Done => {
                let reason = failure_reason(&outcome);
                tracing::warn!(attempt, %reason, %message, "umami send failed");
                shared.settle(id, 0, vec![(reason, 1, message)]);
                return;
            }
        }
    }
}

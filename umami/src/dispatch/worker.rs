//! The tokio side: the worker that cuts the queue into batches, and the tasks that send them.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Instant, SystemTime};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tracing::Instrument;

use crate::error::Error;
use crate::hit::WireHit;
use crate::retry::{AttemptOutcome, Retrier, RetryPolicy};
use crate::transport::Request;

use super::batch::{self, ItemOutcome};
use super::late;
use super::queue::{Due, Item};
use super::settings::{Routing, Settings};
use super::shared::Shared;
use super::stats::FailReason;

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
    let mut retrier = Retrier::new(&settings.retry, id);
    items = fail_unknown_websites(&shared, id, items);
    if shared.batch_endpoint.load(Ordering::Relaxed)
        && items.iter().any(|item| goes_singly(settings, &item.hit))
    {
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
                    retrier.restart();
                }
                None => return,
            }
        }
        if !shared.client.is_enabled() {
            items.extend(parts.drain(..).flatten());
            let n = items.len() as u64;
            shared.settle(
                id,
                seqs(&items),
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
        let attempt = retrier.start_attempt();
        let batch_url = &shared.client.config().batch_url;
        late::stamp_late(&mut items, late::unix_ms(SystemTime::now()));
        let body = batch::encode(items.iter().map(|i| &*i.hit.body));
        let body_len = body.len();
        shared.note_request();
        shared.before_attempt(&mut items);
        let started = Instant::now();
        let request = Request::post_json(batch_url, body).timeout(settings.batch_timeout);
        let reply = match shared.client.exchange(request).await {
            Ok(reply) => reply,
            Err(error) => {
                shared.note_failed_request();
                if !retry_or_settle(&shared, &mut retrier, id, &mut items, &error).await {
                    items = Vec::new();
                }
                continue;
            }
        };
        let status = reply.status.as_u16();
        if !reply.status.is_success() {
            shared.note_failed_request();
        }
        if reply.status.is_success() {
            match batch::parse_answer(&reply.body, items.len()) {
                Ok(outcomes) => {
                    items =
                        settle_answer(&shared, id, items, outcomes, started, &mut retrier).await;
                }
                Err(message) => {
                    tracing::warn!(%message, "umami batch answer not understood");
                    let n = items.len() as u64;
                    shared.settle(
                        id,
                        seqs(&items),
                        0,
                        vec![(FailReason::UnexpectedResponse, n, message)],
                    );
                    items = Vec::new();
                }
            }
            continue;
        }
        if matches!(status, 404 | 405) {
            // No batch endpoint: nothing was stored; the events go out again singly.
            shared.after_failed_attempt(&mut items, false);
            if shared.batch_endpoint.swap(false, Ordering::Relaxed) {
                tracing::warn!(
                    status,
                    url = %batch_url,
                    "this Umami has no /api/batch (servers before v2.18): sending every \
                     event with its own /api/send call from now on"
                );
            }
            continue;
        }
        if status == 413 && items.len() > 1 {
            // Refused whole: nothing was stored.
            shared.after_failed_attempt(&mut items, false);
            let tail = items.split_off(items.len() / 2);
            let limit = shared.lower_batch_bytes(encoded_len(&items).max(encoded_len(&tail)));
            tracing::warn!(
                bytes = body_len,
                limit,
                "the server refused a batch as too large (413): splitting it, and keeping \
                 batches under the new limit from now on"
            );
            parts.push(tail);
            retrier.restart();
            continue;
        }
        tracing::debug!(attempt, status, "umami batch answered with an error");
        if !retry_or_settle(&shared, &mut retrier, id, &mut items, &reply.status_error()).await {
            items = Vec::new();
        }
    }
}

/// After an attempt of `items` failed with `error`: either waits for the retry and
/// counts the re-send (`true`: send them again), or settles them as failed with the reason
/// (`false`; they leave the spool, if any). The one retry decision of the dispatcher's
/// requests.
async fn retry_or_settle(
    shared: &Shared,
    retrier: &mut Retrier<'_>,
    id: u64,
    items: &mut [Item],
    error: &Error,
) -> bool {
    let events = items.len() as u64;
    // A failure's message is the server's own text for an answer, the error otherwise.
    let message = match error {
        Error::Status { message, .. } => message.clone(),
        other => crate::error::with_causes(other),
    };
    shared.note_error(&message);
    let Some(outcome) = AttemptOutcome::of_error(error) else {
        // Never sent, or nothing a retry can change: fail at once, no duplicate counted.
        tracing::warn!(events, %message, "umami send failed for good");
        shared.settle(
            id,
            seqs(items),
            0,
            vec![(FailReason::Rejected, events, message)],
        );
        return false;
    };
    if RetryPolicy::is_retryable(&outcome) {
        shared.note_failing(error, events);
    }
    match retrier.next_delay(&outcome) {
        Some(delay) => {
            tracing::debug!(?delay, events, %message, "retrying umami request");
            shared.after_failed_attempt(items, outcome.may_have_been_stored());
            tokio::time::sleep(delay).await;
            shared.note_resend(events, outcome.may_have_been_stored());
            true
        }
        None => {
            let reason = failure_reason(&outcome);
            tracing::warn!(events, %reason, %message, "umami request failed");
            shared.settle(id, seqs(items), 0, vec![(reason, events, message)]);
            false
        }
    }
}

/// Settles the stored and rejected items of a 2xx batch answer to a request that started
/// at `started`; returns the items to try again (after waiting), or none.
async fn settle_answer(
    shared: &Shared,
    id: u64,
    items: Vec<Item>,
    outcomes: Vec<ItemOutcome>,
    started: Instant,
    retrier: &mut Retrier<'_>,
) -> Vec<Item> {
    let mut sent = 0;
    let mut failures = Vec::new();
    let mut again = Vec::new();
    let mut again_status = 0;
    let mut again_message = String::new();
    let mut done = Vec::new();
    for (item, outcome) in items.into_iter().zip(outcomes) {
        if !matches!(outcome, ItemOutcome::Retry { .. }) {
            done.push(item.seq);
        }
        match outcome {
            ItemOutcome::Stored => sent += 1,
            ItemOutcome::Rejected(message) if is_website_not_found(&message) => {
                report_unknown_website(shared, &item.hit.website);
                failures.push((
                    FailReason::UnknownWebsite,
                    1,
                    unknown_website_text(&item.hit.website),
                ));
            }
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
    shared.settle(id, done, sent, failures);
    shared.note_delivered(started, sent);
    if again.is_empty() {
        return again;
    }
    let error = Error::Status {
        status: again_status,
        message: again_message,
        retry_after: None,
    };
    if retry_or_settle(shared, retrier, id, &mut again, &error).await {
        again
    } else {
        Vec::new()
    }
}

/// Whether a hit skips the batch, by the [`Routing`]: a hit with its own User-Agent that
/// Umami's bot filter may drop (only `/api/send` tells), or a user's hit that wants its
/// cache token.
fn goes_singly(settings: &Settings, hit: &WireHit) -> bool {
    let unchecked_user_agent = hit.has_user_agent && !hit.user_agent_checked;
    match settings.routing {
        Routing::Batch => unchecked_user_agent,
        Routing::BatchAll => false,
        Routing::CacheTokens => unchecked_user_agent || hit.distinct_id.is_some(),
        Routing::SingleSends => true,
    }
}

/// The seqs of `items`, which a settlement takes out of the spool.
fn seqs(items: &[Item]) -> impl Iterator<Item = u64> + '_ {
    items.iter().map(|i| i.seq)
}

fn encoded_len(items: &[Item]) -> usize {
    batch::encoded_len(items.iter().map(|i| i.hit.body.len()))
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

/// One event to `/api/send`, with the user's cache token, retried by the same policy.
async fn send_one(shared: Arc<Shared>, id: u64, mut item: Item, _permit: OwnedSemaphorePermit) {
    // Owned: the item's body may change (its tracked time set when it goes out late).
    let user = item.hit.distinct_id.clone();
    let user = user.as_deref();
    let mut retrier = Retrier::new(&shared.settings.retry, id ^ (item.seq << 20));
    loop {
        if !shared.client.is_enabled() {
            let message = "tracking was disabled before the event was sent".to_owned();
            shared.settle(id, [item.seq], 0, vec![(FailReason::Disabled, 1, message)]);
            return;
        }
        retrier.start_attempt();
        late::stamp_late(
            std::slice::from_mut(&mut item),
            late::unix_ms(SystemTime::now()),
        );
        let token = user.and_then(|v| shared.cache_token(v));
        shared.note_request();
        shared.before_attempt(std::slice::from_mut(&mut item));
        let started = Instant::now();
        let result = shared
            .client
            .post_send(item.hit.body.to_vec(), token.as_deref())
            .await;
        if matches!(result, Err(Error::Status { .. } | Error::Transport { .. })) {
            shared.note_failed_request();
        }
        let error = match result {
            Ok(response) => {
                if let (Some(user), Some(token)) = (user, response.cache()) {
                    shared.store_cache_token(user, token);
                }
                shared.settle(id, [item.seq], 1, Vec::new());
                shared.note_delivered(started, 1);
                return;
            }
            Err(Error::BotFiltered) => {
                let message = Error::BotFiltered.to_string();
                shared.settle(
                    id,
                    [item.seq],
                    0,
                    vec![(FailReason::BotFiltered, 1, message)],
                );
                return;
            }
            Err(Error::UnexpectedResponse(message)) => {
                shared.settle(
                    id,
                    [item.seq],
                    0,
                    vec![(FailReason::UnexpectedResponse, 1, message)],
                );
                return;
            }
            Err(Error::Status {
                status: 400 | 404,
                message,
                ..
            }) if is_website_not_found(&message) => {
                report_unknown_website(&shared, &item.hit.website);
                let message = unknown_website_text(&item.hit.website);
                shared.settle(
                    id,
                    [item.seq],
                    0,
                    vec![(FailReason::UnknownWebsite, 1, message)],
                );
                return;
            }
            Err(error) => error,
        };
        if !retry_or_settle(
            &shared,
            &mut retrier,
            id,
            std::slice::from_mut(&mut item),
            &error,
        )
        .await
        {
            return;
        }
    }
}

/// Whether the server's text is Umami's "Website not found." (v3: 400; v2.0–2.15: 404 text).
fn is_website_not_found(message: &str) -> bool {
    message
        .trim()
        .trim_end_matches('.')
        .eq_ignore_ascii_case("website not found")
}

fn unknown_website_text(website: &str) -> String {
    format!("Umami does not know the website id {website} (\"Website not found.\")")
}

/// Reports an unknown website once, loudly: a configuration error, not a passing fault.
fn report_unknown_website(shared: &Shared, website: &str) {
    if shared.mark_unknown_website(website) {
        tracing::error!(
            website,
            "Umami does not know this website id: every event for it fails without being \
             sent (counted as FailReason::UnknownWebsite). Check the client's website_id."
        );
    }
}

/// Settles the items of websites the server does not know, without a request; returns the
/// others.
fn fail_unknown_websites(shared: &Shared, id: u64, items: Vec<Item>) -> Vec<Item> {
    let (unknown, known) = shared.split_unknown_websites(items);
    if let Some(first) = unknown.first() {
        let message = unknown_website_text(&first.hit.website);
        shared.settle(
            id,
            seqs(&unknown),
            0,
            vec![(FailReason::UnknownWebsite, unknown.len() as u64, message)],
        );
    }
    known
}

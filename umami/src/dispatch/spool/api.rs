//! The dispatcher's spool methods: waiting for the group commit.

use crate::hit::IntoPreparedHit;
use crate::typed::UmamiEvent;

use super::super::dispatcher::Dispatcher;
use super::super::error::TrackError;

impl Dispatcher {
    /// [`track`](Self::track) (a typed event), then waits (without blocking a thread) until
    /// the event is synced to disk by the spool's group commit: `Ok` then means it survives
    /// power loss. With [`Durability::Os`](super::Durability::Os), or without a spool, the
    /// same as `track`.
    ///
    /// ```no_run
    /// # #[cfg(feature = "derive")]
    /// # async fn demo(dispatcher: umami::Dispatcher) -> Result<(), umami::dispatch::TrackError> {
    /// #[derive(umami::UmamiEvent)]
    /// struct Purchase { plan: String }
    ///
    /// dispatcher.track_durable(&Purchase { plan: "pro".into() }).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`track`](Self::track).
    pub async fn track_durable<E: UmamiEvent + ?Sized>(&self, event: &E) -> Result<(), TrackError> {
        self.track(event)?;
        self.sync_spool().await;
        Ok(())
    }

    /// [`track_hit`](Self::track_hit) (a hit builder or a prepared hit), then waits as
    /// [`track_durable`](Self::track_durable) does.
    ///
    /// ```no_run
    /// # async fn demo(dispatcher: umami::Dispatcher) -> Result<(), umami::dispatch::TrackError> {
    /// let client = dispatcher.client().clone();
    /// dispatcher.track_hit_durable(client.new_event("Purchase")).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`track_hit`](Self::track_hit).
    pub async fn track_hit_durable(&self, hit: impl IntoPreparedHit) -> Result<(), TrackError> {
        self.track_hit(hit)?;
        self.sync_spool().await;
        Ok(())
    }

    /// Waits (without blocking a thread) until every event the spool accepted before this
    /// call is synced to disk ([`Durability::Sync`](super::Durability::Sync)); returns at once
    /// otherwise.
    ///
    /// ```no_run
    /// # async fn demo(dispatcher: umami::Dispatcher) {
    /// dispatcher.sync_spool().await;
    /// # }
    /// ```
    pub async fn sync_spool(&self) {
        let wait = self.shared().spool.as_ref().map(|spool| spool.synced());
        if let Some(wait) = wait {
            wait.await;
        }
    }
}

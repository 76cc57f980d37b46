//! Waking the consumers of domain events (the alert consumer, the change
//! feed's horizon) as soon as any node commits some, instead of at their
//! next poll. On PostgreSQL every INSERT into `domain_events` notifies the
//! channel `pactum_events` (a trigger; the payload is the statement's last
//! event id, delivered at commit and never for a rollback) and every node
//! LISTENs on it.
//!
//! Nothing depends on a notification arriving: the consumers read from
//! their cursors, and still poll as a catch-up. A notification sent while
//! a listener was disconnected is lost, so the listener also wakes them
//! each time it has (re)connected: an event committed meanwhile is read
//! then, not at the next poll.

use std::time::Duration;

use sea_orm::{DatabaseConnection, DbBackend, sqlx::postgres::PgListener};
use tokio::sync::watch;

use super::Job;
use crate::metrics::Metrics;

/// The channel the `domain_events` trigger notifies.
pub const CHANNEL: &str = "pactum_events";

/// How long one round of the listener waits for a notification, so that
/// the server's stop signal is seen between rounds.
const WAIT: Duration = Duration::from_secs(1);

/// The signal the listener sends to the jobs it wakes; each job holds a
/// receiver and sees every wake-up sent while it was busy.
#[derive(Debug, Clone)]
pub struct EventWake(watch::Sender<u64>);

impl Default for EventWake {
    fn default() -> Self {
        Self(watch::channel(0).0)
    }
}

impl EventWake {
    /// A receiver for one more job.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.0.subscribe()
    }

    /// Wakes every job holding a receiver.
    pub fn wake(&self) {
        self.0.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// Listens for new domain events on PostgreSQL and wakes the consumers.
pub struct EventListener {
    db: DatabaseConnection,
    wake: EventWake,
    metrics: Metrics,
    listener: Option<PgListener>,
}

impl EventListener {
    /// The listener on `db`, if it is PostgreSQL (SQLite has one process:
    /// its consumers poll).
    pub fn on(db: &DatabaseConnection, wake: EventWake, metrics: Metrics) -> Option<Self> {
        (db.get_database_backend() == DbBackend::Postgres).then(|| Self {
            db: db.clone(),
            wake,
            metrics,
            listener: None,
        })
    }
}

impl Job for EventListener {
    fn name(&self) -> &'static str {
        "event listener"
    }

    /// Connects if it is not connected (then wakes everyone: a catch-up),
    /// else waits a moment for a notification. Busy while connected, so
    /// rounds follow each other; a failure drops the connection and the
    /// next round, after the pause, connects again.
    async fn round(&mut self) -> anyhow::Result<bool> {
        let Some(listener) = self.listener.as_mut() else {
            let mut listener =
                PgListener::connect_with(self.db.get_postgres_connection_pool()).await?;
            listener.listen(CHANNEL).await?;
            self.listener = Some(listener);
            self.metrics.event_listener_connects.inc();
            self.wake.wake();
            return Ok(true);
        };
        match tokio::time::timeout(WAIT, listener.try_recv()).await {
            Err(_) => Ok(true),
            Ok(Ok(Some(_))) => {
                self.wake.wake();
                Ok(true)
            }
            Ok(Ok(None)) => {
                tracing::warn!("the event listener lost its connection; reconnecting");
                self.listener = None;
                Ok(true)
            }
            Ok(Err(err)) => {
                self.listener = None;
                Err(err.into())
            }
        }
    }
}

//! E-mail alerts: from domain events to mail servers.
//!
//! - [`outbox`]: the consumer. It reads `domain_events` after its cursor,
//!   resolves each event's recipients (`domain::alerts`), renders one mail
//!   per recipient and inserts it into `outbox` with a unique dedupe key —
//!   and advances the cursor in the same transaction, so a crash either
//!   keeps both or neither.
//! - [`worker`]: claims due outbox rows with a lease (`FOR UPDATE SKIP
//!   LOCKED` on PostgreSQL, so several nodes share the queue), sends them
//!   through the [`transport`], records the outcome, retries transient
//!   failures with exponential backoff and jitter.
//! - [`digests`]: the daily jobs: expiry reminders and the daily digest.
//! - [`templates`], [`headers`], [`unsubscribe`]: what the mail says, the
//!   RFC 8058 headers, and the signed one-click unsubscribe link.
//!
//! The three run as [`crate::jobs`] (see [`Notifier::spawn`]).
//!
//! Delivery is at least once: see [`worker`] for the one window (after the
//! server's 250, before the row is marked SENT) in which a crash makes an
//! alert go out twice, and why every copy then carries the same
//! `Message-ID` and `X-Pactum-Alert`.

pub mod digests;
pub mod headers;
pub mod outbox;
pub mod smtp;
pub mod templates;
pub mod transport;
pub mod unsubscribe;
pub mod worker;

use std::{sync::Arc, time::Duration};

use lettre::message::Mailbox;
use sea_orm::DatabaseConnection;

use crate::{
    config::Config,
    domain::events::GapWatch,
    jobs::{Job, Jobs, Pace, wake::EventWake},
    metrics::Metrics,
};
use templates::Templates;
use transport::Mailer;
use unsubscribe::UnsubscribeKey;

/// Why alerts could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The mail transport could not be configured.
    #[error(transparent)]
    Mailer(#[from] transport::MailerError),
    /// A template does not parse.
    #[error(transparent)]
    Template(#[from] templates::TemplateError),
    /// `mail_from` is not a mailbox.
    #[error("mail_from is not an e-mail address: {0}")]
    From(String),
}

/// Everything the alert tasks share.
#[derive(Debug, Clone)]
pub struct Notifier {
    /// The database.
    pub db: DatabaseConnection,
    /// The configuration (intervals, `public_url`, SMTP).
    pub config: Arc<Config>,
    /// Where mail goes.
    pub mailer: Mailer,
    /// The mail templates.
    pub templates: Arc<Templates>,
    /// Signs unsubscribe links.
    pub key: UnsubscribeKey,
    /// Counters for `/metrics`.
    pub metrics: Metrics,
    /// The sender.
    pub from: Mailbox,
}

impl Notifier {
    /// Sets up the transport and templates from the configuration.
    pub fn new(
        db: DatabaseConnection,
        config: Arc<Config>,
        metrics: Metrics,
        key: UnsubscribeKey,
    ) -> Result<Self, NotifyError> {
        let from = config
            .sender()
            .map_err(|_| NotifyError::From(config.mail_from.clone()))?;
        Ok(Self {
            db,
            mailer: Mailer::from_config(&config)?,
            templates: Arc::new(Templates::new()?),
            key,
            metrics,
            from,
            config,
        })
    }

    /// The public base URL, without a trailing slash.
    pub fn public_url(&self) -> &str {
        self.config.public_url.trim_end_matches('/')
    }

    /// Starts the consumer, the worker (both draining their queues, then
    /// polling every `notify_poll_millis`; the consumer also woken by
    /// `wake` when new events commit) and the daily jobs (every
    /// `notify_daily_check_secs`).
    pub fn spawn(self, jobs: &mut Jobs, wake: Option<&EventWake>) {
        let poll = Duration::from_millis(self.config.notify_poll_millis.max(10));
        let daily = Duration::from_secs(self.config.notify_daily_check_secs.max(1));
        let consumer = AlertConsumer {
            notifier: self.clone(),
            gaps: GapWatch::default(),
        };
        jobs.spawn_woken(Pace::Drain(poll), wake, consumer);
        jobs.spawn(Pace::Drain(poll), MailWorker(self.clone()));
        jobs.spawn(Pace::Every(daily), DailyAlerts(self));
    }
}

/// Turns domain events into outbox rows ([`outbox::consume_batch`]).
struct AlertConsumer {
    notifier: Notifier,
    gaps: GapWatch,
}

impl Job for AlertConsumer {
    fn name(&self) -> &'static str {
        "alert consumer"
    }

    async fn round(&mut self) -> anyhow::Result<bool> {
        Ok(outbox::consume_batch(&self.notifier, &mut self.gaps).await? > 0)
    }
}

/// Sends due outbox rows ([`worker::send_batch`]).
struct MailWorker(Notifier);

impl Job for MailWorker {
    fn name(&self) -> &'static str {
        "mail worker"
    }

    async fn round(&mut self) -> anyhow::Result<bool> {
        Ok(worker::send_batch(&self.0).await? > 0)
    }
}

/// Expiry reminders and daily digests ([`digests::run_daily`]).
struct DailyAlerts(Notifier);

impl Job for DailyAlerts {
    fn name(&self) -> &'static str {
        "daily alerts"
    }

    async fn round(&mut self) -> anyhow::Result<bool> {
        digests::run_daily(&self.0, chrono::Utc::now()).await?;
        Ok(false)
    }
}

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
//! Delivery is at least once: see [`worker`] for the one window (after the
//! server's 250, before the row is marked SENT) in which a crash makes an
//! alert go out twice, and why every copy then carries the same
//! `Message-ID` and `X-Pactum-Alert`.

pub mod digests;
pub mod headers;
pub mod outbox;
pub mod templates;
pub mod transport;
pub mod unsubscribe;
pub mod worker;

use std::{sync::Arc, time::Duration};

use lettre::message::Mailbox;
use sea_orm::DatabaseConnection;
use tokio::{sync::watch, task::JoinHandle};

use crate::{config::Config, jobs::sleep_or_stop as wait, metrics::Metrics};
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
        let from: Mailbox = config
            .mail_from
            .parse()
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

    /// Starts the consumer, the worker and the daily jobs; each stops when
    /// `shutdown` turns true (the worker after finishing its batch).
    pub fn spawn(self, shutdown: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
        let poll = Duration::from_millis(self.config.notify_poll_millis.max(10));
        let daily = Duration::from_secs(self.config.notify_daily_check_secs.max(1));
        let consumer = {
            let notifier = self.clone();
            let mut shutdown = shutdown.clone();
            tokio::spawn(async move {
                let mut gaps = outbox::GapWatch::default();
                loop {
                    let idle = match outbox::consume_batch(&notifier, &mut gaps).await {
                        Ok(n) => n == 0,
                        Err(err) => {
                            tracing::error!(%err, "alert consumer failed; retrying");
                            true
                        }
                    };
                    if idle && wait(&mut shutdown, poll).await {
                        break;
                    }
                    if *shutdown.borrow() {
                        break;
                    }
                }
            })
        };
        let worker = {
            let notifier = self.clone();
            let mut shutdown = shutdown.clone();
            tokio::spawn(async move {
                loop {
                    let idle = match worker::send_batch(&notifier).await {
                        Ok(n) => n == 0,
                        Err(err) => {
                            tracing::error!(%err, "mail worker failed; retrying");
                            true
                        }
                    };
                    if idle && wait(&mut shutdown, poll).await {
                        break;
                    }
                    if *shutdown.borrow() {
                        break;
                    }
                }
            })
        };
        let jobs = {
            let notifier = self;
            let mut shutdown = shutdown;
            tokio::spawn(async move {
                loop {
                    if let Err(err) = digests::run_daily(&notifier, chrono::Utc::now()).await {
                        tracing::error!(%err, "daily alert jobs failed; retrying");
                    }
                    if wait(&mut shutdown, daily).await {
                        break;
                    }
                }
            })
        };
        vec![consumer, worker, jobs]
    }
}

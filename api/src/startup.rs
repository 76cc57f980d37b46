//! Building and running the application: connect, migrate, bind, serve until
//! told to stop. The listener is bound here so tests can ask for port 0.

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use sea_orm::{DatabaseConnection, DbErr};
use tokio::net::TcpListener;

use crate::{
    config::Config,
    db,
    graphql::build_schema,
    http::{RouterError, router},
    jobs::{
        Jobs, Pace, STOP_GRACE,
        audit_checkpoint::AuditCheckpoint,
        change_horizon::ChangeHorizon,
        expiry::AgreementExpiry,
        housekeeping::{Housekeeping, Schedule},
        stats_fold::StatsFold,
        text_extraction::TextExtraction,
        wake::{EventListener, EventWake},
    },
    metrics::Metrics,
    notify::{Notifier, unsubscribe::UnsubscribeKey},
    ratelimit::BudgetSweeper,
    state::AppState,
};

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// The listen address could not be bound.
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
    /// Metrics could not be registered.
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    /// The login set-up is invalid (provider URLs, HTTP client).
    #[error(transparent)]
    Auth(#[from] crate::auth::AuthSetupError),
    /// The router could not be built from the configuration.
    #[error(transparent)]
    Router(#[from] RouterError),
    /// The file storage could not be set up.
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
    /// Alerts could not be set up (mail transport, templates).
    #[error("alerts: {0}")]
    Notify(#[from] crate::notify::NotifyError),
    /// The unsubscribe key could not be read or made.
    #[error("unsubscribe key: {0}")]
    UnsubscribeKey(std::io::Error),
}

/// A migrated database and a bound listener, ready to serve.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    config: Arc<Config>,
    budgets: Arc<crate::ratelimit::Budgets>,
    db: DatabaseConnection,
    expiry_interval: Option<Duration>,
    checkpoint_interval: Option<Duration>,
    fold_interval: Option<Duration>,
    extraction: Option<(Duration, Arc<dyn crate::storage::Storage>)>,
    metrics: Metrics,
    housekeeping: Option<Schedule>,
    notifier: Option<Notifier>,
}

impl Application {
    /// Connects to the configured database, migrates it, and binds the
    /// listen address (port 0 picks a free port).
    pub async fn build(mut config: Config) -> Result<Self, StartupError> {
        let metrics = Metrics::new()?;
        let db = db::connect_migrated(&config, &metrics).await?;
        let listener = TcpListener::bind(config.listen).await?;
        if config.public_url.is_empty() {
            config.public_url = format!("http://{}", listener.local_addr()?);
        }
        let housekeeping = Schedule::from_config(&config);
        let expiry_interval = (config.expiry_interval_seconds > 0)
            .then(|| Duration::from_secs(config.expiry_interval_seconds));
        let checkpoint_interval = (config.audit_checkpoint_interval_seconds > 0)
            .then(|| Duration::from_secs(config.audit_checkpoint_interval_seconds));
        let fold_interval = (config.stats_fold_interval_milliseconds > 0)
            .then(|| Duration::from_millis(config.stats_fold_interval_milliseconds));
        let auth = crate::auth::AuthState::new(&config)?;
        let files = crate::storage::Files {
            storage: crate::storage::from_config(&config)?,
            max_upload_bytes: u64::try_from(config.max_upload_bytes).unwrap_or(u64::MAX),
            checks: Arc::new(tokio::sync::Semaphore::new(
                crate::storage::CONCURRENT_CHECKS,
            )),
        };
        let extraction = (config.text_extraction_interval_milliseconds > 0).then(|| {
            (
                Duration::from_millis(config.text_extraction_interval_milliseconds),
                Arc::clone(&files.storage),
            )
        });
        let notify_key = UnsubscribeKey::load(&config).map_err(StartupError::UnsubscribeKey)?;
        let config = Arc::new(config);
        let notifier = if config.notify_enabled {
            Some(Notifier::new(
                db.clone(),
                Arc::clone(&config),
                metrics.clone(),
                notify_key.clone(),
            )?)
        } else {
            None
        };
        let budgets = Arc::new(crate::ratelimit::Budgets::new(&config));
        let state = AppState {
            budgets: Arc::clone(&budgets),
            files,
            auth,
            schema: build_schema(&config),
            db: db.clone(),
            config,
            metrics: metrics.clone(),
            notify_key,
        };
        let state_config = Arc::clone(&state.config);
        let router = router(state)?;
        Ok(Self {
            listener,
            router,
            config: Arc::clone(&state_config),
            budgets,
            db,
            expiry_interval,
            checkpoint_interval,
            fold_interval,
            extraction,
            metrics,
            housekeeping,
            notifier,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> Result<SocketAddr, std::io::Error> {
        self.listener.local_addr()
    }

    /// The application's database pool (for seeding before serving).
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    /// Meanwhile the background jobs run (see [`crate::jobs`]): agreement
    /// expiry (once at start, then every `expiry_interval_seconds`, unless
    /// 0), audit checkpoints (every `audit_checkpoint_interval_seconds`,
    /// unless 0), the dashboard figures' fold (pausing
    /// `stats_fold_interval_milliseconds` when idle, unless 0), the text
    /// extraction of uploads (pausing `text_extraction_interval_milliseconds`
    /// when idle, unless 0), housekeeping (every `purge_interval_seconds`, unless 0), the
    /// budget sweeper, the change feed's horizon (pausing
    /// `change_horizon_interval_milliseconds` when idle, unless 0), and the alert consumer, mail worker and daily jobs
    /// unless `notify_enabled` is off. All stop with the server the same
    /// way: told, then awaited while they finish their round.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), std::io::Error> {
        let mut background = Jobs::new();
        if let Some(every) = self.expiry_interval {
            let expiry = AgreementExpiry {
                db: self.db.clone(),
            };
            background.spawn(Pace::Every(every), expiry);
        }
        if let Some(every) = self.checkpoint_interval {
            let checkpoint = AuditCheckpoint {
                db: self.db.clone(),
            };
            background.spawn(Pace::Every(every), checkpoint);
        }
        if let Some(pause) = self.fold_interval {
            let fold = StatsFold {
                db: self.db.clone(),
                metrics: self.metrics.clone(),
            };
            background.spawn(Pace::Drain(pause), fold);
        }
        if let Some((pause, storage)) = self.extraction {
            let job = TextExtraction {
                db: self.db.clone(),
                storage,
            };
            background.spawn(Pace::Drain(pause), job);
        }
        if let Some(schedule) = self.housekeeping {
            let job = Housekeeping {
                db: self.db.clone(),
                retention: schedule.retention,
            };
            background.spawn(schedule.pace(), job);
        }
        background.spawn(BudgetSweeper::PACE, BudgetSweeper(self.budgets));
        // On PostgreSQL the consumers of domain events are woken when any
        // node commits some (LISTEN), besides polling.
        let consumers =
            self.config.change_horizon_interval_milliseconds > 0 || self.notifier.is_some();
        let wake = EventWake::default();
        let listening = consumers
            && match EventListener::on(&self.db, wake.clone(), self.metrics.clone()) {
                Some(listener) => {
                    background.spawn(Pace::Drain(Duration::from_secs(1)), listener);
                    true
                }
                None => false,
            };
        let wake = listening.then_some(&wake);
        if self.config.change_horizon_interval_milliseconds > 0 {
            let pause = Duration::from_millis(self.config.change_horizon_interval_milliseconds);
            let grace = Duration::from_secs(self.config.notify_gap_grace_secs);
            let job = ChangeHorizon::new(self.db.clone(), grace);
            background.spawn_woken(Pace::Drain(pause), wake, job);
        }
        if let Some(notifier) = self.notifier {
            notifier.spawn(&mut background, wake);
        }
        let served =
            crate::http::serve::serve(self.listener, self.router, &self.config, shutdown).await;
        background.stop(STOP_GRACE).await;
        served
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

//! Building and running the application: connect, migrate, bind, serve until
//! told to stop. The listener is bound here so tests can ask for port 0.

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use migration::MigratorTrait;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::net::TcpListener;

use crate::{
    config::Config,
    db,
    domain::agreement_lifecycle,
    graphql::build_schema,
    http::{AppState, RouterError, router},
    metrics::Metrics,
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
}

/// A migrated database and a bound listener, ready to serve.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    db: DatabaseConnection,
    expiry_interval: Option<Duration>,
}

impl Application {
    /// Connects to the configured database, migrates it, and binds the
    /// listen address (port 0 picks a free port).
    pub async fn build(mut config: Config) -> Result<Self, StartupError> {
        let metrics = Metrics::new()?;
        let db = db::connect(&config, &metrics).await?;
        migration::Migrator::up(&db, None).await?;
        let listener = TcpListener::bind(config.listen).await?;
        if config.public_url.is_empty() {
            config.public_url = format!("http://{}", listener.local_addr()?);
        }
        let expiry_interval = (config.expiry_interval_seconds > 0)
            .then(|| Duration::from_secs(config.expiry_interval_seconds));
        let auth = crate::auth::AuthState::new(&config)?;
        let files = crate::storage::Files {
            storage: crate::storage::from_config(&config)?,
            max_upload_bytes: u64::try_from(config.max_upload_bytes).unwrap_or(u64::MAX),
        };
        let state = AppState {
            files,
            auth,
            schema: build_schema(&config),
            db: db.clone(),
            config: Arc::new(config),
            metrics,
        };
        let router = router(state)?;
        Ok(Self {
            listener,
            router,
            db,
            expiry_interval,
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
    /// Meanwhile a background task expires agreements past their end date
    /// (once at start, then every `expiry_interval_seconds`); it stops with
    /// the server.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), std::io::Error> {
        let expiry = self
            .expiry_interval
            .map(|every| tokio::spawn(agreement_lifecycle::run_expiry(self.db.clone(), every)));
        let served = axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await;
        if let Some(task) = expiry {
            task.abort();
        }
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

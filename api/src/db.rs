//! Opening the database: the SQLite default (file created on demand, WAL,
//! foreign keys on) or PostgreSQL, with every executed statement counted for
//! `/metrics`.

use std::time::Duration;

use migration::MigratorTrait;
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::{config::Config, metrics::Metrics};

/// How long a pooled connection may sit idle before it is pinged on its way
/// out of the pool. sqlx pings on every checkout by default: one more round
/// trip for each statement, and a nested read sends three or four. A
/// connection busy a moment ago is alive; one idle this long may have been
/// dropped by the server, a proxy or a firewall.
const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// Connects to the configured database and hooks the statement counter.
pub async fn connect(config: &Config, metrics: &Metrics) -> Result<DatabaseConnection, DbErr> {
    let url = config.database_url();
    if let Some(dir) = sqlite_file(&url).and_then(|path| std::path::Path::new(path).parent())
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(config.pool_size())
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .test_before_acquire_if_idle_for(PING_AFTER_IDLE)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    let mut db = Database::connect(options).await?;
    let counter = metrics.db_statements.clone();
    db.set_metric_callback(move |_info| counter.inc());
    Ok(db)
}

/// [`connect`], then brings the schema up to date: what every command that
/// uses the database does first (migrations are idempotent and run in a
/// transaction each, so concurrent starts are safe).
pub async fn connect_migrated(
    config: &Config,
    metrics: &Metrics,
) -> Result<DatabaseConnection, DbErr> {
    let db = connect(config, metrics).await?;
    migrate(&db).await?;
    Ok(db)
}

/// Applies the pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    migration::Migrator::up(db, None).await
}

/// The file path of a `sqlite://` URL, if it names a file.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;

    #[test]
    fn finds_the_file_of_a_sqlite_url() {
        assert_eq!(
            sqlite_file("sqlite://data/pactum.db?mode=rwc"),
            Some("data/pactum.db")
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x"), None);
    }
}

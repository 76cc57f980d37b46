//! One typed configuration, loaded once at start-up from defaults, an optional
//! TOML file and `PACTUM_*` environment variables (in that order of
//! precedence), then passed down. Nothing else reads the environment.

use std::{net::SocketAddr, path::PathBuf};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};

/// How the server presents itself to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Safe for the public internet: no "did you mean" suggestions in errors.
    Production,
    /// Friendlier errors for local work.
    Development,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Every setting of the server. Each field names its environment variable.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `PACTUM_DATA_DIR`: where the default SQLite database lives.
    pub data_dir: PathBuf,
    /// `PACTUM_DATABASE_URL`: `sqlite://...` or `postgres://...`; empty means
    /// `sqlite://{data_dir}/pactum.db?mode=rwc`.
    pub database_url: String,
    /// `PACTUM_DATABASE_MAX_CONNECTIONS`: connection pool size.
    pub database_max_connections: u32,
    /// `PACTUM_LISTEN`: address the HTTP server binds.
    pub listen: SocketAddr,
    /// `PACTUM_PUBLIC_URL`: the URL clients use to reach this server.
    pub public_url: String,
    /// `PACTUM_MODE`: `production` (default) or `development`.
    pub mode: Mode,
    /// `PACTUM_INTROSPECTION`: whether the schema can be introspected.
    pub introspection: bool,
    /// `PACTUM_CORS_ALLOWED_ORIGINS`: origins allowed to call the API from a
    /// browser, e.g. `["https://dashboard.example.ro"]`. Empty: none.
    pub cors_allowed_origins: Vec<String>,
    /// `PACTUM_DEFAULT_PAGE_SIZE`: page size when neither `first` nor `last`
    /// is given.
    pub default_page_size: u32,
    /// `PACTUM_MAX_PAGE_SIZE`: the largest `first`/`last` accepted (≤ 100).
    pub max_page_size: u32,
    /// `PACTUM_MAX_DEPTH`: deepest selection set accepted.
    pub max_depth: usize,
    /// `PACTUM_MAX_COMPLEXITY`: largest query cost accepted (lists weigh
    /// their page size times their children).
    pub max_complexity: usize,
    /// `PACTUM_MAX_ALIASES`: most aliases one document may use.
    pub max_aliases: usize,
    /// `PACTUM_MAX_BATCH_SIZE`: most operations in one batched request.
    pub max_batch_size: usize,
    /// `PACTUM_MAX_BODY_BYTES`: largest request body accepted.
    pub max_body_bytes: usize,
    /// `PACTUM_LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `PACTUM_DATALOADER_DELAY_MICROS`: how long a DataLoader waits for
    /// sibling lookups before sending one batched query. Too short and a
    /// large list level may be split over several statements; too long and
    /// every nested level waits for nothing.
    pub dataloader_delay_micros: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            database_url: String::new(),
            database_max_connections: 10,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: "http://127.0.0.1:8080".to_owned(),
            mode: Mode::Production,
            introspection: true,
            cors_allowed_origins: Vec::new(),
            default_page_size: 20,
            max_page_size: 100,
            max_depth: 12,
            max_complexity: 50_000,
            max_aliases: 30,
            max_batch_size: 10,
            max_body_bytes: 256 * 1024,
            log_format: LogFormat::Text,
            dataloader_delay_micros: 1_000,
        }
    }
}

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file or variable has a value of the wrong shape.
    #[error("invalid configuration: {0}")]
    Invalid(#[from] Box<figment::Error>),
    /// Values parse but make no sense together.
    #[error("invalid configuration: {0}")]
    Inconsistent(String),
}

impl Config {
    /// Loads defaults, then `file` (TOML) if given, then `PACTUM_*` variables.
    pub fn load(file: Option<&std::path::Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            figment = figment.merge(Toml::file_exact(path));
        }
        let config: Config = figment
            .merge(Env::prefixed("PACTUM_").ignore(&["CONFIG", "LOG", "TEST_POSTGRES_URL"]))
            .extract()
            .map_err(Box::new)?;
        config.validated()
    }

    /// Checks values that parse but make no sense.
    pub fn validated(self) -> Result<Self, ConfigError> {
        if self.max_page_size == 0 || self.max_page_size > 100 {
            return Err(ConfigError::Inconsistent(
                "max_page_size must be 1..=100".into(),
            ));
        }
        if self.default_page_size == 0 || self.default_page_size > self.max_page_size {
            return Err(ConfigError::Inconsistent(
                "default_page_size must be 1..=max_page_size".into(),
            ));
        }
        if self.max_batch_size == 0 {
            return Err(ConfigError::Inconsistent(
                "max_batch_size must be at least 1".into(),
            ));
        }
        Ok(self)
    }

    /// The database URL, with the SQLite default filled in.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}/pactum.db?mode=rwc", self.data_dir.display())
        } else {
            self.database_url.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_run_on_sqlite_in_the_data_directory() {
        let config = Config::default().validated().unwrap_or_default();
        assert_eq!(config.database_url(), "sqlite://data/pactum.db?mode=rwc");
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn refuses_page_sizes_over_one_hundred() {
        let config = Config {
            max_page_size: 500,
            ..Config::default()
        };
        assert!(config.validated().is_err());
    }
}

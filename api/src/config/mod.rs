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

/// Where uploaded files are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    /// A local directory (`files_dir`): one node, nothing else to run.
    Local,
    /// An S3-compatible bucket (`s3_*`): shared by several API nodes.
    S3,
}

/// Every setting of the server. Each field names its environment variable.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `PACTUM_DATA_DIR`: where the default SQLite database lives.
    pub data_dir: PathBuf,
    /// `PACTUM_DATABASE_URL`: `sqlite://...` or `postgres://...`; empty means
    /// `sqlite://{data_dir}/pactum.db?mode=rwc`. Its password never prints.
    pub database_url: DatabaseUrl,
    /// `PACTUM_DATABASE_MAX_CONNECTIONS`: connection pool size; unset: 4
    /// on SQLite (one writer, and each connection keeps its own page cache
    /// and worker thread: 4 served the bench faster than 10 and in 111
    /// instead of 146 MB), 10 on PostgreSQL. See [`Config::pool_size`].
    pub database_max_connections: Option<u32>,
    /// `PACTUM_LISTEN`: address the HTTP server binds.
    pub listen: SocketAddr,
    /// `PACTUM_PUBLIC_URL`: the URL browsers use to reach this server (OAuth
    /// callbacks and cookies are built from it). Empty: `http://` + the
    /// bound address.
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
    /// `PACTUM_AUTH_PROVIDERS`: the identity providers users log in with
    /// (best written in the TOML file as `[[auth_providers]]` tables).
    pub auth_providers: Vec<ProviderConfig>,
    /// `PACTUM_SESSION_IDLE_MINUTES`: a session unused this long ends.
    pub session_idle_minutes: u32,
    /// `PACTUM_SESSION_MAX_DAYS`: no session lives longer than this.
    pub session_max_days: u32,
    /// `PACTUM_ACTOR_CACHE_SECONDS`: how long a node reuses who a session
    /// or API token stands for without asking the database (0: never).
    /// Any write committed on the node clears it at once; on other nodes a
    /// revocation or membership change takes effect within this time.
    pub actor_cache_seconds: u64,
    /// `PACTUM_EXPIRY_INTERVAL_SECONDS`: how often the server marks ACTIVE
    /// agreements past their end date EXPIRED (also once at start); 0
    /// turns the job off on this node.
    pub expiry_interval_seconds: u64,
    /// `PACTUM_AUDIT_CHECKPOINT_INTERVAL_SECONDS`: how often the server
    /// records the audit chains' heads that moved in a checkpoint; 0 turns
    /// the job off on this node.
    pub audit_checkpoint_interval_seconds: u64,
    /// `PACTUM_STATS_FOLD_INTERVAL_MILLISECONDS`: how long the fold job
    /// pauses once it finds no changed record to fold into the dashboard
    /// figures (it folds back to back while it finds some); 0 turns it off
    /// on this node. Reads are exact either way; unfolded changes make them
    /// slower.
    pub stats_fold_interval_milliseconds: u64,
    /// `PACTUM_CHANGE_HORIZON_INTERVAL_MILLISECONDS`: how long the job that
    /// moves the change feed's horizon over newly committed events pauses
    /// once it finds none; 0 turns it off on this node (the feed then
    /// serves what other nodes' jobs let through). A missing event id is
    /// waited for `notify_gap_grace_secs`, as by the alert consumer.
    pub change_horizon_interval_milliseconds: u64,
    /// `PACTUM_TEXT_EXTRACTION_INTERVAL_MILLISECONDS`: how long the job that
    /// reads uploaded files' text for search pauses once no file waits (it
    /// reads back to back while some do); 0 turns it off on this node.
    pub text_extraction_interval_milliseconds: u64,
    /// `PACTUM_OPEN_DATA_LICENSE_NAME`: the licence identifier the open
    /// data package (`/open-data/datapackage.json`) is published under.
    pub open_data_license_name: String,
    /// `PACTUM_OPEN_DATA_LICENSE_TITLE`: that licence's title.
    pub open_data_license_title: String,
    /// `PACTUM_OPEN_DATA_LICENSE_URL`: where that licence's text is.
    pub open_data_license_url: String,
    /// `PACTUM_MAX_UPLOAD_BYTES`: largest file accepted by an upload
    /// (`multipart/form-data` requests may be this much larger than
    /// `max_body_bytes`; every other request keeps `max_body_bytes`).
    pub max_upload_bytes: usize,
    /// `PACTUM_STORAGE`: `local` (default) or `s3`.
    pub storage: StorageKind,
    /// `PACTUM_FILES_DIR`: the directory of local storage; empty means
    /// `{data_dir}/files`.
    pub files_dir: String,
    /// `PACTUM_S3_BUCKET`: the bucket (required for `storage = "s3"`).
    pub s3_bucket: Option<String>,
    /// `PACTUM_S3_ENDPOINT`: the endpoint of an S3-compatible server
    /// (MinIO, Garage, ...); empty means AWS.
    pub s3_endpoint: Option<String>,
    /// `PACTUM_S3_REGION`: the region (default `us-east-1`).
    pub s3_region: Option<String>,
    /// `PACTUM_S3_ACCESS_KEY_ID`: the access key; empty means the usual AWS
    /// sources (environment, instance profile).
    pub s3_access_key_id: Option<String>,
    /// `PACTUM_S3_SECRET_ACCESS_KEY`: the secret key (never logged).
    #[serde(skip_serializing)]
    pub s3_secret_access_key: Option<Secret>,
    /// `PACTUM_S3_ALLOW_HTTP`: allow a plain-http endpoint (local tests).
    pub s3_allow_http: bool,
    /// `PACTUM_NOTIFY_ENABLED`: run the alert consumer, the mail worker and
    /// the daily jobs in this process (switch off on nodes that only serve).
    pub notify_enabled: bool,
    /// `PACTUM_NOTIFY_POLL_MILLIS`: how long the consumer and the worker
    /// sleep when they found nothing to do.
    pub notify_poll_millis: u64,
    /// `PACTUM_NOTIFY_BATCH_SIZE`: events read, or mails claimed, at once.
    pub notify_batch_size: u32,
    /// `PACTUM_NOTIFY_MAX_ATTEMPTS`: a mail failing transiently this many
    /// times is marked FAILED (a permanent 5xx refusal fails at once).
    pub notify_max_attempts: u32,
    /// `PACTUM_NOTIFY_BACKOFF_MILLIS`: the first retry's delay; doubled at
    /// each attempt, with ±50 % jitter.
    pub notify_backoff_millis: u64,
    /// `PACTUM_NOTIFY_BACKOFF_MAX_SECS`: the longest delay between retries.
    pub notify_backoff_max_secs: u64,
    /// `PACTUM_NOTIFY_LEASE_SECS`: how long a claimed mail stays reserved
    /// for the worker that claimed it; after that (the worker died) another
    /// may send it.
    pub notify_lease_secs: u64,
    /// `PACTUM_NOTIFY_GAP_GRACE_SECS`: how long the consumer waits for a
    /// missing event id (a transaction still running on PostgreSQL) before
    /// taking it for a rolled-back one and reading past it.
    pub notify_gap_grace_secs: u64,
    /// `PACTUM_NOTIFY_DAILY_CHECK_SECS`: how often the daily jobs (expiry
    /// reminders, digests) look for work; they are idempotent.
    pub notify_daily_check_secs: u64,
    /// `PACTUM_DIGEST_HOUR_UTC`: the hour (UTC) daily digests go out.
    pub digest_hour_utc: u32,
    /// `PACTUM_MAIL_FROM`: the sender of alerts, e.g.
    /// `Pactum <alerte@pactum.example.ro>`.
    pub mail_from: String,
    /// `PACTUM_SMTP_HOST`: the SMTP server; empty: mail is written as
    /// `.eml` files to `{data_dir}/mail`.
    pub smtp_host: String,
    /// `PACTUM_SMTP_PORT`: 0 picks the usual port for `smtp_tls` (25, 587,
    /// 465).
    pub smtp_port: u16,
    /// `PACTUM_SMTP_TLS`: `none`, `starttls` (required) or `tls` (implicit).
    pub smtp_tls: SmtpTls,
    /// `PACTUM_SMTP_TLS_ROOT_CERTIFICATE`: a PEM file of a CA to trust for
    /// the SMTP server besides the public roots (an internal relay); empty:
    /// the public roots only.
    pub smtp_tls_root_certificate: String,
    /// `PACTUM_SMTP_USERNAME`: empty: no authentication.
    pub smtp_username: String,
    /// `PACTUM_SMTP_PASSWORD`.
    #[serde(skip_serializing)]
    pub smtp_password: Secret,
    /// `PACTUM_SMTP_POOL_SIZE`: SMTP connections kept open and used at once.
    pub smtp_pool_size: u32,
    /// `PACTUM_SMTP_TCP_NODELAY`: `TCP_NODELAY` on SMTP sockets. On by
    /// default: with Nagle's algorithm one connection manages about 20
    /// mails a second (`notify::smtp`); off only to measure what it buys
    /// (`bench/alerts --nodelay "on off"`).
    pub smtp_tcp_nodelay: bool,
    /// `PACTUM_SMTP_TIMEOUT_SECS`: per SMTP command.
    pub smtp_timeout_secs: u64,
    /// `PACTUM_LINKS_BASE_URL`: where the record links of alert mails lead,
    /// for a deployment with a frontend of its own; empty: `public_url`,
    /// Pactum's own record pages.
    pub links_base_url: String,
    /// `PACTUM_LINKS_AGREEMENT_PATH`: an agreement's path under
    /// `links_base_url`, `{id}` its global ID (`/agreements/{id}`).
    pub links_agreement_path: String,
    /// `PACTUM_LINKS_DOCUMENT_PATH`: a document's (`/documents/{id}`).
    pub links_document_path: String,
    /// `PACTUM_LINKS_ACTIVITY_PATH`: an activity's (`/activities/{id}`).
    pub links_activity_path: String,
    /// `PACTUM_UNSUBSCRIBE_SECRET`: the HMAC key of unsubscribe links; empty:
    /// a random key kept in `{data_dir}/unsubscribe.key` (made on first
    /// start). Nodes sharing a database must share it.
    #[serde(skip_serializing)]
    pub unsubscribe_secret: Secret,
    /// `PACTUM_MAX_TOKENS`: most lexical tokens one GraphQL document may
    /// have; counted before parsing, so a huge document costs no parse.
    pub max_tokens: usize,
    /// `PACTUM_MAX_NESTING`: deepest nesting of `{`, `[` and `(` in a
    /// document (selections, arguments and value literals together),
    /// checked before parsing: the parser recurses once per level.
    pub max_nesting: usize,
    /// `PACTUM_RATE_LIMIT_ENABLED`: charge every request to a budget (per
    /// client IP when anonymous, per session or API token otherwise).
    pub rate_limit_enabled: bool,
    /// `PACTUM_RATE_LIMIT_ANONYMOUS_BURST`: the budget of one anonymous
    /// client IP, in cost points (a query costs its complexity, at least 1).
    pub rate_limit_anonymous_burst: u32,
    /// `PACTUM_RATE_LIMIT_ANONYMOUS_PER_SECOND`: points given back to an
    /// anonymous client IP per second.
    pub rate_limit_anonymous_per_second: u32,
    /// `PACTUM_RATE_LIMIT_AUTHENTICATED_BURST`: the budget of one session or
    /// API token, in cost points.
    pub rate_limit_authenticated_burst: u32,
    /// `PACTUM_RATE_LIMIT_AUTHENTICATED_PER_SECOND`: points given back to a
    /// session or API token per second.
    pub rate_limit_authenticated_per_second: u32,
    /// `PACTUM_RATE_LIMIT_LOGIN_PER_MINUTE`: requests to `/auth/*` one
    /// client IP may make per minute (also its burst).
    pub rate_limit_login_per_minute: u32,
    /// `PACTUM_RATE_LIMIT_DOWNLOAD_COST`: points one `/files/*` download
    /// costs.
    pub rate_limit_download_cost: u32,
    /// `PACTUM_TRUSTED_PROXIES`: addresses or networks of reverse proxies
    /// (e.g. `["10.0.0.0/8"]`) whose `client_ip_header` is believed. Empty:
    /// the client IP is the peer address, whatever headers say.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `PACTUM_CLIENT_IP_HEADER`: the header a trusted proxy puts the client
    /// address in (`x-forwarded-for`, `x-real-ip`, ...).
    pub client_ip_header: String,
    /// `PACTUM_PURGE_INTERVAL_SECONDS`: how often expired sessions, login
    /// attempts and old invitations are deleted (also once at start); 0
    /// turns the job off on this node.
    pub purge_interval_seconds: u64,
    /// `PACTUM_PURGE_RETENTION_DAYS`: how long used, revoked or expired
    /// invitations stay listed before they are deleted.
    pub purge_retention_days: u32,
    /// `PACTUM_HEADER_TIMEOUT_SECONDS`: a connection that has not sent a
    /// request's headers this long after it opened (or after the previous
    /// response) is closed.
    pub header_timeout_seconds: u64,
    /// `PACTUM_BODY_IDLE_TIMEOUT_SECONDS`: a request body that sends
    /// nothing for this long is answered 408.
    pub body_idle_timeout_seconds: u64,
    /// `PACTUM_MAX_CONNECTIONS`: open connections this node accepts; more
    /// are closed at once.
    pub max_connections: usize,
    /// `PACTUM_MAX_CONNECTIONS_PER_IP`: open connections one client address
    /// (IPv6 by /64) may hold; trusted proxies are exempt.
    pub max_connections_per_ip: usize,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text (a local relay or a test sink).
    None,
    /// STARTTLS, required.
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
}

/// A secret setting: `secrecy` keeps it out of `Debug` output and logs;
/// the one place that uses it calls `expose_secret()`.
pub type Secret = secrecy::SecretString;

/// A database URL. It may carry a password, so `Debug` prints it with the
/// password replaced.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Wraps a URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL with its password, for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether no URL was set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match url::Url::parse(&self.0) {
            Ok(mut url) => {
                if url.password().is_some() {
                    let _ = url.set_password(Some("[REDACTED]"));
                }
                // sqlx also takes `?password=…` (and `sslpassword`).
                let pairs: Vec<(String, String)> = url
                    .query_pairs()
                    .map(|(k, v)| {
                        let hidden = k.to_ascii_lowercase().contains("pass");
                        (
                            k.into_owned(),
                            if hidden {
                                "[REDACTED]".into()
                            } else {
                                v.into_owned()
                            },
                        )
                    })
                    .collect();
                if !pairs.is_empty() {
                    url.query_pairs_mut().clear().extend_pairs(pairs);
                }
                write!(f, "{:?}", url.as_str())
            }
            Err(_) if self.0.is_empty() => f.write_str("\"\""),
            Err(_) => f.write_str("[unparsable URL, REDACTED]"),
        }
    }
}

/// How a provider is spoken to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// OpenID Connect: discovery from the issuer, a verified `id_token`.
    Oidc,
    /// Plain OAuth 2.0: explicit endpoints, identity from `userinfo_url`.
    Oauth2,
}

/// One identity provider.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// Short stable id used in URLs and stored with identities
    /// (`/auth/login/{id}`); lower-case letters, digits and dashes.
    pub id: String,
    /// Name shown on the login page.
    pub name: String,
    /// `oidc` or `oauth2`.
    pub kind: ProviderKind,
    /// OIDC: the issuer URL (discovery document at
    /// `{issuer}/.well-known/openid-configuration`).
    #[serde(default)]
    pub issuer: Option<String>,
    /// OAuth 2.0: the authorization endpoint.
    #[serde(default)]
    pub authorize_url: Option<String>,
    /// OAuth 2.0: the token endpoint.
    #[serde(default)]
    pub token_url: Option<String>,
    /// OAuth 2.0: the endpoint returning the user's `sub`/`id`, `email`,
    /// `email_verified` and `name` as JSON.
    #[serde(default)]
    pub userinfo_url: Option<String>,
    /// The client id registered at the provider.
    pub client_id: String,
    /// The client secret, if the client is confidential (never printed).
    #[serde(default, skip_serializing)]
    pub client_secret: Option<Secret>,
    /// Scopes to ask for; empty: `openid email profile` (OIDC) or none.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// OAuth 2.0: count the user-info e-mail as verified even without an
    /// `email_verified: true` (only for providers known to verify).
    #[serde(default)]
    pub trust_email: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            database_url: DatabaseUrl::default(),
            database_max_connections: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: String::new(),
            links_base_url: String::new(),
            links_agreement_path: "/agreements/{id}".into(),
            links_document_path: "/documents/{id}".into(),
            links_activity_path: "/activities/{id}".into(),
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
            auth_providers: Vec::new(),
            session_idle_minutes: 7 * 24 * 60,
            actor_cache_seconds: 5,
            session_max_days: 30,
            expiry_interval_seconds: 3600,
            audit_checkpoint_interval_seconds: 600,
            stats_fold_interval_milliseconds: 500,
            change_horizon_interval_milliseconds: 250,
            text_extraction_interval_milliseconds: 1000,
            open_data_license_name: "OGL-ROU-1.0".into(),
            open_data_license_title:
                "Licența pentru o guvernare deschisă, v1.0 (Open Government Licence Romania 1.0)"
                    .into(),
            open_data_license_url: "https://data.gov.ro/base/images/logoinst/OGL-ROU-1.0.pdf"
                .into(),
            max_upload_bytes: 50 * 1024 * 1024,
            storage: StorageKind::Local,
            files_dir: String::new(),
            s3_bucket: None,
            s3_endpoint: None,
            s3_region: None,
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_allow_http: false,
            notify_enabled: true,
            notify_poll_millis: 500,
            notify_batch_size: 100,
            notify_max_attempts: 8,
            notify_backoff_millis: 2_000,
            notify_backoff_max_secs: 3_600,
            notify_lease_secs: 120,
            notify_gap_grace_secs: 10,
            notify_daily_check_secs: 300,
            digest_hour_utc: 6,
            mail_from: "Pactum <alerte@pactum.localhost>".into(),
            smtp_host: String::new(),
            smtp_port: 0,
            smtp_tls: SmtpTls::Starttls,
            smtp_tls_root_certificate: String::new(),
            smtp_username: String::new(),
            smtp_password: Secret::default(),
            smtp_pool_size: 8,
            smtp_tcp_nodelay: true,
            smtp_timeout_secs: 30,
            unsubscribe_secret: Secret::default(),
            max_tokens: 5_000,
            max_nesting: 32,
            rate_limit_enabled: true,
            rate_limit_anonymous_burst: 50_000,
            rate_limit_anonymous_per_second: 1_000,
            rate_limit_authenticated_burst: 100_000,
            rate_limit_authenticated_per_second: 2_000,
            rate_limit_login_per_minute: 30,
            rate_limit_download_cost: 10,
            trusted_proxies: Vec::new(),
            client_ip_header: "x-forwarded-for".into(),
            purge_interval_seconds: 3_600,
            purge_retention_days: 30,
            header_timeout_seconds: 20,
            body_idle_timeout_seconds: 30,
            max_connections: 4_096,
            max_connections_per_ip: 128,
        }
    }
}

/// The records alert mails link to ([`Config::record_link`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkTarget {
    /// An agreement.
    Agreement,
    /// A document.
    Document,
    /// An activity.
    Activity,
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
    /// `mail_from` as a mailbox: the one place it is parsed (checked at
    /// load, used by the mailer).
    pub fn sender(&self) -> Result<lettre::message::Mailbox, ConfigError> {
        self.mail_from.parse().map_err(|_| {
            ConfigError::Inconsistent(format!(
                "mail_from `{}` is not an e-mail address",
                self.mail_from
            ))
        })
    }

    /// Loads defaults, then `file` (TOML) if given, then `PACTUM_*` variables.
    pub fn load(file: Option<&std::path::Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            figment = figment.merge(Toml::file_exact(path));
        }
        let config: Config = figment
            .merge(Env::prefixed("PACTUM_").ignore(&[
                "CONFIG",
                "LOG",
                "TEST_POSTGRES_URL",
                "TEST_SKIP_POSTGRES",
            ]))
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
        if self.session_idle_minutes == 0 || self.session_max_days == 0 {
            return Err(ConfigError::Inconsistent(
                "session lifetimes must be positive".into(),
            ));
        }
        if self.max_upload_bytes == 0 {
            return Err(ConfigError::Inconsistent(
                "max_upload_bytes must be at least 1".into(),
            ));
        }
        if self.storage == StorageKind::S3 && self.s3_bucket.as_deref().is_none_or(str::is_empty) {
            return Err(ConfigError::Inconsistent(
                "storage = \"s3\" needs s3_bucket".into(),
            ));
        }
        if self.notify_batch_size == 0 || self.smtp_pool_size == 0 || self.notify_max_attempts == 0
        {
            return Err(ConfigError::Inconsistent(
                "notify_batch_size, smtp_pool_size and notify_max_attempts must be positive".into(),
            ));
        }
        if self.open_data_license_name.trim().is_empty() {
            return Err(ConfigError::Inconsistent(
                "open_data_license_name must name the licence of the open data".into(),
            ));
        }
        if self.digest_hour_utc > 23 {
            return Err(ConfigError::Inconsistent(
                "digest_hour_utc must be 0..=23".into(),
            ));
        }
        self.sender()?;
        self.check_links()?;
        if self.header_timeout_seconds == 0
            || self.body_idle_timeout_seconds == 0
            || self.max_connections == 0
            || self.max_connections_per_ip == 0
        {
            return Err(ConfigError::Inconsistent(
                "header and body timeouts and connection limits must be positive".into(),
            ));
        }
        if self.max_tokens == 0 || self.max_nesting == 0 {
            return Err(ConfigError::Inconsistent(
                "max_tokens and max_nesting must be positive".into(),
            ));
        }
        if self.rate_limit_enabled {
            let smallest = self
                .rate_limit_anonymous_burst
                .min(self.rate_limit_authenticated_burst);
            if (smallest as usize) < self.max_complexity.max(1)
                || self.rate_limit_anonymous_per_second == 0
                || self.rate_limit_authenticated_per_second == 0
                || self.rate_limit_login_per_minute == 0
            {
                return Err(ConfigError::Inconsistent(format!(
                    "rate limits: each burst must be at least max_complexity ({}) so that any accepted query can be paid for, and every rate must be positive",
                    self.max_complexity
                )));
            }
        }
        let mut ids = std::collections::HashSet::new();
        for p in &self.auth_providers {
            let id_ok = !p.id.is_empty()
                && p.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !id_ok || !ids.insert(p.id.as_str()) {
                return Err(ConfigError::Inconsistent(format!(
                    "provider id `{}` must be unique and made of a-z, 0-9 and -",
                    p.id
                )));
            }
            let complete = match p.kind {
                ProviderKind::Oidc => p.issuer.is_some(),
                ProviderKind::Oauth2 => {
                    p.authorize_url.is_some() && p.token_url.is_some() && p.userinfo_url.is_some()
                }
            };
            if !complete {
                return Err(ConfigError::Inconsistent(format!(
                    "provider `{}`: oidc needs `issuer`; oauth2 needs `authorize_url`, `token_url` and `userinfo_url`",
                    p.id
                )));
            }
        }
        Ok(self)
    }

    /// Checks the link targets: an absolute http(s) base, and paths that
    /// start with `/` and hold `{id}` once (and no other braces).
    fn check_links(&self) -> Result<(), ConfigError> {
        if !self.links_base_url.is_empty() {
            let fine = url::Url::parse(&self.links_base_url).is_ok_and(|u| {
                matches!(u.scheme(), "http" | "https")
                    && u.has_host()
                    && u.query().is_none()
                    && u.fragment().is_none()
            });
            if !fine {
                return Err(ConfigError::Inconsistent(format!(
                    "links_base_url `{}` must be an http(s) URL without query or fragment",
                    self.links_base_url
                )));
            }
        }
        for (name, path) in [
            ("links_agreement_path", &self.links_agreement_path),
            ("links_document_path", &self.links_document_path),
            ("links_activity_path", &self.links_activity_path),
        ] {
            let fine = path.starts_with('/')
                && path.matches("{id}").count() == 1
                && path.replace("{id}", "").chars().all(|c| {
                    c.is_ascii_graphic() && c != '{' && c != '}' && c != '"' && c != '<' && c != '>'
                });
            if !fine {
                return Err(ConfigError::Inconsistent(format!(
                    "{name} `{path}` must start with `/`, hold `{{id}}` once and no spaces or other braces"
                )));
            }
        }
        Ok(())
    }

    /// Where an alert's link to a record of `target` leads.
    pub fn record_link(&self, target: LinkTarget, id: &str) -> String {
        let base = if self.links_base_url.is_empty() {
            &self.public_url
        } else {
            &self.links_base_url
        };
        let path = match target {
            LinkTarget::Agreement => &self.links_agreement_path,
            LinkTarget::Document => &self.links_document_path,
            LinkTarget::Activity => &self.links_activity_path,
        };
        format!("{}{}", base.trim_end_matches('/'), path.replace("{id}", id))
    }

    /// The directory of local file storage, with the default filled in.
    pub fn files_dir(&self) -> PathBuf {
        if self.files_dir.is_empty() {
            self.data_dir.join("files")
        } else {
            PathBuf::from(&self.files_dir)
        }
    }

    /// The connection pool's size: the configured one, else the default of
    /// the database in use.
    pub fn pool_size(&self) -> u32 {
        self.database_max_connections
            .unwrap_or(if self.database_url().starts_with("sqlite:") {
                4
            } else {
                10
            })
    }

    /// The database URL (with its password), the SQLite default filled in.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}/pactum.db?mode=rwc", self.data_dir.display())
        } else {
            self.database_url.expose().to_owned()
        }
    }
}

#[cfg(test)]
mod tests;

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "the harness fails the test loudly when its set-up breaks"
)]

//! Test harness: [`TestApp`] spawns the real Pactum server on a random port
//! with a fresh database (a SQLite file, or a new PostgreSQL database when
//! `PACTUM_TEST_POSTGRES_URL` is set) and returns a client that speaks
//! GraphQL over HTTP, the way a user would. [`fixtures`] inserts records
//! directly, for the reads under test (the write API comes later).

pub mod accounts;
pub mod fixtures;
pub mod mail;
pub mod peers;
pub mod s3;
pub mod samples;
pub mod served;
pub mod smtp;

use std::path::PathBuf;

use pactum::{config::Config, startup::Application};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// A running server with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// A plain HTTP client.
    pub client: reqwest::Client,
    /// A connection to the same database, for fixtures.
    pub db: DatabaseConnection,
    /// Which database this app runs on.
    pub backend: Backend,
    /// The database's URL (for running the CLI against it).
    pub database_url: String,
    /// A Bearer secret [`TestApp::query`] and [`TestApp::data`] send, when a
    /// test acts as someone throughout (anonymous when `None`).
    pub bearer: Option<String>,
    /// This server's local file storage (a fresh temp directory, removed
    /// with the app).
    pub files_dir: PathBuf,
    /// The server's data directory (a fresh temporary one).
    pub data_dir: PathBuf,
    /// The configuration the server was started with.
    pub config: Config,
    shutdown: Option<oneshot::Sender<()>>,
    sqlite_file: Option<PathBuf>,
}

/// The database kind a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A fresh SQLite file.
    Sqlite,
    /// A fresh PostgreSQL database.
    Postgres,
}

impl TestApp {
    /// A server on an empty (migrated) database with the default config.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// A server on an empty database, with `tweak` applied to the config.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let (database_url, backend, sqlite_file) = fresh_database().await;
        let files_dir = std::env::temp_dir()
            .join("pactum-tests")
            .join(format!("files-{}", uuid::Uuid::new_v4().simple()));
        let data_dir = std::env::temp_dir()
            .join("pactum-tests")
            .join(format!("data-{}", uuid::Uuid::new_v4().simple()));
        let mut config = Config {
            database_url: pactum::config::DatabaseUrl::new(database_url.clone()),
            files_dir: files_dir.display().to_string(),
            listen: "127.0.0.1:0".parse().expect("loopback address"),
            database_max_connections: Some(5),
            // The expiry job would race the fixtures a test inserts (many
            // are ACTIVE with past end dates); the tests that are about it
            // turn it on.
            expiry_interval_seconds: 0,
            audit_checkpoint_interval_seconds: 0,
            // The stats tests fold at moments of their choosing (and one
            // runs the job); elsewhere reads correct for unfolded changes.
            stats_fold_interval_milliseconds: 0,
            // Its polling would add to the statement counts too: the change
            // feed tests turn it on.
            change_horizon_interval_milliseconds: 0,
            // Off like the fold: its polling would add to the statement
            // counts; the tests of search inside files turn it on.
            text_extraction_interval_milliseconds: 0,
            data_dir: data_dir.clone(),
            // Background alert tasks would add SQL statements to the counters
            // other tests measure: the alert tests turn them on.
            notify_enabled: false,
            // Housekeeping would delete the expired sessions and login
            // attempts some tests insert on purpose; its own test turns it on.
            purge_interval_seconds: 0,
            // Every test client comes from 127.0.0.1: the rate-limit tests
            // turn the limiter on with budgets of their own.
            rate_limit_enabled: false,
            // Many tests end sessions or memberships straight in the
            // database, as another node would: the credential tests turn
            // the actor cache on.
            actor_cache_seconds: 0,
            ..Config::default()
        };
        tweak(&mut config);
        let app = Application::build(config.clone())
            .await
            .expect("application starts");
        let address = format!("http://{}", app.local_addr().expect("bound address"));
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(app.run_until_stopped(async move {
            let _ = rx.await;
        }));
        let db = Database::connect(&database_url)
            .await
            .expect("fixture connection");
        Self {
            address,
            client: reqwest::Client::new(),
            db,
            backend,
            database_url,
            bearer: None,
            files_dir,
            data_dir,
            config,
            shutdown: Some(tx),
            sqlite_file,
        }
    }

    /// A server on a database holding the demo data.
    pub async fn with_demo() -> Self {
        let app = Self::spawn().await;
        let loaded = pactum::seed::demo::seed_demo(&app.db)
            .await
            .expect("demo data loads");
        assert!(loaded, "a fresh database takes the demo data");
        app
    }

    /// The GraphQL endpoint.
    pub fn graphql_url(&self) -> String {
        format!("{}/graphql", self.address)
    }

    /// POSTs a query as JSON and returns the response body (any status).
    pub async fn query(&self, query: &str, variables: Value) -> Value {
        self.post_json(json!({ "query": query, "variables": variables }))
            .await
            .1
    }

    /// POSTs a query and returns `data`, failing the test on any error.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.query(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// POSTs `body` as JSON; returns status and parsed body.
    pub async fn post_json(&self, body: Value) -> (u16, Value) {
        let mut request = self
            .client
            .post(self.graphql_url())
            .header("content-type", "application/json");
        if let Some(secret) = &self.bearer {
            request = request.header("authorization", format!("Bearer {secret}"));
        }
        let response = request
            .body(body.to_string())
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body read");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// The error codes of a response, in order.
    pub fn codes(body: &Value) -> Vec<String> {
        body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        e["extensions"]["code"]
                            .as_str()
                            .unwrap_or("<none>")
                            .to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The message of a response's first error ("" when there is none).
    pub fn message(body: &Value) -> &str {
        body["errors"][0]["message"].as_str().unwrap_or_default()
    }

    /// Fails the test unless the server still answers `/healthz` with 200
    /// (after a hostile request: it neither crashed nor stalled).
    pub async fn assert_alive(&self) {
        let status = self
            .client
            .get(format!("{}/healthz", self.address))
            .send()
            .await
            .expect("the server answers /healthz")
            .status();
        assert_eq!(status, 200, "/healthz");
    }

    /// SQL statements the server has run so far (from `/metrics`).
    pub async fn statements(&self) -> u64 {
        self.metric("pactum_db_statements_total").await
    }

    /// The value of the counter exported as `series` (name and labels, as
    /// `/metrics` writes them).
    pub async fn metric(&self, series: &str) -> u64 {
        metric_at(&self.client, &self.address, series).await as u64
    }
}

/// POSTs the GraphQL request `body` as JSON to the server at `base`, with
/// `Authorization: Bearer <secret>` when a secret is given; returns status
/// and parsed body. For spawned tasks and other nodes, which hold no
/// [`TestApp`].
pub async fn post_graphql(
    client: &reqwest::Client,
    base: &str,
    secret: Option<&str>,
    body: &Value,
) -> (u16, Value) {
    let mut request = client
        .post(format!("{base}/graphql"))
        .header("content-type", "application/json");
    if let Some(secret) = secret {
        request = request.header("authorization", format!("Bearer {secret}"));
    }
    let response = request
        .body(body.to_string())
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body read");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The value of the series `series` (name and labels, as `/metrics`
/// writes them) at the server at `base`.
pub async fn metric_at(client: &reqwest::Client, base: &str, series: &str) -> f64 {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics reachable")
        .text()
        .await
        .expect("metrics body");
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or_else(|| panic!("{series} exported:\n{text}"))
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = std::fs::remove_dir_all(&self.files_dir);
        let _ = std::fs::remove_dir_all(&self.data_dir);
        if let Some(file) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
    }
}

/// A new empty database: a PostgreSQL database named after a random id when
/// `PACTUM_TEST_POSTGRES_URL` is set (the suite's second pass), else a SQLite
/// file in the temp directory.
async fn fresh_database() -> (String, Backend, Option<PathBuf>) {
    let name = format!("pactum_test_{}", uuid::Uuid::new_v4().simple());
    match std::env::var("PACTUM_TEST_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let admin = Database::connect(&admin_url)
                .await
                .expect("PostgreSQL reachable");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("database created");
            admin.close().await.ok();
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(base, _)| base);
            (format!("{base}/{name}"), Backend::Postgres, None)
        }
        _ => {
            let dir = std::env::temp_dir().join("pactum-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            let file = dir.join(format!("{name}.db"));
            (
                format!("sqlite://{}?mode=rwc", file.display()),
                Backend::Sqlite,
                Some(file),
            )
        }
    }
}

/// The `pactum` binary built next to this test binary (scripts/test builds
/// it before the suite).
pub fn pactum_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let binary = target.join("debug/pactum");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build -p pactum-api --bin pactum` (scripts/test does)",
        binary.display()
    );
    binary
}

impl TestApp {
    /// Runs the `pactum` command line against this app's database.
    pub fn run_cli(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(pactum_binary())
            .args(args)
            .env("PACTUM_DATABASE_URL", &self.database_url)
            .output()
            .expect("pactum runs")
    }
}

/// The global ID the server gives record `id` of GraphQL type `type_name`:
/// base64url of "Type:id" without padding, written out here so tests do not
/// share the server's encoder.
pub fn global_id(type_name: &str, id: i64) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let text = format!("{type_name}:{id}");
    let mut out = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

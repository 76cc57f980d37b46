//! Prometheus metrics for `/metrics`: HTTP requests and latency, GraphQL
//! errors by code, and SQL statements executed (the DataLoader bound is
//! observable from outside).

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

/// The process's metrics, cloned cheaply into every place that records one.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    /// Requests by route and status code.
    pub http_requests: IntCounterVec,
    /// Request latency by route.
    pub http_duration: HistogramVec,
    /// GraphQL errors by `extensions.code`.
    pub graphql_errors: IntCounterVec,
    /// SQL statements sent to the database.
    pub db_statements: IntCounter,
    /// Relation loads answered by a query plan and by a DataLoader batch.
    pub relation_loads: RelationLoads,
    /// Mails waiting to be sent (PENDING), as last counted by the worker.
    pub mail_queue_depth: IntGauge,
    /// Mails the SMTP server (or the mail directory) accepted.
    pub mail_sent: IntCounter,
    /// Sending attempts that failed transiently and were rescheduled.
    pub mail_retried: IntCounter,
    /// Mails given up on (a permanent refusal, or out of attempts).
    pub mail_failed: IntCounter,
    /// Changed records not yet folded into the dashboard figures, as last
    /// counted by the fold job: their lag.
    pub stats_pending: IntGauge,
    /// Times this node's listener for new domain events (PostgreSQL
    /// LISTEN) connected: once at start, then once per lost connection.
    pub event_listener_connects: IntCounter,
}

impl Metrics {
    /// Creates and registers every metric.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("pactum".into()), None)?;
        let http_requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route and status"),
            &["route", "status"],
        )?;
        let http_duration = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency").buckets(
                vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ],
            ),
            &["route"],
        )?;
        let graphql_errors = IntCounterVec::new(
            Opts::new("graphql_errors_total", "GraphQL errors by extensions.code"),
            &["code"],
        )?;
        let db_statements =
            IntCounter::new("db_statements_total", "SQL statements sent to the database")?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(graphql_errors.clone()))?;
        registry.register(Box::new(db_statements.clone()))?;
        let loads = IntCounterVec::new(
            Opts::new(
                "graphql_relation_loads_total",
                "Relations resolved from a query plan (planned) or a DataLoader (batched)",
            ),
            &["path"],
        )?;
        registry.register(Box::new(loads.clone()))?;
        let relation_loads = RelationLoads {
            planned: loads.with_label_values(&["planned"]),
            batched: loads.with_label_values(&["batched"]),
        };
        let mail_queue_depth = IntGauge::new("mail_queue_depth", "Alert mails waiting to be sent")?;
        let mail_sent = IntCounter::new("mail_sent_total", "Alert mails accepted for delivery")?;
        let mail_retried = IntCounter::new(
            "mail_retried_total",
            "Alert mail attempts failed transiently and rescheduled",
        )?;
        let mail_failed = IntCounter::new("mail_failed_total", "Alert mails given up on")?;
        registry.register(Box::new(mail_queue_depth.clone()))?;
        registry.register(Box::new(mail_sent.clone()))?;
        registry.register(Box::new(mail_retried.clone()))?;
        registry.register(Box::new(mail_failed.clone()))?;
        let stats_pending = IntGauge::new(
            "stats_pending_changes",
            "Changed records not yet folded into the dashboard figures",
        )?;
        registry.register(Box::new(stats_pending.clone()))?;
        let event_listener_connects = IntCounter::new(
            "event_listener_connects_total",
            "Connections of the listener for new domain events (PostgreSQL LISTEN)",
        )?;
        registry.register(Box::new(event_listener_connects.clone()))?;
        Ok(Self {
            registry,
            http_requests,
            http_duration,
            graphql_errors,
            db_statements,
            relation_loads,
            mail_queue_depth,
            mail_sent,
            mail_retried,
            mail_failed,
            stats_pending,
            event_listener_connects,
        })
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        if let Err(err) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(%err, "cannot encode metrics");
        }
        String::from_utf8_lossy(&buffer).into_owned()
    }
}

/// How each resolver's related rows arrived: ready from the query plan, or
/// from a DataLoader batch (a planned query should show no batches).
#[derive(Clone)]
pub struct RelationLoads {
    /// Rows a plan had loaded ahead.
    pub planned: IntCounter,
    /// Rows a DataLoader fetched.
    pub batched: IntCounter,
}

impl RelationLoads {
    /// Counts one load.
    pub fn note(&self, planned: bool) {
        if planned {
            self.planned.inc();
        } else {
            self.batched.inc();
        }
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

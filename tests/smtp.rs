#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test harness: a failure is a test failure"
)]

//! A real SMTP server for the alert tests: [`SmtpSink`] runs
//! `tests/peers/smtp_sink.py` (PyPI `aiosmtpd`, installed by `scripts/test`
//! into `tests/peers/.venv`) on a loopback port and collects every message
//! it accepts, decoded (headers, subject, text and HTML parts) and raw.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const PEERS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/peers");

/// How the sink misbehaves.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Listen on this port (0: any free one).
    pub port: u16,
    /// Answer the first N messages with a 4xx.
    pub fail_first: u32,
    /// Refuse recipients starting with these (550).
    pub reject: Vec<String>,
    /// Wait this long before accepting each message.
    pub delay_ms: u64,
    /// TLS: `starttls` (required) or `implicit`, with a certificate from a
    /// fresh test CA (its PEM in [`SmtpSink::ca`]).
    pub tls: Option<&'static str>,
}

/// A running SMTP sink; killed when dropped.
pub struct SmtpSink {
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    /// The CA certificate (PEM file) a client must trust, for a TLS sink.
    pub ca: Option<PathBuf>,
    received: Arc<Mutex<Vec<Value>>>,
    _child: Child,
}

/// The Python with aiosmtpd: `PACTUM_TEST_PYTHON`, else the venv made by
/// `scripts/test`.
pub fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("PACTUM_TEST_PYTHON") {
        return PathBuf::from(python);
    }
    let venv = Path::new(PEERS_DIR).join(".venv/bin/python");
    assert!(
        venv.exists(),
        "{} is missing: run scripts/test once (it installs aiosmtpd from tests/peers/requirements.txt)",
        venv.display()
    );
    venv
}

/// A free loopback port (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl SmtpSink {
    /// A well-behaved sink on a free port.
    pub async fn start() -> Self {
        Self::start_with(Faults::default()).await
    }

    /// A sink with `faults`.
    pub async fn start_with(faults: Faults) -> Self {
        let mut command = Command::new(python());
        command
            .arg(Path::new(PEERS_DIR).join("smtp_sink.py"))
            .arg("--port")
            .arg(faults.port.to_string())
            .arg("--fail-first")
            .arg(faults.fail_first.to_string())
            .arg("--delay-ms")
            .arg(faults.delay_ms.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        for prefix in &faults.reject {
            command.arg("--reject").arg(prefix);
        }
        let ca = faults.tls.map(|mode| {
            let dir = std::env::temp_dir().join("pactum-tests");
            std::fs::create_dir_all(&dir).expect("a temp directory");
            let ca = dir.join(format!("smtp-ca-{}.pem", uuid::Uuid::new_v4().simple()));
            command.arg("--tls").arg(mode).arg("--ca-out").arg(&ca);
            ca
        });
        let mut child = command.spawn().expect("the SMTP sink starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout piped")).lines();
        let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("the SMTP sink is ready in time")
            .expect("the SMTP sink prints")
            .expect("the SMTP sink prints its port");
        let ready: Value = serde_json::from_str(&first).expect("a JSON line");
        let port = u16::try_from(ready["port"].as_u64().expect("port")).expect("a port");
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&received);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(message) = serde_json::from_str::<Value>(&line) {
                    sink.lock().unwrap().push(message);
                }
            }
        });
        Self {
            port,
            ca,
            received,
            _child: child,
        }
    }

    /// Every message accepted so far, in order.
    pub fn messages(&self) -> Vec<Value> {
        self.received.lock().unwrap().clone()
    }

    /// How many messages were accepted so far.
    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    /// Waits until at least `n` messages arrived (or `timeout` passed) and
    /// returns them all.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + timeout;
        while self.count() < n && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.messages()
    }
}

/// Points `config` at a sink on `port` (plain SMTP, fast polling, short
/// backoff) and switches the alert tasks on.
pub fn use_sink(config: &mut pactum::config::Config, port: u16) {
    config.notify_enabled = true;
    config.smtp_host = "127.0.0.1".into();
    config.smtp_port = port;
    config.smtp_tls = pactum::config::SmtpTls::None;
    config.smtp_timeout_secs = 5;
    config.notify_poll_millis = 50;
    config.notify_backoff_millis = 100;
    config.notify_backoff_max_secs = 1;
    config.mail_from = "Pactum <alerte@pactum.test>".into();
}

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test harness: a failure is a test failure"
)]

//! A real S3-compatible server for the storage tests: moto's server mode
//! (PyPI `moto[server]`, installed by `scripts/test` into
//! `tests/peers/.venv`), started per test on a random loopback port. It
//! accepts any credentials; [`Moto::create_bucket`] makes a bucket with a
//! plain `PUT /{bucket}`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

/// The virtualenv holding moto.
const VENV_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/peers/.venv");

/// How long moto may take to answer its first request.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running moto server; dropping it kills the process.
pub struct Moto {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    _child: Child,
}

impl Moto {
    /// The virtualenv's Python, if moto is installed.
    pub fn python() -> PathBuf {
        Path::new(VENV_DIR).join("bin").join("python")
    }

    /// Starts `python -m moto.server` on a free port and waits until it
    /// answers.
    pub async fn start() -> Moto {
        let python = Self::python();
        assert!(
            python.exists(),
            "{} is missing: run scripts/test once (it creates the virtualenv and installs moto[server])",
            python.display()
        );
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            listener.local_addr().expect("bound").port()
        };
        let child = Command::new(&python)
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run moto ({}): {e}", python.display()));
        let endpoint = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + START_TIMEOUT;
        loop {
            if client
                .get(format!("{endpoint}/moto-api/"))
                .send()
                .await
                .is_ok()
            {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "moto did not answer within {START_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Moto {
            endpoint,
            _child: child,
        }
    }

    /// Creates `bucket`.
    pub async fn create_bucket(&self, bucket: &str) {
        let response = reqwest::Client::new()
            .put(format!("{}/{bucket}", self.endpoint))
            .send()
            .await
            .expect("moto reachable");
        assert!(
            response.status().is_success(),
            "bucket not created: {}",
            response.status()
        );
    }

    /// The keys stored in `bucket` (first 1000), from `ListObjectsV2`.
    pub async fn keys(&self, bucket: &str) -> Vec<String> {
        let text = reqwest::Client::new()
            .get(format!("{}/{bucket}?list-type=2", self.endpoint))
            .send()
            .await
            .expect("moto reachable")
            .text()
            .await
            .expect("listing body");
        text.split("<Key>")
            .skip(1)
            .filter_map(|part| part.split_once("</Key>").map(|(key, _)| key.to_owned()))
            .collect()
    }
}

//! The real `pactum serve` process, started the way a person starts it: in
//! a working directory of its own, with the defaults (SQLite in
//! `data/pactum.db`, mail as `.eml` files in `data/mail`) unless a test
//! sets `PACTUM_*` variables. The command line runs in the same directory,
//! so it reaches the same database.

use std::{
    path::{Path, PathBuf},
    process::{Output, Stdio},
    time::Duration,
};

use crate::{TestApp, pactum_binary, smtp::free_port};

/// A running `pactum serve --demo`.
pub struct Served {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its working directory (fresh; removed on drop).
    pub dir: PathBuf,
    /// The process (killed on drop).
    pub child: tokio::process::Child,
}

impl Served {
    /// Starts `pactum serve --demo` in a fresh directory with `env` set,
    /// its output in `server.log` there, and waits until `/healthz`
    /// answers.
    pub async fn start(env: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir()
            .join("pactum-tests")
            .join(format!("served-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("working directory");
        let base = format!("http://127.0.0.1:{}", free_port());
        let log = std::fs::File::create(dir.join("server.log")).expect("log file");
        let child = tokio::process::Command::new(pactum_binary())
            .args(["serve", "--demo"])
            .current_dir(&dir)
            .env("PACTUM_LISTEN", base.trim_start_matches("http://"))
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("pactum serve starts");
        let served = Self { base, dir, child };
        served.wait_until_up().await;
        served
    }

    async fn wait_until_up(&self) {
        if !healthy(&self.base).await {
            panic!("the server did not come up:\n{}", self.log());
        }
    }

    /// What the server has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// Runs `pactum ARGS` in the server's directory (its database).
    pub fn cli(&self, args: &[&str]) -> Output {
        std::process::Command::new(pactum_binary())
            .args(args)
            .current_dir(&self.dir)
            .output()
            .expect("pactum runs")
    }

    /// The server's data directory.
    pub fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// Every `.eml` written to `data/mail` so far.
    pub fn mails(&self) -> Vec<String> {
        read_mails(&self.data().join("mail"))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn read_mails(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// One more `pactum serve` node on a test's database (no demo data), its
/// mail to the SMTP server on `smtp_port`, polling fast, with `env` on top
/// (a later pair wins); its log in a file of its own.
pub struct Node {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The process (killed on drop).
    pub child: tokio::process::Child,
    log: PathBuf,
}

impl Node {
    /// Starts the node and waits until `/healthz` answers.
    pub async fn start(app: &TestApp, smtp_port: u16, env: &[(&str, &str)]) -> Self {
        let listen = format!("127.0.0.1:{}", free_port());
        let log = std::env::temp_dir()
            .join("pactum-tests")
            .join(format!("node-{}.log", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(log.parent().expect("a log directory")).expect("log directory");
        let child = tokio::process::Command::new(pactum_binary())
            .arg("serve")
            .env("PACTUM_DATABASE_URL", &app.database_url)
            .env("PACTUM_DATA_DIR", &app.data_dir)
            .env("PACTUM_LISTEN", &listen)
            .env("PACTUM_LOG", "error")
            .env("PACTUM_SMTP_HOST", "127.0.0.1")
            .env("PACTUM_SMTP_PORT", smtp_port.to_string())
            .env("PACTUM_SMTP_TLS", "none")
            .env("PACTUM_SMTP_POOL_SIZE", "4")
            .env("PACTUM_MAIL_FROM", "Pactum <alerte@pactum.test>")
            .env("PACTUM_NOTIFY_POLL_MILLIS", "50")
            .env("PACTUM_NOTIFY_BATCH_SIZE", "20")
            .env("PACTUM_NOTIFY_LEASE_SECS", "2")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .kill_on_drop(true)
            .spawn()
            .expect("pactum serve starts");
        let node = Self {
            base: format!("http://{listen}"),
            child,
            log,
        };
        node.wait_until_up().await;
        node
    }

    async fn wait_until_up(&self) {
        if !healthy(&self.base).await {
            panic!("the node did not come up:\n{}", self.log());
        }
    }

    /// What the node has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Whether `/healthz` at `base` answers 200 within thirty seconds.
async fn healthy(base: &str) -> bool {
    let client = reqwest::Client::new();
    for _ in 0..600 {
        let up = client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200);
        if up {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

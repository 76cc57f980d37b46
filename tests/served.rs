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

use crate::{pactum_binary, smtp::free_port};

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
        let client = reqwest::Client::new();
        for _ in 0..600 {
            let up = client
                .get(format!("{}/healthz", self.base))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            if up {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not come up:\n{}", self.log());
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

//! Stopping the real server: on SIGTERM it stops taking connections,
//! signals every background job (agreement expiry, housekeeping, the budget
//! sweeper, the alert consumer, the mail worker, the daily alerts) and waits
//! for each to finish its round; none is aborted or left behind, so the
//! process exits cleanly well inside the jobs' 30 s grace.

use std::time::{Duration, Instant};

use pactum_tests::pactum_binary;

#[tokio::test]
async fn sigterm_stops_every_background_job_and_the_process_exits_cleanly() {
    let dir = std::env::temp_dir()
        .join("pactum-tests")
        .join(format!("shutdown-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let server = tokio::process::Command::new(pactum_binary())
        .args(["serve", "--demo"])
        .env("PACTUM_LOG", "info")
        .env("PACTUM_DATA_DIR", &dir)
        .env(
            "PACTUM_DATABASE_URL",
            format!("sqlite://{}/p.db?mode=rwc", dir.display()),
        )
        .env("PACTUM_LISTEN", format!("127.0.0.1:{port}"))
        // Every job on, on short intervals, so each is mid-schedule when
        // the signal comes.
        .env("PACTUM_NOTIFY_ENABLED", "true")
        .env("PACTUM_EXPIRY_INTERVAL_SECONDS", "1")
        .env("PACTUM_PURGE_INTERVAL_SECONDS", "1")
        .env("PACTUM_NOTIFY_POLL_MILLIS", "50")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("pactum serve starts");
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..400 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "the server did not come up");
    // Let the jobs run a few rounds.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let pid = server.id().expect("the server is running").to_string();
    let signalled = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(signalled.success());
    let started = Instant::now();
    let output = tokio::time::timeout(Duration::from_secs(20), server.wait_with_output())
        .await
        .expect("the server exits after SIGTERM")
        .unwrap();
    let took = started.elapsed();
    let printed = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}\n{printed}", output.status);
    assert!(printed.contains("shutting down"), "{printed}");
    assert!(
        !printed.contains("did not stop in time"),
        "a background job was left running:\n{printed}"
    );
    // Well inside the 30 s a job that ignored the signal would be waited
    // for.
    assert!(
        took < Duration::from_secs(15),
        "stopping took {took:?}\n{printed}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

//! Stopping the real server: on SIGTERM it stops taking connections,
//! signals every background job (agreement expiry, housekeeping, the budget
//! sweeper, the alert consumer, the mail worker, the daily alerts) and waits
//! for each to finish its round; none is aborted or left behind, so the
//! process exits cleanly well inside the jobs' 30 s grace.

use std::time::{Duration, Instant};

use pactum_tests::served::Served;

#[tokio::test]
async fn sigterm_stops_every_background_job_and_the_process_exits_cleanly() {
    // Every job on, on short intervals, so each is mid-schedule when the
    // signal comes.
    let mut served = Served::start(&[
        ("PACTUM_LOG", "info"),
        ("PACTUM_NOTIFY_ENABLED", "true"),
        ("PACTUM_EXPIRY_INTERVAL_SECONDS", "1"),
        ("PACTUM_PURGE_INTERVAL_SECONDS", "1"),
        ("PACTUM_NOTIFY_POLL_MILLIS", "50"),
    ])
    .await;
    // Let the jobs run a few rounds.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let pid = served
        .child
        .id()
        .expect("the server is running")
        .to_string();
    let signalled = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(signalled.success());
    let started = Instant::now();
    let status = tokio::time::timeout(Duration::from_secs(20), served.child.wait())
        .await
        .expect("the server exits after SIGTERM")
        .unwrap();
    let took = started.elapsed();
    let printed = served.log();
    assert!(status.success(), "{status:?}\n{printed}");
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
}

//! Background work, with one start/stop discipline: [`crate::startup`]
//! spawns each job with the server's stop signal (a `watch` channel that
//! turns `true` at shutdown) and awaits it when the server has stopped; a
//! job finishes the round it is in and returns, it is never aborted
//! halfway. A failed round is logged and the next one runs on schedule.

pub mod housekeeping;

use std::time::Duration;

use tokio::sync::watch;

/// Sleeps `period`, or less if `stop` turns true meanwhile; returns whether
/// the job should stop (also when the signal's sender is gone).
pub async fn sleep_or_stop(stop: &mut watch::Receiver<bool>, period: Duration) -> bool {
    if *stop.borrow() {
        return true;
    }
    tokio::select! {
        () = tokio::time::sleep(period) => *stop.borrow(),
        changed = stop.changed() => changed.is_err() || *stop.borrow(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stop_signal_cuts_the_sleep_short() {
        let (stop, mut stopped) = watch::channel(false);
        let started = tokio::time::Instant::now();
        let sleeper =
            tokio::spawn(
                async move { sleep_or_stop(&mut stopped, Duration::from_secs(3600)).await },
            );
        let _ = stop.send(true);
        let outcome = tokio::time::timeout(Duration::from_secs(5), sleeper).await;
        assert!(matches!(outcome, Ok(Ok(true))), "{outcome:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn without_a_stop_signal_it_sleeps_the_period() {
        let (_stop, mut stopped) = watch::channel(false);
        let done = sleep_or_stop(&mut stopped, Duration::from_millis(10)).await;
        assert!(!done);
    }
}

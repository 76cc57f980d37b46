//! Background work, run and stopped one way. A job is a type with a
//! [`Job::round`] (one pass of its work) and a [`Pace`] (when the next pass
//! runs); [`Jobs`] spawns each on the runtime with the server's stop signal
//! and, at shutdown, signals them all and waits for each to finish the round
//! it is in: no job is aborted halfway (the mail worker records the batch
//! it is sending, the expiry job the agreement it is expiring). A failed
//! round is logged and the next one runs on schedule.
//!
//! The jobs: agreement expiry ([`expiry`]), the change feed's horizon
//! ([`change_horizon`]), the dashboard figures' fold
//! ([`stats_fold`]), the text of uploads ([`text_extraction`]), audit checkpoints ([`audit_checkpoint`]), housekeeping
//! ([`housekeeping`]), the budget sweeper ([`crate::ratelimit`]), and the
//! alert consumer, the mail worker and the daily alerts
//! ([`crate::notify`]); later webhooks deliver the same way. On PostgreSQL
//! the consumers of domain events are also woken by the [`wake`] listener.

pub mod audit_checkpoint;
pub mod change_horizon;
pub mod expiry;
pub mod housekeeping;
pub mod stats_fold;
pub mod text_extraction;
pub mod wake;

use std::{future::Future, time::Duration};

use tokio::{sync::watch, task::JoinHandle};

/// How long [`Jobs::stop`] waits for a job to finish its round.
pub const STOP_GRACE: Duration = Duration::from_secs(30);

/// When a job's next round runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// A round, then a pause of this long, for ever.
    Every(Duration),
    /// Rounds back to back while they find work; this long a pause once a
    /// round finds none (or fails). For queues.
    Drain(Duration),
}

/// One kind of background work.
pub trait Job: Send + 'static {
    /// The job's name in logs.
    fn name(&self) -> &'static str;

    /// One pass of the work; `Ok(true)` when it found work to do.
    fn round(&mut self) -> impl Future<Output = anyhow::Result<bool>> + Send;
}

/// The running jobs and the signal that stops them.
pub struct Jobs {
    stop: watch::Sender<bool>,
    running: Vec<(&'static str, JoinHandle<()>)>,
}

impl Default for Jobs {
    fn default() -> Self {
        Self::new()
    }
}

impl Jobs {
    /// No jobs yet.
    pub fn new() -> Self {
        Self {
            stop: watch::channel(false).0,
            running: Vec::new(),
        }
    }

    /// Starts `job` at `pace`: its first round runs at once.
    pub fn spawn<J: Job>(&mut self, pace: Pace, job: J) {
        self.start(pace, None, job);
    }

    /// Starts `job` at `pace`, and also runs a round at once whenever
    /// `wake` signals (new domain events, see [`wake`]); a signal while a
    /// round runs brings the next one forward too. Without a signal to
    /// follow, the same as [`Jobs::spawn`].
    pub fn spawn_woken<J: Job>(&mut self, pace: Pace, wake: Option<&wake::EventWake>, job: J) {
        self.start(pace, wake.map(wake::EventWake::subscribe), job);
    }

    fn start<J: Job>(&mut self, pace: Pace, mut wake: Option<watch::Receiver<u64>>, mut job: J) {
        let name = job.name();
        let mut stopped = self.stop.subscribe();
        let task = tokio::spawn(async move {
            loop {
                if let Some(wake) = wake.as_mut() {
                    wake.borrow_and_update();
                }
                let busy = match job.round().await {
                    Ok(busy) => busy,
                    Err(err) => {
                        tracing::error!(job = name, err = %format!("{err:#}"), "background job failed; retrying");
                        false
                    }
                };
                let pause = match pace {
                    Pace::Drain(_) if busy => {
                        if *stopped.borrow() {
                            break;
                        }
                        continue;
                    }
                    Pace::Every(pause) | Pace::Drain(pause) => pause,
                };
                if pause_or_stop(&mut stopped, pause, wake.as_mut()).await {
                    break;
                }
            }
        });
        self.running.push((name, task));
    }

    /// Signals every job to stop and waits up to `grace` for each to
    /// finish its round.
    pub async fn stop(self, grace: Duration) {
        let _ = self.stop.send(true);
        for (name, task) in self.running {
            if tokio::time::timeout(grace, task).await.is_err() {
                tracing::warn!(job = name, "a background job did not stop in time");
            }
        }
    }
}

/// Sleeps `period`, or less if `stop` turns true meanwhile; returns whether
/// the job should stop (also when the signal's sender is gone).
pub async fn sleep_or_stop(stop: &mut watch::Receiver<bool>, period: Duration) -> bool {
    pause_or_stop(stop, period, None).await
}

/// [`sleep_or_stop`], cut short also when `wake` changes (a wake signal
/// whose sender is gone no longer wakes).
async fn pause_or_stop(
    stop: &mut watch::Receiver<bool>,
    period: Duration,
    wake: Option<&mut watch::Receiver<u64>>,
) -> bool {
    if *stop.borrow() {
        return true;
    }
    let woken = async {
        let signalled = match wake {
            Some(wake) => wake.changed().await.is_ok(),
            None => false,
        };
        if !signalled {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        () = tokio::time::sleep(period) => *stop.borrow(),
        changed = stop.changed() => changed.is_err() || *stop.borrow(),
        () = woken => *stop.borrow(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };

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

    /// Counts its rounds; finds work in the first `work` of them.
    struct Counter {
        rounds: Arc<AtomicUsize>,
        work: usize,
    }

    impl Job for Counter {
        fn name(&self) -> &'static str {
            "counter"
        }

        async fn round(&mut self) -> anyhow::Result<bool> {
            let done = self.rounds.fetch_add(1, Ordering::SeqCst);
            Ok(done < self.work)
        }
    }

    #[tokio::test]
    async fn a_draining_job_runs_back_to_back_while_busy_then_waits() {
        let rounds = Arc::new(AtomicUsize::new(0));
        let mut jobs = Jobs::new();
        let job = Counter {
            rounds: rounds.clone(),
            work: 5,
        };
        jobs.spawn(Pace::Drain(Duration::from_secs(3600)), job);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while rounds.load(Ordering::SeqCst) < 6 {
            assert!(tokio::time::Instant::now() < deadline, "rounds did not run");
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        // Five busy rounds and the idle one; then it waits its hour.
        assert_eq!(rounds.load(Ordering::SeqCst), 6);
        let started = tokio::time::Instant::now();
        jobs.stop(Duration::from_secs(5)).await;
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_periodic_job_runs_at_once_and_stops_while_it_waits() {
        let rounds = Arc::new(AtomicUsize::new(0));
        let mut jobs = Jobs::new();
        let job = Counter {
            rounds: rounds.clone(),
            work: usize::MAX,
        };
        jobs.spawn(Pace::Every(Duration::from_secs(3600)), job);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while rounds.load(Ordering::SeqCst) < 1 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the first round did not run"
            );
            tokio::task::yield_now().await;
        }
        let started = tokio::time::Instant::now();
        jobs.stop(Duration::from_secs(5)).await;
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(rounds.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_woken_job_runs_a_round_at_once_instead_of_at_its_next_poll() {
        let rounds = Arc::new(AtomicUsize::new(0));
        let wake = wake::EventWake::default();
        let mut jobs = Jobs::new();
        let job = Counter {
            rounds: rounds.clone(),
            work: 0,
        };
        jobs.spawn_woken(Pace::Drain(Duration::from_secs(3600)), Some(&wake), job);
        let reached = |n: usize| {
            let rounds = rounds.clone();
            async move {
                let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
                while rounds.load(Ordering::SeqCst) < n {
                    if tokio::time::Instant::now() > deadline {
                        return false;
                    }
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                true
            }
        };
        assert!(reached(1).await, "the first round did not run");
        wake.wake();
        assert!(reached(2).await, "the wake-up did not bring a round");
        wake.wake();
        assert!(reached(3).await, "the second wake-up did not bring a round");
        jobs.stop(Duration::from_secs(5)).await;
    }
}

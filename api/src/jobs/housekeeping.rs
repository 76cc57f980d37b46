//! The housekeeping job: [`housekeeping::purge`] once at start, then every
//! `purge_interval_seconds`, until the server stops. Every node may run it:
//! each round is a few idempotent DELETEs.

use std::time::Duration;

use super::{Job, Pace};
use crate::{config::Config, domain::housekeeping};
use chrono::Utc;
use sea_orm::DatabaseConnection;

/// The longest retention honoured (a century); a longer one is the same as
/// keeping closed invitations for good, and keeps the cutoff a date every
/// database can store.
const MAX_RETENTION_DAYS: u32 = 36_500;

/// When the job runs and how long it keeps closed invitations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Time between two rounds.
    pub every: Duration,
    /// How long closed invitations are kept.
    pub retention: chrono::Duration,
}

impl Schedule {
    /// The schedule `config` asks for; `None` when `purge_interval_seconds`
    /// is 0 (the job is off on this node).
    pub fn from_config(config: &Config) -> Option<Self> {
        (config.purge_interval_seconds > 0).then(|| Self {
            every: Duration::from_secs(config.purge_interval_seconds),
            retention: chrono::Duration::days(i64::from(
                config.purge_retention_days.min(MAX_RETENTION_DAYS),
            )),
        })
    }
}

impl Schedule {
    /// How the job repeats.
    pub fn pace(&self) -> Pace {
        Pace::Every(self.every)
    }
}

/// Purges expired sessions, login attempts and closed invitations older
/// than the retention.
pub struct Housekeeping {
    /// The database.
    pub db: DatabaseConnection,
    /// How long closed invitations are kept.
    pub retention: chrono::Duration,
}

impl Job for Housekeeping {
    fn name(&self) -> &'static str {
        "housekeeping"
    }

    async fn round(&mut self) -> anyhow::Result<bool> {
        let purged = housekeeping::purge(&self.db, Utc::now(), self.retention).await?;
        Ok(purged.total() > 0)
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error;

    use entities::login_attempt;
    use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

    use super::*;
    use crate::domain::secrets::digest;

    #[test]
    fn zero_turns_the_job_off_and_retention_is_capped() {
        let off = Config {
            purge_interval_seconds: 0,
            ..Config::default()
        };
        assert_eq!(Schedule::from_config(&off), None);
        assert_eq!(
            Schedule::from_config(&Config::default()),
            Some(Schedule {
                every: Duration::from_secs(3600),
                retention: chrono::Duration::days(30),
            })
        );
        let forever = Config {
            purge_retention_days: u32::MAX,
            ..Config::default()
        };
        assert_eq!(
            Schedule::from_config(&forever).map(|s| s.retention),
            Some(chrono::Duration::days(36_500))
        );
    }

    /// The first round runs at once (not after an interval), and the stop
    /// signal ends the job while it waits for the next.
    #[tokio::test]
    async fn purges_at_start_and_stops_when_told() -> Result<(), Box<dyn Error>> {
        let db = crate::domain::test_support::database().await?;
        let now = Utc::now();
        login_attempt::ActiveModel {
            state_hash: Set(digest("stale")),
            provider: Set("idp".into()),
            pkce_verifier: Set("verifier".into()),
            nonce: Set(String::new()),
            return_to: Set("/".into()),
            created_at: Set(now - chrono::Duration::minutes(20)),
            expires_at: Set(now - chrono::Duration::minutes(10)),
            ..Default::default()
        }
        .insert(&db)
        .await?;
        let schedule = Schedule {
            every: Duration::from_secs(3600),
            retention: chrono::Duration::days(30),
        };
        let mut jobs = crate::jobs::Jobs::new();
        let job = Housekeeping {
            db: db.clone(),
            retention: schedule.retention,
        };
        jobs.spawn(schedule.pace(), job);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while login_attempt::Entity::find().count(&db).await? > 0 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the first round did not run"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let started = tokio::time::Instant::now();
        jobs.stop(Duration::from_secs(5)).await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the job did not stop"
        );
        Ok(())
    }
}

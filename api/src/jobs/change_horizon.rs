//! The change horizon job: moves the change feed's horizon over the
//! gap-free run of new domain events ([`changes::advance_horizon`]), batch
//! after batch while there are any. Several nodes may run it: they take
//! turns on the horizon's row.

use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::Job;
use crate::domain::{changes, events::GapWatch};

/// Keeps the change feed's horizon up with the committed events.
pub struct ChangeHorizon {
    db: DatabaseConnection,
    grace: Duration,
    gaps: GapWatch,
}

impl ChangeHorizon {
    /// The job on `db`, waiting `grace` for a missing event id.
    pub fn new(db: DatabaseConnection, grace: Duration) -> Self {
        Self {
            db,
            grace,
            gaps: GapWatch::default(),
        }
    }
}

impl Job for ChangeHorizon {
    fn name(&self) -> &'static str {
        "change horizon"
    }

    async fn round(&mut self) -> anyhow::Result<bool> {
        let passed = changes::advance_horizon(&self.db, &mut self.gaps, self.grace).await?;
        Ok(passed > 0)
    }
}

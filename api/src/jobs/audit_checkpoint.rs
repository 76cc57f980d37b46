//! The audit checkpoint job: [`audit::checkpoint`] every
//! `audit_checkpoint_interval_seconds`. Several nodes may run it:
//! checkpoints are taken one at a time, and one with nothing new is not
//! written.

use chrono::Utc;
use sea_orm::DatabaseConnection;

use super::Job;
use crate::domain::audit;

/// Records the chain heads that moved since the last checkpoint.
pub struct AuditCheckpoint {
    /// The database.
    pub db: DatabaseConnection,
}

impl Job for AuditCheckpoint {
    fn name(&self) -> &'static str {
        "audit checkpoint"
    }

    async fn round(&mut self) -> anyhow::Result<bool> {
        Ok(audit::checkpoint(&self.db, Utc::now()).await?.is_some())
    }
}

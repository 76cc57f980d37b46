//! The fold job: moves the records writes marked changed into the
//! maintained dashboard figures ([`stats::fold`]), batch after batch while
//! there are any. Several nodes may run it: folds take turns.

use chrono::Utc;
use sea_orm::DatabaseConnection;

use super::Job;
use crate::{domain::stats, metrics::Metrics};

/// Folds changed records into the dashboard figures.
pub struct StatsFold {
    /// The database.
    pub db: DatabaseConnection,
    /// Where the number still waiting is reported.
    pub metrics: Metrics,
}

impl Job for StatsFold {
    fn name(&self) -> &'static str {
        "stats fold"
    }

    async fn round(&mut self) -> anyhow::Result<bool> {
        let folded = stats::fold(&self.db, Utc::now()).await?;
        if folded < stats::FOLD_BATCH {
            self.metrics
                .stats_pending
                .set(stats::pending(&self.db).await?);
        }
        Ok(folded > 0)
    }
}

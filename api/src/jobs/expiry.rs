//! The expiry job: [`agreement_lifecycle::expire_due`] once at start, then
//! every `expiry_interval_seconds`, in bounded batches. Several nodes may
//! run it: each batch claims its agreements, so each expires once.

use chrono::Utc;
use sea_orm::DatabaseConnection;

use super::Job;
use crate::domain::agreement_lifecycle;

/// Expires ACTIVE agreements whose end date has passed.
pub struct AgreementExpiry {
    /// The database.
    pub db: DatabaseConnection,
}

impl Job for AgreementExpiry {
    fn name(&self) -> &'static str {
        "agreement expiry"
    }

    async fn round(&mut self) -> anyhow::Result<bool> {
        let expired = agreement_lifecycle::expire_due(&self.db, Utc::now().date_naive()).await?;
        Ok(expired > 0)
    }
}

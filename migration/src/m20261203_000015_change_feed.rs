//! The change feed's horizon: a row in `notification_cursors` named
//! `changes`, the end of the gap-free run of `domain_events` ids that the
//! feed may serve (advanced by the change horizon job with the alert
//! consumer's gap rule). It starts at 0: the job walks the events already
//! recorded on its first rounds.

use sea_orm_migration::prelude::*;

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO notification_cursors (name, last_event_id) VALUES ('changes', 0)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DELETE FROM notification_cursors WHERE name = 'changes'")
            .await?;
        Ok(())
    }
}

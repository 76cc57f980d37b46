//! Derived indicator values are no longer stored: they are counted for each
//! reader over the activities that reader may see. Until now
//! `indicators.achieved` of a derived indicator held a total over every
//! activity of the project, PRIVATE and PARTNERS ones included; this clears
//! those totals, so no stored value (nor a later audit snapshot of one) can
//! carry what some readers may not see.
//!
//! `down` restores nothing: the old totals were derived data, and the read
//! path no longer uses the column for derived indicators.

use sea_orm_migration::prelude::*;

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("UPDATE indicators SET achieved = 0 WHERE derivation IS NOT NULL")
            .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}

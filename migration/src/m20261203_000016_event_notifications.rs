//! On PostgreSQL, every INSERT into `domain_events` notifies the channel
//! `pactum_events` with the statement's last event id (one notification
//! per statement, delivered at commit, none for a rollback), so the
//! consumers on every node wake at once instead of at their next poll.
//! SQLite has one process and no notifications: nothing to do there.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        db.execute_unprepared(
            "CREATE FUNCTION pactum_notify_domain_events() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               PERFORM pg_notify('pactum_events', (SELECT max(id)::text FROM new_events));
               RETURN NULL;
             END $$",
        )
        .await?;
        db.execute_unprepared(
            "CREATE TRIGGER domain_events_notify AFTER INSERT ON domain_events
             REFERENCING NEW TABLE AS new_events
             FOR EACH STATEMENT EXECUTE FUNCTION pactum_notify_domain_events()",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        db.execute_unprepared("DROP TRIGGER IF EXISTS domain_events_notify ON domain_events")
            .await?;
        db.execute_unprepared("DROP FUNCTION IF EXISTS pactum_notify_domain_events()")
            .await?;
        Ok(())
    }
}

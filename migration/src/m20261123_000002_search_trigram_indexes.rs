//! Substring search (`search_text LIKE '%term%'`) backed by trigram GIN
//! indexes on PostgreSQL, so searches stop scanning whole tables as data
//! grows. `pg_trgm` is a trusted extension: the database owner may create
//! it. SQLite has no such index and keeps scanning (fine at its scale).

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 5] = [
    "organizations",
    "agreements",
    "documents",
    "activities",
    "projects",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            .await?;
        for table in TABLES {
            db.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS ix_{table}_search_trgm ON {table} USING gin (search_text gin_trgm_ops)"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        for table in TABLES {
            m.get_connection()
                .execute_unprepared(&format!("DROP INDEX IF EXISTS ix_{table}_search_trgm"))
                .await?;
        }
        Ok(())
    }
}

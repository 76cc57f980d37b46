//! Indexes that serve every list order without a sort step. Lists are
//! ordered by `(key, id)` in one direction; a nullable date key is
//! `COALESCE(column, bound)` with a bound that puts undated rows last in
//! that direction (the same expressions `domain::keyset` sorts on), so
//! each nullable date gets one index per direction. The statements are the
//! same on PostgreSQL and SQLite.
//!
//! On SQLite the `(visibility, id)` indexes go: the public's lists filter
//! on `visibility = 'PUBLIC'` and SQLite, which keeps no statistics unless
//! asked, chose them over the order's index, reading every public row and
//! sorting it to return twenty; a scan of the order's index, skipping the
//! non-public rows, stops after the page. PostgreSQL's planner knows from
//! its statistics that a third of the rows match and keeps to the order's
//! index, so there they stay (tools such as PostGraphile only offer
//! equality conditions on indexed columns).

use sea_orm_migration::prelude::*;

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index, table, indexed expressions).
const INDEXES: &[(&str, &str, &str)] = &[
    (
        "ix_agreements_start_date_asc",
        "agreements",
        "(COALESCE(start_date, '9999-12-31')), id",
    ),
    (
        "ix_agreements_start_date_desc",
        "agreements",
        "(COALESCE(start_date, '0001-01-01')), id",
    ),
    (
        "ix_agreements_end_date_asc",
        "agreements",
        "(COALESCE(end_date, '9999-12-31')), id",
    ),
    (
        "ix_agreements_end_date_desc",
        "agreements",
        "(COALESCE(end_date, '0001-01-01')), id",
    ),
    (
        "ix_documents_published_on_asc",
        "documents",
        "(COALESCE(published_on, '9999-12-31')), id",
    ),
    (
        "ix_documents_published_on_desc",
        "documents",
        "(COALESCE(published_on, '0001-01-01')), id",
    ),
    ("ix_projects_title", "projects", "title, id"),
    ("ix_projects_code", "projects", "code, id"),
];

fn sqlite(m: &SchemaManager) -> bool {
    m.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Sqlite
}

/// (index, table, columns) of the indexes this migration drops on SQLite.
const DROPPED: &[(&str, &str, &str)] = &[
    ("ix_agreements_visibility", "agreements", "visibility, id"),
    ("ix_documents_visibility", "documents", "visibility, id"),
    ("ix_activities_visibility", "activities", "visibility, id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, expressions) in INDEXES {
            m.get_connection()
                .execute_unprepared(&format!(
                    "CREATE INDEX IF NOT EXISTS {name} ON {table} ({expressions})"
                ))
                .await?;
        }
        if sqlite(m) {
            for (name, _, _) in DROPPED {
                m.get_connection()
                    .execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, _, _) in INDEXES {
            m.get_connection()
                .execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        for (name, table, columns) in DROPPED.iter().filter(|_| sqlite(m)) {
            m.get_connection()
                .execute_unprepared(&format!(
                    "CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})"
                ))
                .await?;
        }
        Ok(())
    }
}

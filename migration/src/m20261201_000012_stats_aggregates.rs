//! Dashboard aggregates maintained instead of recounted.
//!
//! - `stats_changes`: the records whose figures may have changed. Triggers
//!   on every table a figure reads insert a row in the writing transaction
//!   (insert-only, so writers never wait on each other here); the fold job
//!   claims them.
//! - `stats_contributions`: what each PUBLIC record adds to which figure,
//!   for everything (`scope_id` 0) and for each organization it belongs
//!   to, as last folded; the fold subtracts it before adding the new one.
//! - `stats_counts`: the sums of the contributions, one row per scope,
//!   figure and key. `stats` reads these, corrected by the records still
//!   in `stats_changes`.
//! - `stats_folds`: one row, locked by whoever folds or rebuilds, so folds
//!   run one at a time on any number of nodes; it records the last fold.
//!
//! Every record already in the database is marked changed here, so the
//! first folds build the aggregates (`pactum stats rebuild` does it at once).

use sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// A table a figure reads: the subject its rows belong to, the column that
/// names the subject's id, and the columns whose update can change a
/// figure (updates of other columns mark nothing).
struct Watched {
    table: &'static str,
    subject: &'static str,
    id: &'static str,
    columns: &'static str,
}

const WATCHED: &[Watched] = &[
    Watched {
        table: "agreements",
        subject: "agreement",
        id: "id",
        columns: "status, kind, start_date, visibility",
    },
    Watched {
        table: "agreement_parties",
        subject: "agreement",
        id: "agreement_id",
        columns: "agreement_id, organization_id",
    },
    Watched {
        table: "documents",
        subject: "document",
        id: "id",
        columns: "owner_id, kind, published_on, visibility",
    },
    Watched {
        table: "activities",
        subject: "activity",
        id: "id",
        columns: "owner_id, kind, status, start_date, visibility",
    },
    Watched {
        table: "activity_organizers",
        subject: "activity",
        id: "activity_id",
        columns: "activity_id, organization_id, accepted_at",
    },
    Watched {
        table: "activity_participations",
        subject: "activity",
        id: "activity_id",
        columns: "activity_id, role, count",
    },
    Watched {
        table: "organizations",
        subject: "organization",
        id: "id",
        columns: "county",
    },
];

fn mark(subject: &str, id: &str) -> String {
    format!("INSERT INTO stats_changes (subject, subject_id) VALUES ('{subject}', {id});")
}

/// An organization's county is a key of its agreements' county figure.
const COUNTY_MOVES_AGREEMENTS: &str = "INSERT INTO stats_changes (subject, subject_id) \
     SELECT 'agreement', agreement_id FROM agreement_parties WHERE organization_id = NEW.id;";

fn sqlite_triggers(w: &Watched) -> Vec<String> {
    let Watched {
        table,
        subject,
        id,
        columns,
    } = w;
    vec![
        format!(
            "CREATE TRIGGER stats_{table}_insert AFTER INSERT ON {table} BEGIN {} END",
            mark(subject, &format!("NEW.{id}"))
        ),
        format!(
            "CREATE TRIGGER stats_{table}_delete AFTER DELETE ON {table} BEGIN {} END",
            mark(subject, &format!("OLD.{id}"))
        ),
        format!(
            "CREATE TRIGGER stats_{table}_update AFTER UPDATE OF {columns} ON {table} BEGIN \
             INSERT INTO stats_changes (subject, subject_id) \
             SELECT '{subject}', NEW.{id} UNION SELECT '{subject}', OLD.{id}; END"
        ),
    ]
}

fn postgres_triggers(w: &Watched) -> Vec<String> {
    let Watched {
        table,
        subject,
        id,
        columns,
    } = w;
    vec![
        format!(
            "CREATE FUNCTION stats_mark_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF TG_OP <> 'INSERT' THEN {old} END IF; \
             IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.{id} IS DISTINCT FROM OLD.{id}) \
             THEN {new} END IF; \
             RETURN NULL; END $$",
            old = mark(subject, &format!("OLD.{id}")),
            new = mark(subject, &format!("NEW.{id}")),
        ),
        format!(
            "CREATE TRIGGER stats_{table}_insert_delete AFTER INSERT OR DELETE ON {table} \
             FOR EACH ROW EXECUTE FUNCTION stats_mark_{table}()"
        ),
        format!(
            "CREATE TRIGGER stats_{table}_update AFTER UPDATE OF {columns} ON {table} \
             FOR EACH ROW EXECUTE FUNCTION stats_mark_{table}()"
        ),
    ]
}

fn county_triggers(backend: DbBackend) -> Vec<String> {
    if backend == DbBackend::Postgres {
        vec![
            format!(
                "CREATE FUNCTION stats_mark_county_agreements() RETURNS trigger \
                 LANGUAGE plpgsql AS $$ BEGIN {COUNTY_MOVES_AGREEMENTS} RETURN NULL; END $$"
            ),
            "CREATE TRIGGER stats_organizations_county AFTER UPDATE OF county ON organizations \
             FOR EACH ROW WHEN (OLD.county IS DISTINCT FROM NEW.county) \
             EXECUTE FUNCTION stats_mark_county_agreements()"
                .to_owned(),
        ]
    } else {
        vec![format!(
            "CREATE TRIGGER stats_organizations_county AFTER UPDATE OF county ON organizations \
             WHEN OLD.county IS NOT NEW.county BEGIN {COUNTY_MOVES_AGREEMENTS} END"
        )]
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(StatsChanges::Table)
                .col(big_pk_auto(StatsChanges::Id))
                .col(text(StatsChanges::Subject))
                .col(big_integer(StatsChanges::SubjectId))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            StatsChanges::Table,
            "ix_stats_changes_subject",
            &["subject", "subject_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(StatsContributions::Table)
                .col(text(StatsContributions::Subject))
                .col(big_integer(StatsContributions::SubjectId))
                .col(big_integer(StatsContributions::ScopeId))
                .col(text(StatsContributions::Figure))
                .col(text(StatsContributions::Key))
                .col(big_integer(StatsContributions::Records))
                .col(big_integer(StatsContributions::Amount))
                .primary_key(
                    Index::create()
                        .col(StatsContributions::Subject)
                        .col(StatsContributions::SubjectId)
                        .col(StatsContributions::ScopeId)
                        .col(StatsContributions::Figure)
                        .col(StatsContributions::Key),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StatsCounts::Table)
                .col(big_integer(StatsCounts::ScopeId))
                .col(text(StatsCounts::Figure))
                .col(text(StatsCounts::Key))
                .col(big_integer(StatsCounts::Records))
                .col(big_integer(StatsCounts::Amount))
                .primary_key(
                    Index::create()
                        .col(StatsCounts::ScopeId)
                        .col(StatsCounts::Figure)
                        .col(StatsCounts::Key),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StatsFolds::Table)
                .col(big_integer(StatsFolds::Id).primary_key())
                .col(big_integer(StatsFolds::Folds))
                .col(timestamp_with_time_zone_null(StatsFolds::FoldedAt))
                .check(Expr::cust("id = 1"))
                .to_owned(),
        )
        .await?;

        let db = m.get_connection();
        db.execute_unprepared("INSERT INTO stats_folds (id, folds) VALUES (1, 0)")
            .await?;
        let backend = m.get_database_backend();
        for w in WATCHED {
            let statements = if backend == DbBackend::Postgres {
                postgres_triggers(w)
            } else {
                sqlite_triggers(w)
            };
            for sql in statements {
                db.execute_unprepared(&sql).await?;
            }
        }
        for sql in county_triggers(backend) {
            db.execute_unprepared(&sql).await?;
        }
        if backend == DbBackend::Postgres {
            // A queue: rows come and go all day, so vacuum and analyze it
            // by row counts, not by a fraction of its (small) size.
            db.execute_unprepared(
                "ALTER TABLE stats_changes SET (autovacuum_vacuum_scale_factor = 0, \
                 autovacuum_vacuum_threshold = 2000, autovacuum_analyze_scale_factor = 0, \
                 autovacuum_analyze_threshold = 2000)",
            )
            .await?;
        }
        for (subject, table) in [
            ("agreement", "agreements"),
            ("document", "documents"),
            ("activity", "activities"),
            ("organization", "organizations"),
        ] {
            db.execute_unprepared(&format!(
                "INSERT INTO stats_changes (subject, subject_id) SELECT '{subject}', id FROM {table}"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let postgres = m.get_database_backend() == DbBackend::Postgres;
        for w in WATCHED {
            let table = w.table;
            let triggers: &[&str] = if postgres {
                &["insert_delete", "update"]
            } else {
                &["insert", "delete", "update"]
            };
            for t in triggers {
                let on = if postgres {
                    format!(" ON {table}")
                } else {
                    String::new()
                };
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS stats_{table}_{t}{on}"))
                    .await?;
            }
            if postgres {
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS stats_mark_{table}()"))
                    .await?;
            }
        }
        if postgres {
            db.execute_unprepared(
                "DROP TRIGGER IF EXISTS stats_organizations_county ON organizations",
            )
            .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS stats_mark_county_agreements()")
                .await?;
        } else {
            db.execute_unprepared("DROP TRIGGER IF EXISTS stats_organizations_county")
                .await?;
        }
        for table in [
            StatsFolds::Table.into_iden(),
            StatsCounts::Table.into_iden(),
            StatsContributions::Table.into_iden(),
            StatsChanges::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone)]
enum StatsChanges {
    Table,
    Id,
    Subject,
    SubjectId,
}

#[derive(DeriveIden, Clone)]
enum StatsContributions {
    Table,
    Subject,
    SubjectId,
    ScopeId,
    Figure,
    Key,
    Records,
    Amount,
}

#[derive(DeriveIden, Clone)]
enum StatsCounts {
    Table,
    ScopeId,
    Figure,
    Key,
    Records,
    Amount,
}

#[derive(DeriveIden, Clone)]
enum StatsFolds {
    Table,
    Id,
    Folds,
    FoldedAt,
}

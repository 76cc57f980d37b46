//! What the activity and results mutations need:
//!
//! - `activity_organizers.accepted_at`: a co-organizer is listed only once an
//!   editor of that organization accepts; until then the row is pending
//!   (NULL) and grants nothing. Rows that existed before are backfilled as
//!   accepted when their activity was created, so earlier data keeps its
//!   meaning.
//! - `activities.cancellation_reason`: why a cancelled activity did not
//!   happen.
//! - `projects.version`, `indicators.version`: optimistic concurrency for
//!   their updates, like the other editable records.
//! - `indicators.derivation`: the rule an indicator's achieved value is
//!   computed by (NULL: entered by hand).
//!
//! One column per ALTER TABLE statement, which SQLite requires.

use sea_orm_migration::{prelude::*, schema::*};

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The derivation rules an indicator may name.
const DERIVATIONS: &[&str] = &[
    "PEOPLE_TRAINED",
    "CERTIFICATES_ISSUED",
    "ACTIVITIES_COMPLETED",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ActivityOrganizers::Table)
                .add_column(timestamp_with_time_zone_null(
                    ActivityOrganizers::AcceptedAt,
                ))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE activity_organizers SET accepted_at = \
                 (SELECT a.created_at FROM activities a WHERE a.id = activity_organizers.activity_id) \
                 WHERE accepted_at IS NULL",
            )
            .await?;
        m.alter_table(
            Table::alter()
                .table(Activities::Table)
                .add_column(text_null(Activities::CancellationReason))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Projects::Table)
                .add_column(integer(Projects::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Indicators::Table)
                .add_column(integer(Indicators::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Indicators::Table)
                .add_column(
                    text_null(Indicators::Derivation).check(
                        Expr::col(Indicators::Derivation).is_in(DERIVATIONS.iter().copied()),
                    ),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            (
                Indicators::Table.into_iden(),
                Indicators::Derivation.into_iden(),
            ),
            (
                Indicators::Table.into_iden(),
                Indicators::Version.into_iden(),
            ),
            (Projects::Table.into_iden(), Projects::Version.into_iden()),
            (
                Activities::Table.into_iden(),
                Activities::CancellationReason.into_iden(),
            ),
            (
                ActivityOrganizers::Table.into_iden(),
                ActivityOrganizers::AcceptedAt.into_iden(),
            ),
        ] {
            m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ActivityOrganizers {
    Table,
    AcceptedAt,
}

#[derive(DeriveIden)]
enum Activities {
    Table,
    CancellationReason,
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Version,
}

#[derive(DeriveIden)]
enum Indicators {
    Table,
    Version,
    Derivation,
}

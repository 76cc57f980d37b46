//! Results tracked from the agreements too:
//!
//! - `projects.sustainability_end_date`: the last day of the period after
//!   the project in which the beneficiary keeps its commitments (the seeds'
//!   "3 cooperation agreements" fall in it). Optional.
//! - `indicators.derivation` accepts `AGREEMENTS_SIGNED`. A column's CHECK
//!   cannot be changed in place on SQLite, so the column is copied into a
//!   new one with the wider CHECK, dropped, and the new one renamed: the
//!   same statements on both databases (SQLite 3.35+ drops a column whose
//!   only CHECK is its own).

use sea_orm_migration::{prelude::*, schema::*};

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The derivation rules before this migration.
const BEFORE: &[&str] = &[
    "PEOPLE_TRAINED",
    "CERTIFICATES_ISSUED",
    "ACTIVITIES_COMPLETED",
];

/// The derivation rules from this migration on.
const AFTER: &[&str] = &[
    "PEOPLE_TRAINED",
    "CERTIFICATES_ISSUED",
    "ACTIVITIES_COMPLETED",
    "AGREEMENTS_SIGNED",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too: its steps must run on one
    /// connection, one after the other (outside a transaction, sea-orm
    /// sends each to any connection of the pool, and a later step could
    /// miss the column an earlier one added).
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Projects::Table)
                .add_column(date_null(Projects::SustainabilityEndDate))
                .to_owned(),
        )
        .await?;
        widen(m, AFTER).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Indicators derived by the new rule become entered ones.
        m.get_connection()
            .execute_unprepared(
                "UPDATE indicators SET derivation = NULL WHERE derivation = 'AGREEMENTS_SIGNED'",
            )
            .await?;
        widen(m, BEFORE).await?;
        m.alter_table(
            Table::alter()
                .table(Projects::Table)
                .drop_column(Projects::SustainabilityEndDate)
                .to_owned(),
        )
        .await
    }
}

/// Gives `indicators.derivation` the CHECK `rules`, keeping its values.
async fn widen(m: &SchemaManager<'_>, rules: &[&str]) -> Result<(), DbErr> {
    m.alter_table(
        Table::alter()
            .table(Indicators::Table)
            .add_column(
                text_null(Indicators::NextDerivation)
                    .check(Expr::col(Indicators::NextDerivation).is_in(rules.iter().copied())),
            )
            .to_owned(),
    )
    .await?;
    m.get_connection()
        .execute_unprepared("UPDATE indicators SET next_derivation = derivation")
        .await?;
    m.alter_table(
        Table::alter()
            .table(Indicators::Table)
            .drop_column(Indicators::Derivation)
            .to_owned(),
    )
    .await?;
    m.alter_table(
        Table::alter()
            .table(Indicators::Table)
            .rename_column(Indicators::NextDerivation, Indicators::Derivation)
            .to_owned(),
    )
    .await
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    SustainabilityEndDate,
}

#[derive(DeriveIden)]
enum Indicators {
    Table,
    Derivation,
    NextDerivation,
}

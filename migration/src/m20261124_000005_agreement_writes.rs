//! What the write API of organizations and agreements needs besides the
//! foundation:
//!
//! - `organizations.version`: optimistic concurrency for profile edits
//!   (existing rows start at 1);
//! - `agreements.termination_reason`: why a party ended an ACTIVE agreement
//!   early (set only on TERMINATED);
//! - an index on `agreements (status, end_date)` for the expiry job, which
//!   looks for ACTIVE agreements past their end date.
//!
//! SQLite alters one column per statement, so each column is its own
//! `ALTER TABLE`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Organizations::Table)
                .add_column(integer(Organizations::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Agreements::Table)
                .add_column(text_null(Agreements::TerminationReason))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            Agreements::Table,
            "ix_agreements_status_end_date",
            &["status", "end_date"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_agreements_status_end_date")
                .table(Agreements::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Agreements::Table)
                .drop_column(Agreements::TerminationReason)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Organizations::Table)
                .drop_column(Organizations::Version)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden, Clone)]
enum Organizations {
    Table,
    Version,
}

#[derive(DeriveIden, Clone)]
enum Agreements {
    Table,
    TerminationReason,
}

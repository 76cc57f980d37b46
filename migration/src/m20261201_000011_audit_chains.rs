//! One audit chain per organization, so that writes of different
//! organizations never wait on each other's chain head.
//!
//! `audit_log` gains `chain_id` (the organization acted within; 0 for
//! entries of no organization) and `sequence` (the entry's position in its
//! chain). `audit_chains` holds each chain's tip; an append locks only its
//! own chain's row. The entries written before this migration form one
//! chain across all organizations: they stay as chain 0 with `sequence =
//! id`, so their hashes verify unchanged, and chain 0 goes on with the
//! entries of no organization.
//!
//! `audit_checkpoints` chain the heads together: a periodic job records
//! every chain head that moved since the previous checkpoint, hashed with
//! the previous checkpoint's hash. `audit_checkpoint_heads` holds, per
//! chain, the head the newest checkpoint recorded, so the job finds what
//! moved without locking (or even writing) the chains' rows that appends
//! lock. A chain truncated at its tail (entries
//! deleted and its head rewound) no longer matches what a checkpoint
//! recorded of it, and the newest checkpoint's hash is one value that
//! stands for the whole log.
//!
//! `audit_log.id` was assigned from the old single head, not from the
//! table's sequence; PostgreSQL's sequence is moved past it here.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [AuditLog::ChainId, AuditLog::Sequence] {
            m.alter_table(
                Table::alter()
                    .table(AuditLog::Table)
                    .add_column(big_integer(col).default(0))
                    .to_owned(),
            )
            .await?;
        }
        let db = m.get_connection();
        db.execute_unprepared("UPDATE audit_log SET chain_id = 0, sequence = id")
            .await?;
        m.create_index(index(
            AuditLog::Table,
            "ux_audit_log_chain_sequence",
            &["chain_id", "sequence"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(AuditChains::Table)
                .col(big_integer(AuditChains::ChainId).primary_key())
                .col(big_integer(AuditChains::LastSequence))
                .col(text(AuditChains::LastHash))
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO audit_chains (chain_id, last_sequence, last_hash) \
             SELECT 0, last_id, last_hash FROM audit_head WHERE id = 1",
        )
        .await?;
        m.drop_table(Table::drop().table(AuditHead::Table).to_owned())
            .await?;

        m.create_table(
            Table::create()
                .table(AuditCheckpoints::Table)
                .col(big_integer(AuditCheckpoints::Id).primary_key())
                .col(timestamp_with_time_zone(AuditCheckpoints::CreatedAt))
                .col(text(AuditCheckpoints::Heads))
                .col(text(AuditCheckpoints::PrevHash))
                .col(text(AuditCheckpoints::Hash).check(Expr::cust("length(hash) = 64")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditCheckpointHeads::Table)
                .col(big_integer(AuditCheckpointHeads::ChainId).primary_key())
                .col(big_integer(AuditCheckpointHeads::Sequence))
                .col(text(AuditCheckpointHeads::Hash))
                .to_owned(),
        )
        .await?;

        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            db.execute_unprepared(
                "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), \
                 GREATEST((SELECT max(id) FROM audit_log), 1), \
                 (SELECT max(id) IS NOT NULL FROM audit_log))",
            )
            .await?;
        }
        Ok(())
    }

    /// Back to the single head (chain 0's tip). Entries of the
    /// per-organization chains stay, but no longer verify as one chain:
    /// going down is for development databases.
    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(big_integer(AuditHead::Id).primary_key())
                .col(big_integer(AuditHead::LastId))
                .col(text(AuditHead::LastHash))
                .check(Expr::cust("id = 1"))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared(&format!(
            "INSERT INTO audit_head (id, last_id, last_hash) \
             SELECT 1, coalesce(max(last_sequence), 0), coalesce(max(last_hash), '{}') \
             FROM audit_chains WHERE chain_id = 0",
            "0".repeat(64)
        ))
        .await?;
        for table in [
            AuditCheckpointHeads::Table.into_iden(),
            AuditCheckpoints::Table.into_iden(),
            AuditChains::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.drop_index(
            Index::drop()
                .name("ux_audit_log_chain_sequence")
                .table(AuditLog::Table)
                .to_owned(),
        )
        .await?;
        for col in [AuditLog::Sequence, AuditLog::ChainId] {
            m.alter_table(
                Table::alter()
                    .table(AuditLog::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone)]
enum AuditLog {
    Table,
    ChainId,
    Sequence,
}

#[derive(DeriveIden, Clone)]
enum AuditHead {
    Table,
    Id,
    LastId,
    LastHash,
}

#[derive(DeriveIden, Clone)]
enum AuditChains {
    Table,
    ChainId,
    LastSequence,
    LastHash,
}

#[derive(DeriveIden, Clone)]
enum AuditCheckpointHeads {
    Table,
    ChainId,
    Sequence,
    Hash,
}

#[derive(DeriveIden, Clone)]
enum AuditCheckpoints {
    Table,
    Id,
    CreatedAt,
    Heads,
    PrevHash,
    Hash,
}

//! `audit_checkpoints`: the chain heads that moved since the previous
//! checkpoint, hash-chained checkpoint to checkpoint.

use sea_orm::entity::prelude::*;

/// One checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit_checkpoints")]
pub struct Model {
    /// Position among the checkpoints, from 1.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    /// When it was taken.
    pub created_at: DateTimeUtc,
    /// JSON list of `[chain_id, sequence, hash]`, by chain.
    pub heads: String,
    /// The previous checkpoint's hash (64 zeros for the first).
    pub prev_hash: String,
    /// SHA-256 (hex) over this checkpoint's fields and `prev_hash`.
    pub hash: String,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

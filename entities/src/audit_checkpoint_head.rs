//! `audit_checkpoint_heads`: per chain, the head the newest checkpoint
//! recorded (written only by the checkpoint job).

use sea_orm::entity::prelude::*;

/// A chain's head as last checkpointed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit_checkpoint_heads")]
pub struct Model {
    /// The chain.
    #[sea_orm(primary_key, auto_increment = false)]
    pub chain_id: i64,
    /// Its last position then.
    pub sequence: i64,
    /// That entry's hash.
    pub hash: String,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

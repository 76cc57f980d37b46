//! `audit_chains`: the tip of each organization's audit chain (chain 0:
//! entries of no organization, and every entry written before the chains
//! were split). Appending locks only its own chain's row.

use sea_orm::entity::prelude::*;

/// The tip of one chain.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit_chains")]
pub struct Model {
    /// The organization's id, or 0.
    #[sea_orm(primary_key, auto_increment = false)]
    pub chain_id: i64,
    /// Position of the chain's last entry (0 before the first).
    pub last_sequence: i64,
    /// Hash of the chain's last entry.
    pub last_hash: String,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

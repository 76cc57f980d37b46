//! `audit_head`: the single row holding the audit chain's tip; appending
//! locks it so concurrent writers extend one chain.

use sea_orm::entity::prelude::*;

/// The tip of the chain.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit_head")]
pub struct Model {
    /// Always 1.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    /// Id of the last entry (0 before the first).
    pub last_id: i64,
    /// Hash of the last entry.
    pub last_hash: String,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `audit_log`: one hash-chained entry per mutation.

use sea_orm::entity::prelude::*;

use crate::enums::ActorKind;

/// One audit entry.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// Global order of writing (not the chain position).
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The chain: the organization acted within, or 0.
    pub chain_id: i64,
    /// Position in its chain, from 1.
    pub sequence: i64,
    /// The organization acted within, if any.
    pub organization_id: Option<i64>,
    /// Person, API token, operator (CLI) or the system (scheduled jobs).
    pub actor_kind: ActorKind,
    /// The person, if one acted.
    pub actor_user_id: Option<i64>,
    /// The API token, if one acted.
    pub actor_token_id: Option<i64>,
    /// What was done ("agreement.sign", "member.invite", ...).
    pub action: String,
    /// The kind of record changed ("Agreement", ...).
    pub entity: String,
    /// Its id.
    pub entity_id: i64,
    /// The record before, as JSON (none for a creation).
    pub before: Option<String>,
    /// The record after, as JSON (none for a deletion).
    pub after: Option<String>,
    /// When.
    pub created_at: DateTimeUtc,
    /// The previous entry's hash (64 zeros for the first).
    pub prev_hash: String,
    /// SHA-256 (hex) over this entry's fields and `prev_hash`.
    pub hash: String,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `domain_events`: a typed record of each state change, written with the
//! change, consumed later by alerts and subscriptions.

use sea_orm::entity::prelude::*;

use crate::enums::EventKind;

/// One event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "domain_events")]
pub struct Model {
    /// Monotonic position (consumers keep their own cursor).
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What happened.
    pub kind: EventKind,
    /// The organization it happened in, if any.
    pub organization_id: Option<i64>,
    /// The kind of record ("Agreement", ...).
    pub entity: String,
    /// Its id.
    pub entity_id: i64,
    /// The person who caused it, if one did.
    pub actor_user_id: Option<i64>,
    /// Details as JSON (e.g. the signing party).
    pub payload: String,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `notification_cursors`: how far each consumer has read `domain_events`.

use sea_orm::entity::prelude::*;

/// One consumer's position.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "notification_cursors")]
pub struct Model {
    /// The consumer ("alerts").
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    /// The last event it has handled.
    pub last_event_id: i64,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

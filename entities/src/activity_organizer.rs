//! `activity_organizers`: the organizations that run an activity together.

use sea_orm::entity::prelude::*;

/// One organizer of one activity.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "activity_organizers")]
pub struct Model {
    /// Surrogate key (also the stable order of organizers).
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The activity.
    pub activity_id: i64,
    /// The organizer.
    pub organization_id: i64,
    /// When an editor of the organization accepted being listed; NULL while
    /// the invitation is pending (a pending organizer is not an organizer).
    pub accepted_at: Option<DateTimeUtc>,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

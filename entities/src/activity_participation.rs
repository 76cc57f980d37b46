//! `activity_participations`: how many people of which organization took part
//! in which role (counts, never personal data).

use sea_orm::entity::prelude::*;

use crate::enums::ParticipantRole;

/// One (activity, organization, role) count.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "activity_participations")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The activity.
    pub activity_id: i64,
    /// Where the participants come from.
    pub organization_id: i64,
    /// In which role they took part.
    pub role: ParticipantRole,
    /// How many people.
    pub count: i32,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

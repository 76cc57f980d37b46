//! `memberships`: a user belongs to an organization with a role.

use sea_orm::entity::prelude::*;

use crate::enums::MemberRole;

/// One user in one organization.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "memberships")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The member.
    pub user_id: i64,
    /// The organization.
    pub organization_id: i64,
    /// What the member may do there.
    pub role: MemberRole,
    /// When the user joined.
    pub created_at: DateTimeUtc,
    /// When the role last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `invitations`: a role in an organization offered to an e-mail address,
//! taken up when someone logs in with that address verified.

use sea_orm::entity::prelude::*;

use crate::enums::MemberRole;

/// One invitation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The organization.
    pub organization_id: i64,
    /// Lower-case address invited.
    pub email: String,
    /// Role granted on acceptance.
    pub role: MemberRole,
    /// Who invited (none for the command line).
    pub invited_by_id: Option<i64>,
    /// When it was sent.
    pub created_at: DateTimeUtc,
    /// After this it can no longer be taken up.
    pub expires_at: DateTimeUtc,
    /// When it was taken up.
    pub accepted_at: Option<DateTimeUtc>,
    /// Who took it up.
    pub accepted_by_id: Option<i64>,
    /// When it was withdrawn.
    pub revoked_at: Option<DateTimeUtc>,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

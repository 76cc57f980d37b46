//! `api_tokens`: credentials an organization issues to its integrations.
//! Only the hash is kept; the secret is shown once, at creation.

use sea_orm::entity::prelude::*;

use crate::enums::TokenScope;

/// One API token.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The organization the token acts for.
    pub organization_id: i64,
    /// What the token is for ("Portal ONG", "Dashboard").
    pub name: String,
    /// Read only, or read and write.
    pub scope: TokenScope,
    /// SHA-256 (hex) of the secret.
    #[sea_orm(unique)]
    #[serde(skip)]
    pub token_hash: String,
    /// The secret's last characters, to tell tokens apart in a list.
    pub hint: String,
    /// Who created it (none for the command line).
    pub created_by_id: Option<i64>,
    /// Creation time.
    pub created_at: DateTimeUtc,
    /// After this the token no longer works.
    pub expires_at: DateTimeUtc,
    /// Last authenticated request (written at most once a minute).
    pub last_used_at: Option<DateTimeUtc>,
    /// When it was revoked.
    pub revoked_at: Option<DateTimeUtc>,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

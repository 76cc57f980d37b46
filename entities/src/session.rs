//! `sessions`: a logged-in browser or client. Only the token's hash is kept.

use sea_orm::entity::prelude::*;

/// One session.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Whose session.
    pub user_id: i64,
    /// SHA-256 (hex) of the session token.
    #[sea_orm(unique)]
    #[serde(skip)]
    pub token_hash: String,
    /// The client that logged in, for the user's own review.
    pub user_agent: Option<String>,
    /// Login time.
    pub created_at: DateTimeUtc,
    /// Last use (renewals are written at most once a minute).
    pub last_seen_at: DateTimeUtc,
    /// Idle expiry; slides forward with use.
    pub expires_at: DateTimeUtc,
    /// Hard limit no renewal passes.
    pub absolute_expires_at: DateTimeUtc,
    /// When the user logged out.
    pub revoked_at: Option<DateTimeUtc>,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

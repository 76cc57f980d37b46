//! `identities`: a user's account at one identity provider, keyed by the
//! provider's stable subject (never by e-mail, which can change hands).

use sea_orm::entity::prelude::*;

/// One (provider, subject) pair.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "identities")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The user.
    pub user_id: i64,
    /// Configured provider id (e.g. "lugoj").
    pub provider: String,
    /// The provider's subject identifier.
    pub subject: String,
    /// E-mail the provider reported at the last login.
    pub email: Option<String>,
    /// Whether the provider vouched for that e-mail.
    pub email_verified: bool,
    /// First login through this identity.
    pub created_at: DateTimeUtc,
    /// Latest login through this identity.
    pub last_login_at: DateTimeUtc,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

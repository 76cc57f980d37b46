//! `users`: people who log in, created on their first login.

use sea_orm::entity::prelude::*;

use crate::enums::Language;

/// One person.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Lower-case address, as the identity provider last gave it.
    pub email: String,
    /// Name shown to other members.
    pub display_name: String,
    /// Language of the interface and alerts.
    pub preferred_language: Language,
    /// When the user first logged in.
    pub created_at: DateTimeUtc,
    /// When the profile last changed.
    pub updated_at: DateTimeUtc,
    /// When the user last logged in.
    pub last_login_at: Option<DateTimeUtc>,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

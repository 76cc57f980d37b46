//! `login_attempts`: OAuth logins between the redirect to the provider and
//! the callback. Kept in the database (not in process memory) so any API
//! node can finish a login another started; each is used once.

use sea_orm::entity::prelude::*;

/// One login in flight.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_attempts")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// SHA-256 (hex) of the `state` sent to the provider.
    #[sea_orm(unique)]
    pub state_hash: String,
    /// Configured provider id.
    pub provider: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// The OpenID Connect nonce (empty for plain OAuth 2.0).
    pub nonce: String,
    /// Where to send the browser after login.
    pub return_to: String,
    /// When the login started.
    pub created_at: DateTimeUtc,
    /// After this the callback is refused.
    pub expires_at: DateTimeUtc,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

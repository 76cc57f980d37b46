//! Logins in flight: between sending a browser to its identity provider
//! and the provider sending it back, Pactum keeps the login's `state`
//! (as a digest), PKCE verifier, nonce and where to return. A callback takes
//! its login out exactly once, so a replayed or raced callback finds nothing.

use chrono::{DateTime, Duration, Utc};
use entities::login_attempt;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::{error::DomainResult, housekeeping, secrets::digest};

/// How long a started login may take.
pub const LOGIN_TTL: Duration = Duration::minutes(10);

/// A login being started.
#[derive(Debug, Clone)]
pub struct NewLogin {
    /// The `state` sent to the provider (kept as a digest only).
    pub state: String,
    /// The provider's id.
    pub provider: String,
    /// The PKCE verifier of the code exchange.
    pub pkce_verifier: String,
    /// The nonce the `id_token` must carry.
    pub nonce: String,
    /// Where the browser goes once logged in.
    pub return_to: String,
}

/// Remembers a login for [`LOGIN_TTL`], purging expired ones first.
pub async fn remember<C: ConnectionTrait>(
    db: &C,
    login: NewLogin,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    housekeeping::purge_login_attempts(db, now).await?;
    login_attempt::ActiveModel {
        state_hash: Set(digest(&login.state)),
        provider: Set(login.provider),
        pkce_verifier: Set(login.pkce_verifier),
        nonce: Set(login.nonce),
        return_to: Set(login.return_to),
        created_at: Set(now),
        expires_at: Set(now + LOGIN_TTL),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Takes out the login `state` names, if it is still open at `now` and
/// was started with `provider`; `None` otherwise (also for the loser of
/// two racing callbacks).
pub async fn take<C: ConnectionTrait>(
    db: &C,
    state: &str,
    provider: &str,
    now: DateTime<Utc>,
) -> DomainResult<Option<login_attempt::Model>> {
    let Some(attempt) = login_attempt::Entity::find()
        .filter(login_attempt::Column::StateHash.eq(digest(state)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let taken = login_attempt::Entity::delete_by_id(attempt.id)
        .exec(db)
        .await?;
    let usable =
        taken.rows_affected == 1 && attempt.expires_at > now && attempt.provider == provider;
    Ok(usable.then_some(attempt))
}

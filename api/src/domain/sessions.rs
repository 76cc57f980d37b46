//! Login sessions: opened after a successful OAuth callback, presented as a
//! cookie or a Bearer token, renewed while used, ended by logout. The
//! database keeps only the token's digest.

use chrono::{DateTime, Duration, Utc};
use entities::{session, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::{
    accounts::user_actor,
    actor::Actor,
    error::{DomainError, DomainResult},
    secrets::{SESSION_PREFIX, digest, new_secret},
    values::EmailAddress,
};
use crate::config::Config;

/// How long sessions last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLifetime {
    /// Unused this long, a session expires; each use pushes expiry forward.
    pub idle: Duration,
    /// No session outlives this, however busy.
    pub absolute: Duration,
}

impl SessionLifetime {
    /// The configured lifetime (`session_idle_minutes`, `session_max_days`).
    pub fn of(config: &Config) -> Self {
        Self {
            idle: Duration::minutes(i64::from(config.session_idle_minutes)),
            absolute: Duration::days(i64::from(config.session_max_days)),
        }
    }
}

/// Renewals are written at most this often, so a busy client does not turn
/// every read into a write.
const RENEW_EVERY: Duration = Duration::seconds(60);

/// The condition "the session is open at `now`": not ended by logout, and
/// neither its idle nor its absolute expiry reached. The one statement of
/// the rule: [`resolve`] accepts only such sessions, housekeeping deletes
/// every other one.
pub fn open_at(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(session::Column::RevokedAt.is_null())
        .add(session::Column::ExpiresAt.gt(now))
        .add(session::Column::AbsoluteExpiresAt.gt(now))
}

/// Opens a session for `user_id`; returns it with its secret (shown once).
pub async fn open<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    user_agent: Option<String>,
    lifetime: SessionLifetime,
    now: DateTime<Utc>,
) -> DomainResult<(session::Model, String)> {
    let secret = new_secret(SESSION_PREFIX);
    let absolute = now + lifetime.absolute;
    let model = session::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(digest(&secret)),
        user_agent: Set(user_agent.map(|ua| ua.chars().take(200).collect())),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set((now + lifetime.idle).min(absolute)),
        absolute_expires_at: Set(absolute),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((model, secret))
}

/// Opens a session for the user with address `email`, from the command
/// line: how someone tries the API as a demo person (or an operator acts
/// as a user) without an identity provider. Nobody with the address is
/// `NOT_FOUND`.
pub async fn open_by_operator<C: ConnectionTrait>(
    db: &C,
    email: &str,
    lifetime: SessionLifetime,
    now: DateTime<Utc>,
) -> DomainResult<(user::Model, session::Model, String)> {
    let email = EmailAddress::parse("email", email)?.into_string();
    let person = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .order_by_asc(user::Column::Id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { entity: "User" })?;
    let (session, secret) = open(
        db,
        person.id,
        Some("pactum session create".to_owned()),
        lifetime,
        now,
    )
    .await?;
    Ok((person, session, secret))
}

/// The actor behind a session secret, renewing the session's idle expiry.
/// Unknown, expired and revoked sessions are refused alike.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    secret: &str,
    lifetime: SessionLifetime,
    now: DateTime<Utc>,
) -> DomainResult<Resolved> {
    let refused =
        || DomainError::Unauthenticated("the session has expired or ended; log in again".into());
    let found = session::Entity::find()
        .filter(session::Column::TokenHash.eq(digest(secret)))
        .filter(open_at(now))
        .one(db)
        .await?
        .ok_or_else(refused)?;
    let (user_id, session_id) = (found.user_id, found.id);
    let mut valid_until = found.expires_at;
    if now - found.last_seen_at >= RENEW_EVERY {
        let absolute = found.absolute_expires_at;
        valid_until = (now + lifetime.idle).min(absolute);
        let mut active: session::ActiveModel = found.into();
        active.last_seen_at = Set(now);
        active.expires_at = Set(valid_until);
        active.update(db).await?;
    }
    Ok(Resolved {
        actor: user_actor(db, user_id, Some(session_id)).await?,
        valid_until,
    })
}

/// Who a credential stands for, and until when it is valid at most.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The actor.
    pub actor: Actor,
    /// The credential's expiry (as of now).
    pub valid_until: DateTime<Utc>,
}

/// Ends the session with this secret, if it is open. Returns whether one was.
pub async fn revoke<C: ConnectionTrait>(
    db: &C,
    secret: &str,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let result = session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(session::Column::TokenHash.eq(digest(secret)))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    super::write::note_committed();
    Ok(result.rows_affected > 0)
}

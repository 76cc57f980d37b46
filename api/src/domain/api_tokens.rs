//! API tokens: an organization's ADMIN issues them to integrations (an NGO
//! portal, a dashboard backend), sees the secret once, lists and revokes
//! them. Operators mint them from the command line.

use chrono::{DateTime, Duration, Utc};
use entities::{api_token, enums::TokenScope};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};

use super::{
    accounts::partners_of,
    actor::{Actor, TokenActor},
    audit::{Author, Change},
    error::{DomainError, DomainResult},
    input::fields,
    policy::{Action, authorize},
    secrets::{API_TOKEN_PREFIX, digest, new_secret},
    sessions::Resolved,
    write::Write,
};

/// The longest lifetime a token created through the API may have.
pub const MAX_LIFETIME: Duration = Duration::days(366);
/// The lifetime of a token whose creator names none.
pub const DEFAULT_LIFETIME: Duration = Duration::days(90);

/// What a new token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiToken {
    /// The organization it acts for.
    pub organization_id: i64,
    /// What it is for.
    pub name: String,
    /// Read only (the default) or read and write.
    pub scope: TokenScope,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

impl NewApiToken {
    /// Checks the name and the expiry against `max_lifetime`.
    fn validate(&self, now: DateTime<Utc>, max_lifetime: Duration) -> DomainResult<String> {
        let name = fields::API_TOKEN_NAME.required(&self.name)?;
        if self.expires_at <= now {
            return Err(DomainError::invalid(
                "expiresAt",
                "the expiry must be in the future",
            ));
        }
        if self.expires_at > now + max_lifetime {
            return Err(DomainError::invalid(
                "expiresAt",
                format!("a token may live at most {} days", max_lifetime.num_days()),
            ));
        }
        Ok(name)
    }
}

/// Creates a token as `actor` (an ADMIN of the organization); returns it
/// with its secret, which is never shown again.
pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    new: &NewApiToken,
    now: DateTime<Utc>,
) -> DomainResult<(api_token::Model, String)> {
    authorize(actor, Action::ManageApiTokens, new.organization_id)?;
    let name = new.validate(now, MAX_LIFETIME)?;
    insert(db, new, name, Author::Actor(actor), now).await
}

/// Creates a token for an operator at the command line (no role check;
/// lifetimes up to ten years).
pub async fn create_by_operator<C: TransactionTrait>(
    db: &C,
    new: &NewApiToken,
    now: DateTime<Utc>,
) -> DomainResult<(api_token::Model, String)> {
    let name = new.validate(now, Duration::days(3650))?;
    insert(db, new, name, Author::Operator, now).await
}

async fn insert<C: TransactionTrait>(
    db: &C,
    new: &NewApiToken,
    name: String,
    author: Author<'_>,
    now: DateTime<Utc>,
) -> DomainResult<(api_token::Model, String)> {
    let mut txn = Write::begin(db, author, now).await?;
    let created_by = txn.actor_user_id();
    let secret = new_secret(API_TOKEN_PREFIX);
    let hint: String = secret.chars().skip(secret.chars().count() - 4).collect();
    let model = api_token::ActiveModel {
        organization_id: Set(new.organization_id),
        name: Set(name),
        scope: Set(new.scope),
        token_hash: Set(digest(&secret)),
        hint: Set(hint),
        created_by_id: Set(created_by),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.audit(Change::of(
        Some(model.organization_id),
        "api_token.create",
        "ApiToken",
        model.id,
        None::<&()>,
        Some(&model),
    ));
    txn.commit().await?;
    Ok((model, secret))
}

/// The actor behind a token secret. Unknown, expired and revoked tokens are
/// refused alike.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    secret: &str,
    now: DateTime<Utc>,
) -> DomainResult<Resolved> {
    let refused =
        || DomainError::Unauthenticated("the API token is unknown, expired or revoked".into());
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(digest(secret)))
        .one(db)
        .await?
        .ok_or_else(refused)?;
    if found.revoked_at.is_some() || found.expires_at <= now {
        return Err(refused());
    }
    let partners = partners_of(db, &[found.organization_id]).await?;
    let valid_until = found.expires_at;
    let actor = Actor::Token(TokenActor {
        token_id: found.id,
        organization_id: found.organization_id,
        scope: found.scope,
        partners,
    });
    if found
        .last_used_at
        .is_none_or(|used| now - used >= Duration::seconds(60))
    {
        let mut active: api_token::ActiveModel = found.into();
        active.last_used_at = Set(Some(now));
        active.update(db).await?;
    }
    Ok(Resolved { actor, valid_until })
}

/// A token by id, if `actor` may manage its organization's tokens.
pub async fn find_managed<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    token_id: i64,
) -> DomainResult<api_token::Model> {
    let token = api_token::Entity::find_by_id(token_id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { entity: "ApiToken" })?;
    authorize(actor, Action::ManageApiTokens, token.organization_id)?;
    Ok(token)
}

/// Revokes a token; revoking twice is harmless.
pub async fn revoke<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    token_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<api_token::Model> {
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let token = find_managed(&txn, actor, token_id).await?;
    if token.revoked_at.is_some() {
        return Ok(token);
    }
    let before = token.clone();
    let mut active: api_token::ActiveModel = token.into();
    active.revoked_at = Set(Some(now));
    let revoked = active.update(&txn).await?;
    txn.audit(Change::of(
        Some(revoked.organization_id),
        "api_token.revoke",
        "ApiToken",
        revoked.id,
        Some(&before),
        Some(&revoked),
    ));
    txn.commit().await?;
    Ok(revoked)
}

/// An organization's tokens, newest first, for its ADMINs.
pub async fn of_organization<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    organization: i64,
) -> DomainResult<Vec<api_token::Model>> {
    authorize(actor, Action::ManageApiTokens, organization)?;
    Ok(api_token::Entity::find()
        .filter(api_token::Column::OrganizationId.eq(organization))
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?)
}

/// The tokens a user created, newest first.
pub async fn created_by<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> DomainResult<Vec<api_token::Model>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::CreatedById.eq(user_id))
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(name: &str, expires_in: Duration) -> (NewApiToken, DateTime<Utc>) {
        let now = Utc::now();
        (
            NewApiToken {
                organization_id: 1,
                name: name.into(),
                scope: TokenScope::Read,
                expires_at: now + expires_in,
            },
            now,
        )
    }

    #[test]
    fn names_and_lifetimes_are_checked() {
        let (ok, now) = token(" Portal ONG ", Duration::days(30));
        assert_eq!(
            ok.validate(now, MAX_LIFETIME).ok().as_deref(),
            Some("Portal ONG")
        );
        let (blank, now) = token("  ", Duration::days(30));
        assert!(blank.validate(now, MAX_LIFETIME).is_err());
        let (past, now) = token("x", Duration::days(-1));
        assert!(past.validate(now, MAX_LIFETIME).is_err());
        let (long, now) = token("x", Duration::days(400));
        assert!(long.validate(now, MAX_LIFETIME).is_err());
        assert!(long.validate(now, Duration::days(3650)).is_ok());
    }
}

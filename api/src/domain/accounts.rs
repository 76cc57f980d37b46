//! Users and their logins: turning a verified identity into a user (creating
//! it on first login), taking up invitations for a verified address, and
//! building the [`Actor`] a request acts as.

use chrono::{DateTime, Utc};
use entities::{
    agreement, agreement_party,
    enums::{AgreementStatus, Language, MemberRole},
    identity, invitation, membership, user,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
    sea_query::{Alias, Expr, ExprTrait, Query},
};

use super::{
    actor::{Actor, UserActor},
    audit::{Author, Change},
    error::{DomainError, DomainResult},
    input::fields,
    values::EmailAddress,
    write::Write,
};

/// What an identity provider told us about the person logging in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedLogin {
    /// Configured provider id.
    pub provider: String,
    /// The provider's stable subject.
    pub subject: String,
    /// E-mail address, if the provider gave one.
    pub email: Option<String>,
    /// Whether the provider vouched for the address.
    pub email_verified: bool,
    /// Display name, if given.
    pub name: Option<String>,
}

/// Finds or creates the user behind `login` (by provider and subject, never
/// by e-mail alone) and takes up open invitations for a verified address.
/// All in one transaction.
pub async fn sign_in<C: TransactionTrait>(
    db: &C,
    login: &VerifiedLogin,
    now: DateTime<Utc>,
) -> DomainResult<user::Model> {
    // Nobody is signed in yet, so Pactum itself makes the change; a login
    // notes no audit entry and no event.
    let txn = Write::begin(db, Author::System, now).await?;
    let email = match login
        .email
        .as_deref()
        .map(|e| EmailAddress::parse("email", e))
    {
        Some(Ok(email)) => Some(email.into_string()),
        _ => None,
    };
    let existing = identity::Entity::find()
        .filter(identity::Column::Provider.eq(login.provider.as_str()))
        .filter(identity::Column::Subject.eq(login.subject.as_str()))
        .one(&txn)
        .await?;
    let display_name = login
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let user = match existing {
        Some(found) => {
            let user = user::Entity::find_by_id(found.user_id)
                .one(&txn)
                .await?
                .ok_or(DomainError::NotFound { entity: "User" })?;
            let mut active: user::ActiveModel = user.into();
            active.last_login_at = Set(Some(now));
            if let Some(email) = &email {
                active.email = Set(email.clone());
            }
            let user = active.update(&txn).await?;
            let mut identity: identity::ActiveModel = found.into();
            identity.email = Set(email.clone());
            identity.email_verified = Set(login.email_verified);
            identity.last_login_at = Set(now);
            identity.update(&txn).await?;
            user
        }
        None => {
            let Some(address) = email.clone() else {
                return Err(DomainError::invalid(
                    "email",
                    "the identity provider did not give an e-mail address",
                ));
            };
            let name = display_name
                .clone()
                .unwrap_or_else(|| address.split('@').next().unwrap_or(&address).to_owned());
            let user = user::ActiveModel {
                email: Set(address),
                display_name: Set(name),
                preferred_language: Set(Language::Ro),
                created_at: Set(now),
                updated_at: Set(now),
                last_login_at: Set(Some(now)),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            identity::ActiveModel {
                user_id: Set(user.id),
                provider: Set(login.provider.clone()),
                subject: Set(login.subject.clone()),
                email: Set(email.clone()),
                email_verified: Set(login.email_verified),
                created_at: Set(now),
                last_login_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            user
        }
    };
    if login.email_verified
        && let Some(email) = &email
    {
        accept_invitations(&txn, user.id, email, now).await?;
    }
    txn.commit().await?;
    Ok(user)
}

/// Turns every open, unexpired invitation for `email` into a membership
/// (keeping the higher role if the user is already a member).
pub async fn accept_invitations<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    email: &str,
    now: DateTime<Utc>,
) -> DomainResult<usize> {
    let open = invitation::Entity::find()
        .filter(invitation::Column::Email.eq(email))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .all(db)
        .await?;
    let count = open.len();
    for invite in open {
        grant_role(db, user_id, invite.organization_id, invite.role, now).await?;
        let mut active: invitation::ActiveModel = invite.into();
        active.accepted_at = Set(Some(now));
        active.accepted_by_id = Set(Some(user_id));
        active.update(db).await?;
    }
    Ok(count)
}

/// Makes `user_id` a member of `organization` with at least `role`.
pub async fn grant_role<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    organization: i64,
    role: MemberRole,
    now: DateTime<Utc>,
) -> DomainResult<membership::Model> {
    let existing = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::OrganizationId.eq(organization))
        .one(db)
        .await?;
    Ok(match existing {
        Some(found) if super::actor::rank(found.role) >= super::actor::rank(role) => found,
        Some(found) => set_role(db, found, role, now).await?,
        None => {
            membership::ActiveModel {
                user_id: Set(user_id),
                organization_id: Set(organization),
                role: Set(role),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    })
}

/// Gives the member `found` the role `role` (whichever it had before).
pub(crate) async fn set_role<C: ConnectionTrait>(
    db: &C,
    found: membership::Model,
    role: MemberRole,
    now: DateTime<Utc>,
) -> DomainResult<membership::Model> {
    let mut active: membership::ActiveModel = found.into();
    active.role = Set(role);
    active.updated_at = Set(now);
    Ok(active.update(db).await?)
}

/// The organizations sharing an ACTIVE agreement with one of `orgs`, other
/// than `orgs` themselves. One statement.
pub async fn partners_of<C: ConnectionTrait>(db: &C, orgs: &[i64]) -> DomainResult<Vec<i64>> {
    if orgs.is_empty() {
        return Ok(Vec::new());
    }
    let mine = Alias::new("mine");
    let theirs = Alias::new("theirs");
    let query = Query::select()
        .distinct()
        .column((theirs.clone(), agreement_party::Column::OrganizationId))
        .from_as(agreement_party::Entity, mine.clone())
        .inner_join(
            agreement::Entity,
            Expr::col((agreement::Entity, agreement::Column::Id))
                .equals((mine.clone(), agreement_party::Column::AgreementId)),
        )
        .join_as(
            sea_orm::sea_query::JoinType::InnerJoin,
            agreement_party::Entity,
            theirs.clone(),
            Expr::col((theirs.clone(), agreement_party::Column::AgreementId))
                .equals((agreement::Entity, agreement::Column::Id)),
        )
        .and_where(
            Expr::col((agreement::Entity, agreement::Column::Status))
                .eq(sea_orm::ActiveEnum::to_value(&AgreementStatus::Active)),
        )
        .and_where(
            Expr::col((mine, agreement_party::Column::OrganizationId)).is_in(orgs.iter().copied()),
        )
        .and_where(
            Expr::col((theirs.clone(), agreement_party::Column::OrganizationId))
                .is_not_in(orgs.iter().copied()),
        )
        .to_owned();
    let rows = db.query_all(&query).await?;
    let mut partners = rows
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0))
        .collect::<Result<Vec<_>, _>>()?;
    partners.sort_unstable();
    Ok(partners)
}

/// The actor for `user_id`: their memberships and their organizations'
/// partners.
pub async fn user_actor<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    session_id: Option<i64>,
) -> DomainResult<Actor> {
    let memberships: Vec<(i64, MemberRole)> = membership::Entity::find()
        .select_only()
        .column(membership::Column::OrganizationId)
        .column(membership::Column::Role)
        .filter(membership::Column::UserId.eq(user_id))
        .order_by_asc(membership::Column::OrganizationId)
        .into_tuple()
        .all(db)
        .await?;
    let orgs: Vec<i64> = memberships.iter().map(|(org, _)| *org).collect();
    let partners = partners_of(db, &orgs).await?;
    Ok(Actor::User(UserActor {
        user_id,
        session_id,
        memberships,
        partners,
    }))
}

/// Users by id. People are not public: callers decide who may see them.
pub async fn users_by_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> DomainResult<std::collections::HashMap<i64, user::Model>> {
    super::load_by_ids(db, user::Entity::find(), user::Column::Id, ids, |m| m.id).await
}

/// The memberships of a user, in order of joining.
pub async fn memberships_of<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> DomainResult<Vec<membership::Model>> {
    Ok(membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .order_by_asc(membership::Column::Id)
        .all(db)
        .await?)
}

/// A user by id.
pub async fn user_by_id<C: ConnectionTrait>(db: &C, id: i64) -> DomainResult<user::Model> {
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { entity: "User" })
}

/// Changes a user's own profile (display name, language).
pub async fn update_profile<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    display_name: Option<&str>,
    language: Option<Language>,
    now: DateTime<Utc>,
) -> DomainResult<user::Model> {
    let Some(user_id) = actor.user_id() else {
        return Err(DomainError::Unauthenticated(
            "log in as a person to change a profile".into(),
        ));
    };
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let user = user_by_id(&txn, user_id).await?;
    let before = user.clone();
    let mut active: user::ActiveModel = user.into();
    if let Some(name) = display_name {
        active.display_name = Set(fields::DISPLAY_NAME.required(name)?);
    }
    if let Some(language) = language {
        active.preferred_language = Set(language);
    }
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;
    txn.audit(Change::of(
        None,
        "user.update_profile",
        "User",
        updated.id,
        Some(&before),
        Some(&updated),
    ));
    txn.commit().await?;
    Ok(updated)
}

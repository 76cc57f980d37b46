//! An organization's people: members with roles, and invitations by e-mail.
//! The rules: ADMINs manage members below OWNER, only OWNERs grant, change or
//! remove OWNER; anyone may leave; an organization always keeps an OWNER,
//! even under concurrent changes (the organization row is locked first).

use chrono::{DateTime, Duration, Utc};
use entities::{
    enums::{EventKind, MemberRole},
    invitation, membership, organization, user,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set, TransactionTrait, sea_query::Expr,
};

use super::{
    accounts::{grant_role, set_role},
    actor::Actor,
    audit::{Author, Change},
    error::{DomainError, DomainResult, Reason},
    events::Event,
    input::fields,
    policy::{Action, authorize},
    values::EmailAddress,
    write::Write,
};

/// How long an invitation stays open.
pub const INVITATION_LIFETIME: Duration = Duration::days(14);

/// The action needed to give or take away `role`.
fn action_for(role: MemberRole) -> Action {
    if role == MemberRole::Owner {
        Action::ManageOwners
    } else {
        Action::ManageMembers
    }
}

/// Takes a write lock on the organization's row, so concurrent membership
/// changes of one organization run one after another (PostgreSQL row lock;
/// SQLite's single writer).
async fn lock_organization<C: ConnectionTrait>(db: &C, organization: i64) -> DomainResult<()> {
    super::lock_row::<organization::Entity, _>(
        db,
        organization::Column::Id,
        organization::Column::UpdatedAt,
        organization,
        "Organization",
    )
    .await
}

/// Refuses the change if it left the organization without an OWNER.
async fn keeps_an_owner<C: ConnectionTrait>(db: &C, organization: i64) -> DomainResult<()> {
    let owners = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(organization))
        .filter(membership::Column::Role.eq(MemberRole::Owner))
        .count(db)
        .await?;
    if owners == 0 {
        return Err(DomainError::conflict(
            Reason::LastOwner,
            "an organization must keep at least one OWNER; make someone else OWNER first",
        ));
    }
    Ok(())
}

/// Narrows `query` to the open (neither accepted nor revoked) invitations
/// of `email` to `organization`.
fn open_invitation_of<Q: QueryFilter>(query: Q, organization: i64, email: &str) -> Q {
    query
        .filter(invitation::Column::OrganizationId.eq(organization))
        .filter(invitation::Column::Email.eq(email))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
}

/// Inserts a new invitation of `email` to `organization` as `role`, open
/// for [`INVITATION_LIFETIME`] from `now`.
async fn insert_invitation<C: ConnectionTrait>(
    db: &C,
    organization: i64,
    email: String,
    role: MemberRole,
    invited_by: Option<i64>,
    now: DateTime<Utc>,
) -> DomainResult<invitation::Model> {
    Ok(invitation::ActiveModel {
        organization_id: Set(organization),
        email: Set(email),
        role: Set(role),
        invited_by_id: Set(invited_by),
        created_at: Set(now),
        expires_at: Set(now + INVITATION_LIFETIME),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The organization's members, by role then name order of joining.
pub async fn members<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    organization: i64,
) -> DomainResult<Vec<membership::Model>> {
    authorize(actor, Action::ViewMembers, organization)?;
    Ok(membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(organization))
        .order_by_asc(membership::Column::Id)
        .all(db)
        .await?)
}

/// The organization's open invitations, for those who manage members.
pub async fn open_invitations<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    organization: i64,
    now: DateTime<Utc>,
) -> DomainResult<Vec<invitation::Model>> {
    authorize(actor, Action::ManageMembers, organization)?;
    Ok(invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(organization))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .order_by_desc(invitation::Column::Id)
        .all(db)
        .await?)
}

/// Invites `email` to join `organization` as `role`. Inviting an address
/// again renews the open invitation with the new role.
pub async fn invite<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    organization: i64,
    email: &str,
    role: MemberRole,
    now: DateTime<Utc>,
) -> DomainResult<invitation::Model> {
    authorize(actor, Action::ManageMembers, organization)?;
    authorize(actor, action_for(role), organization)?;
    let email = EmailAddress::parse("email", &fields::INVITED_EMAIL.clean(email)?)?.into_string();
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    lock_organization(&txn, organization).await?;
    let already_member = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(organization))
        .filter(
            membership::Column::UserId.in_subquery(
                user::Entity::find()
                    .select_only()
                    .column(user::Column::Id)
                    .filter(user::Column::Email.eq(email.as_str()))
                    .into_query(),
            ),
        )
        .count(&txn)
        .await?
        > 0;
    if already_member {
        return Err(DomainError::conflict(
            Reason::AlreadyMember,
            "someone with this address is already a member; change their role instead",
        ));
    }
    let open = open_invitation_of(invitation::Entity::find(), organization, &email)
        .one(&txn)
        .await?;
    let invitation = match open {
        Some(found) => {
            let mut active: invitation::ActiveModel = found.into();
            active.role = Set(role);
            active.invited_by_id = Set(actor.user_id());
            active.expires_at = Set(now + INVITATION_LIFETIME);
            active.update(&txn).await?
        }
        None => insert_invitation(&txn, organization, email, role, actor.user_id(), now).await?,
    };
    txn.audit(Change::of(
        Some(organization),
        "member.invite",
        "Invitation",
        invitation.id,
        None::<&()>,
        Some(&invitation),
    ));
    txn.event(Event::about(
        EventKind::MemberInvited,
        organization,
        "Invitation",
        invitation.id,
        serde_json::json!({ "email": invitation.email, "role": invitation.role }),
    ));
    txn.commit().await?;
    Ok(invitation)
}

/// Withdraws an open invitation.
pub async fn revoke_invitation<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    invitation_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<invitation::Model> {
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let found = invitation::Entity::find_by_id(invitation_id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound {
            entity: "Invitation",
        })?;
    authorize(actor, Action::ManageMembers, found.organization_id)?;
    authorize(actor, action_for(found.role), found.organization_id)?;
    if found.accepted_at.is_some() {
        return Err(DomainError::conflict(
            Reason::AlreadyAccepted,
            "the invitation was already accepted; remove the member instead",
        ));
    }
    if found.revoked_at.is_some() {
        return Ok(found);
    }
    let before = found.clone();
    let mut active: invitation::ActiveModel = found.into();
    active.revoked_at = Set(Some(now));
    let revoked = active.update(&txn).await?;
    txn.audit(Change::of(
        Some(revoked.organization_id),
        "member.revoke_invitation",
        "Invitation",
        revoked.id,
        Some(&before),
        Some(&revoked),
    ));
    txn.commit().await?;
    Ok(revoked)
}

async fn find_membership<C: ConnectionTrait>(
    db: &C,
    membership_id: i64,
) -> DomainResult<membership::Model> {
    membership::Entity::find_by_id(membership_id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound {
            entity: "Membership",
        })
}

/// Changes a member's role.
pub async fn change_role<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    membership_id: i64,
    role: MemberRole,
    now: DateTime<Utc>,
) -> DomainResult<membership::Model> {
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let target = find_membership(&txn, membership_id).await?;
    let org = target.organization_id;
    authorize(actor, Action::ManageMembers, org)?;
    authorize(actor, action_for(target.role), org)?;
    authorize(actor, action_for(role), org)?;
    lock_organization(&txn, org).await?;
    // Read again under the lock: a concurrent change may have won.
    let target = find_membership(&txn, membership_id).await?;
    let before = target.clone();
    let updated = set_role(&txn, target, role, now).await?;
    keeps_an_owner(&txn, org).await?;
    txn.audit(Change::of(
        Some(org),
        "member.change_role",
        "Membership",
        updated.id,
        Some(&before),
        Some(&updated),
    ));
    txn.commit().await?;
    Ok(updated)
}

/// Removes a member; members may remove themselves (leave).
pub async fn remove_member<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    membership_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<membership::Model> {
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let target = find_membership(&txn, membership_id).await?;
    let org = target.organization_id;
    let leaving = actor.user_id() == Some(target.user_id);
    if !leaving {
        authorize(actor, Action::ManageMembers, org)?;
        authorize(actor, action_for(target.role), org)?;
    }
    lock_organization(&txn, org).await?;
    let target = find_membership(&txn, membership_id).await?;
    membership::Entity::delete_by_id(target.id)
        .exec(&txn)
        .await?;
    keeps_an_owner(&txn, org).await?;
    txn.audit(Change::of(
        Some(org),
        if leaving {
            "member.leave"
        } else {
            "member.remove"
        },
        "Membership",
        target.id,
        Some(&target),
        None::<&()>,
    ));
    txn.commit().await?;
    Ok(target)
}

/// What `pactum org add-member` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatorGrant {
    /// The address belongs to a user, who now holds the role.
    Granted(membership::Model),
    /// Nobody has logged in with the address yet: an invitation waits for
    /// their first login with it verified.
    Invited(invitation::Model),
}

/// Gives `email` a role in `organization` from the command line, bypassing
/// the policy (this is how the first OWNER of an organization is made). An
/// invitation is mailed to the address, as one made through the API is.
pub async fn grant_by_operator<C: TransactionTrait>(
    db: &C,
    organization: i64,
    email: &str,
    role: MemberRole,
    now: DateTime<Utc>,
) -> DomainResult<OperatorGrant> {
    let email = EmailAddress::parse("email", email)?.into_string();
    let mut txn = Write::begin(db, Author::Operator, now).await?;
    lock_organization(&txn, organization).await?;
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .order_by_asc(user::Column::Id)
        .one(&txn)
        .await?;
    let outcome = match existing {
        Some(user) => {
            let found = membership::Entity::find()
                .filter(membership::Column::UserId.eq(user.id))
                .filter(membership::Column::OrganizationId.eq(organization))
                .one(&txn)
                .await?;
            let granted = match found {
                Some(found) => {
                    let demotes_owner =
                        found.role == MemberRole::Owner && role != MemberRole::Owner;
                    let updated = set_role(&txn, found, role, now).await?;
                    if demotes_owner {
                        keeps_an_owner(&txn, organization).await?;
                    }
                    updated
                }
                None => grant_role(&txn, user.id, organization, role, now).await?,
            };
            OperatorGrant::Granted(granted)
        }
        None => {
            open_invitation_of(
                invitation::Entity::update_many()
                    .col_expr(invitation::Column::RevokedAt, Expr::value(now)),
                organization,
                &email,
            )
            .exec(&txn)
            .await?;
            let invitation = insert_invitation(&txn, organization, email, role, None, now).await?;
            OperatorGrant::Invited(invitation)
        }
    };
    let (entity, id, after) = match &outcome {
        OperatorGrant::Granted(m) => ("Membership", m.id, serde_json::to_value(m).ok()),
        OperatorGrant::Invited(i) => ("Invitation", i.id, serde_json::to_value(i).ok()),
    };
    txn.audit(Change {
        organization_id: Some(organization),
        action: "member.grant_by_operator",
        entity,
        entity_id: id,
        before: None,
        after,
    });
    // An invitation made here is mailed like one made through the API.
    if let OperatorGrant::Invited(i) = &outcome {
        txn.event(Event::about(
            EventKind::MemberInvited,
            organization,
            "Invitation",
            i.id,
            serde_json::json!({ "email": i.email, "role": i.role }),
        ));
    }
    txn.commit().await?;
    Ok(outcome)
}

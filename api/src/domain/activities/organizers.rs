//! Co-organizers: the lead organizer invites an organization, which is
//! listed (and whose members see the activity as organizers) only once it
//! accepts; it may decline, or later stop co-organizing.

use chrono::{DateTime, Utc};
use entities::{activity, activity_organizer, enums::ActivityStatus};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};

use super::{illegal, lock, open, query::if_visible, rules::check_organization, touch};
use crate::domain::{
    actor::Actor,
    audit::{Author, Change},
    error::{DomainError, DomainResult, Reason},
    policy::{Action, authorize},
    write::Write,
};

/// Invites an organization to co-organize (EDITOR of the lead organizer).
/// It is listed, and its members see the activity as organizers, only once
/// an EDITOR of it accepts.
pub async fn invite_co_organizer<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    organization_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<activity::Model> {
    let (mut txn, current) = open(db, actor, id, now).await?;
    txn.authorize(Action::ManageActivities, current.owner_id)?;
    if current.status == ActivityStatus::Cancelled {
        return Err(illegal("invite a co-organizer", current.status));
    }
    if organization_id == current.owner_id {
        return Err(DomainError::invalid(
            "organizationId",
            "the lead organizer already organizes the activity",
        ));
    }
    check_organization(&txn, organization_id).await?;
    let existing = activity_organizer::Entity::find()
        .filter(activity_organizer::Column::ActivityId.eq(current.id))
        .filter(activity_organizer::Column::OrganizationId.eq(organization_id))
        .one(&txn)
        .await?;
    if let Some(existing) = existing {
        return Err(DomainError::conflict(
            Reason::AlreadyOrganizer,
            if existing.accepted_at.is_some() {
                "the organization already co-organizes the activity"
            } else {
                "the organization was already invited and has not answered yet"
            },
        ));
    }
    let invited = activity_organizer::ActiveModel {
        activity_id: Set(current.id),
        organization_id: Set(organization_id),
        accepted_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let updated = touch(&txn, current, now).await?;
    txn.audit(Change::of(
        Some(updated.owner_id),
        "activity.invite_co_organizer",
        "ActivityOrganizer",
        invited.id,
        None::<&()>,
        Some(&invited),
    ));
    txn.commit().await?;
    Ok(updated)
}

/// The invited organization's row, locked with its activity; NotFound when
/// there is no invitation (so nothing is revealed to others).
async fn invitation<C: ConnectionTrait>(
    db: &C,
    id: i64,
    organization_id: i64,
) -> DomainResult<(activity::Model, activity_organizer::Model)> {
    let current = lock(db, id).await?;
    let row = activity_organizer::Entity::find()
        .filter(activity_organizer::Column::ActivityId.eq(id))
        .filter(activity_organizer::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .filter(|_| organization_id != current.owner_id)
        .ok_or(DomainError::NotFound { entity: "Activity" })?;
    Ok((current, row))
}

/// Accepts being listed as a co-organizer (EDITOR of the invited
/// organization). From then on the organization's members see the activity
/// as organizers do.
pub async fn accept_co_organizing<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    organization_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<Option<activity::Model>> {
    authorize(actor, Action::ManageActivities, organization_id)?;
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let (current, row) = invitation(&txn, id, organization_id).await?;
    if row.accepted_at.is_some() {
        return Err(DomainError::conflict(
            Reason::IllegalTransition,
            "cannot accept: the invitation is already ACCEPTED",
        ));
    }
    let before = row.clone();
    let mut active: activity_organizer::ActiveModel = row.into();
    active.accepted_at = Set(Some(now));
    let accepted = active.update(&txn).await?;
    let updated = touch(&txn, current, now).await?;
    txn.audit(Change::of(
        Some(organization_id),
        "activity.accept_co_organizing",
        "ActivityOrganizer",
        accepted.id,
        Some(&before),
        Some(&accepted),
    ));
    let visible_now = if_visible(&txn, actor, updated.id).await?;
    txn.commit().await?;
    Ok(visible_now)
}

/// Declines an invitation to co-organize, or stops co-organizing (EDITOR
/// of that organization): the organization is no longer listed.
pub async fn decline_co_organizing<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    organization_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<Option<activity::Model>> {
    authorize(actor, Action::ManageActivities, organization_id)?;
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let (current, row) = invitation(&txn, id, organization_id).await?;
    activity_organizer::Entity::delete_by_id(row.id)
        .exec(&txn)
        .await?;
    let updated = touch(&txn, current, now).await?;
    txn.audit(Change::of(
        Some(organization_id),
        "activity.decline_co_organizing",
        "ActivityOrganizer",
        row.id,
        Some(&row),
        None::<&()>,
    ));
    let visible_now = if_visible(&txn, actor, updated.id).await?;
    txn.commit().await?;
    Ok(visible_now)
}

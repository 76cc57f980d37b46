//! Joint activities: listing, lookup, participation counts and the lists
//! hanging off organizations, agreements and projects; and their lifecycle:
//! PLANNED → COMPLETED or CANCELLED, co-organizers who must accept being
//! listed, participation counts, linked documents.
//!
//! An organization is an organizer of an activity when it owns it (the lead
//! organizer) or holds an ACCEPTED row in `activity_organizers`; a pending
//! invitation grants neither visibility nor any right.
//!
//! Reading is in `query`, the checks a change must pass in `rules`, the
//! activity's own lifecycle in `lifecycle`, co-organizer invitations in
//! `organizers`, participation counts in `participation` and linked
//! documents in `documents`. Every change is one [`Write`] (the one
//! mutation skeleton); a change of an existing activity first locks its
//! row. This file holds what the changes share.

mod documents;
mod lifecycle;
mod organizers;
mod participation;
mod query;
mod rules;

pub use documents::{link_document, unlink_document};
pub use lifecycle::{ActivityChanges, Completion, NewActivity, cancel, complete, create, update};
pub use organizers::{accept_co_organizing, decline_co_organizing, invite_co_organizer};
pub use participation::{ParticipationCount, set_participation};
pub use query::{
    ActivityFilter, ActivitySort, by_ids, list, of_agreements, of_organizers, of_projects,
    organized_by, participations_of_activities, pending_organizers_of_activities, seen_by_anyone,
    visible, visible_beyond_public,
};

use chrono::{DateTime, Utc};
use entities::{
    activity, activity_organizer,
    enums::{ActivityStatus, EventKind},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionSession, TransactionTrait,
};
use serde::Serialize;

use super::{
    actor::Actor,
    audit::{Author, Change},
    error::{DomainError, DomainResult},
    events::Event,
    policy::{Action, authorize, require_login},
    write::Write,
};

/// The user error for a transition the current state does not allow.
fn illegal(what: &str, status: ActivityStatus) -> DomainError {
    super::illegal_transition(what, "activity", &status)
}

/// Opens a change of activity `id` by `actor`: the transaction, and the
/// activity locked first and read as the actor may see it.
async fn open<'a, C: TransactionTrait>(
    db: &C,
    actor: &'a Actor,
    id: i64,
    now: DateTime<Utc>,
) -> DomainResult<(Write<'a, C::Transaction>, activity::Model)> {
    require_login(actor)?;
    let txn = Write::begin(db, Author::Actor(actor), now).await?;
    let current = lock_visible(&txn, actor, id).await?;
    Ok((txn, current))
}

/// Takes a write lock on an activity's row (PostgreSQL row lock; SQLite's
/// single writer), then reads it if `actor` may see it.
async fn lock_visible<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
) -> DomainResult<activity::Model> {
    lock(db, id).await?;
    visible(actor)
        .filter(activity::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { entity: "Activity" })
}

/// Takes a write lock on an activity's row and reads it, whoever asks.
async fn lock<C: ConnectionTrait>(db: &C, id: i64) -> DomainResult<activity::Model> {
    super::lock_row::<activity::Entity, _>(
        db,
        activity::Column::Id,
        activity::Column::Version,
        id,
        "Activity",
    )
    .await?;
    activity::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { entity: "Activity" })
}

/// The organizations that organize the activity: its owner and the
/// co-organizers that accepted.
async fn organizers<C: ConnectionTrait>(
    db: &C,
    activity: &activity::Model,
) -> DomainResult<Vec<i64>> {
    let mut orgs: Vec<i64> = activity_organizer::Entity::find()
        .select_only()
        .column(activity_organizer::Column::OrganizationId)
        .filter(activity_organizer::Column::ActivityId.eq(activity.id))
        .filter(activity_organizer::Column::AcceptedAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    if !orgs.contains(&activity.owner_id) {
        orgs.insert(0, activity.owner_id);
    }
    Ok(orgs)
}

/// Allows EDITORs of any organizer; otherwise the refusal for the owner.
async fn authorize_organizer<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    activity: &activity::Model,
) -> DomainResult<()> {
    let orgs = organizers(db, activity).await?;
    if orgs
        .iter()
        .any(|org| authorize(actor, Action::ManageActivities, *org).is_ok())
    {
        return Ok(());
    }
    Ok(authorize(
        actor,
        Action::ManageActivities,
        activity.owner_id,
    )?)
}

/// Bumps an activity's version for a change of its parts (organizers,
/// participation, documents) and returns it as now stored.
async fn touch<C: ConnectionTrait>(
    db: &C,
    activity: activity::Model,
    now: DateTime<Utc>,
) -> DomainResult<activity::Model> {
    let version = activity.version + 1;
    let mut active: activity::ActiveModel = activity.into();
    active.version = Set(version);
    active.updated_at = Set(now);
    Ok(active.update(db).await?)
}

/// Notes the audit entry of a change of `activity` (as now stored), in its
/// lead organizer, from `before` to `after`.
fn audit_change<T, B: Serialize, A: Serialize>(
    txn: &mut Write<'_, T>,
    action: &'static str,
    activity: &activity::Model,
    before: Option<&B>,
    after: Option<&A>,
) where
    T: ConnectionTrait + TransactionSession + Send,
{
    txn.audit(Change::of(
        Some(activity.owner_id),
        action,
        "Activity",
        activity.id,
        before,
        after,
    ));
}

/// Notes an activity event in its lead organizer, attributed to the person
/// making the change.
fn event<T>(
    txn: &mut Write<'_, T>,
    kind: EventKind,
    activity: &activity::Model,
    payload: serde_json::Value,
) where
    T: ConnectionTrait + TransactionSession + Send,
{
    txn.event(Event::about(
        kind,
        activity.owner_id,
        "Activity",
        activity.id,
        payload,
    ));
}

//! Participation counts: how many people of each organization took part
//! in an activity, in each role. Completing an activity can record them
//! too, through `put_participation`.

use chrono::{DateTime, Utc};
use entities::{
    activity, activity_participation,
    enums::{ActivityStatus, ParticipantRole},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use serde_json::json;

use super::{audit_change, authorize_organizer, illegal, open, rules::check_organization, touch};
use crate::domain::{
    actor::Actor,
    error::{DomainError, DomainResult},
};

/// How many people of one organization took part in one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParticipationCount {
    /// Where the participants come from.
    pub organization_id: i64,
    /// The role they took part in.
    pub role: ParticipantRole,
    /// How many (0 removes the row).
    pub count: i32,
}

/// Sets one participation count: inserts, changes, or (for 0) deletes the
/// row; returns the previous count.
pub(super) async fn put_participation<C: ConnectionTrait>(
    db: &C,
    activity_id: i64,
    count: ParticipationCount,
) -> DomainResult<i32> {
    if count.count < 0 {
        return Err(DomainError::invalid("count", "`count` cannot be negative"));
    }
    check_organization(db, count.organization_id).await?;
    let existing = activity_participation::Entity::find()
        .filter(activity_participation::Column::ActivityId.eq(activity_id))
        .filter(activity_participation::Column::OrganizationId.eq(count.organization_id))
        .filter(activity_participation::Column::Role.eq(count.role))
        .one(db)
        .await?;
    let previous = existing.as_ref().map_or(0, |row| row.count);
    match (existing, count.count) {
        (Some(row), 0) => {
            activity_participation::Entity::delete_by_id(row.id)
                .exec(db)
                .await?;
        }
        (Some(row), n) => {
            let mut active: activity_participation::ActiveModel = row.into();
            active.count = Set(n);
            active.update(db).await?;
        }
        (None, 0) => {}
        (None, n) => {
            activity_participation::ActiveModel {
                activity_id: Set(activity_id),
                organization_id: Set(count.organization_id),
                role: Set(count.role),
                count: Set(n),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(previous)
}

/// Records how many people of an organization took part in a role (EDITOR
/// of any organizer); 0 removes the count. Not for CANCELLED activities.
pub async fn set_participation<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    count: ParticipationCount,
    now: DateTime<Utc>,
) -> DomainResult<activity::Model> {
    let (mut txn, current) = open(db, actor, id, now).await?;
    authorize_organizer(&txn, actor, &current).await?;
    if current.status == ActivityStatus::Cancelled {
        return Err(illegal("record participation", current.status));
    }
    let previous = put_participation(&txn, current.id, count).await?;
    let updated = touch(&txn, current, now).await?;
    let entry =
        |n: i32| json!({ "organizationId": count.organization_id, "role": count.role, "count": n });
    audit_change(
        &mut txn,
        "activity.set_participation",
        &updated,
        Some(&entry(previous)),
        Some(&entry(count.count)),
    );
    txn.commit().await?;
    Ok(updated)
}

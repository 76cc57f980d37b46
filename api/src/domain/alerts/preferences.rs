//! People's alert preferences: reading them, changing them (the person
//! signed in) and turning one OFF from an e-mail's unsubscribe link.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entities::{
    enums::{AlertKind, Delivery},
    notification_preference, user,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
    sea_query::OnConflict,
};

use super::{DEFAULT_DELIVERY, PREFERENCE_KINDS};
use crate::domain::{
    actor::Actor,
    audit::{Author, Change},
    error::{DomainError, DomainResult},
    input::check_list_len,
    lock_row,
    write::Write,
};

/// How each of `users` wants `kind` (absent: the default).
pub async fn deliveries<C: ConnectionTrait>(
    db: &C,
    users: &[i64],
    kind: AlertKind,
) -> DomainResult<HashMap<i64, Delivery>> {
    if users.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(notification_preference::Entity::find()
        .filter(notification_preference::Column::UserId.is_in(users.iter().copied()))
        .filter(notification_preference::Column::Kind.eq(kind))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p.delivery))
        .collect())
}

/// A user's preference for every kind, defaults filled in.
pub async fn preferences_of<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> DomainResult<Vec<(AlertKind, Delivery)>> {
    let stored: HashMap<AlertKind, Delivery> = notification_preference::Entity::find()
        .filter(notification_preference::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.kind, p.delivery))
        .collect();
    Ok(PREFERENCE_KINDS
        .iter()
        .map(|kind| (*kind, stored.get(kind).copied().unwrap_or(DEFAULT_DELIVERY)))
        .collect())
}

async fn store_preference<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    kind: AlertKind,
    delivery: Delivery,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    notification_preference::Entity::insert(notification_preference::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind),
        delivery: Set(delivery),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            notification_preference::Column::UserId,
            notification_preference::Column::Kind,
        ])
        .update_columns([
            notification_preference::Column::Delivery,
            notification_preference::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Takes the write lock on the person's row as the transaction's first
/// statement (a missing person is NOT_FOUND): their preference changes run
/// one after another, and on SQLite a transaction that read first cannot
/// fail to upgrade to a writer when the alert worker committed meanwhile.
async fn lock_person<C: ConnectionTrait>(txn: &C, user_id: i64) -> DomainResult<()> {
    lock_row::<user::Entity, _>(txn, user::Column::Id, user::Column::Id, user_id, "User").await
}

/// The one transaction that changes a person's preferences, made by
/// `author`: locks the person, stores the `changes` chosen from their
/// preferences before, notes the audit entry `action`; returns all their
/// preferences after.
async fn change_preferences<C: TransactionTrait>(
    db: &C,
    author: Author<'_>,
    user_id: i64,
    action: &'static str,
    now: DateTime<Utc>,
    changes: impl FnOnce(&[(AlertKind, Delivery)]) -> Vec<(AlertKind, Delivery)>,
) -> DomainResult<Vec<(AlertKind, Delivery)>> {
    let mut txn = Write::begin(db, author, now).await?;
    lock_person(&txn, user_id).await?;
    let before = preferences_of(&txn, user_id).await?;
    for (kind, delivery) in changes(before.as_slice()) {
        store_preference(&txn, user_id, kind, delivery, now).await?;
    }
    let after = preferences_of(&txn, user_id).await?;
    txn.audit(Change::of(
        None,
        action,
        "User",
        user_id,
        Some(&before),
        Some(&after),
    ));
    txn.commit().await?;
    Ok(after)
}

/// Changes the signed-in person's preferences; returns all of them.
pub async fn update_preferences<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    changes: &[(AlertKind, Delivery)],
    now: DateTime<Utc>,
) -> DomainResult<Vec<(AlertKind, Delivery)>> {
    let user_id = match actor {
        Actor::User(user) => user.user_id,
        Actor::Anonymous => {
            return Err(DomainError::Unauthenticated(
                "sign in to change your alerts".into(),
            ));
        }
        Actor::Token(_) => {
            return Err(DomainError::Forbidden(
                "alerts belong to people, not API tokens".into(),
            ));
        }
    };
    check_changes(changes)?;
    change_preferences(
        db,
        Author::Actor(actor),
        user_id,
        "notification.preferences",
        now,
        |_| changes.to_vec(),
    )
    .await
}

/// Changes `user_id`'s preferences from the settings link of their alerts,
/// whose signature stands in for a login (as the unsubscribe link's does).
pub async fn update_preferences_by_link<C: TransactionTrait>(
    db: &C,
    user_id: i64,
    changes: &[(AlertKind, Delivery)],
    now: DateTime<Utc>,
) -> DomainResult<Vec<(AlertKind, Delivery)>> {
    check_changes(changes)?;
    change_preferences(
        db,
        Author::System,
        user_id,
        "notification.preferences",
        now,
        |_| changes.to_vec(),
    )
    .await
}

/// Changes name kinds that have a preference, a bounded number of times.
fn check_changes(changes: &[(AlertKind, Delivery)]) -> DomainResult<()> {
    check_list_len("preferences", changes.len())?;
    for (kind, _) in changes {
        if !PREFERENCE_KINDS.contains(kind) {
            return Err(DomainError::invalid(
                "preferences",
                format!("{kind:?} alerts have no preference"),
            ));
        }
    }
    Ok(())
}

/// Turns `kind` OFF for `user_id` (the one-click unsubscribe link, whose
/// signature stands in for a login); DAILY_DIGEST turns off every kind the
/// user receives as a digest.
pub async fn unsubscribe<C: TransactionTrait>(
    db: &C,
    user_id: i64,
    kind: AlertKind,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let kinds: Vec<AlertKind> = if kind == AlertKind::DailyDigest {
        Vec::new()
    } else if PREFERENCE_KINDS.contains(&kind) {
        vec![kind]
    } else {
        return Err(DomainError::invalid(
            "token",
            "this alert has no preference",
        ));
    };
    change_preferences(
        db,
        Author::System,
        user_id,
        "notification.unsubscribe",
        now,
        |before| {
            // The digest's link turns off every kind the user gets as a digest.
            let kinds = if kind == AlertKind::DailyDigest {
                before
                    .iter()
                    .filter(|(_, d)| *d == Delivery::DailyDigest)
                    .map(|(k, _)| *k)
                    .collect()
            } else {
                kinds
            };
            kinds
                .into_iter()
                .map(|kind| (kind, Delivery::Off))
                .collect()
        },
    )
    .await?;
    Ok(())
}

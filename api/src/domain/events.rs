//! Domain events: each state change also records what happened, typed, in
//! the same transaction, so alerts (the mail outbox) and subscriptions can
//! follow the `domain_events` table without touching the mutations.

use std::time::{Duration, Instant};

use chrono::{DateTime, SubsecRound, Utc};
use entities::{domain_event, enums::EventKind, notification_cursor};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::Expr,
};

use super::error::DomainResult;

/// One thing that happened.
#[derive(Debug, Clone)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// The organization it happened in.
    pub organization_id: Option<i64>,
    /// The record's type ("Agreement").
    pub entity: &'static str,
    /// The record's id.
    pub entity_id: i64,
    /// Details for consumers (e.g. which party signed).
    pub payload: serde_json::Value,
}

impl Event {
    /// `kind` happened to `entity` `entity_id` in `organization`.
    pub fn about(
        kind: EventKind,
        organization: i64,
        entity: &'static str,
        entity_id: i64,
        payload: serde_json::Value,
    ) -> Self {
        Self {
            kind,
            organization_id: Some(organization),
            entity,
            entity_id,
            payload,
        }
    }
}

/// Records `events`, caused by the person `actor_user_id` (none for the
/// system), in order (one INSERT per hundred). Call inside the change's
/// transaction ([`super::write::Write`] does).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    events: Vec<Event>,
    actor_user_id: Option<i64>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let mut rows: Vec<_> = events
        .into_iter()
        .map(|event| domain_event::ActiveModel {
            kind: Set(event.kind),
            organization_id: Set(event.organization_id),
            entity: Set(event.entity.to_owned()),
            entity_id: Set(event.entity_id),
            actor_user_id: Set(actor_user_id),
            payload: Set(event.payload.to_string()),
            created_at: Set(now.trunc_subsecs(6)),
            ..Default::default()
        })
        .collect();
    while !rows.is_empty() {
        let batch: Vec<_> = rows.drain(..rows.len().min(100)).collect();
        domain_event::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Whether events past the cursor `name` exist, read without a lock: a
/// consumer with nothing to do then skips its write transaction (on
/// SQLite every write transaction takes the one writer's lock).
pub async fn any_after_cursor<C: ConnectionTrait>(db: &C, name: &str) -> DomainResult<bool> {
    let cursor = read_cursor(db, name).await?;
    let newest: Option<i64> = domain_event::Entity::find()
        .select_only()
        .column(domain_event::Column::Id)
        .order_by_desc(domain_event::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    Ok(newest.is_some_and(|id| id > cursor))
}

/// Locks the consumer cursor `name` (a row of `notification_cursors`) for
/// the rest of `txn` and reads it: the write lock (PostgreSQL's row lock,
/// SQLite's single writer) makes consumers on several nodes take turns.
pub async fn lock_cursor<C: ConnectionTrait>(txn: &C, name: &str) -> DomainResult<i64> {
    notification_cursor::Entity::update_many()
        .col_expr(
            notification_cursor::Column::LastEventId,
            Expr::col(notification_cursor::Column::LastEventId),
        )
        .filter(notification_cursor::Column::Name.eq(name))
        .exec(txn)
        .await?;
    read_cursor(txn, name).await
}

/// Where the consumer cursor `name` stands (0 before its first event).
pub async fn read_cursor<C: ConnectionTrait>(db: &C, name: &str) -> DomainResult<i64> {
    Ok(notification_cursor::Entity::find_by_id(name)
        .one(db)
        .await?
        .map_or(0, |c| c.last_event_id))
}

/// Moves the cursor `name` to `last` (inside the transaction that locked it).
pub async fn move_cursor<C: ConnectionTrait>(txn: &C, name: &str, last: i64) -> DomainResult<()> {
    notification_cursor::Entity::update_many()
        .col_expr(notification_cursor::Column::LastEventId, Expr::value(last))
        .filter(notification_cursor::Column::Name.eq(name))
        .exec(txn)
        .await?;
    Ok(())
}

/// The gap rule of every consumer of `domain_events`. Event ids come from
/// a sequence, and on PostgreSQL a transaction may commit an event with a
/// smaller id after one with a larger id was seen; so a consumer takes only
/// the gap-free run after its cursor. A missing id is waited for (`grace`)
/// and then taken for a rolled-back transaction and skipped. The watch
/// remembers which id is missing and since when.
#[derive(Debug, Default)]
pub struct GapWatch {
    missing: Option<(i64, Instant)>,
}

impl GapWatch {
    /// How many of `ids` (ascending, all after `cursor`) a consumer may
    /// take now: those before the first gap still within its grace.
    pub fn runnable(&mut self, cursor: i64, ids: &[i64], grace: Duration) -> usize {
        let mut expected = cursor + 1;
        for (taken, &id) in ids.iter().enumerate() {
            if id != expected {
                let since = match self.missing {
                    Some((missing, since)) if missing == expected => since,
                    _ => {
                        let now = Instant::now();
                        self.missing = Some((expected, now));
                        now
                    }
                };
                if since.elapsed() < grace {
                    return taken;
                }
                tracing::warn!(
                    from = expected,
                    to = id - 1,
                    "skipping event ids never committed"
                );
                self.missing = None;
            }
            expected = id + 1;
        }
        ids.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: Duration = Duration::from_secs(3600);

    #[test]
    fn a_gap_free_run_is_taken_whole() {
        let mut gaps = GapWatch::default();
        assert_eq!(gaps.runnable(4, &[5, 6, 7], LONG), 3);
        assert_eq!(gaps.runnable(7, &[], LONG), 0);
    }

    #[test]
    fn a_missing_id_stops_the_run_while_it_may_still_commit() {
        let mut gaps = GapWatch::default();
        assert_eq!(gaps.runnable(4, &[5, 7, 8], LONG), 1);
        assert_eq!(gaps.runnable(5, &[7, 8], LONG), 0);
        // It committed after all: the run goes on through it.
        assert_eq!(gaps.runnable(5, &[6, 7, 8], LONG), 3);
    }

    #[test]
    fn a_missing_id_past_its_grace_is_skipped() {
        let mut gaps = GapWatch::default();
        assert_eq!(gaps.runnable(4, &[7, 8], Duration::ZERO), 2);
        // Each gap is waited for on its own.
        assert_eq!(gaps.runnable(8, &[10], LONG), 0);
        assert_eq!(gaps.runnable(8, &[10], LONG), 0);
    }
}

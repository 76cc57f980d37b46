//! The change feed: the domain events a caller may see, in commit order,
//! for systems that mirror Pactum by pulling (`changes(after, first,
//! kinds)`).
//!
//! Commit order. The feed serves events only up to its *horizon*, the end
//! of the gap-free run of event ids, which the change horizon job moves
//! with the alert consumer's gap rule ([`GapWatch`]): a missing id is
//! waited for and then taken for a rolled-back transaction. No event can
//! appear at or below the horizon later, so a cursor (an event id) never
//! skips an event that commits late and never repeats one.
//!
//! Visibility. An event shows when the caller may see its record now, by
//! the one rule in SQL (agreements, documents, activities); invitations
//! show to those who manage the inviting organization's members. Each page
//! looks at a bounded window of event ids, so a caller who may see few of
//! them still costs one bounded statement per page; the page's end cursor
//! moves past what it may not see.

use std::time::Duration;

use entities::{domain_event, enums::EventKind};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, TransactionSession, TransactionTrait,
};

use super::{
    activities,
    actor::Actor,
    agreements, documents,
    error::{DomainError, DomainResult},
    events::{self, GapWatch},
    policy::{Action, authorize},
};
use crate::ids;

/// The horizon's row in `notification_cursors`.
pub const HORIZON: &str = "changes";

/// How many event ids one page looks at, at most.
pub const SCAN_WINDOW: i64 = 10_000;

/// How many event ids the horizon job reads per round.
const HORIZON_BATCH: u64 = 1_000;

/// Cursor format version; bump it when the contents change.
const VERSION: &str = "changes|v1|";

/// One page of the feed.
#[derive(Debug)]
pub struct ChangePage {
    /// The events, oldest first.
    pub events: Vec<domain_event::Model>,
    /// Where the next page starts: the last event looked at.
    pub end: i64,
    /// Whether events after `end` are already there to read.
    pub has_more: bool,
}

/// The opaque cursor for the position after event `id`.
pub fn cursor(id: i64) -> String {
    ids::opaque(&format!("{VERSION}{id}"))
}

/// The event id a cursor (the `field` argument) stands for; anything but
/// a cursor of this feed is refused.
pub fn position(field: &str, cursor: &str) -> DomainResult<i64> {
    let invalid = || {
        DomainError::invalid(
            field,
            format!("`{field}` is not a cursor of the change feed"),
        )
    };
    ids::unopaque(cursor)
        .as_deref()
        .and_then(|text| text.strip_prefix(VERSION))
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|id| *id >= 0)
        .ok_or_else(invalid)
}

/// Up to `first` events after event `after` that `actor` may see, of
/// `kinds` (all kinds when empty).
pub async fn page<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    after: i64,
    first: u64,
    kinds: &[EventKind],
) -> DomainResult<ChangePage> {
    let horizon = horizon(db).await?;
    if after >= horizon {
        return Ok(ChangePage {
            events: Vec::new(),
            end: after,
            has_more: false,
        });
    }
    let window_end = horizon.min(after.saturating_add(SCAN_WINDOW));
    let mut select = domain_event::Entity::find()
        .filter(domain_event::Column::Id.gt(after))
        .filter(domain_event::Column::Id.lte(window_end))
        .filter(seen_by(actor));
    if !kinds.is_empty() {
        select = select.filter(domain_event::Column::Kind.is_in(kinds.iter().copied()));
    }
    let mut found = select
        .order_by_asc(domain_event::Column::Id)
        .limit(first.saturating_add(1))
        .all(db)
        .await?;
    let first = usize::try_from(first).unwrap_or(usize::MAX);
    if found.len() > first {
        found.truncate(first);
        let end = found.last().map_or(after, |e| e.id);
        return Ok(ChangePage {
            events: found,
            end,
            has_more: true,
        });
    }
    Ok(ChangePage {
        events: found,
        end: window_end,
        has_more: window_end < horizon,
    })
}

/// The condition "`actor` may see this event's record now".
fn seen_by(actor: &Actor) -> Condition {
    let about = |entity: &str, visible_ids: sea_orm::sea_query::SelectStatement| {
        Condition::all()
            .add(domain_event::Column::Entity.eq(entity))
            .add(domain_event::Column::EntityId.in_subquery(visible_ids))
    };
    let mut seen = Condition::any()
        .add(about(
            "Agreement",
            agreements::visible(actor)
                .select_only()
                .column(entities::agreement::Column::Id)
                .into_query(),
        ))
        .add(about(
            "Document",
            documents::visible(actor)
                .select_only()
                .column(entities::document::Column::Id)
                .into_query(),
        ))
        .add(about(
            "Activity",
            activities::visible(actor)
                .select_only()
                .column(entities::activity::Column::Id)
                .into_query(),
        ));
    let managed: Vec<i64> = actor
        .member_of()
        .into_iter()
        .filter(|org| authorize(actor, Action::ManageMembers, *org).is_ok())
        .collect();
    if !managed.is_empty() {
        seen = seen.add(
            Condition::all()
                .add(domain_event::Column::Entity.eq("Invitation"))
                .add(domain_event::Column::OrganizationId.is_in(managed)),
        );
    }
    seen
}

/// The feed's horizon: every event id at or below it is committed or will
/// never be.
pub async fn horizon<C: ConnectionTrait>(db: &C) -> DomainResult<i64> {
    events::read_cursor(db, HORIZON).await
}

/// Moves the horizon over the gap-free run of events after it (one batch);
/// returns how many events it passed.
pub async fn advance_horizon<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    gaps: &mut GapWatch,
    grace: Duration,
) -> DomainResult<usize> {
    if !events::any_after_cursor(db, HORIZON).await? {
        return Ok(0);
    }
    let txn = super::begin_write(db).await?;
    let cursor = events::lock_cursor(&txn, HORIZON).await?;
    let ids: Vec<i64> = domain_event::Entity::find()
        .select_only()
        .column(domain_event::Column::Id)
        .filter(domain_event::Column::Id.gt(cursor))
        .order_by_asc(domain_event::Column::Id)
        .limit(HORIZON_BATCH)
        .into_tuple()
        .all(&txn)
        .await?;
    let passed = gaps.runnable(cursor, &ids, grace);
    if let Some(&last) = passed.checked_sub(1).and_then(|i| ids.get(i)) {
        events::move_cursor(&txn, HORIZON, last).await?;
    }
    txn.commit().await?;
    Ok(passed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_its_event() {
        assert_eq!(position("after", &cursor(42)).ok(), Some(42));
    }

    #[test]
    fn anything_else_is_not_a_cursor() {
        for other in [
            "",
            "42",
            &ids::opaque("cursor:5"),
            &ids::opaque("changes|v0|5"),
            &ids::opaque("changes|v1|-3"),
            &ids::opaque("changes|v1|x"),
        ] {
            assert!(
                matches!(
                    position("after", other),
                    Err(DomainError::InvalidInput { .. })
                ),
                "{other}"
            );
        }
    }
}

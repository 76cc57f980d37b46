//! The change feed's GraphQL face: `changes(after, first, kinds)`, for
//! partner systems that mirror what they may see by pulling.

use async_graphql::{Context, ID, Object};
use entities::{domain_event, enums as db};

use super::{
    context::state,
    enums::EventKind,
    error::{ApiError, ApiResult},
    ids::{self, NodeKind},
    node::{self, Node},
    organizations::Organization,
    scalars::DateTime,
};
use crate::domain::changes;

/// One thing that happened to a record the caller may see.
pub struct Change(domain_event::Model);

#[Object]
impl Change {
    /// The position after this change: pass it as `after` to read on from
    /// here.
    async fn cursor(&self) -> String {
        changes::cursor(self.0.id)
    }
    /// What happened.
    async fn kind(&self) -> EventKind {
        self.0.kind.into()
    }
    /// When it happened.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// The record's type (`Agreement`, `Document`, `Activity`,
    /// `Invitation`).
    async fn record_type(&self) -> &str {
        &self.0.entity
    }
    /// The record's global ID.
    async fn record_id(&self) -> ID {
        match NodeKind::from_name(&self.0.entity) {
            Some(kind) => ids::encode(kind, self.0.entity_id),
            None => ID(self.0.entity_id.to_string()),
        }
    }
    /// The record as it is now (null for invitations, which are read
    /// through their organization).
    async fn record(&self, ctx: &Context<'_>) -> ApiResult<Option<Node>> {
        let Some(kind) = NodeKind::from_name(&self.0.entity) else {
            return Ok(None);
        };
        node::fetch(state(ctx)?, kind, self.0.entity_id).await
    }
    /// The organization it happened in.
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Option<Organization>> {
        let Some(id) = self.0.organization_id else {
            return Ok(None);
        };
        Ok(state(ctx)?
            .loaders
            .organization()
            .load_one(id)
            .await?
            .map(Organization))
    }
}

/// A page of the change feed.
pub struct ChangePage(changes::ChangePage);

#[Object]
impl ChangePage {
    /// The changes, in the order they were committed.
    async fn changes(&self) -> Vec<Change> {
        self.0.events.iter().cloned().map(Change).collect()
    }
    /// Where the next page starts (also when this one is empty: it moves
    /// past what the caller may not see). Keep it and pass it as `after`.
    async fn end_cursor(&self) -> String {
        changes::cursor(self.0.end)
    }
    /// Whether more changes are already there to read: ask again at once.
    /// When false, poll again later with `endCursor`.
    async fn has_more(&self) -> bool {
        self.0.has_more
    }
}

/// The change feed.
#[derive(Default)]
pub struct ChangeQuery;

#[Object]
impl ChangeQuery {
    /// The domain events the caller may see now, oldest first, after
    /// `after` (from the beginning when omitted): agreements, documents and
    /// activities by the visibility rule, invitations to those who manage
    /// the organization's members. A change is served only once every
    /// earlier one has committed, so a client that keeps `endCursor` and
    /// asks again never misses or repeats one. `first` defaults to the page
    /// size; `kinds` keeps only those kinds.
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, None), child_complexity)"
    )]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
        kinds: Option<Vec<EventKind>>,
    ) -> ApiResult<ChangePage> {
        let s = state(ctx)?;
        let first = match first {
            None => s.limits.default_size,
            Some(n) => u64::try_from(n)
                .ok()
                .filter(|n| (1..=s.limits.max_size).contains(n))
                .ok_or_else(|| {
                    ApiError::bad_input(
                        "first",
                        format!("`first` must be between 1 and {}", s.limits.max_size),
                    )
                })?,
        };
        let after = match after.as_deref() {
            Some(cursor) => changes::position("after", cursor)?,
            None => 0,
        };
        let mut kinds: Vec<db::EventKind> = kinds
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        kinds.sort_by_key(|k| *k as u8);
        kinds.dedup();
        let page = changes::page(&s.db, &s.actor, after, first, &kinds).await?;
        Ok(ChangePage(page))
    }
}

//! Domain events: each state change also records what happened, typed, in
//! the same transaction, so alerts (the mail outbox) and subscriptions can
//! follow the `domain_events` table without touching the mutations.

use chrono::{DateTime, SubsecRound, Utc};
use entities::{domain_event, enums::EventKind};
use sea_orm::{ConnectionTrait, EntityTrait, Set};

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

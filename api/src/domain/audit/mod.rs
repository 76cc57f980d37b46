//! The tamper-evident audit log: every mutation appends one entry in its own
//! transaction. Entries are hash-chained, one chain per organization: each
//! `hash` is SHA-256 over the entry's fields and the previous entry's hash
//! in the same chain, so editing, inserting or deleting a row breaks its
//! chain at that row, which [`verify`] reports. An append locks only its
//! own chain's head ([`chain`]), so writes of different organizations never
//! wait on each other; periodic [`checkpoint`]s chain the heads together,
//! so a chain cut short at its tail is noticed too, and the newest
//! checkpoint's hash stands for the whole log.

mod chain;
mod checkpoint;
mod verify;

pub use chain::append;
pub use checkpoint::{Checkpoint, checkpoint};
pub use verify::{Verification, verify};

use chrono::SecondsFormat;
use entities::{audit_entry, enums::ActorKind};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{
    DateRange,
    actor::Actor,
    error::DomainResult,
    keyset::SortOrder,
    listing::paginate,
    pagination::{Page, PageArgs, PageLimits},
    policy::{Action, authorize},
};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who an entry is attributed to.
#[derive(Debug, Clone, Copy)]
pub enum Author<'a> {
    /// A request's actor (person or API token).
    Actor(&'a Actor),
    /// An operator at the command line.
    Operator,
    /// Pactum itself (scheduled jobs).
    System,
}

impl Author<'_> {
    fn parts(self) -> (ActorKind, Option<i64>, Option<i64>) {
        match self {
            Self::Actor(Actor::User(user)) => (ActorKind::User, Some(user.user_id), None),
            Self::Actor(Actor::Token(token)) => (ActorKind::ApiToken, None, Some(token.token_id)),
            Self::Actor(Actor::Anonymous) | Self::Operator => (ActorKind::Operator, None, None),
            Self::System => (ActorKind::System, None, None),
        }
    }
}

/// What one mutation changed.
#[derive(Debug, Clone)]
pub struct Change {
    /// The organization acted within.
    pub organization_id: Option<i64>,
    /// What was done, `area.verb` ("agreement.sign").
    pub action: &'static str,
    /// The record's type ("Agreement").
    pub entity: &'static str,
    /// The record's id.
    pub entity_id: i64,
    /// The record before (None for a creation).
    pub before: Option<serde_json::Value>,
    /// The record after (None for a deletion).
    pub after: Option<serde_json::Value>,
}

impl Change {
    /// A change of `entity` `id` in `organization`, from `before` to `after`
    /// (any serializable records, usually entity models).
    pub fn of<B: Serialize, A: Serialize>(
        organization_id: Option<i64>,
        action: &'static str,
        entity: &'static str,
        entity_id: i64,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Self {
        Self {
            organization_id,
            action,
            entity,
            entity_id,
            before: before.and_then(|b| serde_json::to_value(b).ok()),
            after: after.and_then(|a| serde_json::to_value(a).ok()),
        }
    }
}

/// The chain an entry about `organization_id` belongs to.
pub fn chain_of(organization_id: Option<i64>) -> i64 {
    organization_id.unwrap_or(0)
}

/// The hash of an entry: SHA-256 over every field but `hash`, `id` and
/// `chain_id`, one per line. The chain is bound by the link to the
/// previous entry (and, outside chain 0, by the organization); the entries
/// written before the chains were split have `sequence = id`, so they
/// hash as they did then.
pub fn entry_hash(entry: &audit_entry::Model) -> String {
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let text = [
        entry.sequence.to_string(),
        opt(entry.organization_id),
        sea_orm::ActiveEnum::to_value(&entry.actor_kind),
        opt(entry.actor_user_id),
        opt(entry.actor_token_id),
        entry.action.clone(),
        entry.entity.clone(),
        entry.entity_id.to_string(),
        entry.before.clone().unwrap_or_default(),
        entry.after.clone().unwrap_or_default(),
        entry
            .created_at
            .to_rfc3339_opts(SecondsFormat::Micros, true),
        entry.prev_hash.clone(),
    ]
    .join("\n");
    sha256_hex(&text)
}

/// SHA-256 of `text`, hex.
fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Which audit entries a list shows.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only entries about this record type.
    pub entity: Option<String>,
    /// Only entries about this record.
    pub entity_id: Option<i64>,
    /// Only entries by this person.
    pub actor_user_id: Option<i64>,
    /// Only entries within these days.
    pub created: DateRange,
}

/// An organization's audit entries, for its ADMINs, newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    organization: i64,
    filter: &AuditFilter,
    args: PageArgs,
    limits: PageLimits,
) -> DomainResult<Page<audit_entry::Model>> {
    authorize(actor, Action::ViewAuditLog, organization)?;
    let mut cond = Condition::all().add(audit_entry::Column::OrganizationId.eq(organization));
    if let Some(entity) = &filter.entity {
        cond = cond.add(audit_entry::Column::Entity.eq(entity.as_str()));
    }
    if let Some(id) = filter.entity_id {
        cond = cond.add(audit_entry::Column::EntityId.eq(id));
    }
    if let Some(user) = filter.actor_user_id {
        cond = cond.add(audit_entry::Column::ActorUserId.eq(user));
    }
    if let Some(from) = filter.created.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
        cond = cond.add(audit_entry::Column::CreatedAt.gte(from.and_utc()));
    }
    if let Some(to) = filter
        .created
        .to
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        cond = cond.add(audit_entry::Column::CreatedAt.lt(to.and_utc()));
    }
    let order = SortOrder::by_id("Organization.auditLog", ("audit_log", "id"), true);
    paginate(
        db,
        audit_entry::Entity::find().filter(cond),
        &order,
        args,
        limits,
    )
    .await
}

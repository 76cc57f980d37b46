//! The tamper-evident audit log: every mutation appends one entry in its own
//! transaction. Entries are hash-chained: each `hash` is SHA-256 over the
//! entry's fields and the previous entry's hash, so editing, inserting or
//! deleting a row breaks the chain at that row, which [`verify`] reports.
//! Appends lock the chain's head row, so concurrent writers extend one
//! chain (PostgreSQL row lock; SQLite has a single writer anyway).

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use entities::{audit_entry, audit_head, enums::ActorKind};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{
    DateRange,
    actor::Actor,
    error::{DomainError, DomainResult},
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

/// The hash of an entry: SHA-256 over every field but `hash`, one per line.
pub fn entry_hash(entry: &audit_entry::Model) -> String {
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let text = [
        entry.id.to_string(),
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
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Appends `change` to the chain. Call inside the mutation's transaction.
pub async fn append<C: ConnectionTrait>(
    db: &C,
    author: Author<'_>,
    change: Change,
    now: DateTime<Utc>,
) -> DomainResult<audit_entry::Model> {
    // Lock the head first: concurrent appends wait here, then read the
    // head as their predecessor left it.
    super::lock_row::<audit_head::Entity, _>(
        db,
        audit_head::Column::Id,
        audit_head::Column::LastId,
        1,
        "AuditHead",
    )
    .await?;
    let head = audit_head::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| {
            DomainError::Database(std::sync::Arc::new(sea_orm::DbErr::RecordNotFound(
                "audit_head".into(),
            )))
        })?;
    let (actor_kind, actor_user_id, actor_token_id) = author.parts();
    let mut entry = audit_entry::Model {
        id: head.last_id + 1,
        organization_id: change.organization_id,
        actor_kind,
        actor_user_id,
        actor_token_id,
        action: change.action.to_owned(),
        entity: change.entity.to_owned(),
        entity_id: change.entity_id,
        before: change.before.map(|v| v.to_string()),
        after: change.after.map(|v| v.to_string()),
        created_at: now.trunc_subsecs(6),
        prev_hash: head.last_hash,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    let mut active: audit_entry::ActiveModel = entry.clone().into();
    active.id = Set(entry.id);
    active.insert(db).await?;
    audit_head::ActiveModel {
        id: Set(1),
        last_id: Set(entry.id),
        last_hash: Set(entry.hash.clone()),
    }
    .update(db)
    .await?;
    Ok(entry)
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every entry's hash matches and links to its predecessor.
    Intact {
        /// Entries checked.
        entries: u64,
    },
    /// The first entry that does not match.
    Broken {
        /// Its id (for a deleted tail: the head's last id).
        entry_id: i64,
        /// What is wrong with it.
        reason: String,
    },
}

/// Walks the whole chain in id order, in pages, and reports the first
/// entry whose hash or link is wrong (or a gap in the ids, or a head that
/// does not match the last entry).
pub async fn verify<C: ConnectionTrait>(db: &C) -> DomainResult<Verification> {
    let mut previous_hash = GENESIS.to_owned();
    let mut previous_id = 0;
    let mut entries = 0u64;
    loop {
        let page = audit_entry::Entity::find()
            .filter(audit_entry::Column::Id.gt(previous_id))
            .order_by_asc(audit_entry::Column::Id)
            .limit(1000)
            .all(db)
            .await?;
        if page.is_empty() {
            break;
        }
        for entry in page {
            let broken = |reason: &str| Verification::Broken {
                entry_id: entry.id,
                reason: reason.to_owned(),
            };
            if entry.id != previous_id + 1 {
                return Ok(Verification::Broken {
                    entry_id: previous_id + 1,
                    reason: "entry missing".into(),
                });
            }
            if entry.prev_hash != previous_hash {
                return Ok(broken("does not link to the previous entry"));
            }
            if entry_hash(&entry) != entry.hash {
                return Ok(broken("content does not match its hash"));
            }
            previous_hash = entry.hash;
            previous_id = entry.id;
            entries += 1;
        }
    }
    let head = audit_head::Entity::find_by_id(1).one(db).await?;
    match head {
        Some(head) if head.last_id == previous_id && head.last_hash == previous_hash => {
            Ok(Verification::Intact { entries })
        }
        _ => Ok(Verification::Broken {
            entry_id: previous_id + 1,
            reason: "entries after this point are missing".into(),
        }),
    }
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

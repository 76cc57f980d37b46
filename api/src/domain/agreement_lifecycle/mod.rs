//! The agreement lifecycle: drafting, proposing, signing and ending
//! agreements.
//!
//! ```text
//! DRAFT ──propose──▶ PROPOSED ──last party signs──▶ ACTIVE ──end date passed──▶ EXPIRED
//!   │                  │   └──a party declines──▶ DECLINED   └──a party terminates──▶ TERMINATED
//!   └──withdraw──▶ WITHDRAWN ◀──withdraw──┘
//! ```
//!
//! The initiator's EDITORs draft (create, edit, change parties, propose);
//! committing an organization (sign, decline, withdraw, terminate) takes
//! that organization's ADMIN or OWNER. Every function is one transaction
//! whose first statement locks the agreement's row (PostgreSQL row lock;
//! SQLite's single writer) and which then reads the agreement again, so
//! concurrent transitions run one after the other and see each other's
//! result: when the last two parties sign at the same moment the agreement
//! becomes ACTIVE exactly once. A transition the current state does not
//! allow is refused with `ILLEGAL_TRANSITION`, naming the state, and
//! changes nothing. Every change bumps `version`, appends an audit entry
//! and, where someone should hear of it, records a domain event (all
//! through [`Write`], the one mutation skeleton).
//!
//! Drafting is in `drafting`, the parties' commitments in `transitions`,
//! the scheduled end in `expiry`; this file holds what they share.

mod drafting;
mod expiry;
mod transitions;

pub use drafting::{add_party, create, remove_party, update};
pub use expiry::expire_due;
pub use transitions::{decline, propose, sign, terminate, withdraw};

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use entities::{
    agreement, agreement_party,
    enums::{AgreementKind, AgreementStatus, EventKind, Visibility},
    organization,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, TransactionSession,
};
use serde::Serialize;

use super::{
    actor::Actor,
    agreements::visible,
    audit::Change,
    check_version,
    error::{DomainError, DomainResult},
    events::Event,
    policy::Action,
    text::searchable,
    write::Write,
};

/// An agreement as first drafted.
#[derive(Debug, Clone)]
pub struct NewAgreement {
    /// The drafting organization; becomes the first party.
    pub initiator_id: i64,
    /// Title.
    pub title: String,
    /// Legal form.
    pub kind: AgreementKind,
    /// What the parties commit to.
    pub objectives: String,
    /// First day in force.
    pub start_date: Option<NaiveDate>,
    /// Last day in force.
    pub end_date: Option<NaiveDate>,
    /// Who may see it.
    pub visibility: Visibility,
    /// The other parties (the initiator is added anyway).
    pub party_ids: Vec<i64>,
}

/// Edits of a DRAFT: `None` leaves a field alone; for dates `Some(None)`
/// clears it.
#[derive(Debug, Clone, Default)]
pub struct AgreementChanges {
    /// New title.
    pub title: Option<String>,
    /// New legal form.
    pub kind: Option<AgreementKind>,
    /// New objectives.
    pub objectives: Option<String>,
    /// New or cleared first day.
    pub start_date: Option<Option<NaiveDate>>,
    /// New or cleared last day.
    pub end_date: Option<Option<NaiveDate>>,
    /// New visibility.
    pub visibility: Option<Visibility>,
}

/// What the audit log keeps of an agreement: the record and its parties.
#[derive(Serialize)]
struct Snapshot<'a> {
    agreement: &'a agreement::Model,
    parties: &'a [agreement_party::Model],
}

/// A status as users see it written (`PROPOSED`).
pub fn status_name(status: AgreementStatus) -> String {
    super::name_of(&status)
}

/// The refusal of `verb` in the agreement's current state.
fn illegal(verb: &str, status: AgreementStatus) -> DomainError {
    super::illegal_transition(verb, "agreement", &status)
}

fn valid_dates(start: Option<NaiveDate>, end: Option<NaiveDate>) -> DomainResult<()> {
    match (start, end) {
        (Some(start), Some(end)) if end < start => Err(DomainError::invalid(
            "endDate",
            "the end date is before the start date",
        )),
        _ => Ok(()),
    }
}

/// Takes the write lock on the agreement's row (the transaction's first
/// statement), then reads it as `actor` may see it.
async fn lock<C: ConnectionTrait>(
    txn: &C,
    actor: Option<&Actor>,
    id: i64,
) -> DomainResult<agreement::Model> {
    super::lock_row::<agreement::Entity, _>(
        txn,
        agreement::Column::Id,
        agreement::Column::Version,
        id,
        "Agreement",
    )
    .await?;
    let not_found = DomainError::NotFound {
        entity: "Agreement",
    };
    let select = match actor {
        Some(actor) => visible(actor),
        None => agreement::Entity::find(),
    };
    select
        .filter(agreement::Column::Id.eq(id))
        .one(txn)
        .await?
        .ok_or(not_found)
}

async fn parties<C: ConnectionTrait>(
    db: &C,
    agreement_id: i64,
) -> DomainResult<Vec<agreement_party::Model>> {
    Ok(agreement_party::Entity::find()
        .filter(agreement_party::Column::AgreementId.eq(agreement_id))
        .order_by_asc(agreement_party::Column::Id)
        .all(db)
        .await?)
}

/// The organization's name, for messages.
async fn organization_name<C: ConnectionTrait>(db: &C, id: i64) -> DomainResult<String> {
    Ok(organization::Entity::find_by_id(id)
        .select_only()
        .column(organization::Column::Name)
        .into_tuple::<String>()
        .one(db)
        .await?
        .unwrap_or_else(|| format!("organization {id}")))
}

/// The party row of `organization`, or a user error on `organizationId`.
fn party_of(
    parties: &[agreement_party::Model],
    organization: i64,
) -> DomainResult<agreement_party::Model> {
    parties
        .iter()
        .find(|p| p.organization_id == organization)
        .cloned()
        .ok_or_else(|| {
            DomainError::invalid(
                "organizationId",
                "this organization is not a party to the agreement",
            )
        })
}

/// Saves `next` as the new state of the agreement, with `version` bumped.
async fn save<C: ConnectionTrait>(
    txn: &C,
    mut next: agreement::Model,
    now: DateTime<Utc>,
) -> DomainResult<agreement::Model> {
    next.version += 1;
    next.updated_at = now;
    next.search_text = searchable(&[&next.title, &next.objectives]);
    Ok(next.into_active_model().reset_all().update(txn).await?)
}

/// An agreement with its parties, as one audit snapshot side.
type Record<'a> = (&'a agreement::Model, &'a [agreement_party::Model]);

/// Notes the audit entry of a change from `before` to `after` in
/// `organization` (the one acted for).
fn audit_change<T>(
    txn: &mut Write<'_, T>,
    organization: i64,
    action: &'static str,
    before: Option<Record<'_>>,
    after: Record<'_>,
) where
    T: ConnectionTrait + TransactionSession + Send,
{
    let before = before.map(|(agreement, parties)| Snapshot { agreement, parties });
    let id = after.0.id;
    let after = Snapshot {
        agreement: after.0,
        parties: after.1,
    };
    txn.audit(Change::of(
        Some(organization),
        action,
        "Agreement",
        id,
        before.as_ref(),
        Some(&after),
    ));
}

/// Notes an agreement event, attributed to the person making the change.
fn event<T>(
    txn: &mut Write<'_, T>,
    kind: EventKind,
    organization: i64,
    agreement: &agreement::Model,
    payload: serde_json::Value,
) where
    T: ConnectionTrait + TransactionSession + Send,
{
    txn.event(Event::about(
        kind,
        organization,
        "Agreement",
        agreement.id,
        payload,
    ));
}

fn party_ids(parties: &[agreement_party::Model]) -> Vec<i64> {
    parties.iter().map(|p| p.organization_id).collect()
}

/// Refuses organization ids that do not exist.
async fn ensure_organizations<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    field: &str,
) -> DomainResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let found: HashSet<i64> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    if ids.iter().all(|id| found.contains(id)) {
        Ok(())
    } else {
        Err(DomainError::invalid(field, "no such organization"))
    }
}

async fn insert_party<C: ConnectionTrait>(
    txn: &C,
    agreement_id: i64,
    organization_id: i64,
) -> DomainResult<agreement_party::Model> {
    Ok(agreement_party::ActiveModel {
        id: NotSet,
        agreement_id: sea_orm::Set(agreement_id),
        organization_id: sea_orm::Set(organization_id),
        signed_at: sea_orm::Set(None),
        signatory: sea_orm::Set(None),
        declined_at: sea_orm::Set(None),
    }
    .insert(txn)
    .await?)
}

/// Locks and loads a DRAFT for the initiator's EDITORs, checking the
/// version read.
async fn draft<T>(
    txn: &Write<'_, T>,
    id: i64,
    verb: &str,
    version: Option<i32>,
) -> DomainResult<agreement::Model>
where
    T: ConnectionTrait + TransactionSession + Send + Sync,
{
    let current = lock(txn, txn.actor(), id).await?;
    txn.authorize(Action::EditAgreements, current.initiator_id)?;
    if current.status != AgreementStatus::Draft {
        return Err(illegal(verb, current.status));
    }
    if let Some(version) = version {
        check_version("agreement", version, current.version)?;
    }
    Ok(current)
}

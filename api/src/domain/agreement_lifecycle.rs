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
//! and, where someone should hear of it, records a domain event.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use entities::{
    agreement, agreement_party,
    enums::{AgreementKind, AgreementStatus, EventKind, Visibility},
    organization,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
};
use serde::Serialize;

use super::{
    actor::Actor,
    agreements::visible,
    audit::{self, Author, Change},
    check_version,
    error::{DomainError, DomainResult},
    events::{self, Event},
    input::{check_list_len, fields},
    policy::{Action, authorize},
    text::searchable,
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
    status.to_value()
}

/// The refusal of `verb` in the agreement's current state.
fn illegal(verb: &str, status: AgreementStatus) -> DomainError {
    DomainError::conflict(
        "ILLEGAL_TRANSITION",
        format!("cannot {verb}: the agreement is {}", status_name(status)),
    )
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

/// Appends the audit entry of a change from `before` to `after`.
#[expect(
    clippy::too_many_arguments,
    reason = "one call per mutation, every argument named at the call site"
)]
async fn audit_change<C: ConnectionTrait>(
    txn: &C,
    author: Author<'_>,
    organization: i64,
    action: &'static str,
    before: Option<(&agreement::Model, &[agreement_party::Model])>,
    after: (&agreement::Model, &[agreement_party::Model]),
    now: DateTime<Utc>,
    id: i64,
) -> DomainResult<()> {
    let before = before.map(|(agreement, parties)| Snapshot { agreement, parties });
    let after = Snapshot {
        agreement: after.0,
        parties: after.1,
    };
    audit::append(
        txn,
        author,
        Change::of(
            Some(organization),
            action,
            "Agreement",
            id,
            before.as_ref(),
            Some(&after),
        ),
        now,
    )
    .await?;
    Ok(())
}

/// Records an agreement event.
async fn event<C: ConnectionTrait>(
    txn: &C,
    kind: EventKind,
    organization: i64,
    agreement: &agreement::Model,
    actor: Option<&Actor>,
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    events::record(
        txn,
        Event {
            kind,
            organization_id: Some(organization),
            entity: "Agreement",
            entity_id: agreement.id,
            actor_user_id: actor.and_then(Actor::user_id),
            payload,
        },
        now,
    )
    .await?;
    Ok(())
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

/// Drafts an agreement (EDITOR of the initiator). The initiator is its
/// first party; the other parties may be given now or added later.
#[tracing::instrument(skip(db, actor, new), fields(initiator = new.initiator_id))]
pub async fn create<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Actor,
    new: NewAgreement,
    now: DateTime<Utc>,
) -> DomainResult<(agreement::Model, Vec<agreement_party::Model>)> {
    authorize(actor, Action::EditAgreements, new.initiator_id)?;
    let title = fields::AGREEMENT_TITLE.required(&new.title)?;
    let objectives = fields::OBJECTIVES.clean(&new.objectives)?;
    valid_dates(new.start_date, new.end_date)?;
    check_list_len("partyIds", new.party_ids.len())?;
    let mut others = Vec::new();
    for id in new.party_ids {
        if id != new.initiator_id && !others.contains(&id) {
            others.push(id);
        }
    }
    // Checked before the transaction, whose first statement must write (on
    // SQLite a transaction that reads first cannot wait for the lock).
    // Organizations are never deleted, so the answer stays true.
    ensure_organizations(db, &others, "partyIds").await?;
    let txn = db.begin().await?;
    let model = agreement::ActiveModel {
        id: NotSet,
        initiator_id: sea_orm::Set(new.initiator_id),
        search_text: sea_orm::Set(searchable(&[&title, &objectives])),
        title: sea_orm::Set(title),
        kind: sea_orm::Set(new.kind),
        status: sea_orm::Set(AgreementStatus::Draft),
        objectives: sea_orm::Set(objectives),
        start_date: sea_orm::Set(new.start_date),
        end_date: sea_orm::Set(new.end_date),
        visibility: sea_orm::Set(new.visibility),
        version: sea_orm::Set(1),
        termination_reason: sea_orm::Set(None),
        created_at: sea_orm::Set(now),
        updated_at: sea_orm::Set(now),
    }
    .insert(&txn)
    .await?;
    let mut rows = Vec::with_capacity(others.len() + 1);
    for org in std::iter::once(new.initiator_id).chain(others) {
        rows.push(insert_party(&txn, model.id, org).await?);
    }
    audit_change(
        &txn,
        Author::Actor(actor),
        model.initiator_id,
        "agreement.create",
        None,
        (&model, &rows),
        now,
        model.id,
    )
    .await?;
    txn.commit().await?;
    Ok((model, rows))
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
async fn draft<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    id: i64,
    verb: &str,
    version: Option<i32>,
) -> DomainResult<agreement::Model> {
    let current = lock(txn, Some(actor), id).await?;
    authorize(actor, Action::EditAgreements, current.initiator_id)?;
    if current.status != AgreementStatus::Draft {
        return Err(illegal(verb, current.status));
    }
    if let Some(version) = version {
        check_version("agreement", version, current.version)?;
    }
    Ok(current)
}

/// Edits a DRAFT (EDITOR of the initiator), from the `version` read.
#[tracing::instrument(skip(db, actor, changes))]
pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    version: i32,
    changes: AgreementChanges,
    now: DateTime<Utc>,
) -> DomainResult<agreement::Model> {
    let txn = db.begin().await?;
    let before = draft(&txn, actor, id, "edit", Some(version)).await?;
    let mut next = before.clone();
    if let Some(title) = changes.title {
        next.title = fields::AGREEMENT_TITLE.required(&title)?;
    }
    if let Some(kind) = changes.kind {
        next.kind = kind;
    }
    if let Some(objectives) = changes.objectives {
        next.objectives = fields::OBJECTIVES.clean(&objectives)?;
    }
    if let Some(start) = changes.start_date {
        next.start_date = start;
    }
    if let Some(end) = changes.end_date {
        next.end_date = end;
    }
    if let Some(visibility) = changes.visibility {
        next.visibility = visibility;
    }
    valid_dates(next.start_date, next.end_date)?;
    let after = save(&txn, next, now).await?;
    let rows = parties(&txn, id).await?;
    audit_change(
        &txn,
        Author::Actor(actor),
        after.initiator_id,
        "agreement.update",
        Some((&before, &rows)),
        (&after, &rows),
        now,
        id,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Adds a party to a DRAFT (EDITOR of the initiator).
#[tracing::instrument(skip(db, actor))]
pub async fn add_party<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    version: i32,
    organization_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<agreement::Model> {
    let txn = db.begin().await?;
    let before = draft(&txn, actor, id, "add a party", Some(version)).await?;
    ensure_organizations(&txn, &[organization_id], "organizationId").await?;
    let before_parties = parties(&txn, id).await?;
    if before_parties
        .iter()
        .any(|p| p.organization_id == organization_id)
    {
        return Err(DomainError::invalid(
            "organizationId",
            "this organization is already a party",
        ));
    }
    insert_party(&txn, id, organization_id).await?;
    let after = save(&txn, before.clone(), now).await?;
    let after_parties = parties(&txn, id).await?;
    audit_change(
        &txn,
        Author::Actor(actor),
        after.initiator_id,
        "agreement.add_party",
        Some((&before, &before_parties)),
        (&after, &after_parties),
        now,
        id,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Removes a party from a DRAFT (EDITOR of the initiator); the initiator
/// stays.
#[tracing::instrument(skip(db, actor))]
pub async fn remove_party<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    version: i32,
    organization_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<agreement::Model> {
    let txn = db.begin().await?;
    let before = draft(&txn, actor, id, "remove a party", Some(version)).await?;
    if organization_id == before.initiator_id {
        return Err(DomainError::invalid(
            "organizationId",
            "the initiator cannot be removed; withdraw the agreement instead",
        ));
    }
    let before_parties = parties(&txn, id).await?;
    let party = party_of(&before_parties, organization_id)?;
    agreement_party::Entity::delete_by_id(party.id)
        .exec(&txn)
        .await?;
    let after = save(&txn, before.clone(), now).await?;
    let after_parties = parties(&txn, id).await?;
    audit_change(
        &txn,
        Author::Actor(actor),
        after.initiator_id,
        "agreement.remove_party",
        Some((&before, &before_parties)),
        (&after, &after_parties),
        now,
        id,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Sends a DRAFT to its parties (EDITOR of the initiator): DRAFT →
/// PROPOSED. Needs at least two parties. `version`, when given, must be
/// the one read, so what is proposed is what was reviewed.
#[tracing::instrument(skip(db, actor))]
pub async fn propose<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    version: Option<i32>,
    now: DateTime<Utc>,
) -> DomainResult<agreement::Model> {
    let txn = db.begin().await?;
    let before = draft(&txn, actor, id, "propose", version).await?;
    let rows = parties(&txn, id).await?;
    if rows.len() < 2 {
        return Err(DomainError::conflict(
            "NOT_ENOUGH_PARTIES",
            "an agreement needs at least two parties; add a party first",
        ));
    }
    let mut next = before.clone();
    next.status = AgreementStatus::Proposed;
    let after = save(&txn, next, now).await?;
    audit_change(
        &txn,
        Author::Actor(actor),
        after.initiator_id,
        "agreement.propose",
        Some((&before, &rows)),
        (&after, &rows),
        now,
        id,
    )
    .await?;
    event(
        &txn,
        EventKind::AgreementProposed,
        after.initiator_id,
        &after,
        Some(actor),
        serde_json::json!({ "parties": party_ids(&rows) }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Signs a PROPOSED agreement for one party (ADMIN or OWNER of that
/// party), in the name of `signatory`. The last signature makes it ACTIVE.
#[tracing::instrument(skip(db, actor, signatory))]
pub async fn sign<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    party: i64,
    signatory: &str,
    now: DateTime<Utc>,
) -> DomainResult<agreement::Model> {
    authorize(actor, Action::SignAgreements, party)?;
    let txn = db.begin().await?;
    // Locked: a concurrent signature waits here and then reads this one's.
    let before = lock(&txn, Some(actor), id).await?;
    if before.status != AgreementStatus::Proposed {
        return Err(illegal("sign", before.status));
    }
    let before_parties = parties(&txn, id).await?;
    let row = party_of(&before_parties, party)?;
    if row.signed_at.is_some() {
        return Err(DomainError::conflict(
            "ILLEGAL_TRANSITION",
            format!(
                "cannot sign: {} has already signed; the agreement is {}",
                organization_name(&txn, party).await?,
                status_name(before.status)
            ),
        ));
    }
    let signatory = fields::SIGNATORY.required(signatory)?;
    let mut signed = row;
    signed.signed_at = Some(now);
    signed.signatory = Some(signatory.clone());
    signed.into_active_model().reset_all().update(&txn).await?;
    let after_parties = parties(&txn, id).await?;
    let activated = after_parties.iter().all(|p| p.signed_at.is_some());
    let mut next = before.clone();
    if activated {
        next.status = AgreementStatus::Active;
    }
    let after = save(&txn, next, now).await?;
    audit_change(
        &txn,
        Author::Actor(actor),
        party,
        "agreement.sign",
        Some((&before, &before_parties)),
        (&after, &after_parties),
        now,
        id,
    )
    .await?;
    event(
        &txn,
        EventKind::AgreementSigned,
        party,
        &after,
        Some(actor),
        serde_json::json!({ "party": party, "signatory": signatory }),
        now,
    )
    .await?;
    if activated {
        event(
            &txn,
            EventKind::AgreementActivated,
            after.initiator_id,
            &after,
            Some(actor),
            serde_json::json!({ "parties": party_ids(&after_parties) }),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(after)
}

/// Declines a PROPOSED agreement for one party (ADMIN or OWNER of that
/// party) that has not signed: the agreement is DECLINED.
#[tracing::instrument(skip(db, actor))]
pub async fn decline<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    party: i64,
    now: DateTime<Utc>,
) -> DomainResult<agreement::Model> {
    authorize(actor, Action::SignAgreements, party)?;
    let txn = db.begin().await?;
    let before = lock(&txn, Some(actor), id).await?;
    if before.status != AgreementStatus::Proposed {
        return Err(illegal("decline", before.status));
    }
    let before_parties = parties(&txn, id).await?;
    let row = party_of(&before_parties, party)?;
    if row.signed_at.is_some() {
        return Err(DomainError::conflict(
            "ILLEGAL_TRANSITION",
            format!(
                "cannot decline: {} has already signed; the agreement is {}",
                organization_name(&txn, party).await?,
                status_name(before.status)
            ),
        ));
    }
    let mut declined = row;
    declined.declined_at = Some(now);
    declined
        .into_active_model()
        .reset_all()
        .update(&txn)
        .await?;
    let after_parties = parties(&txn, id).await?;
    let mut next = before.clone();
    next.status = AgreementStatus::Declined;
    let after = save(&txn, next, now).await?;
    audit_change(
        &txn,
        Author::Actor(actor),
        party,
        "agreement.decline",
        Some((&before, &before_parties)),
        (&after, &after_parties),
        now,
        id,
    )
    .await?;
    event(
        &txn,
        EventKind::AgreementDeclined,
        party,
        &after,
        Some(actor),
        serde_json::json!({ "party": party }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Takes back a DRAFT or PROPOSED agreement (ADMIN or OWNER of the
/// initiator): it becomes WITHDRAWN.
#[tracing::instrument(skip(db, actor))]
pub async fn withdraw<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> DomainResult<agreement::Model> {
    let txn = db.begin().await?;
    let before = lock(&txn, Some(actor), id).await?;
    authorize(actor, Action::SignAgreements, before.initiator_id)?;
    if !matches!(
        before.status,
        AgreementStatus::Draft | AgreementStatus::Proposed
    ) {
        return Err(illegal("withdraw", before.status));
    }
    let rows = parties(&txn, id).await?;
    let mut next = before.clone();
    next.status = AgreementStatus::Withdrawn;
    let after = save(&txn, next, now).await?;
    audit_change(
        &txn,
        Author::Actor(actor),
        after.initiator_id,
        "agreement.withdraw",
        Some((&before, &rows)),
        (&after, &rows),
        now,
        id,
    )
    .await?;
    event(
        &txn,
        EventKind::AgreementWithdrawn,
        after.initiator_id,
        &after,
        Some(actor),
        serde_json::json!({
            "from": status_name(before.status),
            "parties": party_ids(&rows),
        }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Ends an ACTIVE agreement early for one party (ADMIN or OWNER of that
/// party), with the reason kept on the agreement: it becomes TERMINATED.
#[tracing::instrument(skip(db, actor, reason))]
pub async fn terminate<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    party: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> DomainResult<agreement::Model> {
    authorize(actor, Action::SignAgreements, party)?;
    let txn = db.begin().await?;
    let before = lock(&txn, Some(actor), id).await?;
    if before.status != AgreementStatus::Active {
        return Err(illegal("terminate", before.status));
    }
    let rows = parties(&txn, id).await?;
    party_of(&rows, party)?;
    let reason = fields::TERMINATION_REASON.required(reason)?;
    let mut next = before.clone();
    next.status = AgreementStatus::Terminated;
    next.termination_reason = Some(reason.clone());
    let after = save(&txn, next, now).await?;
    audit_change(
        &txn,
        Author::Actor(actor),
        party,
        "agreement.terminate",
        Some((&before, &rows)),
        (&after, &rows),
        now,
        id,
    )
    .await?;
    event(
        &txn,
        EventKind::AgreementTerminated,
        party,
        &after,
        Some(actor),
        serde_json::json!({ "party": party, "reason": reason, "parties": party_ids(&rows) }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Marks EXPIRED every ACTIVE agreement whose end date is before `today`,
/// each in its own transaction (locked and re-read, so concurrent runs on
/// several nodes expire each agreement once), attributed to the system.
/// Returns how many it expired.
#[tracing::instrument(skip(db))]
pub async fn expire_due<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    today: NaiveDate,
) -> DomainResult<u64> {
    let due: Vec<i64> = agreement::Entity::find()
        .select_only()
        .column(agreement::Column::Id)
        .filter(agreement::Column::Status.eq(AgreementStatus::Active))
        .filter(agreement::Column::EndDate.lt(today))
        .order_by_asc(agreement::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let mut expired = 0;
    for id in due {
        let now = Utc::now();
        let txn = db.begin().await?;
        let before = lock(&txn, None, id).await?;
        let still_due = before.status == AgreementStatus::Active
            && before.end_date.is_some_and(|end| end < today);
        if !still_due {
            continue;
        }
        let rows = parties(&txn, id).await?;
        let mut next = before.clone();
        next.status = AgreementStatus::Expired;
        let after = save(&txn, next, now).await?;
        audit_change(
            &txn,
            Author::System,
            after.initiator_id,
            "agreement.expire",
            Some((&before, &rows)),
            (&after, &rows),
            now,
            id,
        )
        .await?;
        event(
            &txn,
            EventKind::AgreementExpired,
            after.initiator_id,
            &after,
            None,
            serde_json::json!({ "endDate": after.end_date, "parties": party_ids(&rows) }),
            now,
        )
        .await?;
        txn.commit().await?;
        expired += 1;
    }
    if expired > 0 {
        tracing::info!(expired, "agreements past their end date expired");
    }
    Ok(expired)
}

/// Runs [`expire_due`] now and then every `interval`, for ever; failures
/// are logged and retried at the next tick. Spawned by the server.
pub async fn run_expiry(db: sea_orm::DatabaseConnection, interval: std::time::Duration) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(err) = expire_due(&db, Utc::now().date_naive()).await {
            tracing::error!(%err, "expiring agreements failed");
        }
    }
}

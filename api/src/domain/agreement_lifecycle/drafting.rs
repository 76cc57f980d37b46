//! Drafting: creating a DRAFT, editing it, changing its parties. All of it
//! is the initiator's EDITORs' work.

use chrono::{DateTime, Utc};
use entities::{agreement, agreement_party, enums::AgreementStatus};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ConnectionTrait, EntityTrait, TransactionSession,
    TransactionTrait,
};

use super::{
    AgreementChanges, NewAgreement, audit_change, draft, ensure_organizations, insert_party,
    parties, party_of, save, valid_dates,
};
use crate::domain::{
    actor::Actor,
    audit::Author,
    error::{DomainError, DomainResult},
    input::{check_list_len, fields},
    policy::{Action, authorize},
    text::searchable,
    write::Write,
};

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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
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
        &mut txn,
        model.initiator_id,
        "agreement.create",
        None,
        (&model, &rows),
    );
    txn.commit().await?;
    Ok((model, rows))
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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let before = draft(&txn, id, "edit", Some(version)).await?;
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
        &mut txn,
        after.initiator_id,
        "agreement.update",
        Some((&before, &rows)),
        (&after, &rows),
    );
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
    let txn = Write::begin(db, Author::Actor(actor), now).await?;
    let before = draft(&txn, id, "add a party", Some(version)).await?;
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
    commit_party_change(txn, before, &before_parties, "agreement.add_party").await
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
    let txn = Write::begin(db, Author::Actor(actor), now).await?;
    let before = draft(&txn, id, "remove a party", Some(version)).await?;
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
    commit_party_change(txn, before, &before_parties, "agreement.remove_party").await
}

/// Ends a change of a DRAFT's parties: the agreement saved (its version
/// bumped), the audit entry with the parties before and after, the commit.
async fn commit_party_change<T>(
    mut txn: Write<'_, T>,
    before: agreement::Model,
    before_parties: &[agreement_party::Model],
    action: &'static str,
) -> DomainResult<agreement::Model>
where
    T: ConnectionTrait + TransactionSession + Send + Sync,
{
    let after = save(&txn, before.clone(), txn.now()).await?;
    let after_parties = parties(&txn, after.id).await?;
    audit_change(
        &mut txn,
        after.initiator_id,
        action,
        Some((&before, before_parties)),
        (&after, &after_parties),
    );
    txn.commit().await?;
    Ok(after)
}

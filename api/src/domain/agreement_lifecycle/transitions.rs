//! The parties' commitments: proposing a DRAFT, signing or declining it,
//! withdrawing and terminating. Each transition is refused with
//! `ILLEGAL_TRANSITION` where the current state does not allow it.

use chrono::{DateTime, Utc};
use entities::{
    agreement, agreement_party,
    enums::{AgreementStatus, EventKind},
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, IntoActiveModel, TransactionSession, TransactionTrait,
};

use super::{
    audit_change, draft, event, illegal, lock, organization_name, parties, party_ids, party_of,
    save, status_name,
};
use crate::domain::{
    actor::Actor,
    audit::Author,
    error::{DomainError, DomainResult, Reason},
    input::fields,
    policy::{Action, authorize},
    write::Write,
};

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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let before = draft(&txn, id, "propose", version).await?;
    let rows = parties(&txn, id).await?;
    if rows.len() < 2 {
        return Err(DomainError::conflict(
            Reason::NotEnoughParties,
            "an agreement needs at least two parties; add a party first",
        ));
    }
    let mut next = before.clone();
    next.status = AgreementStatus::Proposed;
    let after = save(&txn, next, now).await?;
    audit_change(
        &mut txn,
        after.initiator_id,
        "agreement.propose",
        Some((&before, &rows)),
        (&after, &rows),
    );
    event(
        &mut txn,
        EventKind::AgreementProposed,
        after.initiator_id,
        &after,
        serde_json::json!({ "parties": party_ids(&rows) }),
    );
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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    // Locked: a concurrent signature waits here and then reads this one's.
    let (before, before_parties, row) = awaiting_answer(&txn, id, party, "sign").await?;
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
        &mut txn,
        party,
        "agreement.sign",
        Some((&before, &before_parties)),
        (&after, &after_parties),
    );
    event(
        &mut txn,
        EventKind::AgreementSigned,
        party,
        &after,
        serde_json::json!({ "party": party, "signatory": signatory }),
    );
    if activated {
        event(
            &mut txn,
            EventKind::AgreementActivated,
            after.initiator_id,
            &after,
            serde_json::json!({ "parties": party_ids(&after_parties) }),
        );
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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let (before, before_parties, row) = awaiting_answer(&txn, id, party, "decline").await?;
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
        &mut txn,
        party,
        "agreement.decline",
        Some((&before, &before_parties)),
        (&after, &after_parties),
    );
    event(
        &mut txn,
        EventKind::AgreementDeclined,
        party,
        &after,
        serde_json::json!({ "party": party }),
    );
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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let before = lock(&txn, Some(actor), id).await?;
    txn.authorize(Action::SignAgreements, before.initiator_id)?;
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
        &mut txn,
        after.initiator_id,
        "agreement.withdraw",
        Some((&before, &rows)),
        (&after, &rows),
    );
    event(
        &mut txn,
        EventKind::AgreementWithdrawn,
        after.initiator_id,
        &after,
        serde_json::json!({
            "from": status_name(before.status),
            "parties": party_ids(&rows),
        }),
    );
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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
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
        &mut txn,
        party,
        "agreement.terminate",
        Some((&before, &rows)),
        (&after, &rows),
    );
    event(
        &mut txn,
        EventKind::AgreementTerminated,
        party,
        &after,
        serde_json::json!({ "party": party, "reason": reason, "parties": party_ids(&rows) }),
    );
    txn.commit().await?;
    Ok(after)
}

/// What signing and declining start from: the agreement locked and
/// PROPOSED, its parties, and the row of `party`, which has not signed.
async fn awaiting_answer<T>(
    txn: &Write<'_, T>,
    id: i64,
    party: i64,
    verb: &str,
) -> DomainResult<(
    agreement::Model,
    Vec<agreement_party::Model>,
    agreement_party::Model,
)>
where
    T: ConnectionTrait + TransactionSession + Send + Sync,
{
    let before = lock(txn, txn.actor(), id).await?;
    if before.status != AgreementStatus::Proposed {
        return Err(illegal(verb, before.status));
    }
    let parties = parties(txn, id).await?;
    let row = party_of(&parties, party)?;
    if row.signed_at.is_some() {
        return Err(DomainError::conflict(
            Reason::IllegalTransition,
            format!(
                "cannot {verb}: {} has already signed; the agreement is {}",
                organization_name(txn, party).await?,
                status_name(before.status)
            ),
        ));
    }
    Ok((before, parties, row))
}

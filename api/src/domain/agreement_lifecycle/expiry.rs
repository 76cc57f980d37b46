//! The end date passing: ACTIVE agreements become EXPIRED, attributed to
//! Pactum itself, in bounded batches.
//!
//! Each batch is one transaction holding its agreements' audit entries and
//! events, so a start after a long pause (thousands of due agreements) is a
//! few dozen transactions, not thousands. Several nodes may run it at once:
//! on PostgreSQL a batch claims its rows with `FOR UPDATE SKIP LOCKED`, so
//! nodes take different agreements instead of queueing behind each other;
//! on SQLite the claim is a write that takes the single writer's lock.
//! Either way every claimed agreement is read again under the lock, so it
//! expires exactly once.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entities::{
    agreement, agreement_party,
    enums::{AgreementStatus, EventKind},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, Statement,
    TransactionTrait,
};

use super::{audit_change, event, party_ids, save};
use crate::domain::{audit::Author, error::DomainResult, name_of, write::Write};

/// Agreements expired per transaction.
pub const EXPIRY_BATCH: u64 = 200;

/// Marks EXPIRED every ACTIVE agreement whose end date is before `today`,
/// [`EXPIRY_BATCH`] per transaction. Returns how many this call expired
/// (agreements another node claimed are that node's).
#[tracing::instrument(skip(db))]
pub async fn expire_due<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    today: NaiveDate,
) -> DomainResult<u64> {
    let mut expired = 0;
    loop {
        let (claimed, batch) = expire_batch(db, today, EXPIRY_BATCH).await?;
        expired += batch;
        if claimed < EXPIRY_BATCH {
            break;
        }
    }
    if expired > 0 {
        tracing::info!(expired, "agreements past their end date expired");
    }
    Ok(expired)
}

/// One batch: claims up to `limit` due agreements and expires them.
/// Returns (claimed, expired).
async fn expire_batch<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    today: NaiveDate,
    limit: u64,
) -> DomainResult<(u64, u64)> {
    let now = Utc::now();
    let mut txn = Write::begin(db, Author::System, now).await?;
    let ids = claim_due(&txn, today, limit).await?;
    let claimed = ids.len() as u64;
    if ids.is_empty() {
        return Ok((0, 0));
    }
    let agreements = agreement::Entity::find()
        .filter(agreement::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(agreement::Column::Id)
        .all(&txn)
        .await?;
    let mut parties: HashMap<i64, Vec<agreement_party::Model>> = HashMap::new();
    for party in agreement_party::Entity::find()
        .filter(agreement_party::Column::AgreementId.is_in(ids.iter().copied()))
        .order_by_asc(agreement_party::Column::Id)
        .all(&txn)
        .await?
    {
        parties.entry(party.agreement_id).or_default().push(party);
    }
    let mut expired = 0;
    for before in agreements {
        let still_due = before.status == AgreementStatus::Active
            && before.end_date.is_some_and(|end| end < today);
        if !still_due {
            continue;
        }
        let rows = parties.remove(&before.id).unwrap_or_default();
        let mut next = before.clone();
        next.status = AgreementStatus::Expired;
        let after = save(&txn, next, now).await?;
        audit_change(
            &mut txn,
            after.initiator_id,
            "agreement.expire",
            Some((&before, &rows)),
            (&after, &rows),
        );
        event(
            &mut txn,
            EventKind::AgreementExpired,
            after.initiator_id,
            &after,
            serde_json::json!({ "endDate": after.end_date, "parties": party_ids(&rows) }),
        );
        expired += 1;
    }
    txn.commit().await?;
    Ok((claimed, expired))
}

/// Locks up to `limit` due agreements for this transaction and returns
/// their ids (those another transaction holds are skipped on PostgreSQL).
async fn claim_due<C: ConnectionTrait>(
    txn: &C,
    today: NaiveDate,
    limit: u64,
) -> DomainResult<Vec<i64>> {
    let backend = txn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT id FROM agreements WHERE status = $1 AND end_date < $2 \
             ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED"
        }
        _ => {
            "UPDATE agreements SET version = version WHERE id IN (SELECT id FROM agreements \
             WHERE status = ? AND end_date < ? ORDER BY id LIMIT ?) RETURNING id"
        }
    };
    let values = [
        name_of(&AgreementStatus::Active).into(),
        today.into(),
        i64::try_from(limit).unwrap_or(i64::MAX).into(),
    ];
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let mut ids = rows
        .iter()
        .map(|row| row.try_get::<i64>("", "id"))
        .collect::<Result<Vec<_>, _>>()?;
    ids.sort_unstable();
    Ok(ids)
}

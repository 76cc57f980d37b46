//! The end date passing: ACTIVE agreements become EXPIRED, attributed to
//! Pactum itself.

use chrono::{NaiveDate, Utc};
use entities::{
    agreement,
    enums::{AgreementStatus, EventKind},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use super::{audit_change, event, lock, parties, party_ids, save};
use crate::domain::{audit::Author, error::DomainResult, write::Write};

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
        let mut txn = Write::begin(db, Author::System, now).await?;
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
        txn.commit().await?;
        expired += 1;
    }
    if expired > 0 {
        tracing::info!(expired, "agreements past their end date expired");
    }
    Ok(expired)
}

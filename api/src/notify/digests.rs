//! The daily jobs, idempotent so they may run as often as convenient:
//!
//! - expiry reminders: ACTIVE agreements ending in 30 or 7 days (the
//!   smallest threshold not yet passed) alert their parties' ADMINs and
//!   OWNERs, keyed `expiring:{agreement}:{threshold}` so each reminder goes
//!   once however often the job runs;
//! - digests: once `digest_hour_utc` has passed, each user's HELD alerts
//!   queued before that hour are gathered into one DAILY_DIGEST mail and
//!   marked DIGESTED, in one transaction.

use chrono::{DateTime, Duration, NaiveTime, SubsecRound, TimeZone, Utc};
use entities::{
    enums::{AlertKind, Language, OutboxStatus},
    outbox, user,
};
use minijinja::context;
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, sea_query::Expr,
};

use super::{
    Notifier, outbox as queue,
    templates::{DigestItem, Links},
};
use crate::domain::{alerts, error::DomainResult};

/// Runs both daily jobs as of `now`.
pub async fn run_daily(notifier: &Notifier, now: DateTime<Utc>) -> DomainResult<()> {
    expiry_reminders(notifier, now).await?;
    digests(notifier, now).await?;
    Ok(())
}

/// Queues the expiry reminders due on `now`'s day (rows are stamped with
/// the wall clock); returns how many agreements had one due.
pub async fn expiry_reminders(notifier: &Notifier, now: DateTime<Utc>) -> DomainResult<usize> {
    let today = now.date_naive();
    let now = Utc::now().trunc_subsecs(6);
    let txn = crate::domain::begin_write(&notifier.db).await?;
    let due = alerts::expiring_alerts(&txn, today).await?;
    for (alert, threshold) in &due {
        let id = match &alert.record {
            alerts::Record::Agreement { agreement, .. } => agreement.id,
            _ => continue,
        };
        queue::enqueue(
            notifier,
            &txn,
            alert,
            &format!("expiring:{id}:{threshold}"),
            None,
            context! {
                threshold => threshold,
                days => match &alert.record {
                    alerts::Record::Agreement { agreement, .. } => {
                        agreement.end_date.map(|end| (end - today).num_days())
                    }
                    _ => None,
                },
            },
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(due.len())
}

/// The last digest time at or before `now`.
pub fn digest_cutoff(now: DateTime<Utc>, hour: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour.min(23), 0, 0).unwrap_or(NaiveTime::MIN);
    let today = Utc.from_utc_datetime(&now.date_naive().and_time(time));
    if today <= now {
        today
    } else {
        today - Duration::days(1)
    }
}

/// Sends each user's digest of alerts held before the last digest time at
/// or before `now` (rows are stamped with the wall clock); returns how many
/// digests it queued.
pub async fn digests(notifier: &Notifier, now: DateTime<Utc>) -> DomainResult<usize> {
    let cutoff = digest_cutoff(now, notifier.config.digest_hour_utc);
    let now = Utc::now().trunc_subsecs(6);
    let users: Vec<Option<i64>> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::UserId)
        .distinct()
        .filter(outbox::Column::Status.eq(OutboxStatus::Held))
        .filter(outbox::Column::CreatedAt.lt(cutoff))
        .into_tuple()
        .all(&notifier.db)
        .await?;
    let mut made = 0;
    for user_id in users.into_iter().flatten() {
        if digest_for(notifier, user_id, cutoff, now).await? {
            made += 1;
        }
    }
    Ok(made)
}

async fn digest_for(
    notifier: &Notifier,
    user_id: i64,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let txn = crate::domain::begin_write(&notifier.db).await?;
    let items = outbox::Entity::find()
        .filter(outbox::Column::UserId.eq(user_id))
        .filter(outbox::Column::Status.eq(OutboxStatus::Held))
        .filter(outbox::Column::CreatedAt.lt(cutoff))
        .order_by_asc(outbox::Column::Id)
        .all(&txn)
        .await?;
    let (Some(first), Some(user)) = (
        items.first(),
        user::Entity::find_by_id(user_id).one(&txn).await?,
    ) else {
        return Ok(false);
    };
    let language: Language = user.preferred_language;
    let entries: Vec<DigestItem> = items
        .iter()
        .map(|i| DigestItem {
            subject: i.subject.clone(),
            link: i.link.clone(),
        })
        .collect();
    let home = notifier.public_url().to_owned();
    let mail = match notifier.templates.render(
        AlertKind::DailyDigest,
        language,
        context! { count => entries.len() },
        Links {
            record: &home,
            unsubscribe: Some(&notifier.key.url(&home, user_id, AlertKind::DailyDigest)),
            settings: &notifier.key.settings_url(&home, user_id),
        },
        &entries,
    ) {
        Ok(mail) => mail,
        Err(err) => {
            tracing::error!(%err, "cannot render a digest");
            return Ok(false);
        }
    };
    let key = format!("digest:{user_id}:{}", first.id);
    queue::insert(
        &txn,
        vec![outbox::ActiveModel {
            user_id: Set(Some(user_id)),
            recipient: Set(user.email.clone()),
            language: Set(language),
            ..queue::new_row(key.clone(), AlertKind::DailyDigest, mail, home, now)
        }],
    )
    .await?;
    let digest = outbox::Entity::find()
        .filter(outbox::Column::DedupeKey.eq(key))
        .one(&txn)
        .await?;
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Digested))
        .col_expr(outbox::Column::DigestId, Expr::value(digest.map(|d| d.id)))
        .filter(outbox::Column::Id.is_in(ids))
        .filter(outbox::Column::Status.eq(OutboxStatus::Held))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cutoff_is_the_last_digest_hour_passed() {
        let at = |h, m| {
            Utc.with_ymd_and_hms(2026, 3, 10, h, m, 0)
                .single()
                .unwrap_or_default()
        };
        assert_eq!(digest_cutoff(at(7, 30), 6), at(6, 0));
        assert_eq!(digest_cutoff(at(6, 0), 6), at(6, 0));
        assert_eq!(
            digest_cutoff(at(5, 59), 6),
            Utc.with_ymd_and_hms(2026, 3, 9, 6, 0, 0)
                .single()
                .unwrap_or_default()
        );
    }
}

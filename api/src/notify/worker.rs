//! The mail worker: claim due rows, send them, record what happened.
//!
//! Claiming is one statement: `UPDATE outbox SET lease_until = now + lease,
//! attempts = attempts + 1 WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)
//! RETURNING *` on PostgreSQL (workers on several nodes never claim the
//! same row), the same without the locking clause on SQLite (one writer at
//! a time). A claimed row belongs to its worker until the lease runs out;
//! if the worker dies, the row is claimed again after that.
//!
//! Guarantee, precisely: an alert is sent at least once, and exactly once
//! unless the process dies (or loses the database) in the window between
//! the SMTP server's `250` for it and the commit of its SENT mark. No
//! protocol can close that window with a plain SMTP server (it keeps no
//! record we could ask), so the choice is between a rare duplicate and a
//! rare loss; we take the duplicate, keep the window short (the mark is the
//! next statement, retried if the database is busy), bound it (only rows
//! in flight — at most `smtp_pool_size` — can repeat) and make it visible:
//! every copy carries the same `Message-ID` (derived from the dedupe key)
//! and `X-Pactum-Alert`, so receivers that deduplicate on either drop it.

use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use entities::{enums::OutboxStatus, outbox};
use futures::StreamExt;
use lettre::{Message, message::MultiPart};
use rand::Rng;
use sea_orm::{
    ColumnTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Statement,
    sea_query::Expr,
};
use sha2::{Digest, Sha256};

use super::{
    Notifier,
    headers::{ListUnsubscribe, ListUnsubscribePost, PactumAlert},
    outbox::has_unsubscribe,
    transport::SendError,
};

/// Claims, sends and records one batch; returns how many rows it claimed.
#[tracing::instrument(skip_all)]
pub async fn send_batch(notifier: &Notifier) -> Result<usize, DbErr> {
    let claimed = claim(notifier, Utc::now()).await?;
    let count = claimed.len();
    let concurrency = notifier.config.smtp_pool_size.max(1) as usize;
    futures::stream::iter(claimed)
        .for_each_concurrent(concurrency, |row| async move {
            let outcome = match message(notifier, &row) {
                Ok(message) => notifier.mailer.send(message).await,
                Err(err) => Err(SendError::Permanent(err)),
            };
            record(notifier, &row, outcome).await;
        })
        .await;
    let depth = outbox::Entity::find()
        .filter(outbox::Column::Status.eq(OutboxStatus::Pending))
        .count(&notifier.db)
        .await?;
    notifier
        .metrics
        .mail_queue_depth
        .set(i64::try_from(depth).unwrap_or(i64::MAX));
    Ok(count)
}

/// Leases up to a batch of due PENDING rows to this worker.
pub async fn claim(notifier: &Notifier, now: DateTime<Utc>) -> Result<Vec<outbox::Model>, DbErr> {
    let now = now.trunc_subsecs(6);
    let lease = now
        + chrono::Duration::seconds(
            i64::try_from(notifier.config.notify_lease_secs).unwrap_or(i64::MAX / 2),
        );
    let backend = notifier.db.get_database_backend();
    let limit = i64::from(notifier.config.notify_batch_size);
    let (sql, values): (&str, Vec<sea_orm::Value>) = match backend {
        DbBackend::Postgres => (
            "UPDATE outbox SET lease_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox WHERE status = 'PENDING' \
             AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until < $2) \
             ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING *",
            vec![lease.into(), now.into(), limit.into()],
        ),
        _ => (
            "UPDATE outbox SET lease_until = ?, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox WHERE status = 'PENDING' \
             AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) \
             ORDER BY id LIMIT ?) RETURNING *",
            vec![lease.into(), now.into(), now.into(), limit.into()],
        ),
    };
    let mut rows = outbox::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(backend, sql, values))
        .all(&notifier.db)
        .await?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// The `Message-ID` of an alert: the same for every copy of it.
pub fn message_id(dedupe_key: &str, domain: &str) -> String {
    let digest = hex::encode(Sha256::digest(dedupe_key.as_bytes()));
    format!("<{}@{domain}>", &digest[..32])
}

/// Builds the mail for a row.
pub fn message(notifier: &Notifier, row: &outbox::Model) -> Result<Message, String> {
    let to = row
        .recipient
        .parse()
        .map_err(|e| format!("recipient address: {e}"))?;
    let domain = notifier.from.email.domain().to_owned();
    let mut builder = Message::builder()
        .from(notifier.from.clone())
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(message_id(&row.dedupe_key, &domain)))
        .header(PactumAlert(row.dedupe_key.clone()));
    if has_unsubscribe(row.kind)
        && let Some(user_id) = row.user_id
    {
        builder = builder
            .header(ListUnsubscribe(notifier.key.url(
                notifier.public_url(),
                user_id,
                row.kind,
            )))
            .header(ListUnsubscribePost);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            row.body_text.clone(),
            row.body_html.clone(),
        ))
        .map_err(|e| format!("building the message: {e}"))
}

/// The delay before attempt `attempts + 1`: base × 2^(attempts-1), capped,
/// then scaled by a random factor in [0.5, 1.5).
pub fn backoff(notifier: &Notifier, attempts: i32) -> Duration {
    let base = notifier.config.notify_backoff_millis.max(1);
    let cap = notifier
        .config
        .notify_backoff_max_secs
        .saturating_mul(1000)
        .max(base);
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let millis = base.saturating_mul(1u64 << exponent).min(cap);
    let factor: f64 = rand::rng().random_range(0.5..1.5);
    Duration::from_millis((millis as f64 * factor) as u64)
}

/// Records a send outcome on a row this worker claimed.
async fn record(notifier: &Notifier, row: &outbox::Model, outcome: Result<(), SendError>) {
    let now = Utc::now().trunc_subsecs(6);
    let mut update = outbox::Entity::update_many()
        .col_expr(
            outbox::Column::LeaseUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .filter(outbox::Column::Id.eq(row.id))
        .filter(outbox::Column::Status.eq(OutboxStatus::Pending));
    let metrics = &notifier.metrics;
    match &outcome {
        Ok(()) => {
            update = update
                .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Sent))
                .col_expr(outbox::Column::SentAt, Expr::value(now))
                .col_expr(outbox::Column::LastError, Expr::value(None::<String>));
            metrics.mail_sent.inc();
        }
        Err(SendError::Transient(err))
            if row.attempts
                < i32::try_from(notifier.config.notify_max_attempts).unwrap_or(i32::MAX) =>
        {
            let next = now
                + chrono::Duration::from_std(backoff(notifier, row.attempts))
                    .unwrap_or(chrono::Duration::hours(1));
            update = update
                .col_expr(
                    outbox::Column::NextAttemptAt,
                    Expr::value(next.trunc_subsecs(6)),
                )
                .col_expr(outbox::Column::LastError, Expr::value(err.clone()));
            metrics.mail_retried.inc();
            tracing::warn!(id = row.id, attempts = row.attempts, %err, "mail not sent; will retry");
        }
        Err(SendError::Transient(err) | SendError::Permanent(err)) => {
            update = update
                .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Failed))
                .col_expr(outbox::Column::LastError, Expr::value(err.clone()));
            metrics.mail_failed.inc();
            tracing::error!(id = row.id, attempts = row.attempts, %err, "mail given up");
        }
    }
    // The mark must land: a lost SENT mark means a second copy later.
    let mut delay = Duration::from_millis(50);
    for _ in 0..10 {
        match update.clone().exec(&notifier.db).await {
            Ok(_) => return,
            Err(err) => {
                tracing::error!(id = row.id, %err, "cannot record a mail outcome; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        }
    }
}

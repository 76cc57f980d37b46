//! Keeping the maintained figures: the fold moves the records marked in
//! `stats_changes` into `stats_contributions` and `stats_counts`; the
//! rebuild recomputes all of it from the records.
//!
//! Both lock the one `stats_folds` row first, so they run one at a time on
//! any number of nodes, and each is one transaction: `stats_counts` is
//! always the sum of `stats_contributions`, which reads rely on. A write
//! that commits while a fold runs leaves its mark behind, so the record is
//! folded again next time; until then reads correct for it.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, FromQueryResult, Statement,
    sea_query::{Alias, Expr, ExprTrait, OnConflict, Query},
};

use super::figures::{self, Records, Scopes, Subject};
use crate::domain::error::{DomainError, DomainResult};

/// At most this many changed records are folded in one transaction.
pub const FOLD_BATCH: u64 = 1_000;

#[derive(Debug, FromQueryResult)]
struct Claimed {
    subject: String,
    subject_id: i64,
}

#[derive(Debug, FromQueryResult)]
struct Contribution {
    scope_id: i64,
    figure: String,
    key: String,
    records: i64,
    amount: i64,
}

/// (scope, figure, key) → (records, amount).
type Deltas = HashMap<(i64, String, String), (i64, i64)>;

async fn lock(txn: &DatabaseTransaction, now: DateTime<Utc>) -> DomainResult<()> {
    txn.execute(
        Query::update()
            .table(Alias::new("stats_folds"))
            .value(Alias::new("folds"), Expr::cust("folds + 1"))
            .value(Alias::new("folded_at"), now)
            .and_where(Expr::col(Alias::new("id")).eq(Expr::val(1))),
    )
    .await?;
    Ok(())
}

fn statement(txn: &DatabaseTransaction, sql: String) -> Statement {
    Statement::from_string(txn.get_database_backend(), sql)
}

/// Folds up to [`FOLD_BATCH`] changed records; returns how many marks it
/// took (0: nothing was waiting).
pub async fn fold(db: &DatabaseConnection, now: DateTime<Utc>) -> DomainResult<u64> {
    // An idle server does not write: look before taking the lock.
    let waiting = Count::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        "SELECT CAST(id AS BIGINT) AS n FROM stats_changes LIMIT 1",
    ))
    .one(db)
    .await?;
    if waiting.is_none() {
        return Ok(0);
    }
    let txn = crate::domain::begin_write(db).await?;
    lock(&txn, now).await?;
    let claimed = Claimed::find_by_statement(statement(
        &txn,
        format!(
            "DELETE FROM stats_changes WHERE id IN \
             (SELECT id FROM stats_changes ORDER BY id LIMIT {FOLD_BATCH}) \
             RETURNING subject, subject_id"
        ),
    ))
    .all(&txn)
    .await?;
    let marks = claimed.len() as u64;
    let mut by_subject: BTreeMap<Subject, Vec<i64>> = BTreeMap::new();
    for c in claimed {
        if let Some(subject) = Subject::from_code(&c.subject) {
            by_subject.entry(subject).or_default().push(c.subject_id);
        }
    }
    let mut deltas = Deltas::new();
    for (subject, mut ids) in by_subject {
        ids.sort_unstable();
        ids.dedup();
        refold(&txn, subject, &ids, &mut deltas).await?;
    }
    apply(&txn, deltas).await?;
    txn.commit().await?;
    Ok(marks)
}

/// Replaces the stored contributions of `subject`'s records `ids` with
/// their current ones, adding the difference to `deltas`.
async fn refold(
    txn: &DatabaseTransaction,
    subject: Subject,
    ids: &[i64],
    deltas: &mut Deltas,
) -> DomainResult<()> {
    let stored = format!(
        "SELECT scope_id, figure, key, records, amount FROM stats_contributions \
         WHERE subject = '{}' AND subject_id IN ({})",
        subject.code(),
        figures::id_list(ids)
    );
    for c in Contribution::find_by_statement(statement(txn, stored.clone()))
        .all(txn)
        .await?
    {
        let d = deltas.entry((c.scope_id, c.figure, c.key)).or_default();
        d.0 -= c.records;
        d.1 -= c.amount;
    }
    txn.execute_raw(statement(
        txn,
        format!(
            "DELETE FROM stats_contributions WHERE subject = '{}' AND subject_id IN ({})",
            subject.code(),
            figures::id_list(ids)
        ),
    ))
    .await?;
    insert_contributions(txn, subject, &Records::Ids(ids)).await?;
    for c in Contribution::find_by_statement(statement(txn, stored))
        .all(txn)
        .await?
    {
        let d = deltas.entry((c.scope_id, c.figure, c.key)).or_default();
        d.0 += c.records;
        d.1 += c.amount;
    }
    Ok(())
}

/// Stores the current contributions of `subject`'s PUBLIC `records`.
async fn insert_contributions(
    txn: &DatabaseTransaction,
    subject: Subject,
    records: &Records<'_>,
) -> DomainResult<()> {
    let backend = txn.get_database_backend();
    let public = super::read::seen_by_anyone_sql(backend, subject);
    let select = figures::contributions(
        backend,
        subject,
        &subject.figures(),
        Scopes::All,
        public.as_deref(),
        records,
    );
    txn.execute_raw(statement(
        txn,
        format!(
            "INSERT INTO stats_contributions \
             (subject, subject_id, scope_id, figure, key, records, amount) {select}"
        ),
    ))
    .await?;
    Ok(())
}

/// Adds `deltas` to `stats_counts` and drops the buckets left empty.
async fn apply(txn: &DatabaseTransaction, deltas: Deltas) -> DomainResult<()> {
    let changed: Vec<_> = deltas.into_iter().filter(|(_, d)| *d != (0, 0)).collect();
    let mut scopes: Vec<i64> = changed.iter().map(|((scope, _, _), _)| *scope).collect();
    scopes.sort_unstable();
    scopes.dedup();
    for chunk in changed.chunks(500) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new("stats_counts"))
            .columns(["scope_id", "figure", "key", "records", "amount"].map(Alias::new))
            .on_conflict(
                OnConflict::columns(["scope_id", "figure", "key"].map(Alias::new))
                    .value(
                        Alias::new("records"),
                        Expr::cust("stats_counts.records + excluded.records"),
                    )
                    .value(
                        Alias::new("amount"),
                        Expr::cust("stats_counts.amount + excluded.amount"),
                    )
                    .to_owned(),
            );
        for ((scope, figure, key), (records, amount)) in chunk {
            insert
                .values([
                    (*scope).into(),
                    figure.clone().into(),
                    key.clone().into(),
                    (*records).into(),
                    (*amount).into(),
                ])
                .map_err(|e| DomainError::Database(DbErr::Custom(e.to_string()).into()))?;
        }
        txn.execute(&insert).await?;
    }
    if !scopes.is_empty() {
        txn.execute_raw(statement(
            txn,
            format!(
                "DELETE FROM stats_counts WHERE records = 0 AND amount = 0 AND scope_id IN ({})",
                figures::id_list(&scopes)
            ),
        ))
        .await?;
    }
    Ok(())
}

/// What a rebuild wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rebuilt {
    /// Contribution rows.
    pub contributions: u64,
    /// Buckets (scope, figure, key).
    pub buckets: u64,
}

/// Recomputes every maintained figure from the records, in one
/// transaction: repairs aggregates however they went wrong.
pub async fn rebuild(db: &DatabaseConnection, now: DateTime<Utc>) -> DomainResult<Rebuilt> {
    let txn = crate::domain::begin_write(db).await?;
    lock(&txn, now).await?;
    for table in ["stats_changes", "stats_contributions", "stats_counts"] {
        txn.execute_raw(statement(&txn, format!("DELETE FROM {table}")))
            .await?;
    }
    for subject in Subject::ALL {
        insert_contributions(&txn, subject, &Records::All).await?;
    }
    let buckets = txn
        .execute_raw(statement(
            &txn,
            "INSERT INTO stats_counts (scope_id, figure, key, records, amount) \
             SELECT scope_id, figure, key, CAST(SUM(records) AS BIGINT), \
             CAST(SUM(amount) AS BIGINT) FROM stats_contributions \
             GROUP BY scope_id, figure, key"
                .to_owned(),
        ))
        .await?
        .rows_affected();
    let rows = Count::find_by_statement(statement(
        &txn,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM stats_contributions".to_owned(),
    ))
    .one(&txn)
    .await?
    .map_or(0, |c| c.n);
    txn.commit().await?;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        // The tables were replaced wholesale: give the planner their shape
        // now rather than at the next autovacuum.
        for table in ["stats_changes", "stats_contributions", "stats_counts"] {
            db.execute_unprepared(&format!("ANALYZE {table}")).await?;
        }
    }
    Ok(Rebuilt {
        contributions: u64::try_from(rows).unwrap_or_default(),
        buckets,
    })
}

#[derive(Debug, FromQueryResult)]
struct Count {
    n: i64,
}

/// Records changed and not folded yet: the aggregates' lag (reads are
/// exact regardless; they cost more while this is large).
pub async fn pending<C: ConnectionTrait>(db: &C) -> DomainResult<i64> {
    Ok(Count::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM stats_changes",
    ))
    .one(db)
    .await?
    .map_or(0, |c| c.n))
}

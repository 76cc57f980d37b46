//! Pactum's rules, free of GraphQL and HTTP: who sees what, how lists are
//! filtered, ordered and paged, what the dashboards count. Functions take a
//! connection and plain types and return domain results.

pub mod accounts;
pub mod activities;
pub mod actor;
pub mod agreement_lifecycle;
pub mod agreements;
pub mod alerts;
pub mod api_tokens;
pub mod audit;
pub mod calendar;
pub mod changes;
pub mod derived_values;
pub mod documents;
pub mod error;
pub mod events;
pub mod fiscal_code;
pub mod global_search;
pub mod housekeeping;
pub mod input;
pub mod keyset;
pub mod listing;
pub mod login_attempts;
pub mod media;
pub mod members;
pub mod open_data;
pub mod organization_profiles;
pub mod organizations;
pub mod pagination;
pub mod policy;
pub mod results;
pub mod search;
pub mod secrets;
pub mod sessions;
pub mod stats;
#[cfg(test)]
pub(crate) mod test_support;
pub mod text;
pub mod values;
pub mod visibility;
pub mod write;

use std::{collections::HashMap, fmt::Write};

use chrono::NaiveDate;
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryTrait, Select, TransactionTrait,
    sea_query::{Alias, Expr, ExprTrait, LikeExpr},
};

use error::{DomainResult, Reason};

/// Takes the write lock on row `id` of `E` for the rest of the transaction,
/// with a no-op UPDATE of `touched` (a PostgreSQL row lock; SQLite has a
/// single writer anyway), so concurrent changes of one record run one
/// after another and each reads what the previous one committed. A missing
/// row is [`error::DomainError::NotFound`] `entity`.
pub async fn lock_row<E: EntityTrait, C: ConnectionTrait>(
    db: &C,
    id_column: E::Column,
    touched: E::Column,
    id: i64,
    entity: &'static str,
) -> DomainResult<()> {
    let locked = E::update_many()
        .col_expr(touched, Expr::col(touched))
        .filter(id_column.eq(id))
        .exec(db)
        .await?;
    if locked.rows_affected == 0 {
        return Err(error::DomainError::NotFound { entity });
    }
    Ok(())
}

/// Opens a transaction that is going to write: every mutation ([`write::Write`])
/// and every job that reads and then writes in one transaction.
///
/// SQLite has one writer. A transaction that reads first and writes later
/// fails at once with SQLITE_BUSY_SNAPSHOT (no busy timeout helps) when
/// another writer committed in between: two registrations racing for one
/// slug, the daily job racing the alert consumer. Taking the write lock
/// first, with a write that changes nothing, makes it wait its turn instead
/// and then read what the other committed. SQLite serialized the writes
/// anyway; PostgreSQL is unchanged.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    let txn = db.begin().await?;
    if txn.get_database_backend() == DbBackend::Sqlite {
        txn.execute_unprepared("UPDATE audit_chains SET chain_id = chain_id WHERE 0")
            .await?;
    }
    Ok(txn)
}

/// A stored enum's name as users see it written (`PROPOSED`, `COMPLETED`).
pub fn name_of<E: ActiveEnum<Value = String>>(value: &E) -> String {
    value.to_value()
}

/// The refusal of `verb` on a `record` ("agreement", "activity") in its
/// current `state`, which the message names.
pub fn illegal_transition<E: ActiveEnum<Value = String>>(
    verb: &str,
    record: &str,
    state: &E,
) -> error::DomainError {
    error::DomainError::conflict(
        Reason::IllegalTransition,
        format!("cannot {verb}: the {record} is {}", name_of(state)),
    )
}

/// Refuses an update made from a stale read: `expected` is the `version`
/// the client last saw, `actual` the stored one. Nothing is changed.
pub fn check_version(entity: &str, expected: i32, actual: i32) -> DomainResult<()> {
    if expected == actual {
        Ok(())
    } else {
        Err(error::DomainError::conflict(
            Reason::StaleVersion,
            format!(
                "this {entity} changed since you read it (version {expected}, now {actual}); reload and try again"
            ),
        ))
    }
}

/// An inclusive range of days; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateRange {
    /// First day included.
    pub from: Option<NaiveDate>,
    /// Last day included.
    pub to: Option<NaiveDate>,
}

impl DateRange {
    /// The condition `column` within the range (NULL dates never match a
    /// bounded range).
    pub fn condition<C: ColumnTrait>(&self, column: C) -> Condition {
        let mut cond = Condition::all();
        if let Some(from) = self.from {
            cond = cond.add(column.gte(from));
        }
        if let Some(to) = self.to {
            cond = cond.add(column.lte(to));
        }
        cond
    }
}

/// The condition "`search_text` contains `term`", folded the same way as the
/// stored text; `None` for a blank term.
pub fn search_condition<C: ColumnTrait>(column: C, term: Option<&str>) -> Option<Condition> {
    let term = term.map(str::trim).filter(|t| !t.is_empty())?;
    let pattern = text::like_pattern(term);
    Some(Condition::all().add(column.like(LikeExpr::new(pattern).escape('\\'))))
}

/// Loads rows of `select` whose `id` is in `ids`, keyed by id.
pub async fn load_by_ids<E, C, K>(
    db: &C,
    select: Select<E>,
    id: K,
    ids: &[i64],
    key: impl Fn(&E::Model) -> i64,
) -> DomainResult<HashMap<i64, E::Model>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
    C: ConnectionTrait,
    K: ColumnTrait,
{
    let id = Expr::col((id.entity_name(), id));
    let rows = select
        .filter(one_of(db.get_database_backend(), id, ids))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|m| (key(&m), m)).collect())
}

/// The condition "`expr` is one of `ids`". On PostgreSQL that is one array
/// parameter (`= ANY(CAST($1 AS bigint[]))`), so the statement, its
/// prepared form and its planning are the same for any number of ids
/// (planning fifty `IN` parameters cost more than running the query);
/// elsewhere an `IN` list.
pub fn one_of(backend: DbBackend, expr: Expr, ids: &[i64]) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust_with_exprs(
            "$1 = ANY(CAST($2 AS bigint[]))",
            [expr, Expr::val(id_list(ids))],
        ),
        _ => expr.is_in(ids.iter().copied()),
    }
}

/// PostgreSQL's text form of a `bigint[]`: `{1,2,3}`.
pub fn id_list(ids: &[i64]) -> String {
    let mut text = String::with_capacity(ids.len() * 6 + 2);
    text.push('{');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        let _ = write!(text, "{id}");
    }
    text.push('}');
    text
}

/// `table.column` as an expression, for link tables that have no entity
/// relation declared.
pub fn column(table: &'static str, column: &'static str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

/// Adds `INNER JOIN table ON on` to `select`.
pub fn inner_join<E: EntityTrait>(
    mut select: Select<E>,
    table: &'static str,
    on: Expr,
) -> Select<E> {
    QueryTrait::query(&mut select).inner_join(Alias::new(table), on);
    select
}

//! Where generated rows go: a [`Table`] buffers one table's rows and flushes
//! them in chunks to a [`Sink`] (COPY on PostgreSQL, multi-row INSERTs
//! elsewhere), plus the small `Value` helpers the rows are built with.

use indicatif::ProgressBar;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, TransactionTrait,
    Value,
    sea_query::{Alias, Query},
    sqlx::{self, Postgres, pool::PoolConnection},
};

use crate::domain::error::{DomainError, DomainResult};

/// Values of one table's rows, flushed to the database in chunks.
pub(super) struct Table {
    pub(super) name: &'static str,
    pub(super) columns: &'static [&'static str],
    rows: Vec<Vec<Value>>,
    pub(super) inserted: usize,
}

impl Table {
    pub(super) fn new(name: &'static str, columns: &'static [&'static str]) -> Self {
        Self {
            name,
            columns,
            rows: Vec::new(),
            inserted: 0,
        }
    }

    /// Rows per statement, below both databases' bound-parameter limits.
    fn chunk(&self) -> usize {
        (30_000 / self.columns.len()).clamp(1, 2_000)
    }

    pub(super) fn push(&mut self, row: Vec<Value>) {
        self.rows.push(row);
    }

    fn full(&self) -> bool {
        self.rows.len() >= self.chunk()
    }

    pub(super) async fn flush(&mut self, sink: &mut Sink, bar: &ProgressBar) -> DomainResult<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let n = self.rows.len();
        match sink {
            Sink::Insert(txn) => {
                let mut insert = Query::insert();
                insert
                    .into_table(Alias::new(self.name))
                    .columns(self.columns.iter().map(|c| Alias::new(*c)));
                for row in self.rows.drain(..) {
                    insert
                        .values(row.into_iter().map(Into::into))
                        .map_err(|e| DomainError::invalid("synthetic", e.to_string()))?;
                }
                txn.execute(&insert).await?;
            }
            Sink::Copy(conn) => {
                let mut csv = String::with_capacity(n * 128);
                for row in self.rows.drain(..) {
                    for (k, value) in row.iter().enumerate() {
                        if k > 0 {
                            csv.push(',');
                        }
                        csv_field(&mut csv, value);
                    }
                    csv.push('\n');
                }
                let statement = format!(
                    "COPY {} ({}) FROM STDIN WITH (FORMAT csv)",
                    self.name,
                    self.columns.join(", ")
                );
                let mut copy = conn.copy_in_raw(&statement).await.map_err(sqlx_error)?;
                copy.send(csv.as_bytes()).await.map_err(sqlx_error)?;
                copy.finish().await.map_err(sqlx_error)?;
            }
        }
        self.inserted += n;
        bar.inc(n as u64);
        Ok(())
    }
}

/// Where rows go: multi-row INSERTs in a sea-orm transaction, or COPY on
/// one PostgreSQL connection inside BEGIN/COMMIT (several times faster).
pub(super) enum Sink {
    Insert(DatabaseTransaction),
    Copy(PoolConnection<Postgres>),
}

impl Sink {
    pub(super) async fn open(db: &DatabaseConnection) -> DomainResult<Self> {
        if db.get_database_backend() == DbBackend::Postgres {
            let mut conn = db
                .get_postgres_connection_pool()
                .acquire()
                .await
                .map_err(sqlx_error)?;
            sqlx::query("BEGIN")
                .execute(&mut *conn)
                .await
                .map_err(sqlx_error)?;
            Ok(Self::Copy(conn))
        } else {
            Ok(Self::Insert(db.begin().await?))
        }
    }

    pub(super) async fn execute(&mut self, sql: &str) -> DomainResult<()> {
        match self {
            Self::Insert(txn) => {
                txn.execute_unprepared(sql).await?;
            }
            Self::Copy(conn) => {
                sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                    .execute(&mut **conn)
                    .await
                    .map_err(sqlx_error)?;
            }
        }
        Ok(())
    }

    pub(super) async fn commit(self) -> DomainResult<()> {
        match self {
            Self::Insert(txn) => txn.commit().await?,
            Self::Copy(mut conn) => {
                sqlx::query("COMMIT")
                    .execute(&mut *conn)
                    .await
                    .map_err(sqlx_error)?;
            }
        }
        Ok(())
    }
}

fn sqlx_error(err: sqlx::Error) -> DomainError {
    DbErr::Custom(format!("bulk load: {err}")).into()
}

/// Appends `value` as one CSV field (empty, unquoted, is NULL).
fn csv_field(out: &mut String, value: &Value) {
    use std::fmt::Write;
    match value {
        Value::BigInt(Some(v)) => {
            let _ = write!(out, "{v}");
        }
        Value::Int(Some(v)) => {
            let _ = write!(out, "{v}");
        }
        Value::Double(Some(v)) => {
            let _ = write!(out, "{v}");
        }
        Value::Bool(Some(v)) => out.push_str(if *v { "t" } else { "f" }),
        Value::String(Some(v)) => {
            out.push('"');
            out.push_str(&v.replace('"', "\"\""));
            out.push('"');
        }
        Value::ChronoDate(Some(v)) => {
            let _ = write!(out, "{v}");
        }
        Value::ChronoDateTimeUtc(Some(v)) => out.push_str(&v.to_rfc3339()),
        _ => {}
    }
}

/// Flushes `tables` in order (parents first, so foreign keys hold) once
/// any of them has a full chunk.
pub(super) async fn flush_when_full(
    sink: &mut Sink,
    tables: &mut [Table],
    bar: &ProgressBar,
) -> DomainResult<()> {
    if tables.iter().any(Table::full) {
        for table in tables.iter_mut() {
            table.flush(sink, bar).await?;
        }
    }
    Ok(())
}

/// A non-null text value.
pub(super) fn s(v: &str) -> Value {
    Value::from(v.to_owned())
}

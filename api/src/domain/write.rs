//! The one skeleton every mutation follows: open the transaction, take the
//! record's row lock first, authorize, make the change, then at commit
//! append the audit entries and record the domain events the change noted,
//! in the same transaction. Mutations only say what is particular to them;
//! the order of the steps and their bookkeeping live here once.
//!
//! ```ignore
//! let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
//! txn.lock::<document::Entity>(document::Column::Id, document::Column::Version, id, "Document").await?;
//! let before = load(&txn, id).await?;            // `Write` is a connection
//! txn.authorize(Action::EditDocuments, before.owner_id)?;
//! let after = save(&txn, next).await?;
//! txn.audit(Change::of(Some(after.owner_id), "document.update", "Document", id, Some(&before), Some(&after)));
//! txn.event(Event { .. });
//! txn.commit().await?;
//! ```
//!
//! Dropping a `Write` without committing rolls everything back, audit
//! entries and events included. The chains' head rows are locked only at
//! commit, so a mutation holds them for as short a time as it can.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, EntityTrait, ExecResult, QueryResult, Statement,
    TransactionSession, TransactionTrait,
};

use super::{
    actor::Actor,
    audit::{self, Author, Change},
    error::DomainResult,
    events::{self, Event},
    lock_row,
    policy::{self, Action},
};

/// One mutation's transaction and what it has to record at commit.
pub struct Write<'a, T> {
    txn: T,
    author: Author<'a>,
    now: DateTime<Utc>,
    changes: Vec<Change>,
    events: Vec<Event>,
}

impl<'a, T> Write<'a, T>
where
    T: ConnectionTrait + TransactionSession + Send,
{
    /// Opens the transaction of a change made by `author` at `now`.
    pub async fn begin<C>(db: &C, author: Author<'a>, now: DateTime<Utc>) -> DomainResult<Self>
    where
        C: TransactionTrait<Transaction = T>,
    {
        let txn = super::begin_write(db).await?;
        Ok(Self {
            txn,
            author,
            now,
            changes: Vec::new(),
            events: Vec::new(),
        })
    }

    /// When the change happens (every row it writes carries this instant).
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The person making the change, if a person is (events name them).
    pub fn actor_user_id(&self) -> Option<i64> {
        self.actor().and_then(Actor::user_id)
    }

    /// Refuses the change unless the author may do `action` in
    /// `organization`. Operators and Pactum's own jobs act outside the
    /// membership policy: the command line and the schedule are trusted.
    pub fn authorize(&self, action: Action, organization: i64) -> DomainResult<()> {
        match self.author {
            Author::Actor(actor) => Ok(policy::authorize(actor, action, organization)?),
            Author::Operator | Author::System => Ok(()),
        }
    }

    /// The request's actor, for rules that need more than a role (e.g.
    /// "only a person signs"); `None` for operators and jobs.
    pub fn actor(&self) -> Option<&'a Actor> {
        match self.author {
            Author::Actor(actor) => Some(actor),
            Author::Operator | Author::System => None,
        }
    }

    /// Takes the write lock on row `id` of `E` (see [`lock_row`]); call it
    /// first, so concurrent changes of one record run one after another.
    pub async fn lock<E: EntityTrait>(
        &self,
        id_column: E::Column,
        touched: E::Column,
        id: i64,
        entity: &'static str,
    ) -> DomainResult<()> {
        lock_row::<E, _>(&self.txn, id_column, touched, id, entity).await
    }

    /// Notes an audit entry, appended to the chain at commit.
    pub fn audit(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// Notes a domain event, recorded at commit and attributed to the
    /// person making the change.
    pub fn event(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Appends the audit entries (chain by chain, see [`audit::append`]),
    /// records the events, each in the order they were noted, and commits.
    pub async fn commit(self) -> DomainResult<()> {
        let actor_user_id = self.actor_user_id();
        audit::append(&self.txn, self.author, self.changes, self.now).await?;
        events::record(&self.txn, self.events, actor_user_id, self.now).await?;
        self.txn.commit().await?;
        note_committed();
        Ok(())
    }
}

/// Writes committed by this process (every [`Write`], and logouts). What
/// is cached about credentials is only reused while this has not moved:
/// any write on this node may have revoked a token, ended a membership or
/// a partnership, and it takes effect at once.
static COMMITTED: AtomicU64 = AtomicU64::new(0);

/// How many writes this process has committed so far.
pub fn committed_writes() -> u64 {
    COMMITTED.load(Ordering::Acquire)
}

/// Counts one committed write.
pub fn note_committed() {
    COMMITTED.fetch_add(1, Ordering::AcqRel);
}

/// A `Write` is the connection its change reads and writes through.
#[async_trait::async_trait]
impl<T> ConnectionTrait for Write<'_, T>
where
    T: ConnectionTrait + Send + Sync,
{
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

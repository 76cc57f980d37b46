//! Dashboard figures under the same visibility rule as the lists, so a
//! hidden record never shows up in a count, read in O(buckets).
//!
//! What anyone may see (PUBLIC records, agreements past DRAFT) is counted
//! ahead: [`figures`] says once what each record contributes to which
//! figure, triggers mark the records a write changes, and [`fold`] moves
//! them into the stored sums. A read is two small statements per figure:
//! the records of its subject still marked, then the stored sums for the
//! scope, minus what those records contributed when last folded, plus what
//! they contribute now (so a read is exact the moment a write commits),
//! plus, for a member, the records beyond PUBLIC they may see, counted
//! live: the small share the maintained figures leave out.
//!
//! Agreements expiring soon depend on today's date, so they are counted
//! live on the `(status, end_date)` index; indicator progress reads the
//! indicators (one grouped statement per derivation rule among them, see
//! [`super::derived_values`]).

mod figures;
mod fold;

pub use figures::{Figure, Subject};
pub use fold::{FOLD_BATCH, Rebuilt, fold, pending, rebuild};

use chrono::NaiveDate;
use entities::{
    activity, activity_organizer, agreement, agreement_party, document, enums::AgreementStatus,
    indicator,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Statement,
    sea_query::{PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder, UnionType},
};

use self::figures::{Records, Scopes};
use super::{
    activities, actor::Actor, agreements, derived_values, documents, error::DomainResult, results,
};

/// Narrows every figure to one organization's records.
#[derive(Debug, Clone, Copy, Default)]
pub struct StatsScope {
    /// Agreements it is a party to, documents it owns, activities it
    /// organizes; `None` for everything visible.
    pub organization_id: Option<i64>,
}

/// A count under a key (a status, a kind, a month...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// The key.
    pub key: String,
    /// How many.
    pub count: i64,
}

/// Activities and their participants under a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityBucket {
    /// The key.
    pub key: String,
    /// Activities held or planned (cancelled ones are left out).
    pub activities: i64,
    /// People who took part (trainers and speakers are not counted).
    pub participants: i64,
}

/// One indicator's progress.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorProgress {
    /// The indicator.
    pub indicator_id: i64,
    /// Its project.
    pub project_id: i64,
    /// What is measured.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Target value.
    pub target: f64,
    /// Achieved value: the stored one of an entered indicator, the one
    /// derived over the activities the viewer may see of a derived one.
    pub achieved: f64,
    /// achieved / target, `None` for a zero target.
    pub progress: Option<f64>,
}

/// A figure's bucket as read: records in it, and their amount.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
struct Row {
    key: String,
    records: i64,
    amount: i64,
}

/// `select` (of one id column) as SQL with its values inlined: they are
/// ids and enum names, escaped by sea-query.
fn ids_sql<E: EntityTrait>(backend: DbBackend, select: Select<E>) -> String {
    let query = select.into_query();
    match backend {
        DbBackend::Postgres => query.to_string(PostgresQueryBuilder),
        _ => query.to_string(SqliteQueryBuilder),
    }
}

/// The ids anyone may see of `subject` (`None`: all of them).
fn seen_by_anyone_sql(backend: DbBackend, subject: Subject) -> Option<String> {
    match subject {
        Subject::Agreement => Some(ids_sql(
            backend,
            agreement::Entity::find()
                .filter(agreements::seen_by_anyone())
                .select_only()
                .column(agreement::Column::Id),
        )),
        Subject::Document => Some(ids_sql(
            backend,
            document::Entity::find()
                .filter(documents::seen_by_anyone())
                .select_only()
                .column(document::Column::Id),
        )),
        Subject::Activity => Some(ids_sql(
            backend,
            activity::Entity::find()
                .filter(activities::seen_by_anyone())
                .select_only()
                .column(activity::Column::Id),
        )),
        Subject::Organization => None,
    }
}

/// Records one of `orgs` owns, straight from the ownership indexes. It is a
/// superset of every area's "owned by" (a co-organizer counts only once
/// accepted), so narrowing the share beyond PUBLIC to it changes nothing
/// but the plan: the share is read from the member's and partners' records
/// instead of from a scan of the table, which an OR of ownerships needs.
fn owned_by_any_of(subject: Subject, orgs: Vec<i64>) -> Option<SelectStatement> {
    let union = |mut first: SelectStatement, second: SelectStatement| {
        first.union(UnionType::Distinct, second);
        first
    };
    Some(match subject {
        Subject::Agreement => union(
            agreement_party::Entity::find()
                .select_only()
                .column_as(agreement_party::Column::AgreementId, "id")
                .filter(agreement_party::Column::OrganizationId.is_in(orgs.clone()))
                .into_query(),
            agreement::Entity::find()
                .select_only()
                .column(agreement::Column::Id)
                .filter(agreement::Column::InitiatorId.is_in(orgs))
                .into_query(),
        ),
        Subject::Document => document::Entity::find()
            .select_only()
            .column(document::Column::Id)
            .filter(document::Column::OwnerId.is_in(orgs))
            .into_query(),
        Subject::Activity => union(
            activity_organizer::Entity::find()
                .select_only()
                .column_as(activity_organizer::Column::ActivityId, "id")
                .filter(activity_organizer::Column::OrganizationId.is_in(orgs.clone()))
                .into_query(),
            activity::Entity::find()
                .select_only()
                .column(activity::Column::Id)
                .filter(activity::Column::OwnerId.is_in(orgs))
                .into_query(),
        ),
        Subject::Organization => return None,
    })
}

/// The ids of the records of `subject` one of `actor`'s organizations or
/// partners owns: where the share beyond PUBLIC is looked for. Empty for
/// an actor of no organization.
async fn candidates<C: ConnectionTrait>(
    db: &C,
    subject: Subject,
    actor: &Actor,
) -> DomainResult<Vec<i64>> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let mut orgs = actor.member_of();
    orgs.extend_from_slice(actor.partner_of());
    if orgs.is_empty() {
        return Ok(Vec::new());
    }
    let Some(owned) = owned_by_any_of(subject, orgs) else {
        return Ok(Vec::new());
    };
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => owned.to_string(PostgresQueryBuilder),
        _ => owned.to_string(SqliteQueryBuilder),
    };
    Ok(Id::find_by_statement(Statement::from_string(backend, sql))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// The ids `actor` sees of `subject` besides what anyone sees, among
/// `candidates` (`None`: there are none). Naming the candidates keeps the
/// plan on the primary key whatever OR of ownerships the rule holds.
fn beyond_public_sql(
    backend: DbBackend,
    subject: Subject,
    actor: &Actor,
    candidates: &[i64],
) -> Option<String> {
    if candidates.is_empty() {
        return None;
    }
    let named = candidates.to_vec();
    match subject {
        Subject::Agreement => agreements::visible_beyond_public(actor).map(|s| {
            ids_sql(
                backend,
                s.filter(agreement::Column::Id.is_in(named))
                    .select_only()
                    .column(agreement::Column::Id),
            )
        }),
        Subject::Document => documents::visible_beyond_public(actor).map(|s| {
            ids_sql(
                backend,
                s.filter(document::Column::Id.is_in(named))
                    .select_only()
                    .column(document::Column::Id),
            )
        }),
        Subject::Activity => activities::visible_beyond_public(actor).map(|s| {
            ids_sql(
                backend,
                s.filter(activity::Column::Id.is_in(named))
                    .select_only()
                    .column(activity::Column::Id),
            )
        }),
        Subject::Organization => None,
    }
}

/// At most this many waiting records are named in a read; beyond it (a
/// backlog, e.g. right after an upgrade) the read joins `stats_changes`
/// itself, which is as exact and slower.
const NAMED_CHANGES: usize = 2_000;

/// Which of a subject's records a read corrects for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Waiting {
    /// None: the stored sums are current.
    Nothing,
    /// These (read just before).
    Ids(Vec<i64>),
    /// Too many to name: whatever `stats_changes` holds.
    Backlog,
}

/// The records of `subject` waiting to be folded.
async fn waiting<C: ConnectionTrait>(db: &C, subject: Subject) -> DomainResult<Waiting> {
    #[derive(FromQueryResult)]
    struct Id {
        subject_id: i64,
    }
    let ids = Id::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        format!(
            "SELECT DISTINCT subject_id FROM stats_changes WHERE subject = '{}' LIMIT {}",
            subject.code(),
            NAMED_CHANGES + 1
        ),
    ))
    .all(db)
    .await?;
    Ok(match ids.len() {
        0 => Waiting::Nothing,
        n if n > NAMED_CHANGES => Waiting::Backlog,
        _ => Waiting::Ids(ids.into_iter().map(|i| i.subject_id).collect()),
    })
}

/// The one statement that reads `figure` for `actor` in `scope`, corrected
/// for the `waiting` records.
///
/// The waiting records are named rather than joined so that the plan does
/// not depend on the statistics of a queue table. A write committed
/// between the two reads shows as it was when last folded: each record
/// counts once, as it is or as it was, and a caller's own committed write
/// is always seen.
fn read_sql(
    backend: DbBackend,
    actor: &Actor,
    scope: StatsScope,
    figure: Figure,
    waiting: &Waiting,
    candidates: &[i64],
) -> String {
    let s = scope.organization_id.unwrap_or(0);
    let subject = figure.subject();
    let (code, f) = (subject.code(), figure.code());
    let live = |visible: Option<&str>, records: &Records<'_>| -> String {
        figures::contributions(
            backend,
            subject,
            &[figure],
            Scopes::One(s),
            visible,
            records,
        )
    };
    let mut parts = vec![format!(
        "SELECT key, records, amount FROM stats_counts WHERE scope_id = {s} AND figure = '{f}'"
    )];
    let (named, records) = match waiting {
        Waiting::Nothing => (None, None),
        Waiting::Ids(ids) => (Some(figures::id_list(ids)), Some(Records::Ids(ids))),
        Waiting::Backlog => (
            Some(format!(
                "SELECT subject_id FROM stats_changes WHERE subject = '{code}'"
            )),
            Some(Records::Changed),
        ),
    };
    if let (Some(named), Some(records)) = (named, records) {
        parts.push(format!(
            "SELECT key, -records, -amount FROM stats_contributions \
             WHERE subject = '{code}' AND subject_id IN ({named}) \
             AND scope_id = {s} AND figure = '{f}'"
        ));
        parts.push(format!(
            "SELECT key, records, amount FROM ({}) c",
            live(seen_by_anyone_sql(backend, subject).as_deref(), &records)
        ));
    }
    if let Some(beyond) = beyond_public_sql(backend, subject, actor, candidates) {
        parts.push(format!(
            "SELECT key, records, amount FROM ({}) b",
            live(Some(&beyond), &Records::All)
        ));
    }
    format!(
        "SELECT key, CAST(SUM(records) AS BIGINT) AS records, \
         CAST(SUM(amount) AS BIGINT) AS amount FROM ({}) u \
         GROUP BY key HAVING SUM(records) > 0 ORDER BY key",
        parts.join(" UNION ALL ")
    )
}

async fn read<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    scope: StatsScope,
    figure: Figure,
) -> DomainResult<Vec<Row>> {
    let backend = db.get_database_backend();
    let waiting = waiting(db, figure.subject()).await?;
    let candidates = candidates(db, figure.subject(), actor).await?;
    Ok(Row::find_by_statement(Statement::from_string(
        backend,
        read_sql(backend, actor, scope, figure, &waiting, &candidates),
    ))
    .all(db)
    .await?)
}

/// `figure` as counts: records per key, or for
/// [`Figure::PeopleTrainedByYear`] the participants per key.
pub async fn count<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    scope: StatsScope,
    figure: Figure,
) -> DomainResult<Vec<Bucket>> {
    let people = figure == Figure::PeopleTrainedByYear;
    Ok(read(db, actor, scope, figure)
        .await?
        .into_iter()
        .map(|r| Bucket {
            key: r.key,
            count: if people { r.amount } else { r.records },
        })
        .collect())
}

/// An activity figure: activities and participants per key.
pub async fn activities_by<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    scope: StatsScope,
    figure: Figure,
) -> DomainResult<Vec<ActivityBucket>> {
    Ok(read(db, actor, scope, figure)
        .await?
        .into_iter()
        .map(|r| ActivityBucket {
            key: r.key,
            activities: r.records,
            participants: r.amount,
        })
        .collect())
}

/// ACTIVE agreements `actor` may see whose end date falls within `days`
/// days from `today` (today included).
pub async fn agreements_expiring<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    scope: StatsScope,
    today: NaiveDate,
    days: u32,
) -> DomainResult<u64> {
    let last = today + chrono::Days::new(u64::from(days));
    let mut select = agreements::visible(actor)
        .filter(agreement::Column::Status.eq(AgreementStatus::Active))
        .filter(agreement::Column::EndDate.between(today, last));
    if let Some(org) = scope.organization_id {
        select = select.filter(agreements::with_party(org));
    }
    Ok(select.count(db).await?)
}

/// Indicators with achieved / target, by project then definition order;
/// at most `limit` rows. Derived values are counted for `actor` (one
/// grouped statement per rule among the rows), like `Indicator.achieved`.
pub async fn indicator_progress<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: Option<i64>,
    owner_id: Option<i64>,
    limit: u64,
) -> DomainResult<Vec<IndicatorProgress>> {
    let mut cond = Condition::all();
    if let Some(project) = project_id {
        cond = cond.add(indicator::Column::ProjectId.eq(project));
    }
    if let Some(owner) = owner_id {
        cond = cond.add(
            indicator::Column::ProjectId.in_subquery(sea_orm::QueryTrait::into_query(
                entities::project::Entity::find()
                    .select_only()
                    .column(entities::project::Column::Id)
                    .filter(entities::project::Column::OwnerId.eq(owner)),
            )),
        );
    }
    let rows = indicator::Entity::find()
        .filter(cond)
        .order_by_asc(indicator::Column::ProjectId)
        .order_by_asc(indicator::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let keys: Vec<_> = rows.iter().filter_map(derived_values::key_of).collect();
    let derived = derived_values::values(db, actor, &keys).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let achieved = derived_values::achieved(&row, &derived);
            IndicatorProgress {
                indicator_id: row.id,
                project_id: row.project_id,
                progress: results::progress(row.target, achieved),
                name: row.name,
                unit: row.unit,
                target: row.target,
                achieved,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::actor::{TokenActor, UserActor};
    use entities::enums::{MemberRole, TokenScope};

    fn sql<E: EntityTrait>(select: Select<E>) -> String {
        select.build(DbBackend::Postgres).to_string()
    }

    /// The maintained figures count what an anonymous caller sees: each
    /// area's `seen_by_anyone` must be its `visible` for nobody.
    #[test]
    fn what_anyone_sees_is_what_an_anonymous_caller_sees() {
        let anyone = Actor::Anonymous;
        assert_eq!(
            sql(agreements::visible(&anyone)),
            sql(agreement::Entity::find().filter(agreements::seen_by_anyone()))
        );
        assert_eq!(
            sql(documents::visible(&anyone)),
            sql(document::Entity::find().filter(documents::seen_by_anyone()))
        );
        assert_eq!(
            sql(activities::visible(&anyone)),
            sql(activity::Entity::find().filter(activities::seen_by_anyone()))
        );
    }

    #[test]
    fn only_members_see_beyond_public() {
        for subject in Subject::ALL {
            assert_eq!(
                beyond_public_sql(DbBackend::Sqlite, subject, &Actor::Anonymous, &[1]),
                None
            );
        }
        let member = Actor::User(UserActor {
            user_id: 1,
            session_id: None,
            memberships: vec![(4, MemberRole::Viewer)],
            partners: vec![9],
        });
        let token = Actor::Token(TokenActor {
            token_id: 1,
            organization_id: 4,
            scope: TokenScope::Read,
            partners: vec![],
        });
        for actor in [member, token] {
            let beyond = beyond_public_sql(DbBackend::Sqlite, Subject::Document, &actor, &[7, 8])
                .unwrap_or_default();
            assert!(beyond.contains(r#""owner_id" IN (4)"#), "{beyond}");
            assert!(beyond.contains("NOT"), "{beyond}");
            assert!(beyond.contains(r#""id" IN (7, 8)"#), "{beyond}");
            assert_eq!(
                beyond_public_sql(DbBackend::Sqlite, Subject::Document, &actor, &[]),
                None
            );
        }
    }

    #[test]
    fn a_read_names_the_waiting_records_or_none() {
        let scope = StatsScope {
            organization_id: Some(12),
        };
        let read = |waiting| {
            read_sql(
                DbBackend::Postgres,
                &Actor::Anonymous,
                scope,
                Figure::DocumentKind,
                &waiting,
                &[],
            )
        };
        let current = read(Waiting::Nothing);
        assert!(
            current.contains("FROM stats_counts WHERE scope_id = 12 AND figure = 'DOCUMENT_KIND'")
        );
        assert!(!current.contains("stats_contributions"), "{current}");
        assert!(current.contains("HAVING SUM(records) > 0"));
        let named = read(Waiting::Ids(vec![3, 5]));
        assert!(named.contains("subject_id IN (3, 5)"), "{named}");
        assert!(!named.contains("stats_changes"), "{named}");
        let backlog = read(Waiting::Backlog);
        assert!(
            backlog
                .contains("IN (SELECT subject_id FROM stats_changes WHERE subject = 'document')"),
            "{backlog}"
        );
    }
}

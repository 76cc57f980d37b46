//! Reading a figure: the stored sums, corrected for the records still
//! waiting to be folded, plus for a member the share beyond PUBLIC,
//! counted live among the records their organizations and partners own.

use entities::{activity, activity_organizer, agreement, agreement_party, document};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, QueryTrait, Select, Statement,
    sea_query::{PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder, UnionType},
};

use super::{
    StatsScope,
    figures::{self, Figure, Records, Scopes, Subject},
};
use crate::domain::{activities, actor::Actor, agreements, documents, error::DomainResult};

/// A figure's bucket as read: records in it, and their amount.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub(super) struct Row {
    pub(super) key: String,
    pub(super) records: i64,
    pub(super) amount: i64,
}

/// The ids `select` matches, as SQL with its values inlined: they are ids
/// and enum names, escaped by sea-query.
fn ids_of<E: EntityTrait>(backend: DbBackend, select: Select<E>, id: E::Column) -> String {
    render(backend, &select.select_only().column(id).into_query())
}

/// The ids `select` matches among `named`, as SQL.
fn ids_among<E: EntityTrait>(
    backend: DbBackend,
    select: Select<E>,
    id: E::Column,
    named: Vec<i64>,
) -> String {
    ids_of(backend, select.filter(id.is_in(named)), id)
}

fn render(backend: DbBackend, query: &SelectStatement) -> String {
    match backend {
        DbBackend::Postgres => query.to_string(PostgresQueryBuilder),
        _ => query.to_string(SqliteQueryBuilder),
    }
}

/// The ids anyone may see of `subject` (`None`: all of them).
pub(super) fn seen_by_anyone_sql(backend: DbBackend, subject: Subject) -> Option<String> {
    Some(match subject {
        Subject::Agreement => ids_of(
            backend,
            agreement::Entity::find().filter(agreements::seen_by_anyone()),
            agreement::Column::Id,
        ),
        Subject::Document => ids_of(
            backend,
            document::Entity::find().filter(documents::seen_by_anyone()),
            document::Column::Id,
        ),
        Subject::Activity => ids_of(
            backend,
            activity::Entity::find().filter(activities::seen_by_anyone()),
            activity::Column::Id,
        ),
        Subject::Organization => return None,
    })
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
    Ok(
        Id::find_by_statement(Statement::from_string(backend, render(backend, &owned)))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect(),
    )
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
        Subject::Agreement => agreements::visible_beyond_public(actor)
            .map(|s| ids_among(backend, s, agreement::Column::Id, named)),
        Subject::Document => documents::visible_beyond_public(actor)
            .map(|s| ids_among(backend, s, document::Column::Id, named)),
        Subject::Activity => activities::visible_beyond_public(actor)
            .map(|s| ids_among(backend, s, activity::Column::Id, named)),
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

pub(super) async fn read<C: ConnectionTrait>(
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

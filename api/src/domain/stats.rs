//! Dashboard aggregates, computed in SQL under the same visibility rule as
//! the lists, so a hidden record never shows up in a count. Each figure is
//! one GROUP BY statement (indicator progress: one for the indicators and
//! one per derivation rule among them, see [`super::derived_values`]); time
//! buckets are strings ("2019-05", "2019-Q2", "2019") built by the database.

use entities::{
    activity, agreement, document,
    enums::{ActivityKind, ActivityStatus, ParticipantRole},
    indicator,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, Order,
    QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{Alias, Asterisk, Expr, ExprTrait, Func},
};

use super::{
    activities, actor::Actor, agreements, column, derived_values, documents, error::DomainResult,
    results,
};

/// Narrows every figure to one organization's records.
#[derive(Debug, Clone, Copy, Default)]
pub struct StatsScope {
    /// Agreements it is a party to, documents it owns, activities it
    /// organizes; `None` for everything visible.
    pub organization_id: Option<i64>,
}

/// A count under a key (a status, a kind, a month...).
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Bucket {
    /// The key.
    pub key: String,
    /// How many.
    pub count: i64,
}

/// Activities and their participants under a key.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
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

/// How a date column becomes a bucket key on each backend.
#[derive(Debug, Clone, Copy)]
enum Period {
    Month,
    Quarter,
    Year,
}

fn period_key(backend: DbBackend, table: &str, col: &str, period: Period) -> Expr {
    let c = format!("\"{table}\".\"{col}\"");
    let sql = match (backend, period) {
        (DbBackend::Postgres, Period::Month) => format!("to_char({c}, 'YYYY-MM')"),
        (DbBackend::Postgres, Period::Quarter) => format!("to_char({c}, 'YYYY-\"Q\"Q')"),
        (DbBackend::Postgres, Period::Year) => format!("to_char({c}, 'YYYY')"),
        (_, Period::Month) => format!("substr({c}, 1, 7)"),
        (_, Period::Quarter) => {
            format!("substr({c}, 1, 4) || '-Q' || ((CAST(substr({c}, 6, 2) AS INTEGER) + 2) / 3)")
        }
        (_, Period::Year) => format!("substr({c}, 1, 4)"),
    };
    Expr::cust(sql)
}

async fn buckets<E, C>(db: &C, select: Select<E>, key: Expr) -> DomainResult<Vec<Bucket>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    Ok(select
        .select_only()
        .column_as(key.clone(), "key")
        .column_as(Expr::col(Asterisk).count(), "count")
        .group_by(key.clone())
        .order_by(key, Order::Asc)
        .into_model::<Bucket>()
        .all(db)
        .await?)
}

fn scoped_agreements(actor: &Actor, scope: StatsScope) -> Select<agreement::Entity> {
    let select = agreements::visible(actor);
    match scope.organization_id {
        Some(org) => select.filter(agreements::with_party(org)),
        None => select,
    }
}

fn scoped_documents(actor: &Actor, scope: StatsScope) -> Select<document::Entity> {
    let select = documents::visible(actor);
    match scope.organization_id {
        Some(org) => select.filter(document::Column::OwnerId.eq(org)),
        None => select,
    }
}

fn scoped_activities(actor: &Actor, scope: StatsScope) -> Select<activity::Entity> {
    let select = activities::visible(actor);
    match scope.organization_id {
        Some(org) => select.filter(activities::organized_by(org)),
        None => select,
    }
}

/// What a dashboard counts records by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountBy {
    /// Agreements by lifecycle state.
    AgreementStatus,
    /// Agreements by legal form.
    AgreementKind,
    /// Agreements by the month they start ("2023-03"); undated ones are
    /// left out.
    AgreementStartMonth,
    /// Documents by kind.
    DocumentKind,
}

/// Records the actor may see, counted by `by`.
pub async fn count_by<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    scope: StatsScope,
    by: CountBy,
) -> DomainResult<Vec<Bucket>> {
    let agreements = || scoped_agreements(actor, scope);
    let (select, key) = match by {
        CountBy::AgreementStatus => (
            agreements(),
            Expr::col((agreement::Entity, agreement::Column::Status)),
        ),
        CountBy::AgreementKind => (
            agreements(),
            Expr::col((agreement::Entity, agreement::Column::Kind)),
        ),
        CountBy::AgreementStartMonth => (
            agreements().filter(agreement::Column::StartDate.is_not_null()),
            period_key(
                db.get_database_backend(),
                "agreements",
                "start_date",
                Period::Month,
            ),
        ),
        CountBy::DocumentKind => {
            let key = Expr::col((document::Entity, document::Column::Kind));
            return buckets(db, scoped_documents(actor, scope), key).await;
        }
    };
    buckets(db, select, key).await
}

/// Activities joined to their participant counts (trainers excluded),
/// cancelled activities left out.
fn with_participants(actor: &Actor, scope: StatsScope) -> Select<activity::Entity> {
    let mut select = scoped_activities(actor, scope)
        .filter(activity::Column::Status.ne(ActivityStatus::Cancelled));
    sea_orm::QueryTrait::query(&mut select).left_join(
        Alias::new("activity_participations"),
        column("activity_participations", "activity_id")
            .equals((activity::Entity, activity::Column::Id))
            .and(column("activity_participations", "role").ne(ParticipantRole::Trainer)),
    );
    select
}

async fn activity_buckets<C: ConnectionTrait>(
    db: &C,
    select: Select<activity::Entity>,
    key: Expr,
) -> DomainResult<Vec<ActivityBucket>> {
    Ok(select
        .select_only()
        .column_as(key.clone(), "key")
        .column_as(
            Expr::col((activity::Entity, activity::Column::Id)).count_distinct(),
            "activities",
        )
        .column_as(
            Expr::from(Func::coalesce([
                Expr::col(column_ref("activity_participations", "count")).sum(),
                Expr::val(0i64),
            ])),
            "participants",
        )
        .group_by(key.clone())
        .order_by(key, Order::Asc)
        .into_model::<ActivityBucket>()
        .all(db)
        .await?)
}

fn column_ref(table: &'static str, col: &'static str) -> (Alias, Alias) {
    (Alias::new(table), Alias::new(col))
}

/// What activity figures are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivitiesBy {
    /// Activity kind.
    Kind,
    /// The quarter they start in ("2019-Q2").
    StartQuarter,
}

/// Activities and their participants (trainers excluded; cancelled
/// activities left out), grouped by `by`.
pub async fn activities_by<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    scope: StatsScope,
    by: ActivitiesBy,
) -> DomainResult<Vec<ActivityBucket>> {
    let key = match by {
        ActivitiesBy::Kind => Expr::col((activity::Entity, activity::Column::Kind)),
        ActivitiesBy::StartQuarter => period_key(
            db.get_database_backend(),
            "activities",
            "start_date",
            Period::Quarter,
        ),
    };
    activity_buckets(db, with_participants(actor, scope), key).await
}

/// People trained per year: participants (trainers excluded) of COMPLETED
/// TRAINING_COURSE activities, by the year the course started.
pub async fn people_trained_by_year<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    scope: StatsScope,
) -> DomainResult<Vec<Bucket>> {
    let key = period_key(
        db.get_database_backend(),
        "activities",
        "start_date",
        Period::Year,
    );
    let mut select = scoped_activities(actor, scope)
        .filter(activity::Column::Kind.eq(ActivityKind::TrainingCourse))
        .filter(activity::Column::Status.eq(ActivityStatus::Completed));
    sea_orm::QueryTrait::query(&mut select).inner_join(
        Alias::new("activity_participations"),
        column("activity_participations", "activity_id")
            .equals((activity::Entity, activity::Column::Id))
            .and(column("activity_participations", "role").ne(ParticipantRole::Trainer)),
    );
    Ok(select
        .select_only()
        .column_as(key.clone(), "key")
        .column_as(
            Expr::col(column_ref("activity_participations", "count")).sum(),
            "count",
        )
        .group_by(key.clone())
        .order_by(key, Order::Asc)
        .into_model::<Bucket>()
        .all(db)
        .await?)
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

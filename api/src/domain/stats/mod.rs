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
mod read;

pub use figures::{Figure, Subject};
pub use fold::{FOLD_BATCH, Rebuilt, fold, pending, rebuild};

use chrono::NaiveDate;
use entities::{agreement, enums::AgreementStatus, indicator};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use self::read::read;
use super::{actor::Actor, agreements, derived_values, error::DomainResult, results};

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

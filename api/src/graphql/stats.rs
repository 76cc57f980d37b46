//! Dashboard figures. Each field is one statement under the visibility
//! rule (see [`crate::domain::stats`]), computed only when selected.

use async_graphql::{Context, ID, Object, SimpleObject};

use super::{
    context::state,
    error::ApiResult,
    ids::{self, NodeKind},
};
use crate::domain::{
    error::DomainError,
    stats::{self as domain, Figure, StatsScope},
};

/// The longest look-ahead of `agreementsExpiring`, in days (ten years).
pub const MAX_EXPIRY_WINDOW_DAYS: u32 = 3_660;

/// The look-ahead of `agreementsExpiring` when none is given.
const DEFAULT_EXPIRY_WINDOW_DAYS: i32 = 30;

/// A count under a key.
#[derive(SimpleObject)]
pub struct CountBucket {
    /// The key: a status or kind name, a month ("2023-03"), a year ("2019").
    pub key: String,
    /// How many.
    pub count: i32,
}

/// Activities and participants under a key.
#[derive(SimpleObject)]
pub struct ActivityBucket {
    /// The key: a kind name or a quarter ("2019-Q2").
    pub key: String,
    /// Activities held or planned (cancelled ones are left out).
    pub activities: i32,
    /// People who took part (trainers not counted).
    pub participants: i32,
}

/// One indicator's progress.
#[derive(SimpleObject)]
pub struct IndicatorProgress {
    /// The indicator's ID.
    pub indicator_id: ID,
    /// Its project's ID.
    pub project_id: ID,
    /// What is measured.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Target.
    pub target: f64,
    /// Achieved (a derived value counts only the activities you may see).
    pub achieved: f64,
    /// achieved / target; null for a zero target.
    pub progress: Option<f64>,
}

fn counts(rows: Vec<domain::Bucket>) -> Vec<CountBucket> {
    rows.into_iter()
        .map(|b| CountBucket {
            key: b.key,
            count: i32::try_from(b.count).unwrap_or(i32::MAX),
        })
        .collect()
}

fn activity_counts(rows: Vec<domain::ActivityBucket>) -> Vec<ActivityBucket> {
    rows.into_iter()
        .map(|b| ActivityBucket {
            key: b.key,
            activities: i32::try_from(b.activities).unwrap_or(i32::MAX),
            participants: i32::try_from(b.participants).unwrap_or(i32::MAX),
        })
        .collect()
}

/// Dashboard aggregates over everything the caller may see.
pub struct Stats {
    scope: StatsScope,
}

impl Stats {
    async fn count(&self, ctx: &Context<'_>, figure: Figure) -> ApiResult<Vec<CountBucket>> {
        let s = state(ctx)?;
        Ok(counts(
            domain::count(&s.db, &s.actor, self.scope, figure).await?,
        ))
    }

    async fn activities(
        &self,
        ctx: &Context<'_>,
        figure: Figure,
    ) -> ApiResult<Vec<ActivityBucket>> {
        let s = state(ctx)?;
        Ok(activity_counts(
            domain::activities_by(&s.db, &s.actor, self.scope, figure).await?,
        ))
    }
}

#[Object]
impl Stats {
    /// Agreements by lifecycle state.
    async fn agreements_by_status(&self, ctx: &Context<'_>) -> ApiResult<Vec<CountBucket>> {
        self.count(ctx, Figure::AgreementStatus).await
    }
    /// Agreements by legal form.
    async fn agreements_by_kind(&self, ctx: &Context<'_>) -> ApiResult<Vec<CountBucket>> {
        self.count(ctx, Figure::AgreementKind).await
    }
    /// Agreements by the month they start ("2023-03").
    async fn agreements_by_month(&self, ctx: &Context<'_>) -> ApiResult<Vec<CountBucket>> {
        self.count(ctx, Figure::AgreementStartMonth).await
    }
    /// Agreements under each county one of their parties is in (an
    /// agreement between two counties' institutions counts in both).
    async fn agreements_by_county(&self, ctx: &Context<'_>) -> ApiResult<Vec<CountBucket>> {
        self.count(ctx, Figure::AgreementCounty).await
    }
    /// ACTIVE agreements whose end date falls within `withinDays` days
    /// from today (UTC; today included), e.g. 30 or 90; 30 when not given.
    /// At most 3660.
    // Naming the argument in the cost makes async-graphql parse it while
    // validating, so a value past the range of Int is refused there, as
    // for every paged field, instead of surfacing from the resolver.
    #[graphql(complexity = "child_complexity + usize::from(within_days.is_some())")]
    async fn agreements_expiring(
        &self,
        ctx: &Context<'_>,
        within_days: Option<i32>,
    ) -> ApiResult<i32> {
        let days = u32::try_from(within_days.unwrap_or(DEFAULT_EXPIRY_WINDOW_DAYS))
            .ok()
            .filter(|d| (1..=MAX_EXPIRY_WINDOW_DAYS).contains(d))
            .ok_or_else(|| {
                DomainError::invalid(
                    "withinDays",
                    format!("withinDays must be between 1 and {MAX_EXPIRY_WINDOW_DAYS}"),
                )
            })?;
        let s = state(ctx)?;
        let today = chrono::Utc::now().date_naive();
        let n = domain::agreements_expiring(&s.db, &s.actor, self.scope, today, days).await?;
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }
    /// Documents by kind.
    async fn documents_by_kind(&self, ctx: &Context<'_>) -> ApiResult<Vec<CountBucket>> {
        self.count(ctx, Figure::DocumentKind).await
    }
    /// Documents by the month they were published ("2019-05"; undated
    /// ones are left out).
    async fn documents_by_month(&self, ctx: &Context<'_>) -> ApiResult<Vec<CountBucket>> {
        self.count(ctx, Figure::DocumentPublishedMonth).await
    }
    /// Activities and participants by kind.
    async fn activities_by_kind(&self, ctx: &Context<'_>) -> ApiResult<Vec<ActivityBucket>> {
        self.activities(ctx, Figure::ActivityKind).await
    }
    /// Activities and participants by the quarter they start ("2019-Q2").
    async fn activities_by_quarter(&self, ctx: &Context<'_>) -> ApiResult<Vec<ActivityBucket>> {
        self.activities(ctx, Figure::ActivityStartQuarter).await
    }
    /// Organizations by county (for an organization's scope: its own).
    async fn organizations_by_county(&self, ctx: &Context<'_>) -> ApiResult<Vec<CountBucket>> {
        self.count(ctx, Figure::OrganizationCounty).await
    }
    /// People trained per year: participants of COMPLETED TRAINING_COURSE
    /// activities by the year the course started.
    async fn people_trained_by_year(&self, ctx: &Context<'_>) -> ApiResult<Vec<CountBucket>> {
        self.count(ctx, Figure::PeopleTrainedByYear).await
    }
    /// Indicators with their progress, by project; at most `first` (≤ the
    /// page-size limit).
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, None), child_complexity)"
    )]
    async fn indicator_progress(
        &self,
        ctx: &Context<'_>,
        project_id: Option<ID>,
        first: Option<i32>,
    ) -> ApiResult<Vec<IndicatorProgress>> {
        let s = state(ctx)?;
        let project = ids::decode_opt(project_id.as_ref(), NodeKind::Project, "projectId")?;
        let args = crate::domain::pagination::PageArgs {
            first: first.map(i64::from),
            ..Default::default()
        };
        let size = args.size(s.limits)?;
        let rows =
            domain::indicator_progress(&s.db, &s.actor, project, self.scope.organization_id, size)
                .await?;
        Ok(rows
            .into_iter()
            .map(|r| IndicatorProgress {
                indicator_id: ids::encode(NodeKind::Indicator, r.indicator_id),
                project_id: ids::encode(NodeKind::Project, r.project_id),
                name: r.name,
                unit: r.unit,
                target: r.target,
                achieved: r.achieved,
                progress: r.progress,
            })
            .collect())
    }
}

/// Root query for dashboards.
#[derive(Default)]
pub struct StatsQuery;

#[Object]
impl StatsQuery {
    /// Dashboard aggregates, optionally for one organization (agreements it
    /// is a party to, documents it owns, activities it organizes, projects
    /// it runs).
    async fn stats(&self, organization_id: Option<ID>) -> ApiResult<Stats> {
        let organization_id = ids::decode_opt(
            organization_id.as_ref(),
            NodeKind::Organization,
            "organizationId",
        )?;
        Ok(Stats {
            scope: StatsScope { organization_id },
        })
    }
}

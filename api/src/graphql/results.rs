//! Funded projects and result indicators in GraphQL.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use chrono::NaiveDate;
use entities::{indicator, project};

use super::{
    DateRangeInput,
    activities::Activity,
    connection::{Conn, child_connection, connection, page_args},
    context::state,
    enums::OrderDirection,
    error::{ApiError, ApiResult},
    ids::{self, NodeKind},
    organizations::Organization,
};
use crate::domain::results::{self as domain, ProjectFilter as Filter, ProjectSort};

/// A funded project whose results are tracked.
#[derive(Clone)]
pub struct Project(pub project::Model);

#[Object]
impl Project {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::Project, self.0.id)
    }
    /// Project code(s), e.g. "SIPOCA 1102 / SMIS 151977".
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Funding programme.
    async fn programme(&self) -> &str {
        &self.0.programme
    }
    /// Financing contract number.
    async fn contract_number(&self) -> Option<&str> {
        self.0.contract_number.as_deref()
    }
    /// First day.
    async fn start_date(&self) -> NaiveDate {
        self.0.start_date
    }
    /// Last day.
    async fn end_date(&self) -> NaiveDate {
        self.0.end_date
    }
    /// What the project set out to do.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// The beneficiary.
    async fn owner(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        Organization::referenced(state(ctx)?, self.0.owner_id).await
    }

    /// Result indicators, in the order they were defined.
    #[graphql(complexity = "super::connection::page_weight(first, last) * child_complexity")]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Indicator>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before)?;
        child_connection(
            state,
            &state.loaders.project_indicators,
            self.0.id,
            args,
            Indicator,
        )
        .await
    }

    /// Activities of the project, newest first.
    #[graphql(complexity = "super::connection::page_weight(first, last) * child_complexity")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Activity>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before)?;
        child_connection(
            state,
            &state.loaders.project_activities,
            self.0.id,
            args,
            Activity,
        )
        .await
    }
}

/// A project's result indicator.
#[derive(Clone)]
pub struct Indicator(pub indicator::Model);

#[Object]
impl Indicator {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::Indicator, self.0.id)
    }
    /// What is measured.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Unit.
    async fn unit(&self) -> &str {
        &self.0.unit
    }
    /// Value before the project.
    async fn baseline(&self) -> f64 {
        self.0.baseline
    }
    /// Value aimed for.
    async fn target(&self) -> f64 {
        self.0.target
    }
    /// Value reached.
    async fn achieved(&self) -> f64 {
        self.0.achieved
    }
    /// achieved / target (1.0 = reached); null for a zero target.
    async fn progress(&self) -> Option<f64> {
        domain::progress(&self.0)
    }
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> ApiResult<Project> {
        let state = state(ctx)?;
        state
            .loaders
            .project
            .load_one(self.0.project_id)
            .await?
            .map(Project)
            .ok_or(ApiError::Internal(format!(
                "project of indicator {} missing",
                self.0.id
            )))
    }
}

/// Filters for `projects`.
#[derive(InputObject, Default)]
pub struct ProjectFilter {
    /// Only projects of this beneficiary.
    pub owner_id: Option<ID>,
    /// Start date within this range.
    pub start_date: Option<DateRangeInput>,
}

/// What `projects` can be sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ProjectOrderField {
    /// By start date.
    StartDate,
    /// By title.
    Title,
    /// By code.
    Code,
}

/// Sort order for `projects`.
#[derive(InputObject)]
pub struct ProjectOrder {
    /// Field to sort by.
    pub field: ProjectOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// Root queries about projects and indicators.
#[derive(Default)]
pub struct ResultsQuery;

#[Object]
impl ResultsQuery {
    /// One project by ID; NOT_FOUND if there is none.
    async fn project(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Project>> {
        let state = state(ctx)?;
        let id = ids::decode(&id, NodeKind::Project, "id")?;
        state
            .loaders
            .project
            .load_one(id)
            .await?
            .map(Project)
            .map(Some)
            .ok_or(ApiError::NotFound("Project"))
    }

    /// Funded projects, filtered, searched and ordered (latest first by
    /// default).
    #[graphql(complexity = "super::connection::page_weight(first, last) * child_complexity")]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProjectFilter>,
        #[graphql(desc = "Case- and diacritics-insensitive search in code, title and programme.")]
        search: Option<String>,
        order_by: Option<ProjectOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Project>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before)?;
        let f = filter.unwrap_or_default();
        let filter = Filter {
            owner_id: ids::decode_opt(f.owner_id.as_ref(), NodeKind::Organization, "ownerId")?,
            start_date: DateRangeInput::to_domain(f.start_date, "startDate")?,
            search,
        };
        let (sort, descending) = match order_by {
            Some(o) => (
                match o.field {
                    ProjectOrderField::StartDate => ProjectSort::StartDate,
                    ProjectOrderField::Title => ProjectSort::Title,
                    ProjectOrderField::Code => ProjectSort::Code,
                },
                o.direction.descending(),
            ),
            None => (ProjectSort::StartDate, true),
        };
        let page = domain::list(&state.db, &filter, sort, descending, args, state.limits).await?;
        Ok(connection(page, Project))
    }
}

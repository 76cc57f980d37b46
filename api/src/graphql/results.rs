//! Funded projects and result indicators in GraphQL, and the mutations
//! that record them.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object};
use chrono::Utc;
use entities::{indicator, project};

use super::{
    DateRangeInput,
    activities::Activity,
    connection::{Conn, child_connection, connection, page_args},
    context::state,
    enums::{IndicatorDerivation, ListOrder, OrderDirection, sort_of},
    error::{ApiError, ApiResult},
    ids::{self, NodeKind},
    inline::Inline,
    mutation::{Payload, Subject},
    node::found,
    organizations::Organization,
    scalars::Date,
};
use crate::domain::{
    derived_values,
    input::search_term,
    results::{
        self as domain, IndicatorChanges, NewIndicator, ProjectFields, ProjectFilter as Filter,
        ProjectSort,
    },
};

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
    async fn start_date(&self) -> Date {
        Date(self.0.start_date)
    }
    /// Last day.
    async fn end_date(&self) -> Date {
        Date(self.0.end_date)
    }
    /// Last day of the sustainability period after the project, in which
    /// the beneficiary keeps its commitments (AGREEMENTS_SIGNED indicators
    /// count agreements until then); null when it has none.
    async fn sustainability_end_date(&self) -> Option<Date> {
        self.0.sustainability_end_date.map(Date)
    }
    /// What the project set out to do.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// The beneficiary.
    async fn owner(&self, ctx: &Context<'_>) -> ApiResult<Inline<Organization>> {
        Organization::referenced(state(ctx)?, self.0.owner_id).await
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Result indicators, in the order they were defined.
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, last), child_complexity)"
    )]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Indicator>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before);
        child_connection(
            state,
            state.loaders.project_indicators(),
            self.0.id,
            args,
            Indicator,
        )
        .await
    }

    /// Activities of the project, newest first.
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, last), child_complexity)"
    )]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Activity>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before);
        child_connection(
            state,
            state.loaders.project_activities(),
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

impl Indicator {
    /// The achieved value the request's actor reads: the stored one of an
    /// entered indicator; for a derived one, counted over the activities
    /// the actor may see (batched per request).
    async fn value(&self, ctx: &Context<'_>) -> ApiResult<f64> {
        let Some(key) = derived_values::key_of(&self.0) else {
            return Ok(self.0.achieved);
        };
        Ok(state(ctx)?
            .loaders
            .derived_values()
            .load_one(key)
            .await?
            .unwrap_or(0.0))
    }
}

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
    /// Value reached: entered by the beneficiary, or derived from the
    /// project's activities when `derivation` is set (counting only the
    /// activities you may see).
    async fn achieved(&self, ctx: &Context<'_>) -> ApiResult<f64> {
        self.value(ctx).await
    }
    /// The rule `achieved` is derived by; null when it is entered.
    async fn derivation(&self) -> Option<IndicatorDerivation> {
        self.0.derivation.map(Into::into)
    }
    /// Version for optimistic concurrency (a change in the activities a
    /// derived value counts does not change it).
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// achieved / target (1.0 = reached); null for a zero target.
    async fn progress(&self, ctx: &Context<'_>) -> ApiResult<Option<f64>> {
        Ok(domain::progress(self.0.target, self.value(ctx).await?))
    }
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> ApiResult<Project> {
        let state = state(ctx)?;
        state
            .loaders
            .project()
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

impl ListOrder for ProjectOrder {
    type Sort = ProjectSort;

    fn sort(&self) -> ProjectSort {
        match self.field {
            ProjectOrderField::StartDate => ProjectSort::StartDate,
            ProjectOrderField::Title => ProjectSort::Title,
            ProjectOrderField::Code => ProjectSort::Code,
        }
    }

    fn direction(&self) -> OrderDirection {
        self.direction
    }
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
        found(
            state.loaders.project().load_one(id).await?,
            Project,
            "Project",
        )
    }

    /// Funded projects, filtered, searched and ordered (latest first by
    /// default).
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, last), child_complexity)"
    )]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProjectFilter>,
        #[graphql(
            desc = "Case- and diacritics-insensitive search in code, title and programme. At most 200 characters; one line."
        )]
        search: Option<String>,
        order_by: Option<ProjectOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Project>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before);
        let f = filter.unwrap_or_default();
        let filter = Filter {
            owner_id: ids::decode_opt(f.owner_id.as_ref(), NodeKind::Organization, "ownerId")?,
            start_date: DateRangeInput::to_domain(f.start_date, "startDate")?,
            search: search_term(search.as_deref())?,
        };
        let (sort, descending) = sort_of(order_by, ProjectSort::StartDate, OrderDirection::Desc);
        let page = domain::list(&state.db, &filter, sort, descending, args, state.limits).await?;
        super::plan::projects(state, super::plan::nodes(ctx), page.items.clone()).await;
        Ok(connection(page, Project))
    }
}

/// Input of `createProject`.
#[derive(InputObject)]
pub struct CreateProjectInput {
    /// The beneficiary (you must be its EDITOR).
    pub organization_id: ID,
    /// Project code(s), unique across Pactum. At most 200 characters; one
    /// line.
    pub code: String,
    /// Title. At most 500 characters; one line.
    pub title: String,
    /// Funding programme. At most 300 characters; one line.
    pub programme: String,
    /// Financing contract number. At most 200 characters; one line.
    pub contract_number: Option<String>,
    /// First day.
    pub start_date: Date,
    /// Last day (not before the first).
    pub end_date: Date,
    /// What the project sets out to do. At most 10000 characters; line
    /// breaks allowed.
    #[graphql(default)]
    pub summary: String,
    /// Last day of the sustainability period after the project, if it has
    /// one (not before `endDate`).
    pub sustainability_end_date: Option<Date>,
}

/// Input of `updateProject`: only the fields given change.
#[derive(InputObject)]
pub struct UpdateProjectInput {
    /// The project.
    pub project_id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// Project code(s), unique across Pactum. At most 200 characters; one
    /// line.
    pub code: Option<String>,
    /// Title. At most 500 characters; one line.
    pub title: Option<String>,
    /// Funding programme. At most 300 characters; one line.
    pub programme: Option<String>,
    /// Financing contract number (`null` clears it). At most 200
    /// characters; one line.
    pub contract_number: MaybeUndefined<String>,
    /// First day.
    pub start_date: Option<Date>,
    /// Last day.
    pub end_date: Option<Date>,
    /// What the project sets out to do. At most 10000 characters; line
    /// breaks allowed.
    pub summary: Option<String>,
    /// Last day of the sustainability period (`null` clears it).
    pub sustainability_end_date: MaybeUndefined<Date>,
}

/// Result of a project mutation.
pub type ProjectPayload = Payload<Project>;

impl Subject for Project {
    const PAYLOAD: &'static str = "ProjectPayload";
    const PAYLOAD_DOC: &'static str = "Result of a project mutation.";
    const FIELD: &'static str = "project";
    const FIELD_DOC: &'static str = "The project as saved.";
}

/// Input of `createIndicator`.
#[derive(InputObject)]
pub struct CreateIndicatorInput {
    /// The project.
    pub project_id: ID,
    /// What is measured. At most 500 characters; one line.
    pub name: String,
    /// Unit ("persoane", "documente", ...). At most 100 characters; one
    /// line.
    #[graphql(default)]
    pub unit: String,
    /// Value before the project.
    #[graphql(default)]
    pub baseline: f64,
    /// Value aimed for.
    pub target: f64,
    /// Value reached so far (entered indicators only; default 0).
    pub achieved: Option<f64>,
    /// Derive the value from the project's activities by this rule instead
    /// of entering it.
    pub derivation: Option<IndicatorDerivation>,
}

/// Input of `updateIndicator`: only the fields given change.
#[derive(InputObject)]
pub struct UpdateIndicatorInput {
    /// The indicator.
    pub indicator_id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// What is measured. At most 500 characters; one line.
    pub name: Option<String>,
    /// Unit. At most 100 characters; one line.
    pub unit: Option<String>,
    /// Value before the project.
    pub baseline: Option<f64>,
    /// Value aimed for.
    pub target: Option<f64>,
    /// Value reached (refused on a derived indicator).
    pub achieved: Option<f64>,
    /// A new rule; `null` makes the value entered from now on, starting
    /// from `achieved` if given, else from the value derived from PUBLIC
    /// activities (an entered value is read by everyone).
    pub derivation: MaybeUndefined<IndicatorDerivation>,
}

/// Result of an indicator mutation.
pub type IndicatorPayload = Payload<Indicator>;

impl Subject for Indicator {
    const PAYLOAD: &'static str = "IndicatorPayload";
    const PAYLOAD_DOC: &'static str = "Result of an indicator mutation.";
    const FIELD: &'static str = "indicator";
    const FIELD_DOC: &'static str = "The indicator as saved.";
}

/// Mutations of projects and indicators (EDITOR of the beneficiary).
#[derive(Default)]
pub struct ResultsMutation;

#[Object]
impl ResultsMutation {
    /// Records a funded project (EDITOR of the beneficiary).
    async fn create_project(
        &self,
        ctx: &Context<'_>,
        input: CreateProjectInput,
    ) -> ApiResult<ProjectPayload> {
        let s = state(ctx)?;
        let owner = ids::decode(
            &input.organization_id,
            NodeKind::Organization,
            "organizationId",
        )?;
        let fields = ProjectFields {
            code: input.code,
            title: input.title,
            programme: input.programme,
            contract_number: input.contract_number,
            start_date: input.start_date.0,
            end_date: input.end_date.0,
            summary: input.summary,
            sustainability_end_date: input.sustainability_end_date.map(|d| d.0),
        };
        let result = domain::create_project(&s.db, &s.actor, owner, fields, Utc::now()).await;
        Payload::of(result, Project)
    }

    /// Edits a project (EDITOR of the beneficiary). A stale `version` is a
    /// CONFLICT.
    async fn update_project(
        &self,
        ctx: &Context<'_>,
        input: UpdateProjectInput,
    ) -> ApiResult<ProjectPayload> {
        let s = state(ctx)?;
        let id = ids::decode(&input.project_id, NodeKind::Project, "projectId")?;
        let UpdateProjectInput {
            version,
            code,
            title,
            programme,
            contract_number,
            start_date,
            end_date,
            summary,
            sustainability_end_date,
            ..
        } = input;
        let change = move |f: &mut ProjectFields| {
            if let Some(v) = code {
                f.code = v;
            }
            if let Some(v) = title {
                f.title = v;
            }
            if let Some(v) = programme {
                f.programme = v;
            }
            contract_number.update_to(&mut f.contract_number);
            if let Some(v) = start_date {
                f.start_date = v.0;
            }
            if let Some(v) = end_date {
                f.end_date = v.0;
            }
            if let Some(v) = summary {
                f.summary = v;
            }
            sustainability_end_date
                .map_value(|d| d.0)
                .update_to(&mut f.sustainability_end_date);
        };
        let result = domain::update_project(&s.db, &s.actor, id, version, change, Utc::now()).await;
        Payload::of(result, Project)
    }

    /// Adds a result indicator to a project (EDITOR of the beneficiary):
    /// entered, or derived from the project's activities.
    async fn create_indicator(
        &self,
        ctx: &Context<'_>,
        input: CreateIndicatorInput,
    ) -> ApiResult<IndicatorPayload> {
        let s = state(ctx)?;
        let project = ids::decode(&input.project_id, NodeKind::Project, "projectId")?;
        let new = NewIndicator {
            name: input.name,
            unit: input.unit,
            baseline: input.baseline,
            target: input.target,
            achieved: input.achieved,
            derivation: input.derivation.map(Into::into),
        };
        let result = domain::create_indicator(&s.db, &s.actor, project, new, Utc::now()).await;
        Payload::of(result, Indicator)
    }

    /// Edits an indicator (EDITOR of the beneficiary). A derived indicator
    /// refuses an entered `achieved`; a stale `version` is a CONFLICT.
    async fn update_indicator(
        &self,
        ctx: &Context<'_>,
        input: UpdateIndicatorInput,
    ) -> ApiResult<IndicatorPayload> {
        let s = state(ctx)?;
        let id = ids::decode(&input.indicator_id, NodeKind::Indicator, "indicatorId")?;
        let derivation: Option<Option<IndicatorDerivation>> = input.derivation.into();
        let changes = IndicatorChanges {
            name: input.name,
            unit: input.unit,
            baseline: input.baseline,
            target: input.target,
            achieved: input.achieved,
            derivation: derivation.map(|d| d.map(Into::into)),
        };
        let result =
            domain::update_indicator(&s.db, &s.actor, id, input.version, changes, Utc::now()).await;
        Payload::of(result, Indicator)
    }
}

//! Joint activities in GraphQL: the type, its organizers, participation and
//! documents, and the root queries.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entities::{activity, enums::ParticipantRole as DbRole};

use super::{
    DateRangeInput,
    agreements::Agreement,
    connection::{Conn, child_connection, connection, page_args},
    context::state,
    documents::Document,
    enums::{ActivityKind, ActivityStatus, OrderDirection, ParticipantRole, Visibility, to_db},
    error::{ApiError, ApiResult},
    ids::{self, NodeKind},
    organizations::Organization,
    results::Project,
};
use crate::domain::activities::{self as domain, ActivityFilter as Filter, ActivitySort};

/// A joint training, workshop, campaign, survey...
#[derive(Clone)]
pub struct Activity(pub activity::Model);

/// How many people of one organization took part in one role.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Participation {
    /// The role they took part in.
    pub role: ParticipantRole,
    /// How many people.
    pub count: i32,
    #[graphql(skip)]
    organization_id: i64,
}

#[async_graphql::ComplexObject]
impl Participation {
    /// Where the participants come from.
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        Organization::referenced(state(ctx)?, self.organization_id).await
    }
}

#[Object]
impl Activity {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::Activity, self.0.id)
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What sort of activity.
    async fn kind(&self) -> ActivityKind {
        self.0.kind.into()
    }
    /// Planned, completed or cancelled.
    async fn status(&self) -> ActivityStatus {
        self.0.status.into()
    }
    /// Description.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// First day.
    async fn start_date(&self) -> NaiveDate {
        self.0.start_date
    }
    /// Last day.
    async fn end_date(&self) -> NaiveDate {
        self.0.end_date
    }
    /// Where it takes place.
    async fn place(&self) -> Option<&str> {
        self.0.place.as_deref()
    }
    /// Link for online participation.
    async fn online_url(&self) -> Option<&str> {
        self.0.online_url.as_deref()
    }
    /// Certificates or diplomas issued.
    async fn certificates_issued(&self) -> i32 {
        self.0.certificates_issued
    }
    /// What came of it.
    async fn outcomes(&self) -> Option<&str> {
        self.0.outcomes.as_deref()
    }
    /// Who may see it.
    async fn visibility(&self) -> Visibility {
        self.0.visibility.into()
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the record was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The lead organizer, which owns the record.
    async fn owner(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        Organization::referenced(state(ctx)?, self.0.owner_id).await
    }
    /// The agreement this activity implements, if any (and if visible).
    async fn agreement(&self, ctx: &Context<'_>) -> ApiResult<Option<Agreement>> {
        let Some(id) = self.0.agreement_id else {
            return Ok(None);
        };
        Ok(state(ctx)?
            .loaders
            .agreement
            .load_one(id)
            .await?
            .map(Agreement))
    }
    /// The funded project this activity belongs to, if any.
    async fn project(&self, ctx: &Context<'_>) -> ApiResult<Option<Project>> {
        let Some(id) = self.0.project_id else {
            return Ok(None);
        };
        Ok(state(ctx)?.loaders.project.load_one(id).await?.map(Project))
    }
    /// Participation counts by organization and role.
    async fn participation(&self, ctx: &Context<'_>) -> ApiResult<Vec<Participation>> {
        let state = state(ctx)?;
        let rows = state
            .loaders
            .activity_participations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|p| Participation {
                role: p.role.into(),
                count: p.count,
                organization_id: p.organization_id,
            })
            .collect())
    }
    /// Number of people who took part (trainers and speakers not counted).
    async fn participants_total(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        let state = state(ctx)?;
        let rows = state
            .loaders
            .activity_participations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows
            .iter()
            .filter(|p| p.role != DbRole::Trainer)
            .map(|p| p.count)
            .sum())
    }

    /// The organizations running it, lead organizer first.
    #[graphql(complexity = "super::connection::page_weight(first, last) * child_complexity")]
    async fn organizers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Organization>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before)?;
        child_connection(
            state,
            &state.loaders.activity_organizers,
            self.0.id,
            args,
            Organization,
        )
        .await
    }

    /// Documents used or produced by the activity, by title.
    #[graphql(complexity = "super::connection::page_weight(first, last) * child_complexity")]
    async fn documents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Document>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before)?;
        child_connection(
            state,
            &state.loaders.activity_documents,
            self.0.id,
            args,
            Document,
        )
        .await
    }
}

/// Filters for `activities`.
#[derive(InputObject, Default)]
pub struct ActivityFilter {
    /// Only these kinds.
    pub kinds: Option<Vec<ActivityKind>>,
    /// Only these states.
    pub statuses: Option<Vec<ActivityStatus>>,
    /// Only activities this organization (co-)organizes.
    pub organizer_id: Option<ID>,
    /// Only activities implementing this agreement.
    pub agreement_id: Option<ID>,
    /// Only activities of this funded project.
    pub project_id: Option<ID>,
    /// Start date within this range.
    pub start_date: Option<DateRangeInput>,
}

/// What `activities` can be sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ActivityOrderField {
    /// By start date.
    StartDate,
    /// By title.
    Title,
    /// By creation time.
    CreatedAt,
}

/// Sort order for `activities`.
#[derive(InputObject)]
pub struct ActivityOrder {
    /// Field to sort by.
    pub field: ActivityOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// Root queries about activities.
#[derive(Default)]
pub struct ActivityQuery;

#[Object]
impl ActivityQuery {
    /// One activity by ID; NOT_FOUND if there is none or it is not visible.
    async fn activity(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Activity>> {
        let state = state(ctx)?;
        let id = ids::decode(&id, NodeKind::Activity, "id")?;
        state
            .loaders
            .activity
            .load_one(id)
            .await?
            .map(Activity)
            .map(Some)
            .ok_or(ApiError::NotFound("Activity"))
    }

    /// Joint activities, filtered, searched and ordered (latest start first
    /// by default).
    #[graphql(complexity = "super::connection::page_weight(first, last) * child_complexity")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActivityFilter>,
        #[graphql(desc = "Case- and diacritics-insensitive text search.")] search: Option<String>,
        order_by: Option<ActivityOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Activity>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before)?;
        let f = filter.unwrap_or_default();
        let filter = Filter {
            kinds: to_db(f.kinds),
            statuses: to_db(f.statuses),
            organizer_id: ids::decode_opt(
                f.organizer_id.as_ref(),
                NodeKind::Organization,
                "organizerId",
            )?,
            agreement_id: ids::decode_opt(
                f.agreement_id.as_ref(),
                NodeKind::Agreement,
                "agreementId",
            )?,
            project_id: ids::decode_opt(f.project_id.as_ref(), NodeKind::Project, "projectId")?,
            start_date: DateRangeInput::to_domain(f.start_date, "startDate")?,
            search,
        };
        let (sort, descending) = match order_by {
            Some(o) => (
                match o.field {
                    ActivityOrderField::StartDate => ActivitySort::StartDate,
                    ActivityOrderField::Title => ActivitySort::Title,
                    ActivityOrderField::CreatedAt => ActivitySort::CreatedAt,
                },
                o.direction.descending(),
            ),
            None => (ActivitySort::StartDate, true),
        };
        let page = domain::list(
            &state.db,
            &state.actor,
            &filter,
            sort,
            descending,
            args,
            state.limits,
        )
        .await?;
        Ok(connection(page, Activity))
    }
}

//! Joint activities in GraphQL: the type, its organizers, participation and
//! documents, the root queries, and the mutations of their lifecycle.
//!
//! The object types are here; the input types are in `inputs`, the root
//! queries in `queries` and the mutations in `mutations`.

mod inputs;
mod mutations;
mod queries;

pub use inputs::{
    ActivityDocumentInput, ActivityFilter, ActivityOrder, ActivityOrderField, CancelActivityInput,
    CoOrganizerInput, CompleteActivityInput, CreateActivityInput, ParticipationInput,
    SetParticipationInput, UpdateActivityInput,
};
pub use mutations::{ActivityMutation, ActivityPayload};
pub use queries::ActivityQuery;

use async_graphql::{Context, ID, Object, SimpleObject};
use entities::{activity, activity_participation, enums::ParticipantRole as DbRole};

use super::{
    agreements::Agreement,
    connection::{Conn, child_connection, page_args},
    context::state,
    documents::Document,
    enums::{ActivityKind, ActivityStatus, ParticipantRole, Visibility},
    error::ApiResult,
    ids::{self, NodeKind},
    inline::Inline,
    organizations::Organization,
    results::Project,
    scalars::{Date, DateTime},
};

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
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Inline<Organization>> {
        Organization::referenced(state(ctx)?, self.organization_id).await
    }
}

impl Activity {
    /// The participation counts, through the request's batched loader.
    async fn participation_rows(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<activity_participation::Model>> {
        Ok(state(ctx)?
            .loaders
            .activity_participations()
            .of(self.0.id)
            .await?)
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
    async fn start_date(&self) -> Date {
        Date(self.0.start_date)
    }
    /// Last day.
    async fn end_date(&self) -> Date {
        Date(self.0.end_date)
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
    /// Why it was cancelled, if a reason was given.
    async fn cancellation_reason(&self) -> Option<&str> {
        self.0.cancellation_reason.as_deref()
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
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// The lead organizer, which owns the record.
    async fn owner(&self, ctx: &Context<'_>) -> ApiResult<Inline<Organization>> {
        Organization::referenced(state(ctx)?, self.0.owner_id).await
    }
    /// The agreement this activity implements, if any (and if visible).
    async fn agreement(&self, ctx: &Context<'_>) -> ApiResult<Option<Agreement>> {
        let Some(id) = self.0.agreement_id else {
            return Ok(None);
        };
        Ok(state(ctx)?
            .loaders
            .agreement()
            .load_one(id)
            .await?
            .map(Agreement))
    }
    /// The funded project this activity belongs to, if any.
    async fn project(&self, ctx: &Context<'_>) -> ApiResult<Option<Project>> {
        let Some(id) = self.0.project_id else {
            return Ok(None);
        };
        Ok(state(ctx)?
            .loaders
            .project()
            .load_one(id)
            .await?
            .map(Project))
    }
    /// Participation counts by organization and role.
    async fn participation(&self, ctx: &Context<'_>) -> ApiResult<Vec<Inline<Participation>>> {
        Ok(self
            .participation_rows(ctx)
            .await?
            .into_iter()
            .map(|p| {
                Inline(Participation {
                    role: p.role.into(),
                    count: p.count,
                    organization_id: p.organization_id,
                })
            })
            .collect())
    }
    /// Number of people who took part (trainers and speakers not counted).
    async fn participants_total(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        Ok(self
            .participation_rows(ctx)
            .await?
            .iter()
            .filter(|p| p.role != DbRole::Trainer)
            .map(|p| p.count)
            .sum())
    }

    /// The organizations running it, lead organizer first.
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, last), child_complexity)"
    )]
    async fn organizers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Organization>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before);
        child_connection(
            state,
            state.loaders.activity_organizers(),
            self.0.id,
            args,
            Organization,
        )
        .await
    }

    /// Organizations invited to co-organize that have not answered yet.
    /// Members of the lead organizer see them all; members of an invited
    /// organization see their own invitation; nobody else sees any (an
    /// organization is listed publicly only once it accepts).
    async fn pending_organizers(&self, ctx: &Context<'_>) -> ApiResult<Vec<Inline<Organization>>> {
        let state = state(ctx)?;
        let member_of = state.actor.member_of();
        let sees_all = member_of.contains(&self.0.owner_id);
        let rows = state
            .loaders
            .activity_pending_organizers()
            .of(self.0.id)
            .await?;
        let mut out = Vec::new();
        for row in rows {
            if sees_all || member_of.contains(&row.organization_id) {
                out.push(Organization::referenced(state, row.organization_id).await?);
            }
        }
        Ok(out)
    }

    /// Documents used or produced by the activity, by title.
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, last), child_complexity)"
    )]
    async fn documents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Document>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before);
        child_connection(
            state,
            state.loaders.activity_documents(),
            self.0.id,
            args,
            Document,
        )
        .await
    }
}

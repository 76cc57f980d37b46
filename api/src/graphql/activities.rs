//! Joint activities in GraphQL: the type, its organizers, participation and
//! documents, the root queries, and the mutations of their lifecycle.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::Utc;
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
    mutation::{UserError, user_errors},
    organizations::Organization,
    results::Project,
    scalars::{Date, DateTime},
};
use crate::domain::{
    activities::{
        self as domain, ActivityChanges, ActivityFilter as Filter, ActivitySort, Completion,
        NewActivity, ParticipationCount,
    },
    input::{filter_list, search_term},
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

    /// Organizations invited to co-organize that have not answered yet.
    /// Members of the lead organizer see them all; members of an invited
    /// organization see their own invitation; nobody else sees any (an
    /// organization is listed publicly only once it accepts).
    async fn pending_organizers(&self, ctx: &Context<'_>) -> ApiResult<Vec<Organization>> {
        let state = state(ctx)?;
        let member_of = state.actor.member_of();
        let sees_all = member_of.contains(&self.0.owner_id);
        let rows = state
            .loaders
            .activity_pending_organizers
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
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
    /// Only these kinds (at most 100 entries).
    pub kinds: Option<Vec<ActivityKind>>,
    /// Only these states (at most 100 entries).
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
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, last), child_complexity)"
    )]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActivityFilter>,
        #[graphql(
            desc = "Case- and diacritics-insensitive text search. At most 200 characters; one line."
        )]
        search: Option<String>,
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
            kinds: to_db(filter_list("filter.kinds", f.kinds)?),
            statuses: to_db(filter_list("filter.statuses", f.statuses)?),
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
            search: search_term(search.as_deref())?,
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

/// Input of `createActivity`.
#[derive(InputObject)]
pub struct CreateActivityInput {
    /// The lead organizer, which owns the activity (you must be its EDITOR).
    pub organization_id: ID,
    /// Title. At most 500 characters; one line.
    pub title: String,
    /// What sort of activity.
    pub kind: ActivityKind,
    /// Description. At most 20000 characters; line breaks allowed.
    #[graphql(default)]
    pub description: String,
    /// First day.
    pub start_date: Date,
    /// Last day (not before the first).
    pub end_date: Date,
    /// Where it takes place (a place, an online link, or both). At most 500
    /// characters; one line.
    pub place: Option<String>,
    /// Link for online participation (http or https). At most 2000
    /// characters; one line.
    pub online_url: Option<String>,
    /// Who may see it (default PRIVATE).
    #[graphql(default_with = "Visibility::Private")]
    pub visibility: Visibility,
    /// The agreement it implements: one the lead organizer is a party to,
    /// ACTIVE or PROPOSED.
    pub agreement_id: Option<ID>,
    /// The lead organizer's funded project it belongs to.
    pub project_id: Option<ID>,
}

/// Input of `updateActivity`: only the fields given change; `null` clears
/// a nullable one.
#[derive(InputObject)]
pub struct UpdateActivityInput {
    /// The activity.
    pub activity_id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// Title. At most 500 characters; one line.
    pub title: Option<String>,
    /// What sort of activity.
    pub kind: Option<ActivityKind>,
    /// Description. At most 20000 characters; line breaks allowed.
    pub description: Option<String>,
    /// First day (PLANNED only).
    pub start_date: Option<Date>,
    /// Last day (PLANNED only).
    pub end_date: Option<Date>,
    /// Where it takes place (PLANNED only). At most 500 characters; one
    /// line.
    pub place: MaybeUndefined<String>,
    /// Link for online participation (PLANNED only). At most 2000
    /// characters; one line.
    pub online_url: MaybeUndefined<String>,
    /// Who may see it.
    pub visibility: Option<Visibility>,
    /// The agreement it implements.
    pub agreement_id: MaybeUndefined<ID>,
    /// The lead organizer's project it belongs to.
    pub project_id: MaybeUndefined<ID>,
    /// What came of it (COMPLETED only). At most 20000 characters; line
    /// breaks allowed.
    pub outcomes: MaybeUndefined<String>,
    /// Certificates issued (COMPLETED only).
    pub certificates_issued: Option<i32>,
}

/// Input of `cancelActivity`.
#[derive(InputObject)]
pub struct CancelActivityInput {
    /// The activity (PLANNED).
    pub activity_id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// Why it will not take place. At most 2000 characters; line breaks
    /// allowed.
    pub reason: Option<String>,
}

/// How many people of one organization took part in one role.
#[derive(InputObject)]
pub struct ParticipationInput {
    /// Where the participants come from.
    pub organization_id: ID,
    /// The role they took part in.
    pub role: ParticipantRole,
    /// How many people (0 removes the count).
    pub count: i32,
}

/// Input of `completeActivity`.
#[derive(InputObject)]
pub struct CompleteActivityInput {
    /// The activity (PLANNED, already started).
    pub activity_id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// What came of it. At most 20000 characters; line breaks allowed.
    pub outcomes: String,
    /// Certificates or diplomas issued.
    #[graphql(default)]
    pub certificates_issued: i32,
    /// Participation counts to record at the same time (more can be set
    /// later with `setParticipation`).
    #[graphql(default)]
    pub participation: Vec<ParticipationInput>,
}

/// Input of `setParticipation`.
#[derive(InputObject)]
pub struct SetParticipationInput {
    /// The activity (not CANCELLED).
    pub activity_id: ID,
    /// Where the participants come from.
    pub organization_id: ID,
    /// The role they took part in.
    pub role: ParticipantRole,
    /// How many people (0 removes the count).
    pub count: i32,
}

/// Input of the co-organizer mutations.
#[derive(InputObject)]
pub struct CoOrganizerInput {
    /// The activity.
    pub activity_id: ID,
    /// The organization invited (or answering).
    pub organization_id: ID,
}

/// Input of `linkActivityDocument` and `unlinkActivityDocument`.
#[derive(InputObject)]
pub struct ActivityDocumentInput {
    /// The activity.
    pub activity_id: ID,
    /// A document you may see.
    pub document_id: ID,
}

/// Result of an activity mutation.
#[derive(SimpleObject)]
pub struct ActivityPayload {
    /// The activity as it is now (null on a user error, or when you may no
    /// longer see it).
    pub activity: Option<Activity>,
    /// What to fix.
    pub user_errors: Vec<UserError>,
}

impl ActivityPayload {
    fn of(result: crate::domain::error::DomainResult<activity::Model>) -> ApiResult<Self> {
        let (activity, user_errors) = user_errors(result)?;
        Ok(Self {
            activity: activity.map(Activity),
            user_errors,
        })
    }

    fn of_optional(
        result: crate::domain::error::DomainResult<Option<activity::Model>>,
    ) -> ApiResult<Self> {
        let (activity, user_errors) = user_errors(result)?;
        Ok(Self {
            activity: activity.flatten().map(Activity),
            user_errors,
        })
    }
}

fn decode_maybe(
    id: MaybeUndefined<ID>,
    kind: NodeKind,
    field: &str,
) -> ApiResult<Option<Option<i64>>> {
    Ok(match id {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(id) => Some(Some(ids::decode(&id, kind, field)?)),
    })
}

fn participation(input: ParticipationInput) -> ApiResult<ParticipationCount> {
    Ok(ParticipationCount {
        organization_id: ids::decode(
            &input.organization_id,
            NodeKind::Organization,
            "organizationId",
        )?,
        role: input.role.into(),
        count: input.count,
    })
}

/// Mutations of activities: planning, changes, cancellation, completion,
/// co-organizers, participation and documents.
#[derive(Default)]
pub struct ActivityMutation;

#[Object]
impl ActivityMutation {
    /// Plans an activity (EDITOR of the lead organizer). It starts PLANNED.
    async fn create_activity(
        &self,
        ctx: &Context<'_>,
        input: CreateActivityInput,
    ) -> ApiResult<ActivityPayload> {
        let s = state(ctx)?;
        let new = NewActivity {
            owner_id: ids::decode(
                &input.organization_id,
                NodeKind::Organization,
                "organizationId",
            )?,
            title: input.title,
            kind: input.kind.into(),
            description: input.description,
            start_date: input.start_date.0,
            end_date: input.end_date.0,
            place: input.place,
            online_url: input.online_url,
            visibility: input.visibility.into(),
            agreement_id: ids::decode_opt(
                input.agreement_id.as_ref(),
                NodeKind::Agreement,
                "agreementId",
            )?,
            project_id: ids::decode_opt(input.project_id.as_ref(), NodeKind::Project, "projectId")?,
        };
        ActivityPayload::of(domain::create(&s.db, &s.actor, new, Utc::now()).await)
    }

    /// Edits an activity (EDITOR of the lead organizer). Dates, place and
    /// link change only while PLANNED; outcomes and certificates only once
    /// COMPLETED. A stale `version` is a CONFLICT.
    async fn update_activity(
        &self,
        ctx: &Context<'_>,
        input: UpdateActivityInput,
    ) -> ApiResult<ActivityPayload> {
        let s = state(ctx)?;
        let id = ids::decode(&input.activity_id, NodeKind::Activity, "activityId")?;
        let changes = ActivityChanges {
            title: input.title,
            kind: input.kind.map(Into::into),
            description: input.description,
            start_date: input.start_date.map(|day| day.0),
            end_date: input.end_date.map(|day| day.0),
            place: input.place.into(),
            online_url: input.online_url.into(),
            visibility: input.visibility.map(Into::into),
            agreement_id: decode_maybe(input.agreement_id, NodeKind::Agreement, "agreementId")?,
            project_id: decode_maybe(input.project_id, NodeKind::Project, "projectId")?,
            outcomes: input.outcomes.into(),
            certificates_issued: input.certificates_issued,
        };
        ActivityPayload::of(
            domain::update(&s.db, &s.actor, id, input.version, changes, Utc::now()).await,
        )
    }

    /// Cancels a PLANNED activity (EDITOR of the lead organizer).
    async fn cancel_activity(
        &self,
        ctx: &Context<'_>,
        input: CancelActivityInput,
    ) -> ApiResult<ActivityPayload> {
        let s = state(ctx)?;
        let id = ids::decode(&input.activity_id, NodeKind::Activity, "activityId")?;
        ActivityPayload::of(
            domain::cancel(
                &s.db,
                &s.actor,
                id,
                input.version,
                input.reason.as_deref(),
                Utc::now(),
            )
            .await,
        )
    }

    /// Records that a PLANNED activity took place (EDITOR of the lead
    /// organizer): outcomes, certificates, and optionally participation.
    async fn complete_activity(
        &self,
        ctx: &Context<'_>,
        input: CompleteActivityInput,
    ) -> ApiResult<ActivityPayload> {
        let s = state(ctx)?;
        let id = ids::decode(&input.activity_id, NodeKind::Activity, "activityId")?;
        let completion = Completion {
            outcomes: input.outcomes,
            certificates_issued: input.certificates_issued,
            participation: input
                .participation
                .into_iter()
                .map(participation)
                .collect::<ApiResult<_>>()?,
        };
        ActivityPayload::of(
            domain::complete(&s.db, &s.actor, id, input.version, completion, Utc::now()).await,
        )
    }

    /// Sets how many people of an organization took part in a role (EDITOR
    /// of any organizer); 0 removes the count.
    async fn set_participation(
        &self,
        ctx: &Context<'_>,
        input: SetParticipationInput,
    ) -> ApiResult<ActivityPayload> {
        let s = state(ctx)?;
        let id = ids::decode(&input.activity_id, NodeKind::Activity, "activityId")?;
        let count = participation(ParticipationInput {
            organization_id: input.organization_id,
            role: input.role,
            count: input.count,
        })?;
        ActivityPayload::of(domain::set_participation(&s.db, &s.actor, id, count, Utc::now()).await)
    }

    /// Invites an organization to co-organize (EDITOR of the lead
    /// organizer). It is listed only once one of its EDITORs accepts.
    async fn invite_co_organizer(
        &self,
        ctx: &Context<'_>,
        input: CoOrganizerInput,
    ) -> ApiResult<ActivityPayload> {
        let s = state(ctx)?;
        let (id, org) = co_organizer(&input)?;
        ActivityPayload::of(domain::invite_co_organizer(&s.db, &s.actor, id, org, Utc::now()).await)
    }

    /// Accepts being listed as co-organizer (EDITOR of the invited
    /// organization).
    async fn accept_co_organizing(
        &self,
        ctx: &Context<'_>,
        input: CoOrganizerInput,
    ) -> ApiResult<ActivityPayload> {
        let s = state(ctx)?;
        let (id, org) = co_organizer(&input)?;
        ActivityPayload::of_optional(
            domain::accept_co_organizing(&s.db, &s.actor, id, org, Utc::now()).await,
        )
    }

    /// Declines an invitation to co-organize, or stops co-organizing
    /// (EDITOR of that organization). `activity` is null when you can no
    /// longer see it.
    async fn decline_co_organizing(
        &self,
        ctx: &Context<'_>,
        input: CoOrganizerInput,
    ) -> ApiResult<ActivityPayload> {
        let s = state(ctx)?;
        let (id, org) = co_organizer(&input)?;
        ActivityPayload::of_optional(
            domain::decline_co_organizing(&s.db, &s.actor, id, org, Utc::now()).await,
        )
    }

    /// Links a document you may see to an activity (EDITOR of any
    /// organizer).
    async fn link_activity_document(
        &self,
        ctx: &Context<'_>,
        input: ActivityDocumentInput,
    ) -> ApiResult<ActivityPayload> {
        let s = state(ctx)?;
        let (id, document) = activity_document(&input)?;
        ActivityPayload::of(domain::link_document(&s.db, &s.actor, id, document, Utc::now()).await)
    }

    /// Removes a document from an activity (EDITOR of any organizer).
    async fn unlink_activity_document(
        &self,
        ctx: &Context<'_>,
        input: ActivityDocumentInput,
    ) -> ApiResult<ActivityPayload> {
        let s = state(ctx)?;
        let (id, document) = activity_document(&input)?;
        ActivityPayload::of(
            domain::unlink_document(&s.db, &s.actor, id, document, Utc::now()).await,
        )
    }
}

fn co_organizer(input: &CoOrganizerInput) -> ApiResult<(i64, i64)> {
    Ok((
        ids::decode(&input.activity_id, NodeKind::Activity, "activityId")?,
        ids::decode(
            &input.organization_id,
            NodeKind::Organization,
            "organizationId",
        )?,
    ))
}

fn activity_document(input: &ActivityDocumentInput) -> ApiResult<(i64, i64)> {
    Ok((
        ids::decode(&input.activity_id, NodeKind::Activity, "activityId")?,
        ids::decode(&input.document_id, NodeKind::Document, "documentId")?,
    ))
}

//! The mutations of activities and their payload: planning, changes,
//! cancellation, completion, co-organizers, participation and documents.

use async_graphql::{Context, ID, MaybeUndefined, Object};
use chrono::Utc;

use super::{
    Activity, ActivityDocumentInput, CancelActivityInput, CoOrganizerInput, CompleteActivityInput,
    CreateActivityInput, ParticipationInput, SetParticipationInput, UpdateActivityInput,
};
use crate::domain::activities::{
    self as domain, ActivityChanges, Completion, NewActivity, ParticipationCount,
};
use crate::graphql::{
    context::{RequestState, state},
    error::ApiResult,
    ids::{self, NodeKind},
    mutation::{Payload, Subject},
};

/// Result of an activity mutation.
pub type ActivityPayload = Payload<Activity>;

impl Subject for Activity {
    const PAYLOAD: &'static str = "ActivityPayload";
    const PAYLOAD_DOC: &'static str = "Result of an activity mutation.";
    const FIELD: &'static str = "activity";
    const FIELD_DOC: &'static str =
        "The activity as it is now (null on a user error, or when you may no\nlonger see it).";
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
        Payload::of(
            domain::create(&s.db, &s.actor, new, Utc::now()).await,
            Activity,
        )
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
        Payload::of(
            domain::update(&s.db, &s.actor, id, input.version, changes, Utc::now()).await,
            Activity,
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
        Payload::of(
            domain::cancel(
                &s.db,
                &s.actor,
                id,
                input.version,
                input.reason.as_deref(),
                Utc::now(),
            )
            .await,
            Activity,
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
        Payload::of(
            domain::complete(&s.db, &s.actor, id, input.version, completion, Utc::now()).await,
            Activity,
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
        Payload::of(
            domain::set_participation(&s.db, &s.actor, id, count, Utc::now()).await,
            Activity,
        )
    }

    /// Invites an organization to co-organize (EDITOR of the lead
    /// organizer). It is listed only once one of its EDITORs accepts.
    async fn invite_co_organizer(
        &self,
        ctx: &Context<'_>,
        input: CoOrganizerInput,
    ) -> ApiResult<ActivityPayload> {
        let (s, id, org) = co_organizer(ctx, &input)?;
        let result = domain::invite_co_organizer(&s.db, &s.actor, id, org, Utc::now()).await;
        Payload::of(result, Activity)
    }

    /// Accepts being listed as co-organizer (EDITOR of the invited
    /// organization).
    async fn accept_co_organizing(
        &self,
        ctx: &Context<'_>,
        input: CoOrganizerInput,
    ) -> ApiResult<ActivityPayload> {
        let (s, id, org) = co_organizer(ctx, &input)?;
        let result = domain::accept_co_organizing(&s.db, &s.actor, id, org, Utc::now()).await;
        Payload::of_optional(result, Activity)
    }

    /// Declines an invitation to co-organize, or stops co-organizing
    /// (EDITOR of that organization). `activity` is null when you can no
    /// longer see it.
    async fn decline_co_organizing(
        &self,
        ctx: &Context<'_>,
        input: CoOrganizerInput,
    ) -> ApiResult<ActivityPayload> {
        let (s, id, org) = co_organizer(ctx, &input)?;
        let result = domain::decline_co_organizing(&s.db, &s.actor, id, org, Utc::now()).await;
        Payload::of_optional(result, Activity)
    }

    /// Links a document you may see to an activity (EDITOR of any
    /// organizer).
    async fn link_activity_document(
        &self,
        ctx: &Context<'_>,
        input: ActivityDocumentInput,
    ) -> ApiResult<ActivityPayload> {
        let (s, id, document) = activity_document(ctx, &input)?;
        let result = domain::link_document(&s.db, &s.actor, id, document, Utc::now()).await;
        Payload::of(result, Activity)
    }

    /// Removes a document from an activity (EDITOR of any organizer).
    async fn unlink_activity_document(
        &self,
        ctx: &Context<'_>,
        input: ActivityDocumentInput,
    ) -> ApiResult<ActivityPayload> {
        let (s, id, document) = activity_document(ctx, &input)?;
        let result = domain::unlink_document(&s.db, &s.actor, id, document, Utc::now()).await;
        Payload::of(result, Activity)
    }
}

/// The request's state, and the activity and organization a co-organizer
/// input names, decoded in that order.
fn co_organizer<'a>(
    ctx: &Context<'a>,
    input: &CoOrganizerInput,
) -> ApiResult<(&'a RequestState, i64, i64)> {
    Ok((
        state(ctx)?,
        ids::decode(&input.activity_id, NodeKind::Activity, "activityId")?,
        ids::decode(
            &input.organization_id,
            NodeKind::Organization,
            "organizationId",
        )?,
    ))
}

/// The request's state, and the activity and document an
/// activity-document input names, decoded in that order.
fn activity_document<'a>(
    ctx: &Context<'a>,
    input: &ActivityDocumentInput,
) -> ApiResult<(&'a RequestState, i64, i64)> {
    Ok((
        state(ctx)?,
        ids::decode(&input.activity_id, NodeKind::Activity, "activityId")?,
        ids::decode(&input.document_id, NodeKind::Document, "documentId")?,
    ))
}

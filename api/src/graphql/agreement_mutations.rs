//! The agreement lifecycle in GraphQL: drafting (create, edit, parties),
//! proposing, signing, declining, withdrawing and terminating. Each
//! mutation takes one `input` and returns the agreement as it now is, or
//! `userErrors` (`ILLEGAL_TRANSITION` naming the current state, `CONFLICT`
//! for a stale `version`, `INVALID_INPUT`, `NOT_ENOUGH_PARTIES`); who may do
//! what is the policy's (top-level FORBIDDEN / UNAUTHENTICATED).

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::Utc;

use super::{
    agreements::Agreement,
    context::{RequestState, state},
    enums::{AgreementKind, Visibility},
    error::ApiResult,
    ids::{self, NodeKind},
    mutation::{Payload, Subject},
    organization_mutations::change,
    scalars::Date,
};
use crate::domain::{
    agreement_lifecycle::{self as domain, AgreementChanges, NewAgreement},
    error::DomainResult,
};

/// Input of `createAgreement`.
#[derive(InputObject)]
pub struct CreateAgreementInput {
    /// The drafting organization (you must be its EDITOR or more); it is
    /// the first party.
    pub initiator_id: ID,
    /// Title as written on the agreement. At most 500 characters; one line.
    pub title: String,
    /// Legal form.
    pub kind: AgreementKind,
    /// What the parties commit to. At most 20000 characters; line breaks
    /// allowed.
    #[graphql(default)]
    pub objectives: String,
    /// First day in force.
    pub start_date: Option<Date>,
    /// Last day in force; it EXPIRES the day after.
    pub end_date: Option<Date>,
    /// Who may see it (default PRIVATE: the parties' members).
    #[graphql(default_with = "Visibility::Private")]
    pub visibility: Visibility,
    /// The other parties (more can be added while it is a DRAFT).
    #[graphql(default)]
    pub party_ids: Vec<ID>,
}

/// Input of `updateAgreement`: fields left out stay as they are; `null`
/// clears a date.
#[derive(InputObject)]
pub struct UpdateAgreementInput {
    /// The agreement (a DRAFT).
    pub agreement_id: ID,
    /// The `version` read; a stale one is a CONFLICT user error.
    pub version: i32,
    /// New title. At most 500 characters; one line.
    pub title: Option<String>,
    /// New legal form.
    pub kind: Option<AgreementKind>,
    /// New objectives. At most 20000 characters; line breaks allowed.
    pub objectives: Option<String>,
    /// New first day (null clears it).
    pub start_date: MaybeUndefined<Date>,
    /// New last day (null clears it).
    pub end_date: MaybeUndefined<Date>,
    /// New visibility.
    pub visibility: Option<Visibility>,
}

/// Input of `addAgreementParty` and `removeAgreementParty`.
#[derive(InputObject)]
pub struct AgreementPartyInput {
    /// The agreement (a DRAFT).
    pub agreement_id: ID,
    /// The `version` read; a stale one is a CONFLICT user error.
    pub version: i32,
    /// The organization to add or remove.
    pub organization_id: ID,
}

/// Input of `proposeAgreement`.
#[derive(InputObject)]
pub struct ProposeAgreementInput {
    /// The agreement (a DRAFT with at least two parties).
    pub agreement_id: ID,
    /// The `version` reviewed; when given, a stale one is a CONFLICT user
    /// error.
    pub version: Option<i32>,
}

/// Input of `signAgreement`.
#[derive(InputObject)]
pub struct SignAgreementInput {
    /// The agreement (PROPOSED).
    pub agreement_id: ID,
    /// The party you sign for (you must be its ADMIN or OWNER).
    pub organization_id: ID,
    /// Name and office of the person signing, e.g. "Ion Popescu, primar".
    /// At most 200 characters; one line.
    pub signatory: String,
}

/// Input of `declineAgreement`.
#[derive(InputObject)]
pub struct DeclineAgreementInput {
    /// The agreement (PROPOSED).
    pub agreement_id: ID,
    /// The party that declines (you must be its ADMIN or OWNER).
    pub organization_id: ID,
}

/// Input of `withdrawAgreement`.
#[derive(InputObject)]
pub struct WithdrawAgreementInput {
    /// The agreement (DRAFT or PROPOSED; you must be an ADMIN or OWNER of
    /// its initiator).
    pub agreement_id: ID,
}

/// Input of `terminateAgreement`.
#[derive(InputObject)]
pub struct TerminateAgreementInput {
    /// The agreement (ACTIVE).
    pub agreement_id: ID,
    /// The party that ends it (you must be its ADMIN or OWNER).
    pub organization_id: ID,
    /// Why it ends early (required; kept on the agreement). At most 4000
    /// characters; line breaks allowed.
    pub reason: String,
}

/// Result of every agreement mutation.
pub type AgreementPayload = Payload<Agreement>;

impl Subject for Agreement {
    const PAYLOAD: &'static str = "AgreementPayload";
    const PAYLOAD_DOC: &'static str = "Result of every agreement mutation.";
    const FIELD: &'static str = "agreement";
    const FIELD_DOC: &'static str = "The agreement as it now is.";
}

fn payload(result: DomainResult<entities::agreement::Model>) -> ApiResult<AgreementPayload> {
    Payload::of(result, Agreement)
}

fn agreement_id(id: &ID) -> ApiResult<i64> {
    ids::decode(id, NodeKind::Agreement, "agreementId")
}

fn organization_id(id: &ID, field: &str) -> ApiResult<i64> {
    ids::decode(id, NodeKind::Organization, field)
}

/// What a step one party takes in (or undergoes on) an agreement runs on:
/// the request's state, the agreement's ID and the party's
/// (`organizationId`), decoded in that order.
fn party_step_args<'a>(
    ctx: &Context<'a>,
    agreement: &ID,
    party: &ID,
) -> ApiResult<(&'a RequestState, i64, i64)> {
    Ok((
        state(ctx)?,
        agreement_id(agreement)?,
        organization_id(party, "organizationId")?,
    ))
}

/// Mutations of the agreement lifecycle.
#[derive(Default)]
pub struct AgreementMutation;

#[Object]
impl AgreementMutation {
    /// Drafts an agreement (EDITOR of the initiator): a DRAFT whose first
    /// party is the initiator.
    async fn create_agreement(
        &self,
        ctx: &Context<'_>,
        input: CreateAgreementInput,
    ) -> ApiResult<AgreementPayload> {
        let s = state(ctx)?;
        let initiator_id = organization_id(&input.initiator_id, "initiatorId")?;
        let party_ids = input
            .party_ids
            .iter()
            .map(|id| organization_id(id, "partyIds"))
            .collect::<ApiResult<Vec<_>>>()?;
        let new = NewAgreement {
            initiator_id,
            title: input.title,
            kind: input.kind.into(),
            objectives: input.objectives,
            start_date: input.start_date.map(|day| day.0),
            end_date: input.end_date.map(|day| day.0),
            visibility: input.visibility.into(),
            party_ids,
        };
        payload(
            domain::create(&s.db, &s.actor, new, Utc::now())
                .await
                .map(|(agreement, _)| agreement),
        )
    }

    /// Edits a DRAFT (EDITOR of the initiator).
    async fn update_agreement(
        &self,
        ctx: &Context<'_>,
        input: UpdateAgreementInput,
    ) -> ApiResult<AgreementPayload> {
        let s = state(ctx)?;
        let id = agreement_id(&input.agreement_id)?;
        let changes = AgreementChanges {
            title: input.title,
            kind: input.kind.map(Into::into),
            objectives: input.objectives,
            start_date: change(input.start_date.map_value(|day| day.0)),
            end_date: change(input.end_date.map_value(|day| day.0)),
            visibility: input.visibility.map(Into::into),
        };
        payload(domain::update(&s.db, &s.actor, id, input.version, changes, Utc::now()).await)
    }

    /// Adds a party to a DRAFT (EDITOR of the initiator).
    async fn add_agreement_party(
        &self,
        ctx: &Context<'_>,
        input: AgreementPartyInput,
    ) -> ApiResult<AgreementPayload> {
        let (s, id, org) = party_step_args(ctx, &input.agreement_id, &input.organization_id)?;
        payload(domain::add_party(&s.db, &s.actor, id, input.version, org, Utc::now()).await)
    }

    /// Removes a party from a DRAFT (EDITOR of the initiator); the
    /// initiator cannot be removed.
    async fn remove_agreement_party(
        &self,
        ctx: &Context<'_>,
        input: AgreementPartyInput,
    ) -> ApiResult<AgreementPayload> {
        let (s, id, org) = party_step_args(ctx, &input.agreement_id, &input.organization_id)?;
        payload(domain::remove_party(&s.db, &s.actor, id, input.version, org, Utc::now()).await)
    }

    /// Sends a DRAFT to its parties for signature (EDITOR of the
    /// initiator): it becomes PROPOSED.
    async fn propose_agreement(
        &self,
        ctx: &Context<'_>,
        input: ProposeAgreementInput,
    ) -> ApiResult<AgreementPayload> {
        let s = state(ctx)?;
        let id = agreement_id(&input.agreement_id)?;
        payload(domain::propose(&s.db, &s.actor, id, input.version, Utc::now()).await)
    }

    /// Signs a PROPOSED agreement for one party (its ADMIN or OWNER). When
    /// the last party signs, the agreement becomes ACTIVE.
    async fn sign_agreement(
        &self,
        ctx: &Context<'_>,
        input: SignAgreementInput,
    ) -> ApiResult<AgreementPayload> {
        let (s, id, org) = party_step_args(ctx, &input.agreement_id, &input.organization_id)?;
        payload(domain::sign(&s.db, &s.actor, id, org, &input.signatory, Utc::now()).await)
    }

    /// Declines a PROPOSED agreement for one party that has not signed (its
    /// ADMIN or OWNER): the agreement becomes DECLINED.
    async fn decline_agreement(
        &self,
        ctx: &Context<'_>,
        input: DeclineAgreementInput,
    ) -> ApiResult<AgreementPayload> {
        let (s, id, org) = party_step_args(ctx, &input.agreement_id, &input.organization_id)?;
        payload(domain::decline(&s.db, &s.actor, id, org, Utc::now()).await)
    }

    /// Takes back a DRAFT or PROPOSED agreement (ADMIN or OWNER of the
    /// initiator): it becomes WITHDRAWN.
    async fn withdraw_agreement(
        &self,
        ctx: &Context<'_>,
        input: WithdrawAgreementInput,
    ) -> ApiResult<AgreementPayload> {
        let s = state(ctx)?;
        let id = agreement_id(&input.agreement_id)?;
        payload(domain::withdraw(&s.db, &s.actor, id, Utc::now()).await)
    }

    /// Ends an ACTIVE agreement early for one party (its ADMIN or OWNER),
    /// with a reason: it becomes TERMINATED.
    async fn terminate_agreement(
        &self,
        ctx: &Context<'_>,
        input: TerminateAgreementInput,
    ) -> ApiResult<AgreementPayload> {
        let (s, id, org) = party_step_args(ctx, &input.agreement_id, &input.organization_id)?;
        payload(domain::terminate(&s.db, &s.actor, id, org, &input.reason, Utc::now()).await)
    }
}

//! Registering organizations and editing their profile. `createOrganization`
//! makes the caller the new organization's OWNER; `updateOrganization`
//! carries the `version` read. A fiscal code with a wrong check digit is an
//! `INVALID_INPUT` user error on `fiscalCode`; a slug or fiscal code already
//! used is a `TAKEN` user error on that field.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::Utc;

use super::{
    context::state,
    enums::OrganizationKind,
    error::ApiResult,
    ids::{self, NodeKind},
    mutation::{Payload, Subject},
    organizations::Organization,
};
use crate::domain::organization_profiles::{self as domain, NewOrganization, ProfileChanges};

/// Input of `createOrganization`.
#[derive(InputObject)]
pub struct CreateOrganizationInput {
    /// Official name. At most 300 characters; one line.
    pub name: String,
    /// URL handle (lower-case letters, digits, dashes); made from the name
    /// when left out. At most 80 characters; one line.
    pub slug: Option<String>,
    /// Kind of body.
    pub kind: OrganizationKind,
    /// Romanian fiscal code (CIF), with or without "RO"; the check digit is
    /// verified. At most 20 characters; one line.
    pub fiscal_code: Option<String>,
    /// County (județ). At most 100 characters; one line.
    pub county: Option<String>,
    /// Locality. At most 200 characters; one line.
    pub locality: Option<String>,
    /// Public website (http:// or https://). At most 2000 characters; one
    /// line.
    pub website: Option<String>,
    /// Public contact e-mail. At most 254 characters; one line.
    pub contact_email: Option<String>,
    /// Short presentation. At most 10000 characters; line breaks allowed.
    pub description: Option<String>,
}

/// Input of `updateOrganization`: fields left out stay as they are; `null`
/// clears an optional one.
#[derive(InputObject)]
pub struct UpdateOrganizationInput {
    /// The organization.
    pub organization_id: ID,
    /// The `version` read; a stale one is a CONFLICT user error.
    pub version: i32,
    /// New official name. At most 300 characters; one line.
    pub name: Option<String>,
    /// New slug. At most 80 characters; one line.
    pub slug: Option<String>,
    /// New kind.
    pub kind: Option<OrganizationKind>,
    /// New fiscal code (null clears it). At most 20 characters; one line.
    pub fiscal_code: MaybeUndefined<String>,
    /// New county (null clears it). At most 100 characters; one line.
    pub county: MaybeUndefined<String>,
    /// New locality (null clears it). At most 200 characters; one line.
    pub locality: MaybeUndefined<String>,
    /// New website (null clears it). At most 2000 characters; one line.
    pub website: MaybeUndefined<String>,
    /// New contact e-mail (null clears it). At most 254 characters; one
    /// line.
    pub contact_email: MaybeUndefined<String>,
    /// New presentation (null clears it). At most 10000 characters; line
    /// breaks allowed.
    pub description: MaybeUndefined<String>,
}

/// Result of `createOrganization` and `updateOrganization`.
pub type OrganizationPayload = Payload<Organization>;

impl Subject for Organization {
    const PAYLOAD: &'static str = "OrganizationPayload";
    const PAYLOAD_DOC: &'static str = "Result of `createOrganization` and `updateOrganization`.";
    const FIELD: &'static str = "organization";
    const FIELD_DOC: &'static str = "The organization as saved.";
}

/// `Some(None)` for an explicit null, `None` when left out.
pub fn change<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

/// Mutations about organizations.
#[derive(Default)]
pub struct OrganizationMutation;

#[Object]
impl OrganizationMutation {
    /// Registers an organization; you become its OWNER (people only, not
    /// API tokens).
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganizationInput,
    ) -> ApiResult<OrganizationPayload> {
        let s = state(ctx)?;
        let new = NewOrganization {
            name: input.name,
            slug: input.slug,
            kind: input.kind.into(),
            fiscal_code: input.fiscal_code,
            county: input.county,
            locality: input.locality,
            website: input.website,
            contact_email: input.contact_email,
            description: input.description,
        };
        let result = domain::create(&s.db, &s.actor, new, Utc::now()).await;
        Payload::of(result, Organization)
    }

    /// Edits an organization's public profile (EDITOR).
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        input: UpdateOrganizationInput,
    ) -> ApiResult<OrganizationPayload> {
        let s = state(ctx)?;
        let id = ids::decode(
            &input.organization_id,
            NodeKind::Organization,
            "organizationId",
        )?;
        let changes = ProfileChanges {
            name: input.name,
            slug: input.slug,
            kind: input.kind.map(Into::into),
            fiscal_code: change(input.fiscal_code),
            county: change(input.county),
            locality: change(input.locality),
            website: change(input.website),
            contact_email: change(input.contact_email),
            description: change(input.description),
        };
        let result = domain::update(&s.db, &s.actor, id, input.version, changes, Utc::now()).await;
        Payload::of(result, Organization)
    }
}

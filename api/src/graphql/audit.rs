//! The audit log's GraphQL face: `Organization.auditLog` for its ADMINs.

use async_graphql::{Context, ID, InputObject, Object};
use entities::{audit_entry, enums::ActorKind};

use super::{
    DateRangeInput,
    accounts::User,
    connection::{Conn, connection, page_args},
    context::state,
    error::ApiResult,
    ids::{self, NodeKind},
    scalars::DateTime,
};
use crate::domain::{
    audit::{self, AuditFilter},
    input::filter_text,
};

/// One audited change.
pub struct AuditEntry(pub audit_entry::Model);

#[Object]
impl AuditEntry {
    /// Position in the organization's hash chain, from 1 (entries written
    /// before each organization had its own chain keep their place in the
    /// one chain shared then).
    async fn sequence(&self) -> i64 {
        self.0.sequence
    }
    /// What was done (`agreement.sign`, `member.invite`, ...).
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The record's type.
    async fn entity(&self) -> &str {
        &self.0.entity
    }
    /// The record's global ID.
    async fn entity_id(&self) -> ID {
        let kind = ids::NodeKind::from_name(&self.0.entity);
        match kind {
            Some(kind) => ids::encode(kind, self.0.entity_id),
            None => ID(self.0.entity_id.to_string()),
        }
    }
    /// `USER`, `API_TOKEN`, `OPERATOR` or `SYSTEM`.
    async fn actor_kind(&self) -> &'static str {
        match self.0.actor_kind {
            ActorKind::User => "USER",
            ActorKind::ApiToken => "API_TOKEN",
            ActorKind::Operator => "OPERATOR",
            ActorKind::System => "SYSTEM",
        }
    }
    /// The person who acted, if one did.
    async fn actor(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        let Some(id) = self.0.actor_user_id else {
            return Ok(None);
        };
        Ok(state(ctx)?.loaders.user().load_one(id).await?.map(User))
    }
    /// The API token that acted, if one did.
    async fn api_token_id(&self) -> Option<ID> {
        self.0
            .actor_token_id
            .map(|id| ids::encode(NodeKind::ApiToken, id))
    }
    /// The record before, as JSON text.
    async fn before(&self) -> Option<&str> {
        self.0.before.as_deref()
    }
    /// The record after, as JSON text.
    async fn after(&self) -> Option<&str> {
        self.0.after.as_deref()
    }
    /// When.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// SHA-256 of this entry and its predecessor's hash in the chain.
    async fn hash(&self) -> &str {
        &self.0.hash
    }
}

/// Which audit entries to list.
#[derive(InputObject, Default)]
pub struct AuditLogFilter {
    /// Only entries about this record type (`Agreement`, `Membership`, ...).
    /// At most 200 characters; one line.
    pub entity: Option<String>,
    /// Only entries about this record.
    pub entity_id: Option<ID>,
    /// Only entries by this person.
    pub actor_id: Option<ID>,
    /// Only entries on these days.
    pub created: Option<DateRangeInput>,
}

/// The audit log of `organization`, newest first (ADMIN).
pub async fn audit_log(
    ctx: &Context<'_>,
    organization: i64,
    filter: Option<AuditLogFilter>,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> ApiResult<Conn<AuditEntry>> {
    let s = state(ctx)?;
    let args = page_args(ctx, first, after, last, before);
    let f = filter.unwrap_or_default();
    let entity_id = match &f.entity_id {
        Some(id) => Some(ids::decode_any(id)?.1),
        None => None,
    };
    let filter = AuditFilter {
        entity: filter_text("filter.entity", f.entity.as_deref())?,
        entity_id,
        actor_user_id: ids::decode_opt(f.actor_id.as_ref(), NodeKind::User, "actorId")?,
        created: DateRangeInput::to_domain(f.created, "created")?,
    };
    let page = audit::list(&s.db, &s.actor, organization, &filter, args, s.limits).await?;
    Ok(connection(page, AuditEntry))
}

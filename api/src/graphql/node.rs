//! The Relay `Node` interface and `node(id:)` / `nodes(ids:)`.

use async_graphql::{Context, ID, Interface, Object};

use super::{
    activities::Activity,
    agreements::Agreement,
    context::{RequestState, state},
    documents::{Document, DocumentVersion},
    error::{ApiError, ApiResult},
    ids::{self, NodeKind},
    organizations::Organization,
    results::{Indicator, Project},
};

/// Anything with a global ID that `node(id:)` can fetch again.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global, opaque ID."))]
pub enum Node {
    /// An organization.
    Organization(Organization),
    /// An agreement.
    Agreement(Agreement),
    /// A document.
    Document(Document),
    /// A document version.
    DocumentVersion(DocumentVersion),
    /// An activity.
    Activity(Activity),
    /// A funded project.
    Project(Project),
    /// A result indicator.
    Indicator(Indicator),
}

/// A root query's record: `loaded` shown as `wrap` gives it, or NOT_FOUND
/// naming `entity` when there is none (or it is not visible).
pub fn found<M, T>(
    loaded: Option<M>,
    wrap: impl FnOnce(M) -> T,
    entity: &'static str,
) -> ApiResult<Option<T>> {
    loaded.map(wrap).map(Some).ok_or(ApiError::NotFound(entity))
}

/// The record `kind` `id` as `node(id:)` gives it: none when it does not
/// exist or the caller may not see it.
pub async fn fetch(state: &RequestState, kind: NodeKind, id: i64) -> ApiResult<Option<Node>> {
    let l = &state.loaders;
    Ok(match kind {
        NodeKind::Organization => l
            .organization()
            .load_one(id)
            .await?
            .map(|m| Node::Organization(Organization(m))),
        NodeKind::Agreement => l
            .agreement()
            .load_one(id)
            .await?
            .map(|m| Node::Agreement(Agreement(m))),
        NodeKind::Document => l
            .document()
            .load_one(id)
            .await?
            .map(|m| Node::Document(Document(m))),
        NodeKind::DocumentVersion => l
            .document_version()
            .load_one(id)
            .await?
            .map(|m| Node::DocumentVersion(DocumentVersion(m))),
        NodeKind::Activity => l
            .activity()
            .load_one(id)
            .await?
            .map(|m| Node::Activity(Activity(m))),
        NodeKind::Project => l
            .project()
            .load_one(id)
            .await?
            .map(|m| Node::Project(Project(m))),
        NodeKind::Indicator => l
            .indicator()
            .load_one(id)
            .await?
            .map(|m| Node::Indicator(Indicator(m))),
        // People and credentials are reached through `me` and the
        // organization, never by ID alone.
        NodeKind::User | NodeKind::Membership | NodeKind::Invitation | NodeKind::ApiToken => None,
    })
}

/// Root queries by global ID.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any record by global ID; null if it does not exist or is not visible.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Node>> {
        let (kind, id) = ids::decode_any(&id)?;
        fetch(state(ctx)?, kind, id).await
    }

    /// Several records by global ID, in the same order; null where one does
    /// not exist or is not visible. At most the page-size limit of IDs.
    #[graphql(complexity = "super::connection::list_cost(ids.len(), child_complexity)")]
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> ApiResult<Vec<Option<Node>>> {
        let state = state(ctx)?;
        if ids.len() as u64 > state.limits.max_size {
            return Err(ApiError::bad_input(
                "ids",
                format!("at most {} IDs at once", state.limits.max_size),
            ));
        }
        let decoded = ids
            .iter()
            .map(|id| ids::decode_any(id))
            .collect::<Result<Vec<_>, _>>()?;
        let lookups = decoded.into_iter().map(|(kind, id)| fetch(state, kind, id));
        futures::future::try_join_all(lookups).await
    }
}

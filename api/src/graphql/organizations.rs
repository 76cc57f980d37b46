//! Organizations in GraphQL: the type, its lists, and the root queries.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use entities::organization;

use super::{
    activities::Activity,
    agreements::Agreement,
    connection::{Conn, child_connection, connection, page_args},
    context::{RequestState, state},
    documents::Document,
    enums::{ListOrder, OrderDirection, OrganizationKind, sort_of, to_db},
    error::{ApiError, ApiResult},
    ids::{self, NodeKind},
    inline::Inline,
    node::found,
    results::Project,
    scalars::DateTime,
};
use crate::domain::{
    input::{filter_list, filter_texts, search_term},
    organizations::{self as domain, OrganizationFilter as Filter, OrganizationSort},
    search::Ranking,
};

/// A municipality, county council, central institution or NGO.
#[derive(Clone)]
pub struct Organization(pub organization::Model);

impl Organization {
    /// The organization a record refers to (owner, initiator, party...).
    /// Organizations are public and foreign keys keep the reference valid,
    /// so a miss is a data bug: INTERNAL.
    pub async fn referenced(state: &RequestState, id: i64) -> ApiResult<Inline<Self>> {
        state
            .loaders
            .organization()
            .load_one(id)
            .await?
            .map(|model| Inline(Organization(model)))
            .ok_or_else(|| {
                ApiError::Internal(format!("organization {id} is referenced but missing"))
            })
    }
}

#[Object]
impl Organization {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::Organization, self.0.id)
    }
    /// Every change made within the organization, newest first, as a
    /// hash-chained log; for its ADMINs and OWNERs.
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, last), child_complexity)"
    )]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<super::audit::AuditLogFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<super::connection::Conn<super::audit::AuditEntry>> {
        super::audit::audit_log(ctx, self.0.id, filter, first, after, last, before).await
    }
    /// The organization's members and their roles; for its members only.
    async fn members(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::accounts::Membership>> {
        super::accounts::members_of(state(ctx)?, self.0.id).await
    }
    /// Open invitations; for its ADMINs and OWNERs.
    async fn invitations(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::accounts::Invitation>> {
        super::accounts::invitations_of(state(ctx)?, self.0.id).await
    }
    /// API tokens, revoked and expired ones included; for its ADMINs and
    /// OWNERs.
    async fn api_tokens(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::accounts::ApiToken>> {
        super::accounts::api_tokens_of(state(ctx)?, self.0.id).await
    }
    /// URL-safe unique handle, e.g. "municipiul-lugoj".
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Official name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Kind of body.
    async fn kind(&self) -> OrganizationKind {
        self.0.kind.into()
    }
    /// Romanian fiscal code (CIF), digits only.
    async fn fiscal_code(&self) -> Option<&str> {
        self.0.fiscal_code.as_deref()
    }
    /// County (județ).
    async fn county(&self) -> Option<&str> {
        self.0.county.as_deref()
    }
    /// Locality.
    async fn locality(&self) -> Option<&str> {
        self.0.locality.as_deref()
    }
    /// Public website.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// Public contact email.
    async fn contact_email(&self) -> Option<&str> {
        self.0.contact_email.as_deref()
    }
    /// Short presentation.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// When the record was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Version for optimistic concurrency (`updateOrganization`).
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Agreements this organization is a party to, newest first.
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, last), child_complexity)"
    )]
    async fn agreements(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Agreement>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before);
        child_connection(
            state,
            state.loaders.organization_agreements(),
            self.0.id,
            args,
            Agreement,
        )
        .await
    }

    /// Documents this organization owns, newest first.
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
            state.loaders.organization_documents(),
            self.0.id,
            args,
            Document,
        )
        .await
    }

    /// Activities this organization (co-)organizes, newest first.
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
            state.loaders.organization_activities(),
            self.0.id,
            args,
            Activity,
        )
        .await
    }

    /// Funded projects of which this organization is the beneficiary.
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, last), child_complexity)"
    )]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Project>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before);
        child_connection(
            state,
            state.loaders.organization_projects(),
            self.0.id,
            args,
            Project,
        )
        .await
    }
}

/// Filters for `organizations`.
#[derive(InputObject, Default)]
pub struct OrganizationFilter {
    /// Only these kinds (at most 100 entries).
    pub kinds: Option<Vec<OrganizationKind>>,
    /// Only these counties (exact names, e.g. "Timiș"; at most 100 entries
    /// of at most 200 characters).
    pub counties: Option<Vec<String>>,
}

/// What `organizations` can be sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum OrganizationOrderField {
    /// By name.
    #[default]
    Name,
    /// By creation time.
    CreatedAt,
    /// By relevance to `search` (required with it), best first whatever
    /// the direction.
    Relevance,
}

/// Sort order for `organizations`.
#[derive(InputObject)]
pub struct OrganizationOrder {
    /// Field to sort by.
    pub field: OrganizationOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl ListOrder for OrganizationOrder {
    type Sort = Ranking<OrganizationSort>;

    fn sort(&self) -> Ranking<OrganizationSort> {
        match self.field {
            OrganizationOrderField::Relevance => Ranking::Relevance,
            OrganizationOrderField::Name => Ranking::Sorted(OrganizationSort::Name),
            OrganizationOrderField::CreatedAt => Ranking::Sorted(OrganizationSort::CreatedAt),
        }
    }

    fn direction(&self) -> OrderDirection {
        self.direction
    }
}

/// Root queries about organizations.
#[derive(Default)]
pub struct OrganizationQuery;

/// Plans what a single organization's selection reaches.
async fn plan_one(ctx: &Context<'_>, state: &RequestState, model: &Option<organization::Model>) {
    if let Some(model) = model {
        super::plan::organizations(state, ctx.look_ahead(), vec![model.clone()]).await;
    }
}

#[Object]
impl OrganizationQuery {
    /// One organization by ID; NOT_FOUND if there is none.
    async fn organization(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Organization>> {
        let state = state(ctx)?;
        let id = ids::decode(&id, NodeKind::Organization, "id")?;
        let model = state.loaders.organization().load_one(id).await?;
        plan_one(ctx, state, &model).await;
        found(model, Organization, "Organization")
    }

    /// One organization by its slug; NOT_FOUND if there is none.
    async fn organization_by_slug(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> ApiResult<Option<Organization>> {
        let state = state(ctx)?;
        let model = domain::by_slug(&state.db, &slug).await?;
        plan_one(ctx, state, &model).await;
        found(model, Organization, "Organization")
    }

    /// Institutions and NGOs, filtered, searched and ordered (by name by
    /// default).
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, last), child_complexity)"
    )]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganizationFilter>,
        #[graphql(
            desc = "Full-text search over name, locality and county, ignoring case and diacritics and matching Romanian word forms (\"corupție\" finds \"corupției\"): words, \"quoted phrases\", -excluded words, OR. At most 200 characters; one line. Order by RELEVANCE to rank the results."
        )]
        search: Option<String>,
        order_by: Option<OrganizationOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Organization>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before);
        let filter = filter.unwrap_or_default();
        let filter = Filter {
            kinds: to_db(filter_list("filter.kinds", filter.kinds)?),
            counties: filter_texts("filter.counties", filter.counties)?,
            search: search_term(search.as_deref())?,
        };
        let (sort, descending) = sort_of(
            order_by,
            Ranking::Sorted(OrganizationSort::Name),
            OrderDirection::Asc,
        );
        let page = domain::list(&state.db, &filter, sort, descending, args, state.limits).await?;
        super::plan::organizations(state, super::plan::nodes(ctx), page.items.clone()).await;
        Ok(connection(page, Organization))
    }
}

//! Agreements in GraphQL: the type, its parties and activities, and the root
//! queries.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use entities::{agreement, agreement_party};

use super::{
    DateRangeInput,
    activities::Activity,
    connection::{Conn, child_connection, connection, page_args},
    context::state,
    documents::Document,
    enums::{
        AgreementKind, AgreementStatus, ListOrder, OrderDirection, Visibility, sort_of, to_db,
    },
    error::ApiResult,
    ids::{self, NodeKind},
    inline::Inline,
    node::found,
    organizations::Organization,
    scalars::{Date, DateTime},
};
use crate::domain::{
    agreements::{self as domain, AgreementFilter as Filter, AgreementSort},
    input::{filter_list, search_term},
    search::Ranking,
};

/// A cooperation agreement between two or more organizations.
#[derive(Clone)]
pub struct Agreement(pub agreement::Model);

#[Object]
impl Agreement {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::Agreement, self.0.id)
    }
    /// Title as written on the agreement.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Legal form.
    async fn kind(&self) -> AgreementKind {
        self.0.kind.into()
    }
    /// Lifecycle state.
    async fn status(&self) -> AgreementStatus {
        self.0.status.into()
    }
    /// What the parties commit to.
    async fn objectives(&self) -> &str {
        &self.0.objectives
    }
    /// First day in force.
    async fn start_date(&self) -> Option<Date> {
        self.0.start_date.map(Date)
    }
    /// Last day in force.
    async fn end_date(&self) -> Option<Date> {
        self.0.end_date.map(Date)
    }
    /// Who may see it.
    async fn visibility(&self) -> Visibility {
        self.0.visibility.into()
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Why a party ended it early (TERMINATED agreements only).
    async fn termination_reason(&self) -> Option<&str> {
        self.0.termination_reason.as_deref()
    }
    /// When the record was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When the record last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// The organization that drafted it.
    async fn initiator(&self, ctx: &Context<'_>) -> ApiResult<Inline<Organization>> {
        Organization::referenced(state(ctx)?, self.0.initiator_id).await
    }

    /// The parties, initiator first, with their signatures.
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, last), child_complexity)"
    )]
    async fn parties(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<AgreementParty>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before);
        child_connection(
            state,
            state.loaders.agreement_parties(),
            self.0.id,
            args,
            AgreementParty,
        )
        .await
    }

    /// Joint activities implementing this agreement, newest first.
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
            state.loaders.agreement_activities(),
            self.0.id,
            args,
            Activity,
        )
        .await
    }

    /// Documents linked to the agreement (the signed text, annexes), by
    /// title: only those you may see.
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
            state.loaders.agreement_documents(),
            self.0.id,
            args,
            Document,
        )
        .await
    }
}

/// One organization's place in an agreement.
#[derive(Clone)]
pub struct AgreementParty(pub agreement_party::Model);

#[Object]
impl AgreementParty {
    /// The party.
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Inline<Organization>> {
        Organization::referenced(state(ctx)?, self.0.organization_id).await
    }
    /// When this party signed.
    async fn signed_at(&self) -> Option<DateTime> {
        self.0.signed_at.map(DateTime)
    }
    /// Who signed for the party (name and office).
    async fn signatory(&self) -> Option<&str> {
        self.0.signatory.as_deref()
    }
    /// When this party declined.
    async fn declined_at(&self) -> Option<DateTime> {
        self.0.declined_at.map(DateTime)
    }
    /// Whether this party has signed.
    async fn has_signed(&self) -> bool {
        self.0.signed_at.is_some()
    }
}

/// Filters for `agreements`.
#[derive(InputObject, Default)]
pub struct AgreementFilter {
    /// Only these lifecycle states (at most 100 entries).
    pub statuses: Option<Vec<AgreementStatus>>,
    /// Only these legal forms (at most 100 entries).
    pub kinds: Option<Vec<AgreementKind>>,
    /// Only agreements this organization is a party to.
    pub party_id: Option<ID>,
    /// Only agreements this organization initiated.
    pub initiator_id: Option<ID>,
    /// Start date within this range.
    pub start_date: Option<DateRangeInput>,
    /// End date within this range.
    pub end_date: Option<DateRangeInput>,
}

/// What `agreements` can be sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AgreementOrderField {
    /// By creation time.
    CreatedAt,
    /// By title.
    Title,
    /// By start date (undated last).
    StartDate,
    /// By end date (undated last).
    EndDate,
    /// By relevance to `search` (required with it), best first whatever
    /// the direction.
    Relevance,
}

/// Sort order for `agreements`.
#[derive(InputObject)]
pub struct AgreementOrder {
    /// Field to sort by.
    pub field: AgreementOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl ListOrder for AgreementOrder {
    type Sort = Ranking<AgreementSort>;

    fn sort(&self) -> Ranking<AgreementSort> {
        match self.field {
            AgreementOrderField::Relevance => Ranking::Relevance,
            AgreementOrderField::CreatedAt => Ranking::Sorted(AgreementSort::CreatedAt),
            AgreementOrderField::Title => Ranking::Sorted(AgreementSort::Title),
            AgreementOrderField::StartDate => Ranking::Sorted(AgreementSort::StartDate),
            AgreementOrderField::EndDate => Ranking::Sorted(AgreementSort::EndDate),
        }
    }

    fn direction(&self) -> OrderDirection {
        self.direction
    }
}

/// Root queries about agreements.
#[derive(Default)]
pub struct AgreementQuery;

#[Object]
impl AgreementQuery {
    /// One agreement by ID; NOT_FOUND if there is none or it is not visible.
    async fn agreement(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Agreement>> {
        let state = state(ctx)?;
        let id = ids::decode(&id, NodeKind::Agreement, "id")?;
        found(
            state.loaders.agreement().load_one(id).await?,
            Agreement,
            "Agreement",
        )
    }

    /// Agreements, filtered, searched and ordered (newest first by default).
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, last), child_complexity)"
    )]
    async fn agreements(
        &self,
        ctx: &Context<'_>,
        filter: Option<AgreementFilter>,
        #[graphql(
            desc = "Full-text search over title and objectives, ignoring case and diacritics and matching Romanian word forms (\"corupție\" finds \"corupției\"): words, \"quoted phrases\", -excluded words, OR. At most 200 characters; one line. Order by RELEVANCE to rank the results."
        )]
        search: Option<String>,
        order_by: Option<AgreementOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Agreement>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before);
        let f = filter.unwrap_or_default();
        let filter = Filter {
            statuses: to_db(filter_list("filter.statuses", f.statuses)?),
            kinds: to_db(filter_list("filter.kinds", f.kinds)?),
            party_id: ids::decode_opt(f.party_id.as_ref(), NodeKind::Organization, "partyId")?,
            initiator_id: ids::decode_opt(
                f.initiator_id.as_ref(),
                NodeKind::Organization,
                "initiatorId",
            )?,
            start_date: DateRangeInput::to_domain(f.start_date, "startDate")?,
            end_date: DateRangeInput::to_domain(f.end_date, "endDate")?,
            search: search_term(search.as_deref())?,
        };
        let (sort, descending) = sort_of(
            order_by,
            Ranking::Sorted(AgreementSort::CreatedAt),
            OrderDirection::Desc,
        );
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
        super::plan::agreements(state, super::plan::nodes(ctx), page.items.clone()).await;
        Ok(connection(page, Agreement))
    }
}

//! The root queries about activities: one by ID, and the filtered,
//! searched and ordered list.

use async_graphql::{Context, ID, Object};

use super::{Activity, ActivityFilter, ActivityOrder, ActivityOrderField};
use crate::domain::{
    activities::{self as domain, ActivityFilter as Filter, ActivitySort},
    input::{filter_list, search_term},
    search::Ranking,
};
use crate::graphql::{
    DateRangeInput,
    connection::{Conn, connection, page_args},
    context::state,
    enums::{ListOrder, OrderDirection, sort_of, to_db},
    error::ApiResult,
    ids::{self, NodeKind},
    node::found,
};

impl ListOrder for ActivityOrder {
    type Sort = Ranking<ActivitySort>;

    fn sort(&self) -> Ranking<ActivitySort> {
        match self.field {
            ActivityOrderField::Relevance => Ranking::Relevance,
            ActivityOrderField::StartDate => Ranking::Sorted(ActivitySort::StartDate),
            ActivityOrderField::Title => Ranking::Sorted(ActivitySort::Title),
            ActivityOrderField::CreatedAt => Ranking::Sorted(ActivitySort::CreatedAt),
        }
    }

    fn direction(&self) -> OrderDirection {
        self.direction
    }
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
        found(
            state.loaders.activity().load_one(id).await?,
            Activity,
            "Activity",
        )
    }

    /// Joint activities, filtered, searched and ordered (latest start first
    /// by default).
    #[graphql(
        complexity = "crate::graphql::connection::list_cost(crate::graphql::connection::page_weight(first, last), child_complexity)"
    )]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActivityFilter>,
        #[graphql(
            desc = "Full-text search over title, description and place, ignoring case and diacritics and matching Romanian word forms (\"corupție\" finds \"corupției\"): words, \"quoted phrases\", -excluded words, OR. At most 200 characters; one line. Order by RELEVANCE to rank the results."
        )]
        search: Option<String>,
        order_by: Option<ActivityOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Activity>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before);
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
        let (sort, descending) = sort_of(
            order_by,
            Ranking::Sorted(ActivitySort::StartDate),
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
        crate::graphql::plan::activities(
            state,
            crate::graphql::plan::nodes(ctx),
            page.items.clone(),
        )
        .await;
        Ok(connection(page, Activity))
    }
}

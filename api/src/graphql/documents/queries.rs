//! The root queries about documents: one by ID, and the filtered,
//! searched and ordered list.

use async_graphql::{Context, ID, Object};

use super::{Document, DocumentFilter, DocumentOrder, DocumentOrderField};
use crate::domain::{
    documents::{self as domain, DocumentFilter as Filter, DocumentSort},
    input::{filter_list, filter_texts, search_term},
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

impl ListOrder for DocumentOrder {
    type Sort = Ranking<DocumentSort>;

    fn sort(&self) -> Ranking<DocumentSort> {
        match self.field {
            DocumentOrderField::Relevance => Ranking::Relevance,
            DocumentOrderField::CreatedAt => Ranking::Sorted(DocumentSort::CreatedAt),
            DocumentOrderField::Title => Ranking::Sorted(DocumentSort::Title),
            DocumentOrderField::PublishedOn => Ranking::Sorted(DocumentSort::PublishedOn),
        }
    }

    fn direction(&self) -> OrderDirection {
        self.direction
    }
}

/// Root queries about documents.
#[derive(Default)]
pub struct DocumentQuery;

#[Object]
impl DocumentQuery {
    /// One document by ID; NOT_FOUND if there is none or it is not visible.
    async fn document(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Document>> {
        let state = state(ctx)?;
        let id = ids::decode(&id, NodeKind::Document, "id")?;
        found(
            state.loaders.document().load_one(id).await?,
            Document,
            "Document",
        )
    }

    /// Shared documents, filtered, searched and ordered (newest first by
    /// default).
    #[graphql(
        complexity = "crate::graphql::connection::list_cost(crate::graphql::connection::page_weight(first, last), child_complexity)"
    )]
    async fn documents(
        &self,
        ctx: &Context<'_>,
        filter: Option<DocumentFilter>,
        #[graphql(
            desc = "Full-text search over title, tags, summary and the newest file's text, ignoring case and diacritics and matching Romanian word forms (\"corupție\" finds \"corupției\"): words, \"quoted phrases\", -excluded words, OR. At most 200 characters; one line. Order by RELEVANCE to rank the results."
        )]
        search: Option<String>,
        order_by: Option<DocumentOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Document>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before);
        let f = filter.unwrap_or_default();
        let filter = Filter {
            kinds: to_db(filter_list("filter.kinds", f.kinds)?),
            languages: filter_texts("filter.languages", f.languages)?,
            owner_id: ids::decode_opt(f.owner_id.as_ref(), NodeKind::Organization, "ownerId")?,
            tags: filter_texts("filter.tags", f.tags)?,
            published_on: DateRangeInput::to_domain(f.published_on, "publishedOn")?,
            search: search_term(search.as_deref())?,
        };
        let (sort, descending) = sort_of(
            order_by,
            Ranking::Sorted(DocumentSort::CreatedAt),
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
        crate::graphql::plan::documents(
            state,
            crate::graphql::plan::nodes(ctx),
            page.items.clone(),
        )
        .await;
        Ok(connection(page, Document))
    }
}

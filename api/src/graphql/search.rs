//! The root `search`: one ranked connection over organizations,
//! agreements, documents and activities, each hit with the passage that
//! matched. The ranking, the visibility rule and the snippets are the
//! domain's ([`global_search`]); this file only names them in GraphQL.

use async_graphql::{Context, Enum, Object, SimpleObject, Union};

use super::{
    activities::Activity,
    agreements::Agreement,
    connection::{Conn, connection, page_args},
    context::state,
    documents::Document,
    error::ApiResult,
    organizations::Organization,
};
use crate::domain::{
    global_search::{self, Hit},
    input::fields,
    search::{self, SearchQuery},
};

/// The kinds of record `search` covers.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum SearchKind {
    /// Organizations (name, locality, county, description).
    Organization,
    /// Agreements (title, objectives).
    Agreement,
    /// Documents (title, tags, summary, the newest file's text).
    Document,
    /// Activities (title, description, place).
    Activity,
}

impl From<SearchKind> for global_search::SearchKind {
    fn from(kind: SearchKind) -> Self {
        match kind {
            SearchKind::Organization => Self::Organization,
            SearchKind::Agreement => Self::Agreement,
            SearchKind::Document => Self::Document,
            SearchKind::Activity => Self::Activity,
        }
    }
}

/// A record `search` found.
#[derive(Union)]
pub enum SearchResult {
    /// An organization.
    Organization(Organization),
    /// An agreement.
    Agreement(Agreement),
    /// A document.
    Document(Document),
    /// An activity.
    Activity(Activity),
}

/// A piece of a snippet: text, marked when it is a word searched for.
#[derive(SimpleObject)]
pub struct SnippetPart {
    /// The text.
    pub text: String,
    /// Whether it is a word the search looked for (show it highlighted).
    pub highlighted: bool,
}

/// The passage of a record that matched, cut around the first match
/// ("…" where it was cut), as parts so that no client has to parse markup.
#[derive(SimpleObject)]
pub struct Snippet {
    /// The passage, in order.
    pub parts: Vec<SnippetPart>,
}

impl From<search::Snippet> for Snippet {
    fn from(snippet: search::Snippet) -> Self {
        Self {
            parts: snippet
                .parts
                .into_iter()
                .map(|p| SnippetPart {
                    text: p.text,
                    highlighted: p.highlighted,
                })
                .collect(),
        }
    }
}

/// One hit of `search`.
#[derive(SimpleObject)]
pub struct SearchHit {
    /// What was found.
    pub record: SearchResult,
    /// The passage that matched.
    pub snippet: Option<Snippet>,
}

impl From<Hit> for SearchHit {
    fn from(hit: Hit) -> Self {
        let (record, snippet) = match hit {
            Hit::Organization(m, s) => (SearchResult::Organization(Organization(m)), s),
            Hit::Agreement(m, s) => (SearchResult::Agreement(Agreement(m)), s),
            Hit::Document(m, s) => (SearchResult::Document(Document(m)), s),
            Hit::Activity(m, s) => (SearchResult::Activity(Activity(m)), s),
        };
        Self {
            record,
            snippet: snippet.map(Snippet::from),
        }
    }
}

/// The root search.
#[derive(Default)]
pub struct SearchQueryRoot;

#[Object]
impl SearchQueryRoot {
    /// Everything the caller may see that matches `query`, best first:
    /// organizations, agreements, documents (including the text of their
    /// newest file) and activities. Same syntax as the lists' `search`:
    /// words in any inflection and without diacritics, `"quoted phrases"`,
    /// `-excluded` words, `OR`. A cursor is valid only for the same query.
    #[graphql(
        complexity = "crate::graphql::connection::list_cost(crate::graphql::connection::page_weight(first, last), child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for. At most 200 characters; one line.")] query: String,
        #[graphql(desc = "Only these kinds (all when omitted).")] kinds: Option<Vec<SearchKind>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<SearchHit>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before);
        let text = fields::SEARCH_QUERY
            .optional(Some(&query))?
            .unwrap_or_default();
        let query = SearchQuery::parse("query", &text)?.ok_or_else(|| {
            crate::domain::error::DomainError::invalid("query", "give something to search for")
        })?;
        let kinds: Option<Vec<global_search::SearchKind>> =
            kinds.map(|ks| ks.into_iter().map(Into::into).collect());
        let with_snippets = ctx
            .look_ahead()
            .field("edges")
            .field("node")
            .field("snippet")
            .exists()
            || ctx.look_ahead().field("nodes").field("snippet").exists();
        let page = global_search::search_everything(
            &state.db,
            &state.actor,
            &query,
            kinds.as_deref(),
            with_snippets,
            args,
            state.limits,
        )
        .await?;
        Ok(connection(page, SearchHit::from))
    }
}

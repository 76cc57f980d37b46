//! Relay cursor connections built from domain pages, for top-level lists and
//! for the lists inside records (which go through the batched loaders).

use std::borrow::Cow;

use async_graphql::{
    ContainerType, Context, ContextSelectionSet, Object, OutputType, Positioned, ServerResult,
    Value,
    connection::{Connection, CursorType, Edge, EmptyFields},
    parser::types::Field,
    registry::Registry,
};
use sea_orm::{EntityTrait, FromQueryResult};

use super::{
    context::RequestState,
    error::{ApiError, ApiResult},
    inline::{self, Fields, Resolvers},
    loaders::ChildLoaders,
};
use crate::domain::{
    keyset::RowCursor,
    pagination::{Page, PageArgs},
};

/// Page size assumed by the complexity weights when neither `first` nor
/// `last` is given (the default page size).
pub const DEFAULT_WEIGHT: usize = 20;

/// Complexity weight of a list field: its page size. A size past any
/// page size allowed (which the resolver refuses anyway) weighs as
/// [`MAX_WEIGHT`], so `first: 2147483647` cannot overflow the sum.
pub fn page_weight(first: Option<i32>, last: Option<i32>) -> usize {
    let size = match (first, last) {
        (None, None) => DEFAULT_WEIGHT as i64,
        (first, last) => i64::from(first.unwrap_or(0).max(last.unwrap_or(0))),
    };
    usize::try_from(size).unwrap_or(0).clamp(1, MAX_WEIGHT)
}

/// The heaviest page weight: more than any page size allowed.
pub const MAX_WEIGHT: usize = 1_000;

/// The most one field's complexity may be: far over any limit, and small
/// enough that async-graphql's sums of many such fields cannot overflow.
pub const MAX_FIELD_COST: usize = 1 << 32;

/// A list field's complexity: `items` times its children's, saturating at
/// [`MAX_FIELD_COST`] (nested lists multiply; without the cap ten levels of
/// 100 overflow, and in a release build wrap round to a small number).
pub fn list_cost(items: usize, child_complexity: usize) -> usize {
    items.saturating_mul(child_complexity).min(MAX_FIELD_COST)
}

/// A row's cursor, encoded (by the list's
/// [`crate::domain::keyset::SortOrder`]) only when a client selects it.
/// Cursors come back in as plain `after`/`before` strings, which the list
/// checks, so this type is never decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(RowCursor);

impl CursorType for Cursor {
    type Error = &'static str;

    fn decode_cursor(_: &str) -> Result<Self, Self::Error> {
        Err("cursors are read by their list, from the `after`/`before` arguments")
    }

    fn encode_cursor(&self) -> String {
        self.0.encode()
    }
}

/// Fields every connection has besides edges and page info.
pub struct ConnectionTotals {
    /// The count, computed only when `totalCount` was selected.
    total: Option<u64>,
}

#[Object]
impl ConnectionTotals {
    /// Number of records in the whole list (all pages), after filters and
    /// visibility.
    async fn total_count(&self) -> ApiResult<i64> {
        self.total
            .map(|t| i64::try_from(t).unwrap_or(i64::MAX))
            .ok_or_else(|| ApiError::Internal("totalCount selected but not counted".into()))
    }
}

/// async-graphql's connection of `N`: what the schema shows.
type Relay<N> = Connection<Cursor, N, ConnectionTotals, EmptyFields>;

/// The connection type of every list: async-graphql's `Connection` in the
/// schema, resolved in the request's task ([`inline`]): its edges, their
/// nodes and the nodes' own connections, down the whole planned tree.
pub struct Conn<N: OutputType>(Relay<N>);

impl<N: OutputType + ContainerType> OutputType for Conn<N> {
    fn type_name() -> Cow<'static, str> {
        <Relay<N> as OutputType>::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <Relay<N> as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        inline::object(ctx, &ConnectionFields(&self.0)).await
    }
}

/// A connection's fields: `edges` and `nodes` inline, the rest
/// (`pageInfo`, `totalCount`) through async-graphql's own resolvers.
struct ConnectionFields<'a, N: OutputType>(&'a Relay<N>);

impl<N: OutputType + ContainerType> Fields for ConnectionFields<'_, N> {
    async fn field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        let selection = ctx.with_selection_set(&ctx.item.node.selection_set);
        match ctx.item.node.name.node.as_str() {
            "edges" => {
                let edges: Vec<_> = self.0.edges.iter().map(EdgeFields).collect();
                inline::list(&selection, edges).await.map(Some)
            }
            "nodes" => {
                let nodes: Vec<_> = self.0.edges.iter().map(|e| Resolvers(&e.node)).collect();
                inline::list(&selection, nodes).await.map(Some)
            }
            _ => self.0.resolve_field(ctx).await,
        }
    }

    fn type_name(&self) -> Cow<'static, str> {
        <Relay<N> as OutputType>::type_name()
    }
}

/// An edge's fields: `node` inline, `cursor` through async-graphql's
/// resolver (which encodes it only then).
struct EdgeFields<'a, N: OutputType>(&'a Edge<Cursor, N, EmptyFields>);

impl<N: OutputType + ContainerType> Fields for EdgeFields<'_, N> {
    async fn field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        if ctx.item.node.name.node != "node" {
            return self.0.resolve_field(ctx).await;
        }
        let node = ctx.with_selection_set(&ctx.item.node.selection_set);
        inline::object(&node, &Resolvers(&self.0.node))
            .await
            .map(Some)
    }

    fn type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }
}

/// The four Relay arguments (cursors are checked by the list that reads
/// them); `ctx` (the connection field's) tells whether `totalCount` is
/// selected.
pub fn page_args(
    ctx: &async_graphql::Context<'_>,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> PageArgs {
    PageArgs {
        first: first.map(i64::from),
        after,
        last: last.map(i64::from),
        before,
        with_total: ctx.look_ahead().field("totalCount").exists(),
    }
}

/// Turns a domain page into a connection of `N`.
pub fn connection<T, N: OutputType>(page: Page<T>, node: impl Fn(T) -> N) -> Conn<N> {
    let mut conn = Relay::with_additional_fields(
        page.has_previous,
        page.has_next,
        ConnectionTotals { total: page.total },
    );
    conn.edges.extend(
        page.items
            .into_iter()
            .zip(page.cursors)
            .map(|(item, cursor)| Edge::new(Cursor(cursor), node(item))),
    );
    Conn(conn)
}

/// The connection of `parent`'s children through batched loaders: one
/// grouped COUNT (when `totalCount` is selected) and one windowed SELECT
/// for all parents of the same request level.
pub async fn child_connection<E, N>(
    state: &RequestState,
    loaders: &ChildLoaders<E>,
    parent: i64,
    args: PageArgs,
    node: impl Fn(E::Model) -> N,
) -> ApiResult<Conn<N>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync + Clone,
    N: OutputType,
{
    let seek = args.seek(&loaders.order, state.limits)?;
    let total = if args.with_total {
        Some(loaders.count(parent).await?)
    } else {
        None
    };
    let rows = if seek.size == 0 {
        Vec::new()
    } else {
        loaders.page(parent, &seek).await?
    };
    Ok(connection(seek.page(&loaders.order, rows, total), node))
}

#[cfg(test)]
mod tests {
    use super::page_weight;

    #[test]
    fn lists_weigh_their_page_size() {
        assert_eq!(page_weight(Some(100), None), 100);
        assert_eq!(page_weight(None, Some(7)), 7);
        assert_eq!(page_weight(None, None), 20);
        assert_eq!(page_weight(Some(-5), None), 1);
    }
}

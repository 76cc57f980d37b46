//! Paging machinery shared by every list: a top-level page is one SELECT
//! of the next rows past a position (and a COUNT only when the total is
//! asked for); a page of children for many parents at once (what the plan
//! and the DataLoaders ask for) is one SELECT (a LATERAL subquery per parent
//! of an id array on PostgreSQL, `ROW_NUMBER() OVER (PARTITION BY parent
//! ...)` on SQLite)
//! and one grouped COUNT, whatever the number of parents. That
//! is what keeps a request's statement count bounded by its depth.

use std::collections::HashMap;

use sea_orm::{
    ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, JoinType, Order, PaginatorTrait,
    QueryFilter, QuerySelect, QueryTrait, Select,
    sea_query::{
        Alias, Asterisk, ColumnRef, Expr, ExprTrait, Func, Query, SelectStatement, WindowStatement,
    },
};

use super::{
    error::DomainResult,
    id_list,
    keyset::{Position, SortOrder},
    one_of,
    pagination::{Page, PageArgs, PageLimits, Seek},
};

/// Restricts `select` to the rows `seek` bounds and orders it in the
/// direction it walks.
fn sought(select: &mut SelectStatement, order: &SortOrder, seek: &Seek) {
    if let Some(after) = &seek.after {
        select.and_where(order.beyond(after, false));
    }
    if let Some(before) = &seek.before {
        select.and_where(order.beyond(before, true));
    }
    order.select_position(select);
}

/// The statement that fetches the rows `seek` asks for of `select` in
/// `order` (with their positions): what [`paginate`] runs, and what the
/// plan tests check an index serves.
pub fn page_statement<E: EntityTrait>(
    select: Select<E>,
    order: &SortOrder,
    seek: &Seek,
) -> SelectStatement {
    let mut query = select.into_query();
    sought(&mut query, order, seek);
    order.order(&mut query, seek.backward);
    query.limit(seek.fetch());
    query
}

/// Fetches the page `args` asks for, in `order`. Counts the whole result
/// only when the client asked for the total.
pub async fn paginate<E, C>(
    db: &C,
    select: Select<E>,
    order: &SortOrder,
    args: PageArgs,
    limits: PageLimits,
) -> DomainResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
    C: ConnectionTrait,
{
    let seek = args.seek(order, limits)?;
    let total = if args.with_total {
        Some(select.clone().count(db).await?)
    } else {
        None
    };
    if seek.size == 0 {
        return Ok(seek.page(order, Vec::new(), total));
    }
    let query = page_statement(select, order, &seek);
    let mut rows = Vec::new();
    for row in db.query_all(&query).await? {
        rows.push((E::Model::from_query_result(&row, "")?, order.read(&row)?));
    }
    Ok(seek.page(order, rows, total))
}

/// A list of children hanging off many parents: the rows `select` yields
/// (joins and visibility already applied), grouped by the `parent` column.
#[derive(Debug, Clone)]
pub struct ChildQuery<E: EntityTrait> {
    /// The children, not yet restricted to any parent.
    pub select: Select<E>,
    /// The column holding each child's parent id.
    pub parent: ColumnRef,
    /// Order within one parent.
    pub order: SortOrder,
}

impl<E> ChildQuery<E>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
{
    /// Builds a child query on `parent` = (table, column).
    pub fn new(select: Select<E>, parent: (&'static str, &'static str), order: SortOrder) -> Self {
        Self {
            select,
            parent: (Alias::new(parent.0), Alias::new(parent.1)).into(),
            order,
        }
    }

    /// Builds a child query through link table `link`: `link.{child_key}`
    /// is the child's `child_id`, `link.{parent_key}` the parent.
    pub fn through(
        select: Select<E>,
        link: &'static str,
        (child_key, parent_key): (&'static str, &'static str),
        child_id: E::Column,
        order: SortOrder,
    ) -> Self {
        let on = super::column(link, child_key).equals((E::default(), child_id));
        Self::new(
            super::inner_join(select, link, on),
            (link, parent_key),
            order,
        )
    }

    fn parent_expr(&self) -> Expr {
        Expr::col(self.parent.clone())
    }

    fn for_parents(&self, backend: DbBackend, parents: &[i64]) -> Select<E> {
        self.select
            .clone()
            .filter(one_of(backend, self.parent_expr(), parents))
    }

    /// The children of one parent, the `parents."parents"` column of
    /// [`Self::per_parent`].
    fn of_one_parent(&self) -> SelectStatement {
        let parent = (Alias::new("parents"), Alias::new("parents"));
        self.select
            .clone()
            .filter(self.parent_expr().equals(parent))
            .into_query()
    }

    /// PostgreSQL: `child` (built on [`Self::of_one_parent`]) run once per
    /// parent, `FROM unnest($1) parents CROSS JOIN LATERAL (child)`, each
    /// run reaching its own rows through the parent's index, in parent
    /// order then `then` (a column of `child`). The planner does not turn
    /// a window or a sort over `parent IN (…)` into that on small tables:
    /// it scans and sorts them.
    fn per_parent(parents: &[i64], child: SelectStatement, then: &str) -> SelectStatement {
        let mut outer = Query::select();
        outer
            .column((Alias::new("paged"), Asterisk))
            .expr_as(
                Expr::col((Alias::new("parents"), Alias::new("parents"))),
                Alias::new("__parent"),
            )
            .from_function(
                Func::cust(Alias::new("unnest")).arg(Expr::cust_with_expr(
                    "CAST($1 AS bigint[])",
                    id_list(parents),
                )),
                Alias::new("parents"),
            )
            .join_lateral(
                JoinType::InnerJoin,
                child,
                Alias::new("paged"),
                Expr::cust("TRUE"),
            )
            .order_by(Alias::new("__parent"), Order::Asc)
            .order_by(Alias::new(then), Order::Asc);
        outer
    }

    /// How many children each parent has (parents with none are absent).
    pub async fn count_by_parent<C: ConnectionTrait>(
        &self,
        db: &C,
        parents: &[i64],
    ) -> DomainResult<HashMap<i64, u64>> {
        let rows: Vec<(i64, i64)> = self
            .for_parents(db.get_database_backend(), parents)
            .select_only()
            .column_as(self.parent_expr(), "parent_id")
            .column_as(Expr::col(Asterisk).count(), "n")
            .group_by(self.parent_expr())
            .into_tuple()
            .all(db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(p, n)| (p, u64::try_from(n).unwrap_or(0)))
            .collect())
    }

    /// The rows `seek` asks for of each parent's ordered children (at most
    /// `seek.fetch()` each, in walking order, with their positions), in
    /// one statement for all `parents`.
    pub async fn seek_by_parent<C: ConnectionTrait>(
        &self,
        db: &C,
        parents: &[i64],
        seek: &Seek,
    ) -> DomainResult<HashMap<i64, Vec<(E::Model, Position)>>> {
        let mut out: HashMap<i64, Vec<(E::Model, Position)>> = HashMap::new();
        if parents.is_empty() {
            return Ok(out);
        }
        let statement = match db.get_database_backend() {
            DbBackend::Postgres => self.lateral_pages(parents, seek),
            _ => self.windowed_pages(parents, seek),
        };
        for row in db.query_all(&statement).await? {
            let parent: i64 = row.try_get("", "__parent")?;
            let model = E::Model::from_query_result(&row, "")?;
            out.entry(parent)
                .or_default()
                .push((model, self.order.read(&row)?));
        }
        Ok(out)
    }

    /// PostgreSQL: the page of each parent as a LATERAL subquery
    /// ([`Self::per_parent`]).
    fn lateral_pages(&self, parents: &[i64], seek: &Seek) -> SelectStatement {
        let mut page = self.of_one_parent();
        sought(&mut page, &self.order, seek);
        let mut rank = WindowStatement::new();
        self.order.order_window(&mut rank, seek.backward);
        page.expr_window_as(Expr::cust("ROW_NUMBER()"), rank, Alias::new("__rn"));
        self.order.order(&mut page, seek.backward);
        page.limit(seek.fetch());
        Self::per_parent(parents, page, "__rn")
    }

    /// Elsewhere (SQLite has no LATERAL): `ROW_NUMBER() OVER (PARTITION BY
    /// parent …)` over all the parents' children, cut at the page size.
    fn windowed_pages(&self, parents: &[i64], seek: &Seek) -> SelectStatement {
        let mut inner = self.for_parents(DbBackend::Sqlite, parents).into_query();
        sought(&mut inner, &self.order, seek);
        inner.expr_as(self.parent_expr(), Alias::new("__parent"));
        let mut window = WindowStatement::partition_by(self.parent.clone());
        self.order.order_window(&mut window, seek.backward);
        inner.expr_window_as(Expr::cust("ROW_NUMBER()"), window, Alias::new("__rn"));
        let mut outer = Query::select();
        outer
            .column(Asterisk)
            .from_subquery(inner, Alias::new("paged"))
            .and_where(Expr::col(Alias::new("__rn")).lte(seek.fetch() as i64))
            .order_by(Alias::new("__parent"), Order::Asc)
            .order_by(Alias::new("__rn"), Order::Asc);
        outer
    }

    /// Every child of each parent, in order (for short lists).
    pub async fn all_by_parent<C: ConnectionTrait>(
        &self,
        db: &C,
        parents: &[i64],
    ) -> DomainResult<HashMap<i64, Vec<E::Model>>> {
        let mut out: HashMap<i64, Vec<E::Model>> = HashMap::new();
        if parents.is_empty() {
            return Ok(out);
        }
        let statement = match db.get_database_backend() {
            DbBackend::Postgres => {
                let mut children = self.of_one_parent();
                let mut rank = WindowStatement::new();
                self.order.order_window(&mut rank, false);
                children.expr_window_as(Expr::cust("ROW_NUMBER()"), rank, Alias::new("__rn"));
                Self::per_parent(parents, children, "__rn")
            }
            backend => {
                let mut query = self.for_parents(backend, parents).into_query();
                query.expr_as(self.parent_expr(), Alias::new("__parent"));
                query.order_by_expr(self.parent_expr(), Order::Asc);
                self.order.order(&mut query, false);
                query
            }
        };
        for row in db.query_all(&statement).await? {
            let parent: i64 = row.try_get("", "__parent")?;
            out.entry(parent)
                .or_default()
                .push(E::Model::from_query_result(&row, "")?);
        }
        Ok(out)
    }
}

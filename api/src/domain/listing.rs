//! Paging machinery shared by every list: a top-level page is one COUNT and
//! one windowed SELECT; a page of children for many parents at once (what the
//! DataLoaders ask for) is one grouped COUNT and one SELECT with
//! `ROW_NUMBER() OVER (PARTITION BY parent ...)`, whatever the number of
//! parents. That is what keeps a request's statement count bounded by its
//! depth.

use std::collections::HashMap;

use sea_orm::{
    ConnectionTrait, EntityTrait, FromQueryResult, IntoSimpleExpr, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
    sea_query::{
        Alias, Asterisk, ColumnRef, Expr, ExprTrait, NullOrdering, Query, SelectStatement,
        WindowStatement,
    },
};

use super::{
    error::DomainResult,
    pagination::{Page, PageArgs, PageLimits, page_of},
};

/// One ORDER BY term; NULLs always sort last so both databases agree.
#[derive(Debug, Clone)]
pub struct OrderTerm {
    /// The expression sorted on.
    pub expr: Expr,
    /// Ascending or descending.
    pub order: Order,
}

impl OrderTerm {
    /// Ascending on `expr`.
    pub fn asc(expr: impl IntoSimpleExpr) -> Self {
        Self {
            expr: expr.into_simple_expr(),
            order: Order::Asc,
        }
    }
    /// Descending on `expr`.
    pub fn desc(expr: impl IntoSimpleExpr) -> Self {
        Self {
            expr: expr.into_simple_expr(),
            order: Order::Desc,
        }
    }
    /// Ascending or descending on `expr`.
    pub fn new(expr: impl IntoSimpleExpr, descending: bool) -> Self {
        if descending {
            Self::desc(expr)
        } else {
            Self::asc(expr)
        }
    }

    /// The order of a list sorted on `column`, ties broken by the unique
    /// `id` in the same direction (so pages never overlap).
    pub fn sorted(
        column: impl IntoSimpleExpr,
        id: impl IntoSimpleExpr,
        descending: bool,
    ) -> [Self; 2] {
        [Self::new(column, descending), Self::new(id, descending)]
    }
}

fn ordered<E: EntityTrait>(mut select: Select<E>, order: &[OrderTerm]) -> Select<E> {
    for term in order {
        select =
            select.order_by_with_nulls(term.expr.clone(), term.order.clone(), NullOrdering::Last);
    }
    select
}

/// Fetches the window `args` asks for in `order` (which must end on a
/// unique column so pages are stable). Counts the whole result only when
/// the client asked for the total or pages backwards; forward pages fetch
/// one row more instead, to learn whether another page follows.
pub async fn paginate<E, C>(
    db: &C,
    select: Select<E>,
    order: &[OrderTerm],
    args: PageArgs,
    limits: PageLimits,
) -> DomainResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
    C: ConnectionTrait,
{
    let counted = select.clone();
    page_of(
        args,
        limits,
        || async move { Ok(counted.count(db).await?) },
        |offset, limit| async move {
            Ok(ordered(select, order)
                .offset(offset)
                .limit(limit)
                .all(db)
                .await?)
        },
    )
    .await
}

/// A list of children hanging off many parents: the rows `select` yields
/// (joins and visibility already applied), grouped by the `parent` column.
#[derive(Debug, Clone)]
pub struct ChildQuery<E: EntityTrait> {
    /// The children, not yet restricted to any parent.
    pub select: Select<E>,
    /// The column holding each child's parent id.
    pub parent: ColumnRef,
    /// Order within one parent; must end on a unique column.
    pub order: Vec<OrderTerm>,
}

impl<E> ChildQuery<E>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
{
    /// Builds a child query on `parent` = (table, column).
    pub fn new(
        select: Select<E>,
        parent: (&'static str, &'static str),
        order: Vec<OrderTerm>,
    ) -> Self {
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
        order: Vec<OrderTerm>,
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

    fn for_parents(&self, parents: &[i64]) -> Select<E> {
        self.select
            .clone()
            .filter(self.parent_expr().is_in(parents.iter().copied()))
    }

    /// How many children each parent has (parents with none are absent).
    pub async fn count_by_parent<C: ConnectionTrait>(
        &self,
        db: &C,
        parents: &[i64],
    ) -> DomainResult<HashMap<i64, u64>> {
        let rows: Vec<(i64, i64)> = self
            .for_parents(parents)
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

    /// Rows `[offset, offset + limit)` of each parent's ordered children, in
    /// one statement for all `parents`.
    pub async fn page_by_parent<C: ConnectionTrait>(
        &self,
        db: &C,
        parents: &[i64],
        offset: u64,
        limit: u64,
    ) -> DomainResult<HashMap<i64, Vec<E::Model>>> {
        let mut inner = self.for_parents(parents).into_query();
        inner.expr_as(self.parent_expr(), Alias::new("__parent"));
        let mut window = WindowStatement::partition_by(self.parent.clone());
        for term in &self.order {
            window.order_by_expr_with_nulls(
                term.expr.clone(),
                term.order.clone(),
                NullOrdering::Last,
            );
        }
        inner.expr_window_as(Expr::cust("ROW_NUMBER()"), window, Alias::new("__rn"));
        let mut outer = Query::select();
        outer
            .column(Asterisk)
            .from_subquery(inner, Alias::new("paged"))
            .and_where(Expr::col(Alias::new("__rn")).gt(offset as i64))
            .and_where(Expr::col(Alias::new("__rn")).lte(offset.saturating_add(limit) as i64))
            .order_by(Alias::new("__parent"), Order::Asc)
            .order_by(Alias::new("__rn"), Order::Asc);
        group_by_parent::<E, C>(db, &outer).await
    }

    /// Every child of each parent, in order (for short lists).
    pub async fn all_by_parent<C: ConnectionTrait>(
        &self,
        db: &C,
        parents: &[i64],
    ) -> DomainResult<HashMap<i64, Vec<E::Model>>> {
        let mut select = self
            .for_parents(parents)
            .expr_as(self.parent_expr(), "__parent");
        select = select.order_by(self.parent_expr(), Order::Asc);
        select = ordered(select, &self.order);
        group_by_parent::<E, C>(db, &select.into_query()).await
    }
}

/// Runs `statement` (which selects `E`'s columns plus `__parent`) and
/// groups the models by parent, keeping their order.
async fn group_by_parent<E, C>(
    db: &C,
    statement: &SelectStatement,
) -> DomainResult<HashMap<i64, Vec<E::Model>>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
    C: ConnectionTrait,
{
    let mut out: HashMap<i64, Vec<E::Model>> = HashMap::new();
    for row in db.query_all(statement).await? {
        let parent: i64 = row.try_get("", "__parent")?;
        out.entry(parent)
            .or_default()
            .push(E::Model::from_query_result(&row, "")?);
    }
    Ok(out)
}

//! Keyset positions: every list is ordered by one sort key and the unique
//! id, in one direction, so that an index on `(key, id)` serves the order
//! without a sort step, and a page starts *after a row* (a row comparison
//! the index answers) instead of after N rows. Deep pages then cost what
//! the first page costs, and rows inserted or deleted between two requests
//! neither repeat nor skip a record.
//!
//! A cursor carries its list, sort and direction, the row's key and its id;
//! one from another list or order is refused, so a client cannot page
//! one ordering with another's positions.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    QueryResult, Value,
    sea_query::{Alias, Expr, ExprTrait, IntoIden, Order, SelectStatement, WindowStatement},
};

use super::error::{DomainError, DomainResult};
use crate::ids;

/// Cursor format version; bump it when the contents change, so old
/// cursors are refused rather than misread.
const VERSION: &str = "k1";

/// Where a nullable date sorts its NULLs: past every real date in an
/// ascending list and before every one in a descending list, i.e. last in
/// both. Both bounds lie outside the dates the API accepts (1900–2200).
const LAST_ASCENDING: &str = "9999-12-31";
const LAST_DESCENDING: &str = "0001-01-01";

/// The type of a sort key, which says how it is read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// Text (names, titles, codes).
    Text,
    /// A calendar day.
    Date,
    /// An instant (creation times).
    Instant,
    /// A whole-number score (relevance to a search), highest first.
    Score,
}

/// A sort key's value in one row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyValue {
    /// A text key.
    Text(String),
    /// A day key.
    Date(NaiveDate),
    /// An instant key.
    Instant(DateTime<Utc>),
    /// A score key.
    Score(i64),
}

impl KeyValue {
    fn encode(&self) -> String {
        match self {
            Self::Text(text) => format!("s:{text}"),
            Self::Date(day) => format!("d:{day}"),
            Self::Instant(at) => format!("t:{}", at.to_rfc3339()),
            Self::Score(score) => format!("n:{score}"),
        }
    }

    fn decode(kind: KeyKind, text: &str) -> Option<Self> {
        match (kind, text.split_once(':')?) {
            (KeyKind::Text, ("s", value)) => Some(Self::Text(value.to_owned())),
            (KeyKind::Date, ("d", value)) => value.parse().ok().map(Self::Date),
            (KeyKind::Instant, ("t", value)) => DateTime::parse_from_rfc3339(value)
                .ok()
                .map(|at| Self::Instant(at.with_timezone(&Utc))),
            (KeyKind::Score, ("n", value)) => value.parse().ok().map(Self::Score),
            _ => None,
        }
    }

    fn value(&self) -> Value {
        match self {
            Self::Text(text) => text.clone().into(),
            Self::Date(day) => (*day).into(),
            Self::Instant(at) => (*at).into(),
            Self::Score(score) => (*score).into(),
        }
    }
}

/// Where one row sits in its list: its key (absent for lists ordered by
/// id alone) and its id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Position {
    /// The sort key's value.
    pub key: Option<KeyValue>,
    /// The row's unique id.
    pub id: i64,
}

/// The order of one list: by `key` (if any) then `id`, both ascending or
/// both descending.
#[derive(Debug, Clone)]
pub struct SortOrder {
    list: &'static str,
    sort: &'static str,
    key: Option<(Expr, KeyKind)>,
    id: Expr,
    descending: bool,
    /// What else a cursor is only valid for (a search's fingerprint).
    scope: Option<Arc<str>>,
}

fn qualified((table, column): (&'static str, &'static str)) -> Expr {
    super::column(table, column)
}

impl SortOrder {
    /// `list` ordered by one column alone, unique within the list (its id;
    /// for short lists that are never paged, any unique column).
    pub fn by_id(list: &'static str, id: (&'static str, &'static str), descending: bool) -> Self {
        Self {
            list,
            sort: "id",
            key: None,
            id: qualified(id),
            descending,
            scope: None,
        }
    }

    /// `list` ordered by the non-null `column` (named `sort` in cursors),
    /// ties broken by `id`.
    pub fn by(
        list: &'static str,
        sort: &'static str,
        column: (&'static str, &'static str),
        kind: KeyKind,
        id: (&'static str, &'static str),
        descending: bool,
    ) -> Self {
        Self {
            list,
            sort,
            key: Some((qualified(column), kind)),
            id: qualified(id),
            descending,
            scope: None,
        }
    }

    /// `list` ordered by the nullable date `column`, NULLs last in either
    /// direction. The key is `COALESCE(column, bound)` with a literal bound,
    /// the same expression the migrations index on both databases.
    pub fn by_nullable_date(
        list: &'static str,
        sort: &'static str,
        (table, column): (&'static str, &'static str),
        id: (&'static str, &'static str),
        descending: bool,
    ) -> Self {
        let bound = if descending {
            LAST_DESCENDING
        } else {
            LAST_ASCENDING
        };
        let key = Expr::cust(format!("COALESCE(\"{table}\".\"{column}\", '{bound}')"));
        Self {
            list,
            sort,
            key: Some((key, KeyKind::Date)),
            id: qualified(id),
            descending,
            scope: None,
        }
    }

    /// `list` ordered by `score` (a whole-number expression), highest
    /// first, ties broken by `id` (highest first). Its cursors are valid
    /// only for `scope` too: a search's fingerprint, since a score ranks
    /// one search's results and means nothing for another's.
    pub fn by_score(
        list: &'static str,
        score: Expr,
        id: (&'static str, &'static str),
        scope: &str,
    ) -> Self {
        Self {
            list,
            sort: "relevance",
            key: Some((score, KeyKind::Score)),
            id: qualified(id),
            descending: true,
            scope: Some(format!(":{scope}").into()),
        }
    }

    /// Whether the list runs from largest to smallest.
    pub fn descending(&self) -> bool {
        self.descending
    }

    fn tag(&self) -> String {
        let direction = if self.descending { "desc" } else { "asc" };
        let scope = self.scope.as_deref().unwrap_or("");
        format!("{VERSION}|{}|{}{scope}|{direction}", self.list, self.sort)
    }

    /// The opaque cursor of `position` in this order.
    pub fn cursor(&self, position: &Position) -> String {
        RowCursor {
            tag: self.tag().into(),
            position: position.clone(),
        }
        .encode()
    }

    /// The cursors of rows at `positions`, encoded only when asked for
    /// (most queries select no `cursor`, and a page has many rows).
    pub fn cursors(&self, positions: Vec<Position>) -> Vec<RowCursor> {
        let tag: Arc<str> = self.tag().into();
        positions
            .into_iter()
            .map(|position| RowCursor {
                tag: Arc::clone(&tag),
                position,
            })
            .collect()
    }

    /// The position `cursor` (the `field` argument) stands for; a cursor
    /// that is not one of this list's, in this order, is refused.
    pub fn position(&self, field: &str, cursor: &str) -> DomainResult<Position> {
        let invalid = || {
            DomainError::invalid(
                field,
                format!(
                    "`{field}` is not a cursor of this list in this order \
                     (cursors are only valid for the list, `orderBy` and direction that returned them)"
                ),
            )
        };
        let text = ids::unopaque(cursor).ok_or_else(invalid)?;
        let rest = text
            .strip_prefix(&self.tag())
            .and_then(|r| r.strip_prefix('|'))
            .ok_or_else(invalid)?;
        let (id, key) = rest.split_once('|').ok_or_else(invalid)?;
        let id = id.parse::<i64>().map_err(|_| invalid())?;
        let key = match &self.key {
            None if key.is_empty() => None,
            None => return Err(invalid()),
            Some((_, kind)) => Some(KeyValue::decode(*kind, key).ok_or_else(invalid)?),
        };
        Ok(Position { key, id })
    }

    /// The ORDER BY terms; `reverse` walks the list backwards.
    fn terms(&self, reverse: bool) -> Vec<(Expr, Order)> {
        let order = if self.descending != reverse {
            Order::Desc
        } else {
            Order::Asc
        };
        self.key
            .iter()
            .map(|(key, _)| key.clone())
            .chain([self.id.clone()])
            .map(|expr| (expr, order.clone()))
            .collect()
    }

    /// Orders `select` by this order (or its reverse).
    pub fn order(&self, select: &mut SelectStatement, reverse: bool) {
        for (expr, order) in self.terms(reverse) {
            select.order_by_expr(expr, order);
        }
    }

    /// Orders a window (ROW_NUMBER() within each parent) the same way.
    pub fn order_window(&self, window: &mut WindowStatement, reverse: bool) {
        for (expr, order) in self.terms(reverse) {
            window.order_by_expr(expr, order);
        }
    }

    /// The rows strictly past `position` in this order (`reverse`: strictly
    /// before it): a row comparison `(key, id) > (k, i)` that an index on
    /// `(key, id)` answers with a range scan.
    pub fn beyond(&self, position: &Position, reverse: bool) -> Expr {
        let forward = self.descending == reverse;
        let (left, right) = match (&self.key, &position.key) {
            (Some((key, _)), Some(value)) => (
                Expr::tuple([key.clone(), self.id.clone()]),
                Expr::tuple([Expr::val(value.value()), Expr::val(position.id)]),
            ),
            _ => (self.id.clone(), Expr::val(position.id)),
        };
        if forward {
            left.gt(right)
        } else {
            left.lt(right)
        }
    }

    /// Adds the key and id to the selected columns, as `__key` and `__id`,
    /// so [`Self::read`] can tell each row's position.
    pub fn select_position(&self, select: &mut SelectStatement) {
        if let Some((key, _)) = &self.key {
            select.expr_as(key.clone(), Alias::new("__key").into_iden());
        }
        select.expr_as(self.id.clone(), Alias::new("__id").into_iden());
    }

    /// The position of a row selected with [`Self::select_position`].
    pub fn read(&self, row: &QueryResult) -> DomainResult<Position> {
        let key = match &self.key {
            None => None,
            Some((_, KeyKind::Text)) => Some(KeyValue::Text(row.try_get("", "__key")?)),
            Some((_, KeyKind::Date)) => Some(KeyValue::Date(row.try_get("", "__key")?)),
            Some((_, KeyKind::Instant)) => Some(KeyValue::Instant(row.try_get("", "__key")?)),
            Some((_, KeyKind::Score)) => Some(KeyValue::Score(row.try_get("", "__key")?)),
        };
        Ok(Position {
            key,
            id: row.try_get("", "__id")?,
        })
    }
}

/// One row's cursor, not yet encoded: its list's tag and its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowCursor {
    tag: Arc<str>,
    position: Position,
}

impl RowCursor {
    /// The opaque text a client sends back as `after` or `before`.
    pub fn encode(&self) -> String {
        let key = self
            .position
            .key
            .as_ref()
            .map(KeyValue::encode)
            .unwrap_or_default();
        ids::opaque(&format!("{}|{}|{key}", self.tag, self.position.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_title() -> SortOrder {
        SortOrder::by(
            "documents",
            "title",
            ("documents", "title"),
            KeyKind::Text,
            ("documents", "id"),
            false,
        )
    }

    #[test]
    fn cursors_round_trip_with_any_text_key() {
        let order = by_title();
        let position = Position {
            key: Some(KeyValue::Text("Ghid | anticorupție: 1|2".into())),
            id: 42,
        };
        let cursor = order.cursor(&position);
        assert_eq!(order.position("after", &cursor).ok(), Some(position));
    }

    #[test]
    fn cursors_of_another_order_or_list_are_refused() {
        let position = Position {
            key: Some(KeyValue::Text("A".into())),
            id: 1,
        };
        let cursor = by_title().cursor(&position);
        let descending = SortOrder::by(
            "documents",
            "title",
            ("documents", "title"),
            KeyKind::Text,
            ("documents", "id"),
            true,
        );
        let other_list = SortOrder::by(
            "agreements",
            "title",
            ("agreements", "title"),
            KeyKind::Text,
            ("agreements", "id"),
            false,
        );
        let by_day = SortOrder::by_nullable_date(
            "documents",
            "title",
            ("documents", "published_on"),
            ("documents", "id"),
            false,
        );
        for order in [descending, other_list, by_day] {
            assert!(order.position("after", &cursor).is_err());
        }
        assert!(by_title().position("after", "garbage").is_err());
        assert!(
            by_title()
                .position("after", &ids::opaque("cursor:5"))
                .is_err()
        );
    }

    #[test]
    fn id_orders_carry_no_key() {
        let order = SortOrder::by_id("parties", ("agreement_parties", "id"), false);
        let position = Position { key: None, id: 7 };
        let cursor = order.cursor(&position);
        assert_eq!(order.position("before", &cursor).ok(), Some(position));
    }

    #[test]
    fn dates_and_instants_round_trip() {
        let day = SortOrder::by_nullable_date(
            "agreements",
            "startDate",
            ("agreements", "start_date"),
            ("agreements", "id"),
            true,
        );
        let position = Position {
            key: Some(KeyValue::Date(
                NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default(),
            )),
            id: 3,
        };
        assert_eq!(
            day.position("after", &day.cursor(&position)).ok(),
            Some(position)
        );
        let created = SortOrder::by(
            "documents",
            "createdAt",
            ("documents", "created_at"),
            KeyKind::Instant,
            ("documents", "id"),
            true,
        );
        let position = Position {
            key: Some(KeyValue::Instant(
                DateTime::parse_from_rfc3339("2026-12-01T13:45:53.123456+00:00")
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_default(),
            )),
            id: 9,
        };
        assert_eq!(
            created.position("after", &created.cursor(&position)).ok(),
            Some(position)
        );
    }
}

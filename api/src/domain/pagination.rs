//! Relay-style pagination by keyset: `first/after` and `last/before` turned
//! into "the next N rows past this position" (see [`super::keyset`]), so a
//! page costs the same at any depth. `totalCount` is a separate COUNT, run
//! only when the client selects it.

use super::{
    error::{DomainError, DomainResult},
    keyset::{Position, RowCursor, SortOrder},
};

/// Page-size bounds from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimits {
    /// Size used when neither `first` nor `last` is given.
    pub default_size: u64,
    /// Largest `first` or `last` accepted.
    pub max_size: u64,
}

/// What the client asked for; the cursors are still opaque (only the
/// list that reads them knows its order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PageArgs {
    /// Take the first N after `after`.
    pub first: Option<i64>,
    /// The `after` cursor.
    pub after: Option<String>,
    /// Take the last N before `before`.
    pub last: Option<i64>,
    /// The `before` cursor.
    pub before: Option<String>,
    /// Whether the client wants the total count (it costs a COUNT).
    pub with_total: bool,
}

/// The rows to fetch for one page: up to `fetch` rows strictly between the
/// bounds, walking the order forwards or (for `last`) backwards.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Seek {
    /// Rows must lie past this position.
    pub after: Option<Position>,
    /// Rows must lie before this position.
    pub before: Option<Position>,
    /// Walk from the end (`last` without `first`).
    pub backward: bool,
    /// The page size asked for.
    pub size: u64,
    /// With both `first` and `last`: keep only the last N of the page.
    keep_last: Option<u64>,
}

/// One page of an ordered result.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The rows, in order.
    pub items: Vec<T>,
    /// Each row's cursor.
    pub cursors: Vec<RowCursor>,
    /// Rows exist before the page.
    pub has_previous: bool,
    /// Rows exist after the page.
    pub has_next: bool,
    /// Rows in the whole (filtered, visible) result, when it was counted
    /// (it is skipped when the client does not ask for it).
    pub total: Option<u64>,
}

impl PageArgs {
    /// Checks the sizes against `limits`.
    pub fn check(&self, limits: PageLimits) -> DomainResult<()> {
        for (name, value) in [("first", self.first), ("last", self.last)] {
            if let Some(n) = value {
                if n < 0 {
                    return Err(DomainError::invalid(
                        name,
                        format!("`{name}` must not be negative"),
                    ));
                }
                if n as u64 > limits.max_size {
                    return Err(DomainError::invalid(
                        name,
                        format!("`{name}` must be at most {}", limits.max_size),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The page size alone (for lists that are not connections).
    pub fn size(&self, limits: PageLimits) -> DomainResult<u64> {
        self.check(limits)?;
        Ok(self
            .first
            .or(self.last)
            .map_or(limits.default_size, |n| n.max(0) as u64))
    }

    /// Decodes the cursors against `order` and says what to fetch: `first`
    /// (or the default size) forwards from `after`, or `last` backwards
    /// from `before`; with both sizes, the first N and then their last M,
    /// as the Relay algorithm does.
    pub fn seek(&self, order: &SortOrder, limits: PageLimits) -> DomainResult<Seek> {
        self.check(limits)?;
        let decode = |field: &str, cursor: &Option<String>| {
            cursor
                .as_deref()
                .map(|c| order.position(field, c))
                .transpose()
        };
        let backward = self.first.is_none() && self.last.is_some();
        let size = match (self.first, self.last) {
            (Some(n), _) | (None, Some(n)) => n.max(0) as u64,
            (None, None) => limits.default_size,
        };
        Ok(Seek {
            after: decode("after", &self.after)?,
            before: decode("before", &self.before)?,
            backward,
            size,
            keep_last: match (self.first, self.last) {
                (Some(_), Some(last)) => Some(last.max(0) as u64),
                _ => None,
            },
        })
    }
}

impl Seek {
    /// Rows to fetch: one more than the page, to learn whether more follow.
    pub fn fetch(&self) -> u64 {
        self.size.saturating_add(1)
    }

    /// The page made of `rows` (fetched in walking order, at most
    /// [`Self::fetch`]) with their positions.
    pub fn page<T>(
        &self,
        order: &SortOrder,
        mut rows: Vec<(T, Position)>,
        total: Option<u64>,
    ) -> Page<T> {
        let more = rows.len() as u64 > self.size;
        rows.truncate(usize::try_from(self.size).unwrap_or(usize::MAX));
        let (mut has_previous, has_next) = if self.backward {
            rows.reverse();
            (more, self.before.is_some())
        } else {
            (self.after.is_some(), more)
        };
        if let Some(keep) = self.keep_last.and_then(|k| usize::try_from(k).ok())
            && rows.len() > keep
        {
            rows.drain(..rows.len() - keep);
            has_previous = true;
        }
        let (items, positions) = rows.into_iter().unzip();
        let cursors = order.cursors(positions);
        Page {
            items,
            cursors,
            has_previous,
            has_next,
            total,
        }
    }
}

impl<T> Page<T> {
    /// Maps the rows, keeping their cursors.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            cursors: self.cursors,
            has_previous: self.has_previous,
            has_next: self.has_next,
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::keyset::SortOrder;

    const LIMITS: PageLimits = PageLimits {
        default_size: 20,
        max_size: 100,
    };

    fn order() -> SortOrder {
        SortOrder::by_id("things", ("things", "id"), false)
    }

    fn rows(ids: &[i64]) -> Vec<(i64, Position)> {
        ids.iter()
            .map(|id| (*id, Position { key: None, id: *id }))
            .collect()
    }

    fn args(first: Option<i64>, last: Option<i64>) -> PageArgs {
        PageArgs {
            first,
            last,
            ..Default::default()
        }
    }

    #[test]
    fn forward_pages_fetch_one_more_to_learn_of_the_next() {
        let seek = args(Some(2), None).seek(&order(), LIMITS).ok();
        let seek = seek.unwrap_or_else(|| panic!("valid arguments"));
        assert_eq!(seek.fetch(), 3);
        let page = seek.page(&order(), rows(&[1, 2, 3]), None);
        assert_eq!(page.items, vec![1, 2]);
        assert!(page.has_next && !page.has_previous);
        let last = seek.page(&order(), rows(&[1]), None);
        assert!(!last.has_next);
    }

    #[test]
    fn backward_pages_come_back_in_list_order() {
        let seek = args(None, Some(2)).seek(&order(), LIMITS).ok();
        let seek = seek.unwrap_or_else(|| panic!("valid arguments"));
        assert!(seek.backward);
        let page = seek.page(&order(), rows(&[9, 8, 7]), None);
        assert_eq!(page.items, vec![8, 9]);
        assert!(page.has_previous && !page.has_next);
    }

    #[test]
    fn first_and_last_keep_the_tail_of_the_first_n() {
        let seek = args(Some(3), Some(1)).seek(&order(), LIMITS).ok();
        let seek = seek.unwrap_or_else(|| panic!("valid arguments"));
        let page = seek.page(&order(), rows(&[1, 2, 3, 4]), None);
        assert_eq!(page.items, vec![3]);
        assert!(page.has_previous && page.has_next);
    }

    #[test]
    fn cursors_name_their_rows() {
        let seek = args(Some(5), None).seek(&order(), LIMITS).ok();
        let seek = seek.unwrap_or_else(|| panic!("valid arguments"));
        let page = seek.page(&order(), rows(&[4]), None);
        let after = PageArgs {
            first: Some(5),
            after: page.cursors.first().map(RowCursor::encode),
            ..Default::default()
        };
        let next = after.seek(&order(), LIMITS).ok();
        assert_eq!(
            next.and_then(|s| s.after),
            Some(Position { key: None, id: 4 })
        );
    }

    #[test]
    fn sizes_are_bounded() {
        assert!(matches!(
            args(Some(101), None).seek(&order(), LIMITS),
            Err(DomainError::InvalidInput { field: Some(f), .. }) if f == "first"
        ));
        assert!(args(None, Some(-1)).seek(&order(), LIMITS).is_err());
        assert_eq!(args(None, None).size(LIMITS).ok(), Some(20));
    }
}

//! Relay-style pagination over an ordered, counted result: `first/after`,
//! `last/before`, turned into an offset window. Cursors are positions in the
//! ordered result; the GraphQL layer makes them opaque.

use super::error::{DomainError, DomainResult};

/// Page-size bounds from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimits {
    /// Size used when neither `first` nor `last` is given.
    pub default_size: u64,
    /// Largest `first` or `last` accepted.
    pub max_size: u64,
}

/// What the client asked for, cursors already decoded to positions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PageArgs {
    /// Take the first N after `after`.
    pub first: Option<i64>,
    /// Position of the `after` cursor.
    pub after: Option<u64>,
    /// Take the last N before `before`.
    pub last: Option<i64>,
    /// Position of the `before` cursor.
    pub before: Option<u64>,
    /// Whether the client wants the total count (it costs a COUNT).
    pub with_total: bool,
}

/// The rows to fetch: `[offset, offset + limit)` of the ordered result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageWindow {
    /// Position of the first row of the page.
    pub offset: u64,
    /// Number of rows in the page.
    pub limit: u64,
    /// Rows exist before the page.
    pub has_previous: bool,
    /// Rows exist after the page.
    pub has_next: bool,
}

/// One page of an ordered result.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The rows, in order.
    pub items: Vec<T>,
    /// Where they sit in the whole result.
    pub window: PageWindow,
    /// Rows in the whole (filtered, visible) result, when it was counted
    /// (it is skipped when the client does not ask for it).
    pub total: Option<u64>,
}

impl PageArgs {
    /// Checks the sizes against `limits` without needing the total.
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

    /// For forward paging (`first`/`after` only): the offset and page size,
    /// which need no total. The caller fetches one row more than the size
    /// to learn whether a next page exists. `None` when `last` or `before`
    /// is given, which needs the total.
    pub fn forward(&self, limits: PageLimits) -> DomainResult<Option<(u64, u64)>> {
        self.check(limits)?;
        if self.last.is_some() || self.before.is_some() {
            return Ok(None);
        }
        let start = self.after.map_or(0, |a| a.saturating_add(1));
        let size = self.first.map_or(limits.default_size, |f| f.max(0) as u64);
        Ok(Some((start, size)))
    }

    /// The window of a forward page given the rows fetched (`size + 1` at
    /// most): trims the look-ahead row and says whether more follow.
    pub fn forward_page<T>(start: u64, size: u64, mut rows: Vec<T>) -> Page<T> {
        let has_next = rows.len() as u64 > size;
        rows.truncate(usize::try_from(size).unwrap_or(usize::MAX));
        let window = PageWindow {
            offset: start,
            limit: rows.len() as u64,
            has_previous: start > 0,
            has_next,
        };
        Page {
            items: rows,
            window,
            total: None,
        }
    }

    /// The window these arguments select out of `total` rows, following the
    /// Relay connection specification's algorithm.
    pub fn window(&self, total: u64, limits: PageLimits) -> DomainResult<PageWindow> {
        self.check(limits)?;
        let mut start = self.after.map_or(0, |a| a.saturating_add(1)).min(total);
        let mut end = self.before.map_or(total, |b| b.min(total)).max(start);
        match (self.first, self.last) {
            (None, None) => end = end.min(start + limits.default_size),
            (first, last) => {
                if let Some(first) = first {
                    end = end.min(start + first as u64);
                }
                if let Some(last) = last {
                    start = start.max(end.saturating_sub(last as u64));
                }
            }
        }
        Ok(PageWindow {
            offset: start,
            limit: end - start,
            has_previous: start > 0,
            has_next: end < total,
        })
    }
}

/// The one paging algorithm, whatever the rows come from (a query, a
/// batched loader): a forward page without `totalCount` fetches one row
/// more than asked to learn whether another page follows, and counts
/// nothing; anything else counts first and takes the Relay window. `count`
/// and `rows(offset, limit)` are called at most once each.
pub async fn page_of<T, E, Counted, Fetched>(
    args: PageArgs,
    limits: PageLimits,
    count: impl FnOnce() -> Counted,
    rows: impl FnOnce(u64, u64) -> Fetched,
) -> Result<Page<T>, E>
where
    E: From<DomainError>,
    Counted: Future<Output = Result<u64, E>>,
    Fetched: Future<Output = Result<Vec<T>, E>>,
{
    if let (false, Some((start, size))) = (args.with_total, args.forward(limits)?) {
        let found = if size == 0 {
            Vec::new()
        } else {
            rows(start, size + 1).await?
        };
        return Ok(PageArgs::forward_page(start, size, found));
    }
    let total = count().await?;
    let window = args.window(total, limits)?;
    let items = if window.limit == 0 {
        Vec::new()
    } else {
        rows(window.offset, window.limit).await?
    };
    Ok(Page {
        items,
        window,
        total: Some(total),
    })
}

impl<T> Page<T> {
    /// Maps the rows, keeping the window.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            window: self.window,
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: PageLimits = PageLimits {
        default_size: 20,
        max_size: 100,
    };

    fn window(args: PageArgs, total: u64) -> (u64, u64, bool, bool) {
        let w = args.window(total, LIMITS).unwrap_or(PageWindow {
            offset: 999,
            limit: 999,
            has_previous: false,
            has_next: false,
        });
        (w.offset, w.limit, w.has_previous, w.has_next)
    }

    #[test]
    fn first_page_then_next_page() {
        assert_eq!(
            window(
                PageArgs {
                    first: Some(10),
                    ..Default::default()
                },
                25
            ),
            (0, 10, false, true)
        );
        assert_eq!(
            window(
                PageArgs {
                    first: Some(10),
                    after: Some(19),
                    ..Default::default()
                },
                25
            ),
            (20, 5, true, false)
        );
    }

    #[test]
    fn last_page_backwards() {
        assert_eq!(
            window(
                PageArgs {
                    last: Some(10),
                    ..Default::default()
                },
                25
            ),
            (15, 10, true, false)
        );
        assert_eq!(
            window(
                PageArgs {
                    last: Some(10),
                    before: Some(15),
                    ..Default::default()
                },
                25
            ),
            (5, 10, true, true)
        );
        assert_eq!(
            window(
                PageArgs {
                    last: Some(10),
                    before: Some(3),
                    ..Default::default()
                },
                25
            ),
            (0, 3, false, true)
        );
    }

    #[test]
    fn empty_results_and_cursors_past_the_end() {
        assert_eq!(window(PageArgs::default(), 0), (0, 0, false, false));
        assert_eq!(
            window(
                PageArgs {
                    first: Some(5),
                    after: Some(50),
                    ..Default::default()
                },
                10
            ),
            (10, 0, true, false)
        );
    }

    #[test]
    fn default_size_when_no_first_or_last() {
        assert_eq!(window(PageArgs::default(), 100), (0, 20, false, true));
    }

    #[test]
    fn forward_pages_need_no_total() {
        let args = PageArgs {
            first: Some(2),
            after: Some(4),
            ..Default::default()
        };
        assert_eq!(args.forward(LIMITS).ok().flatten(), Some((5, 2)));
        let page = PageArgs::forward_page(5, 2, vec!['a', 'b', 'c']);
        assert_eq!(page.items, vec!['a', 'b']);
        assert!(page.window.has_next && page.window.has_previous);
        let last = PageArgs::forward_page(0, 2, vec!['a']);
        assert!(!last.window.has_next && !last.window.has_previous);
        let backwards = PageArgs {
            last: Some(2),
            ..Default::default()
        };
        assert_eq!(backwards.forward(LIMITS).ok().flatten(), None);
    }

    #[test]
    fn sizes_are_bounded() {
        let too_big = PageArgs {
            first: Some(101),
            ..Default::default()
        };
        assert!(matches!(
            too_big.window(10, LIMITS),
            Err(DomainError::InvalidInput { field: Some(f), .. }) if f == "first"
        ));
        let negative = PageArgs {
            last: Some(-1),
            ..Default::default()
        };
        assert!(negative.window(10, LIMITS).is_err());
    }
}

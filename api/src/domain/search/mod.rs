//! Ranked full-text search over organizations, agreements, documents
//! (title, tags, summary and the text of their newest file) and
//! activities. The index is the database's own, kept by triggers (see the
//! migration `search_inside_documents`): PostgreSQL's `tsvector` with the
//! `pactum_ro` configuration (Romanian stems, accents removed) and GIN
//! indexes; SQLite's FTS5. This module turns a [`SearchQuery`] into the
//! condition and the score each list adds to its own select, so visibility
//! stays the list's one rule in SQL, and relevance is a keyset order like
//! any other.

mod query;
mod snippet;

pub use query::SearchQuery;
pub use snippet::{Snippet, SnippetPart, snippet};

use sea_orm::{DbBackend, EntityTrait, QueryFilter, Select, sea_query::Expr};

use super::{
    error::{DomainError, DomainResult},
    inner_join,
    keyset::SortOrder,
};

/// A kind of record in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Indexed {
    /// Organizations (name, then locality, county and the rest).
    Organizations,
    /// Agreements (title, objectives).
    Agreements,
    /// Documents (title, tags, summary, file text).
    Documents,
    /// Activities (title, description, place).
    Activities,
}

impl Indexed {
    /// The table of the records.
    pub fn table(self) -> &'static str {
        match self {
            Self::Organizations => "organizations",
            Self::Agreements => "agreements",
            Self::Documents => "documents",
            Self::Activities => "activities",
        }
    }

    /// SQLite's FTS5 table of the kind.
    fn fts_table(self) -> &'static str {
        match self {
            Self::Organizations => "organizations_fts",
            Self::Agreements => "agreements_fts",
            Self::Documents => "documents_fts",
            Self::Activities => "activities_fts",
        }
    }

    /// The BM25 weight of each FTS5 column, in the table's column order:
    /// what PostgreSQL's A/B/C/D weights say there.
    fn fts_weights(self) -> &'static str {
        match self {
            // title, tags, summary, body
            Self::Documents => "10.0, 10.0, 4.0, 1.0",
            // title, the rest
            _ => "10.0, 2.0",
        }
    }
}

impl SearchQuery {
    /// Restricts `select` (rows of `kind`'s table) to the records that
    /// match. On SQLite the FTS5 table is joined, which [`Self::score`]
    /// then reads.
    pub fn restrict<E: EntityTrait>(
        &self,
        backend: DbBackend,
        kind: Indexed,
        select: Select<E>,
    ) -> Select<E> {
        let table = kind.table();
        if backend == DbBackend::Postgres {
            select.filter(Expr::cust_with_values(
                format!("\"{table}\".\"search_vector\" @@ websearch_to_tsquery('pactum_ro', $1)"),
                [self.text()],
            ))
        } else {
            let fts = kind.fts_table();
            inner_join(
                select,
                fts,
                Expr::cust(format!("\"{fts}\".\"rowid\" = \"{table}\".\"id\"")),
            )
            .filter(Expr::cust_with_values(
                format!("\"{fts}\" MATCH ?"),
                [self.fts5()],
            ))
        }
    }

    /// The relevance of a row of [`Self::restrict`]ed `kind`, as a whole
    /// number (higher is better), so a cursor carries it exactly.
    /// PostgreSQL: `ts_rank` without length normalization (its weights
    /// already keep a title above any number of matches in a file, and
    /// normalizing would rank a guide whose long file was read below a
    /// record with no file); SQLite: BM25 with the same weights by column.
    pub fn score(&self, backend: DbBackend, kind: Indexed) -> Expr {
        let table = kind.table();
        if backend == DbBackend::Postgres {
            Expr::cust_with_values(
                format!(
                    "CAST(ts_rank(\"{table}\".\"search_vector\", \
                     websearch_to_tsquery('pactum_ro', $1)) * 1000000 AS BIGINT)"
                ),
                [self.text()],
            )
        } else {
            Expr::cust(format!(
                "CAST(-bm25(\"{}\", {}) * 1000000 AS INTEGER)",
                kind.fts_table(),
                kind.fts_weights()
            ))
        }
    }

    /// `list` (of `kind`) by relevance to this search, best first.
    pub fn order(&self, backend: DbBackend, kind: Indexed, list: &'static str) -> SortOrder {
        SortOrder::by_score(
            list,
            self.score(backend, kind),
            (kind.table(), "id"),
            &self.fingerprint(),
        )
    }
}

/// How a searchable list is ordered: by one of its sorts, or by relevance
/// to its search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranking<S> {
    /// By the sort, in the direction asked.
    Sorted(S),
    /// By relevance, best first whatever the direction.
    Relevance,
}

/// The search of a list (`text` its `search` argument) restricting
/// `select`, and the list's order: `plain` for a sort, relevance when
/// asked (which needs a search).
#[allow(clippy::too_many_arguments)]
pub fn searched<E: EntityTrait, S>(
    backend: DbBackend,
    kind: Indexed,
    list: &'static str,
    text: Option<&str>,
    select: Select<E>,
    ranking: Ranking<S>,
    descending: bool,
    plain: impl FnOnce(S, bool) -> SortOrder,
) -> DomainResult<(Select<E>, SortOrder)> {
    let query = text
        .map(|t| SearchQuery::parse("search", t))
        .transpose()?
        .flatten();
    let order = match (ranking, &query) {
        (Ranking::Sorted(sort), _) => plain(sort, descending),
        (Ranking::Relevance, Some(query)) => query.order(backend, kind, list),
        (Ranking::Relevance, None) => {
            return Err(DomainError::invalid(
                "orderBy",
                "RELEVANCE orders the results of a search: give `search` too",
            ));
        }
    };
    let select = match &query {
        Some(query) => query.restrict(backend, kind, select),
        None => select,
    };
    Ok((select, order))
}

//! The root search: one ranked list over every kind the index covers: a `UNION ALL` of
//! one branch per kind, each the kind's own visibility rule and search
//! condition, paged by (score, record) like any keyset list. A record is
//! told apart across kinds by `id * 4 + kind`, the list's unique key.

use std::collections::HashMap;

use entities::{activity, agreement, document, document_text, organization};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    Select,
    sea_query::{Alias, Expr, Query, SelectStatement, UnionType},
};

use super::{
    activities,
    actor::Actor,
    agreements, documents,
    error::DomainResult,
    keyset::{Position, SortOrder},
    organizations,
    pagination::{Page, PageArgs, PageLimits},
    search::{Indexed, SearchQuery, Snippet, snippet},
};

/// The kinds a search may cover, as asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchKind {
    /// Organizations.
    Organization,
    /// Agreements.
    Agreement,
    /// Documents.
    Document,
    /// Activities.
    Activity,
}

impl SearchKind {
    const ALL: [Self; 4] = [
        Self::Organization,
        Self::Agreement,
        Self::Document,
        Self::Activity,
    ];

    fn code(self) -> i64 {
        match self {
            Self::Organization => 0,
            Self::Agreement => 1,
            Self::Document => 2,
            Self::Activity => 3,
        }
    }

    fn of_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    fn indexed(self) -> Indexed {
        match self {
            Self::Organization => Indexed::Organizations,
            Self::Agreement => Indexed::Agreements,
            Self::Document => Indexed::Documents,
            Self::Activity => Indexed::Activities,
        }
    }
}

/// A record that matched.
#[derive(Debug, Clone)]
pub enum Hit {
    /// An organization.
    Organization(organization::Model, Option<Snippet>),
    /// An agreement.
    Agreement(agreement::Model, Option<Snippet>),
    /// A document.
    Document(document::Model, Option<Snippet>),
    /// An activity.
    Activity(activity::Model, Option<Snippet>),
}

/// The branch of one kind: its visible, matching rows as (uid, score).
fn branch<E: EntityTrait>(
    query: &SearchQuery,
    backend: DbBackend,
    kind: SearchKind,
    visible: Select<E>,
) -> SelectStatement {
    let indexed = kind.indexed();
    query
        .restrict(backend, indexed, visible)
        .select_only()
        .expr_as(
            Expr::cust(format!(
                "\"{}\".\"id\" * 4 + {}",
                indexed.table(),
                kind.code()
            )),
            "uid",
        )
        .expr_as(query.score(backend, indexed), "score")
        .into_query()
}

/// Searches every kind in `kinds` (all when `None`) that `actor` may see,
/// best first; snippets only when `with_snippets`.
#[allow(clippy::too_many_arguments)]
pub async fn search_everything<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    query: &SearchQuery,
    kinds: Option<&[SearchKind]>,
    with_snippets: bool,
    args: PageArgs,
    limits: PageLimits,
) -> DomainResult<Page<Hit>> {
    let backend = db.get_database_backend();
    let kinds: Vec<SearchKind> = SearchKind::ALL
        .into_iter()
        .filter(|k| kinds.is_none_or(|ks| ks.contains(k)))
        .collect();
    let mut branches = kinds.iter().map(|&kind| match kind {
        SearchKind::Organization => branch(query, backend, kind, organization::Entity::find()),
        SearchKind::Agreement => branch(query, backend, kind, agreements::visible(actor)),
        SearchKind::Document => branch(query, backend, kind, documents::visible(actor)),
        SearchKind::Activity => branch(query, backend, kind, activities::visible(actor)),
    });
    let Some(mut union) = branches.next() else {
        return Ok(Page {
            items: Vec::new(),
            cursors: Vec::new(),
            has_previous: false,
            has_next: false,
            total: args.with_total.then_some(0),
        });
    };
    for other in branches {
        union.union(UnionType::All, other);
    }
    let hits = Alias::new("hits");
    let order = SortOrder::by_score(
        "search",
        Expr::col((hits.clone(), Alias::new("score"))),
        ("hits", "uid"),
        &query.fingerprint(),
    );
    let seek = args.seek(&order, limits)?;
    let total = if args.with_total {
        let count = Query::select()
            .expr_as(Expr::cust("COUNT(*)"), "total")
            .from_subquery(union.clone(), hits.clone())
            .to_owned();
        let row = db.query_one(&count).await?;
        Some(row.map_or(Ok(0), |r| r.try_get::<i64>("", "total"))?.max(0) as u64)
    } else {
        None
    };
    let mut statement = Query::select()
        .expr_as(Expr::col((hits.clone(), Alias::new("uid"))), "uid")
        .from_subquery(union, hits)
        .to_owned();
    if let Some(after) = &seek.after {
        statement.and_where(order.beyond(after, false));
    }
    if let Some(before) = &seek.before {
        statement.and_where(order.beyond(before, true));
    }
    order.select_position(&mut statement);
    order.order(&mut statement, seek.backward);
    statement.limit(seek.fetch());
    let mut found = Vec::new();
    for row in db.query_all(&statement).await? {
        let uid: i64 = row.try_get("", "uid")?;
        found.push((uid, order.read(&row)?));
    }
    let mut records = Records::load(db, actor, &found).await?;
    if with_snippets {
        records.texts = newest_texts(db, &records.documents).await?;
    }
    let rows = found
        .into_iter()
        .filter_map(|(uid, position)| {
            let hit = records.hit(query, with_snippets, uid)?;
            Some((hit, position))
        })
        .collect();
    Ok(seek.page(&order, rows, total))
}

/// The records of one page, by kind.
#[derive(Default)]
struct Records {
    organizations: HashMap<i64, organization::Model>,
    agreements: HashMap<i64, agreement::Model>,
    documents: HashMap<i64, document::Model>,
    activities: HashMap<i64, activity::Model>,
    texts: HashMap<i64, String>,
}

impl Records {
    async fn load<C: ConnectionTrait>(
        db: &C,
        actor: &Actor,
        found: &[(i64, Position)],
    ) -> DomainResult<Self> {
        let ids = |kind: SearchKind| -> Vec<i64> {
            found
                .iter()
                .filter(|(uid, _)| uid.rem_euclid(4) == kind.code())
                .map(|(uid, _)| uid.div_euclid(4))
                .collect()
        };
        Ok(Self {
            organizations: organizations::by_ids(db, &ids(SearchKind::Organization)).await?,
            agreements: agreements::by_ids(db, actor, &ids(SearchKind::Agreement)).await?,
            documents: documents::by_ids(db, actor, &ids(SearchKind::Document)).await?,
            activities: activities::by_ids(db, actor, &ids(SearchKind::Activity)).await?,
            texts: HashMap::new(),
        })
    }

    /// The hit `uid` stands for (none if it vanished since it was found).
    fn hit(&mut self, query: &SearchQuery, with_snippets: bool, uid: i64) -> Option<Hit> {
        let id = uid.div_euclid(4);
        let cut = |fields: &[&str]| with_snippets.then(|| snippet(query, fields));
        Some(match SearchKind::of_code(uid.rem_euclid(4))? {
            SearchKind::Organization => {
                let m = self.organizations.remove(&id)?;
                let about = m.description.clone().unwrap_or_default();
                let s = cut(&[&about, &m.name]);
                Hit::Organization(m, s)
            }
            SearchKind::Agreement => {
                let m = self.agreements.remove(&id)?;
                let s = cut(&[&m.objectives, &m.title]);
                Hit::Agreement(m, s)
            }
            SearchKind::Document => {
                let m = self.documents.remove(&id)?;
                let text = self.texts.remove(&id).unwrap_or_default();
                let s = cut(&[&text, &m.summary, &m.title]);
                Hit::Document(m, s)
            }
            SearchKind::Activity => {
                let m = self.activities.remove(&id)?;
                let s = cut(&[&m.description, &m.title]);
                Hit::Activity(m, s)
            }
        })
    }
}

/// The text of each document's newest version that has one.
pub(crate) async fn newest_texts<C: ConnectionTrait>(
    db: &C,
    documents: &HashMap<i64, document::Model>,
) -> DomainResult<HashMap<i64, String>> {
    let ids: Vec<i64> = documents.keys().copied().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let newest = document_text::Entity::find()
        .select_only()
        .column_as(document_text::Column::VersionId.max(), "newest")
        .filter(document_text::Column::DocumentId.is_in(ids))
        .group_by(document_text::Column::DocumentId)
        .into_query();
    let rows = document_text::Entity::find()
        .filter(document_text::Column::VersionId.in_subquery(newest))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|t| (t.document_id, t.content))
        .collect())
}

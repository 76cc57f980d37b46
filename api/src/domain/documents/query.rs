//! Reading documents: the filtered list, loads by id, the lists hanging
//! off organizations, activities and agreements, and the version a
//! download asks for. Nothing here writes.

use std::collections::HashMap;

use entities::{document, document_tag, document_version, enums::DocumentKind};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    sea_query::ExprTrait,
};

use super::{normalize_tag, owned_by, visible};
use crate::domain::{
    DateRange,
    actor::Actor,
    column,
    error::{DomainError, DomainResult},
    inner_join,
    keyset::{KeyKind, SortOrder},
    listing::{ChildQuery, paginate},
    load_by_ids,
    pagination::{Page, PageArgs, PageLimits},
    search::{Indexed, Ranking, searched},
    visibility::visible_to,
};

/// Which documents a list shows.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    /// Only these kinds.
    pub kinds: Option<Vec<DocumentKind>>,
    /// Only these languages (ISO 639-1 codes).
    pub languages: Option<Vec<String>>,
    /// Only documents owned by this organization.
    pub owner_id: Option<i64>,
    /// Only documents carrying at least one of these tags.
    pub tags: Option<Vec<String>>,
    /// Publication date within this range.
    pub published_on: DateRange,
    /// Full-text search (web search syntax) over title, tags, summary and
    /// the text of the newest file.
    pub search: Option<String>,
}

/// What documents are sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DocumentSort {
    /// By creation time.
    #[default]
    CreatedAt,
    /// By title.
    Title,
    /// By publication date (unpublished last).
    PublishedOn,
}

impl DocumentSort {
    /// The order this sort stands for in `list` (which names it in cursors).
    pub fn order(self, list: &'static str, descending: bool) -> SortOrder {
        let by = |sort, column, kind| {
            SortOrder::by(list, sort, ("documents", column), kind, ID, descending)
        };
        match self {
            Self::CreatedAt => by("createdAt", "created_at", KeyKind::Instant),
            Self::Title => by("title", "title", KeyKind::Text),
            Self::PublishedOn => SortOrder::by_nullable_date(
                list,
                "publishedOn",
                ("documents", "published_on"),
                ID,
                descending,
            ),
        }
    }
}

const ID: (&str, &str) = ("documents", "id");

/// Lists the documents `actor` may see, filtered and ordered.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    filter: &DocumentFilter,
    sort: Ranking<DocumentSort>,
    descending: bool,
    args: PageArgs,
    limits: PageLimits,
) -> DomainResult<Page<document::Model>> {
    let mut cond =
        Condition::all().add(filter.published_on.condition(document::Column::PublishedOn));
    if let Some(kinds) = &filter.kinds {
        cond = cond.add(document::Column::Kind.is_in(kinds.iter().copied()));
    }
    if let Some(languages) = &filter.languages {
        cond = cond.add(
            document::Column::Language.is_in(languages.iter().map(|l| l.trim().to_lowercase())),
        );
    }
    if let Some(owner) = filter.owner_id {
        cond = cond.add(document::Column::OwnerId.eq(owner));
    }
    if let Some(tags) = &filter.tags {
        cond = cond.add(
            document::Column::Id.in_subquery(
                document_tag::Entity::find()
                    .select_only()
                    .column(document_tag::Column::DocumentId)
                    .filter(document_tag::Column::Tag.is_in(tags.iter().map(|t| normalize_tag(t))))
                    .into_query(),
            ),
        );
    }
    let (select, order) = searched(
        db.get_database_backend(),
        Indexed::Documents,
        "documents",
        filter.search.as_deref(),
        visible(actor).filter(cond),
        sort,
        descending,
        |sort, descending| sort.order("documents", descending),
    )?;
    paginate(db, select, &order, args, limits).await
}

/// The documents with these ids that `actor` may see.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    ids: &[i64],
) -> DomainResult<HashMap<i64, document::Model>> {
    load_by_ids(db, visible(actor), document::Column::Id, ids, |m| m.id).await
}

/// The document versions with these ids whose document `actor` may see.
pub async fn versions_by_ids<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    ids: &[i64],
) -> DomainResult<HashMap<i64, document_version::Model>> {
    let select = inner_join(
        document_version::Entity::find(),
        "documents",
        column("documents", "id").equals((
            document_version::Entity,
            document_version::Column::DocumentId,
        )),
    )
    .filter(visible_to(actor, document::Column::Visibility, owned_by));
    load_by_ids(db, select, document_version::Column::Id, ids, |m| m.id).await
}

/// Each organization's documents, newest first.
pub fn of_owners(actor: &Actor) -> ChildQuery<document::Entity> {
    ChildQuery::new(
        visible(actor),
        ("documents", "owner_id"),
        DocumentSort::CreatedAt.order("Organization.documents", true),
    )
}

/// Each activity's linked documents, by title.
pub fn of_activities(actor: &Actor) -> ChildQuery<document::Entity> {
    ChildQuery::through(
        visible(actor),
        "activity_documents",
        ("document_id", "activity_id"),
        document::Column::Id,
        DocumentSort::Title.order("Activity.documents", false),
    )
}

/// Each document's tags, alphabetically. The caller has checked the
/// document is visible.
pub fn tags_of_documents() -> ChildQuery<document_tag::Entity> {
    ChildQuery::new(
        document_tag::Entity::find(),
        ("document_tags", "document_id"),
        SortOrder::by_id("Document.tags", ("document_tags", "tag"), false),
    )
}

/// Each document's versions, newest first. The caller has checked the
/// document is visible.
pub fn versions_of_documents() -> ChildQuery<document_version::Entity> {
    ChildQuery::new(
        document_version::Entity::find(),
        ("document_versions", "document_id"),
        SortOrder::by_id("Document.versions", ("document_versions", "number"), true),
    )
}

/// Each agreement's linked documents, by title (only those `actor` may
/// see: linking never widens a document's visibility).
pub fn of_agreements(actor: &Actor) -> ChildQuery<document::Entity> {
    ChildQuery::through(
        visible(actor),
        "agreement_documents",
        ("document_id", "agreement_id"),
        document::Column::Id,
        DocumentSort::Title.order("Agreement.documents", false),
    )
}

/// The version `actor` wants to download, if its document is visible to
/// them (invisible and missing are the same NOT_FOUND).
pub async fn version_for_download<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    version_id: i64,
) -> DomainResult<document_version::Model> {
    versions_by_ids(db, actor, &[version_id])
        .await?
        .remove(&version_id)
        .ok_or(DomainError::NotFound {
            entity: "DocumentVersion",
        })
}

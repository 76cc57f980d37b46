//! Documents in GraphQL: the type, its tags and versions, and the root
//! queries.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use chrono::{DateTime, NaiveDate, Utc};
use entities::{document, document_version};

use super::{
    DateRangeInput,
    connection::{Conn, connection, page_args},
    context::state,
    enums::{DocumentKind, OrderDirection, Visibility, to_db},
    error::{ApiError, ApiResult},
    ids::{self, NodeKind},
    organizations::Organization,
};
use crate::domain::documents::{self as domain, DocumentFilter as Filter, DocumentSort};

/// A good-practice guide, procedure, strategy or other shared document.
#[derive(Clone)]
pub struct Document(pub document::Model);

#[Object]
impl Document {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::Document, self.0.id)
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Short summary.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// What it is.
    async fn kind(&self) -> DocumentKind {
        self.0.kind.into()
    }
    /// ISO 639-1 language code.
    async fn language(&self) -> &str {
        &self.0.language
    }
    /// Who may see it.
    async fn visibility(&self) -> Visibility {
        self.0.visibility.into()
    }
    /// Publication date.
    async fn published_on(&self) -> Option<NaiveDate> {
        self.0.published_on
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the record was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the record last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The organization that owns and shares it.
    async fn owner(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        Organization::referenced(state(ctx)?, self.0.owner_id).await
    }
    /// Tags, alphabetically.
    async fn tags(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let state = state(ctx)?;
        let tags = state
            .loaders
            .document_tags
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(tags.into_iter().map(|t| t.tag).collect())
    }
    /// Every uploaded file, newest first.
    async fn versions(&self, ctx: &Context<'_>) -> ApiResult<Vec<DocumentVersion>> {
        let state = state(ctx)?;
        let versions = state
            .loaders
            .document_versions
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(versions.into_iter().map(DocumentVersion).collect())
    }
    /// The newest file, if any was uploaded.
    async fn latest_version(&self, ctx: &Context<'_>) -> ApiResult<Option<DocumentVersion>> {
        let state = state(ctx)?;
        let versions = state
            .loaders
            .document_versions
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(versions.into_iter().next().map(DocumentVersion))
    }
}

/// One immutable uploaded file of a document.
#[derive(Clone)]
pub struct DocumentVersion(pub document_version::Model);

#[Object]
impl DocumentVersion {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::DocumentVersion, self.0.id)
    }
    /// 1, 2, 3... within the document.
    async fn number(&self) -> i32 {
        self.0.number
    }
    /// File name as uploaded.
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }
    /// Media type detected from the content.
    async fn media_type(&self) -> &str {
        &self.0.media_type
    }
    /// Size in bytes.
    async fn size_bytes(&self) -> i64 {
        self.0.size_bytes
    }
    /// Hex SHA-256 of the content.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }
    /// What changed since the previous version.
    async fn change_note(&self) -> Option<&str> {
        self.0.change_note.as_deref()
    }
    /// When it was uploaded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Filters for `documents`.
#[derive(InputObject, Default)]
pub struct DocumentFilter {
    /// Only these kinds.
    pub kinds: Option<Vec<DocumentKind>>,
    /// Only these languages (ISO 639-1 codes such as "ro", "en").
    pub languages: Option<Vec<String>>,
    /// Only documents of this organization.
    pub owner_id: Option<ID>,
    /// Only documents carrying at least one of these tags.
    pub tags: Option<Vec<String>>,
    /// Publication date within this range.
    pub published_on: Option<DateRangeInput>,
}

/// What `documents` can be sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum DocumentOrderField {
    /// By creation time.
    CreatedAt,
    /// By title.
    Title,
    /// By publication date (unpublished last).
    PublishedOn,
}

/// Sort order for `documents`.
#[derive(InputObject)]
pub struct DocumentOrder {
    /// Field to sort by.
    pub field: DocumentOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// Root queries about documents.
#[derive(Default)]
pub struct DocumentQuery;

#[Object]
impl DocumentQuery {
    /// One document by ID; NOT_FOUND if there is none or it is not visible.
    async fn document(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Document>> {
        let state = state(ctx)?;
        let id = ids::decode(&id, NodeKind::Document, "id")?;
        state
            .loaders
            .document
            .load_one(id)
            .await?
            .map(Document)
            .map(Some)
            .ok_or(ApiError::NotFound("Document"))
    }

    /// Shared documents, filtered, searched and ordered (newest first by
    /// default).
    #[graphql(complexity = "super::connection::page_weight(first, last) * child_complexity")]
    async fn documents(
        &self,
        ctx: &Context<'_>,
        filter: Option<DocumentFilter>,
        #[graphql(desc = "Case- and diacritics-insensitive text search.")] search: Option<String>,
        order_by: Option<DocumentOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Document>> {
        let state = state(ctx)?;
        let args = page_args(ctx, first, after, last, before)?;
        let f = filter.unwrap_or_default();
        let filter = Filter {
            kinds: to_db(f.kinds),
            languages: f.languages,
            owner_id: ids::decode_opt(f.owner_id.as_ref(), NodeKind::Organization, "ownerId")?,
            tags: f.tags,
            published_on: DateRangeInput::to_domain(f.published_on, "publishedOn")?,
            search,
        };
        let (sort, descending) = match order_by {
            Some(o) => (
                match o.field {
                    DocumentOrderField::CreatedAt => DocumentSort::CreatedAt,
                    DocumentOrderField::Title => DocumentSort::Title,
                    DocumentOrderField::PublishedOn => DocumentSort::PublishedOn,
                },
                o.direction.descending(),
            ),
            None => (DocumentSort::CreatedAt, true),
        };
        let page = domain::list(
            &state.db,
            &state.actor,
            &filter,
            sort,
            descending,
            args,
            state.limits,
        )
        .await?;
        Ok(connection(page, Document))
    }
}

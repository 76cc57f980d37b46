//! Documents in GraphQL: the type, its tags and versions, the root
//! queries, and the mutations: create, update, change visibility, upload a
//! version (GraphQL multipart request spec), link to an agreement.
//!
//! The object types are here; the input types are in `inputs`, the root
//! queries in `queries` and the mutations and their payloads in `mutations`.

mod inputs;
mod mutations;
mod queries;

pub use inputs::{
    AddDocumentVersionInput, ChangeDocumentVisibilityInput, CreateDocumentInput,
    DocumentAgreementInput, DocumentFilter, DocumentOrder, DocumentOrderField, UpdateDocumentInput,
};
pub use mutations::{
    AddDocumentVersionPayload, DocumentAgreementPayload, DocumentMutation, DocumentPayload,
};
pub use queries::DocumentQuery;

use async_graphql::{Context, ID, Object};
use entities::{document, document_version};

use super::{
    accounts::User,
    context::{RequestState, state},
    enums::{DocumentKind, TextStatus, Visibility},
    error::{ApiError, ApiResult},
    ids::{self, NodeKind},
    inline::Inline,
    organizations::Organization,
    scalars::{Date, DateTime},
};

/// A good-practice guide, procedure, strategy or other shared document.
#[derive(Clone)]
pub struct Document(pub document::Model);

impl Document {
    /// Every uploaded file, newest first, through the request's batched
    /// loader.
    async fn version_rows(&self, ctx: &Context<'_>) -> ApiResult<Vec<document_version::Model>> {
        Ok(state(ctx)?
            .loaders
            .document_versions()
            .of(self.0.id)
            .await?)
    }
}

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
    async fn published_on(&self) -> Option<Date> {
        self.0.published_on.map(Date)
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the record was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When the record last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// The organization that owns and shares it.
    async fn owner(&self, ctx: &Context<'_>) -> ApiResult<Inline<Organization>> {
        Organization::referenced(state(ctx)?, self.0.owner_id).await
    }
    /// Tags, alphabetically.
    async fn tags(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let state = state(ctx)?;
        let tags = state.loaders.document_tags().of(self.0.id).await?;
        Ok(tags.into_iter().map(|t| t.tag).collect())
    }
    /// Every uploaded file, newest first.
    async fn versions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Inline<DocumentVersion>>> {
        let versions = self.version_rows(ctx).await?;
        Ok(versions
            .into_iter()
            .map(|v| Inline(DocumentVersion(v)))
            .collect())
    }
    /// The newest file, if any was uploaded.
    async fn latest_version(&self, ctx: &Context<'_>) -> ApiResult<Option<DocumentVersion>> {
        let versions = self.version_rows(ctx).await?;
        Ok(versions.into_iter().next().map(DocumentVersion))
    }
}

impl DocumentVersion {
    /// Whether the caller is a member of the document's owner, who alone
    /// sees who uploaded a file and how reading its text went.
    async fn seen_by_owner(&self, state: &RequestState) -> ApiResult<bool> {
        let document = state
            .loaders
            .document()
            .load_one(self.0.document_id)
            .await?;
        Ok(document.is_some_and(|d| state.actor.member_of().contains(&d.owner_id)))
    }
}

/// Where reading a version's text for search stands.
#[derive(async_graphql::SimpleObject)]
pub struct TextExtraction {
    /// The state.
    pub status: TextStatus,
    /// Why the text could not be read, when FAILED.
    pub failure: Option<String>,
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
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Where to download it: `GET` this path (same credentials as the API;
    /// supports `Range` and `If-None-Match`).
    async fn download_url(&self) -> String {
        format!(
            "/files/{}",
            ids::encode(NodeKind::DocumentVersion, self.0.id).0
        )
    }
    /// Who uploaded it; shown to members of the document's owner only (null
    /// for others, and for uploads by API tokens or imported data).
    async fn uploaded_by(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        let Some(user_id) = self.0.uploaded_by_id else {
            return Ok(None);
        };
        let state = state(ctx)?;
        if !self.seen_by_owner(state).await? {
            return Ok(None);
        }
        Ok(state.loaders.user().load_one(user_id).await?.map(User))
    }
    /// Where reading the file's text for search stands; shown to members
    /// of the document's owner only (null for others).
    async fn text_extraction(&self, ctx: &Context<'_>) -> ApiResult<Option<TextExtraction>> {
        Ok(self
            .seen_by_owner(state(ctx)?)
            .await?
            .then(|| TextExtraction {
                status: self.0.text_status.into(),
                failure: self.0.text_failure.clone(),
            }))
    }
    /// The document this is a version of.
    async fn document(&self, ctx: &Context<'_>) -> ApiResult<Document> {
        state(ctx)?
            .loaders
            .document()
            .load_one(self.0.document_id)
            .await?
            .map(Document)
            .ok_or(ApiError::NotFound("Document"))
    }
}

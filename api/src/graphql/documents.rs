//! Documents in GraphQL: the type, its tags and versions, the root
//! queries, and the mutations: create, update, change visibility, upload a
//! version (GraphQL multipart request spec), link to an agreement.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject, Upload};
use chrono::Utc;
use entities::{document, document_version};

use super::{
    DateRangeInput,
    accounts::User,
    agreements::Agreement,
    connection::{Conn, connection, page_args},
    context::state,
    enums::{DocumentKind, OrderDirection, Visibility, to_db},
    error::{ApiError, ApiResult},
    ids::{self, NodeKind},
    mutation::{UserError, user_errors},
    organizations::Organization,
    scalars::{Date, DateTime},
};
use crate::domain::{
    documents::{self as domain, DocumentFilter as Filter, DocumentSort},
    input::{filter_list, filter_texts, search_term},
};
use crate::storage::Files;

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
        let Some(document) = state.loaders.document.load_one(self.0.document_id).await? else {
            return Ok(None);
        };
        if !state.actor.member_of().contains(&document.owner_id) {
            return Ok(None);
        }
        Ok(state.loaders.user.load_one(user_id).await?.map(User))
    }
    /// The document this is a version of.
    async fn document(&self, ctx: &Context<'_>) -> ApiResult<Document> {
        state(ctx)?
            .loaders
            .document
            .load_one(self.0.document_id)
            .await?
            .map(Document)
            .ok_or(ApiError::NotFound("Document"))
    }
}

/// Filters for `documents`.
#[derive(InputObject, Default)]
pub struct DocumentFilter {
    /// Only these kinds (at most 100 entries).
    pub kinds: Option<Vec<DocumentKind>>,
    /// Only these languages (ISO 639-1 codes such as "ro", "en"; at most
    /// 100 entries of at most 200 characters).
    pub languages: Option<Vec<String>>,
    /// Only documents of this organization.
    pub owner_id: Option<ID>,
    /// Only documents carrying at least one of these tags (at most 100
    /// entries of at most 200 characters).
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
    #[graphql(
        complexity = "super::connection::list_cost(super::connection::page_weight(first, last), child_complexity)"
    )]
    async fn documents(
        &self,
        ctx: &Context<'_>,
        filter: Option<DocumentFilter>,
        #[graphql(
            desc = "Case- and diacritics-insensitive text search. At most 200 characters; one line."
        )]
        search: Option<String>,
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
            kinds: to_db(filter_list("filter.kinds", f.kinds)?),
            languages: filter_texts("filter.languages", f.languages)?,
            owner_id: ids::decode_opt(f.owner_id.as_ref(), NodeKind::Organization, "ownerId")?,
            tags: filter_texts("filter.tags", f.tags)?,
            published_on: DateRangeInput::to_domain(f.published_on, "publishedOn")?,
            search: search_term(search.as_deref())?,
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

/// Input of `createDocument`.
#[derive(InputObject)]
pub struct CreateDocumentInput {
    /// The owner organization (you must be one of its EDITORs).
    pub owner_id: ID,
    /// Title. At most 300 characters; one line.
    pub title: String,
    /// Short summary. At most 5000 characters; line breaks allowed.
    #[graphql(default)]
    pub summary: String,
    /// What it is.
    pub kind: DocumentKind,
    /// ISO 639-1 language code ("ro", "en", ...). At most 2 characters; one
    /// line.
    #[graphql(default_with = "String::from(\"ro\")")]
    pub language: String,
    /// Free-form tags (stored lower case; at most 20 distinct tags). Each at
    /// most 50 characters; one line.
    #[graphql(default)]
    pub tags: Vec<String>,
    /// Who may see it (PRIVATE unless said otherwise).
    #[graphql(default_with = "Visibility::Private")]
    pub visibility: Visibility,
    /// Publication date.
    pub published_on: Option<Date>,
}

/// Input of `updateDocument`: fields left out keep their value.
#[derive(InputObject)]
pub struct UpdateDocumentInput {
    /// The document.
    pub document_id: ID,
    /// The `version` you last read; a stale one is refused (CONFLICT).
    pub version: i32,
    /// New title. At most 300 characters; one line.
    pub title: Option<String>,
    /// New summary. At most 5000 characters; line breaks allowed.
    pub summary: Option<String>,
    /// New kind.
    pub kind: Option<DocumentKind>,
    /// New language (ISO 639-1). At most 2 characters; one line.
    pub language: Option<String>,
    /// New tags, replacing the old ones (at most 20 distinct tags). Each at
    /// most 50 characters; one line.
    pub tags: Option<Vec<String>>,
    /// New publication date; `null` clears it.
    pub published_on: MaybeUndefined<Date>,
}

/// Input of `changeDocumentVisibility`.
#[derive(InputObject)]
pub struct ChangeDocumentVisibilityInput {
    /// The document.
    pub document_id: ID,
    /// The `version` you last read; a stale one is refused (CONFLICT).
    pub version: i32,
    /// Who may see it from now on.
    pub visibility: Visibility,
}

/// Result of the mutations that change a document.
#[derive(SimpleObject)]
pub struct DocumentPayload {
    /// The document as it is now.
    pub document: Option<Document>,
    /// What to fix.
    pub user_errors: Vec<UserError>,
}

/// Input of `addDocumentVersion`, sent as a GraphQL multipart request.
#[derive(InputObject)]
pub struct AddDocumentVersionInput {
    /// The document.
    pub document_id: ID,
    /// The file. Its type is detected from the content (PDF, DOCX, ODT,
    /// XLSX, ODS, PPTX, PNG, JPEG, GIF, WebP, TIFF, UTF-8 text, Markdown by
    /// a `.md` name); its size is limited by the server's configuration.
    /// Its name is kept without folders: at most 255 characters.
    pub file: Upload,
    /// What changed since the previous version. At most 2000 characters;
    /// line breaks allowed.
    pub change_note: Option<String>,
}

/// Result of `addDocumentVersion`.
#[derive(SimpleObject)]
pub struct AddDocumentVersionPayload {
    /// The new version.
    pub version: Option<DocumentVersion>,
    /// Its document.
    pub document: Option<Document>,
    /// What to fix (a refused file: field `file`).
    pub user_errors: Vec<UserError>,
}

/// Input of `shareDocumentWithAgreement` and `unshareDocumentFromAgreement`.
#[derive(InputObject)]
pub struct DocumentAgreementInput {
    /// The document.
    pub document_id: ID,
    /// The agreement.
    pub agreement_id: ID,
}

/// Result of `shareDocumentWithAgreement` and
/// `unshareDocumentFromAgreement`.
#[derive(SimpleObject)]
pub struct DocumentAgreementPayload {
    /// The document.
    pub document: Option<Document>,
    /// The agreement (null if you may not see it).
    pub agreement: Option<Agreement>,
    /// What to fix.
    pub user_errors: Vec<UserError>,
}

fn document_payload(
    result: crate::domain::error::DomainResult<document::Model>,
) -> ApiResult<DocumentPayload> {
    let (document, user_errors) = user_errors(result)?;
    Ok(DocumentPayload {
        document: document.map(Document),
        user_errors,
    })
}

/// Mutations about documents. All need an EDITOR (or a READ_WRITE token)
/// of the document's owner.
#[derive(Default)]
pub struct DocumentMutation;

#[Object]
impl DocumentMutation {
    /// Creates a document. Creating it PUBLIC or PARTNERS publishes it
    /// (partners are alerted).
    async fn create_document(
        &self,
        ctx: &Context<'_>,
        input: CreateDocumentInput,
    ) -> ApiResult<DocumentPayload> {
        let s = state(ctx)?;
        let owner_id = ids::decode(&input.owner_id, NodeKind::Organization, "ownerId")?;
        let new = domain::NewDocument {
            owner_id,
            title: input.title,
            summary: input.summary,
            kind: input.kind.into(),
            language: input.language,
            tags: input.tags,
            visibility: input.visibility.into(),
            published_on: input.published_on.map(|day| day.0),
        };
        document_payload(domain::create(&s.db, &s.actor, new, Utc::now()).await)
    }

    /// Changes a document's metadata (not its visibility: see
    /// `changeDocumentVisibility`).
    async fn update_document(
        &self,
        ctx: &Context<'_>,
        input: UpdateDocumentInput,
    ) -> ApiResult<DocumentPayload> {
        let s = state(ctx)?;
        let id = ids::decode(&input.document_id, NodeKind::Document, "documentId")?;
        let changes = domain::DocumentChanges {
            title: input.title,
            summary: input.summary,
            kind: input.kind.map(Into::into),
            language: input.language,
            tags: input.tags,
            published_on: match input.published_on {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(day) => Some(Some(day.0)),
            },
        };
        document_payload(
            domain::update(&s.db, &s.actor, id, input.version, changes, Utc::now()).await,
        )
    }

    /// Changes who may see a document. Making it more visible publishes it
    /// (partners are alerted).
    async fn change_document_visibility(
        &self,
        ctx: &Context<'_>,
        input: ChangeDocumentVisibilityInput,
    ) -> ApiResult<DocumentPayload> {
        let s = state(ctx)?;
        let id = ids::decode(&input.document_id, NodeKind::Document, "documentId")?;
        document_payload(
            domain::change_visibility(
                &s.db,
                &s.actor,
                id,
                input.version,
                input.visibility.into(),
                Utc::now(),
            )
            .await,
        )
    }

    /// Uploads a new version of a document (send the request as
    /// `multipart/form-data`, GraphQL multipart request spec). A file of a
    /// type not accepted, or too large, is refused with a user error on
    /// `file` and nothing is stored.
    async fn add_document_version(
        &self,
        ctx: &Context<'_>,
        input: AddDocumentVersionInput,
    ) -> ApiResult<AddDocumentVersionPayload> {
        let s = state(ctx)?;
        let files = ctx
            .data::<Files>()
            .map_err(|_| ApiError::Internal("file storage missing".into()))?;
        let id = ids::decode(&input.document_id, NodeKind::Document, "documentId")?;
        let upload = input
            .file
            .value(ctx)
            .map_err(|err| ApiError::Internal(format!("upload unreadable: {err}")))?;
        let uploaded = domain::UploadedFile {
            file_name: upload.filename,
            content: upload.content,
        };
        let result = domain::add_version(
            &s.db,
            files,
            &s.actor,
            id,
            uploaded,
            input.change_note.as_deref(),
            Utc::now(),
        )
        .await;
        let (version, user_errors) = user_errors(result)?;
        let document = match &version {
            Some(v) => s
                .loaders
                .document
                .load_one(v.document_id)
                .await?
                .map(Document),
            None => None,
        };
        Ok(AddDocumentVersionPayload {
            version: version.map(DocumentVersion),
            document,
            user_errors,
        })
    }

    /// Links a document to an agreement (the signed text, an annex). The
    /// document's owner must be a party of the agreement. The link does not
    /// change who may see the document.
    async fn share_document_with_agreement(
        &self,
        ctx: &Context<'_>,
        input: DocumentAgreementInput,
    ) -> ApiResult<DocumentAgreementPayload> {
        let s = state(ctx)?;
        let document_id = ids::decode(&input.document_id, NodeKind::Document, "documentId")?;
        let agreement_id = ids::decode(&input.agreement_id, NodeKind::Agreement, "agreementId")?;
        let result =
            domain::share_with_agreement(&s.db, &s.actor, document_id, agreement_id, Utc::now())
                .await;
        let (shared, user_errors) = user_errors(result)?;
        let (document, agreement) = match shared {
            Some((d, a)) => (Some(Document(d)), Some(Agreement(a))),
            None => (None, None),
        };
        Ok(DocumentAgreementPayload {
            document,
            agreement,
            user_errors,
        })
    }

    /// Removes a document's link to an agreement.
    async fn unshare_document_from_agreement(
        &self,
        ctx: &Context<'_>,
        input: DocumentAgreementInput,
    ) -> ApiResult<DocumentAgreementPayload> {
        let s = state(ctx)?;
        let document_id = ids::decode(&input.document_id, NodeKind::Document, "documentId")?;
        let agreement_id = ids::decode(&input.agreement_id, NodeKind::Agreement, "agreementId")?;
        let result =
            domain::unshare_from_agreement(&s.db, &s.actor, document_id, agreement_id, Utc::now())
                .await;
        let (document, user_errors) = user_errors(result)?;
        let agreement = match document {
            Some(_) => s
                .loaders
                .agreement
                .load_one(agreement_id)
                .await?
                .map(Agreement),
            None => None,
        };
        Ok(DocumentAgreementPayload {
            document: document.map(Document),
            agreement,
            user_errors,
        })
    }
}

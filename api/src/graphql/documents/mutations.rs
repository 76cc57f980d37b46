//! The mutations of documents and their payloads: create, update, change
//! visibility, upload a version, link to and unlink from an agreement.

use async_graphql::{Context, MaybeUndefined, Object, SimpleObject};
use chrono::Utc;
use entities::document;

use super::{
    AddDocumentVersionInput, ChangeDocumentVisibilityInput, CreateDocumentInput, Document,
    DocumentAgreementInput, DocumentVersion, UpdateDocumentInput,
};
use crate::domain::documents as domain;
use crate::graphql::{
    agreements::Agreement,
    context::{RequestState, state},
    error::{ApiError, ApiResult},
    ids::{self, NodeKind},
    mutation::{Payload, Subject, UserError, user_errors},
};
use crate::storage::Files;

/// Result of the mutations that change a document.
pub type DocumentPayload = Payload<Document>;

impl Subject for Document {
    const PAYLOAD: &'static str = "DocumentPayload";
    const PAYLOAD_DOC: &'static str = "Result of the mutations that change a document.";
    const FIELD: &'static str = "document";
    const FIELD_DOC: &'static str = "The document as it is now.";
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
    Payload::of(result, Document)
}

/// The request's state, and the document and agreement a
/// document-agreement input names, decoded in that order.
fn document_agreement<'a>(
    ctx: &Context<'a>,
    input: &DocumentAgreementInput,
) -> ApiResult<(&'a RequestState, i64, i64)> {
    Ok((
        state(ctx)?,
        ids::decode(&input.document_id, NodeKind::Document, "documentId")?,
        ids::decode(&input.agreement_id, NodeKind::Agreement, "agreementId")?,
    ))
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
                .document()
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
        let (s, document_id, agreement_id) = document_agreement(ctx, &input)?;
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
        let (s, document_id, agreement_id) = document_agreement(ctx, &input)?;
        let result =
            domain::unshare_from_agreement(&s.db, &s.actor, document_id, agreement_id, Utc::now())
                .await;
        let (document, user_errors) = user_errors(result)?;
        let agreement = match document {
            Some(_) => s
                .loaders
                .agreement()
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

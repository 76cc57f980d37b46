//! The input types of the document queries and mutations: filters and
//! sort orders of `documents`, and one input per mutation.

use async_graphql::{Enum, ID, InputObject, MaybeUndefined, Upload};

use crate::graphql::{
    DateRangeInput,
    enums::{DocumentKind, OrderDirection, Visibility},
    scalars::Date,
};

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
    /// By relevance to `search` (required with it), best first whatever
    /// the direction.
    Relevance,
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

/// Input of `shareDocumentWithAgreement` and `unshareDocumentFromAgreement`.
#[derive(InputObject)]
pub struct DocumentAgreementInput {
    /// The document.
    pub document_id: ID,
    /// The agreement.
    pub agreement_id: ID,
}

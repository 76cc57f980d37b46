//! `document_versions`: immutable files of a document (metadata here; the
//! bytes live in content-addressed storage under `storage_key`).

use sea_orm::entity::prelude::*;

use crate::enums::TextStatus;

/// One uploaded file of a document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "document_versions")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The document.
    pub document_id: i64,
    /// 1, 2, 3... per document.
    pub number: i32,
    /// File name as uploaded.
    pub file_name: String,
    /// Media type detected from the content.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Key in the content-addressed store: `sha256/{sha256}`.
    pub storage_key: String,
    /// What changed since the previous version.
    pub change_note: Option<String>,
    /// When it was uploaded.
    pub created_at: DateTimeUtc,
    /// The user who uploaded it (none for an API token or seeded data).
    pub uploaded_by_id: Option<i64>,
    /// Where the extraction of its text stands.
    pub text_status: TextStatus,
    /// Why its text could not be read (status FAILED).
    pub text_failure: Option<String>,
    /// Extraction attempts that failed to reach the stored file.
    pub text_attempts: i32,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

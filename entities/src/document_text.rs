//! `document_texts`: the text extracted from a document version's file,
//! bounded, for search and snippets.

use sea_orm::entity::prelude::*;

/// The text of one version.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_texts")]
pub struct Model {
    /// The version it was read from.
    #[sea_orm(primary_key, auto_increment = false)]
    pub version_id: i64,
    /// The version's document (the search index keeps the newest).
    pub document_id: i64,
    /// The text, white space collapsed.
    pub content: String,
    /// Whether text past the limit was dropped.
    pub truncated: bool,
    /// When it was read.
    pub extracted_at: DateTimeUtc,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

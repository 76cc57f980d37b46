//! `document_tags`: free-form lower-case tags on documents, one row each so
//! the tag filter is an indexed lookup.

use sea_orm::entity::prelude::*;

/// One tag on one document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "document_tags")]
pub struct Model {
    /// The document.
    #[sea_orm(primary_key, auto_increment = false)]
    pub document_id: i64,
    /// The tag, normalised to lower case.
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag: String,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `documents`: good-practice guides, procedures, strategies and other
//! material an organization shares.

use sea_orm::entity::prelude::*;

use crate::enums::{DocumentKind, Visibility};

/// One document; its files are immutable `document_versions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The organization that owns and shares it.
    pub owner_id: i64,
    /// Title.
    pub title: String,
    /// Short summary.
    pub summary: String,
    /// What it is.
    pub kind: DocumentKind,
    /// ISO 639-1 language code ("ro", "en", ...).
    pub language: String,
    /// Who may see it.
    pub visibility: Visibility,
    /// When it was (or will be) published; orders and dates documents.
    pub published_on: Option<Date>,
    /// Lower-case, diacritics-free text searched by `search`.
    pub search_text: String,
    /// Optimistic-concurrency version, bumped on every change.
    pub version: i32,
    /// When the record was created.
    pub created_at: DateTimeUtc,
    /// When the record last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `organizations`: municipalities, county councils, central institutions and
//! NGOs. Public registry data, visible to everyone.

use sea_orm::entity::prelude::*;

use crate::enums::OrganizationKind;

/// One institution or NGO.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// URL-safe unique handle.
    #[sea_orm(unique)]
    pub slug: String,
    /// Official name.
    pub name: String,
    /// Kind of body.
    pub kind: OrganizationKind,
    /// Romanian fiscal code (CIF), digits only, check digit valid.
    #[sea_orm(unique)]
    pub fiscal_code: Option<String>,
    /// County (județ), e.g. "Timiș".
    pub county: Option<String>,
    /// Locality (localitate).
    pub locality: Option<String>,
    /// Public website.
    pub website: Option<String>,
    /// Public contact address.
    pub contact_email: Option<String>,
    /// Short presentation.
    pub description: Option<String>,
    /// Lower-case, diacritics-free text searched by `search`.
    pub search_text: String,
    /// Optimistic-concurrency version, bumped on every profile change.
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

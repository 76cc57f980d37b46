//! `agreement_documents`: documents linked to an agreement (the signed text,
//! annexes).

use sea_orm::entity::prelude::*;

/// One link between an agreement and a document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "agreement_documents")]
pub struct Model {
    /// The agreement.
    #[sea_orm(primary_key, auto_increment = false)]
    pub agreement_id: i64,
    /// The document.
    #[sea_orm(primary_key, auto_increment = false)]
    pub document_id: i64,
    /// The user who linked it (none for an API token).
    pub shared_by_id: Option<i64>,
    /// When it was linked.
    pub created_at: DateTimeUtc,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

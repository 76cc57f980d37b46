//! `activity_documents`: documents used or produced by an activity.

use sea_orm::entity::prelude::*;

/// One link between an activity and a document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "activity_documents")]
pub struct Model {
    /// The activity.
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: i64,
    /// The document.
    #[sea_orm(primary_key, auto_increment = false)]
    pub document_id: i64,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

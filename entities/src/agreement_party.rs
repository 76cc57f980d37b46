//! `agreement_parties`: which organizations are bound by an agreement and
//! whether each has signed or declined.

use sea_orm::entity::prelude::*;

/// One party to one agreement.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "agreement_parties")]
pub struct Model {
    /// Surrogate key (also the stable order of parties).
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The agreement.
    pub agreement_id: i64,
    /// The party.
    pub organization_id: i64,
    /// When this party signed, if it has.
    pub signed_at: Option<DateTimeUtc>,
    /// Name and office of the person who signed for the party.
    pub signatory: Option<String>,
    /// When this party declined, if it has.
    pub declined_at: Option<DateTimeUtc>,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

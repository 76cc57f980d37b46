//! `projects`: funded projects whose results Pactum tracks. Public by
//! nature: beneficiaries of public funds must publish their results.

use sea_orm::entity::prelude::*;

/// One funded project.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The beneficiary organization.
    pub owner_id: i64,
    /// Project code(s), e.g. "SIPOCA 1102 / SMIS 151977"; unique.
    #[sea_orm(unique)]
    pub code: String,
    /// Title.
    pub title: String,
    /// Funding programme, e.g. "POCA 2014-2020".
    pub programme: String,
    /// Financing contract number, e.g. "582/15.09.2021".
    pub contract_number: Option<String>,
    /// First day.
    pub start_date: Date,
    /// Last day.
    pub end_date: Date,
    /// What the project set out to do.
    pub summary: String,
    /// Lower-case, diacritics-free text searched by `search`.
    pub search_text: String,
    /// When the record was created.
    pub created_at: DateTimeUtc,
    /// Optimistic-concurrency version, bumped on every change.
    pub version: i32,
    /// Last day of the sustainability period after the project, in which
    /// the beneficiary keeps its commitments (not before `end_date`).
    pub sustainability_end_date: Option<Date>,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

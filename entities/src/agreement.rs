//! `agreements`: cooperation agreements between two or more organizations.

use sea_orm::entity::prelude::*;

use crate::enums::{AgreementKind, AgreementStatus, Visibility};

/// One agreement; its signatories are in `agreement_parties`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "agreements")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The organization that drafted it (also a party); owns its visibility.
    pub initiator_id: i64,
    /// Title as written on the agreement.
    pub title: String,
    /// Legal form.
    pub kind: AgreementKind,
    /// Lifecycle state.
    pub status: AgreementStatus,
    /// What the parties commit to.
    pub objectives: String,
    /// First day in force.
    pub start_date: Option<Date>,
    /// Last day in force.
    pub end_date: Option<Date>,
    /// Who may see it.
    pub visibility: Visibility,
    /// Lower-case, diacritics-free text searched by `search`.
    pub search_text: String,
    /// Optimistic-concurrency version, bumped on every change.
    pub version: i32,
    /// Why a party ended it early (TERMINATED only).
    pub termination_reason: Option<String>,
    /// When the record was created.
    pub created_at: DateTimeUtc,
    /// When the record last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

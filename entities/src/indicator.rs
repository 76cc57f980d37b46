//! `indicators`: a project's result indicators (baseline, target, achieved).

use sea_orm::entity::prelude::*;

use crate::enums::IndicatorDerivation;

/// One result indicator.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "indicators")]
pub struct Model {
    /// Surrogate key (also the stable order of a project's indicators).
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// What is measured.
    pub name: String,
    /// Unit ("persoane", "documente", ...).
    pub unit: String,
    /// Value before the project.
    pub baseline: f64,
    /// Value aimed for.
    pub target: f64,
    /// Value reached so far, for an entered indicator. A derived
    /// indicator keeps 0 here: its value is counted per viewer when read.
    pub achieved: f64,
    /// The rule `achieved` is derived by; `None` when it is entered.
    pub derivation: Option<IndicatorDerivation>,
    /// Optimistic-concurrency version, bumped on every edit (not when the
    /// activities a derived value counts change).
    pub version: i32,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

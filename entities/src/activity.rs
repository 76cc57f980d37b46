//! `activities`: joint trainings, workshops, campaigns, surveys...

use sea_orm::entity::prelude::*;

use crate::enums::{ActivityKind, ActivityStatus, Visibility};

/// One joint activity.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The lead organizer, which owns the record's visibility.
    pub owner_id: i64,
    /// The agreement this activity implements, if any.
    pub agreement_id: Option<i64>,
    /// The funded project this activity belongs to, if any.
    pub project_id: Option<i64>,
    /// Title.
    pub title: String,
    /// What sort of activity.
    pub kind: ActivityKind,
    /// Planned, completed or cancelled.
    pub status: ActivityStatus,
    /// Description.
    pub description: String,
    /// First day.
    pub start_date: Date,
    /// Last day (same as the first for one-day events).
    pub end_date: Date,
    /// Where it takes place.
    pub place: Option<String>,
    /// Link for online participation.
    pub online_url: Option<String>,
    /// Certificates or diplomas issued.
    pub certificates_issued: i32,
    /// What came of it.
    pub outcomes: Option<String>,
    /// Why it was cancelled, when it was and a reason was given.
    pub cancellation_reason: Option<String>,
    /// Who may see it.
    pub visibility: Visibility,
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

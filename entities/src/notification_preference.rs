//! `notification_preferences`: how a user wants each kind of alert.

use sea_orm::entity::prelude::*;

use crate::enums::{AlertKind, Delivery};

/// One user's choice for one alert kind (no row: IMMEDIATE).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "notification_preferences")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The user.
    pub user_id: i64,
    /// The alert kind.
    pub kind: AlertKind,
    /// Immediate, daily digest or off.
    pub delivery: Delivery,
    /// When it was last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

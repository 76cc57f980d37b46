//! `outbox`: e-mail alerts waiting to be sent, and the record of those sent.

use sea_orm::entity::prelude::*;

use crate::enums::{AlertKind, Language, OutboxStatus};

/// One alert to one recipient, rendered.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    /// Surrogate key (also the sending order).
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique per (recipient, alert): the same alert is never queued twice.
    pub dedupe_key: String,
    /// What the alert is about.
    pub kind: AlertKind,
    /// The domain event that caused it, if one did.
    pub event_id: Option<i64>,
    /// The recipient user (none for invitations to an address).
    pub user_id: Option<i64>,
    /// The address it goes to.
    pub recipient: String,
    /// The language it was rendered in.
    pub language: Language,
    /// Where it stands.
    pub status: OutboxStatus,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML body.
    pub body_html: String,
    /// The link to the record it is about (digests list it).
    pub link: String,
    /// Sending attempts so far.
    pub attempts: i32,
    /// Not to be tried before this.
    pub next_attempt_at: DateTimeUtc,
    /// Claimed by a worker until this instant.
    pub lease_until: Option<DateTimeUtc>,
    /// The last sending error, for operators.
    pub last_error: Option<String>,
    /// The digest row that carried it (status DIGESTED).
    pub digest_id: Option<i64>,
    /// When it was queued.
    pub created_at: DateTimeUtc,
    /// When the mail server accepted it.
    pub sent_at: Option<DateTimeUtc>,
}

/// Relations are resolved through DataLoaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

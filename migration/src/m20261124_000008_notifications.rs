//! E-mail alerts: the outbox, the consumer's cursor over `domain_events`, and
//! each user's delivery preferences.
//!
//! `outbox`: one row per (recipient, alert), made unique by `dedupe_key`
//! (`event:{event id}:user:{user id}`, `expiring:{agreement}:{days}:user:{id}`,
//! `digest:{user}:{day}`), rendered when it is queued, sent by the worker.
//! `status`: PENDING (to send), HELD (waiting for the daily digest), SENT,
//! FAILED, DIGESTED (sent inside a digest). `lease_until` marks a row a
//! worker has claimed; an expired lease means the worker died.
//!
//! `notification_cursors`: one row per consumer of `domain_events`, advanced
//! in the same transaction as the outbox rows it produced. It starts at the
//! newest event, so turning alerts on does not mail the past.
//!
//! `notification_preferences`: a user's choice per alert kind (IMMEDIATE,
//! DAILY_DIGEST or OFF); no row means IMMEDIATE.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{enum_text, fk, index};

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

const ALERT_KINDS: &[&str] = &[
    "AGREEMENT_PROPOSED",
    "AGREEMENT_ACTIVATED",
    "AGREEMENT_TERMINATED",
    "AGREEMENT_EXPIRING",
    "DOCUMENT_PUBLISHED",
    "ACTIVITY_SCHEDULED",
    "ACTIVITY_CHANGED",
    "ACTIVITY_CANCELLED",
    "MEMBER_INVITED",
    "DAILY_DIGEST",
];
const DELIVERIES: &[&str] = &["IMMEDIATE", "DAILY_DIGEST", "OFF"];
const STATUSES: &[&str] = &["PENDING", "HELD", "SENT", "FAILED", "DIGESTED"];
const LANGUAGES: &[&str] = &["ro", "en"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(big_pk_auto(Outbox::Id))
                .col(text(Outbox::DedupeKey).unique_key())
                .col(enum_text(Outbox::Kind, ALERT_KINDS))
                .col(big_integer_null(Outbox::EventId))
                .col(big_integer_null(Outbox::UserId))
                .col(text(Outbox::Recipient).check(Expr::col(Outbox::Recipient).like("%_@_%")))
                .col(enum_text(Outbox::Language, LANGUAGES))
                .col(enum_text(Outbox::Status, STATUSES))
                .col(text(Outbox::Subject))
                .col(text(Outbox::BodyText))
                .col(text(Outbox::BodyHtml))
                .col(text(Outbox::Link))
                .col(integer(Outbox::Attempts).default(0))
                .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                .col(timestamp_with_time_zone_null(Outbox::LeaseUntil))
                .col(text_null(Outbox::LastError))
                .col(big_integer_null(Outbox::DigestId))
                .col(timestamp_with_time_zone(Outbox::CreatedAt))
                .col(timestamp_with_time_zone_null(Outbox::SentAt))
                .foreign_key(&mut fk(
                    Outbox::Table,
                    Outbox::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_outbox_due", &["status", "next_attempt_at", "id"][..]),
            ("ix_outbox_user", &["user_id", "status", "id"][..]),
        ] {
            m.create_index(index(Outbox::Table, name, cols, false))
                .await?;
        }

        m.create_table(
            Table::create()
                .table(NotificationCursors::Table)
                .col(text(NotificationCursors::Name).primary_key())
                .col(big_integer(NotificationCursors::LastEventId))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO notification_cursors (name, last_event_id) \
                 SELECT 'alerts', COALESCE(MAX(id), 0) FROM domain_events",
            )
            .await?;

        m.create_table(
            Table::create()
                .table(NotificationPreferences::Table)
                .col(big_pk_auto(NotificationPreferences::Id))
                .col(big_integer(NotificationPreferences::UserId))
                .col(enum_text(NotificationPreferences::Kind, ALERT_KINDS))
                .col(enum_text(NotificationPreferences::Delivery, DELIVERIES))
                .col(timestamp_with_time_zone(NotificationPreferences::UpdatedAt))
                .foreign_key(&mut fk(
                    NotificationPreferences::Table,
                    NotificationPreferences::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            NotificationPreferences::Table,
            "ux_notification_preferences_user_kind",
            &["user_id", "kind"],
            true,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            NotificationPreferences::Table.into_iden(),
            NotificationCursors::Table.into_iden(),
            Outbox::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone)]
enum Users {
    Table,
}

#[derive(DeriveIden, Clone)]
enum Outbox {
    Table,
    Id,
    DedupeKey,
    Kind,
    EventId,
    UserId,
    Recipient,
    Language,
    Status,
    Subject,
    BodyText,
    BodyHtml,
    Link,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    DigestId,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden, Clone)]
enum NotificationCursors {
    Table,
    Name,
    LastEventId,
}

#[derive(DeriveIden, Clone)]
enum NotificationPreferences {
    Table,
    Id,
    UserId,
    Kind,
    Delivery,
    UpdatedAt,
}

//! The audit log and domain events.
//!
//! `audit_log`: one entry per mutation (actor, organization, action, entity,
//! before/after JSON), hash-chained: each entry's `hash` covers its fields
//! and the previous entry's hash, so editing or deleting a row breaks the
//! chain (`pactum audit verify`). `audit_head` is a single row holding the
//! chain's tip; appending locks it, so concurrent writers extend one chain
//! rather than forking it.
//!
//! `domain_events`: a typed record of every state change, written in the
//! same transaction as the change, read later by the mail outbox and the
//! subscriptions without touching the mutations.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{enum_text, index};

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

const ACTOR_KINDS: &[&str] = &["USER", "API_TOKEN", "OPERATOR", "SYSTEM"];
const EVENT_KINDS: &[&str] = &[
    "AGREEMENT_PROPOSED",
    "AGREEMENT_SIGNED",
    "AGREEMENT_ACTIVATED",
    "AGREEMENT_DECLINED",
    "AGREEMENT_WITHDRAWN",
    "AGREEMENT_TERMINATED",
    "AGREEMENT_EXPIRED",
    "DOCUMENT_PUBLISHED",
    "DOCUMENT_VERSION_ADDED",
    "ACTIVITY_SCHEDULED",
    "ACTIVITY_CHANGED",
    "ACTIVITY_CANCELLED",
    "ACTIVITY_COMPLETED",
    "MEMBER_INVITED",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                .col(big_integer_null(AuditLog::OrganizationId))
                .col(enum_text(AuditLog::ActorKind, ACTOR_KINDS))
                .col(big_integer_null(AuditLog::ActorUserId))
                .col(big_integer_null(AuditLog::ActorTokenId))
                .col(text(AuditLog::Action).check(Expr::col(AuditLog::Action).ne("")))
                .col(text(AuditLog::Entity))
                .col(big_integer(AuditLog::EntityId))
                .col(text_null(AuditLog::Before))
                .col(text_null(AuditLog::After))
                .col(timestamp_with_time_zone(AuditLog::CreatedAt))
                .col(text(AuditLog::PrevHash))
                .col(text(AuditLog::Hash).check(Expr::cust("length(hash) = 64")))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_audit_log_org", &["organization_id", "id"][..]),
            ("ix_audit_log_entity", &["entity", "entity_id", "id"][..]),
            ("ix_audit_log_actor", &["actor_user_id", "id"][..]),
            ("ix_audit_log_created_at", &["created_at", "id"][..]),
        ] {
            m.create_index(index(AuditLog::Table, name, cols, false))
                .await?;
        }
        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(big_integer(AuditHead::Id).primary_key())
                .col(big_integer(AuditHead::LastId))
                .col(text(AuditHead::LastHash))
                .check(Expr::cust("id = 1"))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '{}')",
                "0".repeat(64)
            ))
            .await?;

        m.create_table(
            Table::create()
                .table(DomainEvents::Table)
                .col(big_pk_auto(DomainEvents::Id))
                .col(enum_text(DomainEvents::Kind, EVENT_KINDS))
                .col(big_integer_null(DomainEvents::OrganizationId))
                .col(text(DomainEvents::Entity))
                .col(big_integer(DomainEvents::EntityId))
                .col(big_integer_null(DomainEvents::ActorUserId))
                .col(text(DomainEvents::Payload))
                .col(timestamp_with_time_zone(DomainEvents::CreatedAt))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_domain_events_kind", &["kind", "id"][..]),
            (
                "ix_domain_events_entity",
                &["entity", "entity_id", "id"][..],
            ),
        ] {
            m.create_index(index(DomainEvents::Table, name, cols, false))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DomainEvents::Table.into_iden(),
            AuditHead::Table.into_iden(),
            AuditLog::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone)]
enum AuditLog {
    Table,
    Id,
    OrganizationId,
    ActorKind,
    ActorUserId,
    ActorTokenId,
    Action,
    Entity,
    EntityId,
    Before,
    After,
    CreatedAt,
    PrevHash,
    Hash,
}

#[derive(DeriveIden, Clone)]
enum AuditHead {
    Table,
    Id,
    LastId,
    LastHash,
}

#[derive(DeriveIden, Clone)]
enum DomainEvents {
    Table,
    Id,
    Kind,
    OrganizationId,
    Entity,
    EntityId,
    ActorUserId,
    Payload,
    CreatedAt,
}

//! Accounts and access: users, their login identities, memberships in
//! organizations with a role, sessions, organization API tokens, pending
//! invitations and in-flight OAuth logins.
//!
//! Secrets (session and API tokens, OAuth `state`) are stored only as their
//! SHA-256 hashes, so a copy of the database opens no session.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{enum_text, fk, index};

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

const ROLES: &[&str] = &["OWNER", "ADMIN", "EDITOR", "VIEWER"];
const TOKEN_SCOPES: &[&str] = &["READ", "READ_WRITE"];
const LANGUAGES: &[&str] = &["ro", "en"];

/// An e-mail column: stored lower-case, with something on both sides of `@`.
fn email(col: impl IntoIden + Clone + 'static) -> ColumnDef {
    text(col.clone())
        .check(
            Expr::col(col.clone())
                .eq(Func::lower(Expr::col(col.clone())))
                .and(Expr::col(col).like("%_@_%")),
        )
        .to_owned()
}

/// A SHA-256 hex digest column.
fn digest(col: impl IntoIden + Clone + 'static) -> ColumnDef {
    text(col.clone())
        .check(Expr::cust(format!("length({}) = 64", col.into_iden())))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(big_pk_auto(Users::Id))
                .col(email(Users::Email))
                .col(text(Users::DisplayName).check(Expr::col(Users::DisplayName).ne("")))
                .col(enum_text(Users::PreferredLanguage, LANGUAGES))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Users::Table, "ix_users_email", &["email"], false))
            .await?;

        m.create_table(
            Table::create()
                .table(Identities::Table)
                .col(big_pk_auto(Identities::Id))
                .col(big_integer(Identities::UserId))
                .col(text(Identities::Provider).check(Expr::col(Identities::Provider).ne("")))
                .col(text(Identities::Subject).check(Expr::col(Identities::Subject).ne("")))
                .col(text_null(Identities::Email))
                .col(boolean(Identities::EmailVerified))
                .col(timestamp_with_time_zone(Identities::CreatedAt))
                .col(timestamp_with_time_zone(Identities::LastLoginAt))
                .foreign_key(&mut fk(
                    Identities::Table,
                    Identities::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            Identities::Table,
            "ux_identities_provider_subject",
            &["provider", "subject"],
            true,
        ))
        .await?;
        m.create_index(index(
            Identities::Table,
            "ix_identities_user",
            &["user_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Memberships::Table)
                .col(big_pk_auto(Memberships::Id))
                .col(big_integer(Memberships::UserId))
                .col(big_integer(Memberships::OrganizationId))
                .col(enum_text(Memberships::Role, ROLES))
                .col(timestamp_with_time_zone(Memberships::CreatedAt))
                .col(timestamp_with_time_zone(Memberships::UpdatedAt))
                .foreign_key(&mut fk(
                    Memberships::Table,
                    Memberships::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    Memberships::Table,
                    Memberships::OrganizationId,
                    Organizations::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            Memberships::Table,
            "ux_memberships_user_org",
            &["user_id", "organization_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            Memberships::Table,
            "ix_memberships_org_role",
            &["organization_id", "role", "id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(big_pk_auto(Sessions::Id))
                .col(big_integer(Sessions::UserId))
                .col(digest(Sessions::TokenHash))
                .col(text_null(Sessions::UserAgent))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .col(timestamp_with_time_zone(Sessions::AbsoluteExpiresAt))
                .col(timestamp_with_time_zone_null(Sessions::RevokedAt))
                .check(Expr::cust("expires_at <= absolute_expires_at"))
                .foreign_key(&mut fk(
                    Sessions::Table,
                    Sessions::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            Sessions::Table,
            "ux_sessions_token_hash",
            &["token_hash"],
            true,
        ))
        .await?;
        m.create_index(index(
            Sessions::Table,
            "ix_sessions_user",
            &["user_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(big_pk_auto(ApiTokens::Id))
                .col(big_integer(ApiTokens::OrganizationId))
                .col(text(ApiTokens::Name).check(Expr::col(ApiTokens::Name).ne("")))
                .col(enum_text(ApiTokens::Scope, TOKEN_SCOPES))
                .col(digest(ApiTokens::TokenHash))
                .col(text(ApiTokens::Hint))
                .col(big_integer_null(ApiTokens::CreatedById))
                .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                .col(timestamp_with_time_zone(ApiTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                .check(Expr::cust("expires_at > created_at"))
                .foreign_key(&mut fk(
                    ApiTokens::Table,
                    ApiTokens::OrganizationId,
                    Organizations::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    ApiTokens::Table,
                    ApiTokens::CreatedById,
                    Users::Table,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            ApiTokens::Table,
            "ux_api_tokens_token_hash",
            &["token_hash"],
            true,
        ))
        .await?;
        m.create_index(index(
            ApiTokens::Table,
            "ix_api_tokens_org",
            &["organization_id", "id"],
            false,
        ))
        .await?;
        m.create_index(index(
            ApiTokens::Table,
            "ix_api_tokens_created_by",
            &["created_by_id", "id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Invitations::Table)
                .col(big_pk_auto(Invitations::Id))
                .col(big_integer(Invitations::OrganizationId))
                .col(email(Invitations::Email))
                .col(enum_text(Invitations::Role, ROLES))
                .col(big_integer_null(Invitations::InvitedById))
                .col(timestamp_with_time_zone(Invitations::CreatedAt))
                .col(timestamp_with_time_zone(Invitations::ExpiresAt))
                .col(timestamp_with_time_zone_null(Invitations::AcceptedAt))
                .col(big_integer_null(Invitations::AcceptedById))
                .col(timestamp_with_time_zone_null(Invitations::RevokedAt))
                .check(Expr::cust("accepted_at IS NULL OR revoked_at IS NULL"))
                .foreign_key(&mut fk(
                    Invitations::Table,
                    Invitations::OrganizationId,
                    Organizations::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    Invitations::Table,
                    Invitations::InvitedById,
                    Users::Table,
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    Invitations::Table,
                    Invitations::AcceptedById,
                    Users::Table,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        // One open invitation per address and organization (a partial
        // index, the same SQL on SQLite and PostgreSQL).
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_invitations_open ON invitations (organization_id, email) \
                 WHERE accepted_at IS NULL AND revoked_at IS NULL",
            )
            .await?;
        m.create_index(index(
            Invitations::Table,
            "ix_invitations_email",
            &["email"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(LoginAttempts::Table)
                .col(big_pk_auto(LoginAttempts::Id))
                .col(digest(LoginAttempts::StateHash))
                .col(text(LoginAttempts::Provider))
                .col(text(LoginAttempts::PkceVerifier))
                .col(text(LoginAttempts::Nonce))
                .col(text(LoginAttempts::ReturnTo))
                .col(timestamp_with_time_zone(LoginAttempts::CreatedAt))
                .col(timestamp_with_time_zone(LoginAttempts::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            LoginAttempts::Table,
            "ux_login_attempts_state_hash",
            &["state_hash"],
            true,
        ))
        .await?;
        m.create_index(index(
            LoginAttempts::Table,
            "ix_login_attempts_expires_at",
            &["expires_at"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LoginAttempts::Table.into_iden(),
            Invitations::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            Memberships::Table.into_iden(),
            Identities::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone)]
enum Organizations {
    Table,
}

#[derive(DeriveIden, Clone)]
enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    PreferredLanguage,
    CreatedAt,
    UpdatedAt,
    LastLoginAt,
}

#[derive(DeriveIden, Clone)]
enum Identities {
    Table,
    Id,
    UserId,
    Provider,
    Subject,
    Email,
    EmailVerified,
    CreatedAt,
    LastLoginAt,
}

#[derive(DeriveIden, Clone)]
enum Memberships {
    Table,
    Id,
    UserId,
    OrganizationId,
    Role,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum Sessions {
    Table,
    Id,
    UserId,
    TokenHash,
    UserAgent,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    AbsoluteExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone)]
enum ApiTokens {
    Table,
    Id,
    OrganizationId,
    Name,
    Scope,
    TokenHash,
    Hint,
    CreatedById,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone)]
enum Invitations {
    Table,
    Id,
    OrganizationId,
    Email,
    Role,
    InvitedById,
    CreatedAt,
    ExpiresAt,
    AcceptedAt,
    AcceptedById,
    RevokedAt,
}

#[derive(DeriveIden, Clone)]
enum LoginAttempts {
    Table,
    Id,
    StateHash,
    Provider,
    PkceVerifier,
    Nonce,
    ReturnTo,
    CreatedAt,
    ExpiresAt,
}

//! The foundation: organizations, agreements and parties, documents with tags
//! and versions, activities with organizers, participation counts and linked
//! documents, funded projects and their indicators.
//!
//! Enums are TEXT with CHECK constraints (portable between SQLite and
//! PostgreSQL); every column the API filters or orders by has an index.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{enum_text, fk, index};

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

const ORGANIZATION_KINDS: &[&str] = &[
    "MUNICIPALITY",
    "COUNTY_COUNCIL",
    "CENTRAL_INSTITUTION",
    "NGO",
    "OTHER_PUBLIC_BODY",
];
const VISIBILITIES: &[&str] = &["PUBLIC", "PARTNERS", "PRIVATE"];
const AGREEMENT_KINDS: &[&str] = &["COOPERATION", "PARTNERSHIP", "PROTOCOL", "MEMORANDUM"];
const AGREEMENT_STATUSES: &[&str] = &[
    "DRAFT",
    "PROPOSED",
    "ACTIVE",
    "EXPIRED",
    "TERMINATED",
    "DECLINED",
    "WITHDRAWN",
];
const DOCUMENT_KINDS: &[&str] = &[
    "GOOD_PRACTICE_GUIDE",
    "PROCEDURE",
    "STRATEGY",
    "RISK_ANALYSIS",
    "SURVEY_REPORT",
    "TRAINING_MATERIAL",
    "CODE_OF_ETHICS",
    "REPORT",
    "OTHER",
];
const ACTIVITY_KINDS: &[&str] = &[
    "WORKSHOP",
    "TRAINING_COURSE",
    "AWARENESS_CAMPAIGN",
    "CONFERENCE",
    "SURVEY",
    "AUDIT",
    "MEETING",
    "OTHER",
];
const ACTIVITY_STATUSES: &[&str] = &["PLANNED", "COMPLETED", "CANCELLED"];
const PARTICIPANT_ROLES: &[&str] = &[
    "ELECTED_OFFICIAL",
    "CIVIL_SERVANT",
    "TRAINER",
    "NGO_REPRESENTATIVE",
    "CITIZEN",
    "OTHER",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Organizations::Table)
                .col(big_pk_auto(Organizations::Id))
                .col(
                    text(Organizations::Slug).check(
                        Expr::col(Organizations::Slug).ne("").and(
                            Expr::col(Organizations::Slug)
                                .eq(Func::lower(Expr::col(Organizations::Slug))),
                        ),
                    ),
                )
                .col(text(Organizations::Name).check(Expr::col(Organizations::Name).ne("")))
                .col(enum_text(Organizations::Kind, ORGANIZATION_KINDS))
                .col(
                    text_null(Organizations::FiscalCode)
                        .check(Expr::cust("length(fiscal_code) BETWEEN 2 AND 10")),
                )
                .col(text_null(Organizations::County))
                .col(text_null(Organizations::Locality))
                .col(text_null(Organizations::Website))
                .col(text_null(Organizations::ContactEmail))
                .col(text_null(Organizations::Description))
                .col(text(Organizations::SearchText))
                .col(timestamp_with_time_zone(Organizations::CreatedAt))
                .col(timestamp_with_time_zone(Organizations::UpdatedAt))
                .to_owned(),
        )
        .await?;
        for (name, cols, unique) in [
            ("ux_organizations_slug", &["slug"][..], true),
            ("ux_organizations_fiscal_code", &["fiscal_code"][..], true),
            ("ix_organizations_kind", &["kind", "id"][..], false),
            ("ix_organizations_county", &["county", "id"][..], false),
            ("ix_organizations_name", &["name", "id"][..], false),
            (
                "ix_organizations_created_at",
                &["created_at", "id"][..],
                false,
            ),
        ] {
            m.create_index(index(Organizations::Table, name, cols, unique))
                .await?;
        }

        m.create_table(
            Table::create()
                .table(Agreements::Table)
                .col(big_pk_auto(Agreements::Id))
                .col(big_integer(Agreements::InitiatorId))
                .col(text(Agreements::Title).check(Expr::col(Agreements::Title).ne("")))
                .col(enum_text(Agreements::Kind, AGREEMENT_KINDS))
                .col(enum_text(Agreements::Status, AGREEMENT_STATUSES))
                .col(text(Agreements::Objectives))
                .col(date_null(Agreements::StartDate))
                .col(date_null(Agreements::EndDate))
                .col(enum_text(Agreements::Visibility, VISIBILITIES))
                .col(text(Agreements::SearchText))
                .col(integer(Agreements::Version).check(Expr::col(Agreements::Version).gte(1)))
                .col(timestamp_with_time_zone(Agreements::CreatedAt))
                .col(timestamp_with_time_zone(Agreements::UpdatedAt))
                .check(Expr::cust(
                    "start_date IS NULL OR end_date IS NULL OR end_date >= start_date",
                ))
                .foreign_key(&mut fk(
                    Agreements::Table,
                    Agreements::InitiatorId,
                    Organizations::Table,
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_agreements_initiator", &["initiator_id", "id"][..]),
            ("ix_agreements_status", &["status", "id"][..]),
            ("ix_agreements_kind", &["kind", "id"][..]),
            ("ix_agreements_visibility", &["visibility", "id"][..]),
            ("ix_agreements_start_date", &["start_date", "id"][..]),
            ("ix_agreements_end_date", &["end_date", "id"][..]),
            ("ix_agreements_title", &["title", "id"][..]),
            ("ix_agreements_created_at", &["created_at", "id"][..]),
        ] {
            m.create_index(index(Agreements::Table, name, cols, false))
                .await?;
        }

        m.create_table(
            Table::create()
                .table(AgreementParties::Table)
                .col(big_pk_auto(AgreementParties::Id))
                .col(big_integer(AgreementParties::AgreementId))
                .col(big_integer(AgreementParties::OrganizationId))
                .col(timestamp_with_time_zone_null(AgreementParties::SignedAt))
                .col(text_null(AgreementParties::Signatory))
                .col(timestamp_with_time_zone_null(AgreementParties::DeclinedAt))
                .check(Expr::cust("signed_at IS NULL OR declined_at IS NULL"))
                .foreign_key(&mut fk(
                    AgreementParties::Table,
                    AgreementParties::AgreementId,
                    Agreements::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    AgreementParties::Table,
                    AgreementParties::OrganizationId,
                    Organizations::Table,
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            AgreementParties::Table,
            "ux_agreement_parties_agreement_org",
            &["agreement_id", "organization_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            AgreementParties::Table,
            "ix_agreement_parties_org",
            &["organization_id", "agreement_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Documents::Table)
                .col(big_pk_auto(Documents::Id))
                .col(big_integer(Documents::OwnerId))
                .col(text(Documents::Title).check(Expr::col(Documents::Title).ne("")))
                .col(text(Documents::Summary))
                .col(enum_text(Documents::Kind, DOCUMENT_KINDS))
                .col(
                    text(Documents::Language).check(Expr::cust("length(language) BETWEEN 2 AND 3")),
                )
                .col(enum_text(Documents::Visibility, VISIBILITIES))
                .col(date_null(Documents::PublishedOn))
                .col(text(Documents::SearchText))
                .col(integer(Documents::Version).check(Expr::col(Documents::Version).gte(1)))
                .col(timestamp_with_time_zone(Documents::CreatedAt))
                .col(timestamp_with_time_zone(Documents::UpdatedAt))
                .foreign_key(&mut fk(
                    Documents::Table,
                    Documents::OwnerId,
                    Organizations::Table,
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_documents_owner", &["owner_id", "id"][..]),
            ("ix_documents_kind", &["kind", "id"][..]),
            ("ix_documents_language", &["language", "id"][..]),
            ("ix_documents_visibility", &["visibility", "id"][..]),
            ("ix_documents_published_on", &["published_on", "id"][..]),
            ("ix_documents_title", &["title", "id"][..]),
            ("ix_documents_created_at", &["created_at", "id"][..]),
        ] {
            m.create_index(index(Documents::Table, name, cols, false))
                .await?;
        }

        m.create_table(
            Table::create()
                .table(DocumentTags::Table)
                .col(big_integer(DocumentTags::DocumentId))
                .col(
                    text(DocumentTags::Tag).check(Expr::col(DocumentTags::Tag).ne("").and(
                        Expr::col(DocumentTags::Tag).eq(Func::lower(Expr::col(DocumentTags::Tag))),
                    )),
                )
                .primary_key(
                    Index::create()
                        .col(DocumentTags::DocumentId)
                        .col(DocumentTags::Tag),
                )
                .foreign_key(&mut fk(
                    DocumentTags::Table,
                    DocumentTags::DocumentId,
                    Documents::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            DocumentTags::Table,
            "ix_document_tags_tag",
            &["tag", "document_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(DocumentVersions::Table)
                .col(big_pk_auto(DocumentVersions::Id))
                .col(big_integer(DocumentVersions::DocumentId))
                .col(
                    integer(DocumentVersions::Number)
                        .check(Expr::col(DocumentVersions::Number).gte(1)),
                )
                .col(
                    text(DocumentVersions::FileName)
                        .check(Expr::col(DocumentVersions::FileName).ne("")),
                )
                .col(text(DocumentVersions::MediaType))
                .col(
                    big_integer(DocumentVersions::SizeBytes)
                        .check(Expr::col(DocumentVersions::SizeBytes).gte(0)),
                )
                .col(text(DocumentVersions::Sha256).check(Expr::cust("length(sha256) = 64")))
                .col(text(DocumentVersions::StorageKey))
                .col(text_null(DocumentVersions::ChangeNote))
                .col(timestamp_with_time_zone(DocumentVersions::CreatedAt))
                .foreign_key(&mut fk(
                    DocumentVersions::Table,
                    DocumentVersions::DocumentId,
                    Documents::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            DocumentVersions::Table,
            "ux_document_versions_number",
            &["document_id", "number"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Projects::Table)
                .col(big_pk_auto(Projects::Id))
                .col(big_integer(Projects::OwnerId))
                .col(text(Projects::Code).check(Expr::col(Projects::Code).ne("")))
                .col(text(Projects::Title).check(Expr::col(Projects::Title).ne("")))
                .col(text(Projects::Programme))
                .col(text_null(Projects::ContractNumber))
                .col(date(Projects::StartDate))
                .col(date(Projects::EndDate))
                .col(text(Projects::Summary))
                .col(text(Projects::SearchText))
                .col(timestamp_with_time_zone(Projects::CreatedAt))
                .check(Expr::cust("end_date >= start_date"))
                .foreign_key(&mut fk(
                    Projects::Table,
                    Projects::OwnerId,
                    Organizations::Table,
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Projects::Table, "ux_projects_code", &["code"], true))
            .await?;
        m.create_index(index(
            Projects::Table,
            "ix_projects_owner",
            &["owner_id", "id"],
            false,
        ))
        .await?;
        m.create_index(index(
            Projects::Table,
            "ix_projects_start_date",
            &["start_date", "id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Indicators::Table)
                .col(big_pk_auto(Indicators::Id))
                .col(big_integer(Indicators::ProjectId))
                .col(text(Indicators::Name).check(Expr::col(Indicators::Name).ne("")))
                .col(text(Indicators::Unit))
                .col(double(Indicators::Baseline).check(Expr::col(Indicators::Baseline).gte(0)))
                .col(double(Indicators::Target).check(Expr::col(Indicators::Target).gte(0)))
                .col(double(Indicators::Achieved).check(Expr::col(Indicators::Achieved).gte(0)))
                .foreign_key(&mut fk(
                    Indicators::Table,
                    Indicators::ProjectId,
                    Projects::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            Indicators::Table,
            "ix_indicators_project",
            &["project_id", "id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Activities::Table)
                .col(big_pk_auto(Activities::Id))
                .col(big_integer(Activities::OwnerId))
                .col(big_integer_null(Activities::AgreementId))
                .col(big_integer_null(Activities::ProjectId))
                .col(text(Activities::Title).check(Expr::col(Activities::Title).ne("")))
                .col(enum_text(Activities::Kind, ACTIVITY_KINDS))
                .col(enum_text(Activities::Status, ACTIVITY_STATUSES))
                .col(text(Activities::Description))
                .col(date(Activities::StartDate))
                .col(date(Activities::EndDate))
                .col(text_null(Activities::Place))
                .col(text_null(Activities::OnlineUrl))
                .col(
                    integer(Activities::CertificatesIssued)
                        .check(Expr::col(Activities::CertificatesIssued).gte(0)),
                )
                .col(text_null(Activities::Outcomes))
                .col(enum_text(Activities::Visibility, VISIBILITIES))
                .col(text(Activities::SearchText))
                .col(integer(Activities::Version).check(Expr::col(Activities::Version).gte(1)))
                .col(timestamp_with_time_zone(Activities::CreatedAt))
                .col(timestamp_with_time_zone(Activities::UpdatedAt))
                .check(Expr::cust("end_date >= start_date"))
                .foreign_key(&mut fk(
                    Activities::Table,
                    Activities::OwnerId,
                    Organizations::Table,
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    Activities::Table,
                    Activities::AgreementId,
                    Agreements::Table,
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    Activities::Table,
                    Activities::ProjectId,
                    Projects::Table,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_activities_owner", &["owner_id", "id"][..]),
            ("ix_activities_agreement", &["agreement_id", "id"][..]),
            ("ix_activities_project", &["project_id", "id"][..]),
            ("ix_activities_kind", &["kind", "id"][..]),
            ("ix_activities_status", &["status", "id"][..]),
            ("ix_activities_visibility", &["visibility", "id"][..]),
            ("ix_activities_start_date", &["start_date", "id"][..]),
            ("ix_activities_title", &["title", "id"][..]),
            ("ix_activities_created_at", &["created_at", "id"][..]),
        ] {
            m.create_index(index(Activities::Table, name, cols, false))
                .await?;
        }

        m.create_table(
            Table::create()
                .table(ActivityOrganizers::Table)
                .col(big_pk_auto(ActivityOrganizers::Id))
                .col(big_integer(ActivityOrganizers::ActivityId))
                .col(big_integer(ActivityOrganizers::OrganizationId))
                .foreign_key(&mut fk(
                    ActivityOrganizers::Table,
                    ActivityOrganizers::ActivityId,
                    Activities::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    ActivityOrganizers::Table,
                    ActivityOrganizers::OrganizationId,
                    Organizations::Table,
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            ActivityOrganizers::Table,
            "ux_activity_organizers_activity_org",
            &["activity_id", "organization_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            ActivityOrganizers::Table,
            "ix_activity_organizers_org",
            &["organization_id", "activity_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(ActivityParticipations::Table)
                .col(big_pk_auto(ActivityParticipations::Id))
                .col(big_integer(ActivityParticipations::ActivityId))
                .col(big_integer(ActivityParticipations::OrganizationId))
                .col(enum_text(ActivityParticipations::Role, PARTICIPANT_ROLES))
                .col(
                    integer(ActivityParticipations::Count)
                        .check(Expr::col(ActivityParticipations::Count).gte(0)),
                )
                .foreign_key(&mut fk(
                    ActivityParticipations::Table,
                    ActivityParticipations::ActivityId,
                    Activities::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    ActivityParticipations::Table,
                    ActivityParticipations::OrganizationId,
                    Organizations::Table,
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            ActivityParticipations::Table,
            "ux_activity_participations_key",
            &["activity_id", "organization_id", "role"],
            true,
        ))
        .await?;
        m.create_index(index(
            ActivityParticipations::Table,
            "ix_activity_participations_org",
            &["organization_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(ActivityDocuments::Table)
                .col(big_integer(ActivityDocuments::ActivityId))
                .col(big_integer(ActivityDocuments::DocumentId))
                .primary_key(
                    Index::create()
                        .col(ActivityDocuments::ActivityId)
                        .col(ActivityDocuments::DocumentId),
                )
                .foreign_key(&mut fk(
                    ActivityDocuments::Table,
                    ActivityDocuments::ActivityId,
                    Activities::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    ActivityDocuments::Table,
                    ActivityDocuments::DocumentId,
                    Documents::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            ActivityDocuments::Table,
            "ix_activity_documents_document",
            &["document_id", "activity_id"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ActivityDocuments::Table.into_iden(),
            ActivityParticipations::Table.into_iden(),
            ActivityOrganizers::Table.into_iden(),
            Activities::Table.into_iden(),
            Indicators::Table.into_iden(),
            Projects::Table.into_iden(),
            DocumentVersions::Table.into_iden(),
            DocumentTags::Table.into_iden(),
            Documents::Table.into_iden(),
            AgreementParties::Table.into_iden(),
            Agreements::Table.into_iden(),
            Organizations::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone)]
enum Organizations {
    Table,
    Id,
    Slug,
    Name,
    Kind,
    FiscalCode,
    County,
    Locality,
    Website,
    ContactEmail,
    Description,
    SearchText,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum Agreements {
    Table,
    Id,
    InitiatorId,
    Title,
    Kind,
    Status,
    Objectives,
    StartDate,
    EndDate,
    Visibility,
    SearchText,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum AgreementParties {
    Table,
    Id,
    AgreementId,
    OrganizationId,
    SignedAt,
    Signatory,
    DeclinedAt,
}

#[derive(DeriveIden, Clone)]
enum Documents {
    Table,
    Id,
    OwnerId,
    Title,
    Summary,
    Kind,
    Language,
    Visibility,
    PublishedOn,
    SearchText,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum DocumentTags {
    Table,
    DocumentId,
    Tag,
}

#[derive(DeriveIden, Clone)]
enum DocumentVersions {
    Table,
    Id,
    DocumentId,
    Number,
    FileName,
    MediaType,
    SizeBytes,
    Sha256,
    StorageKey,
    ChangeNote,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
enum Projects {
    Table,
    Id,
    OwnerId,
    Code,
    Title,
    Programme,
    ContractNumber,
    StartDate,
    EndDate,
    Summary,
    SearchText,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
enum Indicators {
    Table,
    Id,
    ProjectId,
    Name,
    Unit,
    Baseline,
    Target,
    Achieved,
}

#[derive(DeriveIden, Clone)]
enum Activities {
    Table,
    Id,
    OwnerId,
    AgreementId,
    ProjectId,
    Title,
    Kind,
    Status,
    Description,
    StartDate,
    EndDate,
    Place,
    OnlineUrl,
    CertificatesIssued,
    Outcomes,
    Visibility,
    SearchText,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum ActivityOrganizers {
    Table,
    Id,
    ActivityId,
    OrganizationId,
}

#[derive(DeriveIden, Clone)]
enum ActivityParticipations {
    Table,
    Id,
    ActivityId,
    OrganizationId,
    Role,
    Count,
}

#[derive(DeriveIden, Clone)]
enum ActivityDocuments {
    Table,
    ActivityId,
    DocumentId,
}

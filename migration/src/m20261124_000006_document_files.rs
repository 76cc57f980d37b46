//! Document files and agreement links.
//!
//! `document_versions.uploaded_by_id`: the user who uploaded a version
//! (NULL for versions added by an API token, by an operator, or before
//! uploads existed). It is added without a foreign key because SQLite cannot
//! add one to an existing table; users are never deleted.
//!
//! `agreement_documents`: documents linked to an agreement (the signed text,
//! annexes), shared by an editor of the document's owner when that owner is
//! a party of the agreement.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(DocumentVersions::Table)
                .add_column(big_integer_null(DocumentVersions::UploadedById))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AgreementDocuments::Table)
                .col(big_integer(AgreementDocuments::AgreementId))
                .col(big_integer(AgreementDocuments::DocumentId))
                .col(big_integer_null(AgreementDocuments::SharedById))
                .col(timestamp_with_time_zone(AgreementDocuments::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(AgreementDocuments::AgreementId)
                        .col(AgreementDocuments::DocumentId),
                )
                .foreign_key(&mut fk(
                    AgreementDocuments::Table,
                    AgreementDocuments::AgreementId,
                    Agreements::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    AgreementDocuments::Table,
                    AgreementDocuments::DocumentId,
                    Documents::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            AgreementDocuments::Table,
            "ix_agreement_documents_document",
            &["document_id", "agreement_id"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AgreementDocuments::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(DocumentVersions::Table)
                .drop_column(DocumentVersions::UploadedById)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden, Clone)]
enum DocumentVersions {
    Table,
    UploadedById,
}

#[derive(DeriveIden, Clone)]
enum AgreementDocuments {
    Table,
    AgreementId,
    DocumentId,
    SharedById,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
enum Agreements {
    Table,
}

#[derive(DeriveIden, Clone)]
enum Documents {
    Table,
}

//! The text of uploaded files, read after the upload committed. The
//! version's `text_status` is the queue: the upload's own transaction
//! records the version PENDING, so a crash between the upload and the
//! extraction loses nothing, and the extraction job takes PENDING versions
//! oldest first. Recording a result is one transaction that moves the
//! status only if it is still PENDING, so two nodes that read the same
//! file store its text once.

use chrono::{DateTime, Utc};
use entities::{document_text, document_version, enums::TextStatus};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
    sea_query::{Expr, ExprTrait, OnConflict},
};

use crate::domain::{error::DomainResult, media::text::Extraction};

/// Versions read per round of the job.
pub const EXTRACTION_BATCH: u64 = 8;

/// Reads from storage that may fail before a version is marked FAILED.
pub const MAX_ATTEMPTS: i32 = 10;

/// Why a version whose file is gone has no text.
pub const NOT_IN_STORAGE: &str = "the file is not in storage";

/// A version waiting for its text.
#[derive(Debug, Clone)]
pub struct PendingText {
    /// The version.
    pub version_id: i64,
    /// Its stored media type.
    pub media_type: String,
    /// The address of its bytes.
    pub sha256: String,
    /// Its recorded size.
    pub size_bytes: i64,
}

/// The oldest versions waiting for their text, at most `limit`.
pub async fn pending<C: ConnectionTrait>(db: &C, limit: u64) -> DomainResult<Vec<PendingText>> {
    let rows = document_version::Entity::find()
        .filter(document_version::Column::TextStatus.eq(TextStatus::Pending))
        .order_by_asc(document_version::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|v| PendingText {
            version_id: v.id,
            media_type: v.media_type,
            sha256: v.sha256,
            size_bytes: v.size_bytes,
        })
        .collect())
}

/// Records what extraction found for `version`; `false` if another node
/// recorded it first.
pub async fn record(
    db: &DatabaseConnection,
    version: &PendingText,
    extraction: Extraction,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let (status, failure, text) = match extraction {
        Extraction::Text { text, truncated } => {
            let status = if truncated {
                TextStatus::Truncated
            } else {
                TextStatus::Extracted
            };
            (status, None, Some((text, truncated)))
        }
        Extraction::Unsupported => (TextStatus::Unsupported, None, None),
        Extraction::Failed(reason) => (TextStatus::Failed, Some(reason), None),
    };
    let txn = crate::domain::begin_write(db).await?;
    let moved = document_version::Entity::update_many()
        .col_expr(document_version::Column::TextStatus, Expr::value(status))
        .col_expr(document_version::Column::TextFailure, Expr::value(failure))
        .filter(document_version::Column::Id.eq(version.version_id))
        .filter(document_version::Column::TextStatus.eq(TextStatus::Pending))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if moved && let Some((content, truncated)) = text {
        let document_id = document_version::Entity::find_by_id(version.version_id)
            .select_only()
            .column(document_version::Column::DocumentId)
            .into_tuple::<i64>()
            .one(&txn)
            .await?;
        if let Some(document_id) = document_id {
            document_text::Entity::insert(document_text::ActiveModel {
                version_id: Set(version.version_id),
                document_id: Set(document_id),
                content: Set(content),
                truncated: Set(truncated),
                extracted_at: Set(now),
            })
            .on_conflict(
                OnConflict::column(document_text::Column::VersionId)
                    .do_nothing()
                    .to_owned(),
            )
            .try_insert()
            .exec(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(moved)
}

/// Counts a failed read of `version`'s file from storage; after
/// [`MAX_ATTEMPTS`] the version is FAILED with `reason`.
pub async fn read_failed<C: ConnectionTrait>(
    db: &C,
    version: &PendingText,
    reason: &str,
) -> DomainResult<()> {
    let attempts = Expr::col(document_version::Column::TextAttempts).add(1);
    let give_up = Expr::col(document_version::Column::TextAttempts).gte(MAX_ATTEMPTS - 1);
    document_version::Entity::update_many()
        .col_expr(document_version::Column::TextAttempts, attempts)
        .col_expr(
            document_version::Column::TextStatus,
            Expr::case(give_up.clone(), Expr::value(TextStatus::Failed))
                .finally(Expr::value(TextStatus::Pending))
                .into(),
        )
        .col_expr(
            document_version::Column::TextFailure,
            Expr::case(give_up, Expr::value(reason.to_owned()))
                .finally(Expr::value(Option::<String>::None))
                .into(),
        )
        .filter(document_version::Column::Id.eq(version.version_id))
        .filter(document_version::Column::TextStatus.eq(TextStatus::Pending))
        .exec(db)
        .await?;
    Ok(())
}

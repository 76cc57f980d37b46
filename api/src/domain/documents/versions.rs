//! Uploading a new version of a document: the file's size and type are
//! checked and its bytes stored before the transaction that records the
//! version, so a refused file leaves nothing behind and no lock waits on
//! I/O.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use entities::{document, document_version, enums::EventKind};
use futures::StreamExt;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait, sea_query::Expr,
};

use super::{find_visible, lock_for_edit};
use crate::{
    domain::{
        actor::Actor,
        audit::{Author, Change},
        error::{DomainError, DomainResult},
        events::Event,
        input::fields,
        media::{self, Detected},
        policy::{Action, authorize},
        values::FileName,
        write::Write,
    },
    storage::{Files, StorageError, storage_key},
};

/// An uploaded file, spooled to a temporary file by the HTTP layer.
#[derive(Debug)]
pub struct UploadedFile {
    /// The name the client gave (only the last path segment is kept).
    pub file_name: String,
    /// The content.
    pub content: std::fs::File,
}

/// How long an upload waits for its turn to be checked
/// ([`Files::checks`]) before it is refused.
const CHECK_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// "50 MiB", "512 KiB", "700 bytes".
fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// Adds a version to a document (EDITOR of the owner): checks the file's
/// size (at most `files.max_upload_bytes`) and its type (detected, then parsed: a file that is not what
/// it claims is refused, see [`media`]), stores its bytes content-addressed, then records
/// the version (DOCUMENT_VERSION_ADDED). A refused file leaves nothing
/// behind: it is checked before anything is stored.
pub async fn add_version<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    files: &Files,
    actor: &Actor,
    document_id: i64,
    upload: UploadedFile,
    change_note: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<document_version::Model> {
    let (storage, max_bytes) = (files.storage.as_ref(), files.max_upload_bytes);
    // Permission and existence first: nobody spends I/O on a refusal.
    let found = find_visible(db, actor, document_id).await?;
    authorize(actor, Action::EditDocuments, found.owner_id)?;
    let file_name = FileName::parse(&upload.file_name)?.into_string();
    let change_note = fields::CHANGE_NOTE.optional(change_note)?;
    let mut content = upload.content;
    let size = content.metadata().map_err(io_error)?.len();
    if size > max_bytes {
        return Err(DomainError::invalid(
            "file",
            format!(
                "the file has {size} bytes; at most {} are accepted",
                human_size(max_bytes)
            ),
        ));
    }
    let name_for_sniffing = file_name.clone();
    // The turn moves into the check: a client that hangs up does not free
    // it while the check still runs.
    let turn = tokio::time::timeout(CHECK_WAIT, Arc::clone(&files.checks).acquire_owned())
        .await
        .map_err(|_| {
            DomainError::invalid(
                "file",
                "too many uploads are being checked right now; send the file again in a minute",
            )
        })?
        .map_err(|err| io_error(std::io::Error::other(err)))?;
    let (content, inspection) = tokio::task::spawn_blocking(move || {
        let checked = media::inspect(&mut content, &name_for_sniffing).map(|i| (content, i));
        drop(turn);
        checked
    })
    .await
    .map_err(|err| io_error(std::io::Error::other(err)))?
    .map_err(io_error)?;
    let media_type = match &inspection.detected {
        Detected::Allowed(media) => *media,
        Detected::Refused(found) => {
            let what = found
                .as_deref()
                .map_or_else(|| "this type".to_owned(), |t| format!("type {t}"));
            return Err(DomainError::invalid(
                "file",
                format!(
                    "files of {what} are not accepted; accepted: {}",
                    media::ACCEPTED
                ),
            ));
        }
        Detected::Invalid { claimed, reason } => {
            return Err(DomainError::invalid(
                "file",
                format!("the file looks like {claimed} but is not a valid one ({reason})"),
            ));
        }
        Detected::TooLarge { claimed, limit } => {
            return Err(DomainError::invalid(
                "file",
                format!("the file looks like {claimed} but is too large to check: {limit}"),
            ));
        }
    };
    if inspection.size > max_bytes {
        return Err(DomainError::invalid(
            "file",
            format!("at most {} are accepted", human_size(max_bytes)),
        ));
    }
    if !storage
        .exists(&inspection.sha256)
        .await
        .map_err(storage_error)?
    {
        let stream = tokio_util::io::ReaderStream::with_capacity(
            tokio::fs::File::from_std(content),
            64 * 1024,
        )
        .boxed();
        storage
            .put(&inspection.sha256, stream)
            .await
            .map_err(storage_error)?;
    }

    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let document = lock_for_edit(&txn, actor, document_id).await?;
    let last = document_version::Entity::find()
        .select_only()
        .column_as(document_version::Column::Number.max(), "last")
        .filter(document_version::Column::DocumentId.eq(document_id))
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten()
        .unwrap_or(0);
    let version = document_version::ActiveModel {
        document_id: Set(document_id),
        number: Set(last + 1),
        file_name: Set(file_name),
        media_type: Set(media_type.as_str().to_owned()),
        size_bytes: Set(i64::try_from(inspection.size).unwrap_or(i64::MAX)),
        storage_key: Set(storage_key(&inspection.sha256)),
        sha256: Set(inspection.sha256),
        change_note: Set(change_note),
        created_at: Set(now),
        uploaded_by_id: Set(actor.user_id()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    document::Entity::update_many()
        .col_expr(document::Column::UpdatedAt, Expr::value(now))
        .filter(document::Column::Id.eq(document_id))
        .exec(&txn)
        .await?;
    txn.audit(Change::of(
        Some(document.owner_id),
        "document.add_version",
        "DocumentVersion",
        version.id,
        None::<&()>,
        Some(&version),
    ));
    let payload = serde_json::json!({
        "versionId": version.id,
        "number": version.number,
        "fileName": version.file_name,
        "mediaType": version.media_type,
        "sizeBytes": version.size_bytes,
        "sha256": version.sha256,
    });
    txn.event(Event::about(
        EventKind::DocumentVersionAdded,
        document.owner_id,
        "Document",
        document.id,
        payload,
    ));
    txn.commit().await?;
    Ok(version)
}

/// A failure outside the database (`what`: where), reported as an
/// internal error.
fn internal(what: &str, err: impl std::fmt::Display) -> DomainError {
    DomainError::Database(Arc::new(sea_orm::DbErr::Custom(format!("{what}: {err}"))))
}

fn io_error(err: std::io::Error) -> DomainError {
    internal("upload I/O", err)
}

fn storage_error(err: StorageError) -> DomainError {
    internal("file storage", err)
}

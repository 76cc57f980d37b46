//! Documents shared by organizations: listing, lookup, tags, versions and
//! the lists hanging off organizations and activities.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, NaiveDate, Utc};
use entities::{
    agreement, agreement_document, agreement_party, document, document_tag, document_version,
    enums::{DocumentKind, EventKind, Visibility},
};
use futures::StreamExt;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Set, TransactionSession,
    TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

use super::{
    DateRange,
    actor::Actor,
    agreements,
    audit::{self, Author, Change},
    check_version, column,
    error::{DomainError, DomainResult},
    events::{self, Event},
    inner_join,
    input::{self, check_list_len, fields},
    listing::{ChildQuery, OrderTerm, paginate},
    load_by_ids,
    media::{self, Detected},
    pagination::{Page, PageArgs, PageLimits},
    policy::{Action, authorize},
    search_condition,
    text::searchable,
    visibility::visible_to,
};
use crate::storage::{Files, StorageError, storage_key};

/// Which documents a list shows.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    /// Only these kinds.
    pub kinds: Option<Vec<DocumentKind>>,
    /// Only these languages (ISO 639-1 codes).
    pub languages: Option<Vec<String>>,
    /// Only documents owned by this organization.
    pub owner_id: Option<i64>,
    /// Only documents carrying at least one of these tags.
    pub tags: Option<Vec<String>>,
    /// Publication date within this range.
    pub published_on: DateRange,
    /// Case- and diacritics-insensitive text search.
    pub search: Option<String>,
}

/// What documents are sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DocumentSort {
    /// By creation time.
    #[default]
    CreatedAt,
    /// By title.
    Title,
    /// By publication date (unpublished last).
    PublishedOn,
}

/// The condition "one of `orgs` owns the document".
fn owned_by(orgs: Vec<i64>) -> Condition {
    Condition::all().add(document::Column::OwnerId.is_in(orgs))
}

/// The documents `actor` may see.
pub fn visible(actor: &Actor) -> Select<document::Entity> {
    document::Entity::find().filter(visible_to(actor, document::Column::Visibility, owned_by))
}

/// Normalises a tag as stored: trimmed, lower case.
pub fn normalize_tag(tag: &str) -> String {
    tag.trim().to_lowercase()
}

/// Lists the documents `actor` may see, filtered and ordered.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    filter: &DocumentFilter,
    sort: DocumentSort,
    descending: bool,
    args: PageArgs,
    limits: PageLimits,
) -> DomainResult<Page<document::Model>> {
    let mut cond =
        Condition::all().add(filter.published_on.condition(document::Column::PublishedOn));
    if let Some(kinds) = &filter.kinds {
        cond = cond.add(document::Column::Kind.is_in(kinds.iter().copied()));
    }
    if let Some(languages) = &filter.languages {
        cond = cond.add(
            document::Column::Language.is_in(languages.iter().map(|l| l.trim().to_lowercase())),
        );
    }
    if let Some(owner) = filter.owner_id {
        cond = cond.add(document::Column::OwnerId.eq(owner));
    }
    if let Some(tags) = &filter.tags {
        cond = cond.add(
            document::Column::Id.in_subquery(
                document_tag::Entity::find()
                    .select_only()
                    .column(document_tag::Column::DocumentId)
                    .filter(document_tag::Column::Tag.is_in(tags.iter().map(|t| normalize_tag(t))))
                    .into_query(),
            ),
        );
    }
    if let Some(search) = search_condition(document::Column::SearchText, filter.search.as_deref()) {
        cond = cond.add(search);
    }
    let column = match sort {
        DocumentSort::CreatedAt => document::Column::CreatedAt,
        DocumentSort::Title => document::Column::Title,
        DocumentSort::PublishedOn => document::Column::PublishedOn,
    };
    let order = [
        OrderTerm::new(column, descending),
        OrderTerm::new(document::Column::Id, descending),
    ];
    paginate(db, visible(actor).filter(cond), &order, args, limits).await
}

/// The documents with these ids that `actor` may see.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    ids: &[i64],
) -> DomainResult<HashMap<i64, document::Model>> {
    load_by_ids(db, visible(actor), document::Column::Id, ids, |m| m.id).await
}

/// The document versions with these ids whose document `actor` may see.
pub async fn versions_by_ids<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    ids: &[i64],
) -> DomainResult<HashMap<i64, document_version::Model>> {
    let select = inner_join(
        document_version::Entity::find(),
        "documents",
        column("documents", "id").equals((
            document_version::Entity,
            document_version::Column::DocumentId,
        )),
    )
    .filter(visible_to(actor, document::Column::Visibility, owned_by));
    load_by_ids(db, select, document_version::Column::Id, ids, |m| m.id).await
}

/// Each organization's documents, newest first.
pub fn of_owners(actor: &Actor) -> ChildQuery<document::Entity> {
    ChildQuery::new(
        visible(actor),
        ("documents", "owner_id"),
        vec![
            OrderTerm::desc(document::Column::CreatedAt),
            OrderTerm::desc(document::Column::Id),
        ],
    )
}

/// Each activity's linked documents, by title.
pub fn of_activities(actor: &Actor) -> ChildQuery<document::Entity> {
    let select = inner_join(
        visible(actor),
        "activity_documents",
        column("activity_documents", "document_id")
            .equals((document::Entity, document::Column::Id)),
    );
    ChildQuery::new(
        select,
        ("activity_documents", "activity_id"),
        vec![
            OrderTerm::asc(document::Column::Title),
            OrderTerm::asc(document::Column::Id),
        ],
    )
}

/// Each document's tags, alphabetically. The caller has checked the
/// document is visible.
pub fn tags_of_documents() -> ChildQuery<document_tag::Entity> {
    ChildQuery::new(
        document_tag::Entity::find(),
        ("document_tags", "document_id"),
        vec![OrderTerm::asc(document_tag::Column::Tag)],
    )
}

/// Each document's versions, newest first. The caller has checked the
/// document is visible.
pub fn versions_of_documents() -> ChildQuery<document_version::Entity> {
    ChildQuery::new(
        document_version::Entity::find(),
        ("document_versions", "document_id"),
        vec![OrderTerm::desc(document_version::Column::Number)],
    )
}

/// Each agreement's linked documents, by title (only those `actor` may
/// see: linking never widens a document's visibility).
pub fn of_agreements(actor: &Actor) -> ChildQuery<document::Entity> {
    let select = inner_join(
        visible(actor),
        "agreement_documents",
        column("agreement_documents", "document_id")
            .equals((document::Entity, document::Column::Id)),
    );
    ChildQuery::new(
        select,
        ("agreement_documents", "agreement_id"),
        vec![
            OrderTerm::asc(document::Column::Title),
            OrderTerm::asc(document::Column::Id),
        ],
    )
}

/// The version `actor` wants to download, if its document is visible to
/// them (invisible and missing are the same NOT_FOUND).
pub async fn version_for_download<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    version_id: i64,
) -> DomainResult<document_version::Model> {
    versions_by_ids(db, actor, &[version_id])
        .await?
        .remove(&version_id)
        .ok_or(DomainError::NotFound {
            entity: "DocumentVersion",
        })
}

// ---------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------

/// Most tags on one document (each tag's rule is [`fields::TAG`]).
pub const MAX_TAGS: usize = 20;

/// A new document's metadata.
#[derive(Debug, Clone)]
pub struct NewDocument {
    /// The owner organization (the actor must be one of its EDITORs).
    pub owner_id: i64,
    /// Title.
    pub title: String,
    /// Short summary.
    pub summary: String,
    /// What it is.
    pub kind: DocumentKind,
    /// ISO 639-1 language code.
    pub language: String,
    /// Free-form tags.
    pub tags: Vec<String>,
    /// Who may see it.
    pub visibility: Visibility,
    /// Publication date.
    pub published_on: Option<NaiveDate>,
}

/// Metadata changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct DocumentChanges {
    /// New title.
    pub title: Option<String>,
    /// New summary.
    pub summary: Option<String>,
    /// New kind.
    pub kind: Option<DocumentKind>,
    /// New language.
    pub language: Option<String>,
    /// New tags (replacing the old ones).
    pub tags: Option<Vec<String>>,
    /// New publication date (`Some(None)` clears it).
    pub published_on: Option<Option<NaiveDate>>,
}

/// A document and its tags, as written to the audit log.
#[derive(Debug, serde::Serialize)]
struct DocumentRecord<'a> {
    #[serde(flatten)]
    document: &'a document::Model,
    tags: &'a [String],
}

/// How widely a visibility shares: PRIVATE < PARTNERS < PUBLIC.
fn reach(visibility: Visibility) -> u8 {
    match visibility {
        Visibility::Private => 0,
        Visibility::Partners => 1,
        Visibility::Public => 2,
    }
}

fn visibility_name(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Private => "PRIVATE",
        Visibility::Partners => "PARTNERS",
        Visibility::Public => "PUBLIC",
    }
}

/// An ISO 639-1 code, lower case. Its format is stricter than the text
/// rule of [`fields::LANGUAGE`]; any refusal names the format.
fn checked_language(language: &str) -> DomainResult<String> {
    match fields::LANGUAGE.clean(language).map(|l| l.to_lowercase()) {
        Ok(language) if language.len() == 2 && language.bytes().all(|b| b.is_ascii_lowercase()) => {
            Ok(language)
        }
        _ => Err(DomainError::invalid(
            fields::LANGUAGE.name,
            "the language must be an ISO 639-1 code of two letters, such as \"ro\" or \"en\"",
        )),
    }
}

/// Normalised, de-duplicated, sorted tags.
fn checked_tags(tags: &[String]) -> DomainResult<Vec<String>> {
    check_list_len(fields::TAG.name, tags.len())?;
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = normalize_tag(&fields::TAG.clean(tag)?);
        if tag.is_empty() {
            return Err(DomainError::invalid("tags", "a tag may not be empty"));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(DomainError::invalid(
            "tags",
            format!("a document may have at most {MAX_TAGS} tags"),
        ));
    }
    out.sort();
    Ok(out)
}

fn document_search_text(title: &str, summary: &str) -> String {
    searchable(&[title, summary])
}

async fn replace_tags<C: ConnectionTrait>(
    db: &C,
    document_id: i64,
    tags: &[String],
) -> DomainResult<()> {
    document_tag::Entity::delete_many()
        .filter(document_tag::Column::DocumentId.eq(document_id))
        .exec(db)
        .await?;
    if !tags.is_empty() {
        document_tag::Entity::insert_many(tags.iter().map(|tag| document_tag::ActiveModel {
            document_id: Set(document_id),
            tag: Set(tag.clone()),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

async fn tags_of<C: ConnectionTrait>(db: &C, document_id: i64) -> DomainResult<Vec<String>> {
    Ok(document_tag::Entity::find()
        .filter(document_tag::Column::DocumentId.eq(document_id))
        .order_by_asc(document_tag::Column::Tag)
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.tag)
        .collect())
}

/// Takes a write lock on the document's row (PostgreSQL row lock; SQLite's
/// single writer), so concurrent changes of one document run one after
/// another; then reads it as `actor` sees it and checks `actor` may edit it.
async fn lock_for_edit<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    document_id: i64,
) -> DomainResult<document::Model> {
    super::lock_row::<document::Entity, _>(
        db,
        document::Column::Id,
        document::Column::UpdatedAt,
        document_id,
        "Document",
    )
    .await?;
    let found = visible(actor)
        .filter(document::Column::Id.eq(document_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { entity: "Document" })?;
    authorize(actor, Action::EditDocuments, found.owner_id)?;
    Ok(found)
}

/// Records DOCUMENT_PUBLISHED: the document became visible beyond its
/// owner (created PUBLIC or PARTNERS, or made more visible).
async fn record_published<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    document: &document::Model,
    from: Option<Visibility>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    events::record(
        db,
        Event {
            kind: EventKind::DocumentPublished,
            organization_id: Some(document.owner_id),
            entity: "Document",
            entity_id: document.id,
            actor_user_id: actor.user_id(),
            payload: serde_json::json!({
                "title": document.title,
                "from": from.map(visibility_name),
                "visibility": visibility_name(document.visibility),
            }),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Creates a document (EDITOR of the owner). Creating it PUBLIC or PARTNERS
/// publishes it (DOCUMENT_PUBLISHED).
pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    new: NewDocument,
    now: DateTime<Utc>,
) -> DomainResult<document::Model> {
    authorize(actor, Action::EditDocuments, new.owner_id)?;
    let title = fields::DOCUMENT_TITLE.required(&new.title)?;
    let summary = fields::DOCUMENT_SUMMARY.clean(&new.summary)?;
    let language = checked_language(&new.language)?;
    let tags = checked_tags(&new.tags)?;
    let txn = db.begin().await?;
    let created = document::ActiveModel {
        owner_id: Set(new.owner_id),
        search_text: Set(document_search_text(&title, &summary)),
        title: Set(title),
        summary: Set(summary),
        kind: Set(new.kind),
        language: Set(language),
        visibility: Set(new.visibility),
        published_on: Set(new.published_on),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    replace_tags(&txn, created.id, &tags).await?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(created.owner_id),
            "document.create",
            "Document",
            created.id,
            None::<&()>,
            Some(&DocumentRecord {
                document: &created,
                tags: &tags,
            }),
        ),
        now,
    )
    .await?;
    if created.visibility != Visibility::Private {
        record_published(&txn, actor, &created, None, now).await?;
    }
    txn.commit().await?;
    Ok(created)
}

/// Changes a document's metadata (EDITOR of the owner), if `version` is
/// still the stored one.
pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    document_id: i64,
    version: i32,
    changes: DocumentChanges,
    now: DateTime<Utc>,
) -> DomainResult<document::Model> {
    let txn = db.begin().await?;
    let found = lock_for_edit(&txn, actor, document_id).await?;
    check_version("document", version, found.version)?;
    let title = match &changes.title {
        Some(title) => fields::DOCUMENT_TITLE.required(title)?,
        None => found.title.clone(),
    };
    let summary = match &changes.summary {
        Some(summary) => fields::DOCUMENT_SUMMARY.clean(summary)?,
        None => found.summary.clone(),
    };
    let language = match &changes.language {
        Some(language) => checked_language(language)?,
        None => found.language.clone(),
    };
    let new_tags = changes.tags.as_deref().map(checked_tags).transpose()?;
    let old_tags = tags_of(&txn, document_id).await?;
    let before = found.clone();
    let mut active: document::ActiveModel = found.into();
    active.search_text = Set(document_search_text(&title, &summary));
    active.title = Set(title);
    active.summary = Set(summary);
    active.language = Set(language);
    if let Some(kind) = changes.kind {
        active.kind = Set(kind);
    }
    if let Some(published_on) = changes.published_on {
        active.published_on = Set(published_on);
    }
    active.version = Set(before.version + 1);
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;
    let tags = match new_tags {
        Some(tags) => {
            replace_tags(&txn, document_id, &tags).await?;
            tags
        }
        None => old_tags.clone(),
    };
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(updated.owner_id),
            "document.update",
            "Document",
            updated.id,
            Some(&DocumentRecord {
                document: &before,
                tags: &old_tags,
            }),
            Some(&DocumentRecord {
                document: &updated,
                tags: &tags,
            }),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Changes who may see a document (EDITOR of the owner), if `version` is
/// still the stored one. Making it more visible publishes it
/// (DOCUMENT_PUBLISHED). Asking for the visibility it already has changes
/// nothing.
pub async fn change_visibility<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    document_id: i64,
    version: i32,
    visibility: Visibility,
    now: DateTime<Utc>,
) -> DomainResult<document::Model> {
    let txn = db.begin().await?;
    let found = lock_for_edit(&txn, actor, document_id).await?;
    check_version("document", version, found.version)?;
    if found.visibility == visibility {
        return Ok(found);
    }
    let before = found.clone();
    let mut active: document::ActiveModel = found.into();
    active.visibility = Set(visibility);
    active.version = Set(before.version + 1);
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(updated.owner_id),
            "document.change_visibility",
            "Document",
            updated.id,
            Some(&before),
            Some(&updated),
        ),
        now,
    )
    .await?;
    if reach(visibility) > reach(before.visibility) {
        record_published(&txn, actor, &updated, Some(before.visibility), now).await?;
    }
    txn.commit().await?;
    Ok(updated)
}

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
    let found = visible(actor)
        .filter(document::Column::Id.eq(document_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { entity: "Document" })?;
    authorize(actor, Action::EditDocuments, found.owner_id)?;
    let file_name = input::file_name(&upload.file_name)?;
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

    let txn = db.begin().await?;
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
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(document.owner_id),
            "document.add_version",
            "DocumentVersion",
            version.id,
            None::<&()>,
            Some(&version),
        ),
        now,
    )
    .await?;
    events::record(
        &txn,
        Event {
            kind: EventKind::DocumentVersionAdded,
            organization_id: Some(document.owner_id),
            entity: "Document",
            entity_id: document.id,
            actor_user_id: actor.user_id(),
            payload: serde_json::json!({
                "versionId": version.id,
                "number": version.number,
                "fileName": version.file_name,
                "mediaType": version.media_type,
                "sizeBytes": version.size_bytes,
                "sha256": version.sha256,
            }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(version)
}

fn io_error(err: std::io::Error) -> DomainError {
    DomainError::Database(std::sync::Arc::new(sea_orm::DbErr::Custom(format!(
        "upload I/O: {err}"
    ))))
}

fn storage_error(err: StorageError) -> DomainError {
    DomainError::Database(std::sync::Arc::new(sea_orm::DbErr::Custom(format!(
        "file storage: {err}"
    ))))
}

/// Links a document to an agreement (the signed text, an annex). Allowed to
/// an EDITOR of the document's owner when that owner is a party of the
/// agreement. Linking never widens who sees the document: the agreement's
/// other parties see it only if its own visibility lets them. Linking an
/// already linked document changes nothing.
pub async fn share_with_agreement<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    document_id: i64,
    agreement_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<(document::Model, agreement::Model)> {
    let txn = db.begin().await?;
    let document = lock_for_edit(&txn, actor, document_id).await?;
    let agreement = agreements::visible(actor)
        .filter(agreement::Column::Id.eq(agreement_id))
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound {
            entity: "Agreement",
        })?;
    let owner_is_party = agreement_party::Entity::find()
        .filter(agreement_party::Column::AgreementId.eq(agreement_id))
        .filter(agreement_party::Column::OrganizationId.eq(document.owner_id))
        .count(&txn)
        .await?
        > 0;
    if !owner_is_party {
        return Err(DomainError::conflict(
            "NOT_A_PARTY",
            "only documents of a party of the agreement can be linked to it",
        ));
    }
    let existing = agreement_document::Entity::find_by_id((agreement_id, document_id))
        .one(&txn)
        .await?;
    if existing.is_none() {
        let link = agreement_document::ActiveModel {
            agreement_id: Set(agreement_id),
            document_id: Set(document_id),
            shared_by_id: Set(actor.user_id()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        audit::append(
            &txn,
            Author::Actor(actor),
            Change::of(
                Some(document.owner_id),
                "document.share_with_agreement",
                "Document",
                document.id,
                None::<&()>,
                Some(&link),
            ),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok((document, agreement))
}

/// Removes a document's link to an agreement (EDITOR of the document's
/// owner). Removing a link that does not exist changes nothing.
pub async fn unshare_from_agreement<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    document_id: i64,
    agreement_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<document::Model> {
    let txn = db.begin().await?;
    let document = lock_for_edit(&txn, actor, document_id).await?;
    let existing = agreement_document::Entity::find_by_id((agreement_id, document_id))
        .one(&txn)
        .await?;
    if let Some(link) = existing {
        agreement_document::Entity::delete_by_id((agreement_id, document_id))
            .exec(&txn)
            .await?;
        audit::append(
            &txn,
            Author::Actor(actor),
            Change::of(
                Some(document.owner_id),
                "document.unshare_from_agreement",
                "Document",
                document.id,
                Some(&link),
                None::<&()>,
            ),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(document)
}

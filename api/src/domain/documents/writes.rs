//! Creating a document, editing its metadata and tags, and changing who
//! may see it; making a document more visible publishes it
//! (DOCUMENT_PUBLISHED).

use chrono::{DateTime, NaiveDate, Utc};
use entities::{
    document, document_tag,
    enums::{DocumentKind, EventKind, Visibility},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};

use super::{
    lock_for_edit,
    rules::{checked_language, checked_tags},
};
use crate::domain::{
    actor::Actor,
    audit::{Author, Change},
    check_version,
    error::DomainResult,
    events::Event,
    input::fields,
    policy::{Action, authorize},
    text::searchable,
    write::Write,
};

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

/// Notes DOCUMENT_PUBLISHED: the document became visible beyond its
/// owner (created PUBLIC or PARTNERS, or made more visible).
fn note_published<T>(txn: &mut Write<'_, T>, document: &document::Model, from: Option<Visibility>)
where
    T: ConnectionTrait + TransactionSession + Send,
{
    let payload = serde_json::json!({
        "title": document.title,
        "from": from.map(visibility_name),
        "visibility": visibility_name(document.visibility),
    });
    txn.event(Event::about(
        EventKind::DocumentPublished,
        document.owner_id,
        "Document",
        document.id,
        payload,
    ));
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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
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
    txn.audit(Change::of(
        Some(created.owner_id),
        "document.create",
        "Document",
        created.id,
        None::<&()>,
        Some(&DocumentRecord {
            document: &created,
            tags: &tags,
        }),
    ));
    if created.visibility != Visibility::Private {
        note_published(&mut txn, &created, None);
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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
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
    txn.audit(Change::of(
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
    ));
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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
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
    txn.audit(Change::of(
        Some(updated.owner_id),
        "document.change_visibility",
        "Document",
        updated.id,
        Some(&before),
        Some(&updated),
    ));
    if reach(visibility) > reach(before.visibility) {
        note_published(&mut txn, &updated, Some(before.visibility));
    }
    txn.commit().await?;
    Ok(updated)
}

//! Documents shared by organizations: listing, lookup, tags, versions and
//! the lists hanging off organizations and activities.
//!
//! The lists and loads are in `query`, the checks of what an editor sends
//! in `rules`, creating and editing in `writes`, uploading a new version in
//! `versions`, reading the files' text for search in `text`, linking to
//! agreements in `sharing`; this file holds what
//! they share. Every change goes through [`Write`], the one mutation
//! skeleton.

mod query;
mod rules;
mod sharing;
pub mod text;
mod versions;
mod writes;

pub use query::{
    DocumentFilter, DocumentSort, by_ids, list, of_activities, of_agreements, of_owners,
    tags_of_documents, version_for_download, versions_by_ids, versions_of_documents,
};
pub use rules::MAX_TAGS;
pub use sharing::{share_with_agreement, unshare_from_agreement};
pub use versions::{UploadedFile, add_version};
pub use writes::{DocumentChanges, NewDocument, change_visibility, create, update};

use entities::{document, enums::Visibility};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select, TransactionSession,
};

use super::{
    actor::Actor,
    error::{DomainError, DomainResult},
    policy::Action,
    visibility::{shared_with, visible_to},
    write::Write,
};

/// The condition "one of `orgs` owns the document".
fn owned_by(orgs: Vec<i64>) -> Condition {
    Condition::all().add(document::Column::OwnerId.is_in(orgs))
}

/// The documents `actor` may see.
pub fn visible(actor: &Actor) -> Select<document::Entity> {
    document::Entity::find().filter(visible_to(actor, document::Column::Visibility, owned_by))
}

/// What anyone sees, logged in or not: PUBLIC documents (`visible` for an
/// anonymous caller). The maintained dashboard figures count these.
pub fn seen_by_anyone() -> Condition {
    Condition::all().add(document::Column::Visibility.eq(Visibility::Public))
}

/// The documents `actor` sees besides [`seen_by_anyone`]: with it, all of
/// [`visible`]. `None` when there are none to look for.
pub fn visible_beyond_public(actor: &Actor) -> Option<Select<document::Entity>> {
    let shared = shared_with(actor, document::Column::Visibility, owned_by)?;
    Some(
        document::Entity::find()
            .filter(shared)
            .filter(seen_by_anyone().not()),
    )
}

/// Normalises a tag as stored: trimmed, lower case.
pub fn normalize_tag(tag: &str) -> String {
    tag.trim().to_lowercase()
}

/// The document `actor` asks for, if they may see it (invisible and
/// missing are the same NOT_FOUND).
async fn find_visible<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    document_id: i64,
) -> DomainResult<document::Model> {
    visible(actor)
        .filter(document::Column::Id.eq(document_id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { entity: "Document" })
}

/// Takes a write lock on the document's row (PostgreSQL row lock; SQLite's
/// single writer), so concurrent changes of one document run one after
/// another; then reads it as `actor` sees it and checks `actor` may edit it.
async fn lock_for_edit<T>(
    txn: &Write<'_, T>,
    actor: &Actor,
    document_id: i64,
) -> DomainResult<document::Model>
where
    T: ConnectionTrait + TransactionSession + Send,
{
    txn.lock::<document::Entity>(
        document::Column::Id,
        document::Column::UpdatedAt,
        document_id,
        "Document",
    )
    .await?;
    let found = find_visible(txn, actor, document_id).await?;
    txn.authorize(Action::EditDocuments, found.owner_id)?;
    Ok(found)
}

//! Documents linked to an activity (EDITOR of any organizer): linking one
//! the actor may see, and removing the link. Both are idempotent.

use chrono::{DateTime, Utc};
use entities::{activity, activity_document};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

use super::{audit_change, authorize_organizer, open, touch};
use crate::domain::{
    actor::Actor,
    error::{DomainError, DomainResult},
};

/// Links a document the actor may see to an activity (EDITOR of any
/// organizer). Linking it again changes nothing.
pub async fn link_document<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    document_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<activity::Model> {
    let (mut txn, current) = open(db, actor, id, now).await?;
    authorize_organizer(&txn, actor, &current).await?;
    let document = crate::domain::documents::visible(actor)
        .filter(entities::document::Column::Id.eq(document_id))
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound { entity: "Document" })?;
    let linked = activity_document::Entity::find_by_id((current.id, document.id))
        .one(&txn)
        .await?;
    if linked.is_some() {
        return Ok(current);
    }
    let link = activity_document::ActiveModel {
        activity_id: Set(current.id),
        document_id: Set(document.id),
    }
    .insert(&txn)
    .await?;
    let updated = touch(&txn, current, now).await?;
    audit_change(
        &mut txn,
        "activity.link_document",
        &updated,
        None::<&()>,
        Some(&link),
    );
    txn.commit().await?;
    Ok(updated)
}

/// Removes a document from an activity (EDITOR of any organizer).
/// Removing one that is not linked changes nothing.
pub async fn unlink_document<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    document_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<activity::Model> {
    let (mut txn, current) = open(db, actor, id, now).await?;
    authorize_organizer(&txn, actor, &current).await?;
    let Some(link) = activity_document::Entity::find_by_id((current.id, document_id))
        .one(&txn)
        .await?
    else {
        return Ok(current);
    };
    activity_document::Entity::delete_by_id((current.id, document_id))
        .exec(&txn)
        .await?;
    let updated = touch(&txn, current, now).await?;
    audit_change(
        &mut txn,
        "activity.unlink_document",
        &updated,
        Some(&link),
        None::<&()>,
    );
    txn.commit().await?;
    Ok(updated)
}

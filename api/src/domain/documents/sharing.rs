//! Linking documents to agreements and removing the links. A link never
//! widens who sees the document.

use chrono::{DateTime, Utc};
use entities::{agreement, agreement_document, agreement_party, document};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set, TransactionTrait,
};

use super::lock_for_edit;
use crate::domain::{
    actor::Actor,
    agreements,
    audit::{Author, Change},
    error::{DomainError, DomainResult, Reason},
    write::Write,
};

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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
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
            Reason::NotAParty,
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
        txn.audit(Change::of(
            Some(document.owner_id),
            "document.share_with_agreement",
            "Document",
            document.id,
            None::<&()>,
            Some(&link),
        ));
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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let document = lock_for_edit(&txn, actor, document_id).await?;
    let existing = agreement_document::Entity::find_by_id((agreement_id, document_id))
        .one(&txn)
        .await?;
    if let Some(link) = existing {
        agreement_document::Entity::delete_by_id((agreement_id, document_id))
            .exec(&txn)
            .await?;
        txn.audit(Change::of(
            Some(document.owner_id),
            "document.unshare_from_agreement",
            "Document",
            document.id,
            Some(&link),
            None::<&()>,
        ));
    }
    txn.commit().await?;
    Ok(document)
}

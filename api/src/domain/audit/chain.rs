//! Appending to a chain: advance its head (the one row lock an append
//! takes), write the entry linked to the previous head, store the new
//! head's hash. The head row of an organization's chain is made by its
//! first entry.

use chrono::{DateTime, SubsecRound, Utc};
use entities::{audit_chain, audit_entry};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
    sea_query::{Expr, ExprTrait, OnConflict, Query},
};

use super::{Author, Change, GENESIS, chain_of, entry_hash};
use crate::domain::error::{DomainError, DomainResult};

/// Entries written per INSERT.
const ROWS_PER_INSERT: usize = 100;

/// Appends `changes` to their organizations' chains, chain by chain in
/// ascending order (so writes touching the same chains lock their heads in
/// the same order), each chain's entries in the order given: one head
/// update and one INSERT per chain and hundred entries. Call inside the
/// mutation's transaction; concurrent appends to the same chain wait for
/// each other at the head, appends to other chains do not.
pub async fn append<C: ConnectionTrait>(
    db: &C,
    author: Author<'_>,
    mut changes: Vec<Change>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    changes.sort_by_key(|change| chain_of(change.organization_id));
    let (actor_kind, actor_user_id, actor_token_id) = author.parts();
    let mut rest = changes.as_slice();
    while let Some(first) = rest.first() {
        let chain_id = chain_of(first.organization_id);
        let len = rest
            .iter()
            .take_while(|c| chain_of(c.organization_id) == chain_id)
            .count();
        let (group, tail) = rest.split_at(len);
        rest = tail;
        let (last, mut prev_hash) = advance(db, chain_id, len).await?;
        let first_sequence = last - i64::try_from(len).unwrap_or(i64::MAX) + 1;
        let mut entries = Vec::with_capacity(len);
        for (sequence, change) in (first_sequence..).zip(group) {
            let mut entry = audit_entry::Model {
                id: 0,
                chain_id,
                sequence,
                organization_id: change.organization_id,
                actor_kind,
                actor_user_id,
                actor_token_id,
                action: change.action.to_owned(),
                entity: change.entity.to_owned(),
                entity_id: change.entity_id,
                before: change.before.as_ref().map(ToString::to_string),
                after: change.after.as_ref().map(ToString::to_string),
                created_at: now.trunc_subsecs(6),
                prev_hash,
                hash: String::new(),
            };
            entry.hash = entry_hash(&entry);
            prev_hash = entry.hash.clone();
            let mut active: audit_entry::ActiveModel = entry.into();
            active.id = NotSet;
            entries.push(active);
        }
        while !entries.is_empty() {
            let batch: Vec<_> = entries
                .drain(..entries.len().min(ROWS_PER_INSERT))
                .collect();
            audit_entry::Entity::insert_many(batch)
                .exec_without_returning(db)
                .await?;
        }
        audit_chain::Entity::update_many()
            .col_expr(audit_chain::Column::LastHash, Expr::value(prev_hash))
            .filter(audit_chain::Column::ChainId.eq(chain_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Moves `chain_id`'s head `by` positions on, locking its row until the
/// transaction ends, and returns the new last position and the hash the
/// head had (the first new entry's predecessor).
async fn advance<C: ConnectionTrait>(
    db: &C,
    chain_id: i64,
    by: usize,
) -> DomainResult<(i64, String)> {
    let backend = db.get_database_backend();
    let mut bump = Query::update();
    bump.table(audit_chain::Entity)
        .value(
            audit_chain::Column::LastSequence,
            Expr::col(audit_chain::Column::LastSequence).add(i64::try_from(by).unwrap_or(i64::MAX)),
        )
        .and_where(Expr::col(audit_chain::Column::ChainId).eq(chain_id))
        .returning(Query::returning().columns([
            audit_chain::Column::LastSequence,
            audit_chain::Column::LastHash,
        ]));
    for _ in 0..2 {
        if let Some(row) = db.query_one_raw(backend.build(&bump)).await? {
            let sequence: i64 = row.try_get("", "last_sequence")?;
            let hash: String = row.try_get("", "last_hash")?;
            return Ok((sequence, hash));
        }
        // The chain's first entry: make its head (a concurrent first
        // entry may have made it already).
        audit_chain::Entity::insert(audit_chain::ActiveModel {
            chain_id: Set(chain_id),
            last_sequence: Set(0),
            last_hash: Set(GENESIS.to_owned()),
        })
        .on_conflict(
            OnConflict::column(audit_chain::Column::ChainId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    Err(DomainError::Database(std::sync::Arc::new(
        sea_orm::DbErr::RecordNotFound(format!("audit chain {chain_id}")),
    )))
}

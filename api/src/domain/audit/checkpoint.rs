//! Checkpoints: the chain heads that moved since the previous checkpoint,
//! hashed together with the previous checkpoint's hash. They read the
//! heads without locking them, so appends never wait for a checkpoint;
//! a head that moves while one is taken goes into the next. Checkpoints
//! themselves are taken one at a time, on however many nodes.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use entities::{audit_checkpoint, audit_checkpoint_head};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryOrder, Set, SqlErr,
    Statement, TransactionSession, TransactionTrait, sea_query::OnConflict,
};

use super::{GENESIS, sha256_hex};
use crate::domain::error::DomainResult;

/// One chain's head as a checkpoint records it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Head(pub i64, pub i64, pub String);

/// A checkpoint written by [`checkpoint`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Its position.
    pub id: i64,
    /// How many chain heads it recorded.
    pub heads: usize,
    /// Its hash.
    pub hash: String,
}

#[derive(FromQueryResult)]
struct Moved {
    chain_id: i64,
    last_sequence: i64,
    last_hash: String,
}

/// The hash of a checkpoint: SHA-256 over its fields but `hash`.
pub(super) fn checkpoint_hash(checkpoint: &audit_checkpoint::Model) -> String {
    sha256_hex(
        &[
            checkpoint.id.to_string(),
            checkpoint
                .created_at
                .to_rfc3339_opts(SecondsFormat::Micros, true),
            checkpoint.heads.clone(),
            checkpoint.prev_hash.clone(),
        ]
        .join("\n"),
    )
}

/// Records every chain head that moved since the last checkpoint; `None`
/// when none moved, or when another node took the same checkpoint at the
/// same moment (its checkpoint holds these heads, or the next one will).
pub async fn checkpoint<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> DomainResult<Option<Checkpoint>> {
    let txn = crate::domain::begin_write(db).await?;
    let backend = db.get_database_backend();
    // Checkpoints are taken one at a time: a write first locks the newest
    // (and on SQLite takes the write lock before anything is read).
    txn.execute_raw(Statement::from_string(
        backend,
        "UPDATE audit_checkpoints SET hash = hash \
         WHERE id = (SELECT max(id) FROM audit_checkpoints)",
    ))
    .await?;
    let moved = Moved::find_by_statement(Statement::from_string(
        backend,
        "SELECT c.chain_id, c.last_sequence, c.last_hash FROM audit_chains c \
         LEFT JOIN audit_checkpoint_heads h ON h.chain_id = c.chain_id \
         WHERE c.last_sequence > coalesce(h.sequence, 0) ORDER BY c.chain_id",
    ))
    .all(&txn)
    .await?;
    if moved.is_empty() {
        return Ok(None);
    }
    let heads: Vec<Head> = moved
        .into_iter()
        .map(|m| Head(m.chain_id, m.last_sequence, m.last_hash))
        .collect();
    let previous = audit_checkpoint::Entity::find()
        .order_by_desc(audit_checkpoint::Column::Id)
        .one(&txn)
        .await?;
    let mut model = audit_checkpoint::Model {
        id: previous.as_ref().map_or(1, |p| p.id + 1),
        created_at: now.trunc_subsecs(6),
        heads: serde_json::to_string(&heads).unwrap_or_default(),
        prev_hash: previous.map_or_else(|| GENESIS.to_owned(), |p| p.hash),
        hash: String::new(),
    };
    model.hash = checkpoint_hash(&model);
    let written = audit_checkpoint::ActiveModel::from(model.clone())
        .insert(&txn)
        .await;
    if let Err(err) = written {
        if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
            return Ok(None);
        }
        return Err(err.into());
    }
    for chunk in heads.chunks(1000) {
        audit_checkpoint_head::Entity::insert_many(chunk.iter().map(|Head(chain, seq, hash)| {
            audit_checkpoint_head::ActiveModel {
                chain_id: Set(*chain),
                sequence: Set(*seq),
                hash: Set(hash.clone()),
            }
        }))
        .on_conflict(
            OnConflict::column(audit_checkpoint_head::Column::ChainId)
                .update_columns([
                    audit_checkpoint_head::Column::Sequence,
                    audit_checkpoint_head::Column::Hash,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    tracing::info!(
        checkpoint = model.id,
        heads = heads.len(),
        "audit checkpoint"
    );
    Ok(Some(Checkpoint {
        id: model.id,
        heads: heads.len(),
        hash: model.hash,
    }))
}

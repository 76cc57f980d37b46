//! The package descriptor (`datapackage.json`) and how fresh the package
//! is: its `ETag`, when a published record last changed, and the head of
//! the audit log, so that outsiders who keep the descriptors they fetched
//! can later show whether the history behind them was rewritten.

use chrono::{DateTime, SecondsFormat, Utc};
use entities::{activity, agreement, audit_chain, audit_checkpoint, document, organization};
use sea_orm::{
    ConnectionTrait, EntityTrait, QueryOrder, QuerySelect, Select, Statement,
    sea_query::{Expr, ExprTrait},
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Resource;
use crate::{
    config::Config,
    domain::{activities, actor::Actor, agreements, documents, error::DomainResult},
};

/// The licence the package is published under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct License {
    /// Its identifier, e.g. `OGL-ROU-1.0`.
    pub name: String,
    /// Its title.
    pub title: String,
    /// Where its text is.
    pub path: String,
}

impl License {
    /// The configured licence (`open_data_license_*`).
    pub fn of(config: &Config) -> Self {
        Self {
            name: config.open_data_license_name.clone(),
            title: config.open_data_license_title.clone(),
            path: config.open_data_license_url.clone(),
        }
    }
}

/// The audit log's head as the package states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    /// How many hash chains the log has (one per organization, and one
    /// for the rest).
    pub chains: u64,
    /// SHA-256 over every chain's last position and hash.
    pub heads_sha256: String,
    /// The latest checkpoint (which hash-chains the heads): id, hash, time.
    pub checkpoint: Option<(i64, String, DateTime<Utc>)>,
}

/// How fresh the package is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freshness {
    /// Changes whenever any record or the audit log does (a quoted strong
    /// entity tag).
    pub etag: String,
    /// When a published record last changed.
    pub last_modified: Option<DateTime<Utc>>,
    /// The audit log's head.
    pub audit: AuditHead,
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Row count, highest id and sum of versions of each table a resource is
/// read from: any insert, delete or versioned change moves one of them.
const TALLIES: &[&str] = &[
    "SELECT count(*), coalesce(max(id), 0), coalesce(sum(version), 0) FROM organizations",
    "SELECT count(*), coalesce(max(id), 0), coalesce(sum(version), 0) FROM agreements",
    "SELECT count(*), coalesce(max(id), 0), CAST(0 AS BIGINT) FROM agreement_parties",
    "SELECT count(*), coalesce(max(id), 0), coalesce(sum(version), 0) FROM documents",
    "SELECT count(*), CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM document_tags",
    "SELECT count(*), coalesce(max(id), 0), CAST(0 AS BIGINT) FROM document_versions",
    "SELECT count(*), coalesce(max(id), 0), coalesce(sum(version), 0) FROM activities",
    "SELECT count(*), coalesce(max(id), 0), CAST(0 AS BIGINT) FROM activity_participations",
    "SELECT count(*), coalesce(max(id), 0), coalesce(sum(version), 0) FROM projects",
    "SELECT count(*), coalesce(max(id), 0), coalesce(sum(version), 0) FROM indicators",
];

/// The latest `updated_at` among the rows of `select`.
async fn latest<E: EntityTrait, C: ConnectionTrait>(
    db: &C,
    select: Select<E>,
    column: E::Column,
) -> DomainResult<Option<DateTime<Utc>>> {
    let found: Option<Option<DateTime<Utc>>> = select
        .select_only()
        .column_as(Expr::col(column).max(), "latest")
        .into_tuple()
        .one(db)
        .await?;
    Ok(found.flatten())
}

/// Reads how fresh the package is: about a dozen aggregate statements.
pub async fn freshness<C: ConnectionTrait>(db: &C) -> DomainResult<Freshness> {
    let backend = db.get_database_backend();
    let mut tally = String::new();
    for sql in TALLIES {
        let row = db
            .query_one_raw(Statement::from_string(backend, *sql))
            .await?;
        if let Some(row) = row {
            let (n, max, versions): (i64, i64, i64) = (
                row.try_get_by_index(0)?,
                row.try_get_by_index(1)?,
                row.try_get_by_index(2)?,
            );
            tally.push_str(&format!("{n}:{max}:{versions}\n"));
        }
    }
    let heads = audit_chain::Entity::find()
        .order_by_asc(audit_chain::Column::ChainId)
        .all(db)
        .await?;
    let heads_text: String = heads
        .iter()
        .map(|h| format!("{}:{}:{}\n", h.chain_id, h.last_sequence, h.last_hash))
        .collect();
    let checkpoint = audit_checkpoint::Entity::find()
        .order_by_desc(audit_checkpoint::Column::Id)
        .one(db)
        .await?
        .map(|c| (c.id, c.hash, c.created_at));
    let anyone = Actor::Anonymous;
    let last_modified = [
        latest(
            db,
            organization::Entity::find(),
            organization::Column::UpdatedAt,
        )
        .await?,
        latest(
            db,
            agreements::visible(&anyone),
            agreement::Column::UpdatedAt,
        )
        .await?,
        latest(db, documents::visible(&anyone), document::Column::UpdatedAt).await?,
        latest(
            db,
            activities::visible(&anyone),
            activity::Column::UpdatedAt,
        )
        .await?,
    ]
    .into_iter()
    .flatten()
    .max();
    let audit = AuditHead {
        chains: heads.len() as u64,
        heads_sha256: sha256_hex(&heads_text),
        checkpoint,
    };
    let etag = format!(
        "\"{}\"",
        &sha256_hex(&format!("{tally}{}", audit.heads_sha256))[..32]
    );
    Ok(Freshness {
        etag,
        last_modified,
        audit,
    })
}

fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The `datapackage.json` of the package served at `base_url`: a Tabular
/// Data Package whose resources are the CSV files next to it.
pub fn descriptor(license: &License, freshness: &Freshness, base_url: &str) -> Value {
    let checkpoint = freshness
        .audit
        .checkpoint
        .as_ref()
        .map(|(id, hash, at)| json!({ "id": id, "sha256": hash, "createdAt": instant(*at) }));
    json!({
        "profile": "tabular-data-package",
        "name": "pactum-open-data",
        "id": format!("{base_url}/open-data/datapackage.json"),
        "title": "Pactum: public cooperation agreements, shared documents, joint activities and project results",
        "pactum:title_ro": "Pactum: acorduri de cooperare, documente partajate, activități comune și rezultatele proiectelor (înregistrări publice)",
        "description": "Every PUBLIC record of Pactum, the platform on which public institutions and NGOs sign cooperation agreements, share good-practice documents, run joint activities and track the results of funded projects. Identifiers are the GraphQL API's global IDs.",
        "pactum:description_ro": "Toate înregistrările publice din Pactum, platforma pe care instituțiile publice și ONG-urile semnează acorduri de cooperare, partajează documente de bune practici, organizează activități comune și urmăresc rezultatele proiectelor finanțate. Identificatorii sunt ID-urile globale ale API-ului GraphQL.",
        "homepage": base_url,
        "licenses": [{ "name": license.name, "title": license.title, "path": license.path }],
        "lastModified": freshness.last_modified.map(instant),
        "pactum:audit": {
            "chains": freshness.audit.chains,
            "headsSha256": freshness.audit.heads_sha256,
            "checkpoint": checkpoint,
        },
        "resources": Resource::ALL.iter().map(|r| r.descriptor()).collect::<Vec<_>>(),
    })
}

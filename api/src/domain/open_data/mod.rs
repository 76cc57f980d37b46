//! Open data: every PUBLIC record as a Frictionless Data Package (a
//! `datapackage.json` descriptor and one CSV file per table), the form the
//! national open-data portal takes. What a table holds is exactly what an
//! anonymous caller reads through the API: each is selected through the
//! areas' `visible(&Actor::Anonymous)` (the one visibility rule), so nothing
//! PARTNERS or PRIVATE can appear, and a reference to a record that is not
//! published (an activity's agreement that is PRIVATE) is left empty.
//!
//! Identifiers are the API's global IDs, so a row can be looked up with
//! `node(id:)`. Tables are read in batches by id, so an export of 100,000
//! documents holds one batch in memory, whatever the size of the database.

mod package;
mod rows;
mod schema;

pub use package::{AuditHead, Freshness, License, descriptor, freshness};
pub use rows::{BATCH, batch, counted_chunks, csv_stream};
pub use schema::{Field, FieldType, Resource};

use std::path::Path;

use futures::StreamExt;
use sea_orm::DatabaseConnection;
use tokio::io::AsyncWriteExt;

use crate::domain::error::{DomainError, DomainResult};

/// What [`export`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Files, the descriptor included.
    pub files: usize,
    /// CSV rows, headers excluded.
    pub rows: u64,
}

fn io_failed(err: std::io::Error) -> DomainError {
    DomainError::invalid("dir", format!("cannot write there: {err}"))
}

/// Writes the package into `dir` (`pactum export open-data`): the same
/// bytes `/open-data/` serves, each table streamed batch by batch.
pub async fn export(
    db: &DatabaseConnection,
    dir: &Path,
    license: &License,
    base_url: &str,
) -> DomainResult<Written> {
    tokio::fs::create_dir_all(dir).await.map_err(io_failed)?;
    let fresh = freshness(db).await?;
    let package =
        serde_json::to_vec_pretty(&descriptor(license, &fresh, base_url)).unwrap_or_default();
    tokio::fs::write(dir.join("datapackage.json"), package)
        .await
        .map_err(io_failed)?;
    let mut rows = 0;
    for resource in Resource::ALL {
        let mut file = tokio::fs::File::create(dir.join(format!("{}.csv", resource.name())))
            .await
            .map_err(io_failed)?;
        let mut chunks = std::pin::pin!(counted_chunks(db.clone(), resource, base_url.to_owned()));
        while let Some(chunk) = chunks.next().await {
            let (bytes, records) = chunk?;
            rows += records;
            file.write_all(&bytes).await.map_err(io_failed)?;
        }
        file.flush().await.map_err(io_failed)?;
    }
    Ok(Written {
        files: Resource::ALL.len() + 1,
        rows,
    })
}

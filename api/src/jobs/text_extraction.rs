//! The extraction job: reads the text of uploaded files for search, a few
//! versions per round while any wait (see [`text`] for the queue). Parsing
//! runs on a blocking thread, one file at a time, so a large PDF never
//! holds up the runtime or more than one file's bytes in memory.

use std::sync::Arc;

use chrono::Utc;
use futures::TryStreamExt;
use sea_orm::DatabaseConnection;

use super::Job;
use crate::{
    domain::{
        documents::text::{self, NOT_IN_STORAGE, PendingText},
        media::{
            MediaType,
            text::{Extraction, extract},
        },
    },
    storage::Storage,
};

/// Reads the text of uploaded files.
pub struct TextExtraction {
    /// The database.
    pub db: DatabaseConnection,
    /// Where the files are.
    pub storage: Arc<dyn Storage>,
}

/// A file's bytes, at most its recorded size; `None` if it is not stored.
async fn read(storage: &dyn Storage, version: &PendingText) -> anyhow::Result<Option<Vec<u8>>> {
    let Some(mut stream) = storage.get(&version.sha256, None).await? else {
        return Ok(None);
    };
    let limit = usize::try_from(version.size_bytes).unwrap_or(0);
    let mut bytes = Vec::with_capacity(limit.min(64 * 1024 * 1024));
    while let Some(chunk) = stream.try_next().await? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > limit {
            anyhow::bail!("the stored file is larger than recorded");
        }
    }
    Ok(Some(bytes))
}

impl Job for TextExtraction {
    fn name(&self) -> &'static str {
        "text extraction"
    }

    async fn round(&mut self) -> anyhow::Result<bool> {
        let batch = text::pending(&self.db, text::EXTRACTION_BATCH).await?;
        let mut recorded = false;
        for version in &batch {
            let extraction = match read(self.storage.as_ref(), version).await {
                Ok(Some(bytes)) => match MediaType::of_stored(&version.media_type) {
                    Some(media) => tokio::task::spawn_blocking(move || extract(media, &bytes))
                        .await
                        .unwrap_or_else(|_| Extraction::Failed("the reader stopped".into())),
                    None => Extraction::Unsupported,
                },
                Ok(None) => Extraction::Failed(NOT_IN_STORAGE.into()),
                Err(err) => {
                    let reason = format!("the file could not be read from storage: {err:#}");
                    tracing::warn!(version = version.version_id, %reason, "text extraction will retry");
                    text::read_failed(&self.db, version, &reason).await?;
                    continue;
                }
            };
            recorded |= text::record(&self.db, version, extraction, Utc::now()).await?;
        }
        // Only storage failures: pause before retrying them.
        Ok(recorded)
    }
}

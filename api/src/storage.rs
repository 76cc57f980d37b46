//! Content-addressed file storage: every uploaded file is kept once, under
//! the hex SHA-256 of its bytes, so the same file uploaded twice is stored
//! once and a stored file can never be changed in place. One trait,
//! [`Storage`], with a local-directory implementation ([`LocalStorage`],
//! the default) and an S3-compatible one ([`S3Storage`], on the
//! `object_store` crate) for deployments with several API nodes.
//!
//! Writers hash what they store and refuse content that does not match the
//! address they were given; readers stream, whole or a byte range, so a
//! download never holds a file in memory.

use std::{fmt, io, path::PathBuf, sync::Arc};

use async_trait::async_trait;
use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream::BoxStream};
use object_store::{
    GetOptions, ObjectStore, ObjectStoreExt, aws::AmazonS3Builder, buffered::BufWriter,
    path::Path as ObjectPath,
};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use crate::config::{Config, StorageKind};

/// A stream of file bytes.
pub type ByteStream = BoxStream<'static, io::Result<Bytes>>;

/// Bytes `start..end` of a file (end exclusive, both within the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
}

impl ByteRange {
    /// How many bytes the range holds.
    pub fn len(&self) -> u64 {
        self.end.saturating_sub(self.start)
    }

    /// Whether the range holds no byte.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Why storage failed. Never shown to clients: the callers log it and
/// answer with a generic error.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The local file system failed.
    #[error("storage I/O: {0}")]
    Io(#[from] io::Error),
    /// The object store failed.
    #[error("object store: {0}")]
    ObjectStore(#[from] object_store::Error),
    /// The bytes written do not hash to the address they were given.
    #[error("content does not hash to {0}")]
    Mismatch(String),
    /// The address is not a lower-case hex SHA-256.
    #[error("`{0}` is not a hex SHA-256")]
    InvalidAddress(String),
    /// The storage settings are unusable.
    #[error("storage configuration: {0}")]
    Config(String),
}

/// Where file bytes live, addressed by their SHA-256.
#[async_trait]
pub trait Storage: Send + Sync + fmt::Debug {
    /// Stores the bytes of `source` under `sha256`, which they must hash
    /// to (else nothing is stored and [`StorageError::Mismatch`] is
    /// returned). Storing an address that already exists keeps the existing
    /// bytes.
    async fn put(&self, sha256: &str, source: ByteStream) -> Result<(), StorageError>;

    /// Streams the bytes stored under `sha256`, or only `range` of them;
    /// `None` if nothing is stored there.
    async fn get(
        &self,
        sha256: &str,
        range: Option<ByteRange>,
    ) -> Result<Option<ByteStream>, StorageError>;

    /// Whether something is stored under `sha256`.
    async fn exists(&self, sha256: &str) -> Result<bool, StorageError>;
}

/// What uploads and downloads need: the store and the size limit. Held by
/// the HTTP layer and handed to each GraphQL request.
#[derive(Debug, Clone)]
pub struct Files {
    /// Where file bytes live.
    pub storage: Arc<dyn Storage>,
    /// Largest file accepted by an upload.
    pub max_upload_bytes: u64,
    /// Uploads whose content is being checked at once: a check may hold a
    /// PDF in memory or decode an image (up to 256 MiB), so a burst of
    /// uploads waits its turn instead of exhausting memory.
    pub checks: Arc<tokio::sync::Semaphore>,
}

/// How many uploads are checked at once ([`Files::checks`]).
pub const CONCURRENT_CHECKS: usize = 2;

/// The storage the configuration asks for.
pub fn from_config(config: &Config) -> Result<Arc<dyn Storage>, StorageError> {
    Ok(match config.storage {
        StorageKind::Local => Arc::new(LocalStorage::new(config.files_dir())),
        StorageKind::S3 => Arc::new(S3Storage::from_config(config)?),
    })
}

/// The key a version's bytes are recorded under (`document_versions.storage_key`).
pub fn storage_key(sha256: &str) -> String {
    format!("sha256/{sha256}")
}

/// Refuses anything but 64 lower-case hex digits, so an address can never
/// name a path outside the store.
fn checked(sha256: &str) -> Result<&str, StorageError> {
    if sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(sha256)
    } else {
        Err(StorageError::InvalidAddress(sha256.to_owned()))
    }
}

/// Files in a local directory: `{root}/{first two hex digits}/{sha256}`.
/// Writes go to `{root}/tmp/` first and are renamed into place, so a
/// reader never sees a partial file and a crash leaves only a temp file.
#[derive(Debug, Clone)]
pub struct LocalStorage {
    root: PathBuf,
}

impl LocalStorage {
    /// Storage under `root` (created on first write).
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn path_of(&self, sha256: &str) -> Result<PathBuf, StorageError> {
        let sha256 = checked(sha256)?;
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }

    async fn write_temp(
        &self,
        temp: &std::path::Path,
        sha256: &str,
        mut source: ByteStream,
    ) -> Result<(), StorageError> {
        let mut file = tokio::fs::File::create(temp).await?;
        let mut hasher = Sha256::new();
        while let Some(chunk) = source.next().await {
            let chunk = chunk?;
            hasher.update(&chunk);
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        file.sync_all().await?;
        if hex::encode(hasher.finalize()) != sha256 {
            return Err(StorageError::Mismatch(sha256.to_owned()));
        }
        Ok(())
    }
}

#[async_trait]
impl Storage for LocalStorage {
    async fn put(&self, sha256: &str, source: ByteStream) -> Result<(), StorageError> {
        let target = self.path_of(sha256)?;
        if tokio::fs::try_exists(&target).await? {
            return Ok(());
        }
        let temp_dir = self.root.join("tmp");
        tokio::fs::create_dir_all(&temp_dir).await?;
        let temp = temp_dir.join(uuid::Uuid::new_v4().simple().to_string());
        let written = self.write_temp(&temp, sha256, source).await;
        let placed = match written {
            Ok(()) => match target.parent() {
                Some(dir) => match tokio::fs::create_dir_all(dir).await {
                    Ok(()) => tokio::fs::rename(&temp, &target)
                        .await
                        .map_err(StorageError::from),
                    Err(err) => Err(err.into()),
                },
                None => Err(StorageError::InvalidAddress(sha256.to_owned())),
            },
            Err(err) => Err(err),
        };
        if placed.is_err() {
            let _ = tokio::fs::remove_file(&temp).await;
        }
        placed
    }

    async fn get(
        &self,
        sha256: &str,
        range: Option<ByteRange>,
    ) -> Result<Option<ByteStream>, StorageError> {
        let path = self.path_of(sha256)?;
        let mut file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err.into()),
        };
        let stream: ByteStream = match range {
            Some(range) => {
                file.seek(io::SeekFrom::Start(range.start)).await?;
                tokio_util::io::ReaderStream::with_capacity(file.take(range.len()), 64 * 1024)
                    .boxed()
            }
            None => tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024).boxed(),
        };
        Ok(Some(stream))
    }

    async fn exists(&self, sha256: &str) -> Result<bool, StorageError> {
        Ok(tokio::fs::try_exists(self.path_of(sha256)?).await?)
    }
}

/// Objects in an S3-compatible bucket, under `sha256/{sha256}`. Uploads go
/// through a buffered writer: a single PUT for small files, a multipart
/// upload in 8 MiB parts for large ones, so memory stays bounded.
pub struct S3Storage {
    store: Arc<dyn ObjectStore>,
}

impl fmt::Debug for S3Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S3Storage({})", self.store)
    }
}

/// Size of one buffered part of an S3 upload (S3 wants at least 5 MiB).
const S3_PART_BYTES: usize = 8 * 1024 * 1024;

impl S3Storage {
    /// A store for the bucket and credentials in `config`.
    pub fn from_config(config: &Config) -> Result<Self, StorageError> {
        let bucket = config
            .s3_bucket
            .as_deref()
            .filter(|b| !b.is_empty())
            .ok_or_else(|| StorageError::Config("storage = \"s3\" needs s3_bucket".into()))?;
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(config.s3_region.as_deref().unwrap_or("us-east-1"))
            .with_allow_http(config.s3_allow_http);
        if let Some(endpoint) = config.s3_endpoint.as_deref().filter(|e| !e.is_empty()) {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(key) = config.s3_access_key_id.as_deref() {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = config
            .s3_secret_access_key
            .as_ref()
            .map(secrecy::ExposeSecret::expose_secret)
        {
            builder = builder.with_secret_access_key(secret);
        }
        Ok(Self {
            store: Arc::new(builder.build()?),
        })
    }

    fn path_of(sha256: &str) -> Result<ObjectPath, StorageError> {
        Ok(ObjectPath::from(storage_key(checked(sha256)?)))
    }
}

#[async_trait]
impl Storage for S3Storage {
    async fn put(&self, sha256: &str, mut source: ByteStream) -> Result<(), StorageError> {
        let path = Self::path_of(sha256)?;
        if self.exists(sha256).await? {
            return Ok(());
        }
        let mut writer = BufWriter::with_capacity(Arc::clone(&self.store), path, S3_PART_BYTES)
            .with_max_concurrency(2);
        let mut hasher = Sha256::new();
        let written: Result<(), StorageError> = async {
            while let Some(chunk) = source.next().await {
                let chunk = chunk?;
                hasher.update(&chunk);
                writer.put(chunk).await?;
            }
            if hex::encode(hasher.finalize()) != sha256 {
                return Err(StorageError::Mismatch(sha256.to_owned()));
            }
            writer.shutdown().await?;
            Ok(())
        }
        .await;
        if written.is_err() {
            let _ = writer.abort().await;
        }
        written
    }

    async fn get(
        &self,
        sha256: &str,
        range: Option<ByteRange>,
    ) -> Result<Option<ByteStream>, StorageError> {
        let path = Self::path_of(sha256)?;
        let options = GetOptions::new().with_range(range.map(|r| r.start..r.end));
        match self.store.get_opts(&path, options).await {
            Ok(result) => Ok(Some(result.into_stream().map_err(io::Error::other).boxed())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    async fn exists(&self, sha256: &str) -> Result<bool, StorageError> {
        match self.store.head(&Self::path_of(sha256)?).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(err) => Err(err.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream_of(data: &'static [u8]) -> ByteStream {
        futures::stream::iter([Ok(Bytes::from_static(data))]).boxed()
    }

    async fn collect(stream: ByteStream) -> Vec<u8> {
        stream
            .try_fold(Vec::new(), |mut all, chunk| async move {
                all.extend_from_slice(&chunk);
                Ok(all)
            })
            .await
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn local_storage_round_trips_ranges_and_refuses_wrong_hashes() -> anyhow::Result<()> {
        let root = std::env::temp_dir().join(format!("pactum-storage-{}", uuid::Uuid::new_v4()));
        let storage = LocalStorage::new(root.clone());
        let data: &'static [u8] = b"Ghid de bune practici";
        let sha = hex::encode(Sha256::digest(data));
        assert!(!storage.exists(&sha).await?);
        storage.put(&sha, stream_of(data)).await?;
        assert!(storage.exists(&sha).await?);
        let all = collect(
            storage
                .get(&sha, None)
                .await?
                .unwrap_or_else(|| stream_of(b"")),
        )
        .await;
        assert_eq!(all, data);
        let part = collect(
            storage
                .get(&sha, Some(ByteRange { start: 4, end: 8 }))
                .await?
                .unwrap_or_else(|| stream_of(b"")),
        )
        .await;
        assert_eq!(part, b" de ");

        let wrong = hex::encode(Sha256::digest(b"altceva"));
        assert!(matches!(
            storage.put(&wrong, stream_of(data)).await,
            Err(StorageError::Mismatch(_))
        ));
        assert!(!storage.exists(&wrong).await?);
        let leftovers = std::fs::read_dir(root.join("tmp"))?.count();
        assert_eq!(leftovers, 0, "no temp file is left behind");
        assert!(storage.get(&wrong, None).await?.is_none());
        assert!(matches!(
            storage.get("../../etc/passwd", None).await,
            Err(StorageError::InvalidAddress(_))
        ));
        std::fs::remove_dir_all(root)?;
        Ok(())
    }
}

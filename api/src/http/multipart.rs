//! The GraphQL multipart request (file uploads), read with `multer` under
//! our own bounds rather than async-graphql's reader, which holds the
//! `operations` field in memory up to the whole upload limit, accepts any
//! number of files (each an open temporary file) and writes them with
//! blocking calls on the runtime.
//!
//! The form must be `operations` (at most `max_body_bytes`), then `map` (the
//! same), then at most `max_batch_size` files, each named in `map`; files
//! are spooled to unnamed temporary files as they arrive, never held in
//! memory.

use std::collections::{HashMap, HashSet};

use async_graphql::{BatchRequest, UploadValue};
use axum::body::Body;
use multer::{Constraints, Multipart, SizeLimit};
use tokio::io::AsyncWriteExt;

use super::body::{is_timed_out, is_too_large};

/// The bounds of one multipart request.
#[derive(Debug, Clone, Copy)]
pub struct MultipartLimits {
    /// Largest `operations` and `map` field.
    pub max_form_bytes: u64,
    /// Largest whole body.
    pub max_total_bytes: u64,
    /// Most files.
    pub max_files: usize,
}

/// Why a multipart request could not be read.
#[derive(Debug)]
pub enum MultipartFailure {
    /// The body or one of its fields is over its limit (413).
    TooLarge(u64),
    /// The body is not a valid GraphQL multipart request (400).
    Invalid(String),
    /// The body stopped arriving (408).
    TimedOut,
    /// The server could not keep a file (500; the detail is logged).
    Internal(String),
}

fn invalid(message: impl Into<String>) -> MultipartFailure {
    MultipartFailure::Invalid(message.into())
}

fn failure(limits: &MultipartLimits, err: multer::Error) -> MultipartFailure {
    match err {
        multer::Error::FieldSizeExceeded { limit, .. } => MultipartFailure::TooLarge(limit),
        multer::Error::StreamSizeExceeded { limit } => MultipartFailure::TooLarge(limit),
        multer::Error::StreamReadFailed(cause) if is_too_large(cause.as_ref()) => {
            MultipartFailure::TooLarge(limits.max_total_bytes)
        }
        multer::Error::StreamReadFailed(cause) if is_timed_out(cause.as_ref()) => {
            MultipartFailure::TimedOut
        }
        other => MultipartFailure::Invalid(other.to_string()),
    }
}

/// Reads a GraphQL multipart request.
pub async fn receive(
    body: Body,
    boundary: String,
    limits: MultipartLimits,
) -> Result<BatchRequest, MultipartFailure> {
    let constraints = Constraints::new().size_limit(
        SizeLimit::new()
            .whole_stream(limits.max_total_bytes)
            .for_field("operations", limits.max_form_bytes)
            .for_field("map", limits.max_form_bytes),
    );
    let mut form = Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let fail = |err| failure(&limits, err);

    let operations = form
        .next_field()
        .await
        .map_err(fail)?
        .filter(|f| f.name() == Some("operations"))
        .ok_or_else(|| invalid("the first field must be `operations`"))?;
    let operations = operations.bytes().await.map_err(fail)?;
    let mut batch: BatchRequest = serde_json::from_slice(&operations)
        .map_err(|err| invalid(format!("`operations` is not a GraphQL request: {err}")))?;

    let map = form
        .next_field()
        .await
        .map_err(fail)?
        .filter(|f| f.name() == Some("map"))
        .ok_or_else(|| invalid("the second field must be `map`"))?;
    let map = map.bytes().await.map_err(fail)?;
    let map: HashMap<String, Vec<String>> = serde_json::from_slice(&map)
        .map_err(|err| invalid(format!("`map` is not a map of files to paths: {err}")))?;
    let paths: usize = map.values().map(Vec::len).sum();
    if map.len() > limits.max_files || paths > limits.max_files {
        return Err(invalid(format!(
            "at most {} files (and as many paths) per request",
            limits.max_files
        )));
    }

    let mut received = HashSet::new();
    while let Some(mut field) = form.next_field().await.map_err(fail)? {
        let name = field.name().unwrap_or_default().to_owned();
        let Some(targets) = map.get(&name) else {
            return Err(invalid(format!("the field `{name}` is not named in `map`")));
        };
        if !received.insert(name.clone()) {
            return Err(invalid(format!("the file `{name}` is sent twice")));
        }
        let upload = UploadValue {
            filename: field.file_name().unwrap_or_default().to_owned(),
            content_type: field.content_type().map(ToString::to_string),
            content: spool(&mut field, &limits).await?,
        };
        for path in targets {
            let copy = upload
                .try_clone()
                .map_err(|err| MultipartFailure::Internal(format!("temporary file: {err}")))?;
            set_upload(&mut batch, path, copy);
        }
    }
    if received.len() != map.len() {
        return Err(invalid("`map` names files that were not sent"));
    }
    Ok(batch)
}

/// The bytes of every file a request carries (each counted once per place
/// it is used).
pub fn uploaded_bytes(batch: &BatchRequest) -> u64 {
    batch
        .iter()
        .flat_map(|request| request.uploads.iter())
        .filter_map(|upload| upload.content.metadata().ok())
        .map(|meta| meta.len())
        .sum()
}

/// Writes a file field to an unnamed temporary file.
async fn spool(
    field: &mut multer::Field<'_>,
    limits: &MultipartLimits,
) -> Result<std::fs::File, MultipartFailure> {
    let io = |err: std::io::Error| MultipartFailure::Internal(format!("temporary file: {err}"));
    let file = tokio::task::spawn_blocking(tempfile::tempfile)
        .await
        .map_err(|err| MultipartFailure::Internal(format!("temporary file: {err}")))?
        .map_err(io)?;
    let mut file = tokio::fs::File::from_std(file);
    while let Some(chunk) = field.chunk().await.map_err(|err| failure(limits, err))? {
        file.write_all(&chunk).await.map_err(io)?;
    }
    file.flush().await.map_err(io)?;
    Ok(file.into_std().await)
}

/// Puts `upload` where `path` points (`variables.x`, or `N.variables.x` in
/// a batch); a path to nothing is ignored, as the spec allows.
fn set_upload(batch: &mut BatchRequest, path: &str, upload: UploadValue) {
    match batch {
        BatchRequest::Single(request) => request.set_upload(path, upload),
        BatchRequest::Batch(requests) => {
            if let Some((index, rest)) = path.split_once('.')
                && let Ok(index) = index.parse::<usize>()
                && let Some(request) = requests.get_mut(index)
            {
                request.set_upload(rest, upload);
            }
        }
    }
}

//! `GET /files/{versionId}`: downloads a document version after the same
//! visibility check as the API (a version whose document the caller may not
//! see does not exist for them: 404). The body is streamed from storage,
//! with `Content-Type` (the type detected at upload), `Content-Disposition`
//! (the uploaded name, RFC 6266/5987 for diacritics), `ETag` (the SHA-256:
//! content never changes under an address), `If-None-Match` (304) and
//! single byte ranges (`Range: bytes=a-b`, `a-`, `-n` → 206; unsatisfiable
//! → 416).

use std::sync::Arc;

use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::{client_ip::ClientIp, error::HttpError, rate};
use crate::{
    config::Config,
    domain::{documents, error::DomainError},
    error_code::ErrorCode,
    ids::{NodeKind, parse_global_id_of},
    state::Gate,
    storage::{ByteRange, Files},
};

fn not_found() -> Response {
    HttpError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "DocumentVersion not found",
    )
    .into_response()
}

fn internal() -> Response {
    HttpError::internal().into_response()
}

/// Streams one document version to a caller who may see its document.
pub async fn download(
    State(gate): State<Gate>,
    State(files): State<Files>,
    State(config): State<Arc<Config>>,
    axum::Extension(ip): axum::Extension<ClientIp>,
    Path(version_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let actor = match rate::admit(&gate, &headers, ip).await {
        Ok((actor, key)) => {
            if let Some(refusal) = rate::charge(&gate, &key, config.rate_limit_download_cost) {
                return refusal;
            }
            actor
        }
        Err(refusal) => return refusal,
    };
    let Some(id) = parse_global_id_of(&version_id, NodeKind::DocumentVersion) else {
        return not_found();
    };
    let version = match documents::version_for_download(&gate.db, &actor, id).await {
        Ok(version) => version,
        Err(DomainError::NotFound { .. }) => return not_found(),
        Err(err) => {
            tracing::error!(%err, version = id, "cannot load a document version");
            return internal();
        }
    };
    let etag = format!("\"{}\"", version.sha256);
    let size = u64::try_from(version.size_bytes).unwrap_or(0);
    let mut common = HeaderMap::new();
    let mut set = |name: header::HeaderName, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            common.insert(name, value);
        }
    };
    set(header::ETAG, &etag);
    set(header::ACCEPT_RANGES, "bytes");
    set(header::CACHE_CONTROL, "private, no-cache");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        header::CONTENT_SECURITY_POLICY,
        "sandbox; default-src 'none'",
    );

    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        && etag_matches(tags, &etag)
    {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }

    // A Range is honoured only when If-Range (if sent) names this content.
    let if_range_ok = headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim() == etag);
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(value) if if_range_ok => match parse_range(value, size) {
            RangeRequest::Ignore => None,
            RangeRequest::Satisfiable(range) => Some(range),
            RangeRequest::Unsatisfiable => {
                common.insert(
                    header::CONTENT_RANGE,
                    HeaderValue::from_str(&format!("bytes */{size}"))
                        .unwrap_or(HeaderValue::from_static("bytes */0")),
                );
                return (StatusCode::RANGE_NOT_SATISFIABLE, common).into_response();
            }
        },
        _ => None,
    };

    let stream = match files.storage.get(&version.sha256, range).await {
        Ok(Some(stream)) => stream,
        Ok(None) => {
            tracing::warn!(version = id, sha256 = %version.sha256, "file content missing from storage");
            return not_found();
        }
        Err(err) => {
            tracing::error!(%err, version = id, "cannot read a file from storage");
            return internal();
        }
    };

    let content_type = if version.media_type.starts_with("text/") {
        format!("{}; charset=utf-8", version.media_type)
    } else {
        version.media_type.clone()
    };
    let mut set = |name: header::HeaderName, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            common.insert(name, value);
        }
    };
    set(header::CONTENT_TYPE, &content_type);
    set(
        header::CONTENT_DISPOSITION,
        &content_disposition(&version.file_name),
    );
    let status = match range {
        Some(range) => {
            set(
                header::CONTENT_RANGE,
                &format!("bytes {}-{}/{size}", range.start, range.end - 1),
            );
            set(header::CONTENT_LENGTH, &range.len().to_string());
            StatusCode::PARTIAL_CONTENT
        }
        None => {
            set(header::CONTENT_LENGTH, &size.to_string());
            StatusCode::OK
        }
    };
    (status, common, Body::from_stream(stream)).into_response()
}

/// Whether an `If-None-Match` list names `etag` (weak comparison, `*`).
pub(super) fn etag_matches(list: &str, etag: &str) -> bool {
    list.split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// What to do with a `Range` header.
#[derive(Debug, PartialEq, Eq)]
enum RangeRequest {
    /// Malformed, several ranges, or not bytes: send the whole file (RFC
    /// 9110 lets a server ignore Range).
    Ignore,
    /// One range within the file.
    Satisfiable(ByteRange),
    /// One well-formed range outside the file (416).
    Unsatisfiable,
}

/// Parses `bytes=a-b`, `bytes=a-` and `bytes=-n` against a file of `size`
/// bytes.
fn parse_range(value: &str, size: u64) -> RangeRequest {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeRequest::Ignore;
    };
    if spec.contains(',') {
        return RangeRequest::Ignore;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeRequest::Ignore;
    };
    let (first, last) = (first.trim(), last.trim());
    let parse = |s: &str| s.parse::<u64>().ok();
    match (first.is_empty(), last.is_empty()) {
        // -n: the last n bytes.
        (true, false) => match parse(last) {
            Some(0) => RangeRequest::Unsatisfiable,
            Some(_) if size == 0 => RangeRequest::Unsatisfiable,
            Some(n) => RangeRequest::Satisfiable(ByteRange {
                start: size.saturating_sub(n),
                end: size,
            }),
            None => RangeRequest::Ignore,
        },
        // a-: from a to the end.
        (false, true) => match parse(first) {
            Some(a) if a < size => RangeRequest::Satisfiable(ByteRange {
                start: a,
                end: size,
            }),
            Some(_) => RangeRequest::Unsatisfiable,
            None => RangeRequest::Ignore,
        },
        // a-b: inclusive, b clipped to the end.
        (false, false) => match (parse(first), parse(last)) {
            (Some(a), Some(b)) if a > b => RangeRequest::Ignore,
            (Some(a), Some(_)) if a >= size => RangeRequest::Unsatisfiable,
            (Some(a), Some(b)) => RangeRequest::Satisfiable(ByteRange {
                start: a,
                end: b.saturating_add(1).min(size),
            }),
            _ => RangeRequest::Ignore,
        },
        (true, true) => RangeRequest::Ignore,
    }
}

/// `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded`
/// (RFC 6266 with RFC 5987 encoding, so "Ghid anticorupție.pdf" arrives
/// with its diacritics).
fn content_disposition(file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(file_name.len() * 3);
    for byte in file_name.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            );
        if keep {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_range_forms() {
        let r = |start, end| RangeRequest::Satisfiable(ByteRange { start, end });
        assert_eq!(parse_range("bytes=0-99", 1000), r(0, 100));
        assert_eq!(parse_range("bytes=900-", 1000), r(900, 1000));
        assert_eq!(parse_range("bytes=-100", 1000), r(900, 1000));
        assert_eq!(parse_range("bytes=-5000", 1000), r(0, 1000));
        assert_eq!(parse_range("bytes=990-2000", 1000), r(990, 1000));
        assert_eq!(
            parse_range("bytes=1000-", 1000),
            RangeRequest::Unsatisfiable
        );
        assert_eq!(
            parse_range("bytes=1000-1001", 1000),
            RangeRequest::Unsatisfiable
        );
        assert_eq!(parse_range("bytes=-0", 1000), RangeRequest::Unsatisfiable);
        assert_eq!(parse_range("bytes=5-1", 1000), RangeRequest::Ignore);
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), RangeRequest::Ignore);
        assert_eq!(parse_range("items=0-1", 1000), RangeRequest::Ignore);
        assert_eq!(parse_range("bytes=x-", 1000), RangeRequest::Ignore);
    }

    #[test]
    fn content_disposition_keeps_diacritics_in_the_extended_form() {
        assert_eq!(
            content_disposition("Ghid anticorupție.pdf"),
            "attachment; filename=\"Ghid anticorup_ie.pdf\"; filename*=UTF-8''Ghid%20anticorup%C8%9Bie.pdf"
        );
    }

    #[test]
    fn etags_match_weakly_and_by_wildcard() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("W/\"abc\", \"x\"", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
    }
}

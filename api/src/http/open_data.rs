//! `GET /open-data/datapackage.json` and `GET /open-data/{table}.csv`: the
//! open data package of every PUBLIC record (`domain::open_data`), to
//! anyone. The CSV files are streamed batch by batch; every answer carries
//! the package's `ETag` (one per resource), and `If-None-Match` with the
//! current one gets 304 before anything is read but the tallies.

use std::sync::Arc;

use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures::TryStreamExt;
use sea_orm::DatabaseConnection;

use super::{client_ip::ClientIp, error::HttpError, files::etag_matches, rate};
use crate::{
    config::Config,
    domain::open_data::{self, Freshness, License, Resource},
    error_code::ErrorCode,
    state::Gate,
};

/// Lets the request in (its address's budget pays like a download) and
/// reads how fresh the package is.
async fn admitted(
    gate: &Gate,
    config: &Config,
    db: &DatabaseConnection,
    headers: &HeaderMap,
    ip: ClientIp,
) -> Result<Freshness, Response> {
    let (_, key) = rate::admit(gate, headers, ip).await?;
    if let Some(refusal) = rate::charge(gate, &key, config.rate_limit_download_cost) {
        return Err(refusal);
    }
    open_data::freshness(db).await.map_err(|err| {
        tracing::error!(error = %err, "reading the open data's freshness");
        HttpError::internal().into_response()
    })
}

/// The caching headers of an answer tagged `etag`.
fn caching(etag: &str) -> [(header::HeaderName, HeaderValue); 2] {
    [
        (
            header::ETAG,
            HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"\"")),
        ),
        // Anyone may keep a copy, and must ask again before using it.
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, no-cache"),
        ),
    ]
}

/// A 304 when the client already holds the version tagged `etag`.
fn not_modified(headers: &HeaderMap, etag: &str) -> Option<Response> {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|list| etag_matches(list, etag))
        .then(|| (StatusCode::NOT_MODIFIED, caching(etag)).into_response())
}

fn etag_of(freshness: &Freshness, resource: &str) -> String {
    format!("\"{}-{resource}\"", freshness.etag.trim_matches('"'))
}

/// `GET /open-data/datapackage.json`.
pub async fn package(
    State(gate): State<Gate>,
    State(config): State<Arc<Config>>,
    State(db): State<DatabaseConnection>,
    axum::Extension(ip): axum::Extension<ClientIp>,
    headers: HeaderMap,
) -> Response {
    let freshness = match admitted(&gate, &config, &db, &headers, ip).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let etag = etag_of(&freshness, "datapackage");
    if let Some(response) = not_modified(&headers, &etag) {
        return response;
    }
    let base = config.public_url.trim_end_matches('/');
    let descriptor = open_data::descriptor(&License::of(&config), &freshness, base);
    let body = serde_json::to_vec_pretty(&descriptor).unwrap_or_default();
    (
        caching(&etag),
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// `GET /open-data/{table}.csv`.
pub async fn table(
    State(gate): State<Gate>,
    State(config): State<Arc<Config>>,
    State(db): State<DatabaseConnection>,
    axum::Extension(ip): axum::Extension<ClientIp>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(resource) = file.strip_suffix(".csv").and_then(Resource::from_name) else {
        return HttpError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such open data file; see /open-data/datapackage.json",
        )
        .into_response();
    };
    let freshness = match admitted(&gate, &config, &db, &headers, ip).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let etag = etag_of(&freshness, resource.name());
    if let Some(response) = not_modified(&headers, &etag) {
        return response;
    }
    let base = config.public_url.trim_end_matches('/').to_owned();
    let chunks = open_data::csv_stream(db, resource, base).map_err(|err| {
        // The status line is gone: the client sees a cut-off body.
        tracing::error!(error = %err, "streaming open data");
        std::io::Error::other("open data stream failed")
    });
    let disposition = format!("inline; filename=\"{}.csv\"", resource.name());
    (
        caching(&etag),
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(chunks),
    )
        .into_response()
}

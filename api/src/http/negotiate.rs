//! Content negotiation: which response type a client accepts (`Accept`)
//! and which body it sends (`Content-Type`: JSON, or `multipart/form-data`
//! with its boundary). Shared by the GraphQL handlers and the body limits.

use axum::{
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};

/// The media type a GraphQL response is sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    /// `application/graphql-response+json`: request errors get 4xx.
    GraphqlResponse,
    /// `application/json`: every well-formed request gets 200.
    Json,
}

impl ResponseType {
    /// The `Content-Type` of a response of this type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        }
    }
}

/// Picks the response type from `Accept` (highest q first, then order).
/// No header, or only wildcards, means `application/json`, which every
/// client understands.
pub fn negotiate(headers: &HeaderMap) -> Option<ResponseType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(ResponseType::Json);
    };
    let mut ranges: Vec<(f32, usize, &str)> = accept
        .split(',')
        .enumerate()
        .filter_map(|(i, item)| {
            let mut parts = item.split(';');
            let media = parts.next()?.trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some((q, i, media))
        })
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranges
        .into_iter()
        .find_map(|(_, _, media)| match media.to_ascii_lowercase().as_str() {
            "application/graphql-response+json" => Some(ResponseType::GraphqlResponse),
            "application/json" | "application/*" | "*/*" => Some(ResponseType::Json),
            _ => None,
        })
}

/// The 406 answer when no acceptable response type is asked for.
pub fn not_acceptable() -> Response {
    (
        StatusCode::NOT_ACCEPTABLE,
        "accepted: application/graphql-response+json, application/json",
    )
        .into_response()
}

/// Whether a browser asks for a page (GraphiQL rather than JSON).
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.split(',').any(|m| m.trim().starts_with("text/html")))
}

/// Whether the body is JSON in UTF-8 (`application/json`, charset absent
/// or `utf-8`).
pub fn is_json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or_default().trim();
    let charset_ok = parts.all(|p| {
        p.trim()
            .strip_prefix("charset=")
            .is_none_or(|c| c.trim_matches('"').eq_ignore_ascii_case("utf-8"))
    });
    media.eq_ignore_ascii_case("application/json") && charset_ok
}

/// The boundary of a `multipart/form-data` body, if that is the content
/// type.
pub fn boundary(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = value.split(';');
    let media = parts.next()?.trim();
    if !media.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parts.find_map(|p| {
        let (key, val) = p.trim().split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| val.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

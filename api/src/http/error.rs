//! The one JSON shape of an HTTP-level error, the same as a GraphQL
//! request error: `{"errors": [{"message": …, "extensions": {"code": …}}]}`.

use axum::{
    Json,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

use crate::graphql::error::ErrorCode;

/// An error response with `code` and `message`.
pub fn json_error(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Response {
    json_error_with(status, code, message, Map::new())
}

/// An error response with `code`, `message` and more `extensions`.
pub fn json_error_with(
    status: StatusCode,
    code: ErrorCode,
    message: impl Into<String>,
    mut extensions: Map<String, Value>,
) -> Response {
    extensions.insert("code".into(), Value::from(code.as_str()));
    let body = json!({ "errors": [{ "message": message.into(), "extensions": extensions }] });
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        Json(body),
    )
        .into_response()
}

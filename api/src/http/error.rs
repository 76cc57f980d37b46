//! The one HTTP error: every refusal Pactum answers outside GraphQL (401,
//! 403, 404, 408, 413, 429, a failed login, a panic) is an [`HttpError`],
//! sent in the same JSON shape as a GraphQL request error:
//! `{"errors": [{"message": …, "extensions": {"code": …, …}}]}`, its code
//! from the one [`ErrorCode`] registry.

use axum::{
    Json,
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

use crate::error_code::{ErrorCode, INTERNAL_MESSAGE};

/// An HTTP error answer.
#[derive(Debug)]
pub struct HttpError {
    status: StatusCode,
    code: ErrorCode,
    message: String,
    extensions: Map<String, Value>,
    headers: HeaderMap,
}

impl HttpError {
    /// An error with `status`, `code` and a message for the client.
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            extensions: Map::new(),
            headers: HeaderMap::new(),
        }
    }

    /// The 500 answer; the detail goes to the log only.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            INTERNAL_MESSAGE,
        )
    }

    /// Adds `extensions.{key}`.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extensions.insert(key.into(), value.into());
        self
    }

    /// Adds a response header (appended: `Set-Cookie` may repeat).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let mut extensions = self.extensions;
        extensions.insert("code".into(), Value::from(self.code.as_str()));
        let body = json!({ "errors": [{ "message": self.message, "extensions": extensions }] });
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            Json(body),
        )
            .into_response();
        for (name, value) in &self.headers {
            response.headers_mut().append(name, value.clone());
        }
        response
    }
}

//! GraphQL over HTTP: `GET /graphql` (queries only; GraphiQL in a browser)
//! and `POST /graphql` (JSON, or `multipart/form-data` for uploads),
//! written here rather than taken from async-graphql-axum because the stock
//! handler falls short of the GraphQL-over-HTTP specification and of our
//! CSRF rules: it runs mutations sent over GET or as `text/plain`, ignores
//! `Accept`, answers every failure with 200 and runs batches without a cap.
//!
//! The document limits, the cost charge and the GET-mutation refusal are
//! schema extensions (`crate::graphql::guard`, `crate::graphql::cost`), so
//! they hold on every transport; this module maps their codes to HTTP
//! statuses (400, 405, 429) and masks uncoded errors.

use async_graphql::{BatchRequest, Request, Response, ServerError};
use axum::{
    Extension,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response as HttpResponse},
};
use serde_json::json;

use super::{
    body::{is_timed_out, is_too_large, timed_out, too_large},
    client_ip::ClientIp,
    error::HttpError,
    multipart::{self, MultipartFailure, MultipartLimits},
    negotiate::{self, ResponseType, is_json_content_type, negotiate, not_acceptable, wants_html},
    rate::admit,
};
use crate::{
    domain::{actor::Actor, pagination::PageLimits},
    graphql::{
        context::RequestState,
        cost::Payer,
        error::{ErrorCode, INTERNAL_MESSAGE},
        guard::ReadOnlyTransport,
    },
    ratelimit::ClientKey,
    state::{AppState, Gate},
};

fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A response that never reached GraphQL execution (malformed HTTP request).
fn bad_request(status: StatusCode, ty: ResponseType, message: &str) -> HttpResponse {
    let mut response = HttpError::new(status, ErrorCode::BadRequest, message).into_response();
    if let Ok(value) = header::HeaderValue::from_str(ty.content_type()) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

/// `GET /graphql`: GraphiQL for a browser, else a query in the URL.
pub async fn graphql_get(
    State(state): State<AppState>,
    State(gate): State<Gate>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    uri: Uri,
) -> HttpResponse {
    let query_string = uri.query().unwrap_or_default();
    if query_string.is_empty() && wants_html(&headers) {
        return super::graphiql::graphiql();
    }
    let Some(ty) = negotiate(&headers) else {
        return not_acceptable();
    };
    let (actor, key) = match admit(&gate, &headers, ip).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let request = match async_graphql::http::parse_query_string(query_string) {
        Ok(request) => request,
        Err(err) => {
            return bad_request(
                StatusCode::BAD_REQUEST,
                ty,
                &format!("invalid GET request: {err}"),
            );
        }
    };
    let caller = Caller { actor, key };
    execute_http(
        &state,
        &headers,
        ty,
        BatchRequest::Single(request),
        Method::GET,
        &caller,
    )
    .await
}

/// `POST /graphql`: JSON (single or batched) or a multipart upload.
pub async fn graphql_post(
    State(state): State<AppState>,
    State(gate): State<Gate>,
    Extension(ip): Extension<ClientIp>,
    request: axum::extract::Request,
) -> HttpResponse {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let Some(ty) = negotiate(&headers) else {
        return not_acceptable();
    };
    let boundary = negotiate::boundary(&headers);
    if boundary.is_none() && !is_json_content_type(&headers) {
        return bad_request(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ty,
            "POST requests must have Content-Type: application/json (or multipart/form-data for uploads)",
        );
    }
    // Credentials (and the CSRF origin check) before reading a byte of
    // the body, so a refused upload is never spooled to disk.
    let (actor, key) = match admit(&gate, &headers, ip).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let batch = if let Some(boundary) = boundary {
        if actor == Actor::Anonymous {
            let rejection = crate::auth::Rejection::Unauthenticated {
                message: "log in to upload files".into(),
                from_cookie: false,
            };
            return super::auth::refused(rejection, &gate.auth);
        }
        let limits = MultipartLimits {
            max_form_bytes: state.config.max_body_bytes as u64,
            max_total_bytes: super::body::limit_for(
                &state.config,
                &Method::POST,
                &parts.uri,
                &headers,
            ),
            max_files: state.config.max_batch_size,
        };
        match multipart::receive(body, boundary, limits).await {
            Ok(batch) => {
                // Files cost their size: a point per UPLOAD_BYTES_PER_POINT.
                let points = multipart::uploaded_bytes(&batch) / UPLOAD_BYTES_PER_POINT;
                let points = u32::try_from(points).unwrap_or(u32::MAX);
                if points > 0
                    && let Some(refusal) = super::rate::charge(&gate, &key, points)
                {
                    return refusal;
                }
                batch
            }
            Err(MultipartFailure::TooLarge(limit)) => return too_large(limit),
            Err(MultipartFailure::TimedOut) => {
                return timed_out(state.config.body_idle_timeout_seconds);
            }
            Err(MultipartFailure::Internal(detail)) => {
                tracing::error!(%detail, "cannot receive an upload");
                return HttpError::internal().into_response();
            }
            Err(MultipartFailure::Invalid(message)) => {
                return bad_request(
                    StatusCode::BAD_REQUEST,
                    ty,
                    &format!("invalid multipart request: {message}"),
                );
            }
        }
    } else {
        let bytes = match axum::body::to_bytes(body, usize::MAX).await {
            Ok(bytes) => bytes,
            Err(err) if is_too_large(&err) => return too_large(state.config.max_body_bytes as u64),
            Err(err) if is_timed_out(&err) => {
                return timed_out(state.config.body_idle_timeout_seconds);
            }
            Err(err) => {
                return bad_request(
                    StatusCode::BAD_REQUEST,
                    ty,
                    &format!("cannot read the body: {err}"),
                );
            }
        };
        match serde_json::from_slice(&bytes) {
            Ok(batch) => batch,
            Err(err) => {
                return bad_request(
                    StatusCode::BAD_REQUEST,
                    ty,
                    &format!("invalid JSON body: {err}"),
                );
            }
        }
    };
    let caller = Caller { actor, key };
    execute_http(&state, &headers, ty, batch, Method::POST, &caller).await
}

/// Uploaded bytes one cost point pays for (a 50 MB file costs 763 points).
pub const UPLOAD_BYTES_PER_POINT: u64 = 64 * 1024;

/// Who sent the request and whose budget pays for it.
struct Caller {
    actor: Actor,
    key: ClientKey,
}

/// One operation's outcome, before it becomes (part of) an HTTP response.
struct Outcome {
    /// What the operation alone would be answered with.
    status: StatusCode,
    /// Seconds to wait, when the budget refused it.
    retry_after: Option<u64>,
    body: String,
}

async fn execute_http(
    state: &AppState,
    headers: &HeaderMap,
    ty: ResponseType,
    batch: BatchRequest,
    method: Method,
    caller: &Caller,
) -> HttpResponse {
    if batch.iter().any(|request| request.query.trim().is_empty()) {
        return bad_request(
            StatusCode::BAD_REQUEST,
            ty,
            "a GraphQL request needs a non-empty `query`",
        );
    }
    let requests = match batch {
        BatchRequest::Single(request) => {
            let outcome = execute_one(state, headers, ty, request, &method, caller).await;
            return respond(ty, outcome.status, outcome.retry_after, outcome.body);
        }
        BatchRequest::Batch(requests) => requests,
    };
    if requests.is_empty() || requests.len() > state.config.max_batch_size {
        return bad_request(
            StatusCode::BAD_REQUEST,
            ty,
            &format!(
                "a batch holds 1 to {} operations",
                state.config.max_batch_size
            ),
        );
    }
    if method == Method::GET {
        return bad_request(
            StatusCode::BAD_REQUEST,
            ty,
            "batches must be sent with POST",
        );
    }
    let mut outcomes = Vec::with_capacity(requests.len());
    for request in requests {
        outcomes.push(execute_one(state, headers, ty, request, &method, caller).await);
    }
    // A batch succeeds as a whole; per-operation failures are in each body.
    // Only when every operation failed the same way does the status say so.
    let first = outcomes[0].status;
    let status = if first != StatusCode::OK && outcomes.iter().all(|o| o.status == first) {
        first
    } else {
        StatusCode::OK
    };
    let retry_after = outcomes.iter().filter_map(|o| o.retry_after).max();
    let bodies: Vec<String> = outcomes.into_iter().map(|o| o.body).collect();
    respond(ty, status, retry_after, format!("[{}]", bodies.join(",")))
}

fn respond(
    ty: ResponseType,
    status: StatusCode,
    retry_after: Option<u64>,
    body: String,
) -> HttpResponse {
    let mut response = (status, [(header::CONTENT_TYPE, ty.content_type())], body).into_response();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
    }
    if let (StatusCode::TOO_MANY_REQUESTS, Some(seconds)) = (status, retry_after) {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    }
    response
}

/// Runs one operation.
async fn execute_one(
    state: &AppState,
    headers: &HeaderMap,
    ty: ResponseType,
    request: Request,
    method: &Method,
    caller: &Caller,
) -> Outcome {
    let mut request = prepared(state, caller.actor.clone(), caller.key, request);
    if method == Method::GET {
        request = request.data(ReadOnlyTransport);
    }
    let response = state.schema.execute(request).await;
    finish_response(state, ty, response, &request_id(headers))
}

/// `request` with what every operation runs with: the actor's view of the
/// database, the page limits, file storage and the budget it pays from.
/// Every transport that executes GraphQL (this one, the record pages)
/// prepares its requests here.
pub(crate) fn prepared(
    state: &AppState,
    actor: Actor,
    key: ClientKey,
    request: Request,
) -> Request {
    let limits = PageLimits {
        default_size: u64::from(state.config.default_page_size),
        max_size: u64::from(state.config.max_page_size),
    };
    request
        .data(RequestState::new(
            state.db.clone(),
            actor,
            limits,
            std::time::Duration::from_micros(state.config.dataloader_delay_micros),
            &state.metrics.relation_loads,
        ))
        .data(state.files.clone())
        .data(Payer {
            budgets: state.budgets.clone(),
            key,
        })
}

/// Gives every error a code, masks uncoded resolver errors as INTERNAL (the
/// detail goes to the log), leaves `data` out of request errors, and picks
/// the status: a request error is 400 under
/// `application/graphql-response+json` (200 under `application/json`, as
/// the legacy rules say), a mutation over GET 405, a refused budget 429.
fn finish_response(
    state: &AppState,
    ty: ResponseType,
    response: Response,
    request_id: &str,
) -> Outcome {
    let is_request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let errors: Vec<ServerError> = response
        .errors
        .into_iter()
        .map(|error| coded_error(state, error, is_request_error, request_id))
        .collect();
    let first_code = errors.first().and_then(error_code);
    let mut retry_after = None;
    let status = match (is_request_error, first_code.as_deref()) {
        (true, Some(code)) if code == ErrorCode::MethodNotAllowed.as_str() => {
            StatusCode::METHOD_NOT_ALLOWED
        }
        (true, Some(code)) if code == ErrorCode::RateLimited.as_str() => {
            retry_after = errors
                .first()
                .and_then(|e| e.extensions.as_ref())
                .and_then(|ext| ext.get("retryAfter"))
                .and_then(|v| match v {
                    async_graphql::Value::Number(n) => n.as_u64(),
                    _ => None,
                });
            StatusCode::TOO_MANY_REQUESTS
        }
        (true, _) if ty == ResponseType::GraphqlResponse => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    let body = Body {
        data: (!is_request_error).then_some(&response.data),
        errors: &errors,
        extensions: &response.extensions,
    };
    let text = serde_json::to_string(&body).unwrap_or_else(|err| {
        tracing::error!(%err, %request_id, "cannot serialize a response");
        json!({ "errors": [{ "message": INTERNAL_MESSAGE, "extensions": { "code": "INTERNAL", "requestId": request_id } }] })
            .to_string()
    });
    Outcome {
        status,
        retry_after,
        body: text,
    }
}

/// The `extensions.code` of `error`, if it has one.
pub(crate) fn error_code(error: &ServerError) -> Option<String> {
    error
        .extensions
        .as_ref()
        .and_then(|ext| ext.get("code"))
        .and_then(|code| match code {
            async_graphql::Value::String(s) => Some(s.clone()),
            _ => None,
        })
}

fn coded_error(
    state: &AppState,
    mut error: ServerError,
    is_request_error: bool,
    request_id: &str,
) -> ServerError {
    let code = match error_code(&error) {
        Some(code) => code,
        None if is_request_error => ErrorCode::ValidationFailed.as_str().to_owned(),
        None => {
            tracing::error!(message = %error.message, path = ?error.path, %request_id, "uncoded resolver error masked");
            error.message = INTERNAL_MESSAGE.to_owned();
            ErrorCode::Internal.as_str().to_owned()
        }
    };
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code.as_str());
    if code == ErrorCode::Internal.as_str() {
        extensions.set("requestId", request_id);
    }
    state
        .metrics
        .graphql_errors
        .with_label_values(&[code.as_str()])
        .inc();
    error
}

/// The response body, serialized straight from async-graphql's values.
#[derive(serde::Serialize)]
struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[ServerError]>::is_empty")]
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")),
        );
        headers
    }

    #[test]
    fn negotiates_the_response_type() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(ResponseType::Json));
        assert_eq!(
            negotiate(&accept("application/graphql-response+json")),
            Some(ResponseType::GraphqlResponse)
        );
        assert_eq!(
            negotiate(&accept(
                "application/json;q=0.9, application/graphql-response+json"
            )),
            Some(ResponseType::GraphqlResponse)
        );
        assert_eq!(
            negotiate(&accept(
                "application/json, application/graphql-response+json"
            )),
            Some(ResponseType::Json)
        );
        assert_eq!(negotiate(&accept("*/*")), Some(ResponseType::Json));
        assert_eq!(negotiate(&accept("text/xml")), None);
    }
}

//! The axum router: `/graphql` (GET and POST, GraphiQL in a browser; POST
//! as JSON, or as `multipart/form-data` for file uploads following the
//! GraphQL multipart request spec), `/files/{versionId}` (downloads),
//! `/auth/*` (login), `/unsubscribe` (one-click, from alert e-mails),
//! `/healthz`, `/readyz`, `/metrics`, wrapped in request ids, tracing, CORS
//! and body limits (`max_body_bytes`, or `max_upload_bytes` more for
//! multipart uploads).
//!
//! The GraphQL endpoint is written here rather than taken from
//! async-graphql-axum because the stock handler falls short of the
//! GraphQL-over-HTTP specification and of our CSRF rules: it runs mutations
//! sent over GET or as `text/plain`, ignores `Accept`, answers every failure
//! with 200 and runs batches without a cap.

use std::{sync::Arc, time::Instant};

use async_graphql::{
    BatchRequest, Request, Response, ServerError,
    http::GraphiQLSource,
    parser::types::{
        DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
    },
};
use axum::{
    Router,
    extract::{DefaultBodyLimit, MatchedPath, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    middleware::{self, Next},
    response::{Html, IntoResponse, Response as HttpResponse},
    routing::get,
};
use sea_orm::DatabaseConnection;
use serde_json::json;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::{
    config::Config,
    domain::{actor::Actor, pagination::PageLimits},
    graphql::{
        PactumSchema,
        context::RequestState,
        error::{ErrorCode, INTERNAL_MESSAGE},
    },
    metrics::Metrics,
};

/// Everything the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// Login providers, session settings, trusted origins.
    pub auth: Arc<crate::auth::AuthState>,
    /// The GraphQL schema.
    pub schema: PactumSchema,
    /// The database pool.
    pub db: DatabaseConnection,
    /// The configuration.
    pub config: Arc<Config>,
    /// Process metrics.
    pub metrics: Metrics,
    /// File storage and the upload limit.
    pub files: crate::storage::Files,
    /// Signs and checks one-click unsubscribe links.
    pub notify_key: crate::notify::unsubscribe::UnsubscribeKey,
}

/// Why the router could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RouterError {
    /// A configured CORS origin is not a valid header value.
    #[error("invalid CORS origin `{0}`")]
    InvalidOrigin(String),
}

/// Builds the whole HTTP application.
pub fn router(state: AppState) -> Result<Router, RouterError> {
    let body_limit = state.config.max_body_bytes;
    let origins = state
        .config
        .cors_allowed_origins
        .iter()
        .map(|o| HeaderValue::from_str(o).map_err(|_| RouterError::InvalidOrigin(o.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_credentials(true)
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT]);
    Ok(Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/files/{version_id}", get(crate::files::download))
        .route("/auth/providers", get(crate::auth::list_providers))
        .route("/auth/login/{provider}", get(crate::auth::login))
        .route("/auth/callback/{provider}", get(crate::auth::callback))
        .route("/auth/logout", axum::routing::post(crate::auth::logout))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route(
            "/unsubscribe",
            get(crate::notify::unsubscribe::confirm).post(crate::notify::unsubscribe::unsubscribe),
        )
        .layer(middleware::from_fn_with_state(state.clone(), track))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), limit_body))
        .layer(cors)
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let request_id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            tracing::info_span!("request", method = %req.method(), uri = %req.uri(), %request_id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state))
}

/// The most bytes a request body may have: `max_body_bytes`, plus
/// `max_upload_bytes` for a multipart upload. A declared `Content-Length`
/// over the limit is refused at once (413); a body that turns out longer is
/// cut off, and reading it fails with a length-limit error (413 too).
async fn limit_body(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: Next,
) -> HttpResponse {
    let limit = body_limit_for(&state.config, req.method(), req.uri(), req.headers());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return too_large(limit);
    }
    let req = req.map(|body| axum::body::Body::new(http_body_util::Limited::new(body, limit)));
    next.run(req).await
}

fn body_limit_for(config: &Config, method: &Method, uri: &Uri, headers: &HeaderMap) -> usize {
    if method == Method::POST && uri.path() == "/graphql" && multipart_boundary(headers).is_some() {
        config
            .max_body_bytes
            .saturating_add(config.max_upload_bytes)
    } else {
        config.max_body_bytes
    }
}

fn too_large(limit: usize) -> HttpResponse {
    let body = json!({ "errors": [{
        "message": format!("the request body is larger than {limit} bytes"),
        "extensions": { "code": "PAYLOAD_TOO_LARGE" }
    }] });
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// Whether `err` (or what caused it) is the body limit being hit.
fn is_length_limit(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// Records request count and latency per route.
async fn track(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: Next,
) -> HttpResponse {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(req).await;
    state
        .metrics
        .http_requests
        .with_label_values(&[route.as_str(), response.status().as_str()])
        .inc();
    state
        .metrics
        .http_duration
        .with_label_values(&[route.as_str()])
        .observe(started.elapsed().as_secs_f64());
    response
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> HttpResponse {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(err) => {
            tracing::warn!(%err, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> HttpResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

/// The media type a GraphQL response is sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResponseType {
    /// `application/graphql-response+json`: request errors get 4xx.
    GraphqlResponse,
    /// `application/json`: every well-formed request gets 200.
    Json,
}

impl ResponseType {
    fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        }
    }
}

/// Picks the response type from `Accept` (highest q first, then order).
/// No header, or only wildcards, means `application/json`, which every
/// client understands.
fn negotiate(headers: &HeaderMap) -> Option<ResponseType> {
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

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.split(',').any(|m| m.trim().starts_with("text/html")))
}

fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A response that never reached GraphQL execution (malformed HTTP request).
fn request_failure(status: StatusCode, ty: ResponseType, message: &str) -> HttpResponse {
    let body =
        json!({ "errors": [{ "message": message, "extensions": { "code": "BAD_REQUEST" } }] });
    (
        status,
        [(header::CONTENT_TYPE, ty.content_type())],
        body.to_string(),
    )
        .into_response()
}

async fn graphql_get(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> HttpResponse {
    let query_string = uri.query().unwrap_or_default();
    if query_string.is_empty() && wants_html(&headers) {
        return Html(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .title("Pactum")
                .finish(),
        )
        .into_response();
    }
    let Some(ty) = negotiate(&headers) else {
        return (
            StatusCode::NOT_ACCEPTABLE,
            "accepted: application/graphql-response+json, application/json",
        )
            .into_response();
    };
    let actor = match crate::auth::authenticate(&state, &headers).await {
        Ok(actor) => actor,
        Err(rejection) => return rejection.into_response(&state.auth),
    };
    let request = match async_graphql::http::parse_query_string(query_string) {
        Ok(request) => request,
        Err(err) => {
            return request_failure(
                StatusCode::BAD_REQUEST,
                ty,
                &format!("invalid GET request: {err}"),
            );
        }
    };
    execute_http(
        &state,
        &headers,
        ty,
        BatchRequest::Single(request),
        Method::GET,
        actor,
    )
    .await
}

async fn graphql_post(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> HttpResponse {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let Some(ty) = negotiate(&headers) else {
        return (
            StatusCode::NOT_ACCEPTABLE,
            "accepted: application/graphql-response+json, application/json",
        )
            .into_response();
    };
    let multipart = multipart_boundary(&headers);
    if multipart.is_none() && !is_json_content_type(&headers) {
        return request_failure(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ty,
            "POST requests must have Content-Type: application/json (or multipart/form-data for uploads)",
        );
    }
    // Credentials (and the CSRF origin check) before reading a byte of
    // the body, so a refused upload is never spooled to disk.
    let actor = match crate::auth::authenticate(&state, &headers).await {
        Ok(actor) => actor,
        Err(rejection) => return rejection.into_response(&state.auth),
    };
    let batch = if multipart.is_some() {
        if actor == Actor::Anonymous {
            return crate::auth::Rejection::Unauthenticated {
                message: "log in to upload files".into(),
                from_cookie: false,
            }
            .into_response(&state.auth);
        }
        match receive_multipart(&state, &headers, body).await {
            Ok(batch) => batch,
            Err(MultipartFailure::TooLarge(limit)) => return too_large(limit),
            Err(MultipartFailure::Invalid(message)) => {
                return request_failure(
                    StatusCode::BAD_REQUEST,
                    ty,
                    &format!("invalid multipart request: {message}"),
                );
            }
        }
    } else {
        let bytes = match axum::body::to_bytes(body, state.config.max_body_bytes).await {
            Ok(bytes) => bytes,
            Err(err) if is_length_limit(&err) => return too_large(state.config.max_body_bytes),
            Err(err) => {
                return request_failure(
                    StatusCode::BAD_REQUEST,
                    ty,
                    &format!("cannot read the body: {err}"),
                );
            }
        };
        match serde_json::from_slice(&bytes) {
            Ok(batch) => batch,
            Err(err) => {
                return request_failure(
                    StatusCode::BAD_REQUEST,
                    ty,
                    &format!("invalid JSON body: {err}"),
                );
            }
        }
    };
    execute_http(&state, &headers, ty, batch, Method::POST, actor).await
}

/// Why a multipart request could not be read.
enum MultipartFailure {
    /// The body is over the upload limit (413).
    TooLarge(usize),
    /// The body is not a valid GraphQL multipart request (400).
    Invalid(String),
}

/// Reads a GraphQL multipart request (operations, map, files): files are
/// spooled to unnamed temporary files as they arrive, never held in memory.
async fn receive_multipart(
    state: &AppState,
    headers: &HeaderMap,
    body: axum::body::Body,
) -> Result<BatchRequest, MultipartFailure> {
    use futures::TryStreamExt;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tokio_util::compat::TokioAsyncReadCompatExt;

    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let limit = state
        .config
        .max_body_bytes
        .saturating_add(state.config.max_upload_bytes);
    let exceeded = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&exceeded);
    let stream = body.into_data_stream().map_err(move |err| {
        if is_length_limit(&err) {
            flag.store(true, Ordering::Relaxed);
        }
        std::io::Error::other(err)
    });
    let reader = tokio_util::io::StreamReader::new(stream).compat();
    let options = async_graphql::http::MultipartOptions::default().max_file_size(limit);
    match async_graphql::http::receive_batch_body(Some(content_type), reader, options).await {
        Ok(batch) => Ok(batch),
        Err(async_graphql::ParseRequestError::PayloadTooLarge) => {
            Err(MultipartFailure::TooLarge(limit))
        }
        Err(_) if exceeded.load(Ordering::Relaxed) => Err(MultipartFailure::TooLarge(limit)),
        Err(err) => Err(MultipartFailure::Invalid(err.to_string())),
    }
}

/// The boundary of a `multipart/form-data` body, if that is the content
/// type.
fn multipart_boundary(headers: &HeaderMap) -> Option<String> {
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

/// `application/json`, optionally with `charset=utf-8`.
fn is_json_content_type(headers: &HeaderMap) -> bool {
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

/// What the pre-execution checks found wrong with one operation.
enum Refusal {
    /// The HTTP method may not carry this operation (a mutation over GET).
    MethodNotAllowed,
    /// The document failed to parse, or breaks the alias limit: answered as
    /// a GraphQL request error.
    Request(ErrorCode, String),
}

/// Checks one request before execution: parses it (async-graphql keeps
/// the parsed document), counts aliases, refuses mutations over GET.
fn precheck(request: &mut Request, method: &Method, max_aliases: usize) -> Result<(), Refusal> {
    let operation_name = request.operation_name.clone();
    let document = match request.parsed_query() {
        Ok(document) => document,
        Err(err) => return Err(Refusal::Request(ErrorCode::ParseFailed, err.message)),
    };
    let aliases = count_aliases(document);
    if aliases > max_aliases {
        return Err(Refusal::Request(
            ErrorCode::ValidationFailed,
            format!("the query uses {aliases} aliases; at most {max_aliases} are allowed"),
        ));
    }
    if method == Method::GET
        && selected_operation(document, operation_name.as_deref()) == Some(OperationType::Mutation)
    {
        return Err(Refusal::MethodNotAllowed);
    }
    Ok(())
}

fn selected_operation(document: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, op)| op.node.ty),
        (DocumentOperations::Multiple(ops), None) => {
            // Ambiguous: execution will refuse it; refuse over GET if any
            // operation could be a mutation.
            ops.values()
                .map(|op| op.node.ty)
                .find(|ty| *ty == OperationType::Mutation)
                .or(Some(OperationType::Query))
        }
    }
}

fn count_aliases(document: &ExecutableDocument) -> usize {
    fn walk(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => {
                    usize::from(field.node.alias.is_some()) + walk(&field.node.selection_set.node)
                }
                Selection::InlineFragment(fragment) => walk(&fragment.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    let operations: usize = document
        .operations
        .iter()
        .map(|(_, op)| walk(&op.node.selection_set.node))
        .sum();
    let fragments: usize = document
        .fragments
        .values()
        .map(|f| walk(&f.node.selection_set.node))
        .sum();
    operations + fragments
}

async fn execute_http(
    state: &AppState,
    headers: &HeaderMap,
    ty: ResponseType,
    batch: BatchRequest,
    method: Method,
    actor: Actor,
) -> HttpResponse {
    if batch.iter().any(|request| request.query.trim().is_empty()) {
        return request_failure(
            StatusCode::BAD_REQUEST,
            ty,
            "a GraphQL request needs a non-empty `query`",
        );
    }
    match batch {
        BatchRequest::Single(request) => {
            match execute_one(state, headers, ty, request, &method, actor).await {
                Ok((status, body)) => {
                    (status, [(header::CONTENT_TYPE, ty.content_type())], body).into_response()
                }
                Err(response) => response,
            }
        }
        BatchRequest::Batch(requests) => {
            if requests.is_empty() || requests.len() > state.config.max_batch_size {
                return request_failure(
                    StatusCode::BAD_REQUEST,
                    ty,
                    &format!(
                        "a batch holds 1 to {} operations",
                        state.config.max_batch_size
                    ),
                );
            }
            if method == Method::GET {
                return request_failure(
                    StatusCode::BAD_REQUEST,
                    ty,
                    "batches must be sent with POST",
                );
            }
            let batch_len = requests.len();
            let mut bodies = Vec::with_capacity(batch_len);
            let mut statuses = Vec::with_capacity(batch_len);
            for request in requests {
                let (status, body) =
                    match execute_one(state, headers, ty, request, &method, actor.clone()).await {
                        Ok(pair) => pair,
                        Err(response) => return response,
                    };
                statuses.push(status);
                bodies.push(body);
            }
            // A batch succeeds as a whole; per-operation failures are in
            // each body.
            let status = if statuses.iter().all(|s| *s == StatusCode::BAD_REQUEST) {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            (
                status,
                [(header::CONTENT_TYPE, ty.content_type())],
                format!("[{}]", bodies.join(",")),
            )
                .into_response()
        }
    }
}

/// Runs one operation; `Err` carries a finished HTTP response (405).
async fn execute_one(
    state: &AppState,
    headers: &HeaderMap,
    ty: ResponseType,
    mut request: Request,
    method: &Method,
    actor: Actor,
) -> Result<(StatusCode, String), HttpResponse> {
    let request_error_status = match ty {
        ResponseType::GraphqlResponse => StatusCode::BAD_REQUEST,
        ResponseType::Json => StatusCode::OK,
    };
    match precheck(&mut request, method, state.config.max_aliases) {
        Ok(()) => {}
        Err(Refusal::MethodNotAllowed) => {
            let body = json!({ "errors": [{
                "message": "mutations must be sent with POST",
                "extensions": { "code": "METHOD_NOT_ALLOWED" }
            }] });
            return Err((
                StatusCode::METHOD_NOT_ALLOWED,
                [
                    (header::ALLOW, "POST"),
                    (header::CONTENT_TYPE, ty.content_type()),
                ],
                body.to_string(),
            )
                .into_response());
        }
        Err(Refusal::Request(code, message)) => {
            state
                .metrics
                .graphql_errors
                .with_label_values(&[code.as_str()])
                .inc();
            let body = json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] });
            return Ok((request_error_status, body.to_string()));
        }
    }
    let limits = PageLimits {
        default_size: u64::from(state.config.default_page_size),
        max_size: u64::from(state.config.max_page_size),
    };
    let request = request
        .data(RequestState::new(
            state.db.clone(),
            actor,
            limits,
            std::time::Duration::from_micros(state.config.dataloader_delay_micros),
        ))
        .data(state.files.clone());
    let response = state.schema.execute(request).await;
    let (is_request_error, body) = finish_response(state, response, &request_id(headers));
    Ok((
        if is_request_error {
            request_error_status
        } else {
            StatusCode::OK
        },
        body,
    ))
}

/// Gives every error a code, masks uncoded resolver errors as INTERNAL (the
/// detail goes to the log), and leaves `data` out of request errors.
/// Returns whether this was a request error (nothing executed).
fn finish_response(state: &AppState, response: Response, request_id: &str) -> (bool, String) {
    let is_request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let errors: Vec<ServerError> = response
        .errors
        .into_iter()
        .map(|error| coded_error(state, error, is_request_error, request_id))
        .collect();
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
    (is_request_error, text)
}

fn coded_error(
    state: &AppState,
    mut error: ServerError,
    is_request_error: bool,
    request_id: &str,
) -> ServerError {
    let existing = error
        .extensions
        .as_ref()
        .and_then(|ext| ext.get("code"))
        .and_then(|code| match code {
            async_graphql::Value::String(s) => Some(s.clone()),
            _ => None,
        });
    let code = match existing {
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

    #[test]
    fn counts_aliases_in_operations_and_fragments() {
        let doc = async_graphql::parser::parse_query(
            "query { a: organizations { b: totalCount } ...F } fragment F on Query { c: stats { d: documentsByKind { key } } }",
        );
        assert_eq!(doc.map(|d| count_aliases(&d)).ok(), Some(4));
    }
}

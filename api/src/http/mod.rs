//! The axum router: `/` (to `/graphql`), `/graphql` (GET and POST, GraphiQL in a browser; POST
//! as JSON, or as `multipart/form-data` for file uploads following the
//! GraphQL multipart request spec), `/files/{versionId}` (downloads),
//! `/open-data/*` (the open data package),
//! `/auth/*` (login), `/unsubscribe` (one-click, from alert e-mails),
//! `/healthz`, `/readyz`, `/metrics`, wrapped in request ids, tracing, CORS,
//! the client address, and body limits (`max_body_bytes`, or
//! `max_upload_bytes` more for multipart uploads).

pub mod auth;
pub mod body;
pub mod client_ip;
pub mod error;
pub mod files;
pub mod graphiql;
pub mod graphql;
pub mod multipart;
pub mod negotiate;
pub mod open_data;
pub mod pages;
pub mod rate;
pub mod serve;
pub mod unsubscribe;

use std::time::{Duration, Instant};

use axum::{
    Router,
    extract::{DefaultBodyLimit, MatchedPath, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response as HttpResponse},
    routing::get,
};
use sea_orm::DatabaseConnection;
use tower_http::{
    catch_panic::CatchPanicLayer,
    cors::{AllowOrigin, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::RequestBodyTimeoutLayer,
    trace::TraceLayer,
};

use crate::{metrics::Metrics, state::AppState};

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
    let auth = Router::new()
        .route("/auth/providers", get(auth::list_providers))
        .route("/auth/login/{provider}", get(auth::login))
        .route("/auth/callback/{provider}", get(auth::callback))
        .route("/auth/logout", axum::routing::post(auth::logout))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            rate::limit_logins,
        ));
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
    let pages = pages::RecordPage::ALL
        .into_iter()
        .fold(Router::new(), |router, page| {
            router.route(page.route(), page.handler())
        });
    Ok(Router::new()
        .route("/", get(pages::index::home))
        .merge(pages)
        .route(
            "/agreements/{id}/answer",
            axum::routing::post(pages::answer::answer),
        )
        .route(
            "/account/notifications",
            get(pages::preferences::show).post(pages::preferences::save),
        )
        .route("/graphql", get(graphql::graphql_get).post(graphql::graphql_post))
        .route("/files/{version_id}", get(files::download))
        .route("/open-data/datapackage.json", get(open_data::package))
        .route("/open-data/{file}", get(open_data::table))
        .merge(auth)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route(
            "/unsubscribe",
            get(unsubscribe::confirm).post(unsubscribe::unsubscribe),
        )
        // Innermost first: the last layer sees a request first.
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), body::limit_body))
        .layer(RequestBodyTimeoutLayer::new(Duration::from_secs(
            state.config.body_idle_timeout_seconds,
        )))
        .layer(middleware::from_fn_with_state(state.clone(), client_ip::client_ip))
        .layer(middleware::from_fn_with_state(state.clone(), track))
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
        .layer(CatchPanicLayer::custom(panicked))
        .with_state(state))
}

/// The answer when a handler panicked (a bug): the JSON INTERNAL error,
/// never a dropped connection.
fn panicked(detail: Box<dyn std::any::Any + Send + 'static>) -> HttpResponse {
    let detail = detail
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| detail.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(%detail, "a request handler panicked");
    error::HttpError::internal().into_response()
}

/// Records request count and latency per route.
async fn track(
    State(metrics): State<Metrics>,
    req: axum::extract::Request,
    next: Next,
) -> HttpResponse {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(req).await;
    metrics
        .http_requests
        .with_label_values(&[route.as_str(), response.status().as_str()])
        .inc();
    metrics
        .http_duration
        .with_label_values(&[route.as_str()])
        .observe(started.elapsed().as_secs_f64());
    response
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(db): State<DatabaseConnection>) -> HttpResponse {
    match db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(err) => {
            tracing::warn!(%err, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

async fn metrics(State(metrics): State<Metrics>) -> HttpResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        metrics.render(),
    )
        .into_response()
}

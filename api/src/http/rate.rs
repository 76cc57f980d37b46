//! Charging requests to their client's budget at the door (see
//! `crate::ratelimit`): credentials are checked first so the request is
//! charged to its session or token; a request whose credentials are refused
//! is charged to its IP, so guessing tokens costs like any other request.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::Response,
};
use serde_json::{Map, Value};

use super::{AppState, client_ip::ClientIp, error::json_error_with};
use crate::{
    domain::actor::Actor,
    graphql::error::ErrorCode,
    ratelimit::{Charge, ClientKey},
};

/// The 429 answer, with `Retry-After`.
pub fn too_many_requests(charge: &Charge) -> Response {
    let wait = charge.retry_after;
    let retry_after = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
    let mut extensions = Map::new();
    extensions.insert("retryAfter".into(), Value::from(retry_after));
    let mut response = json_error_with(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        format!("too many requests; retry in {retry_after} s"),
        extensions,
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

/// Authenticates a request and charges `points` to whoever it acts as.
/// `Err` is the finished answer (401, 403 or 429).
pub async fn authenticate_and_charge(
    state: &AppState,
    headers: &HeaderMap,
    ip: ClientIp,
    points: u32,
) -> Result<(Actor, ClientKey), Response> {
    match crate::auth::authenticate(state, headers).await {
        Ok(actor) => {
            let key = ClientKey::of(&actor, ip.0);
            match state.budgets.charge(&key, points) {
                Some(charge) if !charge.allowed => Err(too_many_requests(&charge)),
                _ => Ok((actor, key)),
            }
        }
        Err(rejection) => match state.budgets.charge(&ClientKey::ip(ip.0), 1) {
            Some(charge) if !charge.allowed => Err(too_many_requests(&charge)),
            _ => Err(rejection.into_response(&state.auth)),
        },
    }
}

/// Holds each client IP to `rate_limit_login_per_minute` requests on the
/// login routes.
pub async fn limit_logins(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ClientIp>()
        .map_or(std::net::IpAddr::from([127, 0, 0, 1]), |c| c.0);
    match state.budgets.charge_login(ip) {
        Some(charge) if !charge.allowed => too_many_requests(&charge),
        _ => next.run(req).await,
    }
}

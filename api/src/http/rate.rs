//! Charging requests to their client's budget at the door (see
//! `crate::ratelimit`): every request costs its IP a point before anything
//! else, credentials included, so a flood from one address is held there
//! whatever it carries; what a request then does is charged to whoever it
//! acts as (its session's person, its token, or its IP when anonymous).

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::{client_ip::ClientIp, error::HttpError};
use crate::{
    domain::actor::Actor,
    error_code::ErrorCode,
    ratelimit::{Charge, ClientKey},
    state::Gate,
};

/// The 429 answer, with `Retry-After`.
pub fn too_many_requests(charge: &Charge) -> Response {
    let wait = charge.retry_after;
    let retry_after = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
    HttpError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        format!("too many requests; retry in {retry_after} s"),
    )
    .with("retryAfter", retry_after)
    .header(header::RETRY_AFTER, HeaderValue::from(retry_after))
    .into_response()
}

/// Takes the door's point from `ip`, then authenticates the request.
/// `Err` is the finished answer (429, or 401 / 403 for credentials).
pub async fn admit(
    gate: &Gate,
    headers: &HeaderMap,
    ip: ClientIp,
) -> Result<(Actor, ClientKey), Response> {
    if let Some(charge) = gate.budgets.charge(&ClientKey::ip(ip.0), 1)
        && !charge.allowed
    {
        return Err(too_many_requests(&charge));
    }
    match crate::auth::authenticate(&gate.db, &gate.auth, headers).await {
        Ok(actor) => {
            let key = ClientKey::of(&actor, ip.0);
            Ok((actor, key))
        }
        Err(rejection) => Err(super::auth::refused(rejection, &gate.auth)),
    }
}

/// Charges `points` to `key`; `Some` is the 429 answer when it cannot pay.
pub fn charge(gate: &Gate, key: &ClientKey, points: u32) -> Option<Response> {
    match gate.budgets.charge(key, points) {
        Some(charge) if !charge.allowed => Some(too_many_requests(&charge)),
        _ => None,
    }
}

/// Holds each client IP to `rate_limit_login_per_minute` requests on the
/// login routes.
pub async fn limit_logins(State(gate): State<Gate>, req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ClientIp>()
        .map_or(std::net::IpAddr::from([127, 0, 0, 1]), |c| c.0);
    match gate.budgets.charge_login(ip) {
        Some(charge) if !charge.allowed => too_many_requests(&charge),
        _ => next.run(req).await,
    }
}

//! The OAuth routes: `/auth/providers` (what a login page lists),
//! `/auth/login/{provider}`, `/auth/callback/{provider}` and
//! `/auth/logout`, and the HTTP answers of a failed login or refused
//! credentials. The set-up and the credential checks are `crate::auth`'s;
//! the rules (users, sessions, logins in flight) are `domain`'s.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use chrono::Utc;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use serde_json::json;

use super::error::HttpError;
use crate::{
    auth::{AuthState, LOGIN_COOKIE, LoginError, Rejection, SESSION_COOKIE, bearer, cookie},
    domain::{
        accounts,
        error::DomainError,
        login_attempts::{self, NewLogin},
        secrets::new_secret,
        sessions,
    },
    error_code::ErrorCode,
};

impl IntoResponse for LoginError {
    fn into_response(self) -> Response {
        let (status, reason) = self.status_and_reason();
        let code = match status {
            StatusCode::UNAUTHORIZED => ErrorCode::Unauthenticated,
            StatusCode::FORBIDDEN => ErrorCode::Forbidden,
            StatusCode::NOT_FOUND => ErrorCode::NotFound,
            _ => ErrorCode::Internal,
        };
        match &self {
            Self::CodeRejected(detail) | Self::IdTokenInvalid(detail) | Self::Provider(detail) => {
                tracing::warn!(%reason, %detail, "login failed");
            }
            Self::Domain(err) => tracing::warn!(%reason, %err, "login failed"),
            _ => tracing::info!(%reason, "login refused"),
        }
        match &self {
            Self::Domain(DomainError::Database(_)) => HttpError::internal(),
            other => HttpError::new(status, code, other.to_string()),
        }
        .with("reason", reason)
        .into_response()
    }
}

/// The HTTP answer to refused credentials: 401 with `WWW-Authenticate`
/// (clearing a bad session cookie), 403 for a foreign origin, 500 when the
/// database failed.
pub fn refused(rejection: Rejection, auth: &AuthState) -> Response {
    match rejection {
        Rejection::Unauthenticated {
            message,
            from_cookie,
        } => {
            let mut error = HttpError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthenticated,
                message,
            )
            .header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            if from_cookie {
                error = error.header(header::SET_COOKIE, auth.clear_session_cookie());
            }
            error.into_response()
        }
        Rejection::ForeignOrigin => forbidden_origin(),
        Rejection::Internal(err) => {
            tracing::error!(%err, "cannot check credentials");
            HttpError::internal().into_response()
        }
    }
}

fn forbidden_origin() -> Response {
    HttpError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
        "cross-site requests with the session cookie are refused",
    )
    .into_response()
}

/// `GET /auth/providers`: what a login page lists.
pub async fn list_providers(State(auth): State<Arc<AuthState>>) -> Response {
    let providers: Vec<_> = auth
        .providers
        .all()
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "name": p.name,
                "loginUrl": format!("{}/auth/login/{}", auth.public_url, p.id),
            })
        })
        .collect();
    Json(json!({ "providers": providers })).into_response()
}

/// Query of `GET /auth/login/{provider}`.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
}

/// `GET /auth/login/{provider}`: remembers the login (state, PKCE
/// verifier, nonce, where to return), binds it to this browser with a
/// cookie and sends the browser to the provider.
pub async fn login(
    State(auth): State<Arc<AuthState>>,
    State(db): State<DatabaseConnection>,
    Path(provider_id): Path<String>,
    Query(query): Query<LoginQuery>,
) -> Result<Response, LoginError> {
    let provider = auth.providers.get(&provider_id)?;
    let return_to = auth
        .safe_return_to(query.return_to.as_deref())
        .ok_or(LoginError::ReturnToNotAllowed)?;
    let login_state = new_secret("");
    let nonce = new_secret("");
    let authorization = auth
        .providers
        .authorize(
            provider,
            &auth.redirect_uri(&provider.id),
            &login_state,
            &nonce,
        )
        .await?;
    let login = NewLogin {
        state: login_state.clone(),
        provider: provider.id.clone(),
        pkce_verifier: authorization.pkce_verifier,
        nonce,
        return_to,
    };
    login_attempts::remember(&db, login, Utc::now()).await?;
    let mut response = Redirect::to(authorization.url.as_str()).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth.cookie(
            LOGIN_COOKIE,
            &login_state,
            "/auth/callback",
            login_attempts::LOGIN_TTL.num_seconds(),
        ),
    );
    Ok(response)
}

/// Query of `GET /auth/callback/{provider}`.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /auth/callback/{provider}`: checks `state` against this browser's
/// login cookie and the stored login (used once), exchanges the code,
/// signs the user in (taking up invitations) and opens a session.
pub async fn callback(
    State(auth): State<Arc<AuthState>>,
    State(db): State<DatabaseConnection>,
    Path(provider_id): Path<String>,
    Query(query): Query<CallbackQuery>,
    headers: HeaderMap,
) -> Result<Response, LoginError> {
    let provider = auth.providers.get(&provider_id)?;
    let returned_state = query.state.as_deref().ok_or(LoginError::InvalidState)?;
    let browser_state = cookie(&headers, LOGIN_COOKIE).ok_or(LoginError::InvalidState)?;
    if browser_state != returned_state {
        return Err(LoginError::InvalidState);
    }
    // Take the login out before anything else: a replayed callback finds
    // nothing, even when two race.
    let now = Utc::now();
    let attempt = login_attempts::take(&db, returned_state, &provider.id, now)
        .await?
        .ok_or(LoginError::InvalidState)?;
    if let Some(error) = query.error {
        return Err(LoginError::Denied(error));
    }
    let code = query
        .code
        .as_deref()
        .ok_or_else(|| LoginError::CodeRejected("no code".into()))?;
    let login = auth
        .providers
        .finish(
            provider,
            &auth.redirect_uri(&provider.id),
            code,
            &attempt.pkce_verifier,
            &attempt.nonce,
        )
        .await?;
    let user = accounts::sign_in(&db, &login, now).await?;
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (_, secret) = sessions::open(&db, user.id, user_agent, auth.lifetime, now).await?;
    tracing::info!(user_id = user.id, provider = %provider.id, "logged in");
    let mut response = Redirect::to(&attempt.return_to).into_response();
    let cookies = response.headers_mut();
    cookies.append(
        header::SET_COOKIE,
        auth.cookie(
            SESSION_COOKIE,
            &secret,
            "/",
            auth.lifetime.absolute.num_seconds(),
        ),
    );
    cookies.append(
        header::SET_COOKIE,
        auth.cookie(LOGIN_COOKIE, "", "/auth/callback", 0),
    );
    Ok(response)
}

/// `POST /auth/logout`: ends the session (cookie or Bearer) and clears the
/// cookie. Cross-site requests are refused.
pub async fn logout(
    State(auth): State<Arc<AuthState>>,
    State(db): State<DatabaseConnection>,
    headers: HeaderMap,
) -> Response {
    let credential = bearer(&headers).or_else(|| cookie(&headers, SESSION_COOKIE));
    if bearer(&headers).is_none() && credential.is_some() && !auth.same_site(&headers) {
        return forbidden_origin();
    }
    if let Some(secret) = credential
        && let Err(err) = sessions::revoke(&db, secret, Utc::now()).await
    {
        tracing::error!(%err, "logout failed");
        return HttpError::internal().into_response();
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, auth.clear_session_cookie());
    response
}

//! Login and credentials over HTTP: the OAuth routes (`/auth/providers`,
//! `/auth/login/{provider}`, `/auth/callback/{provider}`, `/auth/logout`),
//! the session cookie, and turning a request's credentials (Bearer token or
//! cookie) into the [`Actor`] it acts as, with the CSRF checks that cookies
//! need. The rules themselves (sessions, tokens, users) live in `domain`.

pub mod providers;

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use chrono::{Duration, Utc};
use entities::login_attempt;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use serde_json::json;

use crate::{
    config::Config,
    domain::{
        accounts,
        actor::Actor,
        api_tokens,
        error::DomainError,
        housekeeping,
        secrets::{API_TOKEN_PREFIX, SESSION_PREFIX, digest, new_secret},
        sessions::{self, SessionLifetime},
    },
    graphql::error::ErrorCode,
    http::{AppState, error::json_error},
};
use providers::Providers;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "pactum_session";
/// Name of the cookie binding a login in flight to the browser that
/// started it (against login CSRF).
pub const LOGIN_COOKIE: &str = "pactum_login";
/// How long a started login may take.
const LOGIN_TTL: Duration = Duration::minutes(10);

/// Why the login set-up could not be built.
#[derive(Debug, thiserror::Error)]
pub enum AuthSetupError {
    /// The HTTP client for providers could not be built.
    #[error("HTTP client: {0}")]
    HttpClient(#[from] reqwest::Error),
    /// The public URL does not parse.
    #[error("public_url `{0}` is not a URL")]
    PublicUrl(String),
}

/// What the login routes and the credential checks share.
pub struct AuthState {
    /// The identity providers.
    pub providers: Providers,
    /// Sessions' lifetimes.
    pub lifetime: SessionLifetime,
    /// The server's public URL, without a trailing slash.
    pub public_url: String,
    /// Origins trusted to send cookie-authenticated requests and to be
    /// returned to after login: the public one and the CORS allow-list.
    pub trusted_origins: Vec<String>,
    /// Whether cookies get `Secure` (all but plain-http localhost).
    pub secure_cookies: bool,
}

impl AuthState {
    /// Builds the login set-up from the configuration.
    pub fn new(config: &Config) -> Result<Arc<Self>, AuthSetupError> {
        let public_url = config.public_url.trim_end_matches('/').to_owned();
        let parsed = url::Url::parse(&public_url)
            .map_err(|_| AuthSetupError::PublicUrl(public_url.clone()))?;
        let local = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
        let mut trusted_origins = vec![parsed.origin().ascii_serialization()];
        trusted_origins.extend(
            config
                .cors_allowed_origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_owned()),
        );
        Ok(Arc::new(Self {
            providers: Providers::new(config.auth_providers.clone())?,
            lifetime: SessionLifetime {
                idle: Duration::minutes(i64::from(config.session_idle_minutes)),
                absolute: Duration::days(i64::from(config.session_max_days)),
            },
            secure_cookies: !(parsed.scheme() == "http" && local),
            public_url,
            trusted_origins,
        }))
    }

    fn redirect_uri(&self, provider: &str) -> String {
        format!("{}/auth/callback/{provider}", self.public_url)
    }

    /// A `Set-Cookie` value.
    fn cookie(&self, name: &str, value: &str, path: &str, max_age: i64) -> HeaderValue {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        let text = format!(
            "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
        );
        HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static(""))
    }

    /// The `Set-Cookie` that deletes the session cookie.
    pub fn clear_session_cookie(&self) -> HeaderValue {
        self.cookie(SESSION_COOKIE, "", "/", 0)
    }

    /// Whether `return_to` stays on a trusted origin (a path on this
    /// server, or a URL on a trusted origin); returns the normalised target.
    pub fn safe_return_to(&self, return_to: Option<&str>) -> Option<String> {
        let target = return_to.unwrap_or("/").trim();
        if target.starts_with('/') {
            // "//evil.example" and "/\evil.example" are other hosts to a
            // browser.
            let path_only = !target.starts_with("//") && !target.contains('\\');
            return path_only.then(|| target.to_owned());
        }
        let url = url::Url::parse(target).ok()?;
        let origin = url.origin().ascii_serialization();
        self.trusted_origins
            .contains(&origin)
            .then(|| url.to_string())
    }

    /// Whether a browser request from `headers` comes from a trusted
    /// origin (or says nothing about its origin, as non-browser clients do).
    pub fn same_site(&self, headers: &HeaderMap) -> bool {
        if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            return self
                .trusted_origins
                .iter()
                .any(|o| o == origin.trim_end_matches('/'));
        }
        headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_none_or(|site| site != "cross-site")
    }
}

/// Why a login failed; each maps to one status and a stable reason.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// No provider with that id.
    #[error("no such identity provider")]
    UnknownProvider,
    /// `return_to` points outside the trusted origins.
    #[error("return_to must be a path on this server or a URL on a trusted origin")]
    ReturnToNotAllowed,
    /// `state` unknown, used, expired, or not this browser's.
    #[error("this login is unknown, already used or expired; start again")]
    InvalidState,
    /// The provider reported an error (e.g. the user refused).
    #[error("the identity provider refused the login: {0}")]
    Denied(String),
    /// The provider did not accept the code (forged, reused, wrong PKCE).
    #[error("the identity provider rejected the authorization code")]
    CodeRejected(String),
    /// The `id_token` failed verification.
    #[error("the identity token failed verification")]
    IdTokenInvalid(String),
    /// The provider could not be reached or answered nonsense.
    #[error("the identity provider could not be used")]
    Provider(String),
    /// The domain refused (e.g. no e-mail) or the database failed.
    #[error("{0}")]
    Domain(#[from] DomainError),
}

impl LoginError {
    fn status_and_reason(&self) -> (StatusCode, &'static str) {
        match self {
            Self::UnknownProvider => (StatusCode::NOT_FOUND, "UNKNOWN_PROVIDER"),
            Self::ReturnToNotAllowed => (StatusCode::FORBIDDEN, "RETURN_TO_NOT_ALLOWED"),
            Self::InvalidState => (StatusCode::UNAUTHORIZED, "INVALID_STATE"),
            Self::Denied(_) => (StatusCode::UNAUTHORIZED, "PROVIDER_DENIED"),
            Self::CodeRejected(_) => (StatusCode::UNAUTHORIZED, "CODE_REJECTED"),
            Self::IdTokenInvalid(_) => (StatusCode::UNAUTHORIZED, "ID_TOKEN_INVALID"),
            Self::Provider(_) => (StatusCode::BAD_GATEWAY, "PROVIDER_UNAVAILABLE"),
            Self::Domain(DomainError::InvalidInput { .. }) => {
                (StatusCode::UNAUTHORIZED, "IDENTITY_INCOMPLETE")
            }
            Self::Domain(_) => (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL"),
        }
    }
}

impl IntoResponse for LoginError {
    fn into_response(self) -> Response {
        let (status, reason) = self.status_and_reason();
        let code = match status {
            StatusCode::UNAUTHORIZED => "UNAUTHENTICATED",
            StatusCode::FORBIDDEN => "FORBIDDEN",
            StatusCode::NOT_FOUND => "NOT_FOUND",
            _ => "INTERNAL",
        };
        match &self {
            Self::CodeRejected(detail) | Self::IdTokenInvalid(detail) | Self::Provider(detail) => {
                tracing::warn!(%reason, %detail, "login failed");
            }
            Self::Domain(err) => tracing::warn!(%reason, %err, "login failed"),
            _ => tracing::info!(%reason, "login refused"),
        }
        let message = match &self {
            Self::Domain(DomainError::Database(_)) => "Internal server error".to_owned(),
            other => other.to_string(),
        };
        (
            status,
            Json(json!({ "error": { "code": code, "reason": reason, "message": message } })),
        )
            .into_response()
    }
}

/// `GET /auth/providers`: what a login page lists.
pub async fn list_providers(State(state): State<AppState>) -> Response {
    let providers: Vec<_> = state
        .auth
        .providers
        .all()
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "name": p.name,
                "loginUrl": format!("{}/auth/login/{}", state.auth.public_url, p.id),
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
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    Query(query): Query<LoginQuery>,
) -> Result<Response, LoginError> {
    let auth = &state.auth;
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
    let now = Utc::now();
    housekeeping::purge_login_attempts(&state.db, now).await?;
    login_attempt::ActiveModel {
        state_hash: Set(digest(&login_state)),
        provider: Set(provider.id.clone()),
        pkce_verifier: Set(authorization.pkce_verifier),
        nonce: Set(nonce),
        return_to: Set(return_to),
        created_at: Set(now),
        expires_at: Set(now + LOGIN_TTL),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    .map_err(DomainError::from)?;
    let mut response = Redirect::to(authorization.url.as_str()).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth.cookie(
            LOGIN_COOKIE,
            &login_state,
            "/auth/callback",
            LOGIN_TTL.num_seconds(),
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
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    Query(query): Query<CallbackQuery>,
    headers: HeaderMap,
) -> Result<Response, LoginError> {
    let auth = &state.auth;
    let provider = auth.providers.get(&provider_id)?;
    let returned_state = query.state.as_deref().ok_or(LoginError::InvalidState)?;
    let browser_state = cookie(&headers, LOGIN_COOKIE).ok_or(LoginError::InvalidState)?;
    if browser_state != returned_state {
        return Err(LoginError::InvalidState);
    }
    // Take the login out before anything else: a replayed callback finds
    // nothing, even when two race.
    let attempt = login_attempt::Entity::find()
        .filter(login_attempt::Column::StateHash.eq(digest(returned_state)))
        .one(&state.db)
        .await
        .map_err(DomainError::from)?
        .ok_or(LoginError::InvalidState)?;
    let taken = login_attempt::Entity::delete_by_id(attempt.id)
        .exec(&state.db)
        .await
        .map_err(DomainError::from)?;
    let now = Utc::now();
    if taken.rows_affected != 1 || attempt.expires_at <= now || attempt.provider != provider.id {
        return Err(LoginError::InvalidState);
    }
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
    let user = accounts::sign_in(&state.db, &login, now).await?;
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (_, secret) = sessions::open(&state.db, user.id, user_agent, auth.lifetime, now).await?;
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
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let auth = &state.auth;
    let credential = bearer(&headers).or_else(|| cookie(&headers, SESSION_COOKIE));
    if bearer(&headers).is_none() && credential.is_some() && !auth.same_site(&headers) {
        return forbidden_origin();
    }
    if let Some(secret) = credential
        && let Err(err) = sessions::revoke(&state.db, secret, Utc::now()).await
    {
        tracing::error!(%err, "logout failed");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, auth.clear_session_cookie());
    response
}

fn forbidden_origin() -> Response {
    json_error(
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
        "cross-site requests with the session cookie are refused",
    )
}

/// The value of cookie `name` in the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v)
}

/// The Bearer credential of the request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Why a request's credentials were refused; the HTTP layer answers it.
#[derive(Debug)]
pub enum Rejection {
    /// Missing, malformed, unknown, expired or revoked credentials (401).
    Unauthenticated {
        /// What to tell the client.
        message: String,
        /// Whether the credential came in the cookie (to be cleared).
        from_cookie: bool,
    },
    /// A cookie-authenticated request from a foreign origin (403).
    ForeignOrigin,
    /// The database failed.
    Internal(DomainError),
}

impl Rejection {
    /// The HTTP answer.
    pub fn into_response(self, auth: &AuthState) -> Response {
        match self {
            Self::Unauthenticated {
                message,
                from_cookie,
            } => {
                let mut response = json_error(
                    StatusCode::UNAUTHORIZED,
                    ErrorCode::Unauthenticated,
                    message,
                );
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                if from_cookie {
                    response
                        .headers_mut()
                        .append(header::SET_COOKIE, auth.clear_session_cookie());
                }
                response
            }
            Self::ForeignOrigin => forbidden_origin(),
            Self::Internal(err) => {
                tracing::error!(%err, "cannot check credentials");
                json_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    crate::graphql::error::INTERNAL_MESSAGE,
                )
            }
        }
    }
}

/// The actor a request acts as: the Bearer token if there is one (session
/// or API token), else the session cookie (from a trusted origin only),
/// else anonymous.
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Actor, Rejection> {
    let now = Utc::now();
    let (secret, from_cookie) = match (bearer(headers), cookie(headers, SESSION_COOKIE)) {
        (Some(secret), _) => (secret, false),
        (None, Some(secret)) => {
            if !state.auth.same_site(headers) {
                return Err(Rejection::ForeignOrigin);
            }
            (secret, true)
        }
        (None, None) if headers.contains_key(header::AUTHORIZATION) => {
            return Err(Rejection::Unauthenticated {
                message: "the Authorization header must be `Bearer <token>`".into(),
                from_cookie: false,
            });
        }
        (None, None) => return Ok(Actor::Anonymous),
    };
    let resolved = if secret.starts_with(API_TOKEN_PREFIX) && !from_cookie {
        api_tokens::resolve(&state.db, secret, now).await
    } else if secret.starts_with(SESSION_PREFIX) {
        sessions::resolve(&state.db, secret, state.auth.lifetime, now).await
    } else {
        Err(DomainError::Unauthenticated("unknown credential".into()))
    };
    resolved.map_err(|err| match err {
        DomainError::Unauthenticated(message) => Rejection::Unauthenticated {
            message,
            from_cookie,
        },
        other => Rejection::Internal(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(public: &str) -> Arc<AuthState> {
        let config = Config {
            public_url: public.into(),
            cors_allowed_origins: vec!["https://dashboard.example.ro".into()],
            ..Config::default()
        };
        match AuthState::new(&config) {
            Ok(auth) => auth,
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn return_to_stays_on_trusted_origins() {
        let auth = auth("https://pactum.example.ro");
        assert_eq!(auth.safe_return_to(None).as_deref(), Some("/"));
        assert_eq!(
            auth.safe_return_to(Some("/dashboard?x=1")).as_deref(),
            Some("/dashboard?x=1")
        );
        assert!(
            auth.safe_return_to(Some("https://dashboard.example.ro/a"))
                .is_some()
        );
        assert!(
            auth.safe_return_to(Some("https://pactum.example.ro/a"))
                .is_some()
        );
        for bad in [
            "//evil.example/x",
            "/\\evil.example",
            "https://evil.example/",
            "https://pactum.example.ro.evil.example/",
            "javascript:alert(1)",
            "http://pactum.example.ro/",
        ] {
            assert_eq!(auth.safe_return_to(Some(bad)), None, "{bad}");
        }
    }

    #[test]
    fn cookies_are_secure_except_on_plain_http_localhost() {
        assert!(!auth("http://127.0.0.1:8080").secure_cookies);
        assert!(!auth("http://localhost:8080").secure_cookies);
        assert!(auth("https://pactum.example.ro").secure_cookies);
        assert!(auth("http://pactum.example.ro").secure_cookies);
    }

    #[test]
    fn reads_cookies_and_bearer_credentials() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; pactum_session=pct_s_x"),
        );
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  pct_t_y"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("pct_s_x"));
        assert_eq!(cookie(&headers, "b"), None);
        assert_eq!(bearer(&headers), Some("pct_t_y"));
    }
}

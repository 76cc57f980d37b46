//! Credentials: the login set-up (providers, session lifetimes, trusted
//! origins), the session cookie, and turning a request's credentials
//! (Bearer token or cookie) into the [`Actor`] it acts as, with the CSRF
//! checks that cookies need. The OAuth routes that use them are handlers in
//! `crate::http::auth`; the rules (sessions, tokens, users, logins in
//! flight) live in `domain`.

pub mod actor_cache;
pub mod providers;

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use chrono::Utc;
use sea_orm::DatabaseConnection;

use crate::{
    config::Config,
    domain::{
        actor::Actor,
        api_tokens,
        error::DomainError,
        secrets::{API_TOKEN_PREFIX, SESSION_PREFIX, digest},
        sessions::{self, SessionLifetime},
    },
};
use actor_cache::ActorCache;
use providers::Providers;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "pactum_session";
/// Name of the cookie binding a login in flight to the browser that
/// started it (against login CSRF).
pub const LOGIN_COOKIE: &str = "pactum_login";

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
    /// Who recently seen credentials stand for.
    pub actors: ActorCache,
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
            lifetime: SessionLifetime::of(config),
            secure_cookies: !(parsed.scheme() == "http" && local),
            actors: ActorCache::new(std::time::Duration::from_secs(config.actor_cache_seconds)),
            public_url,
            trusted_origins,
        }))
    }

    /// Where the provider sends the browser back for `provider`.
    pub fn redirect_uri(&self, provider: &str) -> String {
        format!("{}/auth/callback/{provider}", self.public_url)
    }

    /// A `Set-Cookie` value.
    pub fn cookie(&self, name: &str, value: &str, path: &str, max_age: i64) -> HeaderValue {
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
    /// The HTTP status and the stable reason of this failure.
    pub fn status_and_reason(&self) -> (StatusCode, &'static str) {
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

/// The actor a request acts as: the Bearer token if there is one (session
/// or API token), else the session cookie (from a trusted origin only),
/// else anonymous.
pub async fn authenticate(
    db: &DatabaseConnection,
    auth: &AuthState,
    headers: &HeaderMap,
) -> Result<Actor, Rejection> {
    let now = Utc::now();
    let (secret, from_cookie) = match (bearer(headers), cookie(headers, SESSION_COOKIE)) {
        (Some(secret), _) => (secret, false),
        (None, Some(secret)) => {
            if !auth.same_site(headers) {
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
    let is_token = secret.starts_with(API_TOKEN_PREFIX) && !from_cookie;
    if !is_token && !secret.starts_with(SESSION_PREFIX) {
        return Err(Rejection::Unauthenticated {
            message: "unknown credential".into(),
            from_cookie,
        });
    }
    let lookup = match auth.actors.get(digest(secret), now) {
        Ok(actor) => return Ok(actor),
        Err(lookup) => lookup,
    };
    let resolved = if is_token {
        api_tokens::resolve(db, secret, now).await
    } else {
        sessions::resolve(db, secret, auth.lifetime, now).await
    };
    resolved
        .map(|found| {
            auth.actors.keep(lookup, &found.actor, found.valid_until);
            found.actor
        })
        .map_err(|err| match err {
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

//! The identity providers: OpenID Connect ones found by discovery (the
//! `id_token` verified by `openidconnect`: signature against the provider's
//! JWKS, issuer, audience, expiry, nonce) and plain OAuth 2.0 ones with
//! explicit endpoints (the `oauth2` crate; identity from the user-info
//! endpoint). Both use authorization code + PKCE (S256).

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
    core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata},
};
use serde_json::Value;

use super::LoginError;
use crate::{
    config::{ProviderConfig, ProviderKind},
    domain::accounts::VerifiedLogin,
};

/// How long a discovery document (and its JWKS) is reused.
const DISCOVERY_TTL: Duration = Duration::from_secs(300);

/// What the login route needs to send the browser to the provider.
pub struct Authorization {
    /// The provider's authorization URL with every parameter.
    pub url: url::Url,
    /// The PKCE verifier to keep for the callback.
    pub pkce_verifier: String,
}

/// The configured providers and an HTTP client that never follows
/// redirects (following them would open the door to SSRF).
pub struct Providers {
    configs: Vec<ProviderConfig>,
    http: reqwest::Client,
    discovered: Mutex<HashMap<String, (Instant, CoreProviderMetadata)>>,
}

impl Providers {
    /// Wraps the configured providers.
    pub fn new(configs: Vec<ProviderConfig>) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self {
            configs,
            http,
            discovered: Mutex::new(HashMap::new()),
        })
    }

    /// Every configured provider, in configuration order.
    pub fn all(&self) -> &[ProviderConfig] {
        &self.configs
    }

    /// The provider with this id.
    pub fn get(&self, id: &str) -> Result<&ProviderConfig, LoginError> {
        self.configs
            .iter()
            .find(|p| p.id == id)
            .ok_or(LoginError::UnknownProvider)
    }

    async fn metadata(
        &self,
        provider: &ProviderConfig,
    ) -> Result<CoreProviderMetadata, LoginError> {
        if let Ok(cache) = self.discovered.lock()
            && let Some((at, metadata)) = cache.get(&provider.id)
            && at.elapsed() < DISCOVERY_TTL
        {
            return Ok(metadata.clone());
        }
        let issuer = IssuerUrl::new(provider.issuer.clone().unwrap_or_default())
            .map_err(|e| LoginError::Provider(format!("issuer URL: {e}")))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| LoginError::Provider(format!("discovery failed: {e}")))?;
        if let Ok(mut cache) = self.discovered.lock() {
            cache.insert(provider.id.clone(), (Instant::now(), metadata.clone()));
        }
        Ok(metadata)
    }

    fn scopes(provider: &ProviderConfig) -> Vec<Scope> {
        if provider.scopes.is_empty() && provider.kind == ProviderKind::Oidc {
            ["openid", "email", "profile"]
                .into_iter()
                .map(|s| Scope::new(s.to_owned()))
                .collect()
        } else {
            provider.scopes.iter().cloned().map(Scope::new).collect()
        }
    }

    fn secret(provider: &ProviderConfig) -> Option<ClientSecret> {
        provider
            .client_secret
            .as_ref()
            .map(|s| ClientSecret::new(secrecy::ExposeSecret::expose_secret(s).to_owned()))
    }

    /// The URL that starts a login at `provider`, carrying `state`, `nonce`
    /// (OIDC) and a fresh PKCE S256 challenge.
    pub async fn authorize(
        &self,
        provider: &ProviderConfig,
        redirect: &str,
        state: &str,
        nonce: &str,
    ) -> Result<Authorization, LoginError> {
        let redirect = RedirectUrl::new(redirect.to_owned())
            .map_err(|e| LoginError::Provider(format!("redirect URL: {e}")))?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = state.to_owned();
        let url = match provider.kind {
            ProviderKind::Oidc => {
                let metadata = self.metadata(provider).await?;
                let nonce = nonce.to_owned();
                let client = CoreClient::from_provider_metadata(
                    metadata,
                    ClientId::new(provider.client_id.clone()),
                    Self::secret(provider),
                )
                .set_redirect_uri(redirect);
                client
                    .authorize_url(
                        CoreAuthenticationFlow::AuthorizationCode,
                        move || CsrfToken::new(state),
                        move || Nonce::new(nonce),
                    )
                    .add_scopes(Self::scopes(provider))
                    .set_pkce_challenge(challenge)
                    .url()
                    .0
            }
            ProviderKind::Oauth2 => {
                oauth2_client(provider, redirect)?
                    .authorize_url(move || CsrfToken::new(state))
                    .add_scopes(Self::scopes(provider))
                    .set_pkce_challenge(challenge)
                    .url()
                    .0
            }
        };
        Ok(Authorization {
            url,
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges `code` (with the PKCE verifier) and returns who logged in:
    /// from the verified `id_token` (OIDC) or the user-info endpoint.
    pub async fn finish(
        &self,
        provider: &ProviderConfig,
        redirect: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<VerifiedLogin, LoginError> {
        let redirect = RedirectUrl::new(redirect.to_owned())
            .map_err(|e| LoginError::Provider(format!("redirect URL: {e}")))?;
        let code = AuthorizationCode::new(code.to_owned());
        let verifier = PkceCodeVerifier::new(pkce_verifier.to_owned());
        match provider.kind {
            ProviderKind::Oidc => {
                let metadata = self.metadata(provider).await?;
                let client = CoreClient::from_provider_metadata(
                    metadata,
                    ClientId::new(provider.client_id.clone()),
                    Self::secret(provider),
                )
                .set_redirect_uri(redirect);
                let tokens = client
                    .exchange_code(code)
                    .map_err(|e| LoginError::Provider(format!("no token endpoint: {e}")))?
                    .set_pkce_verifier(verifier)
                    .request_async(&self.http)
                    .await
                    .map_err(|e| LoginError::CodeRejected(e.to_string()))?;
                let id_token = tokens
                    .id_token()
                    .ok_or_else(|| LoginError::IdTokenInvalid("no id_token returned".into()))?;
                let claims = id_token
                    .claims(&client.id_token_verifier(), &Nonce::new(nonce.to_owned()))
                    .map_err(|e| LoginError::IdTokenInvalid(e.to_string()))?;
                Ok(VerifiedLogin {
                    provider: provider.id.clone(),
                    subject: claims.subject().as_str().to_owned(),
                    email: claims.email().map(|e| e.as_str().to_owned()),
                    email_verified: claims.email_verified().unwrap_or(false),
                    name: claims
                        .name()
                        .and_then(|n| n.get(None))
                        .map(|n| n.as_str().to_owned()),
                })
            }
            ProviderKind::Oauth2 => {
                let tokens = oauth2_client(provider, redirect)?
                    .exchange_code(code)
                    .set_pkce_verifier(verifier)
                    .request_async(&self.http)
                    .await
                    .map_err(|e| LoginError::CodeRejected(e.to_string()))?;
                self.userinfo(provider, tokens.access_token().secret())
                    .await
            }
        }
    }

    async fn userinfo(
        &self,
        provider: &ProviderConfig,
        access_token: &str,
    ) -> Result<VerifiedLogin, LoginError> {
        let url = provider.userinfo_url.clone().unwrap_or_default();
        let response = self
            .http
            .get(url)
            .bearer_auth(access_token)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| LoginError::Provider(format!("user info: {e}")))?;
        if !response.status().is_success() {
            return Err(LoginError::Provider(format!(
                "user info answered {}",
                response.status()
            )));
        }
        let info: Value = response
            .json()
            .await
            .map_err(|e| LoginError::Provider(format!("user info is not JSON: {e}")))?;
        parse_userinfo(provider, &info)
    }
}

/// Reads a user-info document: `sub` (or GitHub-style `id`), `email`,
/// `email_verified`, `name` (or `login`).
fn parse_userinfo(provider: &ProviderConfig, info: &Value) -> Result<VerifiedLogin, LoginError> {
    let subject = match (&info["sub"], &info["id"]) {
        (Value::String(s), _) | (_, Value::String(s)) if !s.is_empty() => s.clone(),
        (_, Value::Number(n)) => n.to_string(),
        _ => {
            return Err(LoginError::Provider(
                "user info has no `sub` or `id`".into(),
            ));
        }
    };
    let text = |key: &str| info[key].as_str().map(str::to_owned);
    Ok(VerifiedLogin {
        provider: provider.id.clone(),
        subject,
        email: text("email"),
        email_verified: info["email_verified"]
            .as_bool()
            .unwrap_or(provider.trust_email),
        name: text("name").or_else(|| text("login")),
    })
}

type OAuth2Client = oauth2::basic::BasicClient<
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn oauth2_client(
    provider: &ProviderConfig,
    redirect: RedirectUrl,
) -> Result<OAuth2Client, LoginError> {
    let url = |value: &Option<String>, what: &str| {
        value
            .clone()
            .ok_or_else(|| LoginError::Provider(format!("no {what} configured")))
    };
    let auth = oauth2::AuthUrl::new(url(&provider.authorize_url, "authorize_url")?)
        .map_err(|e| LoginError::Provider(format!("authorize_url: {e}")))?;
    let token = oauth2::TokenUrl::new(url(&provider.token_url, "token_url")?)
        .map_err(|e| LoginError::Provider(format!("token_url: {e}")))?;
    let mut client =
        oauth2::basic::BasicClient::new(oauth2::ClientId::new(provider.client_id.clone()))
            .set_auth_uri(auth)
            .set_token_uri(token)
            .set_redirect_uri(redirect);
    if let Some(secret) = &provider.client_secret {
        client = client.set_client_secret(oauth2::ClientSecret::new(
            secrecy::ExposeSecret::expose_secret(secret).to_owned(),
        ));
    }
    Ok(client)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn provider(trust_email: bool) -> ProviderConfig {
        ProviderConfig {
            id: "gh".into(),
            name: "GitHub".into(),
            kind: ProviderKind::Oauth2,
            issuer: None,
            authorize_url: None,
            token_url: None,
            userinfo_url: None,
            client_id: "x".into(),
            client_secret: None,
            scopes: vec![],
            trust_email,
        }
    }

    #[test]
    fn user_info_takes_sub_or_numeric_id_and_trusts_email_only_when_told() {
        let login = parse_userinfo(
            &provider(false),
            &json!({"id": 42, "login": "ana", "email": "a@b.ro"}),
        );
        let login = login.ok();
        assert_eq!(login.as_ref().map(|l| l.subject.as_str()), Some("42"));
        assert_eq!(login.as_ref().map(|l| l.email_verified), Some(false));
        assert_eq!(login.and_then(|l| l.name).as_deref(), Some("ana"));
        let trusted = parse_userinfo(&provider(true), &json!({"sub": "s1", "email": "a@b.ro"}));
        assert_eq!(trusted.map(|l| l.email_verified).ok(), Some(true));
        assert!(parse_userinfo(&provider(true), &json!({"email": "a@b.ro"})).is_err());
    }
}

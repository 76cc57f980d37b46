#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test harness: a failure is a test failure"
)]

//! Identity providers for the login tests, and a small browser to drive them.
//!
//! [`Peer`] runs one of the Node scripts in `tests/peers/` (see the README
//! there) on a random loopback port: [`Peer::oidc`] is a real OpenID
//! Provider (`oidc-provider`), [`Peer::oauth2`] is `oauth2-mock-server`, as a
//! plain OAuth 2.0 provider or as an OpenID provider that misbehaves in a
//! chosen way. The node process lives as long as the [`Peer`] value.
//!
//! [`Browser`] follows a login across the relying party and the provider one
//! request at a time, with its own cookie jar; [`oidc_sign_in`] and
//! [`oauth2_sign_in`] drive the provider's side and hand back the callback
//! URL without requesting it.

use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Method, Response, Url};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

/// The folder holding the peer scripts and their `node_modules`.
const PEERS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/peers");

/// How long a peer may take to print its first line.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The client the peers know: `client_id`.
pub const CLIENT_ID: &str = "pactum";
/// The client the peers know: `client_secret`.
pub const CLIENT_SECRET: &str = "pactum-secret";

/// A running identity provider (a `node` child process).
///
/// Dropping it kills the process; the process also exits by itself when its
/// stdin closes, so it does not outlive a test binary that was killed.
pub struct Peer {
    /// The JSON line the peer printed when it was ready: always `issuer`;
    /// for [`Peer::oauth2`] also `authorize_url`, `token_url`,
    /// `userinfo_url`, `jwks_url` and `mode`.
    pub info: Value,
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Peer {
    /// Starts `tests/peers/oidc.mjs`: oidc-provider with the client
    /// `pactum`/`pactum-secret`, PKCE (S256) required, any login name
    /// accepted (see the README for the claims it derives).
    pub async fn oidc() -> Peer {
        Self::start("oidc.mjs", &[]).await
    }

    /// Starts `tests/peers/oauth2.mjs` with `MODE=mode` (`plain`, `oidc`,
    /// `wrong-signature`, `wrong-audience`, `wrong-issuer`, `wrong-nonce`,
    /// `expired`) and extra environment, e.g. `[("SUBJECT", "42"),
    /// ("EMAIL", "a@b.test"), ("NAME", "A B"), ("EMAIL_VERIFIED", "false")]`.
    pub async fn oauth2(mode: &str, env: &[(&str, &str)]) -> Peer {
        let mut all = vec![("MODE", mode)];
        all.extend_from_slice(env);
        Self::start("oauth2.mjs", &all).await
    }

    async fn start(script: &str, env: &[(&str, &str)]) -> Peer {
        let modules = Path::new(PEERS_DIR).join("node_modules");
        assert!(
            modules.is_dir(),
            "{} is missing: run `npm ci --prefix tests/peers` (Node 20.19+) first",
            modules.display()
        );
        let mut command = Command::new("node");
        command
            .arg(Path::new(PEERS_DIR).join(script))
            .current_dir(PEERS_DIR)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        // The user of the oauth2 peer comes from these: do not inherit them.
        for name in ["MODE", "SUBJECT", "EMAIL", "NAME", "EMAIL_VERIFIED"] {
            command.env_remove(name);
        }
        command.envs(env.iter().copied());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run `node {script}` (is Node installed?): {e}"));

        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().expect("stderr piped");
        let sink = Arc::clone(&stderr);
        let drain_err = tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                let mut text = sink.lock().unwrap();
                if text.len() < 64 * 1024 {
                    text.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });

        let mut lines = BufReader::new(child.stdout.take().expect("stdout piped")).lines();
        let first = tokio::time::timeout(START_TIMEOUT, lines.next_line()).await;
        let line = match first {
            Ok(Ok(Some(line))) => line,
            outcome => {
                let _ = child.start_kill();
                let _ = tokio::time::timeout(Duration::from_secs(2), drain_err).await;
                let why = match outcome {
                    Err(_) => format!("printed nothing within {START_TIMEOUT:?}"),
                    Ok(Err(e)) => format!("stdout unreadable: {e}"),
                    Ok(Ok(_)) => "exited before printing its address".to_owned(),
                };
                panic!(
                    "peer `node tests/peers/{script}` {why}\n--- stderr ---\n{}",
                    stderr.lock().unwrap()
                );
            }
        };
        // Nothing more is expected on stdout, but never let the pipe fill up.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

        let info: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("peer `{script}` printed {line:?}, not JSON ({e})"));
        assert!(
            info["issuer"].is_string(),
            "peer `{script}` printed no issuer: {line}"
        );
        Peer {
            info,
            child,
            stderr,
        }
    }

    fn field(&self, name: &str) -> &str {
        self.info[name]
            .as_str()
            .unwrap_or_else(|| panic!("the peer reported no `{name}`: {}", self.info))
    }

    /// `http://127.0.0.1:PORT`: the issuer, and the base of discovery
    /// (`{issuer}/.well-known/openid-configuration`).
    pub fn issuer(&self) -> &str {
        self.field("issuer")
    }

    /// The authorization endpoint: from the oauth2 peer's report, or
    /// oidc-provider's `{issuer}/auth`.
    pub fn authorize_url(&self) -> String {
        match self.info["authorize_url"].as_str() {
            Some(url) => url.to_owned(),
            None => format!("{}/auth", self.issuer()),
        }
    }

    /// The token endpoint (oidc-provider: `{issuer}/token`).
    pub fn token_url(&self) -> String {
        match self.info["token_url"].as_str() {
            Some(url) => url.to_owned(),
            None => format!("{}/token", self.issuer()),
        }
    }

    /// The userinfo endpoint (oidc-provider: `{issuer}/me`).
    pub fn userinfo_url(&self) -> String {
        match self.info["userinfo_url"].as_str() {
            Some(url) => url.to_owned(),
            None => format!("{}/me", self.issuer()),
        }
    }

    /// The JWKS endpoint (both peers serve it at `{issuer}/jwks`).
    pub fn jwks_url(&self) -> String {
        format!("{}/jwks", self.issuer())
    }

    /// What the peer wrote to stderr so far (for failure messages).
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The node process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }
}

/// One stored cookie. Cookies are kept per `host:port` (unlike real
/// browsers, which ignore the port), so the relying party and the providers
/// on the same loopback address keep separate jars.
#[derive(Debug, Clone)]
struct Cookie {
    host_port: String,
    name: String,
    value: String,
    path: String,
}

/// A minimal browser: no automatic redirects, a cookie jar per `host:port`
/// (name, value and path; `Max-Age`/`Expires` in the past delete), the
/// matching cookies sent with every request.
pub struct Browser {
    client: reqwest::Client,
    cookies: Vec<Cookie>,
}

impl Default for Browser {
    fn default() -> Self {
        Self::new()
    }
}

impl Browser {
    /// An empty browser.
    pub fn new() -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("HTTP client");
        Self {
            client,
            cookies: Vec::new(),
        }
    }

    /// GETs `url` with the jar's cookies; stores the response's cookies.
    pub async fn get(&mut self, url: &str) -> Response {
        self.send(Method::GET, url, None).await
    }

    /// POSTs `form` (`application/x-www-form-urlencoded`) to `url`.
    pub async fn post_form(&mut self, url: &str, form: &[(&str, &str)]) -> Response {
        self.send(Method::POST, url, Some(form)).await
    }

    /// GETs `url` and follows redirects (relative `Location`s resolved).
    ///
    /// Stops at the first response that is not a redirect, returning its URL
    /// and the response; or, when `stop_at` is given (e.g. the relying
    /// party's `http://127.0.0.1:PORT`, optionally with a path prefix such as
    /// `/auth/callback`), at the first `Location` on that origin and under
    /// that path: it is NOT requested, the returned URL is that `Location`
    /// and the response is the redirect that pointed there.
    pub async fn follow(&mut self, url: &str, stop_at: Option<&str>) -> (String, Response) {
        let stop = stop_at.map(|s| Url::parse(s).unwrap_or_else(|e| panic!("stop_at {s:?}: {e}")));
        let mut current = url.to_owned();
        for _ in 0..20 {
            let response = self.get(&current).await;
            let Some(next) = redirect_target(&current, &response) else {
                return (current, response);
            };
            if let Some(stop) = &stop {
                let target = Url::parse(&next).expect("resolved URL");
                if target.origin() == stop.origin() && target.path().starts_with(stop.path()) {
                    return (next, response);
                }
            }
            current = next;
        }
        panic!("more than 20 redirects from {url}");
    }

    /// The cookies this browser would send to `url`, as `(name, value)`.
    pub fn cookies_for(&self, url: &str) -> Vec<(String, String)> {
        let url = Url::parse(url).unwrap_or_else(|e| panic!("bad URL {url:?}: {e}"));
        let host_port = host_port(&url);
        let mut matching: Vec<&Cookie> = self
            .cookies
            .iter()
            .filter(|c| c.host_port == host_port && path_matches(url.path(), &c.path))
            .collect();
        // Longer paths first, as browsers do.
        matching.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
        matching
            .into_iter()
            .map(|c| (c.name.clone(), c.value.clone()))
            .collect()
    }

    /// The value of cookie `name` that would be sent to `url`.
    pub fn cookie(&self, url: &str, name: &str) -> Option<String> {
        self.cookies_for(url)
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// Forgets every cookie of `url`'s `host:port`.
    pub fn clear_cookies(&mut self, url: &str) {
        let url = Url::parse(url).unwrap_or_else(|e| panic!("bad URL {url:?}: {e}"));
        let host_port = host_port(&url);
        self.cookies.retain(|c| c.host_port != host_port);
    }

    async fn send(&mut self, method: Method, url: &str, form: Option<&[(&str, &str)]>) -> Response {
        let parsed = Url::parse(url).unwrap_or_else(|e| panic!("bad URL {url:?}: {e}"));
        let mut request = self.client.request(method.clone(), parsed.clone());
        let header = self
            .cookies_for(url)
            .into_iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        if !header.is_empty() {
            request = request.header(COOKIE, header);
        }
        if let Some(form) = form {
            request = request.form(form);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {url} failed: {e}"));
        for value in response.headers().get_all(SET_COOKIE) {
            if let Ok(value) = value.to_str() {
                self.store(&parsed, value);
            }
        }
        response
    }

    fn store(&mut self, url: &Url, set_cookie: &str) {
        let mut parts = set_cookie.split(';');
        let Some((name, value)) = parts.next().and_then(|nv| nv.split_once('=')) else {
            return;
        };
        let (name, value) = (name.trim().to_owned(), value.trim().to_owned());
        if name.is_empty() {
            return;
        }
        let mut path = None;
        let mut expired = false;
        let mut max_age_seen = false;
        for attribute in parts {
            let (key, val) = attribute.split_once('=').unwrap_or((attribute, ""));
            let (key, val) = (key.trim().to_ascii_lowercase(), val.trim());
            match key.as_str() {
                "path" if val.starts_with('/') => path = Some(val.to_owned()),
                "max-age" => {
                    max_age_seen = true;
                    expired = val.parse::<i64>().is_ok_and(|secs| secs <= 0);
                }
                "expires" if !max_age_seen => {
                    expired = http_date(val).is_some_and(|at| at <= unix_now());
                }
                _ => {}
            }
        }
        let path = path.unwrap_or_else(|| default_path(url.path()));
        let host_port = host_port(url);
        self.cookies
            .retain(|c| !(c.host_port == host_port && c.name == name && c.path == path));
        if !expired {
            self.cookies.push(Cookie {
                host_port,
                name,
                value,
                path,
            });
        }
    }
}

/// Drives an oidc-provider login ([`Peer::oidc`]) from its authorization
/// URL (as the relying party redirected to it): answers the login form with
/// `login` (any password), answers consent if it is asked, and returns the
/// first `Location` that leaves the provider, i.e. the relying party's
/// callback with `code`, `state` and `iss` (or an `error`), without
/// requesting it. If the browser already has a session at the provider, the
/// form is skipped (single sign-on).
pub async fn oidc_sign_in(browser: &mut Browser, authorize_url: &str, login: &str) -> String {
    let provider = Url::parse(authorize_url)
        .unwrap_or_else(|e| panic!("bad authorize URL {authorize_url:?}: {e}"))
        .origin();
    let leaves = |url: &str| Url::parse(url).expect("resolved URL").origin() != provider;
    let mut url = authorize_url.to_owned();
    let mut response = browser.get(&url).await;
    for _ in 0..20 {
        if let Some(next) = redirect_target(&url, &response) {
            if leaves(&next) {
                return next;
            }
            url = next;
            response = browser.get(&url).await;
            continue;
        }
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        let (Some(action), Some(prompt)) = (form_action(&body), hidden_value(&body, "prompt"))
        else {
            panic!("oidc sign-in: unexpected {status} at {url}:\n{body}");
        };
        let action = Url::parse(&url)
            .and_then(|base| base.join(&action))
            .expect("form action")
            .to_string();
        let form: &[(&str, &str)] = match prompt.as_str() {
            "login" => &[("prompt", "login"), ("login", login), ("password", "test")],
            "consent" => &[("prompt", "consent")],
            other => panic!("oidc sign-in: unknown prompt {other:?} at {url}"),
        };
        response = browser.post_form(&action, form).await;
        url = action;
    }
    panic!("oidc sign-in: no way out of the provider after 20 steps (last {url})");
}

/// Drives an oauth2-mock-server login ([`Peer::oauth2`]): its authorize
/// endpoint redirects at once; returns that `Location` (the relying party's
/// callback with `code` and `state`, or an `error`) without requesting it.
pub async fn oauth2_sign_in(browser: &mut Browser, authorize_url: &str) -> String {
    let response = browser.get(authorize_url).await;
    match redirect_target(authorize_url, &response) {
        Some(next) => next,
        None => {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            panic!(
                "oauth2 sign-in: expected a redirect from {authorize_url}, got {status}:\n{body}"
            )
        }
    }
}

/// The value of query parameter `name` in `url`.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The absolute URL a 3xx response points to.
fn redirect_target(base: &str, response: &Response) -> Option<String> {
    if !response.status().is_redirection() {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    let base = Url::parse(base).ok()?;
    Some(
        base.join(location)
            .unwrap_or_else(|e| panic!("bad Location {location:?}: {e}"))
            .to_string(),
    )
}

fn host_port(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or_default()
    )
}

/// RFC 6265 5.1.4: the request path's "directory".
fn default_path(request_path: &str) -> String {
    match request_path.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(i) => request_path[..i].to_owned(),
    }
}

/// RFC 6265 5.1.4 path-match.
fn path_matches(request_path: &str, cookie_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/') || request_path[cookie_path.len()..].starts_with('/')))
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Seconds since the epoch of an HTTP date such as
/// `Thu, 01 Jan 1970 00:00:00 GMT` (also `01-Jan-1970`); `None` if it does
/// not look like one.
fn http_date(value: &str) -> Option<i64> {
    let rest = value.split_once(',').map_or(value, |(_, r)| r);
    let mut fields = rest
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|f| !f.is_empty());
    let day: i64 = fields.next()?.parse().ok()?;
    let month = fields.next()?.to_ascii_lowercase();
    let month = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| month.starts_with(m))? as i64
        + 1;
    let mut year: i64 = fields.next()?.parse().ok()?;
    if year < 100 {
        year += if year < 70 { 2000 } else { 1900 };
    }
    let mut hms = fields.next()?.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    // Days from 1970-01-01 to year-month-day (proleptic Gregorian).
    let (y, mo) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3_600 + m * 60 + s)
}

/// The `action` of the first `<form>` in `html`, HTML entities decoded.
fn form_action(html: &str) -> Option<String> {
    let form = &html[html.find("<form")?..];
    let tag = &form[..form.find('>')?];
    attribute(tag, "action")
}

/// The `value` of the `<input>` named `name`.
fn hidden_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\"");
    let at = html.find(&needle)?;
    let start = html[..at].rfind("<input")?;
    let end = at + html[at..].find('>')?;
    attribute(&html[start..end], "value")
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!("{name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let len = tag[start..].find('"')?;
    Some(
        tag[start..start + len]
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#x2F;", "/")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

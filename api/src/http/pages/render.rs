//! How a record page is written: the templates under `api/templates/pages/`
//! (embedded at build time, HTML-escaped by their `.html` names), the
//! reader's language, and the caching headers.

use std::sync::LazyLock;

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::NaiveDate;
use entities::enums::Language;
use minijinja::{Environment, State, Value};
use sha2::{Digest, Sha256};

use super::labels::label;
use crate::notify::outbox::date;

/// The cookie a page's language switch leaves, so the pages it links to
/// stay in the language chosen.
pub const LANGUAGE_COOKIE: &str = "pactum_lang";

const FILES: &[(&str, &str)] = &[
    (
        "layout.html",
        include_str!("../../../templates/pages/layout.html"),
    ),
    (
        "agreement.html",
        include_str!("../../../templates/pages/agreement.html"),
    ),
    (
        "document.html",
        include_str!("../../../templates/pages/document.html"),
    ),
    (
        "activity.html",
        include_str!("../../../templates/pages/activity.html"),
    ),
    (
        "organization.html",
        include_str!("../../../templates/pages/organization.html"),
    ),
    (
        "documents.html",
        include_str!("../../../templates/pages/documents.html"),
    ),
    (
        "activities.html",
        include_str!("../../../templates/pages/activities.html"),
    ),
    (
        "not_found.html",
        include_str!("../../../templates/pages/not_found.html"),
    ),
    (
        "index.html",
        include_str!("../../../templates/pages/index.html"),
    ),
    (
        "message.html",
        include_str!("../../../templates/pages/message.html"),
    ),
    (
        "preferences.html",
        include_str!("../../../templates/pages/preferences.html"),
    ),
];

static PAGES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in FILES {
        if let Err(err) = env.add_template(name, source) {
            panic!("page template {name}: {err}");
        }
    }
    env.add_function("t", |state: &State, key: &str| {
        label(key, language_of(state)).to_owned()
    });
    env.add_filter("day", |state: &State, value: &str| {
        value
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map_or_else(|| value.to_owned(), |d| date(d, language_of(state)))
    });
    env.add_filter("size", |state: &State, bytes: i64| {
        size(bytes, language_of(state))
    });
    env
});

fn language_of(state: &State) -> Language {
    match state.lookup("lang").as_ref().and_then(Value::as_str) {
        Some("en") => Language::En,
        _ => Language::Ro,
    }
}

/// A file size as people read it: `12,5 KB` in Romanian, `12.5 KB` in
/// English.
fn size(bytes: i64, language: Language) -> String {
    #[allow(clippy::cast_precision_loss)] // sizes shown to one decimal
    let (value, unit) = match bytes {
        b if b < 1024 => return format!("{b} B"),
        b if b < 1024 * 1024 => (b as f64 / 1024.0, "KB"),
        b => (b as f64 / (1024.0 * 1024.0), "MB"),
    };
    let text = format!("{value:.1} {unit}");
    match language {
        Language::Ro => text.replace('.', ","),
        Language::En => text,
    }
}

fn parse_language(tag: &str) -> Option<Language> {
    let primary = tag.trim().split(['-', '_']).next()?;
    if primary.eq_ignore_ascii_case("ro") {
        Some(Language::Ro)
    } else if primary.eq_ignore_ascii_case("en") {
        Some(Language::En)
    } else {
        None
    }
}

/// The reader's language: the page's `?lang=` switch, else the cookie it
/// left, else the best of `Accept-Language` we write, else Romanian.
pub fn language(switch: Option<&str>, headers: &HeaderMap) -> Language {
    if let Some(language) = switch.and_then(parse_language) {
        return language;
    }
    if let Some(language) = crate::auth::cookie(headers, LANGUAGE_COOKIE).and_then(parse_language) {
        return language;
    }
    let Some(accept) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Language::Ro;
    };
    let mut ranked: Vec<(u16, Language)> = accept
        .split(',')
        .take(32)
        .filter_map(|item| {
            let mut parts = item.split(';');
            let language = parse_language(parts.next()?)?;
            let weight =
                parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1000), |q| {
                        q.trim()
                            .parse::<f32>()
                            .ok()
                            .filter(|q| (0.0..=1.0).contains(q))
                            .map(
                                // q has at most three decimals (RFC 9110).
                                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                                |q| (q * 1000.0).round() as u16,
                            )
                    })?;
            (weight > 0).then_some((weight, language))
        })
        .collect();
    // Stable: of equal weights, the first listed wins.
    ranked.sort_by_key(|r| std::cmp::Reverse(r.0));
    ranked.first().map_or(Language::Ro, |(_, l)| *l)
}

/// How the page may be cached: shared caches may keep what anyone sees;
/// what a signed-in reader sees is theirs alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anonymous, and the record is PUBLIC.
    Public,
    /// Anything else.
    Private,
}

/// Renders `template` with `context`, answering `If-None-Match` with 304.
pub fn page(
    status: StatusCode,
    template: &str,
    context: Value,
    audience: Audience,
    headers: &HeaderMap,
    remember: Option<Language>,
) -> Response {
    let body = match PAGES.get_template(template).and_then(|t| t.render(context)) {
        Ok(body) => body,
        Err(err) => {
            tracing::error!(%err, template, "a record page failed to render");
            return super::super::error::HttpError::internal().into_response();
        }
    };
    let etag = format!(
        "\"{}\"",
        hex::encode(&Sha256::digest(body.as_bytes())[..16])
    );
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        });
    let mut response = if fresh && status == StatusCode::OK {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (status, axum::response::Html(body)).into_response()
    };
    let out = response.headers_mut();
    let cache = match audience {
        Audience::Public => "public, max-age=60",
        Audience::Private => "private, no-cache",
    };
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    out.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie, Authorization"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, value);
    }
    if let Some(language) = remember {
        let code = match language {
            Language::Ro => "ro",
            Language::En => "en",
        };
        if let Ok(value) = HeaderValue::from_str(&format!(
            "{LANGUAGE_COOKIE}={code}; Path=/; Max-Age=31536000; SameSite=Lax"
        )) {
            out.insert(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn the_reader_gets_the_best_language_we_write() {
        assert_eq!(language(None, &HeaderMap::new()), Language::Ro);
        assert_eq!(language(None, &accepting("en-GB,en;q=0.9")), Language::En);
        assert_eq!(
            language(None, &accepting("de, en;q=0.5, ro;q=0.8")),
            Language::Ro
        );
        assert_eq!(language(None, &accepting("fr, de")), Language::Ro);
        assert_eq!(language(None, &accepting("en;q=0, ro;q=0.1")), Language::Ro);
        assert_eq!(language(None, &accepting("en;q=banana")), Language::Ro);
        assert_eq!(language(Some("en"), &accepting("ro")), Language::En);
        assert_eq!(language(Some("xx"), &accepting("en")), Language::En);
    }

    #[test]
    fn the_switch_is_remembered_by_its_cookie() {
        let mut headers = accepting("ro");
        headers.insert(header::COOKIE, HeaderValue::from_static("pactum_lang=en"));
        assert_eq!(language(None, &headers), Language::En);
    }

    #[test]
    fn every_template_compiles() {
        for (name, _) in FILES {
            assert!(PAGES.get_template(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(900, Language::Ro), "900 B");
        assert_eq!(size(12_800, Language::Ro), "12,5 KB");
        assert_eq!(size(12_800, Language::En), "12.5 KB");
        assert_eq!(size(3 * 1024 * 1024, Language::En), "3.0 MB");
    }
}

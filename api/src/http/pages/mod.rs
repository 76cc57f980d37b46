//! Record pages: `/agreements/{id}`, `/documents/{id}`, `/activities/{id}`
//! and `/organizations/{id}`, server-rendered HTML for the people alert
//! mails link to and for the public, who have no frontend of their own.
//!
//! Each page runs its GraphQL query (`api/templates/pages/<kind>.graphql`)
//! through the schema as the reader, so it shows exactly what the API
//! would: the visibility rule is the API's, not a second copy of it, and
//! the page links to the same query for integrators. A record the reader
//! may not see is the same 404 as a record that does not exist.
//!
//! The reader is the session cookie's user, or the public. A cookie that
//! is expired or comes with a cross-site navigation (a link clicked in
//! webmail) reads as the public rather than failing: a GET changes
//! nothing, and logging in brings the reader back here.

pub mod answer;
pub mod index;
mod labels;
pub mod preferences;
mod render;

use async_graphql::{Request, Variables};
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{MethodRouter, get},
};
use entities::enums::Language;
use minijinja::Value;
use serde::Deserialize;
use serde_json::json;

use self::render::{Audience, language, page};
use super::{client_ip::ClientIp, error::HttpError, graphql, rate};
use crate::{
    auth::{self, Rejection},
    domain::actor::Actor,
    graphql::{error::ErrorCode, guard::ReadOnlyTransport},
    ratelimit::ClientKey,
    state::{AppState, Gate},
};

/// The kinds of record with a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordPage {
    /// `/agreements/{id}`.
    Agreement,
    /// `/documents/{id}`.
    Document,
    /// `/activities/{id}`.
    Activity,
    /// `/organizations/{id}`.
    Organization,
}

impl RecordPage {
    /// Every kind, for the router.
    pub const ALL: [Self; 4] = [
        Self::Agreement,
        Self::Document,
        Self::Activity,
        Self::Organization,
    ];

    /// The route of the page, `{id}` the record's global ID.
    pub fn route(self) -> &'static str {
        match self {
            Self::Agreement => "/agreements/{id}",
            Self::Document => "/documents/{id}",
            Self::Activity => "/activities/{id}",
            Self::Organization => "/organizations/{id}",
        }
    }

    fn template(self) -> &'static str {
        match self {
            Self::Agreement => "agreement.html",
            Self::Document => "document.html",
            Self::Activity => "activity.html",
            Self::Organization => "organization.html",
        }
    }

    /// The query the page is rendered from.
    pub fn query(self) -> &'static str {
        match self {
            Self::Agreement => include_str!("../../../templates/pages/agreement.graphql"),
            Self::Document => include_str!("../../../templates/pages/document.graphql"),
            Self::Activity => include_str!("../../../templates/pages/activity.graphql"),
            Self::Organization => include_str!("../../../templates/pages/organization.graphql"),
        }
    }

    /// The handler of [`Self::route`].
    pub fn handler(self) -> MethodRouter<AppState> {
        get(
            move |State(state): State<AppState>,
                  State(gate): State<Gate>,
                  Extension(ip): Extension<ClientIp>,
                  Path(id): Path<String>,
                  Query(switch): Query<LanguageSwitch>,
                  headers: HeaderMap| async move {
                show(
                    &state,
                    &gate,
                    ip,
                    &headers,
                    self,
                    &id,
                    switch.lang.as_deref(),
                )
                .await
            },
        )
    }
}

/// `?lang=ro|en`, the language switch of every page.
#[derive(Debug, Deserialize)]
pub struct LanguageSwitch {
    lang: Option<String>,
}

/// The reader: the session cookie's user, else the public.
async fn reader(gate: &Gate, headers: &HeaderMap) -> Result<Actor, Response> {
    match auth::authenticate(&gate.db, &gate.auth, headers).await {
        Ok(actor) => Ok(actor),
        Err(Rejection::Internal(err)) => {
            tracing::error!(%err, "a record page could not authenticate its reader");
            Err(HttpError::internal().into_response())
        }
        Err(Rejection::Unauthenticated { .. } | Rejection::ForeignOrigin) => Ok(Actor::Anonymous),
    }
}

/// The reader of a page, once the door point is paid.
async fn admit_reader(gate: &Gate, ip: ClientIp, headers: &HeaderMap) -> Result<Actor, Response> {
    if let Some(refused) = rate::charge(gate, &ClientKey::ip(ip.0), 1) {
        return Err(refused);
    }
    reader(gate, headers).await
}

/// Runs a page's query as `actor`, read-only, paid from their budget.
async fn read(
    state: &AppState,
    actor: &Actor,
    ip: ClientIp,
    query: &str,
    variables: &serde_json::Value,
) -> async_graphql::Response {
    let request = Request::new(query)
        .variables(Variables::from_json(variables.clone()))
        .data(ReadOnlyTransport);
    let key = ClientKey::of(actor, ip.0);
    state
        .schema
        .execute(graphql::prepared(state, actor.clone(), key, request))
        .await
}

/// `GET /graphql` of the query a page shows, for integrators.
fn graphql_link(state: &AppState, query: &str, variables: &serde_json::Value) -> String {
    format!(
        "{}/graphql?{}",
        state.config.public_url.trim_end_matches('/'),
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("query", query.trim())
            .append_pair("variables", &variables.to_string())
            .finish()
    )
}

/// The answer to a page's query that failed for a reason of the API's
/// (its budget), else the logged 500.
fn failed(error: &async_graphql::ServerError, page: &str) -> Response {
    if graphql::error_code(error).as_deref() == Some(ErrorCode::RateLimited.as_str()) {
        return HttpError::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            "too many requests; try again shortly",
        )
        .into_response();
    }
    tracing::error!(message = %error.message, page, "a page's query failed");
    HttpError::internal().into_response()
}

/// What every page's layout needs.
fn frame(state: &AppState, lang: Language, actor: &Actor) -> Value {
    Value::from_serialize(json!({
        "lang": match lang { Language::Ro => "ro", Language::En => "en" },
        "base": state.config.public_url.trim_end_matches('/'),
        "signed_in": !matches!(actor, Actor::Anonymous),
    }))
}

async fn show(
    state: &AppState,
    gate: &Gate,
    ip: ClientIp,
    headers: &HeaderMap,
    kind: RecordPage,
    id: &str,
    switch: Option<&str>,
) -> Response {
    let actor = match admit_reader(gate, ip, headers).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let lang = language(switch, headers);
    let remember = switch.and(Some(lang));
    let frame = frame(state, lang, &actor);
    let not_found = |audience| {
        page(
            StatusCode::NOT_FOUND,
            "not_found.html",
            frame.clone(),
            audience,
            headers,
            remember,
        )
    };
    let variables = json!({ "id": id });
    let response = read(state, &actor, ip, kind.query(), &variables).await;
    if let Some(error) = response.errors.first() {
        return match graphql::error_code(error).as_deref() {
            // A malformed or foreign ID names no record; a hidden one is
            // not found, as in the API.
            Some(code) if code == ErrorCode::BadUserInput.as_str() => not_found(Audience::Public),
            Some(code) if code == ErrorCode::NotFound.as_str() => not_found(Audience::Private),
            _ => failed(error, kind.template()),
        };
    }
    let data = response.data.into_json().unwrap_or_default();
    let record = &data["record"];
    if record.is_null() {
        let audience = if matches!(actor, Actor::Anonymous) {
            Audience::Public
        } else {
            Audience::Private
        };
        return not_found(audience);
    }
    let audience = match (&actor, record["visibility"].as_str()) {
        (Actor::Anonymous, Some("PUBLIC") | None) => Audience::Public,
        _ => Audience::Private,
    };
    let graphql_link = graphql_link(state, kind.query(), &variables);
    let (answers, form_token) = if kind == RecordPage::Agreement {
        answer::offered(state, &actor, record)
    } else {
        (Vec::new(), None)
    };
    let context = minijinja::context! {
        record => Value::from_serialize(record),
        graphql => graphql_link,
        answers => Value::from_serialize(&answers),
        form_token => form_token,
        ..frame
    };
    page(
        StatusCode::OK,
        kind.template(),
        context,
        audience,
        headers,
        remember,
    )
}

//! `GET /`: the front page for the public and for people arriving from a
//! digest: the figures (`stats`), the latest records, and a search box
//! whose `?q=` runs the root `search` as the reader.

use axum::{
    Extension,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use minijinja::{Value, context};
use serde::Deserialize;
use serde_json::json;

use super::{
    admit_reader, failed, frame, graphql_link, read,
    render::{Audience, language, page},
};
use crate::{
    domain::actor::Actor,
    graphql::error::ErrorCode,
    http::{client_ip::ClientIp, graphql},
    state::{AppState, Gate},
};

const QUERY: &str = include_str!("../../../templates/pages/index.graphql");

/// `?q=&lang=`.
#[derive(Debug, Deserialize)]
pub struct HomeQuery {
    q: Option<String>,
    lang: Option<String>,
}

/// `GET /`.
pub async fn home(
    State(state): State<AppState>,
    State(gate): State<Gate>,
    Extension(ip): Extension<ClientIp>,
    Query(query): Query<HomeQuery>,
    headers: HeaderMap,
) -> Response {
    let actor = match admit_reader(&gate, ip, &headers).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let switch = query.lang.as_deref();
    let lang = language(switch, &headers);
    let text = query.q.unwrap_or_default();
    let searching = !text.trim().is_empty();
    let variables = json!({ "query": text, "searching": searching });
    let mut response = read(&state, &actor, ip, QUERY, &variables).await;
    let mut status = StatusCode::OK;
    let mut search_error = None;
    // A search the API refuses (only stop words, too long) is told on the
    // page, which shows the rest without it.
    if let Some(error) = response.errors.first()
        && searching
        && graphql::error_code(error).as_deref() == Some(ErrorCode::BadUserInput.as_str())
    {
        search_error = Some(error.message.clone());
        status = StatusCode::BAD_REQUEST;
        let without = json!({ "query": "", "searching": false });
        response = read(&state, &actor, ip, QUERY, &without).await;
    }
    if let Some(error) = response.errors.first() {
        return failed(error, "index.html");
    }
    let audience = if matches!(actor, Actor::Anonymous) {
        Audience::Public
    } else {
        Audience::Private
    };
    let data = response.data.into_json().unwrap_or_default();
    let context = context! {
        data => Value::from_serialize(&data),
        query => text,
        search_error => search_error,
        paths => context! {
            Agreement => "agreements",
            Document => "documents",
            Activity => "activities",
            Organization => "organizations",
        },
        graphql => graphql_link(&state, QUERY, &variables),
        ..frame(&state, lang, &actor)
    };
    page(
        status,
        "index.html",
        context,
        audience,
        &headers,
        switch.and(Some(lang)),
    )
}

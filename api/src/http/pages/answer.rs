//! Signing or declining an agreement from its page, for a party's ADMIN or
//! OWNER who came from an alert mail and has no frontend. The page offers
//! the forms where the one rule (`policy::authorize`, SignAgreements)
//! allows; the post runs the same `signAgreement` / `declineAgreement`
//! mutation as the API, as the reader, so the domain rules, the audit
//! entry and the events are the mutation's own.
//!
//! Forgery: the session cookie counts only from Pactum's own origin
//! (`auth::authenticate`), and each form carries a token signed for the
//! reader and the agreement.

use async_graphql::{Request, Variables};
use axum::{
    Extension, Form,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use minijinja::context;
use serde::Deserialize;
use serde_json::{Value as Json, json};

use super::{
    frame, reader,
    render::{Audience, language, page},
};
use crate::{
    domain::{
        actor::Actor,
        policy::{Action, authorize},
    },
    graphql::error::ErrorCode,
    http::{client_ip::ClientIp, graphql, rate},
    ids::{NodeKind, parse_global_id_of},
    ratelimit::ClientKey,
    state::{AppState, Gate},
};

fn purpose(agreement: &str) -> String {
    format!("answer:{agreement}")
}

/// The parties of `record` (an agreement page's data) the reader may sign
/// or decline for now, as `{ id name }`, and the form token; none when the
/// agreement awaits no answer of theirs.
pub fn offered(state: &AppState, actor: &Actor, record: &Json) -> (Vec<Json>, Option<String>) {
    let Actor::User(user) = actor else {
        return (Vec::new(), None);
    };
    if record["status"] != "PROPOSED" {
        return (Vec::new(), None);
    }
    let parties: Vec<Json> = record["parties"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|edge| &edge["node"])
        .filter(|party| party["hasSigned"] == false && party["declinedAt"].is_null())
        .filter(|party| {
            party["organization"]["id"]
                .as_str()
                .and_then(|id| parse_global_id_of(id, NodeKind::Organization))
                .is_some_and(|org| authorize(actor, Action::SignAgreements, org).is_ok())
        })
        .map(|party| party["organization"].clone())
        .collect();
    if parties.is_empty() {
        return (parties, None);
    }
    let id = record["id"].as_str().unwrap_or_default();
    let token = state.notify_key.form_token(user.user_id, &purpose(id));
    (parties, Some(token))
}

/// The fields of an answer form.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    organization: String,
    answer: String,
    #[serde(default)]
    signatory: String,
    token: String,
}

fn refused(state: &AppState, headers: &HeaderMap, status: StatusCode, detail: &str) -> Response {
    let lang = language(None, headers);
    let context = context! {
        heading => "answer_refused",
        text => "answer_refused_text",
        detail => detail,
        ..frame(state, lang, &Actor::Anonymous)
    };
    page(
        status,
        "message.html",
        context,
        Audience::Private,
        headers,
        None,
    )
}

/// `POST /agreements/{id}/answer`: signs or declines, then shows the page.
pub async fn answer(
    State(state): State<AppState>,
    State(gate): State<Gate>,
    Extension(ip): Extension<ClientIp>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<AnswerForm>,
) -> Response {
    if let Some(refused) = rate::charge(&gate, &ClientKey::ip(ip.0), 1) {
        return refused;
    }
    let actor = match reader(&gate, &headers).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let Actor::User(user) = &actor else {
        return refused(&state, &headers, StatusCode::UNAUTHORIZED, "");
    };
    if !state
        .notify_key
        .verify_form_token(user.user_id, &purpose(&id), &form.token)
    {
        return refused(&state, &headers, StatusCode::FORBIDDEN, "");
    }
    let (mutation, variables) = match form.answer.as_str() {
        "sign" => (
            "mutation Sign($input: SignAgreementInput!) { answer: signAgreement(input: $input) { userErrors { message } } }",
            json!({ "input": { "agreementId": id, "organizationId": form.organization, "signatory": form.signatory } }),
        ),
        "decline" => (
            "mutation Decline($input: DeclineAgreementInput!) { answer: declineAgreement(input: $input) { userErrors { message } } }",
            json!({ "input": { "agreementId": id, "organizationId": form.organization } }),
        ),
        _ => return refused(&state, &headers, StatusCode::BAD_REQUEST, ""),
    };
    let key = ClientKey::of(&actor, ip.0);
    let request = Request::new(mutation).variables(Variables::from_json(variables));
    let response = state
        .schema
        .execute(graphql::prepared(&state, actor.clone(), key, request))
        .await;
    if let Some(error) = response.errors.first() {
        let code = graphql::error_code(error).unwrap_or_default();
        let Some(status) = [
            (ErrorCode::Forbidden, StatusCode::FORBIDDEN),
            (ErrorCode::NotFound, StatusCode::NOT_FOUND),
            (ErrorCode::Unauthenticated, StatusCode::UNAUTHORIZED),
            (ErrorCode::BadUserInput, StatusCode::BAD_REQUEST),
            (ErrorCode::ValidationFailed, StatusCode::BAD_REQUEST),
            (ErrorCode::RateLimited, StatusCode::TOO_MANY_REQUESTS),
        ]
        .into_iter()
        .find_map(|(known, status)| (known.as_str() == code).then_some(status)) else {
            tracing::error!(message = %error.message, "an answer from an agreement page failed");
            return refused(&state, &headers, StatusCode::INTERNAL_SERVER_ERROR, "");
        };
        return refused(&state, &headers, status, &error.message);
    }
    // The mutation's refusals of its rules (already signed, no longer
    // PROPOSED, a missing signatory) come as its payload's user errors.
    let data = response.data.into_json().unwrap_or_default();
    if let Some(refusal) = data["answer"]["userErrors"][0]["message"].as_str() {
        return refused(&state, &headers, StatusCode::BAD_REQUEST, refusal);
    }
    Redirect::to(&format!(
        "{}/agreements/{id}",
        state.config.public_url.trim_end_matches('/')
    ))
    .into_response()
}

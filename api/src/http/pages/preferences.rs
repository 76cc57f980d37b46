//! `/account/notifications`: where a person chooses how each kind of alert
//! reaches them (IMMEDIATE, DAILY_DIGEST or OFF). Every alert links here
//! with a signed per-user token, which stands in for a login as the
//! unsubscribe link's does; without one, the session cookie says who it is.
//! The form posts back the token, or rides on the cookie, which a
//! cross-site request does not carry as a login (`auth::authenticate`
//! refuses a foreign origin), so another site cannot change anyone's alerts.

use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use entities::enums::{AlertKind, Delivery};
use minijinja::{Value, context};
use sea_orm::{ActiveEnum, Iterable};
use serde::Deserialize;

use super::{
    frame, reader,
    render::{Audience, language, page},
};
use crate::{
    domain::{
        actor::Actor,
        alerts::{self, PREFERENCE_KINDS},
        error::DomainError,
    },
    state::{AppState, Gate},
};

/// `?token=&lang=&saved=`.
#[derive(Debug, Deserialize)]
pub struct SettingsQuery {
    token: Option<String>,
    lang: Option<String>,
    saved: Option<String>,
}

/// Whose settings these are: the person a genuine token names, else the
/// signed-in person; otherwise the page that says why not (a forged or
/// stale link, or nobody to ask for).
async fn owner(
    state: &AppState,
    gate: &Gate,
    headers: &HeaderMap,
    token: Option<&str>,
    switch: Option<&str>,
) -> Result<(i64, Option<String>), Response> {
    let refuse = |status, key| message(state, headers, switch, status, key, true);
    if let Some(token) = token.filter(|t| !t.is_empty()) {
        return match state.notify_key.verify_settings(token) {
            Some(user) => Ok((user, Some(token.to_owned()))),
            None => Err(refuse(StatusCode::BAD_REQUEST, "invalid_link")),
        };
    }
    match reader(gate, headers).await? {
        Actor::User(user) => Ok((user.user_id, None)),
        Actor::Anonymous | Actor::Token(_) => {
            Err(refuse(StatusCode::UNAUTHORIZED, "sign_in_needed"))
        }
    }
}

fn message(
    state: &AppState,
    headers: &HeaderMap,
    switch: Option<&str>,
    status: StatusCode,
    key: &str,
    login: bool,
) -> Response {
    let lang = language(switch, headers);
    let base = state.config.public_url.trim_end_matches('/').to_owned();
    let context = context! {
        heading => key,
        text => format!("{key}_text"),
        action => login.then(|| format!("{base}/auth/providers")),
        action_label => "log_in",
        ..frame(state, lang, &Actor::Anonymous)
    };
    private(page(
        status,
        "message.html",
        context,
        Audience::Private,
        headers,
        None,
    ))
}

/// The settings page carries its token in the URL: it must not leak to
/// the sites it links to, nor be kept by any cache.
fn private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /account/notifications`: the form, with the person's choices.
pub async fn show(
    State(state): State<AppState>,
    State(gate): State<Gate>,
    Query(query): Query<SettingsQuery>,
    headers: HeaderMap,
) -> Response {
    let switch = query.lang.as_deref();
    let (user_id, token) =
        match owner(&state, &gate, &headers, query.token.as_deref(), switch).await {
            Ok(person) => person,
            Err(response) => return response,
        };
    let preferences = match alerts::preferences_of(&state.db, user_id).await {
        Ok(preferences) => preferences,
        Err(err) => {
            tracing::error!(%err, "alert settings could not be read");
            return message(
                &state,
                &headers,
                switch,
                StatusCode::INTERNAL_SERVER_ERROR,
                "try_later",
                false,
            );
        }
    };
    let lang = language(switch, &headers);
    let context = context! {
        token => token,
        saved => query.saved.is_some(),
        preferences => preferences
            .iter()
            .map(|(kind, delivery)| context! { kind => kind.to_value(), delivery => delivery.to_value() })
            .collect::<Vec<Value>>(),
        deliveries => Delivery::iter().map(|d| d.to_value()).collect::<Vec<_>>(),
        ..frame(&state, lang, &Actor::Anonymous)
    };
    private(page(
        StatusCode::OK,
        "preferences.html",
        context,
        Audience::Private,
        &headers,
        switch.and(Some(lang)),
    ))
}

/// The form's fields as choices: `KIND=DELIVERY` for kinds that have a
/// preference, each at most once; `None` for anything else.
fn choices(fields: &[(String, String)]) -> Option<Vec<(AlertKind, Delivery)>> {
    let mut chosen: Vec<(AlertKind, Delivery)> = Vec::new();
    for (name, value) in fields {
        if name == "token" {
            continue;
        }
        let kind = PREFERENCE_KINDS.iter().find(|k| k.to_value() == *name)?;
        let delivery = Delivery::iter().find(|d| d.to_value() == *value)?;
        if chosen.iter().any(|(k, _)| k == kind) {
            return None;
        }
        chosen.push((*kind, delivery));
    }
    Some(chosen)
}

/// `POST /account/notifications`: stores the choices, then shows them.
pub async fn save(
    State(state): State<AppState>,
    State(gate): State<Gate>,
    Query(query): Query<SettingsQuery>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let switch = query.lang.as_deref();
    let token = fields
        .iter()
        .find(|(n, _)| n == "token")
        .map(|(_, v)| v.as_str());
    let (user_id, token) = match owner(&state, &gate, &headers, token, switch).await {
        Ok(person) => person,
        Err(response) => return response,
    };
    let Some(changes) = choices(&fields) else {
        return message(
            &state,
            &headers,
            switch,
            StatusCode::BAD_REQUEST,
            "invalid_choice",
            false,
        );
    };
    match alerts::update_preferences_by_link(&state.db, user_id, &changes, chrono::Utc::now()).await
    {
        Ok(_) => {
            let back = match token {
                Some(token) => format!("/account/notifications?token={token}&saved=1"),
                None => "/account/notifications?saved=1".to_owned(),
            };
            private(
                Redirect::to(&format!(
                    "{}{back}",
                    state.config.public_url.trim_end_matches('/')
                ))
                .into_response(),
            )
        }
        // The person the token names is gone.
        Err(DomainError::NotFound { .. }) => message(
            &state,
            &headers,
            switch,
            StatusCode::BAD_REQUEST,
            "invalid_link",
            true,
        ),
        Err(DomainError::InvalidInput { .. }) => message(
            &state,
            &headers,
            switch,
            StatusCode::BAD_REQUEST,
            "invalid_choice",
            false,
        ),
        Err(err) => {
            tracing::error!(%err, "alert settings could not be saved");
            message(
                &state,
                &headers,
                switch,
                StatusCode::INTERNAL_SERVER_ERROR,
                "try_later",
                false,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_form_gives_one_choice_per_kind_that_has_a_preference() {
        assert_eq!(
            choices(&fields(&[
                ("token", "x"),
                ("AGREEMENT_PROPOSED", "OFF"),
                ("DOCUMENT_PUBLISHED", "DAILY_DIGEST")
            ])),
            Some(vec![
                (AlertKind::AgreementProposed, Delivery::Off),
                (AlertKind::DocumentPublished, Delivery::DailyDigest)
            ])
        );
        assert_eq!(choices(&fields(&[("MEMBER_INVITED", "OFF")])), None);
        assert_eq!(
            choices(&fields(&[("AGREEMENT_PROPOSED", "SOMETIMES")])),
            None
        );
        assert_eq!(
            choices(&fields(&[
                ("AGREEMENT_PROPOSED", "OFF"),
                ("AGREEMENT_PROPOSED", "IMMEDIATE")
            ])),
            None
        );
        assert_eq!(choices(&fields(&[("x", "y")])), None);
    }
}

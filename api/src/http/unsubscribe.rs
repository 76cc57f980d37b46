//! `/unsubscribe?token=` (RFC 8058 one-click, from every alert e-mail):
//! `GET` shows a confirmation page with a form (link scanners that follow
//! GETs change nothing); `POST` (the form, or a mail client's
//! `List-Unsubscribe=One-Click`) turns the kind OFF. The token is made and
//! checked by [`UnsubscribeKey`].

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use entities::enums::AlertKind;
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use crate::{
    domain::{alerts, error::DomainError},
    notify::unsubscribe::UnsubscribeKey,
};

/// `?token=...`.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    (
        status,
        Html(format!(
            "<!DOCTYPE html>\n<html lang=\"ro\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body style=\"font-family: sans-serif; max-width: 40em\"><h1>{title}</h1>{body}</body></html>\n"
        )),
    )
        .into_response()
}

fn describe(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::AgreementProposed => "acorduri propuse / agreements proposed",
        AlertKind::AgreementActivated => "acorduri intrate în vigoare / agreements in force",
        AlertKind::AgreementTerminated => "acorduri reziliate / agreements terminated",
        AlertKind::AgreementExpiring => "acorduri care expiră / agreements expiring",
        AlertKind::DocumentPublished => "documente noi / new documents",
        AlertKind::ActivityScheduled => "activități programate / activities scheduled",
        AlertKind::ActivityChanged => "activități modificate / activities changed",
        AlertKind::ActivityCancelled => "activități anulate / activities cancelled",
        AlertKind::MemberInvited => "invitații / invitations",
        AlertKind::DailyDigest => "rezumatul zilnic / the daily digest",
    }
}

fn invalid() -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Link invalid / Invalid link",
        "<p>Linkul de dezabonare nu este valid. / This unsubscribe link is not valid.</p>",
    )
}

/// `GET /unsubscribe?token=`: a confirmation page with a form.
pub async fn confirm(
    State(key): State<UnsubscribeKey>,
    Query(query): Query<TokenQuery>,
) -> Response {
    let Some(token) = query.token else {
        return invalid();
    };
    let Some((_, kind)) = key.verify(&token) else {
        return invalid();
    };
    let escaped: String = token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .collect();
    page(
        StatusCode::OK,
        "Dezabonare / Unsubscribe",
        &format!(
            "<p>Nu veți mai primi e-mailuri despre: <strong>{kind}</strong>.<br>\
             You will no longer receive e-mails about: <strong>{kind}</strong>.</p>\
             <form method=\"post\" action=\"/unsubscribe?token={escaped}\">\
             <input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
             <button type=\"submit\">Confirm / Confirmați</button></form>",
            kind = describe(kind)
        ),
    )
}

/// `POST /unsubscribe?token=`: turns the kind OFF (RFC 8058 one-click).
pub async fn unsubscribe(
    State(key): State<UnsubscribeKey>,
    State(db): State<DatabaseConnection>,
    Query(query): Query<TokenQuery>,
) -> Response {
    let Some((user_id, kind)) = query.token.as_deref().and_then(|t| key.verify(t)) else {
        return invalid();
    };
    match alerts::unsubscribe(&db, user_id, kind, chrono::Utc::now()).await {
        Ok(()) => page(
            StatusCode::OK,
            "Dezabonat / Unsubscribed",
            &format!(
                "<p>Nu veți mai primi e-mailuri despre: <strong>{k}</strong>.<br>\
                 You will no longer receive e-mails about: <strong>{k}</strong>.</p>",
                k = describe(kind)
            ),
        ),
        Err(DomainError::NotFound { .. }) => invalid(),
        Err(err) => {
            tracing::error!(%err, "unsubscribe failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Eroare / Error",
                "<p>Încercați din nou mai târziu. / Please try again later.</p>",
            )
        }
    }
}

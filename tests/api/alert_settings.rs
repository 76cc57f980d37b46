//! The settings link of every alert, followed as its recipient would: the
//! signed link opens their choices without a login, the form saves them,
//! and a forged link, a missing login or a cross-site post changes nothing.

use std::time::Duration;

use chrono::Utc;
use entities::enums::{AgreementStatus, EventKind, MemberRole, OrganizationKind, Visibility};
use pactum::domain::events::{self, Event};
use pactum_tests::{
    TestApp,
    accounts::{self},
    fixtures, global_id,
    mail::text_links,
    smtp::{SmtpSink, use_sink},
};
use reqwest::{StatusCode, header, redirect::Policy};
use serde_json::{Value, json};

async fn preferences(app: &TestApp, session: &str) -> Value {
    app.data_as(
        Some(session),
        "{ me { notificationPreferences { kind delivery } } }",
        json!({}),
    )
    .await["me"]["notificationPreferences"]
        .clone()
}

fn delivery_of(preferences: &Value, kind: &str) -> String {
    preferences
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == kind)
        .map(|p| p["delivery"].as_str().unwrap().to_owned())
        .unwrap()
}

/// A proposal to Asociația B, whose owner gets its alert: the app, the
/// sink, the owner's id and session, the agreement's id.
pub(super) async fn proposal(
    tweak: impl FnOnce(&mut pactum::config::Config),
) -> (TestApp, SmtpSink, i64, String, i64) {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(|c| {
        use_sink(c, sink.port);
        tweak(c);
    })
    .await;
    let db = &app.db;
    let a = fixtures::organization(
        db,
        "primaria-a",
        "Primăria A",
        OrganizationKind::Municipality,
        None,
    )
    .await;
    let b = fixtures::organization(
        db,
        "asociatia-b",
        "Asociația B",
        OrganizationKind::Ngo,
        None,
    )
    .await;
    let person = accounts::user(db, "owner@b.ro", "Ana Popescu").await;
    accounts::membership(db, person.id, b.id, MemberRole::Owner).await;
    let session = accounts::session(db, person.id).await;
    let agreement = fixtures::agreement(
        db,
        "Cooperare pentru integritate",
        &[a.id, b.id],
        AgreementStatus::Proposed,
        Visibility::Private,
        None,
    )
    .await;
    events::record(
        db,
        vec![Event::about(
            EventKind::AgreementProposed,
            a.id,
            "Agreement",
            agreement.id,
            json!({ "id": agreement.id }),
        )],
        None,
        Utc::now(),
    )
    .await
    .unwrap();
    sink.wait_for(1, Duration::from_secs(30)).await;
    (app, sink, person.id, session, agreement.id)
}

#[tokio::test]
async fn the_settings_link_of_an_alert_opens_and_saves_its_recipients_choices() {
    let (app, sink, person_id, session, _) = proposal(|_| {}).await;
    let db = &app.db;
    let mails = sink.messages();
    let text = mails[0]["text"].as_str().unwrap();
    let settings = text_links(text)
        .into_iter()
        .find(|l| l.contains("/account/notifications"))
        .unwrap_or_else(|| panic!("a settings link in {text}"));
    assert!(settings.contains("?token="), "{settings}");

    // Every link of the mail opens: the record (as the member), the
    // settings and the unsubscribe confirmation (anonymous, by their tokens).
    for link in text_links(text) {
        let response = app
            .client
            .get(&link)
            .header("cookie", format!("pactum_session={session}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{link}");
    }

    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let form = client.get(&settings).send().await.unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    assert_eq!(form.headers()["referrer-policy"], "no-referrer");
    assert_eq!(form.headers()[header::CACHE_CONTROL], "no-store");
    let page = form.text().await.unwrap();
    assert!(page.contains("Acorduri propuse organizației"), "{page}");
    assert!(
        page.contains("name=\"AGREEMENT_PROPOSED\" value=\"IMMEDIATE\" checked"),
        "{page}"
    );
    let token = settings.split("token=").nth(1).unwrap().to_owned();

    // The form posts back its token and the choices.
    let saved = client
        .post(format!("{}/account/notifications", app.address))
        .form(&[
            ("token", token.as_str()),
            ("AGREEMENT_PROPOSED", "DAILY_DIGEST"),
            ("DOCUMENT_PUBLISHED", "OFF"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let back = saved.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let shown = client
        .get(&back)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shown.contains("Preferințele au fost salvate."), "{shown}");
    assert!(shown.contains("name=\"AGREEMENT_PROPOSED\" value=\"DAILY_DIGEST\" checked"));
    let after = preferences(&app, &session).await;
    assert_eq!(delivery_of(&after, "AGREEMENT_PROPOSED"), "DAILY_DIGEST");
    assert_eq!(delivery_of(&after, "DOCUMENT_PUBLISHED"), "OFF");
    assert_eq!(delivery_of(&after, "ACTIVITY_SCHEDULED"), "IMMEDIATE");

    // What must change nothing.
    let other = accounts::user(db, "other@b.ro", "Altcineva").await;
    let forged = token.replacen(&format!("{person_id}."), &format!("{}.", other.id), 1);
    let post = |fields: Vec<(&'static str, String)>, extra: Vec<(&'static str, String)>| {
        let mut request = client
            .post(format!("{}/account/notifications", app.address))
            .form(&fields);
        for (name, value) in extra {
            request = request.header(name, value);
        }
        request.send()
    };
    let refused = [
        // A token altered to name someone else.
        (
            post(
                vec![
                    ("token", forged.clone()),
                    ("AGREEMENT_PROPOSED", "OFF".into()),
                ],
                vec![],
            )
            .await
            .unwrap(),
            400,
        ),
        // No token and no login.
        (
            post(vec![("AGREEMENT_PROPOSED", "OFF".into())], vec![])
                .await
                .unwrap(),
            401,
        ),
        // The session cookie on a post from another site.
        (
            post(
                vec![("AGREEMENT_PROPOSED", "OFF".into())],
                vec![
                    ("cookie", format!("pactum_session={session}")),
                    ("origin", "https://evil.example".into()),
                ],
            )
            .await
            .unwrap(),
            401,
        ),
        // A kind without a preference, a delivery that does not exist.
        (
            post(
                vec![("token", token.clone()), ("MEMBER_INVITED", "OFF".into())],
                vec![],
            )
            .await
            .unwrap(),
            400,
        ),
        (
            post(
                vec![
                    ("token", token.clone()),
                    ("AGREEMENT_PROPOSED", "HOURLY".into()),
                ],
                vec![],
            )
            .await
            .unwrap(),
            400,
        ),
    ];
    for (response, status) in refused {
        assert_eq!(response.status().as_u16(), status);
    }
    assert_eq!(preferences(&app, &session).await, after, "nothing changed");
    let forged_page = client
        .get(format!(
            "{}/account/notifications?token={forged}",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(forged_page.status(), StatusCode::BAD_REQUEST);

    // Signed in, the page needs no token, and the form saves by the cookie.
    let cookie = format!("pactum_session={session}");
    let signed_in = client
        .get(format!("{}/account/notifications", app.address))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    let saved = client
        .post(format!("{}/account/notifications", app.address))
        .header("cookie", &cookie)
        .header("origin", app.address.as_str())
        .form(&[("DOCUMENT_PUBLISHED", "IMMEDIATE")])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        delivery_of(&preferences(&app, &session).await, "DOCUMENT_PUBLISHED"),
        "IMMEDIATE"
    );
}

#[tokio::test]
async fn a_deployment_with_a_frontend_of_its_own_gets_its_links_in_the_mails() {
    let (app, sink, _, _, agreement) = proposal(|c| {
        c.links_base_url = "https://acorduri.example.ro/app".into();
        c.links_agreement_path = "/acorduri/{id}".into();
    })
    .await;
    let text = sink.messages()[0]["text"].as_str().unwrap().to_owned();
    let expected = format!(
        "https://acorduri.example.ro/app/acorduri/{}",
        global_id("Agreement", agreement)
    );
    assert!(text_links(&text).contains(&expected), "{text}");
    // Settings and unsubscribing stay Pactum's own.
    assert!(
        text_links(&text)
            .iter()
            .any(|l| l.starts_with(&format!("{}/account/notifications?token=", app.address))),
        "{text}"
    );
}

//! E-mail alerts end to end: who receives what (rules driven by inserted
//! domain events, and one through `inviteMember`), what the mail looks like
//! at a real SMTP server (recipients, subject, both parts, RFC 8058 headers,
//! Message-ID, language), preferences and one-click unsubscribe, the daily
//! jobs, transport faults (server down, 4xx, 5xx), and a SIGKILL of the real
//! binary in the middle of a burst of 500 alerts.

use std::{collections::HashMap, time::Duration};

use chrono::Utc;
use entities::{
    enums::{
        ActivityKind, ActivityStatus, AgreementStatus, AlertKind, DocumentKind, EventKind,
        Language, MemberRole, OrganizationKind, OutboxStatus, Visibility,
    },
    invitation, outbox,
};
use pactum::{
    config::SmtpTls,
    domain::events::{self, Event},
    notify::{Notifier, digests},
};
use pactum_tests::{
    TestApp,
    accounts::{self, member_session, person},
    fixtures, global_id,
    served::Node,
    smtp::{Faults, SmtpSink, free_port, use_sink},
};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, QueryOrder, Set};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

async fn org(db: &DatabaseConnection, slug: &str, name: &str) -> i64 {
    fixtures::organization(
        db,
        slug,
        name,
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await
    .id
}

async fn record(
    db: &DatabaseConnection,
    kind: EventKind,
    entity: &'static str,
    entity_id: i64,
    org: i64,
    actor: Option<i64>,
) {
    events::record(
        db,
        vec![Event::about(
            kind,
            org,
            entity,
            entity_id,
            json!({ "id": entity_id }),
        )],
        actor,
        Utc::now(),
    )
    .await
    .unwrap();
}

async fn outbox_rows(db: &DatabaseConnection) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .order_by_asc(outbox::Column::Id)
        .all(db)
        .await
        .unwrap()
}

/// Waits until `check` holds on the outbox (or fails the test).
async fn wait_outbox(
    db: &DatabaseConnection,
    what: &str,
    check: impl Fn(&[outbox::Model]) -> bool,
) -> Vec<outbox::Model> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let rows = outbox_rows(db).await;
        if check(&rows) {
            return rows;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {rows:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn by_recipient(mails: &[Value]) -> HashMap<String, Value> {
    mails
        .iter()
        .map(|m| (m["rcpt_tos"][0].as_str().unwrap().to_owned(), m.clone()))
        .collect()
}

async fn metric(app: &TestApp, name: &str) -> f64 {
    pactum_tests::metric_at(&app.client, &app.address, name).await
}

const INVITE: &str = "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } userErrors { code message } } }";

#[tokio::test]
async fn an_invitation_is_mailed_in_romanian_as_text_and_html() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(|c| use_sink(c, sink.port)).await;
    let lugoj = org(&app.db, "primaria-lugoj", "Primăria Lugoj").await;
    let admin = member_session(&app.db, lugoj, MemberRole::Admin).await;
    let data = app
        .data_as(
            Some(&admin),
            INVITE,
            json!({ "input": { "organizationId": global_id("Organization", lugoj), "email": "Nou.Membru@Example.ro", "role": "EDITOR" } }),
        )
        .await;
    assert_eq!(data["inviteMember"]["userErrors"], json!([]));

    let mails = sink.wait_for(1, WAIT).await;
    assert_eq!(mails.len(), 1, "{mails:#?}");
    let mail = &mails[0];
    assert_eq!(mail["rcpt_tos"], json!(["nou.membru@example.ro"]));
    assert_eq!(mail["mail_from"], "alerte@pactum.test");
    assert_eq!(mail["subject"], "Invitație în Primăria Lugoj pe Pactum");
    assert_eq!(mail["content_type"], "multipart/alternative");
    let text = mail["text"].as_str().unwrap();
    let html = mail["html"].as_str().unwrap();
    assert!(
        text.contains("organizației Primăria Lugoj pe Pactum, cu rolul editor"),
        "{text}"
    );
    assert!(
        html.contains("<html lang=\"ro\">") && html.contains("Primăria Lugoj"),
        "{html}"
    );
    assert!(
        text.contains(&format!("{}/auth/providers", app.address)),
        "{text}"
    );
    let headers = &mail["headers"];
    let message_id = headers["message-id"].as_str().unwrap();
    assert!(
        message_id.starts_with('<') && message_id.ends_with("@pactum.test>"),
        "{message_id}"
    );
    let key = headers["x-pactum-alert"].as_str().unwrap();
    assert!(
        key.starts_with("event:") && key.ends_with(":email:nou.membru@example.ro"),
        "{key}"
    );
    // An invitation goes to someone with no account: nothing to unsubscribe from.
    assert!(headers.get("list-unsubscribe").is_none());
    // Non-ASCII is encoded on the wire (RFC 2047 subject, no raw 8-bit header).
    let raw = mail["raw"].as_str().unwrap();
    let head = raw.split("\r\n\r\n").next().unwrap();
    assert!(head.contains("Subject: =?utf-8?"), "{head}");
    assert!(head.is_ascii(), "{head}");

    let row = &wait_outbox(&app.db, "SENT", |rows| rows[0].status == OutboxStatus::Sent).await[0];
    assert_eq!(row.attempts, 1);
    assert_eq!(row.kind, AlertKind::MemberInvited);
}

#[tokio::test]
async fn a_proposal_reaches_the_invited_parties_admins_in_their_language() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(|c| use_sink(c, sink.port)).await;
    let db = &app.db;
    let a = org(db, "primaria-a", "Primăria A").await;
    let b = org(db, "asociatia-b", "Asociația B").await;
    let c = org(db, "consiliul-c", "Consiliul Județean C").await;
    let (a_admin, _) = person(db, "admin@a.ro", Language::Ro, a, MemberRole::Admin).await;
    let (b_owner, b_session) = person(db, "owner@b.ro", Language::En, b, MemberRole::Owner).await;
    person(db, "viewer@b.ro", Language::Ro, b, MemberRole::Viewer).await;
    person(db, "admin@c.ro", Language::Ro, c, MemberRole::Admin).await;
    let agreement = fixtures::agreement(
        db,
        "Cooperare pentru integritate",
        &[a, b, c],
        AgreementStatus::Proposed,
        Visibility::Private,
        None,
    )
    .await;
    record(
        db,
        EventKind::AgreementProposed,
        "Agreement",
        agreement.id,
        a,
        Some(a_admin.id),
    )
    .await;

    sink.wait_for(2, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails = by_recipient(&sink.messages());
    assert_eq!(mails.len(), 2, "{mails:#?}");
    let english = &mails["owner@b.ro"];
    let romanian = &mails["admin@c.ro"];
    assert_eq!(
        english["subject"],
        "Agreement proposed: Cooperare pentru integritate"
    );
    assert_eq!(
        romanian["subject"],
        "Acord propus: Cooperare pentru integritate"
    );
    let link = format!(
        "{}/agreements/{}",
        app.address,
        global_id("Agreement", agreement.id)
    );
    for mail in [english, romanian] {
        assert!(mail["text"].as_str().unwrap().contains(&link));
        assert!(mail["html"].as_str().unwrap().contains(&link));
        assert!(mail["text"].as_str().unwrap().contains("Primăria A"));
        let headers = &mail["headers"];
        assert_eq!(
            headers["list-unsubscribe-post"],
            "List-Unsubscribe=One-Click"
        );
        let unsubscribe = headers["list-unsubscribe"].as_str().unwrap();
        assert!(
            unsubscribe.starts_with(&format!("<{}/unsubscribe?token=", app.address)),
            "{unsubscribe}"
        );
        assert!(
            headers["message-id"]
                .as_str()
                .unwrap()
                .ends_with("@pactum.test>")
        );
    }
    // The link opens the agreement's page: for a party's member, as they
    // are logged in; for anyone else the PRIVATE agreement is not there.
    let anonymous = app.client.get(&link).send().await.unwrap();
    assert_eq!(anonymous.status(), 404);
    let opened = app
        .client
        .get(&link)
        .header("cookie", format!("pactum_session={b_session}"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 200);
    let page = opened.text().await.unwrap();
    assert!(
        page.contains("<h1>Cooperare pentru integritate</h1>"),
        "{page}"
    );
    assert!(page.contains("Not signed yet"), "{page}");
    assert!(
        english["html"]
            .as_str()
            .unwrap()
            .contains("<html lang=\"en\">")
    );
    assert!(
        romanian["text"]
            .as_str()
            .unwrap()
            .contains("propune organizației dumneavoastră")
    );

    // One click (RFC 8058) turns that kind off for that user, without login.
    let url = english["headers"]["list-unsubscribe"]
        .as_str()
        .unwrap()
        .trim_matches(['<', '>'])
        .to_owned();
    let page = app.client.get(&url).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.unwrap().contains("<form method=\"post\""));
    let tampered = url.replace(
        &format!("token={}.", b_owner.id),
        &format!("token={}.", b_owner.id + 1),
    );
    let refused = app
        .client
        .post(&tampered)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400);
    let done = app
        .client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status().as_u16(), 200);
    let prefs = app
        .data_as(
            Some(&b_session),
            "{ me { notificationPreferences { kind delivery } } }",
            json!({}),
        )
        .await;
    assert!(
        prefs["me"]["notificationPreferences"]
            .as_array()
            .unwrap()
            .contains(&json!({ "kind": "AGREEMENT_PROPOSED", "delivery": "OFF" }))
    );

    // The next proposal skips them.
    let second = fixtures::agreement(
        db,
        "Al doilea acord",
        &[a, b, c],
        AgreementStatus::Proposed,
        Visibility::Private,
        None,
    )
    .await;
    record(
        db,
        EventKind::AgreementProposed,
        "Agreement",
        second.id,
        a,
        Some(a_admin.id),
    )
    .await;
    sink.wait_for(3, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let later: Vec<_> = sink.messages().into_iter().skip(2).collect();
    assert_eq!(later.len(), 1, "{later:#?}");
    assert_eq!(later[0]["rcpt_tos"], json!(["admin@c.ro"]));
}

#[tokio::test]
async fn activation_and_activity_alerts_follow_the_rules() {
    let app = TestApp::spawn_with(|c| {
        c.notify_enabled = true;
        c.notify_poll_millis = 50;
    })
    .await;
    let db = &app.db;
    let a = org(db, "a", "A").await;
    let b = org(db, "b", "B").await;
    let x = org(db, "x", "X").await;
    let (a_owner, _) = person(db, "owner@a.ro", Language::Ro, a, MemberRole::Owner).await;
    let (a_editor, _) = person(db, "editor@a.ro", Language::Ro, a, MemberRole::Editor).await;
    let (b_admin, _) = person(db, "admin@b.ro", Language::Ro, b, MemberRole::Admin).await;
    let (x_owner, _) = person(db, "owner@x.ro", Language::Ro, x, MemberRole::Owner).await;
    let agreement = fixtures::agreement(
        db,
        "Acord",
        &[a, b],
        AgreementStatus::Active,
        Visibility::Public,
        Some(fixtures::date(2026, 1, 1)),
    )
    .await;
    record(
        db,
        EventKind::AgreementActivated,
        "Agreement",
        agreement.id,
        b,
        Some(b_admin.id),
    )
    .await;
    // A signature alone sends nothing.
    record(
        db,
        EventKind::AgreementSigned,
        "Agreement",
        agreement.id,
        b,
        Some(b_admin.id),
    )
    .await;
    let activity = fixtures::activity(
        db,
        fixtures::ActivitySpec {
            title: "Curs de etică",
            kind: ActivityKind::TrainingCourse,
            status: ActivityStatus::Cancelled,
            visibility: Visibility::Private,
            start: fixtures::date(2026, 5, 1),
            organizers: &[a, b],
            participants: &[],
            documents: &[],
            agreement: None,
            project: None,
        },
    )
    .await;
    record(
        db,
        EventKind::ActivityCancelled,
        "Activity",
        activity.id,
        a,
        Some(a_editor.id),
    )
    .await;
    wait_outbox(db, "3 alerts", |rows| rows.len() >= 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rows = outbox_rows(db).await;
    let who = |kind: AlertKind| {
        let mut users: Vec<i64> = rows
            .iter()
            .filter(|r| r.kind == kind)
            .filter_map(|r| r.user_id)
            .collect();
        users.sort_unstable();
        users
    };
    // Activation: every party's ADMINs and OWNERs, not the actor.
    assert_eq!(who(AlertKind::AgreementActivated), vec![a_owner.id]);
    // Cancellation: every member of the organizers, not the actor; never X.
    assert_eq!(
        who(AlertKind::ActivityCancelled),
        vec![a_owner.id, b_admin.id]
    );
    assert!(rows.iter().all(|r| r.user_id != Some(x_owner.id)));
    assert_eq!(rows.len(), 3, "{rows:#?}");
}

#[tokio::test]
async fn documents_reach_those_who_may_see_them_and_digests_gather_alerts() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(|c| use_sink(c, sink.port)).await;
    let db = &app.db;
    let owner = org(db, "owner", "Primăria Owner").await;
    let partner = org(db, "partner", "Asociația Partener").await;
    let stranger = org(db, "stranger", "Străinii").await;
    fixtures::agreement(
        db,
        "Parteneriat",
        &[owner, partner],
        AgreementStatus::Active,
        Visibility::Public,
        Some(fixtures::date(2026, 1, 1)),
    )
    .await;
    let (o1, _) = person(db, "o1@owner.ro", Language::Ro, owner, MemberRole::Viewer).await;
    let (p1, _) = person(
        db,
        "p1@partner.ro",
        Language::En,
        partner,
        MemberRole::Editor,
    )
    .await;
    let (p2, p2_session) = person(
        db,
        "p2@partner.ro",
        Language::Ro,
        partner,
        MemberRole::Viewer,
    )
    .await;
    let (s1, _) = person(
        db,
        "s1@stranger.ro",
        Language::Ro,
        stranger,
        MemberRole::Owner,
    )
    .await;
    let changed = app
        .data_as(
            Some(&p2_session),
            "mutation($input: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $input) { preferences { kind delivery } userErrors { code } } }",
            json!({ "input": { "preferences": [{ "kind": "DOCUMENT_PUBLISHED", "delivery": "DAILY_DIGEST" }] } }),
        )
        .await;
    assert_eq!(
        changed["updateNotificationPreferences"]["userErrors"],
        json!([])
    );

    let shared = fixtures::document(
        db,
        owner,
        "Ghid de bune practici",
        DocumentKind::GoodPracticeGuide,
        Visibility::Partners,
        "ro",
        &[],
    )
    .await;
    let private = fixtures::document(
        db,
        owner,
        "Analiză de risc internă",
        DocumentKind::RiskAnalysis,
        Visibility::Private,
        "ro",
        &[],
    )
    .await;
    record(
        db,
        EventKind::DocumentPublished,
        "Document",
        shared.id,
        owner,
        None,
    )
    .await;
    record(
        db,
        EventKind::DocumentPublished,
        "Document",
        private.id,
        owner,
        None,
    )
    .await;
    let rows = wait_outbox(db, "4 rows", |rows| rows.len() >= 4).await;
    let pairs: Vec<(i64, i64, OutboxStatus)> = rows
        .iter()
        .map(|r| (r.event_id.unwrap(), r.user_id.unwrap(), r.status))
        .collect();
    let first = rows[0].event_id.unwrap();
    // PARTNERS document: owner's and partners' members (p2 by digest); PRIVATE: owner's only.
    let mut expected = vec![
        (first, o1.id),
        (first, p1.id),
        (first, p2.id),
        (first + 1, o1.id),
    ];
    expected.sort_unstable();
    let mut got: Vec<(i64, i64)> = pairs.iter().map(|(e, u, _)| (*e, *u)).collect();
    got.sort_unstable();
    assert_eq!(got, expected);
    assert!(rows.iter().all(|r| r.user_id != Some(s1.id)));
    assert!(pairs.contains(&(first, p2.id, OutboxStatus::Held)));
    let mails = sink.wait_for(3, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.count(), 3, "{mails:#?}");
    assert!(
        sink.messages()
            .iter()
            .all(|m| m["rcpt_tos"][0] != "p2@partner.ro")
    );

    // The next day's digest gathers p2's held alerts into one mail.
    let made = digests::digests(&app.notifier(), Utc::now() + chrono::Duration::days(1))
        .await
        .unwrap();
    assert_eq!(made, 1);
    let mails = sink.wait_for(4, WAIT).await;
    let digest = mails
        .iter()
        .find(|m| m["rcpt_tos"][0] == "p2@partner.ro")
        .expect("a digest");
    assert_eq!(digest["subject"], "Pactum: rezumatul zilei (1 alertă)");
    assert!(
        digest["text"]
            .as_str()
            .unwrap()
            .contains("Document nou: Ghid de bune practici")
    );
    assert!(
        digest["html"]
            .as_str()
            .unwrap()
            .contains("Document nou: Ghid de bune practici")
    );
    assert!(
        digest["headers"]["list-unsubscribe"]
            .as_str()
            .unwrap()
            .contains("DAILY_DIGEST")
    );
    let rows = outbox_rows(db).await;
    let held = rows
        .iter()
        .find(|r| r.user_id == Some(p2.id) && r.kind == AlertKind::DocumentPublished)
        .unwrap();
    assert_eq!(held.status, OutboxStatus::Digested);
    // Running it again sends nothing more.
    assert_eq!(
        digests::digests(&app.notifier(), Utc::now() + chrono::Duration::days(1))
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn preferences_default_to_immediate_and_belong_to_people() {
    let app = TestApp::spawn().await;
    let a = org(&app.db, "a", "A").await;
    let session = member_session(&app.db, a, MemberRole::Viewer).await;
    let query = "{ me { notificationPreferences { kind delivery } } }";
    let prefs = app.data_as(Some(&session), query, json!({})).await;
    let list = prefs["me"]["notificationPreferences"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(list.len(), 8);
    assert!(list.iter().all(|p| p["delivery"] == "IMMEDIATE"));
    let update = "mutation($input: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $input) { preferences { kind delivery } userErrors { code } } }";
    let input = json!({ "input": { "preferences": [
        { "kind": "ACTIVITY_CHANGED", "delivery": "OFF" },
        { "kind": "AGREEMENT_EXPIRING", "delivery": "DAILY_DIGEST" } ] } });
    let data = app.data_as(Some(&session), update, input.clone()).await;
    let saved = data["updateNotificationPreferences"]["preferences"]
        .as_array()
        .unwrap();
    assert!(saved.contains(&json!({ "kind": "ACTIVITY_CHANGED", "delivery": "OFF" })));
    assert!(saved.contains(&json!({ "kind": "AGREEMENT_EXPIRING", "delivery": "DAILY_DIGEST" })));
    let again = app.data_as(Some(&session), query, json!({})).await;
    assert_eq!(
        &again["me"]["notificationPreferences"],
        &data["updateNotificationPreferences"]["preferences"]
    );

    let anonymous = app.query_as(None, update, input.clone()).await;
    assert_eq!(TestApp::codes(&anonymous), vec!["UNAUTHENTICATED"]);
    let token = accounts::api_token(&app.db, a, entities::enums::TokenScope::ReadWrite).await;
    let by_token = app.query_as(Some(&token), update, input).await;
    assert_eq!(TestApp::codes(&by_token), vec!["FORBIDDEN"]);
}

#[tokio::test]
async fn expiry_reminders_go_once_at_thirty_and_seven_days() {
    let app = TestApp::spawn().await;
    let db = &app.db;
    let a = org(db, "a", "Primăria A").await;
    let b = org(db, "b", "Asociația B").await;
    let (a_admin, _) = person(db, "admin@a.ro", Language::Ro, a, MemberRole::Admin).await;
    let (b_owner, _) = person(db, "owner@b.ro", Language::En, b, MemberRole::Owner).await;
    person(db, "viewer@b.ro", Language::Ro, b, MemberRole::Viewer).await;
    let today = Utc::now().date_naive();
    let agreement = fixtures::agreement(
        db,
        "Acord de cooperare",
        &[a, b],
        AgreementStatus::Active,
        Visibility::Private,
        Some(today - chrono::Days::new(335)),
    )
    .await;
    let mut active: entities::agreement::ActiveModel = agreement.clone().into();
    active.end_date = Set(Some(today + chrono::Days::new(30)));
    active.update(db).await.unwrap();
    let notifier = app.notifier();
    let now = Utc::now();
    assert_eq!(digests::expiry_reminders(&notifier, now).await.unwrap(), 1);
    assert_eq!(digests::expiry_reminders(&notifier, now).await.unwrap(), 1);
    let rows = outbox_rows(db).await;
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let ro = rows.iter().find(|r| r.user_id == Some(a_admin.id)).unwrap();
    let en = rows.iter().find(|r| r.user_id == Some(b_owner.id)).unwrap();
    assert_eq!(
        ro.subject,
        "Acordul „Acord de cooperare” expiră în 30 de zile"
    );
    assert_eq!(
        en.subject,
        "Agreement \"Acord de cooperare\" expires in 30 days"
    );
    assert_eq!(
        ro.dedupe_key,
        format!("expiring:{}:30:user:{}", agreement.id, a_admin.id)
    );
    // A week later the 7-day reminder goes, once.
    let later = now + chrono::Duration::days(23);
    digests::expiry_reminders(&notifier, later).await.unwrap();
    digests::expiry_reminders(&notifier, later).await.unwrap();
    let rows = outbox_rows(db).await;
    assert_eq!(rows.len(), 4);
    assert!(
        rows.iter()
            .any(|r| r.subject == "Acordul „Acord de cooperare” expiră în 7 zile")
    );
}

#[tokio::test]
async fn without_smtp_mail_is_written_as_eml_files() {
    let app = TestApp::spawn_with(|c| {
        c.notify_enabled = true;
        c.notify_poll_millis = 50;
    })
    .await;
    let a = org(&app.db, "a", "Primăria A").await;
    let admin = member_session(&app.db, a, MemberRole::Admin).await;
    app.data_as(Some(&admin), INVITE, json!({ "input": { "organizationId": global_id("Organization", a), "email": "cineva@example.ro", "role": "VIEWER" } })).await;
    let dir = app.data_dir.join("mail");
    let deadline = tokio::time::Instant::now() + WAIT;
    let file = loop {
        let found = std::fs::read_dir(&dir).ok().and_then(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "eml"))
        });
        if let Some(file) = found {
            break file;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no .eml in {}",
            dir.display()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let eml = std::fs::read_to_string(file).unwrap();
    assert!(eml.contains("To: cineva@example.ro"), "{eml}");
    assert!(eml.contains("X-Pactum-Alert: event:"), "{eml}");
    assert!(eml.contains("multipart/alternative"), "{eml}");
}

async fn invite_directly(db: &DatabaseConnection, org: i64, email: &str) {
    let now = Utc::now();
    let invitation = invitation::ActiveModel {
        organization_id: Set(org),
        email: Set(email.to_owned()),
        role: Set(MemberRole::Viewer),
        invited_by_id: Set(None),
        created_at: Set(now),
        expires_at: Set(now + chrono::Duration::days(14)),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    record(
        db,
        EventKind::MemberInvited,
        "Invitation",
        invitation.id,
        org,
        None,
    )
    .await;
}

#[tokio::test]
async fn a_server_that_is_down_at_first_gets_the_mail_once_it_is_up() {
    let port = free_port();
    let app = TestApp::spawn_with(|c| use_sink(c, port)).await;
    let a = org(&app.db, "a", "A").await;
    invite_directly(&app.db, a, "later@example.ro").await;
    wait_outbox(&app.db, "a failed attempt", |rows| {
        rows.first()
            .is_some_and(|r| r.attempts >= 1 && r.last_error.is_some())
    })
    .await;
    let sink = SmtpSink::start_with(Faults {
        port,
        ..Faults::default()
    })
    .await;
    let mails = sink.wait_for(1, WAIT).await;
    assert_eq!(mails.len(), 1);
    let rows = wait_outbox(&app.db, "SENT", |rows| rows[0].status == OutboxStatus::Sent).await;
    assert!(rows[0].attempts >= 2, "{rows:#?}");
    assert!(metric(&app, "pactum_mail_retried_total").await >= 1.0);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.count(), 1);
}

#[tokio::test]
async fn a_pooled_connection_the_server_dropped_is_replaced_at_once() {
    let sink = SmtpSink::start().await;
    let port = sink.port;
    let app = TestApp::spawn_with(|c| use_sink(c, port)).await;
    let a = org(&app.db, "a", "A").await;
    invite_directly(&app.db, a, "first@example.ro").await;
    assert_eq!(sink.wait_for(1, WAIT).await.len(), 1);
    // The server goes away with the worker's connection still pooled, and
    // another one starts on the same port.
    drop(sink);
    let sink = SmtpSink::start_with(Faults {
        port,
        ..Faults::default()
    })
    .await;
    invite_directly(&app.db, a, "second@example.ro").await;
    let mails = sink.wait_for(1, WAIT).await;
    assert_eq!(mails[0]["rcpt_tos"][0], "second@example.ro");
    let rows = wait_outbox(&app.db, "both SENT", |rows| {
        rows.len() == 2 && rows.iter().all(|r| r.status == OutboxStatus::Sent)
    })
    .await;
    // On a fresh connection within the same attempt, not after a backoff.
    assert_eq!(rows[1].attempts, 1, "{rows:#?}");
}

#[tokio::test]
async fn mail_goes_over_starttls_and_implicit_tls_to_a_relay_with_a_private_ca() {
    for (mode, tls) in [("starttls", SmtpTls::Starttls), ("implicit", SmtpTls::Tls)] {
        let sink = SmtpSink::start_with(Faults {
            tls: Some(mode),
            ..Faults::default()
        })
        .await;
        let ca = sink.ca.clone().unwrap();
        let app = TestApp::spawn_with(|c| {
            use_sink(c, sink.port);
            c.smtp_tls = tls;
            c.smtp_tls_root_certificate = ca.display().to_string();
        })
        .await;
        let a = org(&app.db, "a", "A").await;
        invite_directly(&app.db, a, "tls@example.ro").await;
        let mails = sink.wait_for(1, WAIT).await;
        assert_eq!(mails.len(), 1, "{mode}");
        assert_eq!(mails[0]["tls"], true, "{mode}: the mail came encrypted");
        assert_eq!(mails[0]["rcpt_tos"][0], "tls@example.ro");
    }
}

#[tokio::test]
async fn a_relay_whose_certificate_is_not_trusted_gets_nothing() {
    let sink = SmtpSink::start_with(Faults {
        tls: Some("starttls"),
        ..Faults::default()
    })
    .await;
    let app = TestApp::spawn_with(|c| {
        use_sink(c, sink.port);
        c.smtp_tls = SmtpTls::Starttls;
    })
    .await;
    let a = org(&app.db, "a", "A").await;
    invite_directly(&app.db, a, "secret@example.ro").await;
    let rows = wait_outbox(&app.db, "a failed attempt", |rows| {
        rows.first().is_some_and(|r| r.last_error.is_some())
    })
    .await;
    assert_eq!(rows[0].status, OutboxStatus::Pending, "{rows:#?}");
    assert!(
        rows[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.to_lowercase().contains("certificate")),
        "{rows:#?}"
    );
    assert_eq!(sink.count(), 0);
}

#[tokio::test]
async fn a_4xx_is_retried_and_a_5xx_fails_at_once() {
    let sink = SmtpSink::start_with(Faults {
        fail_first: 2,
        reject: vec!["bounce".into()],
        ..Faults::default()
    })
    .await;
    let app = TestApp::spawn_with(|c| use_sink(c, sink.port)).await;
    let a = org(&app.db, "a", "A").await;
    invite_directly(&app.db, a, "retry@example.ro").await;
    let rows = wait_outbox(&app.db, "SENT after two 451s", |rows| {
        rows.first().is_some_and(|r| r.status == OutboxStatus::Sent)
    })
    .await;
    assert_eq!(rows[0].attempts, 3);
    assert_eq!(sink.count(), 1);
    assert_eq!(metric(&app, "pactum_mail_retried_total").await, 2.0);
    assert_eq!(metric(&app, "pactum_mail_sent_total").await, 1.0);

    invite_directly(&app.db, a, "bounce@example.ro").await;
    let rows = wait_outbox(&app.db, "FAILED", |rows| {
        rows.len() == 2 && rows[1].status == OutboxStatus::Failed
    })
    .await;
    assert_eq!(rows[1].attempts, 1);
    assert!(
        rows[1]
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("550"),
        "{rows:#?}"
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    let rows = outbox_rows(&app.db).await;
    assert_eq!(rows[1].attempts, 1, "not retried");
    assert_eq!(sink.count(), 1);
    assert_eq!(metric(&app, "pactum_mail_failed_total").await, 1.0);
    assert_eq!(metric(&app, "pactum_mail_queue_depth").await, 0.0);
}

#[tokio::test]
async fn transient_failures_give_up_after_the_last_attempt() {
    let sink = SmtpSink::start_with(Faults {
        fail_first: 100,
        ..Faults::default()
    })
    .await;
    let app = TestApp::spawn_with(|c| {
        use_sink(c, sink.port);
        c.notify_max_attempts = 3;
    })
    .await;
    let a = org(&app.db, "a", "A").await;
    invite_directly(&app.db, a, "never@example.ro").await;
    let rows = wait_outbox(&app.db, "FAILED", |rows| {
        rows.first()
            .is_some_and(|r| r.status == OutboxStatus::Failed)
    })
    .await;
    assert_eq!(rows[0].attempts, 3);
    assert!(
        rows[0]
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("451")
    );
    assert_eq!(metric(&app, "pactum_mail_retried_total").await, 2.0);
    assert_eq!(metric(&app, "pactum_mail_failed_total").await, 1.0);
}

/// The crash test: 500 alerts, the real binary killed with SIGKILL in the
/// middle of sending them, then started again. Counted at the sink by the
/// `X-Pactum-Alert` header of every message it accepted: every alert
/// arrives; an alert arrives twice only if its row was claimed and not yet
/// marked when the process died (the window the worker documents), and
/// those are few (at most one claimed batch).
#[tokio::test]
async fn sigkill_in_a_burst_of_500_alerts_loses_none_and_repeats_only_in_flight_ones() {
    let sink = SmtpSink::start_with(Faults {
        delay_ms: 8,
        ..Faults::default()
    })
    .await;
    let app = TestApp::spawn().await; // migrates a fresh database; sends nothing
    let a = org(&app.db, "a", "Primăria A").await;
    for i in 0..500 {
        invite_directly(&app.db, a, &format!("persoana{i:03}@example.ro")).await;
    }

    let mut first = Node::start(&app, sink.port, &[]).await.child;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while sink.count() < 150 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the burst did not start"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.start_kill().unwrap(); // SIGKILL
    first.wait().await.unwrap();
    let at_kill = sink.count();
    assert!(at_kill < 500, "the kill landed after the burst ({at_kill})");
    let rows = outbox_rows(&app.db).await;
    let in_doubt: std::collections::HashSet<String> = rows
        .iter()
        .filter(|r| r.status == OutboxStatus::Pending && r.lease_until.is_some())
        .map(|r| r.dedupe_key.clone())
        .collect();

    let mut second = Node::start(&app, sink.port, &[]).await.child;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    let count_keys = || {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for m in sink.messages() {
            *counts
                .entry(m["headers"]["x-pactum-alert"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
        counts
    };
    while count_keys().len() < 500 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await; // any late repeat would show now
    second.start_kill().unwrap();
    second.wait().await.unwrap();

    let counts = count_keys();
    let total: usize = counts.values().sum();
    let repeated: Vec<&String> = counts
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(k, _)| k)
        .collect();
    eprintln!(
        "crash test: {at_kill} accepted before SIGKILL, {} rows in doubt, {} distinct alerts, {total} messages, {} repeated",
        in_doubt.len(),
        counts.len(),
        repeated.len()
    );
    assert_eq!(counts.len(), 500, "every alert arrives");
    assert!(counts.values().all(|n| *n <= 2), "{counts:?}");
    for key in &repeated {
        assert!(
            in_doubt.contains(*key),
            "{key} was repeated but was not in flight at the kill"
        );
    }
    assert!(
        in_doubt.len() <= 20,
        "at most one claimed batch is in doubt"
    );
    let rows = outbox_rows(&app.db).await;
    assert_eq!(rows.len(), 500);
    assert!(
        rows.iter().all(|r| r.status == OutboxStatus::Sent),
        "every row marked SENT"
    );
}

/// Workers on several nodes share the queue: concurrent claims never hand
/// out the same row (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's one
/// writer), and a claimed row is not claimed again before its lease ends.
#[tokio::test]
async fn concurrent_workers_never_claim_the_same_row() {
    let app = TestApp::spawn_with(|c| c.notify_batch_size = 7).await;
    let a = org(&app.db, "a", "A").await;
    let consumer = app.notifier();
    for i in 0..40 {
        invite_directly(&app.db, a, &format!("p{i}@example.ro")).await;
    }
    let mut gaps = pactum::domain::events::GapWatch::default();
    while pactum::notify::outbox::consume_batch(&consumer, &mut gaps)
        .await
        .unwrap()
        > 0
    {}
    assert_eq!(outbox_rows(&app.db).await.len(), 40);
    let workers: Vec<Notifier> = (0..4).map(|_| app.notifier()).collect();
    let now = Utc::now();
    let claims = futures::future::join_all(
        workers
            .iter()
            .map(|w| pactum::notify::worker::claim(w, now)),
    )
    .await;
    let mut seen = std::collections::HashSet::new();
    let mut total = 0;
    for claim in claims {
        for row in claim.unwrap() {
            assert!(seen.insert(row.id), "row {} claimed twice", row.id);
            total += 1;
        }
    }
    assert_eq!(total, 28, "four batches of seven");
    let again = pactum::notify::worker::claim(&workers[0], now)
        .await
        .unwrap();
    assert!(
        again.iter().all(|r| !seen.contains(&r.id)),
        "leased rows are not claimed again"
    );
    assert_eq!(again.len(), 7);
}

/// On PostgreSQL an event can commit after one with a larger id: the
/// consumer must not move its cursor past the smaller id while that
/// transaction is still open (or the event would never be mailed), and must
/// move past an id whose transaction rolled back once the grace period ends.
#[tokio::test]
async fn the_consumer_waits_for_events_still_being_committed() {
    use sea_orm::TransactionTrait;
    let app = TestApp::spawn_with(|c| c.notify_gap_grace_secs = 1).await;
    if app.backend != pactum_tests::Backend::Postgres {
        return; // SQLite has one writer: ids commit in order
    }
    let a = org(&app.db, "a", "A").await;
    let consumer = app.notifier();
    let mut gaps = pactum::domain::events::GapWatch::default();

    let slow = app.db.begin().await.unwrap();
    invite_directly_in(&slow, a, "slow@example.ro").await;
    invite_directly(&app.db, a, "fast@example.ro").await;
    let consume = pactum::notify::outbox::consume_batch;
    assert_eq!(
        consume(&consumer, &mut gaps).await.unwrap(),
        0,
        "waits at the gap"
    );
    slow.commit().await.unwrap();
    assert_eq!(consume(&consumer, &mut gaps).await.unwrap(), 2);
    let mut recipients: Vec<String> = outbox_rows(&app.db)
        .await
        .into_iter()
        .map(|r| r.recipient)
        .collect();
    recipients.sort();
    assert_eq!(recipients, vec!["fast@example.ro", "slow@example.ro"]);

    // A rolled-back event leaves a hole for good: skipped after the grace.
    let lost = app.db.begin().await.unwrap();
    invite_directly_in(&lost, a, "never@example.ro").await;
    lost.rollback().await.unwrap();
    invite_directly(&app.db, a, "after@example.ro").await;
    assert_eq!(consume(&consumer, &mut gaps).await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(consume(&consumer, &mut gaps).await.unwrap(), 1);
    assert_eq!(outbox_rows(&app.db).await.len(), 3);
}

async fn invite_directly_in<C: sea_orm::ConnectionTrait>(db: &C, org: i64, email: &str) {
    let now = Utc::now();
    let invitation = invitation::ActiveModel {
        organization_id: Set(org),
        email: Set(email.to_owned()),
        role: Set(MemberRole::Viewer),
        invited_by_id: Set(None),
        created_at: Set(now),
        expires_at: Set(now + chrono::Duration::days(14)),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    events::record(
        db,
        vec![Event::about(
            EventKind::MemberInvited,
            org,
            "Invitation",
            invitation.id,
            json!({}),
        )],
        None,
        now,
    )
    .await
    .unwrap();
}

/// The "done when": with the default transport (no SMTP), proposing
/// an agreement through the API leaves a Romanian e-mail for each invited
/// organization's ADMINs and OWNERs in the mail directory, and none for the
/// initiator's people or the invited organization's VIEWERs.
#[tokio::test]
async fn proposing_an_agreement_leaves_romanian_mail_for_the_invited_admins() {
    let app = TestApp::spawn_with(|c| {
        c.notify_enabled = true;
        c.notify_poll_millis = 50;
    })
    .await;
    let lugoj = org(&app.db, "municipiul-lugoj", "Municipiul Lugoj").await;
    let ong = org(&app.db, "ong-integritate", "Asociația Integritate").await;
    let (_, editor) = person(
        &app.db,
        "redactor@lugoj.ro",
        Language::Ro,
        lugoj,
        MemberRole::Editor,
    )
    .await;
    person(
        &app.db,
        "presedinte@ong.ro",
        Language::Ro,
        ong,
        MemberRole::Owner,
    )
    .await;
    person(
        &app.db,
        "admin@ong.ro",
        Language::Ro,
        ong,
        MemberRole::Admin,
    )
    .await;
    person(
        &app.db,
        "voluntar@ong.ro",
        Language::Ro,
        ong,
        MemberRole::Viewer,
    )
    .await;

    let created = app
        .data_as(
            Some(&editor),
            "mutation($input: CreateAgreementInput!) { createAgreement(input: $input) {
               agreement { id } userErrors { code message } } }",
            json!({ "input": {
                "initiatorId": global_id("Organization", lugoj),
                "title": "Acord de cooperare pentru integritate",
                "kind": "COOPERATION",
                "partyIds": [global_id("Organization", ong)],
            } }),
        )
        .await;
    let id = created["createAgreement"]["agreement"]["id"].clone();
    assert!(id.is_string(), "{created}");
    let proposed = app
        .data_as(
            Some(&editor),
            "mutation($id: ID!) { proposeAgreement(input: { agreementId: $id }) {
               agreement { status } userErrors { code message } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        proposed["proposeAgreement"]["agreement"]["status"], "PROPOSED",
        "{proposed}"
    );

    let dir = app.data_dir.join("mail");
    let deadline = tokio::time::Instant::now() + WAIT;
    let mails = loop {
        let mails: Vec<String> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .filter_map(|p| std::fs::read_to_string(p).ok())
                    .collect()
            })
            .unwrap_or_default();
        if mails.len() >= 2 {
            // Give a stray third one the chance to show up before judging.
            tokio::time::sleep(Duration::from_millis(500)).await;
            break std::fs::read_dir(&dir)
                .unwrap()
                .flatten()
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect::<Vec<_>>();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no proposal mail in {}",
            dir.display()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut recipients: Vec<&str> = mails
        .iter()
        .filter_map(|m| m.lines().find_map(|l| l.strip_prefix("To: ")))
        .collect();
    recipients.sort_unstable();
    assert_eq!(recipients, ["admin@ong.ro", "presedinte@ong.ro"]);
    for mail in &mails {
        // The Romanian subject, both parts, and the one-click unsubscribe
        // headers.
        assert!(
            mail.contains("Subject: Acord propus: Acord de cooperare pentru integritate"),
            "{mail}"
        );
        assert!(mail.contains("multipart/alternative"), "{mail}");
        assert!(
            mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
            "{mail}"
        );
        assert!(
            mail.contains("Content-Language: ro") || mail.contains("propus"),
            "{mail}"
        );
    }
}

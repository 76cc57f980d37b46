//! Every link of every alert, followed as its recipient would: each alert
//! kind and the daily digest, in Romanian and in English, through the real
//! outbox and SMTP server. Each `http` link of the text and the HTML part
//! is opened anonymously (a PUBLIC record's page, or the 404 that offers a
//! login for the others) and as the recipient (the page of the record the
//! mail announced).

use std::collections::{BTreeSet, HashMap};

use chrono::{Days, Utc};
use entities::enums::{
    ActivityKind, ActivityStatus, AgreementStatus, EventKind, Language, MemberRole,
    OrganizationKind, Visibility,
};
use pactum::{
    domain::{
        alerts::PREFERENCE_KINDS,
        events::{self, Event},
    },
    notify::digests,
};
use pactum_tests::{
    TestApp,
    accounts::{self},
    fixtures::{self, ActivitySpec},
    global_id,
    mail::{hrefs, html_escaped, text_links},
    smtp::{SmtpSink, use_sink},
};
use reqwest::{StatusCode, redirect::Policy};
use sea_orm::ActiveEnum;
use serde_json::{Value, json};

const WAIT: std::time::Duration = std::time::Duration::from_secs(30);

const EVERY_KIND_BY_DIGEST: &str = "mutation($input: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $input) { userErrors { code } } }";

const INVITE: &str = "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } userErrors { code message } } }";

/// A record an alert announces: its page's path, its title, and whether
/// the public may open it.
struct Announced {
    path: String,
    title: &'static str,
    public: bool,
}

/// A recipient: their address and session.
struct Recipient {
    email: &'static str,
    session: String,
}

async fn recipient(
    app: &TestApp,
    org: i64,
    email: &'static str,
    language: Language,
    role: MemberRole,
    digest: bool,
) -> Recipient {
    let (_, session) = accounts::person(&app.db, email, language, org, role).await;
    if digest {
        let every: Vec<Value> = PREFERENCE_KINDS
            .iter()
            .map(|kind| json!({ "kind": kind.to_value(), "delivery": "DAILY_DIGEST" }))
            .collect();
        let changed = app
            .data_as(
                Some(&session),
                EVERY_KIND_BY_DIGEST,
                json!({ "input": { "preferences": every } }),
            )
            .await;
        assert_eq!(
            changed["updateNotificationPreferences"]["userErrors"],
            json!([])
        );
    }
    Recipient { email, session }
}

async fn announce(
    db: &sea_orm::DatabaseConnection,
    kind: EventKind,
    org: i64,
    entity: &'static str,
    id: i64,
) {
    events::record(
        db,
        vec![Event::about(kind, org, entity, id, json!({ "id": id }))],
        None,
        Utc::now(),
    )
    .await
    .unwrap();
}

/// Opens `link` with `cookie` (if any), without following redirects.
async fn open(client: &reqwest::Client, link: &str, cookie: Option<&str>) -> (StatusCode, String) {
    let mut request = client.get(link);
    if let Some(session) = cookie {
        request = request.header("cookie", format!("pactum_session={session}"));
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn every_link_of_every_alert_and_digest_leads_to_what_it_announced() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(|c| use_sink(c, sink.port)).await;
    let db = &app.db;
    let town = fixtures::organization(
        db,
        "primaria-a",
        "Primăria A",
        OrganizationKind::Municipality,
        None,
    )
    .await
    .id;
    let ngo = fixtures::organization(
        db,
        "asociatia-b",
        "Asociația B",
        OrganizationKind::Ngo,
        None,
    )
    .await
    .id;
    let people = [
        recipient(
            &app,
            ngo,
            "acum@b.ro",
            Language::Ro,
            MemberRole::Owner,
            false,
        )
        .await,
        recipient(
            &app,
            ngo,
            "now@b.ro",
            Language::En,
            MemberRole::Admin,
            false,
        )
        .await,
        recipient(
            &app,
            ngo,
            "rezumat@b.ro",
            Language::Ro,
            MemberRole::Admin,
            true,
        )
        .await,
        recipient(
            &app,
            ngo,
            "digest@b.ro",
            Language::En,
            MemberRole::Owner,
            true,
        )
        .await,
    ];

    // One record for each alert kind, of every visibility.
    let today = Utc::now().date_naive();
    let mut announced: Vec<Announced> = Vec::new();
    let mut page = |kind: &str, id: i64, title: &'static str, visibility: Visibility| {
        announced.push(Announced {
            path: format!("/{kind}/{}", global_id(&singular(kind), id)),
            title,
            public: visibility == Visibility::Public,
        });
    };
    let proposed = fixtures::agreement(
        db,
        "Acord de cooperare privind prevenirea corupției",
        &[town, ngo],
        AgreementStatus::Proposed,
        Visibility::Private,
        None,
    )
    .await;
    page(
        "agreements",
        proposed.id,
        "Acord de cooperare privind prevenirea corupției",
        Visibility::Private,
    );
    // Active, ending in 30 days: activated now, reminded by the daily job.
    let active = fixtures::agreement(
        db,
        "Parteneriat pentru integritate",
        &[town, ngo],
        AgreementStatus::Active,
        Visibility::Public,
        Some(today - Days::new(335)),
    )
    .await;
    page(
        "agreements",
        active.id,
        "Parteneriat pentru integritate",
        Visibility::Public,
    );
    let ended = fixtures::agreement(
        db,
        "Acord încheiat înainte de termen",
        &[town, ngo],
        AgreementStatus::Terminated,
        Visibility::Partners,
        None,
    )
    .await;
    page(
        "agreements",
        ended.id,
        "Acord încheiat înainte de termen",
        Visibility::Partners,
    );
    let guide = fixtures::document(
        db,
        ngo,
        "Ghid de bune practici anticorupție",
        entities::enums::DocumentKind::GoodPracticeGuide,
        Visibility::Public,
        "ro",
        &[],
    )
    .await;
    page(
        "documents",
        guide.id,
        "Ghid de bune practici anticorupție",
        Visibility::Public,
    );
    let mut activities = Vec::new();
    for (title, status, visibility) in [
        (
            "Instruire privind etica",
            ActivityStatus::Planned,
            Visibility::Public,
        ),
        (
            "Atelier de analiză a riscurilor",
            ActivityStatus::Planned,
            Visibility::Private,
        ),
        (
            "Campanie de informare",
            ActivityStatus::Cancelled,
            Visibility::Partners,
        ),
    ] {
        let activity = fixtures::activity(
            db,
            ActivitySpec {
                title,
                kind: ActivityKind::TrainingCourse,
                status,
                visibility,
                start: today + Days::new(14),
                organizers: &[ngo],
                participants: &[],
                documents: &[],
                agreement: None,
                project: None,
            },
        )
        .await;
        page("activities", activity.id, title, visibility);
        activities.push(activity.id);
    }

    announce(
        db,
        EventKind::AgreementProposed,
        town,
        "Agreement",
        proposed.id,
    )
    .await;
    announce(
        db,
        EventKind::AgreementActivated,
        town,
        "Agreement",
        active.id,
    )
    .await;
    announce(
        db,
        EventKind::AgreementTerminated,
        town,
        "Agreement",
        ended.id,
    )
    .await;
    announce(db, EventKind::DocumentPublished, ngo, "Document", guide.id).await;
    for (kind, id) in [
        EventKind::ActivityScheduled,
        EventKind::ActivityChanged,
        EventKind::ActivityCancelled,
    ]
    .into_iter()
    .zip(activities)
    {
        announce(db, kind, ngo, "Activity", id).await;
    }
    assert_eq!(
        digests::expiry_reminders(&app.notifier(), Utc::now())
            .await
            .unwrap(),
        1
    );
    let invited = app
        .data_as(
            Some(&people[0].session),
            INVITE,
            json!({ "input": { "organizationId": global_id("Organization", ngo), "email": "nou@example.ro", "role": "VIEWER" } }),
        )
        .await;
    assert_eq!(invited["inviteMember"]["userErrors"], json!([]));

    // Eight kinds for the two who get them at once, and the invitation;
    // then the next day's digest for the other two.
    sink.wait_for(17, WAIT).await;
    assert_eq!(
        digests::digests(&app.notifier(), Utc::now() + chrono::Duration::days(1))
            .await
            .unwrap(),
        2
    );
    let mails = sink.wait_for(19, WAIT).await;
    assert_eq!(mails.len(), 19);

    let anonymous = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let sessions: HashMap<&str, &Recipient> = people.iter().map(|p| (p.email, p)).collect();
    let mut subjects: HashMap<&str, BTreeSet<String>> = HashMap::new();
    let mut opened_records = BTreeSet::new();
    for mail in &mails {
        let to = mail["rcpt_tos"][0].as_str().unwrap();
        let subject = mail["subject"].as_str().unwrap();
        let text = mail["text"].as_str().unwrap();
        let html = mail["html"].as_str().unwrap();
        subjects.entry(to).or_default().insert(subject.to_owned());
        let in_text: BTreeSet<String> = text_links(text).into_iter().collect();
        let in_html: BTreeSet<String> = hrefs(html)
            .into_iter()
            .filter(|l| l.starts_with("http"))
            .collect();
        assert!(!in_text.is_empty(), "{subject}: no links in {text}");
        assert_eq!(in_text, in_html, "{subject}: the two parts link alike");
        let reader = sessions.get(to);
        let digest = subject.starts_with("Pactum:");
        for link in &in_text {
            assert!(link.starts_with(&app.address), "{subject}: {link}");
            let path = &link[app.address.len()..];
            let record = announced.iter().find(|r| path == r.path);
            // Anonymous: a PUBLIC record's page, a 404 offering the login
            // for the others; the account links open by their tokens.
            let (status, body) = open(&anonymous, link, None).await;
            match record {
                Some(r) if !r.public => {
                    assert_eq!(status, StatusCode::NOT_FOUND, "{subject}: {link}");
                    assert!(body.contains("/auth/providers"), "{subject}: {body}");
                }
                _ => assert_eq!(status, StatusCode::OK, "{subject}: {link}: {body}"),
            }
            // As the recipient: the page of what the mail announced.
            if let Some(reader) = reader {
                let (status, body) = open(&anonymous, link, Some(&reader.session)).await;
                assert_eq!(status, StatusCode::OK, "{to} {subject}: {link}");
                if let Some(r) = record {
                    assert!(body.contains(&html_escaped(r.title)), "{link}: {body}");
                    assert!(
                        digest || subject.contains(r.title),
                        "{subject} links {link}"
                    );
                    opened_records.insert(r.path.clone());
                }
            }
        }
    }
    assert_eq!(
        opened_records,
        announced.iter().map(|r| r.path.clone()).collect(),
        "every record announced was opened from a mail"
    );
    // Opening the links (the unsubscribe one included) changed no choice.
    let kept = app
        .data_as(
            Some(&people[0].session),
            "{ me { notificationPreferences { delivery } } }",
            json!({}),
        )
        .await;
    let kept = kept["me"]["notificationPreferences"].as_array().unwrap();
    assert!(
        kept.iter().all(|p| p["delivery"] == "IMMEDIATE"),
        "{kept:?}"
    );

    let at_once = |language: Language| -> BTreeSet<String> {
        let titles: Vec<&str> = announced.iter().map(|r| r.title).collect();
        let [proposed, active, ended, guide, training, workshop, campaign] = titles[..] else {
            panic!("seven records: {titles:?}");
        };
        let lines = match language {
            Language::Ro => [
                format!("Acord propus: {proposed}"),
                format!("Acord în vigoare: {active}"),
                format!("Acord reziliat: {ended}"),
                format!("Acordul „{active}” expiră în 30 de zile"),
                format!("Document nou: {guide}"),
                format!("Activitate programată: {training}"),
                format!("Activitate modificată: {workshop}"),
                format!("Activitate anulată: {campaign}"),
            ],
            Language::En => [
                format!("Agreement proposed: {proposed}"),
                format!("Agreement in force: {active}"),
                format!("Agreement terminated: {ended}"),
                format!("Agreement \"{active}\" expires in 30 days"),
                format!("New document: {guide}"),
                format!("Activity scheduled: {training}"),
                format!("Activity changed: {workshop}"),
                format!("Activity cancelled: {campaign}"),
            ],
        };
        lines.into_iter().collect()
    };
    let one = |subject: &str| BTreeSet::from([subject.to_owned()]);
    assert_eq!(subjects["acum@b.ro"], at_once(Language::Ro));
    assert_eq!(subjects["now@b.ro"], at_once(Language::En));
    assert_eq!(
        subjects["rezumat@b.ro"],
        one("Pactum: rezumatul zilei (8 alerte)")
    );
    assert_eq!(
        subjects["digest@b.ro"],
        one("Pactum: your daily digest (8 alerts)")
    );
    assert_eq!(
        subjects["nou@example.ro"],
        one("Invitație în Asociația B pe Pactum")
    );
}

/// The GraphQL type of a page's path segment.
fn singular(kind: &str) -> String {
    match kind {
        "agreements" => "Agreement",
        "documents" => "Document",
        _ => "Activity",
    }
    .to_owned()
}

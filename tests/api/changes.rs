//! The change feed end to end: a partner system pulls `changes` page by
//! page and mirrors exactly the events it may see, in commit order, with
//! none missed or doubled while others write; an event committed late (a
//! smaller id after a larger one, on PostgreSQL) is waited for, not
//! skipped; visibility is the caller's now; hostile arguments are refused.

use std::{collections::HashSet, time::Duration};

use entities::enums::{AgreementStatus, DocumentKind, MemberRole, OrganizationKind, Visibility};
use pactum::domain::changes;
use pactum_tests::{Backend, TestApp, accounts, fixtures, global_id, post_graphql};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

const CHANGES: &str = "query($after: String, $first: Int, $kinds: [EventKind!]) {
  changes(after: $after, first: $first, kinds: $kinds) {
    changes { cursor kind recordType recordId organization { slug }
              record { ... on Document { title visibility } ... on Agreement { title status } } }
    endCursor hasMore } }";

const CREATE_DOCUMENT: &str =
    "mutation($input: CreateDocumentInput!) { createDocument(input: $input) {
  document { id version } userErrors { code message } } }";

const VISIBILITY: &str = "mutation($input: ChangeDocumentVisibilityInput!) {
  changeDocumentVisibility(input: $input) { document { visibility version } userErrors { code message } } }";

/// A municipality (Lugoj) in an ACTIVE agreement with an NGO (Integritas),
/// another municipality (Arad) outside it, and their people.
struct World {
    app: TestApp,
    lugoj: i64,
    arad: i64,
    editor: String,
    partner: String,
    stranger: String,
}

async fn world() -> World {
    // The horizon job polls fast; a missing event id is waited for long
    // enough that no test sees one skipped by accident.
    let app = TestApp::spawn_with(|c| {
        c.change_horizon_interval_milliseconds = 20;
        c.notify_gap_grace_secs = 60;
    })
    .await;
    let org = |slug: &'static str, name: &'static str, kind| {
        let db = app.db.clone();
        async move {
            fixtures::organization(&db, slug, name, kind, Some("Timiș"))
                .await
                .id
        }
    };
    let lugoj = org("lugoj", "Municipiul Lugoj", OrganizationKind::Municipality).await;
    let integritas = org("integritas", "Asociația Integritas", OrganizationKind::Ngo).await;
    let arad = org("arad", "Municipiul Arad", OrganizationKind::Municipality).await;
    fixtures::agreement(
        &app.db,
        "Protocol de cooperare Lugoj–Integritas",
        &[lugoj, integritas],
        AgreementStatus::Active,
        Visibility::Partners,
        Some(fixtures::date(2024, 1, 1)),
    )
    .await;
    World {
        editor: accounts::member_session(&app.db, lugoj, MemberRole::Admin).await,
        partner: accounts::member_session(&app.db, integritas, MemberRole::Viewer).await,
        stranger: accounts::member_session(&app.db, arad, MemberRole::Admin).await,
        app,
        lugoj,
        arad,
    }
}

impl World {
    /// Lugoj's editor creates a document; returns (global id, version).
    async fn document(&self, title: &str, visibility: &str) -> (String, i64) {
        let data = self
            .app
            .data_as(
                Some(&self.editor),
                CREATE_DOCUMENT,
                json!({ "input": { "ownerId": global_id("Organization", self.lugoj), "title": title,
                                   "kind": "GOOD_PRACTICE_GUIDE", "visibility": visibility } }),
            )
            .await;
        let payload = &data["createDocument"];
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        (
            payload["document"]["id"].as_str().unwrap().to_owned(),
            payload["document"]["version"].as_i64().unwrap(),
        )
    }

    /// Waits until the feed's horizon has passed every event recorded.
    async fn settled(&self) {
        settled(&self.app).await;
    }
}

async fn settled(app: &TestApp) {
    use sea_orm::{EntityTrait, QueryOrder};
    let last = entities::domain_event::Entity::find()
        .order_by_desc(entities::domain_event::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .map_or(0, |e| e.id);
    let deadline = tokio::time::Instant::now() + WAIT;
    while changes::horizon(&app.db).await.unwrap() < last {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the horizon did not reach event {last}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One page as `who`.
async fn page(app: &TestApp, who: Option<&str>, after: Option<&str>, first: i64) -> Value {
    app.data_as(who, CHANGES, json!({ "after": after, "first": first }))
        .await["changes"]
        .clone()
}

/// Pulls the whole feed as `who`, `first` at a time, as a sync client
/// does: every change, in order.
async fn pull_all(app: &TestApp, who: Option<&str>, first: i64) -> Vec<Value> {
    let mut after: Option<String> = None;
    let mut all = Vec::new();
    loop {
        let page = page(app, who, after.as_deref(), first).await;
        let changes = page["changes"].as_array().unwrap();
        assert!(changes.len() as i64 <= first, "{page}");
        all.extend(changes.iter().cloned());
        after = Some(page["endCursor"].as_str().unwrap().to_owned());
        if page["hasMore"] != json!(true) {
            return all;
        }
    }
}

fn summary(changes: &[Value]) -> Vec<(String, String)> {
    changes
        .iter()
        .map(|c| {
            let title = c["record"]["title"].as_str().unwrap_or("-").to_owned();
            (c["kind"].as_str().unwrap().to_owned(), title)
        })
        .collect()
}

fn pair(kind: &str, title: &str) -> (String, String) {
    (kind.to_owned(), title.to_owned())
}

#[tokio::test]
async fn each_caller_mirrors_exactly_the_changes_it_may_see_now() {
    let w = world().await;
    w.document("Ghid de integritate", "PUBLIC").await;
    w.document("Plan comun de prevenire", "PARTNERS").await;
    let (note, version) = w.document("Notă internă", "PRIVATE").await;
    // Arad and Lugoj propose an agreement only their members see.
    let draft = w
        .app
        .data_as(
            Some(&w.editor),
            "mutation($input: CreateAgreementInput!) { createAgreement(input: $input) {
               agreement { id } userErrors { code message } } }",
            json!({ "input": {
                "initiatorId": global_id("Organization", w.lugoj),
                "title": "Acord Lugoj–Arad", "kind": "COOPERATION",
                "objectives": "Schimb de bune practici", "startDate": "2026-01-01",
                "endDate": "2027-12-31", "visibility": "PRIVATE",
                "partyIds": [global_id("Organization", w.arad)] } }),
        )
        .await;
    let agreement = draft["createAgreement"]["agreement"]["id"].clone();
    let proposed = w
        .app
        .data_as(
            Some(&w.editor),
            "mutation($input: ProposeAgreementInput!) { proposeAgreement(input: $input) {
               userErrors { code message } } }",
            json!({ "input": { "agreementId": agreement } }),
        )
        .await;
    assert_eq!(
        proposed["proposeAgreement"]["userErrors"],
        json!([]),
        "{proposed}"
    );
    // The private note is shared with partners afterwards.
    let widened = w
        .app
        .data_as(
            Some(&w.editor),
            VISIBILITY,
            json!({ "input": { "documentId": note, "version": version, "visibility": "PARTNERS" } }),
        )
        .await;
    assert_eq!(
        widened["changeDocumentVisibility"]["userErrors"],
        json!([]),
        "{widened}"
    );
    w.settled().await;

    let published = "DOCUMENT_PUBLISHED";
    let public = pair(published, "Ghid de integritate");
    let partners = pair(published, "Plan comun de prevenire");
    let note_shared = pair(published, "Notă internă");
    let agreement_proposed = pair("AGREEMENT_PROPOSED", "Acord Lugoj–Arad");

    // Anyone: the public guide only.
    assert_eq!(
        summary(&pull_all(&w.app, None, 2).await),
        vec![public.clone()]
    );
    // The partner NGO: what is shared with partners, in commit order.
    assert_eq!(
        summary(&pull_all(&w.app, Some(&w.partner), 2).await),
        vec![public.clone(), partners.clone(), note_shared.clone()]
    );
    // Arad: the public guide and the agreement it is a party to.
    assert_eq!(
        summary(&pull_all(&w.app, Some(&w.stranger), 1).await),
        vec![public.clone(), agreement_proposed.clone()]
    );
    // Lugoj's own member: everything, page size notwithstanding.
    let own = pull_all(&w.app, Some(&w.editor), 1).await;
    assert_eq!(
        summary(&own),
        vec![public, partners, agreement_proposed, note_shared]
    );
    let first = &own[0];
    assert_eq!(first["recordType"], "Document");
    assert_eq!(first["organization"]["slug"], "lugoj");
    assert_eq!(first["record"]["visibility"], "PUBLIC");

    // Filtered by kind; a cursor resumes after its change.
    let agreements = w
        .app
        .data_as(
            Some(&w.editor),
            CHANGES,
            json!({ "kinds": ["AGREEMENT_PROPOSED", "AGREEMENT_SIGNED"] }),
        )
        .await;
    assert_eq!(
        summary(agreements["changes"]["changes"].as_array().unwrap()),
        vec![pair("AGREEMENT_PROPOSED", "Acord Lugoj–Arad")]
    );
    let rest = page(&w.app, Some(&w.editor), own[1]["cursor"].as_str(), 10).await;
    assert_eq!(
        summary(rest["changes"].as_array().unwrap()),
        summary(&own[2..])
    );
    assert_eq!(rest["hasMore"], false);
    // At the end the cursor stays put, and the next change follows it.
    let end = rest["endCursor"].as_str().unwrap().to_owned();
    let empty = page(&w.app, Some(&w.editor), Some(&end), 10).await;
    assert_eq!(empty["changes"], json!([]));
    assert_eq!(empty["endCursor"], end.as_str());
    w.document("Raport anual", "PUBLIC").await;
    w.settled().await;
    let next = page(&w.app, None, Some(&end), 10).await;
    assert_eq!(
        summary(next["changes"].as_array().unwrap()),
        vec![pair(published, "Raport anual")]
    );
}

#[tokio::test]
async fn a_change_hidden_again_leaves_the_feed_of_those_who_no_longer_see_it() {
    let w = world().await;
    let (plan, version) = w.document("Plan comun de prevenire", "PARTNERS").await;
    w.settled().await;
    assert_eq!(pull_all(&w.app, Some(&w.partner), 10).await.len(), 1);
    let narrowed = w
        .app
        .data_as(
            Some(&w.editor),
            VISIBILITY,
            json!({ "input": { "documentId": plan, "version": version, "visibility": "PRIVATE" } }),
        )
        .await;
    assert_eq!(
        narrowed["changeDocumentVisibility"]["document"]["visibility"], "PRIVATE",
        "{narrowed}"
    );
    assert_eq!(
        pull_all(&w.app, Some(&w.partner), 10).await,
        Vec::<Value>::new()
    );
    assert_eq!(pull_all(&w.app, Some(&w.editor), 10).await.len(), 1);
}

#[tokio::test]
async fn a_sync_client_neither_misses_nor_doubles_a_change_while_others_write() {
    let w = world().await;
    let writers: Vec<_> = (0..3)
        .map(|writer| {
            let app_editor = w.editor.clone();
            let address = w.app.address.clone();
            let owner = global_id("Organization", w.lugoj);
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                for n in 0..10 {
                    let body = json!({ "query": CREATE_DOCUMENT, "variables": { "input": {
                        "ownerId": owner, "title": format!("Ghid {writer}-{n}"),
                        "kind": "GOOD_PRACTICE_GUIDE", "visibility": "PUBLIC" } } });
                    let (_, response) =
                        post_graphql(&client, &address, Some(&app_editor), &body).await;
                    assert_eq!(
                        response["data"]["createDocument"]["userErrors"],
                        json!([]),
                        "{response}"
                    );
                }
            })
        })
        .collect();

    // Anonymous pulls three at a time, keeping its cursor, until it has
    // seen all thirty.
    let mut after: Option<String> = None;
    let mut seen: Vec<String> = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while seen.len() < 30 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} of 30 changes arrived",
            seen.len()
        );
        let page = page(&w.app, None, after.as_deref(), 3).await;
        for change in page["changes"].as_array().unwrap() {
            seen.push(change["record"]["title"].as_str().unwrap().to_owned());
        }
        after = Some(page["endCursor"].as_str().unwrap().to_owned());
        if page["hasMore"] != json!(true) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    for writer in writers {
        writer.await.unwrap();
    }
    w.settled().await;
    let tail = page(&w.app, None, after.as_deref(), 50).await;
    assert_eq!(tail["changes"], json!([]), "a change came twice: {tail}");
    let distinct: HashSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), 30, "{seen:?}");
    // Commit order: the feed's order is the order of the records' events.
    let whole = pull_all(&w.app, None, 100).await;
    let titles: Vec<String> = whole
        .iter()
        .map(|c| c["record"]["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles, seen);
}

/// On PostgreSQL an event can commit after one with a larger id: the feed
/// must hold the later one back until the earlier commits, or a client
/// that moved past it would never see it.
#[tokio::test]
async fn a_change_that_commits_late_is_waited_for_not_skipped() {
    use sea_orm::TransactionTrait;
    let w = world().await;
    if w.app.backend != Backend::Postgres {
        return; // SQLite has one writer: event ids commit in order
    }
    let guide = fixtures::document(
        &w.app.db,
        w.lugoj,
        "Ghid întârziat",
        DocumentKind::GoodPracticeGuide,
        Visibility::Public,
        "ro",
        &[],
    )
    .await;
    let slow = w.app.db.begin().await.unwrap();
    pactum::domain::events::record(
        &slow,
        vec![pactum::domain::events::Event::about(
            entities::enums::EventKind::DocumentPublished,
            w.lugoj,
            "Document",
            guide.id,
            json!({}),
        )],
        None,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    w.document("Ghid rapid", "PUBLIC").await;
    // The later event is committed, but the feed holds it back.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(pull_all(&w.app, None, 10).await, Vec::<Value>::new());
    slow.commit().await.unwrap();
    w.settled().await;
    assert_eq!(
        summary(&pull_all(&w.app, None, 10).await),
        vec![
            pair("DOCUMENT_PUBLISHED", "Ghid întârziat"),
            pair("DOCUMENT_PUBLISHED", "Ghid rapid")
        ]
    );
}

#[tokio::test]
async fn hostile_arguments_get_bad_user_input_and_no_page() {
    let w = world().await;
    let listing = w
        .app
        .data_as(
            None,
            "{ organizations(first: 1) { edges { cursor } } }",
            json!({}),
        )
        .await;
    let foreign = listing["organizations"]["edges"][0]["cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    for variables in [
        json!({ "after": "not a cursor" }),
        json!({ "after": foreign }),
        json!({ "after": pactum::ids::opaque("changes|v1|-1") }),
        json!({ "after": pactum::ids::opaque("changes|v9|1") }),
        json!({ "first": 0 }),
        json!({ "first": -5 }),
        json!({ "first": 100_000 }),
    ] {
        let body = w.app.query_as(None, CHANGES, variables.clone()).await;
        assert_eq!(
            TestApp::codes(&body),
            vec!["BAD_USER_INPUT"],
            "{variables}: {body}"
        );
        assert!(body["data"].is_null(), "{body}");
    }
    let body = w
        .app
        .query_as(None, CHANGES, json!({ "kinds": ["NOT_A_KIND"] }))
        .await;
    assert!(!TestApp::codes(&body).is_empty(), "{body}");
}

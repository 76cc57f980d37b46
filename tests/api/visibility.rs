//! Anonymous callers see PUBLIC agreements, documents and activities only:
//! a PARTNERS or PRIVATE record appears in no list, no nested list, no
//! `totalCount`, no `stats` figure, no search, and cannot be fetched by ID.

use entities::enums::{
    ActivityKind, ActivityStatus, AgreementStatus, DocumentKind, OrganizationKind, ParticipantRole,
    Visibility,
};
use pactum_tests::{
    TestApp,
    fixtures::{self, ActivitySpec, date},
    global_id,
};
use serde_json::{Value, json};

struct World {
    app: TestApp,
    owner: i64,
    hidden_document: i64,
    hidden_agreement: i64,
    hidden_activity: i64,
}

/// One organization owning one record of each visibility, of each type.
async fn world() -> World {
    let app = TestApp::spawn().await;
    let db = &app.db;
    let owner = fixtures::organization(
        db,
        "primaria-a",
        "Primăria A",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await;
    let partner =
        fixtures::organization(db, "ong-b", "ONG B", OrganizationKind::Ngo, Some("Timiș")).await;
    let mut hidden = (0, 0, 0);
    for (visibility, tag) in [
        (Visibility::Public, "public"),
        (Visibility::Partners, "partners"),
        (Visibility::Private, "private"),
    ] {
        let document = fixtures::document(
            db,
            owner.id,
            &format!("Ghid {tag} integritate"),
            DocumentKind::GoodPracticeGuide,
            visibility,
            "ro",
            &[tag],
        )
        .await;
        let agreement = fixtures::agreement(
            db,
            &format!("Acord {tag} cooperare"),
            &[owner.id, partner.id],
            AgreementStatus::Active,
            visibility,
            Some(date(2024, 2, 1)),
        )
        .await;
        let activity = fixtures::activity(
            db,
            ActivitySpec {
                title: &format!("Curs {tag} etică"),
                kind: ActivityKind::TrainingCourse,
                status: ActivityStatus::Completed,
                visibility,
                start: date(2024, 5, 6),
                organizers: &[owner.id],
                participants: &[(owner.id, ParticipantRole::CivilServant, 10)],
                documents: &[document.id],
                agreement: Some(agreement.id),
                project: None,
            },
        )
        .await;
        if visibility == Visibility::Private {
            hidden = (document.id, agreement.id, activity.id);
        }
        if visibility == Visibility::Public {
            // The public course also links the private document.
            let _ = activity;
        }
    }
    World {
        app,
        owner: owner.id,
        hidden_document: hidden.0,
        hidden_agreement: hidden.1,
        hidden_activity: hidden.2,
    }
}

fn titles(connection: &Value, field: &str) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"][field].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn lists_and_counts_show_public_records_only() {
    let w = world().await;
    let data = w
        .app
        .data(
            "{ agreements { totalCount edges { node { title visibility } } }
               documents { totalCount edges { node { title visibility } } }
               activities { totalCount edges { node { title visibility } } } }",
            json!({}),
        )
        .await;
    for (list, field) in [
        ("agreements", "title"),
        ("documents", "title"),
        ("activities", "title"),
    ] {
        assert_eq!(data[list]["totalCount"], 1, "{list}: {data}");
        let shown = titles(&data[list], field);
        assert_eq!(shown.len(), 1);
        assert!(shown[0].contains("public"), "{list}: {shown:?}");
    }
}

#[tokio::test]
async fn nested_lists_hide_what_the_caller_may_not_see() {
    let w = world().await;
    let id = global_id("Organization", w.owner);
    let data = w
        .app
        .data(
            "query($id: ID!) { organization(id: $id) {
                 agreements { totalCount } documents { totalCount } activities { totalCount edges { node { title documents { totalCount } } } } } }",
            json!({ "id": id }),
        )
        .await;
    let org = &data["organization"];
    assert_eq!(org["agreements"]["totalCount"], 1);
    assert_eq!(org["documents"]["totalCount"], 1);
    assert_eq!(org["activities"]["totalCount"], 1);
    assert_eq!(
        org["activities"]["edges"][0]["node"]["documents"]["totalCount"],
        1
    );
}

#[tokio::test]
async fn hidden_records_cannot_be_fetched_by_id() {
    let w = world().await;
    for (query, type_name, id) in [
        (
            "query($id: ID!) { document(id: $id) { title } }",
            "Document",
            w.hidden_document,
        ),
        (
            "query($id: ID!) { agreement(id: $id) { title } }",
            "Agreement",
            w.hidden_agreement,
        ),
        (
            "query($id: ID!) { activity(id: $id) { title } }",
            "Activity",
            w.hidden_activity,
        ),
    ] {
        let id = global_id(type_name, id);
        let body = w.app.query(query, json!({ "id": id })).await;
        assert_eq!(TestApp::codes(&body), ["NOT_FOUND"], "{type_name}: {body}");
        let body = w
            .app
            .query(
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(body["data"]["node"], Value::Null, "{type_name}");
    }
}

#[tokio::test]
async fn search_does_not_find_hidden_records() {
    let w = world().await;
    let data = w
        .app
        .data(
            "{ documents(search: \"private\") { totalCount } agreements(search: \"private\") { totalCount }
               activities(search: \"private\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data["documents"]["totalCount"], 0);
    assert_eq!(data["agreements"]["totalCount"], 0);
    assert_eq!(data["activities"]["totalCount"], 0);
}

#[tokio::test]
async fn dashboard_figures_count_public_records_only() {
    let w = world().await;
    let data = w
        .app
        .data(
            "{ stats { agreementsByStatus { key count } agreementsByKind { key count } agreementsByMonth { key count }
                       documentsByKind { key count } activitiesByKind { key activities participants }
                       activitiesByQuarter { key activities participants } peopleTrainedByYear { key count } } }",
            json!({}),
        )
        .await;
    let stats = &data["stats"];
    assert_eq!(
        stats["agreementsByStatus"],
        json!([{ "key": "ACTIVE", "count": 1 }])
    );
    assert_eq!(
        stats["agreementsByKind"],
        json!([{ "key": "COOPERATION", "count": 1 }])
    );
    assert_eq!(
        stats["agreementsByMonth"],
        json!([{ "key": "2024-02", "count": 1 }])
    );
    assert_eq!(
        stats["documentsByKind"],
        json!([{ "key": "GOOD_PRACTICE_GUIDE", "count": 1 }])
    );
    assert_eq!(
        stats["activitiesByKind"],
        json!([{ "key": "TRAINING_COURSE", "activities": 1, "participants": 10 }])
    );
    assert_eq!(
        stats["activitiesByQuarter"],
        json!([{ "key": "2024-Q2", "activities": 1, "participants": 10 }])
    );
    assert_eq!(
        stats["peopleTrainedByYear"],
        json!([{ "key": "2024", "count": 10 }])
    );
}

#[tokio::test]
async fn an_activity_does_not_reveal_a_hidden_agreement() {
    let app = TestApp::spawn().await;
    let db = &app.db;
    let org = fixtures::organization(db, "a", "A", OrganizationKind::Municipality, None).await;
    let other = fixtures::organization(db, "b", "B", OrganizationKind::Ngo, None).await;
    let secret = fixtures::agreement(
        db,
        "Acord secret",
        &[org.id, other.id],
        AgreementStatus::Active,
        Visibility::Private,
        None,
    )
    .await;
    fixtures::activity(
        db,
        ActivitySpec {
            title: "Atelier public",
            kind: ActivityKind::Workshop,
            status: ActivityStatus::Planned,
            visibility: Visibility::Public,
            start: date(2027, 1, 10),
            organizers: &[org.id, other.id],
            participants: &[],
            documents: &[],
            agreement: Some(secret.id),
            project: None,
        },
    )
    .await;
    let data = app.data("{ activities { edges { node { title agreement { title } organizers { totalCount } } } } }", json!({})).await;
    let node = &data["activities"]["edges"][0]["node"];
    assert_eq!(node["title"], "Atelier public");
    assert_eq!(node["agreement"], Value::Null);
    assert_eq!(node["organizers"]["totalCount"], 2);
}

#[tokio::test]
async fn a_draft_is_seen_only_by_its_parties_whatever_its_visibility() {
    let app = TestApp::spawn().await;
    let org = |slug: &'static str| {
        fixtures::organization(&app.db, slug, slug, OrganizationKind::Ngo, None)
    };
    let (a, b, stranger) = (org("a").await, org("b").await, org("c").await);
    let draft = fixtures::agreement(
        &app.db,
        "Ciornă publică",
        &[a.id, b.id],
        AgreementStatus::Draft,
        Visibility::Public,
        None,
    )
    .await;
    let query = "query($id: ID!) { agreements { totalCount }
        stats { agreementsByStatus { key count } } node(id: $id) { id } }";
    let vars = json!({ "id": global_id("Agreement", draft.id) });
    for (who, secret, sees) in [
        ("anonymous", None, false),
        (
            "a stranger",
            Some(
                pactum_tests::accounts::member_session(
                    &app.db,
                    stranger.id,
                    entities::enums::MemberRole::Owner,
                )
                .await,
            ),
            false,
        ),
        (
            "a party",
            Some(
                pactum_tests::accounts::member_session(
                    &app.db,
                    b.id,
                    entities::enums::MemberRole::Viewer,
                )
                .await,
            ),
            true,
        ),
    ] {
        let data = app.data_as(secret.as_deref(), query, vars.clone()).await;
        let count = i64::from(sees);
        assert_eq!(data["agreements"]["totalCount"], count, "{who}");
        assert_eq!(data["node"].is_null(), !sees, "{who}");
        let drafts: i64 = data["stats"]["agreementsByStatus"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["key"] == "DRAFT")
            .map(|b| b["count"].as_i64().unwrap())
            .sum();
        assert_eq!(drafts, count, "{who}");
    }
}

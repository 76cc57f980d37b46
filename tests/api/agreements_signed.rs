//! Results tracked from the agreements: an AGREEMENTS_SIGNED indicator
//! counts the agreements its project's beneficiary signed that came into
//! force between the project's start and the end of its sustainability
//! period, among those the reader may see, and follows the project's dates
//! when they change.
//!
//! The world: beneficiary B runs a 2018 project sustained until the end of
//! 2020; P is a partner, X and Y have nothing to do with B. Agreements are
//! inserted as they would stand after their signatures (the fixture signs
//! every party on the agreement's start day).

use entities::enums::{AgreementStatus, MemberRole, OrganizationKind, Visibility};
use pactum_tests::{TestApp, accounts, fixtures, global_id};
use serde_json::{Value, json};

const CREATE_PROJECT: &str =
    "mutation($input: CreateProjectInput!) { createProject(input: $input) {
  project { id version sustainabilityEndDate } userErrors { field code message } } }";
const UPDATE_PROJECT: &str =
    "mutation($input: UpdateProjectInput!) { updateProject(input: $input) {
  project { id version sustainabilityEndDate } userErrors { field code message } } }";
const CREATE_INDICATOR: &str =
    "mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) {
  indicator { id derivation } userErrors { field code message } } }";
const ACHIEVED: &str =
    "query($id: ID!) { node(id: $id) { ... on Indicator { achieved progress } } }";

#[tokio::test]
async fn agreements_in_force_within_the_sustainability_period_count_for_who_may_see_them() {
    let app = TestApp::spawn().await;
    let db = &app.db;
    let org = |slug: &'static str| async move {
        fixtures::organization(db, slug, slug, OrganizationKind::Municipality, None)
            .await
            .id
    };
    let (b, p, x, y) = (
        org("b").await,
        org("p").await,
        org("x").await,
        org("y").await,
    );
    let editor = accounts::member_session(db, b, MemberRole::Editor).await;
    let viewer = accounts::member_session(db, b, MemberRole::Viewer).await;
    let d = fixtures::date;
    let agreement = |title: &'static str, parties: Vec<i64>, status, visibility, day| async move {
        fixtures::agreement(db, title, &parties, status, visibility, Some(day)).await;
    };
    use AgreementStatus::{Active, Declined, Expired, Proposed};
    use Visibility::{Private, Public};
    // Counted by everyone: in force during the project, and after it
    // within the sustainability period (expired since: it was in force).
    agreement("a", vec![b, p], Active, Public, d(2018, 6, 1)).await;
    agreement("b", vec![p, b], Expired, Public, d(2020, 12, 31)).await;
    // Counted by B's members only.
    agreement("c", vec![b, p], Active, Private, d(2018, 9, 1)).await;
    // Never counted: before the start, after the sustainability period,
    // never in force, or not signed by B.
    agreement("d", vec![b, p], Active, Public, d(2017, 12, 31)).await;
    agreement("e", vec![b, p], Active, Public, d(2021, 1, 1)).await;
    agreement("f", vec![b, p], Declined, Public, d(2019, 1, 1)).await;
    agreement("g", vec![b, p], Proposed, Public, d(2019, 1, 1)).await;
    agreement("h", vec![x, y], Active, Public, d(2019, 1, 1)).await;

    let call = |query: &'static str, input: Value| {
        let (app, editor) = (&app, &editor);
        async move {
            let body = app
                .query_as(Some(editor), query, json!({ "input": input }))
                .await;
            let data = body["data"].as_object().and_then(|d| d.values().next());
            data.cloned().unwrap_or_else(|| panic!("{body}"))
        }
    };
    let created = call(
        CREATE_PROJECT,
        json!({ "organizationId": global_id("Organization", b), "code": "POCA-2018",
                "title": "Proiect anticorupție", "programme": "POCA",
                "startDate": "2018-01-01", "endDate": "2018-12-31",
                "sustainabilityEndDate": "2020-12-31" }),
    )
    .await;
    assert_eq!(created["userErrors"], json!([]), "{created}");
    assert_eq!(created["project"]["sustainabilityEndDate"], "2020-12-31");
    let project = created["project"]["id"].clone();
    let indicator = call(
        CREATE_INDICATOR,
        json!({ "projectId": project, "name": "Acorduri de cooperare", "unit": "acorduri",
                "target": 4.0, "derivation": "AGREEMENTS_SIGNED" }),
    )
    .await;
    assert_eq!(indicator["indicator"]["derivation"], "AGREEMENTS_SIGNED");
    let id = indicator["indicator"]["id"].clone();
    let achieved = |who: Option<&str>| {
        let (app, id) = (&app, id.clone());
        let who = who.map(str::to_owned);
        async move {
            let data = app
                .data_as(who.as_deref(), ACHIEVED, json!({ "id": id }))
                .await;
            (
                data["node"]["achieved"].as_f64().unwrap(),
                data["node"]["progress"].as_f64().unwrap(),
            )
        }
    };
    assert_eq!(achieved(None).await, (2.0, 0.5));
    assert_eq!(achieved(Some(&viewer)).await, (3.0, 0.75));

    // Without a sustainability period, only what came into force during
    // the project counts.
    let cleared = call(
        UPDATE_PROJECT,
        json!({ "projectId": project, "version": created["project"]["version"],
                "sustainabilityEndDate": null }),
    )
    .await;
    assert_eq!(cleared["userErrors"], json!([]), "{cleared}");
    assert_eq!(cleared["project"]["sustainabilityEndDate"], Value::Null);
    assert_eq!(achieved(None).await, (1.0, 0.25));
    assert_eq!(achieved(Some(&viewer)).await, (2.0, 0.5));

    // A sustainability period cannot end before the project.
    let refused = call(
        UPDATE_PROJECT,
        json!({ "projectId": project, "version": cleared["project"]["version"],
                "sustainabilityEndDate": "2018-12-30" }),
    )
    .await;
    assert_eq!(refused["project"], Value::Null);
    assert_eq!(refused["userErrors"][0]["field"], "sustainabilityEndDate");
    assert_eq!(refused["userErrors"][0]["code"], "INVALID_INPUT");
    assert_eq!(achieved(None).await, (1.0, 0.25));
}

#[tokio::test]
async fn the_demo_tracks_the_sustainability_commitment_from_its_agreements() {
    let app = TestApp::with_demo().await;
    let data = app
        .data(
            "{ projects(search: \"PROIECT-ANTICORUPTIE-2019\") { nodes { sustainabilityEndDate
                 indicators(first: 20) { nodes { name derivation target achieved } } } } }",
            json!({}),
        )
        .await;
    let project = &data["projects"]["nodes"][0];
    assert_eq!(project["sustainabilityEndDate"], "2022-07-29");
    let agreements = project["indicators"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["derivation"] == "AGREEMENTS_SIGNED")
        .cloned()
        .unwrap_or_else(|| panic!("{data}"));
    assert_eq!(agreements["target"], 3.0);
    assert_eq!(agreements["achieved"], 2.0, "{agreements}");
}

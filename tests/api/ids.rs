//! Global IDs: `node`/`nodes` fetch anything again; malformed IDs are
//! BAD_USER_INPUT, unknown ones NOT_FOUND (or null from `node`), never a 500.

use pactum_tests::TestApp;
use serde_json::{Value, json};

#[tokio::test]
async fn every_record_can_be_fetched_again_by_its_global_id() {
    let app = TestApp::with_demo().await;
    let data = app
        .data(
            "{ organizations(first: 1) { edges { node { id } } }
               agreements(first: 1) { edges { node { id } } }
               documents(first: 1) { edges { node { id latestVersion { id } } } }
               activities(first: 1) { edges { node { id } } }
               projects(first: 1) { edges { node { id indicators(first: 1) { edges { node { id } } } } } } }",
            json!({}),
        )
        .await;
    let first = |list: &str| data[list]["edges"][0]["node"].clone();
    let ids = vec![
        first("organizations")["id"].clone(),
        first("agreements")["id"].clone(),
        first("documents")["id"].clone(),
        first("documents")["latestVersion"]["id"].clone(),
        first("activities")["id"].clone(),
        first("projects")["id"].clone(),
        first("projects")["indicators"]["edges"][0]["node"]["id"].clone(),
    ];
    let nodes = app
        .data(
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            json!({ "ids": ids }),
        )
        .await;
    let types: Vec<&str> = nodes["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["__typename"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "Organization",
            "Agreement",
            "Document",
            "DocumentVersion",
            "Activity",
            "Project",
            "Indicator"
        ]
    );
    for (node, id) in nodes["nodes"].as_array().unwrap().iter().zip(&ids) {
        assert_eq!(&node["id"], id);
    }
    let one = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Agreement { title } } }",
            json!({ "id": ids[1] }),
        )
        .await;
    assert!(one["node"]["title"].is_string());
}

#[tokio::test]
async fn malformed_ids_are_bad_user_input() {
    let app = TestApp::spawn().await;
    for id in ["", "nope", "!!!", "T3JnYW5pemF0aW9u", "Tm9wZToxMg"] {
        let body = app
            .query(
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(TestApp::codes(&body), ["BAD_USER_INPUT"], "{id}: {body}");
        let body = app
            .query(
                "query($id: ID!) { organization(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(TestApp::codes(&body), ["BAD_USER_INPUT"], "{id}: {body}");
    }
}

#[tokio::test]
async fn an_id_of_another_type_is_bad_user_input() {
    let app = TestApp::with_demo().await;
    let data = app
        .data(
            "{ projects(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let project_id = data["projects"]["edges"][0]["node"]["id"].clone();
    let body = app
        .query(
            "query($id: ID!) { agreement(id: $id) { id } }",
            json!({ "id": project_id }),
        )
        .await;
    assert_eq!(TestApp::codes(&body), ["BAD_USER_INPUT"]);
    assert!(TestApp::message(&body).contains("Agreement"));
}

#[tokio::test]
async fn unknown_records_are_not_found() {
    let app = TestApp::with_demo().await;
    // A well-formed ID of an organization that does not exist.
    let data = app
        .data(
            "{ organizations(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let real = data["organizations"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let missing = pactum_tests::global_id("Organization", 999_999);
    assert_ne!(real, missing);
    let body = app
        .query(
            "query($id: ID!) { organization(id: $id) { id } }",
            json!({ "id": missing }),
        )
        .await;
    assert_eq!(TestApp::codes(&body), ["NOT_FOUND"]);
    assert_eq!(body["data"]["organization"], Value::Null);
    let body = app
        .query(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": missing }),
        )
        .await;
    assert!(body.get("errors").is_none());
    assert_eq!(body["data"]["node"], Value::Null);
    let body = app
        .query(
            "{ organizationBySlug(slug: \"nu-exista\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(TestApp::codes(&body), ["NOT_FOUND"]);
    let body = app
        .query(
            "{ organizationBySlug(slug: \"municipiul-lugoj\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["organizationBySlug"]["name"],
        "Municipiul Lugoj"
    );
}

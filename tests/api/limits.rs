//! Query limits: page size, complexity weighted by page size, depth and
//! aliases, each configurable and each refused with a clear code.

use pactum_tests::TestApp;
use serde_json::json;

#[tokio::test]
async fn list_fields_weigh_their_page_size() {
    let app = TestApp::spawn().await;
    // 100 × 100 × 100 nodes: small to write, huge to run.
    let nested = "{ organizations(first: 100) { edges { node { agreements(first: 100) { edges { node { \
                  parties(first: 100) { edges { node { signedAt } } } } } } } } } }";
    let body = app.query(nested, json!({})).await;
    assert_eq!(
        TestApp::codes(&body),
        ["GRAPHQL_VALIDATION_FAILED"],
        "{body}"
    );
    assert!(TestApp::message(&body).to_lowercase().contains("complex"));

    // The same shape with small pages is fine.
    let small = nested.replace("100", "5");
    app.data(&small, json!({})).await;
}

#[tokio::test]
async fn complexity_limit_is_configurable() {
    let app = TestApp::spawn_with(|c| c.max_complexity = 50).await;
    let body = app
        .query(
            "{ organizations(first: 60) { edges { node { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(TestApp::codes(&body), ["GRAPHQL_VALIDATION_FAILED"]);
    app.data(
        "{ organizations(first: 10) { edges { node { name } } } }",
        json!({}),
    )
    .await;
}

#[tokio::test]
async fn page_size_is_capped_at_the_configured_maximum() {
    let app = TestApp::spawn().await;
    let body = app
        .query("{ organizations(first: 1000) { totalCount } }", json!({}))
        .await;
    assert_eq!(TestApp::codes(&body), ["BAD_USER_INPUT"], "{body}");

    let app = TestApp::spawn_with(|c| c.max_page_size = 10).await;
    let body = app
        .query("{ organizations(first: 11) { totalCount } }", json!({}))
        .await;
    assert_eq!(TestApp::codes(&body), ["BAD_USER_INPUT"]);
    assert!(TestApp::message(&body).contains("at most 10"));
}

#[tokio::test]
async fn deep_queries_are_refused() {
    let app = TestApp::spawn_with(|c| c.max_depth = 5).await;
    let deep = "{ organizations { edges { node { agreements { edges { node { title } } } } } } }";
    let body = app.query(deep, json!({})).await;
    assert_eq!(
        TestApp::codes(&body),
        ["GRAPHQL_VALIDATION_FAILED"],
        "{body}"
    );
    app.data("{ organizations { edges { node { name } } } }", json!({}))
        .await;
}

#[tokio::test]
async fn too_many_aliases_are_refused() {
    let app = TestApp::spawn_with(|c| c.max_aliases = 3).await;
    let body = app.query("{ a: projects { totalCount } b: projects { totalCount } c: projects { totalCount } d: projects { totalCount } }", json!({})).await;
    assert_eq!(
        TestApp::codes(&body),
        ["GRAPHQL_VALIDATION_FAILED"],
        "{body}"
    );
    assert!(TestApp::message(&body).contains("aliases"));
    app.data(
        "{ a: projects { totalCount } b: projects { totalCount } }",
        json!({}),
    )
    .await;
}

#[tokio::test]
async fn nodes_takes_at_most_a_page_of_ids() {
    let app = TestApp::spawn_with(|c| c.max_page_size = 2).await;
    let body = app
        .query(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": ["T3JnYW5pemF0aW9uOjE", "T3JnYW5pemF0aW9uOjI", "T3JnYW5pemF0aW9uOjM"] }),
        )
        .await;
    assert_eq!(TestApp::codes(&body), ["BAD_USER_INPUT"], "{body}");
}

//! The checked-in `schema.graphql` is the public contract: it must be what
//! the code generates. Run with `UPDATE_SCHEMA=1` to rewrite it.

use pactum_tests::TestApp;
use serde_json::json;

#[test]
fn schema_graphql_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let generated = pactum::graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("schema.graphql written");
    }
    let checked_in = std::fs::read_to_string(&path).expect("schema.graphql readable");
    assert!(
        checked_in == generated,
        "schema.graphql is out of date: run `cargo run -p pactum-api --bin pactum -- schema > schema.graphql` \
         (or the tests with UPDATE_SCHEMA=1) and commit it"
    );
}

#[tokio::test]
async fn the_served_schema_is_the_checked_in_one() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            "{ __schema { queryType { name } types { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
    let served: Vec<&str> = data["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for name in [
        "Organization",
        "Agreement",
        "Document",
        "Activity",
        "Project",
        "Indicator",
        "Node",
        "Stats",
    ] {
        assert!(
            served.contains(&name),
            "{name} missing from the served schema"
        );
    }
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let app = TestApp::spawn_with(|c| c.introspection = false).await;
    let body = app
        .query(
            "{ __schema { queryType { name } } __type(name: \"Agreement\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["__schema"], serde_json::Value::Null, "{body}");
    assert_eq!(body["data"]["__type"], serde_json::Value::Null, "{body}");
    let data = app.data("{ projects { totalCount } }", json!({})).await;
    assert_eq!(
        data["projects"]["totalCount"], 0,
        "ordinary queries still run"
    );
}

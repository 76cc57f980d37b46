//! Connections resolve their edges and nodes in the request's own task
//! (`graphql::inline`), where async-graphql would run a future per field.
//! A client must not tell the difference: the same organizations read
//! through a connection (inline) and through the root `nodes` field
//! (async-graphql's own execution) come back identical, fragments on the
//! type and on an interface it implements, named fragments, `__typename`,
//! aliases, `nodes` and an error at a field included; and the error
//! carries the path of the field it belongs to.

use pactum_tests::TestApp;
use serde_json::{Value, json};

const NODE: &str = r#"__typename
    ... on Node { id }
    ... on Organization {
        name kind
        ...Profile
        refused: agreements(first: 1, after: "nu-este-un-cursor") { totalCount }
        latest: agreements(first: 2) {
            edges { __typename cursor node { __typename title } } nodes { title } }
    }"#;

const PROFILE: &str = "fragment Profile on Organization { slug name county }";

fn codes_and_paths(body: &Value) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = body["errors"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|e| (e["extensions"]["code"].to_string(), e["path"].clone()))
        .collect();
    out.sort_by_key(|(code, path)| format!("{code}{path}"));
    out
}

#[tokio::test]
async fn a_connection_resolves_its_nodes_exactly_as_async_graphql_does() {
    let app = TestApp::with_demo().await;
    let listed = app
        .query(
            &format!(
                "{{ organizations(first: 3) {{ __typename edges {{ __typename node {{ {NODE} }} }} }} }} {PROFILE}"
            ),
            json!({}),
        )
        .await;
    let edges = listed["data"]["organizations"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(edges.len(), 3, "{listed}");
    assert_eq!(
        listed["data"]["organizations"]["__typename"],
        "OrganizationConnection"
    );
    let listed_nodes: Vec<Value> = edges.iter().map(|e| e["node"].clone()).collect();
    for (edge, node) in edges.iter().zip(&listed_nodes) {
        assert_eq!(edge["__typename"], "OrganizationEdge");
        assert_eq!(node["__typename"], "Organization");
        assert!(node["id"].is_string() && node["slug"].is_string(), "{node}");
        assert!(
            node.get("title").is_none(),
            "a fragment on Agreement applied: {node}"
        );
        let latest = &node["latest"];
        assert_eq!(
            latest["edges"].as_array().map(Vec::len),
            latest["nodes"].as_array().map(Vec::len),
            "{latest}"
        );
    }

    let ids: Vec<Value> = listed_nodes.iter().map(|n| n["id"].clone()).collect();
    let direct = app
        .query(
            &format!("query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {NODE} }} }} {PROFILE}"),
            json!({ "ids": ids }),
        )
        .await;
    assert_eq!(
        direct["data"]["nodes"],
        Value::Array(listed_nodes),
        "the same records through async-graphql's execution"
    );

    // One refusal per organization, at its own field, in both readings.
    let listed_errors = codes_and_paths(&listed);
    assert_eq!(listed_errors.len(), 3, "{listed}");
    for (index, (code, path)) in listed_errors.iter().enumerate() {
        assert_eq!(code, "\"BAD_USER_INPUT\"");
        assert_eq!(
            path,
            &json!(["organizations", "edges", index, "node", "refused"])
        );
    }
    let direct_errors = codes_and_paths(&direct);
    assert_eq!(direct_errors.len(), 3, "{direct}");
    for (index, (code, path)) in direct_errors.iter().enumerate() {
        assert_eq!(code, "\"BAD_USER_INPUT\"");
        assert_eq!(path, &json!(["nodes", index, "refused"]));
    }
}

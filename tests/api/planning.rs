//! Planned reads: a root list loads the relations its query selects ahead,
//! level by level, and the resolvers find them ready. The same tree read
//! through a path that is not planned (`nodes`, through the DataLoaders)
//! must come back identical, and the planned path must not fall back to a
//! DataLoader batch.

use entities::enums::{AgreementStatus, OrganizationKind, Visibility};
use pactum_tests::{TestApp, fixtures, global_id};
use serde_json::{Value, json};

const TREE: &str = "name
    agreements(first: 3) { totalCount edges { node { title initiator { name }
        parties(first: 2) { totalCount edges { node { hasSigned organization { name slug } } } } } } }";

async fn loads(app: &TestApp) -> (u64, u64) {
    (
        app.metric("pactum_graphql_relation_loads_total{path=\"planned\"}")
            .await,
        app.metric("pactum_graphql_relation_loads_total{path=\"batched\"}")
            .await,
    )
}

#[tokio::test]
async fn a_planned_tree_equals_the_same_tree_loaded_by_the_dataloaders() {
    let app = TestApp::spawn().await;
    // Twelve organizations in a ring, each agreeing with its two
    // neighbours (so every agreement appears under two organizations), and
    // every third in a larger agreement (uneven lists, cut by `first`).
    let mut ids = Vec::new();
    for i in 0..12 {
        let org = fixtures::organization(
            &app.db,
            &format!("org-{i:02}"),
            &format!("Organizația {i:02}"),
            OrganizationKind::Municipality,
            None,
        )
        .await;
        ids.push(org.id);
    }
    for i in 0..12 {
        let visibility = if i % 4 == 0 {
            Visibility::Private
        } else {
            Visibility::Public
        };
        fixtures::agreement(
            &app.db,
            &format!("Acord {i}"),
            &[ids[i], ids[(i + 1) % 12]],
            AgreementStatus::Active,
            visibility,
            Some(fixtures::date(2023, 1 + i as u32 % 12, 1)),
        )
        .await;
    }
    for i in (0..12).step_by(3) {
        fixtures::agreement(
            &app.db,
            &format!("Acord extins {i}"),
            &[ids[i], ids[(i + 5) % 12], ids[(i + 7) % 12]],
            AgreementStatus::Active,
            Visibility::Public,
            Some(fixtures::date(2024, 1 + i as u32 % 12, 1)),
        )
        .await;
    }

    let before = loads(&app).await;
    let planned = app
        .data(
            &format!("{{ organizations(first: 12) {{ edges {{ node {{ {TREE} }} }} }} }}"),
            json!({}),
        )
        .await;
    let after = loads(&app).await;
    assert!(after.0 > before.0, "the plan served the resolvers");
    assert_eq!(after.1, before.1, "no resolver fell back to a DataLoader");

    let node_ids: Vec<String> = ids
        .iter()
        .map(|id| global_id("Organization", *id))
        .collect();
    let batched = app
        .data(
            &format!(
                "query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on Organization {{ {TREE} }} }} }}"
            ),
            json!({ "ids": node_ids }),
        )
        .await;
    assert!(loads(&app).await.1 > after.1, "nodes is not planned");

    let planned: Vec<Value> = planned["organizations"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    let mut batched: Vec<Value> = batched["nodes"].as_array().expect("nodes").clone();
    batched.sort_by_key(|n| n["name"].as_str().unwrap_or_default().to_owned());
    assert_eq!(planned.len(), 12);
    assert_eq!(planned, batched);
    // The shared agreements really are shared, and the lists are uneven.
    let lengths: std::collections::BTreeSet<usize> = planned
        .iter()
        .map(|o| o["agreements"]["edges"].as_array().map_or(0, Vec::len))
        .collect();
    assert!(lengths.len() > 1, "{lengths:?}");
}

//! The DataLoader bound: a request's SQL statement count depends on the
//! depth of its query, not on how many rows it returns.

use entities::enums::{AgreementStatus, OrganizationKind, Visibility};
use pactum_tests::{TestApp, fixtures};
use serde_json::json;

/// Three levels: organizations → their latest agreements → each agreement's
/// parties and their names.
const THREE_LEVELS: &str = "query($n: Int!) { organizations(first: $n) { totalCount edges { node { name
    agreements(first: 5) { totalCount edges { node { title initiator { name }
        parties(first: 10) { totalCount edges { node { hasSigned organization { name } } } } } } } } } } }";

/// `orgs` organizations in a ring, each agreeing with its two neighbours.
async fn ring(app: &TestApp, orgs: usize) {
    let mut ids = Vec::with_capacity(orgs);
    for i in 0..orgs {
        let org = fixtures::organization(
            &app.db,
            &format!("org-{i:03}"),
            &format!("Organizația {i:03}"),
            OrganizationKind::Municipality,
            None,
        )
        .await;
        ids.push(org.id);
    }
    for i in 0..orgs {
        let next = ids[(i + 1) % orgs];
        fixtures::agreement(
            &app.db,
            &format!("Acord {i}"),
            &[ids[i], next],
            AgreementStatus::Active,
            Visibility::Public,
            None,
        )
        .await;
    }
    // Uneven lists: every third organization also joins a larger agreement,
    // so pages and party lists differ in length from parent to parent.
    for i in (0..orgs).step_by(3) {
        let parties: Vec<i64> = (0..(2 + i % 3))
            .map(|k| ids[(i + 7 * k + 1) % orgs])
            .chain([ids[i]])
            .collect();
        let mut unique = parties.clone();
        unique.sort_unstable();
        unique.dedup();
        if unique.len() == parties.len() {
            fixtures::agreement(
                &app.db,
                &format!("Acord extins {i}"),
                &parties,
                AgreementStatus::Active,
                Visibility::Public,
                None,
            )
            .await;
        }
    }
}

async fn statements_for(app: &TestApp, n: usize) -> (u64, serde_json::Value) {
    let before = app.statements().await;
    let data = app.data(THREE_LEVELS, json!({ "n": n })).await;
    (app.statements().await - before, data)
}

#[tokio::test]
async fn a_three_level_query_over_100_organizations_runs_a_fixed_number_of_statements() {
    // The root list plans every level, so no DataLoader runs. Should one
    // ever fall back to them, the generous window keeps its batches whole
    // (timing is not what this test is about) and the count shows it.
    let app = TestApp::spawn_with(|c| c.dataloader_delay_micros = 200_000).await;
    ring(&app, 100).await;

    let (for_100, data) = statements_for(&app, 100).await;
    let orgs = data["organizations"]["edges"].as_array().unwrap();
    assert_eq!(orgs.len(), 100);
    let page_lengths: std::collections::BTreeSet<usize> = orgs
        .iter()
        .map(|o| o["node"]["agreements"]["edges"].as_array().unwrap().len())
        .collect();
    assert!(
        page_lengths.len() > 1,
        "pages of different lengths: {page_lengths:?}"
    );
    let party_counts: std::collections::BTreeSet<i64> = orgs
        .iter()
        .flat_map(|o| o["node"]["agreements"]["edges"].as_array().unwrap().clone())
        .map(|a| a["node"]["parties"]["totalCount"].as_i64().unwrap())
        .collect();
    assert!(
        party_counts.len() > 1,
        "party lists of different lengths: {party_counts:?}"
    );

    let (for_2, _) = statements_for(&app, 2).await;
    // One statement per relation per level, whatever the row count, loaded
    // by the plan of the root list: organizations: count + page;
    // agreements: count + page; parties: count + page; the organizations
    // named at the leaves (the initiators are among them, so they cost
    // nothing more).
    const PER_REQUEST: u64 = 7;
    for (rows, count) in [(100, for_100), (2, for_2)] {
        assert_eq!(
            count, PER_REQUEST,
            "{count} statements for {rows} organizations: the count must not grow with the rows"
        );
    }
    println!("three-level query over 100 organizations: {for_100} SQL statements");

    // Without totalCount nothing is counted: one statement per level plus
    // the organizations named at the leaves.
    let lean = THREE_LEVELS.replace("totalCount", "");
    for n in [100, 2] {
        let before = app.statements().await;
        app.data(&lean, json!({ "n": n })).await;
        let lean_count = app.statements().await - before;
        assert_eq!(
            lean_count, 4,
            "{lean_count} statements without totals for {n} organizations"
        );
        if n == 100 {
            println!("the same without totalCount: {lean_count} SQL statements");
        }
    }
}

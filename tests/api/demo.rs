//! A newcomer's first look: the demo data through the API, with the seeds'
//! own figures readable back from `stats` and the indicators.

use pactum_tests::TestApp;
use serde_json::json;

#[tokio::test]
async fn the_seeds_figures_come_back_from_stats() {
    let app = TestApp::with_demo().await;
    let data = app
        .data("{ stats { peopleTrainedByYear { key count } } }", json!({}))
        .await;
    assert_eq!(
        data["stats"]["peopleTrainedByYear"],
        json!([{ "key": "2019", "count": 28 }, { "key": "2021", "count": 5 }, { "key": "2022", "count": 50 }])
    );
}

#[tokio::test]
async fn the_lugoj_project_and_its_indicators() {
    let app = TestApp::with_demo().await;
    let data = app
        .data(
            "{ projects(search: \"SIPOCA 1102\") { totalCount edges { node {
                 code programme contractNumber startDate owner { name }
                 indicators(first: 20) { totalCount edges { node { name target achieved progress } } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["projects"]["totalCount"], 1);
    let project = &data["projects"]["edges"][0]["node"];
    assert_eq!(project["code"], "SIPOCA 1102 / SMIS 151977");
    assert_eq!(project["contractNumber"], "582/15.09.2021");
    assert_eq!(project["startDate"], "2021-09-15");
    assert_eq!(project["owner"]["name"], "Municipiul Lugoj");
    let indicators = project["indicators"]["edges"].as_array().unwrap();
    assert_eq!(indicators.len(), 8);
    let achieved = |needle: &str| {
        indicators
            .iter()
            .map(|e| &e["node"])
            .find(|n| n["name"].as_str().unwrap().contains(needle))
            .map(|n| n["achieved"].as_f64().unwrap())
            .unwrap_or_else(|| panic!("no indicator about {needle}"))
    };
    assert_eq!(achieved("auditori"), 5.0);
    assert_eq!(achieved("ISO 37001"), 1.0);
    assert!(indicators.iter().all(|e| e["node"]["progress"] == 1.0));
}

#[tokio::test]
async fn a_newcomer_searches_in_romanian_without_diacritics() {
    let app = TestApp::with_demo().await;
    let data = app
        .data(
            "{ documents(search: \"ghid de bune practici\", orderBy: { field: RELEVANCE }) { totalCount edges { node { title } } }
               activities(search: \"constientizare\") { totalCount edges { node { title } } } }",
            json!({}),
        )
        .await;
    assert!(
        data["documents"]["totalCount"].as_i64().unwrap() >= 2,
        "{data}"
    );
    // Best first: a guide's title holds the words, so a guide leads.
    let best = data["documents"]["edges"][0]["node"]["title"]
        .as_str()
        .unwrap()
        .to_lowercase();
    assert!(best.contains("ghid"), "{data}");
    assert!(
        data["activities"]["totalCount"].as_i64().unwrap() >= 1,
        "{data}"
    );
}

#[tokio::test]
async fn indicator_progress_for_the_dashboard() {
    let app = TestApp::with_demo().await;
    let data = app
        .data(
            "{ stats { indicatorProgress(first: 100) { name target achieved progress } } }",
            json!({}),
        )
        .await;
    let rows = data["stats"]["indicatorProgress"].as_array().unwrap();
    assert_eq!(rows.len(), 15);
    let agreements = rows
        .iter()
        .find(|r| {
            r["name"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("acorduri")
        })
        .unwrap();
    assert_eq!(agreements["target"], 3.0);
    assert!(
        (agreements["progress"].as_f64().unwrap() - agreements["achieved"].as_f64().unwrap() / 3.0)
            .abs()
            < 1e-9
    );
}

#[tokio::test]
async fn a_municipality_dashboard_scopes_every_figure_to_it() {
    let app = TestApp::with_demo().await;
    let data = app
        .data(
            "{ organizationBySlug(slug: \"municipiul-lugoj\") { id } }",
            json!({}),
        )
        .await;
    let lugoj = data["organizationBySlug"]["id"].clone();
    let data = app
        .data(
            "query($org: ID!) { stats(organizationId: $org) {
                 peopleTrainedByYear { key count }
                 agreementsByStatus { key count }
                 indicatorProgress { name } } }",
            json!({ "org": lugoj }),
        )
        .await;
    let stats = &data["stats"];
    assert_eq!(
        stats["peopleTrainedByYear"],
        json!([{ "key": "2021", "count": 5 }, { "key": "2022", "count": 50 }]),
        "the 2019 courses belong to another municipality"
    );
    let agreements: i64 = stats["agreementsByStatus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_i64().unwrap())
        .sum();
    let listed = app
        .data(
            "query($org: ID!) { agreements(filter: { partyId: $org }) { totalCount } }",
            json!({ "org": lugoj }),
        )
        .await;
    assert_eq!(
        agreements,
        listed["agreements"]["totalCount"].as_i64().unwrap()
    );
    assert_eq!(stats["indicatorProgress"].as_array().unwrap().len(), 8);
}

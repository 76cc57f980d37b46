//! The synthetic dataset: the proportions the benchmarks rely on, the same
//! data for the same seed, and a refusal to load over existing data.

use pactum::seed::synthetic::{SyntheticSpec, seed_synthetic};
use pactum_tests::TestApp;
use serde_json::json;

const PEEK: &str = "{ organizations { totalCount } agreements { totalCount } documents(first: 5, orderBy: { field: TITLE }) { totalCount edges { node { title tags } } }
                      activities { totalCount } projects { totalCount } }";

async fn loaded(orgs: usize, seed: u64) -> TestApp {
    let app = TestApp::spawn().await;
    let report = seed_synthetic(
        &app.db,
        SyntheticSpec {
            organizations: orgs,
            seed,
            progress: false,
        },
    )
    .await
    .expect("synthetic data loads");
    let count = |table: &str| {
        report
            .rows
            .iter()
            .find(|(t, _)| *t == table)
            .map(|(_, n)| *n)
            .unwrap()
    };
    assert_eq!(count("organizations"), orgs);
    assert_eq!(count("agreements"), orgs * 5);
    assert_eq!(count("documents"), orgs * 10);
    assert_eq!(count("activities"), orgs * 5);
    let parties = count("agreement_parties") as f64 / count("agreements") as f64;
    assert!(
        (2.0..=4.0).contains(&parties),
        "{parties} parties per agreement"
    );
    app
}

#[tokio::test]
async fn loads_the_promised_shape_with_every_visibility() {
    let app = loaded(40, 7).await;
    let data = app.data(PEEK, json!({})).await;
    assert_eq!(data["organizations"]["totalCount"], 40);
    let public_agreements = data["agreements"]["totalCount"].as_i64().unwrap();
    assert!(
        public_agreements > 0 && public_agreements < 200,
        "some agreements are not public: {public_agreements}"
    );
    let public_documents = data["documents"]["totalCount"].as_i64().unwrap();
    assert!(public_documents > 0 && public_documents < 400);
    let titles: Vec<&str> = data["documents"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.chars().any(|c| "ăâîșțĂÂÎȘȚ".contains(c))),
        "Romanian text: {titles:?}"
    );
    let found = app
        .data(
            "{ documents(search: \"coruptiei\") { totalCount } }",
            json!({}),
        )
        .await;
    assert!(
        found["documents"]["totalCount"].as_i64().unwrap() > 0,
        "diacritics-free search finds generated text"
    );
    // Identity sequences continue after the generated ids.
    pactum_tests::fixtures::organization(
        &app.db,
        "nou",
        "Nou",
        entities::enums::OrganizationKind::Ngo,
        None,
    )
    .await;
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data() {
    let (a, b, c) = (
        loaded(20, 42).await,
        loaded(20, 42).await,
        loaded(20, 43).await,
    );
    let (a, b, c) = (
        a.data(PEEK, json!({})).await,
        b.data(PEEK, json!({})).await,
        c.data(PEEK, json!({})).await,
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[tokio::test]
async fn refuses_to_load_over_existing_data() {
    let app = TestApp::with_demo().await;
    let refused = seed_synthetic(
        &app.db,
        SyntheticSpec {
            organizations: 10,
            seed: 1,
            progress: false,
        },
    )
    .await;
    assert!(refused.is_err());
    let data = app
        .data("{ organizations { totalCount } }", json!({}))
        .await;
    assert_eq!(data["organizations"]["totalCount"], 9, "nothing was added");
}

#[tokio::test]
async fn statuses_agree_with_the_dates_so_a_server_starting_on_it_has_nothing_to_expire() {
    let app = loaded(40, 3).await;
    let today = chrono::Utc::now().date_naive();
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let overdue = entities::agreement::Entity::find()
        .filter(entities::agreement::Column::Status.eq(entities::enums::AgreementStatus::Active))
        .filter(entities::agreement::Column::EndDate.lt(today))
        .count(&app.db)
        .await
        .expect("counted");
    assert_eq!(overdue, 0, "ACTIVE agreements past their end date");
    let expired = app
        .data(
            "{ agreements(filter: { statuses: [EXPIRED] }) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(expired["agreements"]["totalCount"].as_i64().unwrap() > 0);
}

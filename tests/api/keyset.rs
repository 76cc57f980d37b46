//! Keyset cursors: a page starts after a row, not after N rows, so records
//! created or deleted between two requests neither repeat nor skip one;
//! undated records sort last in both directions; and a cursor only pages
//! the list and order that returned it.

use entities::{
    document,
    enums::{AgreementStatus, DocumentKind, OrganizationKind, Visibility},
};
use pactum_tests::{
    TestApp,
    fixtures::{self, date},
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};

const DOCUMENTS: &str = "query($first: Int, $after: String, $last: Int, $before: String,
                               $order: DocumentOrder) {
    documents(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
        pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
        edges { cursor node { title publishedOn } }
    }
}";

fn titles(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["title"].as_str().expect("title").to_owned())
        .collect()
}

async fn documents(app: &TestApp, variables: Value) -> Value {
    app.data(DOCUMENTS, variables).await["documents"].clone()
}

async fn owner(app: &TestApp) -> i64 {
    fixtures::organization(
        &app.db,
        "municipiul-lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await
    .id
}

async fn guide(app: &TestApp, owner: i64, title: &str) -> document::Model {
    fixtures::document(
        &app.db,
        owner,
        title,
        DocumentKind::GoodPracticeGuide,
        Visibility::Public,
        "ro",
        &[],
    )
    .await
}

/// Pages through the whole list `size` at a time, forwards.
async fn every_page(app: &TestApp, size: usize, order: Value) -> Vec<String> {
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = documents(
            app,
            json!({ "first": size, "after": after, "order": order }),
        )
        .await;
        seen.extend(titles(&page));
        if page["pageInfo"]["hasNextPage"] != true {
            return seen;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn a_document_created_or_deleted_between_two_pages_neither_repeats_nor_skips_one() {
    let app = TestApp::spawn().await;
    let owner = owner(&app).await;
    let mut made = Vec::new();
    for n in 1..=9 {
        made.push(guide(&app, owner, &format!("Ghid {n}")).await);
    }
    // Newest first (the default): Ghid 9 … Ghid 1.
    let first = documents(&app, json!({ "first": 4 })).await;
    assert_eq!(titles(&first), ["Ghid 9", "Ghid 8", "Ghid 7", "Ghid 6"]);

    // A partner publishes a new guide and the reader's first page loses a
    // record before the reader asks for the next page.
    guide(&app, owner, "Ghid 10").await;
    document::Entity::delete_by_id(made[7].id)
        .exec(&app.db)
        .await
        .expect("Ghid 8 deleted");

    let second = documents(
        &app,
        json!({ "first": 4, "after": first["pageInfo"]["endCursor"] }),
    )
    .await;
    assert_eq!(titles(&second), ["Ghid 5", "Ghid 4", "Ghid 3", "Ghid 2"]);
    assert_eq!(second["pageInfo"]["hasPreviousPage"], true);

    // Backwards from the second page's start: the rows before it now.
    let back = documents(
        &app,
        json!({ "last": 2, "before": second["pageInfo"]["startCursor"] }),
    )
    .await;
    assert_eq!(titles(&back), ["Ghid 7", "Ghid 6"]);
    assert_eq!(back["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(back["pageInfo"]["hasNextPage"], true);

    // A cursor still works after its own row is gone.
    let gone = documents(&app, json!({ "first": 4 })).await;
    let after_ghid_10 = gone["edges"][0]["cursor"].clone();
    document::Entity::delete_by_id(made[8].id)
        .exec(&app.db)
        .await
        .expect("Ghid 9 deleted");
    let next = documents(&app, json!({ "first": 2, "after": after_ghid_10 })).await;
    assert_eq!(titles(&next), ["Ghid 7", "Ghid 6"]);
}

#[tokio::test]
async fn undated_documents_sort_last_whichever_the_direction_and_pages_cover_each_once() {
    let app = TestApp::spawn().await;
    let owner = owner(&app).await;
    // Seven documents, three of them unpublished; two share a day.
    let days = [
        ("A", Some((2021, 5, 1))),
        ("B", None),
        ("C", Some((2023, 1, 9))),
        ("D", Some((2021, 5, 1))),
        ("E", None),
        ("F", Some((2019, 2, 2))),
        ("G", None),
    ];
    for (title, day) in days {
        let made = guide(&app, owner, title).await;
        let mut row = made.into_active_model();
        row.published_on = Set(day.map(|(y, m, d)| date(y, m, d)));
        row.update(&app.db).await.expect("publication day set");
    }
    let ascending = json!({ "field": "PUBLISHED_ON", "direction": "ASC" });
    let descending = json!({ "field": "PUBLISHED_ON", "direction": "DESC" });
    // Ties (the same day, or none) go by id in the list's direction.
    assert_eq!(
        every_page(&app, 2, ascending.clone()).await,
        ["F", "A", "D", "C", "B", "E", "G"]
    );
    assert_eq!(
        every_page(&app, 2, descending.clone()).await,
        ["C", "D", "A", "F", "G", "E", "B"]
    );
    // One at a time gives the same order as one large page.
    let whole = documents(&app, json!({ "first": 50, "order": descending })).await;
    assert_eq!(every_page(&app, 1, descending).await, titles(&whole));
    assert_eq!(whole["edges"][6]["node"]["publishedOn"], Value::Null);
}

#[tokio::test]
async fn a_cursor_pages_only_the_list_and_order_that_returned_it() {
    let app = TestApp::spawn().await;
    let lugoj = owner(&app).await;
    let partner = fixtures::organization(
        &app.db,
        "asociatia-civica",
        "Asociatia Civica",
        OrganizationKind::Ngo,
        Some("Timiș"),
    )
    .await;
    for n in 1..=3 {
        guide(&app, lugoj, &format!("Ghid {n}")).await;
        fixtures::agreement(
            &app.db,
            &format!("Acord {n}"),
            &[lugoj, partner.id],
            AgreementStatus::Active,
            Visibility::Public,
            Some(date(2023, n, 1)),
        )
        .await;
    }
    let by_title = json!({ "field": "TITLE", "direction": "ASC" });
    let cursor =
        documents(&app, json!({ "first": 1, "order": by_title })).await["edges"][0]["cursor"]
            .clone();
    // The same order pages on.
    let next = documents(
        &app,
        json!({ "first": 1, "after": cursor, "order": by_title }),
    )
    .await;
    assert_eq!(titles(&next), ["Ghid 2"]);

    let nested = app
        .data(
            "{ organizationBySlug(slug: \"municipiul-lugoj\") { agreements(first: 1) { edges { cursor } } } }",
            json!({}),
        )
        .await["organizationBySlug"]["agreements"]["edges"][0]["cursor"]
        .clone();
    let refused = [
        // Another sort of the same list, or the other direction.
        (
            DOCUMENTS,
            json!({ "first": 1, "after": cursor, "order": { "field": "CREATED_AT", "direction": "ASC" } }),
            "after",
        ),
        (
            DOCUMENTS,
            json!({ "last": 1, "before": cursor, "order": { "field": "TITLE", "direction": "DESC" } }),
            "before",
        ),
        // A document cursor on agreements, a nested list's cursor at the root.
        (
            "query($c: String) { agreements(first: 1, after: $c) { totalCount } }",
            json!({ "c": cursor }),
            "after",
        ),
        (
            "query($c: String) { agreements(first: 1, after: $c) { totalCount } }",
            json!({ "c": nested }),
            "after",
        ),
        // An offset cursor of the old kind.
        (
            DOCUMENTS,
            json!({ "first": 1, "after": "Y3Vyc29yOjA" }),
            "after",
        ),
    ];
    for (query, variables, field) in refused {
        let body = app.query(query, variables.clone()).await;
        assert_eq!(
            TestApp::codes(&body),
            ["BAD_USER_INPUT"],
            "{variables}: {body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    app.assert_alive().await;
}

#[tokio::test]
async fn a_nested_list_pages_on_past_an_agreement_added_between_pages() {
    let app = TestApp::spawn().await;
    let lugoj = owner(&app).await;
    let partner = fixtures::organization(
        &app.db,
        "asociatia-civica",
        "Asociatia Civica",
        OrganizationKind::Ngo,
        Some("Timiș"),
    )
    .await;
    for month in 1..=5 {
        fixtures::agreement(
            &app.db,
            &format!("Acord {month}"),
            &[lugoj, partner.id],
            AgreementStatus::Active,
            Visibility::Public,
            Some(date(2023, month, 1)),
        )
        .await;
    }
    const NESTED: &str = "query($after: String) { organizationBySlug(slug: \"municipiul-lugoj\") {
        agreements(first: 2, after: $after) { pageInfo { endCursor hasNextPage } edges { node { title } } } } }";
    let list = |body: &Value| body["organizationBySlug"]["agreements"].clone();
    let first = list(&app.data(NESTED, json!({})).await);
    assert_eq!(titles(&first), ["Acord 5", "Acord 4"]);
    fixtures::agreement(
        &app.db,
        "Acord 6",
        &[lugoj, partner.id],
        AgreementStatus::Active,
        Visibility::Public,
        Some(date(2023, 6, 1)),
    )
    .await;
    let second = list(
        &app.data(NESTED, json!({ "after": first["pageInfo"]["endCursor"] }))
            .await,
    );
    assert_eq!(titles(&second), ["Acord 3", "Acord 2"]);
    assert_eq!(second["pageInfo"]["hasNextPage"], true);
}

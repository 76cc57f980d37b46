//! Relay pagination: `first/after` forwards, `last/before` backwards, page
//! info that tells the truth at both ends, the default page size, nested
//! connections paged the same way, and bad sizes or cursors refused as
//! BAD_USER_INPUT.

use std::collections::HashSet;

use entities::enums::{AgreementStatus, OrganizationKind, Visibility};
use pactum_tests::{
    TestApp,
    fixtures::{self, date},
};
use serde_json::{Value, json};

const ORGANIZATIONS: &str = "query($first: Int, $after: String, $last: Int, $before: String,
                                   $filter: OrganizationFilter) {
    organizations(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { name } }
    }
}";

/// "Primaria 01" ... "Primaria 25": plain ASCII with zero-padded numbers, so
/// the default order by name is the same on every database.
fn name(n: usize) -> String {
    format!("Primaria {n:02}")
}

/// A server holding the 25 organizations `name(1..=25)`, inserted in a
/// shuffled order so that the order by name is not the order of the ids.
async fn twenty_five_organizations() -> TestApp {
    let app = TestApp::spawn().await;
    for i in 0..25 {
        let n = (i * 7) % 25 + 1;
        fixtures::organization(
            &app.db,
            &format!("primaria-{n:02}"),
            &name(n),
            OrganizationKind::Municipality,
            Some("Timiș"),
        )
        .await;
    }
    app
}

fn names(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["name"].as_str().expect("name").to_owned())
        .collect()
}

fn cursors(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["cursor"].as_str().expect("cursor").to_owned())
        .collect()
}

fn expected(range: std::ops::RangeInclusive<usize>) -> Vec<String> {
    range.map(name).collect()
}

/// Checks `hasPreviousPage`/`hasNextPage` and that the start and end
/// cursors are those of the first and last edge.
fn assert_page_info(connection: &Value, has_previous: bool, has_next: bool) {
    let info = &connection["pageInfo"];
    assert_eq!(info["hasPreviousPage"], has_previous, "{connection}");
    assert_eq!(info["hasNextPage"], has_next, "{connection}");
    let cursors = cursors(connection);
    assert_eq!(info["startCursor"], json!(cursors.first()), "{connection}");
    assert_eq!(info["endCursor"], json!(cursors.last()), "{connection}");
}

async fn organizations(app: &TestApp, variables: Value) -> Value {
    app.data(ORGANIZATIONS, variables).await["organizations"].clone()
}

#[tokio::test]
async fn a_reader_pages_forward_ten_at_a_time() {
    let app = twenty_five_organizations().await;

    let first = organizations(&app, json!({ "first": 10 })).await;
    assert_eq!(first["totalCount"], 25);
    assert_eq!(names(&first), expected(1..=10));
    assert_page_info(&first, false, true);

    let second = organizations(
        &app,
        json!({ "first": 10, "after": first["pageInfo"]["endCursor"] }),
    )
    .await;
    assert_eq!(second["totalCount"], 25);
    assert_eq!(names(&second), expected(11..=20));
    assert_page_info(&second, true, true);

    let third = organizations(
        &app,
        json!({ "first": 10, "after": second["pageInfo"]["endCursor"] }),
    )
    .await;
    assert_eq!(third["totalCount"], 25);
    assert_eq!(names(&third), expected(21..=25));
    assert_page_info(&third, true, false);

    // Together the pages hold every organization once, in order, and every
    // edge has its own cursor.
    let all: Vec<String> = [&first, &second, &third]
        .into_iter()
        .flat_map(names)
        .collect();
    assert_eq!(all, expected(1..=25));
    let distinct: HashSet<String> = [&first, &second, &third]
        .into_iter()
        .flat_map(cursors)
        .collect();
    assert_eq!(distinct.len(), 25);

    // Asking for more after the last page gives an empty page that still
    // knows there is something before it.
    let past_the_end = organizations(
        &app,
        json!({ "first": 10, "after": third["pageInfo"]["endCursor"] }),
    )
    .await;
    assert_eq!(past_the_end["totalCount"], 25);
    assert!(names(&past_the_end).is_empty());
    assert_eq!(past_the_end["pageInfo"]["hasNextPage"], false);
    assert_eq!(past_the_end["pageInfo"]["hasPreviousPage"], true);
}

#[tokio::test]
async fn a_reader_pages_backward_from_the_end() {
    let app = twenty_five_organizations().await;

    let last = organizations(&app, json!({ "last": 10 })).await;
    assert_eq!(last["totalCount"], 25);
    assert_eq!(names(&last), expected(16..=25));
    assert_page_info(&last, true, false);

    let before = organizations(
        &app,
        json!({ "last": 10, "before": last["pageInfo"]["startCursor"] }),
    )
    .await;
    assert_eq!(names(&before), expected(6..=15));
    assert_page_info(&before, true, true);

    // Only five are left before that page: `last: 10` gives those five.
    let rest = organizations(
        &app,
        json!({ "last": 10, "before": before["pageInfo"]["startCursor"] }),
    )
    .await;
    assert_eq!(rest["totalCount"], 25);
    assert_eq!(names(&rest), expected(1..=5));
    assert_page_info(&rest, false, true);

    // Backward and forward pages agree on the cursors of the same rows.
    let forward = organizations(&app, json!({ "first": 5 })).await;
    assert_eq!(cursors(&forward), cursors(&rest));
}

#[tokio::test]
async fn a_page_larger_than_the_list_holds_the_whole_list() {
    let app = twenty_five_organizations().await;

    let everything = organizations(&app, json!({ "last": 40 })).await;
    assert_eq!(names(&everything), expected(1..=25));
    assert_page_info(&everything, false, false);

    let everything = organizations(&app, json!({ "first": 100 })).await;
    assert_eq!(names(&everything), expected(1..=25));
    assert_page_info(&everything, false, false);

    // `first` larger than what is left after a cursor.
    let tenth = organizations(&app, json!({ "first": 10 })).await["pageInfo"]["endCursor"].clone();
    let tail = organizations(&app, json!({ "first": 50, "after": tenth })).await;
    assert_eq!(names(&tail), expected(11..=25));
    assert_page_info(&tail, true, false);
}

#[tokio::test]
async fn without_first_or_last_a_page_holds_twenty() {
    let app = twenty_five_organizations().await;
    let page = organizations(&app, json!({})).await;
    assert_eq!(page["totalCount"], 25);
    assert_eq!(names(&page), expected(1..=20));
    assert_page_info(&page, false, true);

    // The same default applies after a cursor.
    let next = organizations(&app, json!({ "after": page["pageInfo"]["endCursor"] })).await;
    assert_eq!(names(&next), expected(21..=25));
    assert_page_info(&next, true, false);
}

#[tokio::test]
async fn an_empty_result_has_no_edges_and_no_cursors() {
    let app = twenty_five_organizations().await;
    for variables in [
        json!({ "filter": { "kinds": ["NGO"] } }),
        json!({ "filter": { "kinds": ["NGO"] }, "first": 10 }),
        json!({ "filter": { "counties": ["Cluj"] }, "last": 10 }),
    ] {
        let empty = organizations(&app, variables.clone()).await;
        assert_eq!(empty["totalCount"], 0, "{variables}");
        assert_eq!(empty["edges"], json!([]), "{variables}");
        assert_eq!(
            empty["pageInfo"],
            json!({
                "hasNextPage": false,
                "hasPreviousPage": false,
                "startCursor": null,
                "endCursor": null,
            }),
            "{variables}"
        );
    }
}

#[tokio::test]
async fn a_nested_connection_pages_like_a_root_list() {
    let app = TestApp::spawn().await;
    let db = &app.db;
    let lugoj = fixtures::organization(
        db,
        "municipiul-lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await;
    let partner = fixtures::organization(
        db,
        "asociatia-civica",
        "Asociatia Civica",
        OrganizationKind::Ngo,
        Some("Timiș"),
    )
    .await;
    // Seven agreements started (and created) a month apart; an organization
    // lists its agreements newest first.
    for month in 1..=7 {
        fixtures::agreement(
            db,
            &format!("Acord {month}"),
            &[lugoj.id, partner.id],
            AgreementStatus::Active,
            Visibility::Public,
            Some(date(2023, month, 1)),
        )
        .await;
    }
    // An agreement Lugoj is no party to stays out of its list.
    let other =
        fixtures::organization(db, "alta", "Alta", OrganizationKind::Ngo, Some("Arad")).await;
    fixtures::agreement(
        db,
        "Acord fara Lugoj",
        &[other.id, partner.id],
        AgreementStatus::Active,
        Visibility::Public,
        Some(date(2023, 9, 1)),
    )
    .await;

    let query = "query($after: String) {
        organizationBySlug(slug: \"municipiul-lugoj\") {
            agreements(first: 3, after: $after) {
                totalCount
                pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
                edges { cursor node { title } }
            }
        }
    }";
    let titles = |connection: &Value| -> Vec<String> {
        connection["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
            .collect()
    };

    let mut after = Value::Null;
    let mut pages = Vec::new();
    for (expected_titles, has_previous, has_next) in [
        (vec!["Acord 7", "Acord 6", "Acord 5"], false, true),
        (vec!["Acord 4", "Acord 3", "Acord 2"], true, true),
        (vec!["Acord 1"], true, false),
    ] {
        let data = app.data(query, json!({ "after": after })).await;
        let page = data["organizationBySlug"]["agreements"].clone();
        assert_eq!(page["totalCount"], 7);
        assert_eq!(titles(&page), expected_titles);
        assert_page_info(&page, has_previous, has_next);
        after = page["pageInfo"]["endCursor"].clone();
        pages.push(page);
    }
    let distinct: HashSet<String> = pages.iter().flat_map(cursors).collect();
    assert_eq!(distinct.len(), 7);

    // Backwards works on nested lists too.
    let data = app
        .data(
            "{ organizationBySlug(slug: \"municipiul-lugoj\") {
                 agreements(last: 2) { totalCount edges { node { title } }
                   pageInfo { hasNextPage hasPreviousPage } } } }",
            json!({}),
        )
        .await;
    let page = &data["organizationBySlug"]["agreements"];
    assert_eq!(titles(page), ["Acord 2", "Acord 1"]);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(page["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn bad_page_sizes_and_cursors_are_bad_user_input() {
    let app = twenty_five_organizations().await;
    let valid_cursor =
        organizations(&app, json!({ "first": 1 })).await["pageInfo"]["endCursor"].clone();
    assert!(valid_cursor.is_string());

    for variables in [
        json!({ "first": 101 }),
        json!({ "last": 101 }),
        json!({ "first": -1 }),
        json!({ "last": -1 }),
        json!({ "after": "garbage" }),
        json!({ "before": "garbage" }),
        // base64url of "nope": decodes, but is no cursor.
        json!({ "before": "bm9wZQ" }),
        json!({ "after": "bm9wZQ" }),
        // A real cursor does not excuse a bad size.
        json!({ "first": 101, "after": valid_cursor }),
    ] {
        let body = app.query(ORGANIZATIONS, variables.clone()).await;
        assert_eq!(
            TestApp::codes(&body),
            ["BAD_USER_INPUT"],
            "{variables}: {body}"
        );
        assert!(
            body["data"]["organizations"].is_null(),
            "{variables}: {body}"
        );
    }

    // The same checks guard nested connections.
    for args in [
        "first: 101",
        "first: -1",
        "after: \"garbage\"",
        "before: \"bm9wZQ\"",
    ] {
        let query = format!(
            "{{ organizationBySlug(slug: \"primaria-01\") {{ name agreements({args}) {{ totalCount }} }} }}"
        );
        let body = app.query(&query, json!({})).await;
        assert_eq!(TestApp::codes(&body), ["BAD_USER_INPUT"], "{args}: {body}");
        assert!(
            body["data"]["organizationBySlug"]["agreements"].is_null(),
            "{args}: {body}"
        );
    }
}

#[tokio::test]
async fn paging_forward_without_total_count_knows_when_the_end_is_reached() {
    let app = twenty_five_organizations().await;
    let query = "query($first: Int, $after: String) { organizations(first: $first, after: $after) {
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { name } } } }";
    let mut after = Value::Null;
    let mut seen = Vec::new();
    // Pages of 5 end exactly at the last row: the last page must not claim more.
    for page in 0..5 {
        let connection =
            app.data(query, json!({ "first": 5, "after": after })).await["organizations"].clone();
        assert_page_info(&connection, page > 0, page < 4);
        seen.extend(names(&connection));
        after = connection["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, expected(1..=25));
    let past =
        app.data(query, json!({ "first": 5, "after": after })).await["organizations"].clone();
    assert_eq!(names(&past), Vec::<String>::new());
    assert_eq!(past["pageInfo"]["hasNextPage"], false);
}

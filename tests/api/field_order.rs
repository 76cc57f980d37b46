//! Response maps follow the query: each key where the selection first
//! names it (aliases, fragment spreads and inline fragments expanded in
//! place), for queries and mutation payloads, byte for byte the same for
//! the same request.

use entities::enums::{AgreementStatus, MemberRole, OrganizationKind, Visibility};
use pactum_tests::{
    TestApp, accounts,
    fixtures::{self, date},
    global_id,
};
use serde_json::json;

/// The keys under the top-level `data` of a JSON text, in the order the
/// text holds them (a parsed `serde_json::Value` would sort them).
fn data_keys(body: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let (mut depth, mut top) = (0usize, String::new());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            '"' => {
                let mut text = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            text.push(c);
                            text.extend(chars.next());
                        }
                        '"' => break,
                        _ => text.push(c),
                    }
                }
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if chars.peek() == Some(&':') {
                    if depth == 1 {
                        top = text;
                    } else if top == "data" {
                        keys.push(text);
                    }
                }
            }
            _ => {}
        }
    }
    keys
}

async fn raw(
    app: &TestApp,
    secret: Option<&str>,
    query: &str,
    variables: serde_json::Value,
) -> String {
    let mut request = app
        .client
        .post(app.graphql_url())
        .header("content-type", "application/json");
    if let Some(secret) = secret {
        request = request.header("authorization", format!("Bearer {secret}"));
    }
    request
        .body(json!({ "query": query, "variables": variables }).to_string())
        .send()
        .await
        .expect("request sent")
        .text()
        .await
        .expect("body read")
}

const DASHBOARD: &str = "query($slug: String!) {
  z: organizationBySlug(slug: $slug) {
    name
    ...Ids
    kind
    a: slug
    ... on Organization { county name }
    agreements(first: 2) {
      totalCount
      edges { node { title ... on Agreement { status } id } cursor }
      pageInfo { hasNextPage endCursor }
    }
  }
  organizations(first: 1) { pageInfo { hasNextPage } totalCount }
}
fragment Ids on Organization { id slug }";

#[tokio::test]
async fn a_query_comes_back_in_the_order_it_asked_every_time() {
    let app = TestApp::spawn().await;
    let lugoj = fixtures::organization(
        &app.db,
        "municipiul-lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await;
    let partner = fixtures::organization(
        &app.db,
        "asociatia-civica",
        "Asociatia Civica",
        OrganizationKind::Ngo,
        Some("Timiș"),
    )
    .await;
    for month in 1..=3 {
        fixtures::agreement(
            &app.db,
            &format!("Acord {month}"),
            &[lugoj.id, partner.id],
            AgreementStatus::Active,
            Visibility::Public,
            Some(date(2023, month, 1)),
        )
        .await;
    }
    let variables = json!({ "slug": "municipiul-lugoj" });
    let first = raw(&app, None, DASHBOARD, variables.clone()).await;
    let edge = ["node", "title", "status", "id", "cursor"];
    let expected: Vec<&str> = ["z", "name", "id", "slug", "kind", "a", "county"]
        .into_iter()
        .chain(["agreements", "totalCount", "edges"])
        .chain(edge)
        .chain(edge)
        .chain(["pageInfo", "hasNextPage", "endCursor"])
        .chain(["organizations", "pageInfo", "hasNextPage", "totalCount"])
        .collect();
    assert_eq!(data_keys(&first), expected, "{first}");
    for _ in 0..20 {
        assert_eq!(raw(&app, None, DASHBOARD, variables.clone()).await, first);
    }
}

#[tokio::test]
async fn a_mutation_payload_comes_back_in_the_order_it_asked() {
    let app = TestApp::spawn().await;
    let org = fixtures::organization(
        &app.db,
        "municipiul-lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await;
    let admin = accounts::member_session(&app.db, org.id, MemberRole::Admin).await;
    let invite = "mutation($org: ID!, $email: String!) {
      inviteMember(input: { organizationId: $org, email: $email, role: VIEWER }) {
        userErrors { code }
        invitation { role email organization { slug name } id }
      } }";
    for n in 0..10 {
        let body = raw(
            &app,
            Some(&admin),
            invite,
            json!({ "org": global_id("Organization", org.id), "email": format!("p{n}@lugoj.ro") }),
        )
        .await;
        assert_eq!(
            data_keys(&body),
            [
                "inviteMember",
                "userErrors",
                "invitation",
                "role",
                "email",
                "organization",
                "slug",
                "name",
                "id"
            ],
            "{body}"
        );
    }
}

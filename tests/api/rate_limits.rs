//! Rate limits as clients meet them: a budget of cost points per client IP
//! (anonymous) or per session/token, charged a point at the door and the
//! query's complexity before it runs, reported in `extensions.cost` of
//! every response, and refused with 429 and `Retry-After` when spent — while
//! other clients are served as before.

use std::net::IpAddr;

use entities::enums::{OrganizationKind, TokenScope, Visibility};
use pactum::config::Config;
use pactum_tests::{TestApp, accounts, fixtures, global_id};

use super::documents_writes::upload;
use serde_json::{Value, json};

const QUERY: &str = "{ organizations(first: 10) { totalCount edges { node { name } } } }";

/// Budgets small enough to spend in a test, refilled by one point a
/// second (nothing a test notices).
fn small_budgets(c: &mut Config) {
    c.rate_limit_enabled = true;
    c.max_complexity = 1_000;
    c.rate_limit_anonymous_burst = 1_000;
    c.rate_limit_anonymous_per_second = 1;
    c.rate_limit_authenticated_burst = 1_000;
    c.rate_limit_authenticated_per_second = 1;
}

/// A client whose requests come from `ip` (any 127.0.0.0/8 address works
/// on loopback).
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

struct Answer {
    status: u16,
    retry_after: Option<u64>,
    body: Value,
}

async fn ask(
    app: &TestApp,
    client: &reqwest::Client,
    bearer: Option<&str>,
    extra: &[(&str, &str)],
) -> Answer {
    let mut request = client
        .post(app.graphql_url())
        .header("content-type", "application/json")
        .body(json!({ "query": QUERY }).to_string());
    if let Some(secret) = bearer {
        request = request.header("authorization", format!("Bearer {secret}"));
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = response.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        retry_after,
        body,
    }
}

/// Spends a budget until it refuses; returns the answers that got through
/// and the refusal.
async fn spend(
    app: &TestApp,
    client: &reqwest::Client,
    bearer: Option<&str>,
    extra: &[(&str, &str)],
) -> (Vec<Answer>, Answer) {
    let mut served = Vec::new();
    for _ in 0..200 {
        let answer = ask(app, client, bearer, extra).await;
        if answer.status == 429 {
            return (served, answer);
        }
        assert_eq!(answer.status, 200, "{}", answer.body);
        served.push(answer);
    }
    panic!("200 requests and no 429");
}

fn available(answer: &Answer) -> i64 {
    answer.body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"]
        .as_i64()
        .unwrap_or_else(|| panic!("no throttle status: {}", answer.body))
}

fn assert_refused(answer: &Answer) {
    assert_eq!(answer.status, 429, "{}", answer.body);
    assert!(
        answer.retry_after.is_some_and(|s| s >= 1),
        "Retry-After missing"
    );
    assert_eq!(
        TestApp::codes(&answer.body),
        ["RATE_LIMITED"],
        "{}",
        answer.body
    );
    assert!(
        answer.body["errors"][0]["extensions"]["retryAfter"].as_u64() >= Some(1),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn every_response_reports_its_cost_and_the_budget_left() {
    let app = TestApp::spawn_with(small_budgets).await;
    let client = client_from("127.0.0.1");
    let (served, refused) = spend(&app, &client, None, &[]).await;
    let cost = served[0].body["extensions"]["cost"]["requestedQueryCost"]
        .as_i64()
        .unwrap();
    assert!(cost > 10, "a list of ten costs more than ten: {cost}");
    let status = &served[0].body["extensions"]["cost"]["throttleStatus"];
    assert_eq!(status["maximumAvailable"], 1_000);
    assert_eq!(status["restoreRate"], 1);
    // Each request takes its cost plus the point at the door (give or take
    // the point a second that comes back).
    for pair in served.windows(2) {
        let spent = available(&pair[0]) - available(&pair[1]);
        assert!(
            (cost - 1..=cost + 1).contains(&spent),
            "spent {spent}, cost {cost}"
        );
    }
    let fit = 1_000 / (cost + 1);
    assert!(
        (fit..=fit + 1).contains(&(served.len() as i64)),
        "{} requests of {cost} points fit in 1000",
        served.len()
    );
    assert_refused(&refused);

    // Another address has its own budget.
    let other = ask(&app, &client_from("127.0.0.2"), None, &[]).await;
    assert_eq!(other.status, 200, "{}", other.body);
    assert!(available(&other) > 1_000 - 2 * cost);

    // Switched off, responses still tell the cost.
    let app = TestApp::spawn().await;
    let answer = ask(&app, &client, None, &[]).await;
    assert_eq!(
        answer.body["extensions"]["cost"]["requestedQueryCost"],
        cost
    );
    assert!(answer.body["extensions"]["cost"]["throttleStatus"].is_null());
}

#[tokio::test]
async fn sessions_and_tokens_have_budgets_of_their_own() {
    let app = TestApp::spawn_with(small_budgets).await;
    let org = fixtures::organization(
        &app.db,
        "asociatia-test",
        "Asociația Test",
        OrganizationKind::Ngo,
        None,
    )
    .await;
    let token_a = accounts::api_token(&app.db, org.id, TokenScope::Read).await;
    let token_b = accounts::api_token(&app.db, org.id, TokenScope::Read).await;
    let session =
        accounts::member_session(&app.db, org.id, entities::enums::MemberRole::Viewer).await;
    let client = client_from("127.0.0.1");
    let (_, refused) = spend(&app, &client, Some(&token_a), &[]).await;
    assert_refused(&refused);
    // The same address, other credentials or none: untouched budgets.
    for bearer in [Some(token_b.as_str()), Some(session.as_str()), None] {
        let answer = ask(&app, &client, bearer, &[]).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
}

#[tokio::test]
async fn refused_credentials_and_refused_documents_cost_too() {
    let app = TestApp::spawn_with(|c| {
        small_budgets(c);
        c.max_complexity = 10;
        c.rate_limit_anonymous_burst = 10;
    })
    .await;
    // Bad tokens: a point each at the door, before the lookup; about ten
    // (one point a second comes back) spend the address.
    let client = client_from("127.0.0.1");
    let mut unauthenticated = 0;
    let refused = loop {
        let answer = ask(&app, &client, Some("pct_t_not-a-real-token"), &[]).await;
        if answer.status != 401 {
            break answer;
        }
        unauthenticated += 1;
        assert!(unauthenticated <= 20, "bad tokens are never refused");
    };
    assert!((10..=13).contains(&unauthenticated), "{unauthenticated}");
    assert_refused(&refused);
    assert_refused(&ask(&app, &client, None, &[]).await);

    // Documents the parser refuses pay the door and their parse price (a
    // point each here): about five spend the address, and each answer
    // says what it cost.
    let client = client_from("127.0.0.3");
    let mut parsed = 0;
    let refused = loop {
        let response = client
            .post(app.graphql_url())
            .header("content-type", "application/json")
            .body(json!({ "query": "{ not graphql" }).to_string())
            .send()
            .await
            .unwrap();
        if response.status() == 429 {
            break response;
        }
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(TestApp::codes(&body), ["GRAPHQL_PARSE_FAILED"], "{body}");
        assert_eq!(
            body["extensions"]["cost"]["requestedQueryCost"], 1,
            "{body}"
        );
        assert!(
            body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"].is_number(),
            "{body}"
        );
        parsed += 1;
        assert!(parsed <= 20, "refused documents are free");
    };
    assert!((5..=8).contains(&parsed), "{parsed}");
    assert!(refused.headers().get("retry-after").is_some());

    // A batch pays for each of its operations.
    let client = client_from("127.0.0.6");
    let batch: Vec<Value> = (0..10)
        .map(|_| json!({ "query": "{ not graphql" }))
        .collect();
    let response = client
        .post(app.graphql_url())
        .header("content-type", "application/json")
        .body(Value::Array(batch).to_string())
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(TestApp::codes(&body[9]), ["RATE_LIMITED"], "{body}");
}

#[tokio::test]
async fn login_routes_and_downloads_are_limited_per_client() {
    let app = TestApp::spawn_with(|c| {
        small_budgets(c);
        c.rate_limit_login_per_minute = 3;
        c.rate_limit_download_cost = 400;
    })
    .await;
    let client = client_from("127.0.0.1");
    let providers = format!("{}/auth/providers", app.address);
    for _ in 0..3 {
        assert_eq!(client.get(&providers).send().await.unwrap().status(), 200);
    }
    let response = client.get(&providers).send().await.unwrap();
    assert_eq!(response.status(), 429);
    assert!(response.headers().get("retry-after").is_some());
    let body: Value = response.json().await.unwrap();
    assert_eq!(TestApp::codes(&body), ["RATE_LIMITED"]);
    let other = client_from("127.0.0.4")
        .get(&providers)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);

    // A PUBLIC file: two downloads of 400 points fit in 1000, a third not.
    let (org, document) = fixtures::municipality_with_guide(&app.db, Visibility::Public).await;
    let token = accounts::api_token(&app.db, org.id, TokenScope::ReadWrite).await;
    let (_, uploaded) = upload(
        &app,
        Some(&token),
        &global_id("Document", document.id),
        "ghid.txt",
        "text/plain",
        b"Ghid de integritate",
    )
    .await;
    let url = uploaded["data"]["addDocumentVersion"]["version"]["downloadUrl"]
        .as_str()
        .unwrap_or_else(|| panic!("{uploaded}"))
        .to_owned();
    let url = if url.starts_with("http") {
        url
    } else {
        format!("{}{url}", app.address)
    };
    let downloader = client_from("127.0.0.5");
    for _ in 0..2 {
        assert_eq!(downloader.get(&url).send().await.unwrap().status(), 200);
    }
    let refused = downloader.get(&url).send().await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().get("retry-after").is_some());
}

#[tokio::test]
async fn the_client_address_comes_from_a_trusted_proxy_only() {
    let forwarded = |ip: &'static str| [("x-forwarded-for", ip)];
    // Behind a trusted proxy, each forwarded client has its own budget.
    let app = TestApp::spawn_with(|c| {
        small_budgets(c);
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let proxy = client_from("127.0.0.1");
    let (_, refused) = spend(&app, &proxy, None, &forwarded("198.51.100.1")).await;
    assert_refused(&refused);
    let answer = ask(&app, &proxy, None, &forwarded("198.51.100.2")).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // A client appending its own entry still pays as itself.
    let answer = ask(&app, &proxy, None, &forwarded("203.0.113.9, 198.51.100.1")).await;
    assert_eq!(answer.status, 429, "{}", answer.body);

    // Without trusted proxies the header is ignored: one budget.
    let app = TestApp::spawn_with(small_budgets).await;
    let (_, refused) = spend(&app, &proxy, None, &forwarded("198.51.100.1")).await;
    assert_refused(&refused);
    let answer = ask(&app, &proxy, None, &forwarded("198.51.100.2")).await;
    assert_eq!(answer.status, 429, "{}", answer.body);
}

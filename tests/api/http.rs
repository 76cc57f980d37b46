//! GraphQL over HTTP as the GraphQL-over-HTTP specification describes it,
//! and every trap of the stock integration closed: mutations never over GET
//! or `text/plain`, internal errors masked, batches and bodies capped,
//! suggestions off in production mode.

use pactum_tests::TestApp;
use serde_json::{Value, json};

const QUERY: &str = "{ organizations(first: 1) { totalCount } }";

async fn get(app: &TestApp, query: &str, accept: Option<&str>) -> (u16, String, Value) {
    let mut request = app.client.get(app.graphql_url()).query(&[("query", query)]);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    read(request).await
}

async fn post(
    app: &TestApp,
    content_type: &str,
    accept: Option<&str>,
    body: String,
) -> (u16, String, Value) {
    let mut request = app
        .client
        .post(app.graphql_url())
        .header("content-type", content_type)
        .body(body);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    read(request).await
}

/// Sends `request`; returns status, Content-Type and the body (JSON when it
/// parses, else the text).
async fn read(request: reqwest::RequestBuilder) -> (u16, String, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.text().await.unwrap();
    (
        status,
        content_type,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

#[tokio::test]
async fn a_query_over_post_returns_data() {
    let app = TestApp::with_demo().await;
    let data = app.data(QUERY, json!({})).await;
    assert_eq!(data["organizations"]["totalCount"], 9);
}

#[tokio::test]
async fn queries_may_use_get_and_the_response_type_follows_accept() {
    let app = TestApp::with_demo().await;
    let (status, content_type, body) = get(&app, QUERY, None).await;
    assert_eq!(status, 200);
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    assert_eq!(body["data"]["organizations"]["totalCount"], 9);

    let (status, content_type, _) =
        get(&app, QUERY, Some("application/graphql-response+json")).await;
    assert_eq!(status, 200);
    assert!(
        content_type.starts_with("application/graphql-response+json"),
        "{content_type}"
    );

    let (status, _, _) = get(&app, QUERY, Some("text/xml")).await;
    assert_eq!(status, 406, "an unsatisfiable Accept is refused");
}

#[tokio::test]
async fn mutations_over_get_are_refused_with_405() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.graphql_url())
        .query(&[("query", "mutation { __typename }")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers().get("allow").unwrap(), "POST");
}

#[tokio::test]
async fn non_json_posts_are_refused_with_415() {
    let app = TestApp::spawn().await;
    let body = json!({ "query": QUERY }).to_string();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin1",
    ] {
        let (status, _, _) = post(&app, content_type, None, body.clone()).await;
        assert_eq!(status, 415, "{content_type}");
    }
    let response = app
        .client
        .post(app.graphql_url())
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        415,
        "a POST without Content-Type is refused"
    );
}

#[tokio::test]
async fn malformed_bodies_get_400() {
    let app = TestApp::spawn().await;
    let (status, _, body) = post(&app, "application/json", None, "{not json".into()).await;
    assert_eq!(status, 400);
    assert!(body["errors"].is_array());
    let (status, _, _) = post(
        &app,
        "application/json",
        None,
        json!({ "variables": {} }).to_string(),
    )
    .await;
    assert_eq!(
        status, 400,
        "a body without a query is not a GraphQL request"
    );
}

#[tokio::test]
async fn request_errors_are_400_only_for_graphql_response_json() {
    let app = TestApp::spawn().await;
    let broken = json!({ "query": "{ organizations(" }).to_string();
    let invalid = json!({ "query": "{ noSuchField }" }).to_string();

    let (status, _, body) = post(
        &app,
        "application/json",
        Some("application/json"),
        broken.clone(),
    )
    .await;
    assert_eq!(status, 200, "legacy application/json answers 200");
    assert_eq!(TestApp::codes(&body), ["GRAPHQL_PARSE_FAILED"]);
    assert!(
        body.get("data").is_none(),
        "request errors carry no data entry: {body}"
    );

    let accept = Some("application/graphql-response+json");
    let (status, _, body) = post(&app, "application/json", accept, broken).await;
    assert_eq!(status, 400);
    assert_eq!(TestApp::codes(&body), ["GRAPHQL_PARSE_FAILED"]);
    let (status, _, body) = post(&app, "application/json", accept, invalid).await;
    assert_eq!(status, 400);
    assert_eq!(TestApp::codes(&body), ["GRAPHQL_VALIDATION_FAILED"]);
}

#[tokio::test]
async fn field_errors_keep_the_data_and_a_200() {
    let app = TestApp::with_demo().await;
    let accept = Some("application/graphql-response+json");
    let query = json!({ "query": "{ organizations(first: 1) { totalCount } organization(id: \"nope\") { name } }" });
    let (status, _, body) = post(&app, "application/json", accept, query.to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["organizations"]["totalCount"], 9);
    assert_eq!(body["data"]["organization"], Value::Null);
    assert_eq!(TestApp::codes(&body), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn suggestions_are_off_in_production_and_on_in_development() {
    let production = TestApp::spawn().await;
    let body = production
        .query("{ organizationz { totalCount } }", json!({}))
        .await;
    let message = TestApp::message(&body);
    assert!(!message.contains("Did you mean"), "{message}");

    let development = TestApp::spawn_with(|c| c.mode = pactum::config::Mode::Development).await;
    let body = development
        .query("{ organizationz { totalCount } }", json!({}))
        .await;
    let message = TestApp::message(&body);
    assert!(message.contains("Did you mean"), "{message}");
}

#[tokio::test]
async fn internal_errors_are_masked_and_carry_the_request_id() {
    let app = TestApp::spawn().await;
    // Break the database under the running server: the next query fails in SQL.
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared("DROP TABLE document_tags")
        .await
        .unwrap();
    pactum_tests::fixtures::organization(
        &app.db,
        "o",
        "O",
        entities::enums::OrganizationKind::Ngo,
        None,
    )
    .await;
    let response = app
        .client
        .post(app.graphql_url())
        .header("content-type", "application/json")
        .body(
            json!({ "query": "{ documents(filter: { tags: [\"x\"] }) { totalCount } }" })
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    let request_id = response
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(TestApp::codes(&body), ["INTERNAL"]);
    let error = &body["errors"][0];
    assert_eq!(error["message"], "Internal server error");
    assert_eq!(error["extensions"]["requestId"], request_id.as_str());
    let text = body.to_string().to_lowercase();
    for leak in [
        "document_tags",
        "select",
        "sqlite",
        "postgres",
        "relation",
        "table",
    ] {
        assert!(!text.contains(leak), "`{leak}` leaked: {body}");
    }
}

#[tokio::test]
async fn batches_run_and_are_capped() {
    let app = TestApp::with_demo().await;
    let (status, body) = app
        .post_json(json!([{ "query": QUERY }, { "query": "{ projects { totalCount } }" }]))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body[0]["data"]["organizations"]["totalCount"], 9);
    assert_eq!(body[1]["data"]["projects"]["totalCount"], 2);

    let too_many: Vec<Value> = (0..11).map(|_| json!({ "query": QUERY })).collect();
    let (status, body) = app.post_json(Value::Array(too_many)).await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = app.post_json(json!([])).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = TestApp::spawn_with(|c| c.max_body_bytes = 1024).await;
    let padding = " ".repeat(4096);
    let (status, _) = app
        .post_json(json!({ "query": format!("{{ organizations {{ totalCount }} }}{padding}") }))
        .await;
    assert_eq!(status, 413);
}

#[tokio::test]
async fn graphiql_is_served_to_browsers() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.graphql_url())
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("graphiql")
    );
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::spawn().await;
    let ok = |path: &'static str| {
        let url = format!("{}{path}", app.address);
        let client = app.client.clone();
        async move { client.get(url).send().await.unwrap() }
    };
    assert_eq!(ok("/healthz").await.status().as_u16(), 200);
    assert_eq!(ok("/readyz").await.status().as_u16(), 200);
    app.query("{ nope }", json!({})).await;
    let metrics = ok("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("pactum_http_requests_total{route=\"/graphql\",status=\"200\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("pactum_http_request_duration_seconds_bucket"));
    assert!(
        metrics.contains("pactum_graphql_errors_total{code=\"GRAPHQL_VALIDATION_FAILED\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("pactum_db_statements_total"));
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = TestApp::spawn_with(|c| {
        c.cors_allowed_origins = vec!["https://dashboard.example.ro".into()]
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.graphql_url())
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let allowed = preflight("https://dashboard.example.ro").await.unwrap();
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        "https://dashboard.example.ro"
    );
    let refused = preflight("https://evil.example.com").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    let id = response
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
}

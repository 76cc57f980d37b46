//! Who a credential stands for is remembered for a few seconds, so an
//! authenticated request costs the database what an anonymous one costs;
//! a revocation made through this server takes effect at once, and one
//! made elsewhere (another node, straight in the database) within the
//! cache time.

use std::time::Duration;

use entities::{
    enums::{MemberRole, OrganizationKind, TokenScope},
    session,
};
use pactum_tests::{TestApp, accounts, fixtures, global_id};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;

const LIST: &str = "{ organizations(first: 5) { totalCount edges { node { name } } } }";

async fn statements_of(app: &TestApp, secret: Option<&str>) -> (u16, u64) {
    let before = app.statements().await;
    let (status, _) = app.post_json_as(secret, json!({ "query": LIST })).await;
    (status, app.statements().await - before)
}

#[tokio::test]
async fn a_known_token_costs_what_anonymous_costs_and_its_revocation_is_immediate() {
    let app = TestApp::spawn_with(|c| c.actor_cache_seconds = 60).await;
    let org = fixtures::organization(
        &app.db,
        "municipiul-lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await;
    let admin = accounts::member_session(&app.db, org.id, MemberRole::Admin).await;
    let created = app
        .data_as(
            Some(&admin),
            "mutation($org: ID!) { createApiToken(input: { organizationId: $org, name: \"CRM\" }) {
                secret apiToken { id } } }",
            json!({ "org": global_id("Organization", org.id) }),
        )
        .await;
    let token = created["createApiToken"]["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let token_id = created["createApiToken"]["apiToken"]["id"].clone();

    let (_, anonymous) = statements_of(&app, None).await;
    let (status, first_use) = statements_of(&app, Some(&token)).await;
    assert_eq!(status, 200);
    assert!(first_use > anonymous, "the first use looks the token up");
    let (status, known) = statements_of(&app, Some(&token)).await;
    assert_eq!((status, known), (200, anonymous), "a known token is free");

    app.data_as(
        Some(&admin),
        "mutation($id: ID!) { revokeApiToken(input: { apiTokenId: $id }) { userErrors { code } } }",
        json!({ "id": token_id }),
    )
    .await;
    let (status, body) = app
        .post_json_as(Some(&token), json!({ "query": LIST }))
        .await;
    assert_eq!(
        (status, TestApp::codes(&body)),
        (401, vec!["UNAUTHENTICATED".to_owned()])
    );
}

#[tokio::test]
async fn a_session_ended_by_another_node_is_refused_within_the_cache_time() {
    let app = TestApp::spawn_with(|c| c.actor_cache_seconds = 2).await;
    let org = fixtures::organization(
        &app.db,
        "municipiul-lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await;
    let token = accounts::api_token(&app.db, org.id, TokenScope::Read).await;
    let person = accounts::member_session(&app.db, org.id, MemberRole::Viewer).await;
    for secret in [&token, &person] {
        let (status, _) = app
            .post_json_as(Some(secret), json!({ "query": LIST }))
            .await;
        assert_eq!(status, 200);
    }
    // Another node ends the session and revokes the token: this one does
    // not hear of it, and keeps its answer no longer than the cache time.
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(chrono::Utc::now()))
        .filter(session::Column::TokenHash.eq(accounts::secret_hash(&person)))
        .exec(&app.db)
        .await
        .expect("session ended");
    entities::api_token::Entity::update_many()
        .col_expr(
            entities::api_token::Column::RevokedAt,
            Expr::value(chrono::Utc::now()),
        )
        .exec(&app.db)
        .await
        .expect("token revoked");
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    for secret in [&token, &person] {
        let (status, body) = app
            .post_json_as(Some(secret), json!({ "query": LIST }))
            .await;
        assert_eq!(
            (status, TestApp::codes(&body)),
            (401, vec!["UNAUTHENTICATED".to_owned()])
        );
    }
}

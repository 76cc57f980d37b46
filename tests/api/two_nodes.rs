//! Two `pactum serve` processes on one PostgreSQL database, as a
//! deployment behind a load balancer runs them: a change made through
//! node A reaches a sync client reading node B's change feed, also after
//! both nodes' listeners lost their database connections (the feed's
//! horizon job polls only every ten minutes here: B hears of the event by
//! LISTEN/NOTIFY, or catches up when its listener is back); a burst of
//! alerts made through both is mailed exactly once overall while both
//! workers send (each node's `/metrics` counts its share); the daily jobs
//! that both run at start (expiry, expiring-agreement notices) do their
//! work once.

use std::{collections::HashMap, time::Duration};

use chrono::Utc;
use entities::{
    domain_event,
    enums::{
        AgreementStatus, EventKind, Language, MemberRole, OrganizationKind, OutboxStatus,
        Visibility,
    },
    outbox,
};
use pactum_tests::{
    Backend, TestApp, accounts, fixtures, global_id, metric_at, post_graphql, served::Node,
    smtp::SmtpSink,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(60);

async fn post(
    client: &reqwest::Client,
    node: &Node,
    secret: Option<&str>,
    query: &str,
    variables: Value,
) -> Value {
    let body = json!({ "query": query, "variables": variables });
    post_graphql(client, &node.base, secret, &body).await.1
}

async fn metric(client: &reqwest::Client, node: &Node, name: &str) -> f64 {
    metric_at(client, &node.base, name).await
}

/// Publishes a PUBLIC document of `org` through `node`; returns its ID.
async fn publish(
    client: &reqwest::Client,
    node: &Node,
    admin: &str,
    org: i64,
    title: &str,
) -> Value {
    let created = post(client, node, Some(admin),
        "mutation($input: CreateDocumentInput!) { createDocument(input: $input) { document { id } userErrors { code } } }",
        json!({ "input": { "ownerId": global_id("Organization", org), "title": title,
                           "kind": "GOOD_PRACTICE_GUIDE", "visibility": "PUBLIC" } })).await;
    let document = created["data"]["createDocument"]["document"]["id"].clone();
    assert!(document.is_string(), "{created}");
    document
}

/// Waits until `node`'s change feed shows exactly `documents` published.
async fn seen_through(client: &reqwest::Client, node: &Node, documents: &[Value]) {
    let expected: Vec<Value> = documents
        .iter()
        .map(|id| json!({ "recordId": id }))
        .collect();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let feed = post(
            client,
            node,
            None,
            "{ changes(kinds: [DOCUMENT_PUBLISHED]) { changes { recordId } } }",
            json!({}),
        )
        .await;
        if feed["data"]["changes"]["changes"] == json!(expected) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the feed did not show {expected:?}: {feed}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn two_nodes_on_one_database_share_the_work_and_do_it_once() {
    let app = TestApp::spawn().await; // migrates a fresh database; runs no jobs
    if app.backend != Backend::Postgres {
        return; // nodes share a PostgreSQL database; SQLite is the one-node default
    }
    let sink = SmtpSink::start().await;
    let db = &app.db;
    let a = fixtures::organization(
        db,
        "lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await
    .id;
    let b = fixtures::organization(
        db,
        "integritas",
        "Asociația Integritas",
        OrganizationKind::Ngo,
        Some("Timiș"),
    )
    .await
    .id;
    let (_, admin) =
        accounts::person(db, "primar@lugoj.ro", Language::Ro, a, MemberRole::Admin).await;
    accounts::person(
        db,
        "presedinte@integritas.ro",
        Language::En,
        b,
        MemberRole::Admin,
    )
    .await;
    // Daily work waiting for whichever node comes first: ten agreements
    // past their end date, five ending in a week.
    let today = Utc::now().date_naive();
    let mut due = Vec::new();
    for i in 0..10 {
        let agreement = fixtures::agreement(
            db,
            &format!("Protocol încheiat {i}"),
            &[a, b],
            AgreementStatus::Active,
            Visibility::Public,
            Some(fixtures::date(2024, 1, 1)),
        )
        .await;
        due.push(agreement.id);
    }
    for i in 0..5 {
        fixtures::agreement(
            db,
            &format!("Protocol care expiră {i}"),
            &[a, b],
            AgreementStatus::Active,
            Visibility::Public,
            Some(today + chrono::Days::new(7) - chrono::Days::new(365)),
        )
        .await;
    }

    let env = [
        ("PACTUM_CHANGE_HORIZON_INTERVAL_MILLISECONDS", "600000"),
        ("PACTUM_RATE_LIMIT_ENABLED", "false"),
    ];
    let node_a = Node::start(&app, sink.port, &env).await;
    let node_b = Node::start(&app, sink.port, &env).await;
    let client = reqwest::Client::new();

    // A change made through A reaches a sync client reading B.
    let document = publish(&client, &node_a, &admin, a, "Ghid de integritate").await;
    seen_through(&client, &node_b, std::slice::from_ref(&document)).await;
    // A burst of 200 invitations, half made through each node.
    let invite = "mutation($org: ID!, $email: String!) {
      inviteMember(input: { organizationId: $org, email: $email, role: VIEWER }) { userErrors { code } } }";
    let burst = [&node_a, &node_b].map(|node| {
        let client = client.clone();
        let admin = admin.clone();
        let org = global_id("Organization", a);
        let node_base = node.base.clone();
        let offset = if node.base == node_a.base { 0 } else { 100 };
        tokio::spawn(async move {
            for i in 0..100 {
                let request = json!({ "query": invite, "variables": {
                    "org": org, "email": format!("voluntar{:03}@example.ro", offset + i) } });
                let (_, body) = post_graphql(&client, &node_base, Some(&admin), &request).await;
                assert_eq!(
                    body["data"]["inviteMember"]["userErrors"],
                    json!([]),
                    "{body}"
                );
            }
        })
    });
    for task in burst {
        task.await.unwrap();
    }

    // Every alert queued is mailed, once.
    let deadline = tokio::time::Instant::now() + WAIT;
    let rows = loop {
        let rows = outbox::Entity::find().all(db).await.unwrap();
        let invitations = rows
            .iter()
            .filter(|r| r.kind == entities::enums::AlertKind::MemberInvited)
            .count();
        if invitations == 200 && rows.iter().all(|r| r.status == OutboxStatus::Sent) {
            break rows;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the burst was not sent: {} rows",
            rows.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    tokio::time::sleep(Duration::from_secs(1)).await; // a late repeat would show now
    let mut copies: HashMap<String, usize> = HashMap::new();
    for message in sink.messages() {
        let key = message["headers"]["x-pactum-alert"]
            .as_str()
            .unwrap()
            .to_owned();
        *copies.entry(key).or_default() += 1;
    }
    assert_eq!(copies.len(), rows.len(), "every queued alert arrives");
    assert!(
        copies.values().all(|n| *n == 1),
        "an alert arrived twice: {copies:?}"
    );
    let sent_a = metric(&client, &node_a, "pactum_mail_sent_total").await;
    let sent_b = metric(&client, &node_b, "pactum_mail_sent_total").await;
    eprintln!(
        "two nodes: {} alerts, {sent_a} sent by A, {sent_b} by B",
        rows.len()
    );
    assert_eq!(sent_a + sent_b, rows.len() as f64);
    assert!(
        sent_a > 0.0 && sent_b > 0.0,
        "both workers send ({sent_a} + {sent_b})"
    );

    // Both listeners lose their connections; a change made meanwhile is
    // caught up when they are back.
    let cut = sea_orm::Statement::from_string(
        sea_orm::DbBackend::Postgres,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
    );
    let cut = db.query_all_raw(cut).await.unwrap();
    assert_eq!(cut.len(), 2, "one listener per node");
    let second = publish(&client, &node_a, &admin, a, "Plan de integritate").await;
    seen_through(&client, &node_b, &[document, second]).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while metric(&client, &node_b, "pactum_event_listener_connects_total").await < 2.0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "B's listener did not reconnect"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The daily jobs did their work once: each due agreement expired once,
    // each expiring one noticed once per ADMIN (the dedupe key).
    let expired = domain_event::Entity::find()
        .filter(domain_event::Column::Kind.eq(EventKind::AgreementExpired))
        .all(db)
        .await
        .unwrap();
    let mut expired_ids: Vec<i64> = expired.iter().map(|e| e.entity_id).collect();
    expired_ids.sort_unstable();
    assert_eq!(expired_ids, due, "each due agreement expires exactly once");
    let notices = rows
        .iter()
        .filter(|r| r.kind == entities::enums::AlertKind::AgreementExpiring)
        .count();
    assert_eq!(notices, 10, "five agreements, two ADMINs, one notice each");
}

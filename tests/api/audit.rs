//! The audit log: every mutation leaves one hash-chained entry; the chain
//! verifies, and names the first entry someone edited behind its back.

use entities::enums::{MemberRole, OrganizationKind};
use pactum_tests::{TestApp, accounts, fixtures, global_id};
use sea_orm::ConnectionTrait;
use serde_json::json;

const INVITE: &str = "mutation($org: ID!, $email: String!) {
  inviteMember(input: { organizationId: $org, email: $email, role: VIEWER }) { userErrors { code } } }";
const LOG: &str = "query($org: ID!, $filter: AuditLogFilter) { organization(id: $org) {
  auditLog(first: 50, filter: $filter) { totalCount edges { node { sequence action entity actorKind actor { email } after hash } } } } }";

fn pactum(app: &TestApp, args: &[&str]) -> (i32, String) {
    let output = app.run_cli(args);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[tokio::test]
async fn every_mutation_leaves_a_chained_entry_that_admins_can_read() {
    let app = TestApp::spawn().await;
    let org = fixtures::organization(
        &app.db,
        "lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        None,
    )
    .await;
    let gid = global_id("Organization", org.id);
    let admin_user = accounts::user(&app.db, "admin@lugoj.ro", "Admin").await;
    accounts::membership(&app.db, admin_user.id, org.id, MemberRole::Admin).await;
    let admin = accounts::session(&app.db, admin_user.id).await;
    let viewer = accounts::member_session(&app.db, org.id, MemberRole::Viewer).await;

    for email in ["a@lugoj.ro", "b@lugoj.ro"] {
        app.data_as(Some(&admin), INVITE, json!({ "org": gid, "email": email }))
            .await;
    }
    // A refused mutation (bad input) leaves no entry.
    app.data_as(Some(&admin), INVITE, json!({ "org": gid, "email": "nope" }))
        .await;

    let data = app.data_as(Some(&admin), LOG, json!({ "org": gid })).await;
    let log = &data["organization"]["auditLog"];
    assert_eq!(log["totalCount"], 2);
    let newest = &log["edges"][0]["node"];
    assert_eq!(newest["action"], "member.invite");
    assert_eq!(newest["entity"], "Invitation");
    assert_eq!(newest["actorKind"], "USER");
    assert_eq!(newest["actor"]["email"], "admin@lugoj.ro");
    assert!(newest["after"].as_str().unwrap().contains("b@lugoj.ro"));
    assert_ne!(newest["hash"], log["edges"][1]["node"]["hash"]);
    let filtered = app
        .data_as(
            Some(&admin),
            LOG,
            json!({ "org": gid, "filter": { "entity": "Membership" } }),
        )
        .await;
    assert_eq!(filtered["organization"]["auditLog"]["totalCount"], 0);

    // Viewers and other organizations' members do not read it.
    let body = app
        .query_as(Some(&viewer), LOG, json!({ "org": gid }))
        .await;
    assert_eq!(TestApp::codes(&body), ["FORBIDDEN"]);
    let body = app.query_as(None, LOG, json!({ "org": gid })).await;
    assert_eq!(TestApp::codes(&body), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn verify_finds_the_entry_edited_behind_the_chains_back() {
    let app = TestApp::spawn().await;
    let org = fixtures::organization(
        &app.db,
        "lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        None,
    )
    .await;
    let gid = global_id("Organization", org.id);
    let admin = accounts::member_session(&app.db, org.id, MemberRole::Admin).await;
    // Concurrent writers still extend one chain.
    let invites = (0..8).map(|i| {
        let (app, admin, gid) = (&app, &admin, &gid);
        async move {
            app.data_as(
                Some(admin),
                INVITE,
                json!({ "org": gid, "email": format!("p{i}@lugoj.ro") }),
            )
            .await
        }
    });
    futures::future::join_all(invites).await;
    let (code, out) = pactum(&app, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("8 entries verified"), "{out}");

    // Someone with database access quietly changes entry 3's role.
    app.db
        .execute_unprepared(
            "UPDATE audit_log SET after = replace(after, 'VIEWER', 'OWNER') WHERE id = 3",
        )
        .await
        .unwrap();
    let (code, out) = pactum(&app, &["audit", "verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("BROKEN at entry 3"), "{out}");
}

#[tokio::test]
async fn verify_notices_a_deleted_tail() {
    let app = TestApp::spawn().await;
    let org = fixtures::organization(
        &app.db,
        "lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        None,
    )
    .await;
    let gid = global_id("Organization", org.id);
    let admin = accounts::member_session(&app.db, org.id, MemberRole::Admin).await;
    for i in 0..3 {
        app.data_as(
            Some(&admin),
            INVITE,
            json!({ "org": gid, "email": format!("p{i}@lugoj.ro") }),
        )
        .await;
    }
    app.db
        .execute_unprepared("DELETE FROM audit_log WHERE id = 3")
        .await
        .unwrap();
    let (code, out) = pactum(&app, &["audit", "verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("BROKEN at entry 3"), "{out}");
}

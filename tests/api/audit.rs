//! The audit log: every mutation leaves one hash-chained entry in its
//! organization's chain; the chains verify, and name the first entry
//! someone edited behind their back; checkpoints notice a chain cut short;
//! and writes of different organizations do not wait on each other.

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
    // Concurrent writers of one organization extend its one chain.
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
    assert!(
        out.contains(&format!(
            "BROKEN at position 3 of organization {}'s chain (entry 3)",
            org.id
        )),
        "{out}"
    );
    assert!(out.contains("content does not match its hash"), "{out}");
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
    assert!(
        out.contains(&format!(
            "BROKEN at position 3 of organization {}'s chain: entries after this point are missing",
            org.id
        )),
        "{out}"
    );
}

/// Two organizations, each with an ADMIN session.
async fn two_organizations(app: &TestApp) -> [(i64, String, String); 2] {
    let mut out = Vec::new();
    for (slug, name) in [("lugoj", "Municipiul Lugoj"), ("buzias", "Orașul Buziaș")] {
        let org =
            fixtures::organization(&app.db, slug, name, OrganizationKind::Municipality, None).await;
        let admin = accounts::member_session(&app.db, org.id, MemberRole::Admin).await;
        out.push((org.id, global_id("Organization", org.id), admin));
    }
    out.try_into().expect("two")
}

async fn invite(app: &TestApp, (_, gid, admin): &(i64, String, String), email: &str) {
    let data = app
        .data_as(Some(admin), INVITE, json!({ "org": gid, "email": email }))
        .await;
    assert_eq!(data["inviteMember"]["userErrors"], json!([]), "{data}");
}

#[tokio::test]
async fn each_organization_has_its_own_chain_and_checkpoints_notice_a_chain_cut_short() {
    let app = TestApp::spawn().await;
    let [a, b] = two_organizations(&app).await;
    for i in 0..3 {
        invite(&app, &a, &format!("a{i}@lugoj.ro")).await;
    }
    for i in 0..2 {
        invite(&app, &b, &format!("b{i}@buzias.ro")).await;
    }
    // Each organization's entries are numbered in its own chain.
    let data = app.data_as(Some(&b.2), LOG, json!({ "org": b.1 })).await;
    let sequences: Vec<_> = data["organization"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["sequence"].as_i64().unwrap())
        .collect();
    assert_eq!(sequences, [2, 1]);
    let (code, out) = pactum(&app, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("5 entries verified (2 chains, 0 checkpoints)"),
        "{out}"
    );

    let (code, out) = pactum(&app, &["audit", "checkpoint"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("checkpoint 1: 2 chain heads"), "{out}");
    let (_, out) = pactum(&app, &["audit", "checkpoint"]);
    assert!(out.contains("no chain moved"), "{out}");

    // A checkpoint edited behind its back no longer matches its hash.
    let heads = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    "SELECT heads FROM audit_checkpoints WHERE id = 1",
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<String>("", "heads").unwrap()
        }
    };
    let recorded = heads(&app).await;
    let set_heads = |text: String| {
        let db = app.db.clone();
        async move {
            db.execute_raw(sea_orm::Statement::from_sql_and_values(
                db.get_database_backend(),
                match db.get_database_backend() {
                    sea_orm::DbBackend::Postgres => {
                        "UPDATE audit_checkpoints SET heads = $1 WHERE id = 1"
                    }
                    _ => "UPDATE audit_checkpoints SET heads = ? WHERE id = 1",
                },
                [text.into()],
            ))
            .await
            .unwrap();
        }
    };
    set_heads(recorded.replace(",3,", ",2,")).await;
    let (code, out) = pactum(&app, &["audit", "verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("BROKEN at checkpoint 1: checkpoint does not match its hash"),
        "{out}"
    );
    set_heads(recorded).await;

    // One more entry for A, not yet checkpointed.
    invite(&app, &a, "a3@lugoj.ro").await;
    // Someone deletes the last entries of A's chain and rewinds its head,
    // so that the chain itself is consistent again.
    let cut_to = |keep: i64| {
        let db = app.db.clone();
        let chain = a.0;
        async move {
            for sql in [
                format!("DELETE FROM audit_log WHERE chain_id = {chain} AND sequence > {keep}"),
                format!(
                    "UPDATE audit_chains SET last_sequence = {keep}, last_hash = \
                     (SELECT hash FROM audit_log WHERE chain_id = {chain} AND sequence = {keep}) \
                     WHERE chain_id = {chain}"
                ),
            ] {
                db.execute_unprepared(&sql).await.unwrap();
            }
        }
    };
    // Past the newest checkpoint, a cut is not noticed: that is what the
    // checkpoint interval bounds.
    cut_to(3).await;
    let (code, out) = pactum(&app, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    // An entry a checkpoint recorded is missed.
    cut_to(2).await;
    let (code, out) = pactum(&app, &["audit", "verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "BROKEN at position 3 of organization {}'s chain: entries after this point are missing",
            a.0
        )),
        "{out}"
    );
}

#[tokio::test]
async fn a_write_waits_only_for_writes_of_its_own_organization() {
    let app = TestApp::spawn().await;
    if app.db.get_database_backend() != sea_orm::DbBackend::Postgres {
        // SQLite has one writer: every write waits for any other by
        // design, so there is nothing to tell apart there.
        return;
    }
    let [a, b] = two_organizations(&app).await;
    invite(&app, &a, "first@lugoj.ro").await;
    // Another transaction holds A's chain head, as a slow write of A would.
    let holder = sea_orm::TransactionTrait::begin(&app.db).await.unwrap();
    holder
        .execute_unprepared(&format!(
            "UPDATE audit_chains SET last_sequence = last_sequence WHERE chain_id = {}",
            a.0
        ))
        .await
        .unwrap();
    let waiting = invite(&app, &a, "second@lugoj.ro");
    tokio::pin!(waiting);
    let wait = std::time::Duration::from_millis(500);
    assert!(
        tokio::time::timeout(wait, &mut waiting).await.is_err(),
        "a write of A waits for A's head"
    );
    // B's writes go through meanwhile.
    tokio::time::timeout(std::time::Duration::from_secs(10), async {
        invite(&app, &b, "one@buzias.ro").await;
        invite(&app, &b, "two@buzias.ro").await;
    })
    .await
    .expect("writes of B do not wait for A's head");
    holder.rollback().await.unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), waiting)
        .await
        .expect("A's write goes on once the head is free");
    let (code, out) = pactum(&app, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("4 entries verified (2 chains"), "{out}");
}

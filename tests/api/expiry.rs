//! The expiry job at scale: a start after a long pause finds hundreds of
//! agreements past their end date. They expire in a few batches, each one
//! transaction, and two nodes running the job at the same moment expire
//! each agreement exactly once between them.

use std::process::{Command, Stdio};

use chrono::{Days, Utc};
use entities::{
    agreement, audit_entry, domain_event,
    enums::{AgreementStatus, EventKind, OrganizationKind, Visibility},
};
use pactum_tests::{TestApp, fixtures, pactum_binary};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// More than two batches of the job's 200.
const DUE: usize = 450;

#[tokio::test]
async fn two_nodes_expire_hundreds_of_due_agreements_once_in_batches() {
    let app = TestApp::spawn().await;
    let mut orgs = Vec::new();
    for i in 0..5 {
        let org = fixtures::organization(
            &app.db,
            &format!("comuna-{i}"),
            &format!("Comuna {i}"),
            OrganizationKind::Municipality,
            None,
        )
        .await;
        orgs.push(org.id);
    }
    let today = Utc::now().date_naive();
    for i in 0..DUE {
        let parties = [orgs[i % 5], orgs[(i + 1) % 5]];
        // Ended a year and a few days ago.
        let start = Some(today - Days::new(370 + (i % 30) as u64));
        fixtures::agreement(
            &app.db,
            &format!("Acord {i}"),
            &parties,
            AgreementStatus::Active,
            Visibility::Public,
            start,
        )
        .await;
    }
    // One that is still running stays ACTIVE.
    let running = fixtures::agreement(
        &app.db,
        "Acord în vigoare",
        &orgs[..2],
        AgreementStatus::Active,
        Visibility::Public,
        Some(today),
    )
    .await;

    // Two "nodes" at the same moment.
    let nodes: Vec<_> = (0..2)
        .map(|_| {
            Command::new(pactum_binary())
                .args(["agreements", "expire"])
                .env("PACTUM_DATABASE_URL", &app.database_url)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("pactum runs")
        })
        .collect();
    let mut total = 0;
    for node in nodes {
        let out = node.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let count: usize = stdout
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a count in {stdout:?}"));
        total += count;
    }
    assert_eq!(total, DUE, "between them the nodes expired each one once");

    let still_active = agreement::Entity::find()
        .filter(agreement::Column::Status.eq(AgreementStatus::Active))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        still_active.iter().map(|a| a.id).collect::<Vec<_>>(),
        [running.id]
    );
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("agreement.expire"))
        .all(&app.db)
        .await
        .unwrap();
    let mut expired: Vec<i64> = entries.iter().map(|e| e.entity_id).collect();
    expired.sort_unstable();
    expired.dedup();
    assert_eq!((entries.len(), expired.len()), (DUE, DUE), "one entry each");
    let events = domain_event::Entity::find()
        .filter(domain_event::Column::Kind.eq(EventKind::AgreementExpired))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(events.len(), DUE, "one event each");
    // Batches, not one transaction per agreement: each batch writes its
    // entries at one instant.
    let mut instants: Vec<_> = entries.iter().map(|e| e.created_at).collect();
    instants.sort_unstable();
    instants.dedup();
    assert!(
        instants.len() <= 2 * DUE.div_ceil(200),
        "{} transactions for {DUE} agreements",
        instants.len()
    );
    let out = app.run_cli(&["audit", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

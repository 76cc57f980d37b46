//! Housekeeping on the running server: ended sessions, expired OAuth
//! logins and invitations closed longer than the retention disappear on
//! their own; fresh ones stay, and a fresh session keeps working. The job
//! runs once at start and stops with the server.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use entities::{
    enums::{MemberRole, OrganizationKind},
    invitation, login_attempt, session,
};
use pactum::startup::Application;
use pactum_tests::{TestApp, accounts, fixtures};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;

const ME: &str = "{ me { user { email } } }";

/// A random 64-hex digest, for token and state hashes.
fn random_hash() -> String {
    accounts::secret_hash(&uuid::Uuid::new_v4().to_string())
}

async fn session_row(
    db: &DatabaseConnection,
    user_id: i64,
    expires_at: DateTime<Utc>,
    absolute_expires_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
) -> i64 {
    let now = Utc::now();
    session::ActiveModel {
        id: NotSet,
        user_id: Set(user_id),
        token_hash: Set(random_hash()),
        user_agent: Set(None),
        created_at: Set(now - Duration::days(2)),
        last_seen_at: Set(now - Duration::days(1)),
        expires_at: Set(expires_at),
        absolute_expires_at: Set(absolute_expires_at),
        revoked_at: Set(revoked_at),
    }
    .insert(db)
    .await
    .expect("session inserted")
    .id
}

async fn login_attempt_row(db: &DatabaseConnection, expires_at: DateTime<Utc>) -> i64 {
    login_attempt::ActiveModel {
        id: NotSet,
        state_hash: Set(random_hash()),
        provider: Set("idp".into()),
        pkce_verifier: Set("verifier".into()),
        nonce: Set(String::new()),
        return_to: Set("/".into()),
        created_at: Set(expires_at - Duration::minutes(10)),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await
    .expect("login attempt inserted")
    .id
}

/// An invitation of `name@example.ro` expiring at `expires_at` (sent 14
/// days before), taken up or withdrawn at the given times.
async fn invitation_row(
    db: &DatabaseConnection,
    organization_id: i64,
    name: &str,
    expires_at: DateTime<Utc>,
    accepted_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
) -> i64 {
    invitation::ActiveModel {
        id: NotSet,
        organization_id: Set(organization_id),
        email: Set(format!("{name}@example.ro")),
        role: Set(MemberRole::Viewer),
        invited_by_id: Set(None),
        created_at: Set(expires_at - Duration::days(14)),
        expires_at: Set(expires_at),
        accepted_at: Set(accepted_at),
        accepted_by_id: Set(None),
        revoked_at: Set(revoked_at),
    }
    .insert(db)
    .await
    .expect("invitation inserted")
    .id
}

/// Rows of `sessions`, `login_attempts` and `invitations` among the ids
/// given, in all.
async fn remaining(
    db: &DatabaseConnection,
    sessions: &[i64],
    logins: &[i64],
    invitations: &[i64],
) -> u64 {
    let s = session::Entity::find()
        .filter(session::Column::Id.is_in(sessions.iter().copied()))
        .count(db)
        .await
        .unwrap();
    let l = login_attempt::Entity::find()
        .filter(login_attempt::Column::Id.is_in(logins.iter().copied()))
        .count(db)
        .await
        .unwrap();
    let i = invitation::Entity::find()
        .filter(invitation::Column::Id.is_in(invitations.iter().copied()))
        .count(db)
        .await
        .unwrap();
    s + l + i
}

/// Waits (at most `seconds`) until none of the given rows is left.
async fn until_gone(
    db: &DatabaseConnection,
    seconds: u64,
    sessions: &[i64],
    logins: &[i64],
    invitations: &[i64],
) {
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(seconds);
    loop {
        let left = remaining(db, sessions, logins, invitations).await;
        if left == 0 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{left} stale rows still there after {seconds} s"
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn stale_sessions_logins_and_invitations_are_purged_and_fresh_ones_kept() {
    let app = TestApp::spawn_with(|c| {
        c.purge_interval_seconds = 1;
        c.purge_retention_days = 30;
    })
    .await;
    let now = Utc::now();
    let days = Duration::days;
    let org = fixtures::organization(
        &app.db,
        "primaria-test",
        "Primăria Test",
        OrganizationKind::Municipality,
        None,
    )
    .await;
    let ana = accounts::user(&app.db, "ana@example.ro", "Ana").await;
    accounts::membership(&app.db, ana.id, org.id, MemberRole::Admin).await;

    let stale_sessions = [
        // Idle too long.
        session_row(
            &app.db,
            ana.id,
            now - Duration::minutes(1),
            now + days(29),
            None,
        )
        .await,
        // Past its hard limit.
        session_row(&app.db, ana.id, now - days(1), now - days(1), None).await,
        // Logged out.
        session_row(
            &app.db,
            ana.id,
            now + days(1),
            now + days(29),
            Some(now - Duration::minutes(1)),
        )
        .await,
    ];
    let fresh_secret = accounts::session(&app.db, ana.id).await;
    let fresh_sessions: Vec<i64> = session::Entity::find()
        .filter(session::Column::TokenHash.eq(accounts::secret_hash(&fresh_secret)))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(fresh_sessions.len(), 1);

    let stale_logins = [login_attempt_row(&app.db, now - Duration::minutes(1)).await];
    let fresh_logins = [login_attempt_row(&app.db, now + Duration::minutes(10)).await];

    let (db, o, long_ago) = (&app.db, org.id, now - days(31));
    let stale_invitations = [
        invitation_row(
            db,
            o,
            "accepted-long-ago",
            now - days(26),
            Some(long_ago),
            None,
        )
        .await,
        invitation_row(
            db,
            o,
            "revoked-long-ago",
            now - days(26),
            None,
            Some(long_ago),
        )
        .await,
        invitation_row(db, o, "lapsed-long-ago", long_ago, None, None).await,
    ];
    let fresh_invitations = [
        invitation_row(
            db,
            o,
            "accepted-recently",
            now + days(9),
            Some(now - days(1)),
            None,
        )
        .await,
        invitation_row(
            db,
            o,
            "revoked-recently",
            now + days(9),
            None,
            Some(now - days(1)),
        )
        .await,
        invitation_row(db, o, "lapsed-recently", now - days(1), None, None).await,
        invitation_row(db, o, "open", now + days(13), None, None).await,
    ];

    until_gone(
        &app.db,
        15,
        &stale_sessions,
        &stale_logins,
        &stale_invitations,
    )
    .await;

    assert_eq!(
        remaining(&app.db, &fresh_sessions, &fresh_logins, &fresh_invitations).await,
        (fresh_sessions.len() + fresh_logins.len() + fresh_invitations.len()) as u64,
        "a fresh row was purged"
    );
    let data = app.data_as(Some(&fresh_secret), ME, json!({})).await;
    assert_eq!(data["me"]["user"]["email"], "ana@example.ro");
    // The open invitation is still listed for the admin.
    let data = app
        .data_as(
            Some(&fresh_secret),
            "query($slug: String!) { organizationBySlug(slug: $slug) { invitations { email } } }",
            json!({ "slug": "primaria-test" }),
        )
        .await;
    assert_eq!(
        data["organizationBySlug"]["invitations"],
        json!([{ "email": "open@example.ro" }])
    );
    app.assert_alive().await;
}

/// With a one-hour interval only the round at start can delete anything:
/// a second node started on the same database purges at once, and stops
/// promptly when told to (the job is awaited, not left running).
#[tokio::test]
async fn housekeeping_runs_at_start_and_stops_with_the_server() {
    let app = TestApp::spawn().await; // housekeeping off
    let now = Utc::now();
    let ana = accounts::user(&app.db, "ana@example.ro", "Ana").await;
    let idle_for_too_long = now - Duration::minutes(1);
    let stale_sessions = [session_row(
        &app.db,
        ana.id,
        idle_for_too_long,
        now + Duration::days(1),
        None,
    )
    .await];
    let stale_logins = [login_attempt_row(&app.db, now - Duration::minutes(1)).await];
    // Nothing deletes them while housekeeping is off.
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    assert_eq!(
        remaining(&app.db, &stale_sessions, &stale_logins, &[]).await,
        2
    );

    let mut config = app.config.clone();
    config.purge_interval_seconds = 3600;
    let node = Application::build(config)
        .await
        .expect("a second node starts");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(node.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    until_gone(&app.db, 10, &stale_sessions, &stale_logins, &[]).await;

    stop.send(()).unwrap();
    let outcome = tokio::time::timeout(StdDuration::from_secs(10), server).await;
    assert!(matches!(outcome, Ok(Ok(Ok(())))), "{outcome:?}");
}

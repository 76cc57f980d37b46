//! Housekeeping: rows that serve no one any more are deleted, so they
//! neither pile up (a login-attempt flood, years of sessions) nor linger as
//! something to steal or replay. Ended sessions go at once, and so do OAuth
//! logins past their expiry; closed invitations (taken up, withdrawn or
//! lapsed) go once they have been closed longer than the retention.
//!
//! `Organization.invitations` lists only open invitations, so the retention
//! is not about what admins see: it keeps a closed invitation for a while
//! for a repeated `revokeInvitation` (answered with the withdrawn
//! invitation) and for support questions ("was I ever invited?"); what the
//! audit log recorded of it (when it was sent or withdrawn) stays for good.
//!
//! One DELETE per table, the same SQL on SQLite and PostgreSQL; each returns
//! how many rows it removed. [`crate::jobs::housekeeping`] runs [`purge`] on
//! a schedule.

use chrono::{DateTime, Duration, Utc};
use entities::{invitation, login_attempt, session};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use super::{error::DomainResult, sessions};

/// How many rows one [`purge`] deleted, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Sessions revoked or past their idle or absolute expiry.
    pub sessions: u64,
    /// OAuth logins past their expiry (the callback would refuse them).
    pub login_attempts: u64,
    /// Invitations closed longer ago than the retention.
    pub invitations: u64,
}

impl Purged {
    /// Rows deleted in all.
    pub fn total(&self) -> u64 {
        self.sessions + self.login_attempts + self.invitations
    }
}

/// Deletes every session that no longer opens anything at `now`: the
/// complement of [`sessions::open_at`], the rule login checks.
pub async fn purge_sessions<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> DomainResult<u64> {
    let deleted = session::Entity::delete_many()
        .filter(sessions::open_at(now).not())
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Deletes the OAuth logins whose expiry has come by `now` (the callback
/// refuses a login once `expires_at <= now`).
pub async fn purge_login_attempts<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> DomainResult<u64> {
    let deleted = login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// The condition "the invitation was closed on or before `cutoff`": taken
/// up, withdrawn or lapsed then, whichever came first (an invitation can be
/// taken up or withdrawn only while it is open, so any of the three dates
/// being that old means it has been closed that long).
pub fn closed_by(cutoff: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(invitation::Column::AcceptedAt.lte(cutoff))
        .add(invitation::Column::RevokedAt.lte(cutoff))
        .add(invitation::Column::ExpiresAt.lte(cutoff))
}

/// Deletes the invitations closed more than `retention` before `now`.
pub async fn purge_invitations<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    retention: Duration,
) -> DomainResult<u64> {
    // A retention reaching before the calendar's start keeps everything.
    let Some(cutoff) = now.checked_sub_signed(retention) else {
        return Ok(0);
    };
    let deleted = invitation::Entity::delete_many()
        .filter(closed_by(cutoff))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// One round of housekeeping at `now`, keeping closed invitations for
/// `retention`. Logs the counts at info when anything was deleted.
#[tracing::instrument(name = "housekeeping", skip(db))]
pub async fn purge<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    retention: Duration,
) -> DomainResult<Purged> {
    let purged = Purged {
        sessions: purge_sessions(db, now).await?,
        login_attempts: purge_login_attempts(db, now).await?,
        invitations: purge_invitations(db, now, retention).await?,
    };
    if purged.total() > 0 {
        tracing::info!(
            sessions = purged.sessions,
            login_attempts = purged.login_attempts,
            invitations = purged.invitations,
            "purged stale rows"
        );
    } else {
        tracing::debug!("nothing to purge");
    }
    Ok(purged)
}

#[cfg(test)]
mod tests {
    use std::error::Error;

    use chrono::TimeZone;
    use entities::{
        enums::{Language, MemberRole},
        user,
    };
    use sea_orm::{ActiveModelTrait, DatabaseConnection, QueryOrder, Set};

    use super::*;
    use crate::domain::{secrets::digest, sessions::SessionLifetime};

    type TestResult = Result<(), Box<dyn Error>>;

    /// A fixed "now", so every boundary is exact.
    fn fixed_now() -> Result<DateTime<Utc>, Box<dyn Error>> {
        Ok(Utc
            .with_ymd_and_hms(2026, 3, 1, 12, 0, 0)
            .single()
            .ok_or("no such time")?)
    }

    async fn database() -> Result<DatabaseConnection, Box<dyn Error>> {
        Ok(crate::domain::test_support::database().await?)
    }

    async fn a_user(db: &DatabaseConnection, at: DateTime<Utc>) -> Result<i64, Box<dyn Error>> {
        let person = user::ActiveModel {
            email: Set("ana@example.ro".into()),
            display_name: Set("Ana".into()),
            preferred_language: Set(Language::Ro),
            created_at: Set(at),
            updated_at: Set(at),
            last_login_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(person.id)
    }

    #[test]
    fn totals_add_up() {
        let purged = Purged {
            sessions: 2,
            login_attempts: 3,
            invitations: 4,
        };
        assert_eq!(purged.total(), 9);
        assert_eq!(Purged::default().total(), 0);
    }

    /// Exactly the sessions login refuses are deleted: the boundary
    /// (expiry == now) included, one second more left alone.
    #[tokio::test]
    async fn deletes_exactly_the_sessions_login_refuses() -> TestResult {
        let db = database().await?;
        let now = fixed_now()?;
        let user_id = a_user(&db, now - Duration::days(60)).await?;
        let hour = SessionLifetime {
            idle: Duration::hours(1),
            absolute: Duration::days(30),
        };
        let open = |at, lifetime| sessions::open(&db, user_id, None, lifetime, at);
        let (idle_ended, _) = open(now - Duration::hours(2), hour).await?;
        let (ends_now, _) = open(now - Duration::hours(1), hour).await?;
        let short = SessionLifetime {
            idle: Duration::days(3),
            absolute: Duration::days(1),
        };
        let (past_hard_limit, _) = open(now - Duration::days(2), short).await?;
        let (revoked, revoked_secret) = open(now - Duration::minutes(1), hour).await?;
        assert!(sessions::revoke(&db, &revoked_secret, now - Duration::seconds(30)).await?);
        let (live, live_secret) = open(now - Duration::minutes(1), hour).await?;
        let (just_live, just_live_secret) =
            open(now - Duration::hours(1) + Duration::seconds(1), hour).await?;
        let ended = [idle_ended.id, ends_now.id, past_hard_limit.id, revoked.id];

        assert_eq!(purge_sessions(&db, now).await?, ended.len() as u64);
        let left: Vec<i64> = session::Entity::find()
            .order_by_asc(session::Column::Id)
            .all(&db)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(left, vec![live.id, just_live.id]);
        for secret in [&live_secret, &just_live_secret] {
            assert!(sessions::resolve(&db, secret, hour, now).await.is_ok());
        }
        assert!(
            sessions::resolve(&db, &revoked_secret, hour, now)
                .await
                .is_err()
        );
        assert_eq!(purge_sessions(&db, now).await?, 0);
        Ok(())
    }

    #[tokio::test]
    async fn deletes_login_attempts_once_their_expiry_has_come() -> TestResult {
        let db = database().await?;
        let now = fixed_now()?;
        for (state, expires_at) in [
            ("expired", now - Duration::minutes(1)),
            ("expires-now", now),
            ("live", now + Duration::seconds(1)),
        ] {
            login_attempt::ActiveModel {
                state_hash: Set(digest(state)),
                provider: Set("idp".into()),
                pkce_verifier: Set("verifier".into()),
                nonce: Set(String::new()),
                return_to: Set("/".into()),
                created_at: Set(now - Duration::minutes(10)),
                expires_at: Set(expires_at),
                ..Default::default()
            }
            .insert(&db)
            .await?;
        }
        assert_eq!(purge_login_attempts(&db, now).await?, 2);
        let left = login_attempt::Entity::find().all(&db).await?;
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].state_hash, digest("live"));
        Ok(())
    }

    /// Invitations closed by any of the three ways go once closed longer
    /// than the retention (the cutoff itself included); recent and open
    /// ones stay. `purge` reports per table.
    #[tokio::test]
    async fn deletes_invitations_closed_longer_than_the_retention() -> TestResult {
        let db = database().await?;
        let now = fixed_now()?;
        let org = crate::domain::test_support::organization(
            &db,
            "primaria-test",
            now - Duration::days(400),
        )
        .await?;
        let day = Duration::days;
        // (name, sent ago, expires in, accepted ago, revoked ago, kept)
        let cases = [
            (
                "accepted-long-ago",
                day(40),
                -day(26),
                Some(day(31)),
                None,
                false,
            ),
            (
                "accepted-at-cutoff",
                day(35),
                -day(21),
                Some(day(30)),
                None,
                false,
            ),
            (
                "revoked-long-ago",
                day(40),
                -day(26),
                None,
                Some(day(31)),
                false,
            ),
            ("lapsed-long-ago", day(45), -day(31), None, None, false),
            (
                "accepted-recently",
                day(5),
                day(9),
                Some(day(1)),
                None,
                true,
            ),
            (
                "revoked-recently",
                day(35),
                -day(21),
                None,
                Some(day(29)),
                true,
            ),
            ("lapsed-recently", day(43), -day(29), None, None, true),
            ("open", day(1), day(13), None, None, true),
        ];
        let mut kept = Vec::new();
        for (name, created_ago, expires_in, accepted_ago, revoked_ago, keep) in cases {
            let row = invitation::ActiveModel {
                organization_id: Set(org),
                email: Set(format!("{name}@example.ro")),
                role: Set(MemberRole::Viewer),
                invited_by_id: Set(None),
                created_at: Set(now - created_ago),
                expires_at: Set(now + expires_in),
                accepted_at: Set(accepted_ago.map(|ago| now - ago)),
                accepted_by_id: Set(None),
                revoked_at: Set(revoked_ago.map(|ago| now - ago)),
                ..Default::default()
            }
            .insert(&db)
            .await?;
            if keep {
                kept.push(row.email);
            }
        }
        let purged = purge(&db, now, Duration::days(30)).await?;
        assert_eq!(
            purged,
            Purged {
                sessions: 0,
                login_attempts: 0,
                invitations: 4,
            }
        );
        let left: Vec<String> = invitation::Entity::find()
            .order_by_asc(invitation::Column::Id)
            .all(&db)
            .await?
            .into_iter()
            .map(|i| i.email)
            .collect();
        assert_eq!(left, kept);
        // A retention reaching before the calendar's start deletes nothing.
        assert_eq!(purge_invitations(&db, now, Duration::MAX).await?, 0);
        assert_eq!(
            purge(&db, now, Duration::days(30)).await?,
            Purged::default()
        );
        Ok(())
    }
}

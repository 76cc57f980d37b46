//! Derived indicator values, computed for the viewer when they are read.
//!
//! A derived indicator's achieved value is a figure over the project's
//! COMPLETED activities, or over the agreements its beneficiary brought
//! into force ([`agreements`]), by an [`IndicatorDerivation`] rule. It is counted in
//! SQL over [`activities::visible`] for the actor asking — the one
//! visibility rule — so a PRIVATE course adds to what its organizers'
//! members read and to nothing anonymous callers read, exactly as it adds
//! to the activity lists and the `stats` counts of each of them. Nothing
//! is stored: a stored total would have to be one viewer's (and would leak
//! to every other) or every viewer's (one per actor is no table).
//!
//! [`values`] answers many (project, rule) pairs at once with one grouped
//! statement per rule, so the DataLoader and the `stats` aggregate stay
//! within a fixed number of statements whatever the number of indicators.

use std::collections::HashMap;

use entities::{
    activity,
    enums::{ActivityKind, ActivityStatus, IndicatorDerivation, ParticipantRole},
    indicator,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect, Select,
    sea_query::{Asterisk, Expr, ExprTrait},
};

use super::{activities, actor::Actor, column, error::DomainResult, inner_join};

mod agreements;

/// One derived figure: a project and the rule it is derived by.
pub type DerivedKey = (i64, IndicatorDerivation);

/// The derived figure an indicator shows; `None` for an entered indicator,
/// whose stored value is what everyone reads.
pub fn key_of(indicator: &indicator::Model) -> Option<DerivedKey> {
    indicator
        .derivation
        .map(|rule| (indicator.project_id, rule))
}

/// The statement of a rule over activities: (project id, value) for each
/// of `projects` that has at least one COMPLETED activity `actor` may see
/// and that the rule counts. `None` for a rule over agreements.
fn over_activities(
    actor: &Actor,
    rule: IndicatorDerivation,
    projects: Vec<i64>,
) -> Option<Select<activity::Entity>> {
    let completed = activities::visible(actor)
        .filter(activity::Column::ProjectId.is_in(projects))
        .filter(activity::Column::Status.eq(ActivityStatus::Completed));
    let (select, value) = match rule {
        // Participants (trainers excluded) of completed training courses.
        IndicatorDerivation::PeopleTrained => (
            inner_join(
                completed.filter(activity::Column::Kind.eq(ActivityKind::TrainingCourse)),
                "activity_participations",
                column("activity_participations", "activity_id")
                    .equals((activity::Entity, activity::Column::Id))
                    .and(column("activity_participations", "role").ne(ParticipantRole::Trainer)),
            ),
            column("activity_participations", "count").sum(),
        ),
        // Certificates issued at completed activities of any kind.
        IndicatorDerivation::CertificatesIssued => (
            completed,
            Expr::col((activity::Entity, activity::Column::CertificatesIssued)).sum(),
        ),
        // Completed activities of any kind.
        IndicatorDerivation::ActivitiesCompleted => (completed, Expr::col(Asterisk).count()),
        IndicatorDerivation::AgreementsSigned => return None,
    };
    Some(
        select
            .select_only()
            .column(activity::Column::ProjectId)
            .column_as(value, "value")
            .group_by(activity::Column::ProjectId),
    )
}

/// One statement for `rule`: the value of each of `projects` that has
/// one; the projects missing from the map have 0.
async fn counts<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    rule: IndicatorDerivation,
    projects: Vec<i64>,
) -> DomainResult<HashMap<i64, i64>> {
    match over_activities(actor, rule, projects.clone()) {
        Some(select) => {
            let rows: Vec<(i64, i64)> = select.into_tuple().all(db).await?;
            Ok(rows.into_iter().collect())
        }
        None => agreements::in_force(db, actor, projects).await,
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "counts of people, certificates and activities stay far below 2^52"
)]
fn as_value(count: i64) -> f64 {
    count as f64
}

/// The value of each (project, rule) in `keys` as `actor` may see it:
/// counted over the project's COMPLETED activities visible to `actor`.
/// One statement per distinct rule among the keys (none for no keys).
pub async fn values<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    keys: &[DerivedKey],
) -> DomainResult<HashMap<DerivedKey, f64>> {
    let mut by_rule: HashMap<IndicatorDerivation, Vec<i64>> = HashMap::new();
    for (project, rule) in keys {
        by_rule.entry(*rule).or_default().push(*project);
    }
    let mut out = HashMap::with_capacity(keys.len());
    for (rule, mut projects) in by_rule {
        projects.sort_unstable();
        projects.dedup();
        let mut found = counts(db, actor, rule, projects.clone()).await?;
        for project in projects {
            let count = found.remove(&project).unwrap_or(0);
            out.insert((project, rule), as_value(count));
        }
    }
    Ok(out)
}

/// The value `rule` gives `project` as `actor` may see it.
pub async fn value<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project: i64,
    rule: IndicatorDerivation,
) -> DomainResult<f64> {
    let key = (project, rule);
    Ok(values(db, actor, &[key])
        .await?
        .get(&key)
        .copied()
        .unwrap_or(0.0))
}

/// What `indicator` shows as achieved, given the derived values looked up
/// for the viewer: the stored value of an entered indicator, the viewer's
/// derived value (0 when missing) of a derived one.
pub fn achieved(indicator: &indicator::Model, derived: &HashMap<DerivedKey, f64>) -> f64 {
    match key_of(indicator) {
        None => indicator.achieved,
        Some(key) => derived.get(&key).copied().unwrap_or(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::actor::{TokenActor, UserActor};
    use chrono::{NaiveDate, Utc};
    use entities::{
        activity_organizer, activity_participation,
        enums::{MemberRole, TokenScope, Visibility},
        project,
    };
    use sea_orm::{ActiveModelTrait, DatabaseConnection, DbBackend, DbErr, QueryTrait, Set};

    use entities::enums::{
        ActivityKind::{TrainingCourse, Workshop},
        ActivityStatus::{Cancelled, Completed, Planned},
        IndicatorDerivation::{ActivitiesCompleted, CertificatesIssued, PeopleTrained},
        Visibility::{Partners, Private, Public},
    };

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    async fn insert_org(db: &DatabaseConnection, slug: &str) -> Result<i64, DbErr> {
        crate::domain::test_support::organization(db, slug, Utc::now()).await
    }

    async fn insert_project(db: &DatabaseConnection, owner: i64, code: &str) -> Result<i64, DbErr> {
        let created = project::ActiveModel {
            owner_id: Set(owner),
            code: Set(code.to_owned()),
            title: Set(code.to_owned()),
            programme: Set("POCA".to_owned()),
            contract_number: Set(None),
            start_date: Set(NaiveDate::default()),
            end_date: Set(NaiveDate::default()),
            summary: Set(String::new()),
            search_text: Set(code.to_owned()),
            created_at: Set(Utc::now()),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(created.id)
    }

    /// An activity of `project` organized by `owner`, with `people`
    /// participants, 2 trainers and `certificates` certificates.
    async fn insert_activity(
        db: &DatabaseConnection,
        (owner, project): (i64, i64),
        (kind, status, visibility): (ActivityKind, ActivityStatus, Visibility),
        people: i32,
        certificates: i32,
    ) -> Result<(), DbErr> {
        let now = Utc::now();
        let created = activity::ActiveModel {
            owner_id: Set(owner),
            agreement_id: Set(None),
            project_id: Set(Some(project)),
            title: Set("Curs".to_owned()),
            kind: Set(kind),
            status: Set(status),
            description: Set(String::new()),
            start_date: Set(NaiveDate::default()),
            end_date: Set(NaiveDate::default()),
            place: Set(None),
            online_url: Set(None),
            certificates_issued: Set(certificates),
            outcomes: Set(None),
            cancellation_reason: Set(None),
            visibility: Set(visibility),
            search_text: Set("curs".to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        activity_organizer::ActiveModel {
            activity_id: Set(created.id),
            organization_id: Set(owner),
            accepted_at: Set(Some(now)),
            ..Default::default()
        }
        .insert(db)
        .await?;
        for (role, count) in [
            (ParticipantRole::CivilServant, people),
            (ParticipantRole::Trainer, 2),
        ] {
            activity_participation::ActiveModel {
                activity_id: Set(created.id),
                organization_id: Set(owner),
                role: Set(role),
                count: Set(count),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        Ok(())
    }

    fn member(org: i64, partners: Vec<i64>) -> Actor {
        Actor::User(UserActor {
            user_id: 1,
            session_id: None,
            memberships: vec![(org, MemberRole::Viewer)],
            partners,
        })
    }

    #[tokio::test]
    async fn each_viewer_counts_the_completed_activities_it_may_see() -> TestResult {
        let db = crate::domain::test_support::database().await?;
        let owner = insert_org(&db, "owner").await?;
        let partner = insert_org(&db, "partner").await?;
        let stranger = insert_org(&db, "stranger").await?;
        let p = insert_project(&db, owner, "P1").await?;
        let empty = insert_project(&db, owner, "P2").await?;
        let at = (owner, p);
        insert_activity(&db, at, (TrainingCourse, Completed, Public), 55, 50).await?;
        insert_activity(&db, at, (TrainingCourse, Completed, Private), 7, 7).await?;
        insert_activity(&db, at, (TrainingCourse, Completed, Private), 7, 7).await?;
        insert_activity(&db, at, (TrainingCourse, Completed, Partners), 5, 4).await?;
        // A workshop is completed but trains nobody; planned and cancelled
        // courses count for nothing.
        insert_activity(&db, at, (Workshop, Completed, Public), 30, 1).await?;
        insert_activity(&db, at, (TrainingCourse, Planned, Public), 40, 0).await?;
        insert_activity(&db, at, (TrainingCourse, Cancelled, Public), 40, 3).await?;

        let token = Actor::Token(TokenActor {
            token_id: 1,
            organization_id: owner,
            scope: TokenScope::Read,
            partners: vec![partner],
        });
        let keys = [
            (p, PeopleTrained),
            (p, CertificatesIssued),
            (p, ActivitiesCompleted),
            (empty, PeopleTrained),
            (empty, ActivitiesCompleted),
        ];
        // (people trained, certificates, activities completed) of `p`.
        let cases = [
            ("anonymous", Actor::Anonymous, [55.0, 51.0, 2.0]),
            (
                "owner's member",
                member(owner, vec![partner]),
                [74.0, 69.0, 5.0],
            ),
            ("owner's token", token, [74.0, 69.0, 5.0]),
            (
                "partner's member",
                member(partner, vec![owner]),
                [60.0, 55.0, 3.0],
            ),
            (
                "stranger's member",
                member(stranger, vec![]),
                [55.0, 51.0, 2.0],
            ),
        ];
        for (who, actor, [people, certificates, completed]) in cases {
            let got = values(&db, &actor, &keys).await?;
            assert_eq!(got.len(), keys.len(), "{who}");
            assert_eq!(got[&(p, PeopleTrained)], people, "{who}");
            assert_eq!(got[&(p, CertificatesIssued)], certificates, "{who}");
            assert_eq!(got[&(p, ActivitiesCompleted)], completed, "{who}");
            assert_eq!(got[&(empty, PeopleTrained)], 0.0, "{who}");
            assert_eq!(got[&(empty, ActivitiesCompleted)], 0.0, "{who}");
            assert_eq!(value(&db, &actor, p, PeopleTrained).await?, people, "{who}");
        }
        assert!(values(&db, &Actor::Anonymous, &[]).await?.is_empty());
        Ok(())
    }

    #[test]
    fn the_statement_applies_the_visibility_rule_and_groups_by_project() {
        let Some(select) = over_activities(&Actor::Anonymous, PeopleTrained, vec![1, 2]) else {
            panic!("PEOPLE_TRAINED counts activities");
        };
        let sql = select.build(DbBackend::Postgres).to_string();
        for part in [
            r#"INNER JOIN "activity_participations""#,
            r#""activity_participations"."role" <> 'TRAINER'"#,
            r#""activities"."project_id" IN (1, 2)"#,
            r#""activities"."status" = 'COMPLETED'"#,
            r#""activities"."kind" = 'TRAINING_COURSE'"#,
            r#""activities"."visibility" = 'PUBLIC'"#,
            r#"GROUP BY "activities"."project_id""#,
        ] {
            assert!(sql.contains(part), "{part} missing from {sql}");
        }
    }

    #[test]
    fn an_entered_indicator_shows_its_stored_value() {
        let mut indicator = indicator::Model {
            id: 1,
            project_id: 9,
            name: "Ghiduri".into(),
            unit: String::new(),
            baseline: 0.0,
            target: 4.0,
            achieved: 3.0,
            derivation: None,
            version: 1,
        };
        let derived = HashMap::from([((9, PeopleTrained), 20.0)]);
        assert_eq!(key_of(&indicator), None);
        assert_eq!(achieved(&indicator, &derived), 3.0);
        indicator.derivation = Some(PeopleTrained);
        assert_eq!(achieved(&indicator, &derived), 20.0);
        indicator.derivation = Some(CertificatesIssued);
        assert_eq!(achieved(&indicator, &derived), 0.0);
    }
}

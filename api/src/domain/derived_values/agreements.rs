//! `AGREEMENTS_SIGNED`: the agreements a project's beneficiary signed that
//! came into force within the project's period or its sustainability
//! period, as the seeds' sustainability commitment ("3 cooperation
//! agreements with institutions or NGOs") counts them.
//!
//! An agreement comes into force when its last party signs (it becomes
//! ACTIVE), so the day it did is its latest signature's, in UTC. EXPIRED
//! and TERMINATED agreements were in force once and still count; DECLINED,
//! WITHDRAWN, PROPOSED and DRAFT ones never were. Only agreements `actor`
//! may see count (the one visibility rule), as for the activity rules.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entities::{agreement, agreement_party, enums::AgreementStatus, project};
use sea_orm::{
    ColumnTrait, ConnectionTrait, FromQueryResult, QueryFilter, QuerySelect,
    sea_query::{Alias, Expr, ExprTrait, Query, SimpleExpr, SubQueryStatement},
};

use crate::domain::{actor::Actor, agreements, column, error::DomainResult, inner_join};

/// The states of an agreement that came into force.
const CAME_INTO_FORCE: [AgreementStatus; 3] = [
    AgreementStatus::Active,
    AgreementStatus::Expired,
    AgreementStatus::Terminated,
];

/// A project's dates, as the rule reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The project's first day.
    pub start: NaiveDate,
    /// The project's last day.
    pub end: NaiveDate,
    /// The last day of its sustainability period, if it has one.
    pub sustainability_end: Option<NaiveDate>,
}

impl Period {
    /// Whether an agreement that came into force at `at` counts: on a day
    /// from the project's start to the end of its sustainability period
    /// (or of the project, without one), both included.
    pub fn counts(&self, at: DateTime<Utc>) -> bool {
        let day = at.date_naive();
        let last = self
            .sustainability_end
            .map_or(self.end, |s| Ord::max(s, self.end));
        self.start <= day && day <= last
    }
}

/// One agreement in force that a beneficiary signed, with its project's
/// dates.
#[derive(FromQueryResult)]
struct InForce {
    project: i64,
    start: NaiveDate,
    end: NaiveDate,
    sustainability_end: Option<NaiveDate>,
    in_force_at: DateTime<Utc>,
}

/// When the agreement of the outer row came into force: its latest
/// signature.
fn came_into_force_at() -> SimpleExpr {
    let parties = Alias::new("all_parties");
    SimpleExpr::SubQuery(
        None,
        Box::new(SubQueryStatement::SelectStatement(
            Query::select()
                .expr(Expr::col((parties.clone(), agreement_party::Column::SignedAt)).max())
                .from_as(agreement_party::Entity, parties.clone())
                .and_where(
                    Expr::col((parties, agreement_party::Column::AgreementId))
                        .equals((agreement::Entity, agreement::Column::Id)),
                )
                .to_owned(),
        )),
    )
}

/// How many agreements count for each of `projects` (those with none are
/// missing), among the agreements `actor` may see. One statement: each
/// visible agreement in force that a beneficiary signed, with the
/// project's dates; the period is applied here.
pub(super) async fn in_force<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    projects: Vec<i64>,
) -> DomainResult<HashMap<i64, i64>> {
    let signed_by_beneficiary = inner_join(
        agreements::visible(actor).filter(agreement::Column::Status.is_in(CAME_INTO_FORCE)),
        "agreement_parties",
        column("agreement_parties", "agreement_id")
            .equals((agreement::Entity, agreement::Column::Id))
            .and(column("agreement_parties", "signed_at").is_not_null()),
    );
    let with_project = inner_join(
        signed_by_beneficiary,
        "projects",
        Expr::col((project::Entity, project::Column::OwnerId))
            .equals((
                agreement_party::Entity,
                agreement_party::Column::OrganizationId,
            ))
            .and(Expr::col((project::Entity, project::Column::Id)).is_in(projects)),
    );
    let rows: Vec<InForce> = with_project
        .select_only()
        .column_as(Expr::col((project::Entity, project::Column::Id)), "project")
        .column_as(
            Expr::col((project::Entity, project::Column::StartDate)),
            "start",
        )
        .column_as(
            Expr::col((project::Entity, project::Column::EndDate)),
            "end",
        )
        .column_as(
            Expr::col((project::Entity, project::Column::SustainabilityEndDate)),
            "sustainability_end",
        )
        .column_as(came_into_force_at(), "in_force_at")
        .into_model()
        .all(db)
        .await?;
    let mut counted = HashMap::new();
    for row in rows {
        let period = Period {
            start: row.start,
            end: row.end,
            sustainability_end: row.sustainability_end,
        };
        if period.counts(row.in_force_at) {
            *counted.entry(row.project).or_insert(0) += 1;
        }
    }
    Ok(counted)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn at(y: i32, m: u32, d: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, hour, 0, 0)
            .single()
            .unwrap_or_default()
    }

    /// The demo's 2018-2019 project.
    fn project() -> Period {
        Period {
            start: day(2018, 8, 1),
            end: day(2019, 7, 29),
            sustainability_end: None,
        }
    }

    #[test]
    fn an_agreement_counts_from_the_first_to_the_last_day_of_the_project() {
        assert!(!project().counts(at(2018, 7, 31, 23)));
        assert!(project().counts(at(2018, 8, 1, 0)));
        assert!(project().counts(at(2019, 7, 29, 23)));
        assert!(!project().counts(at(2019, 7, 30, 0)));
    }

    #[test]
    fn the_sustainability_period_extends_it() {
        let sustained = Period {
            sustainability_end: Some(day(2022, 7, 29)),
            ..project()
        };
        assert!(sustained.counts(at(2019, 9, 12, 14)));
        assert!(sustained.counts(at(2022, 7, 29, 12)));
        assert!(!sustained.counts(at(2022, 7, 30, 0)));
        assert!(!sustained.counts(at(2018, 7, 31, 12)));
    }

    #[test]
    fn a_sustainability_end_before_the_end_shortens_nothing() {
        let odd = Period {
            sustainability_end: Some(day(2019, 1, 1)),
            ..project()
        };
        assert!(odd.counts(at(2019, 7, 1, 9)));
    }
}

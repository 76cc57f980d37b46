//! What each dashboard figure counts, written once as SQL that lists every
//! record's *contributions*: (subject, record, scope, figure, key, records,
//! amount) rows. The same statement, with a different filter, builds the
//! maintained PUBLIC aggregates (all records, or the changed ones) and
//! counts live the share beyond PUBLIC that a member also sees.
//!
//! A scope is 0 (everything) or an organization: the parties of an
//! agreement, the owner of a document, the organizers of an activity (owner
//! or accepted co-organizer), an organization itself. `records` says how
//! many records a bucket holds (a bucket exists while it is positive);
//! `amount` carries the participants of activity figures.
//!
//! Everything interpolated into the SQL is a constant of this file, an
//! integer, or a condition sea-query rendered with its values escaped.

use sea_orm::DbBackend;

/// A kind of record figures are counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// Agreements.
    Agreement,
    /// Documents.
    Document,
    /// Activities.
    Activity,
    /// Organizations (all public).
    Organization,
}

impl Subject {
    /// Every subject.
    pub const ALL: [Self; 4] = [
        Self::Agreement,
        Self::Document,
        Self::Activity,
        Self::Organization,
    ];

    /// The name stored in `stats_changes` and `stats_contributions` (the
    /// migration's triggers write the same names).
    pub fn code(self) -> &'static str {
        match self {
            Self::Agreement => "agreement",
            Self::Document => "document",
            Self::Activity => "activity",
            Self::Organization => "organization",
        }
    }

    /// From [`Subject::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    fn table(self) -> &'static str {
        match self {
            Self::Agreement => "agreements",
            Self::Document => "documents",
            Self::Activity => "activities",
            Self::Organization => "organizations",
        }
    }

    /// (subject_id, scope_id): the organizations a record counts for.
    fn scopes(self) -> &'static str {
        match self {
            Self::Agreement => {
                "SELECT agreement_id AS subject_id, organization_id AS scope_id FROM agreement_parties"
            }
            Self::Document => "SELECT id AS subject_id, owner_id AS scope_id FROM documents",
            Self::Activity => {
                "SELECT id AS subject_id, owner_id AS scope_id FROM activities UNION \
                 SELECT activity_id, organization_id FROM activity_organizers \
                 WHERE accepted_at IS NOT NULL"
            }
            Self::Organization => "SELECT id AS subject_id, id AS scope_id FROM organizations",
        }
    }

    /// The figures counted over this subject.
    pub fn figures(self) -> Vec<Figure> {
        Figure::ALL
            .into_iter()
            .filter(|f| f.subject() == self)
            .collect()
    }
}

/// One breakdown a dashboard shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Figure {
    /// Agreements by lifecycle state.
    AgreementStatus,
    /// Agreements by legal form.
    AgreementKind,
    /// Agreements by the month they start ("2023-03"; undated left out).
    AgreementStartMonth,
    /// Agreements under each county one of their parties is in.
    AgreementCounty,
    /// Documents by kind.
    DocumentKind,
    /// Documents by the month they were published ("2019-05"; undated
    /// left out).
    DocumentPublishedMonth,
    /// Activities (not cancelled) and their participants by kind.
    ActivityKind,
    /// Activities (not cancelled) and their participants by start quarter.
    ActivityStartQuarter,
    /// Participants of COMPLETED TRAINING_COURSE activities by start year.
    PeopleTrainedByYear,
    /// Organizations by county.
    OrganizationCounty,
}

/// Participants of the activity `t` (trainers and speakers not counted).
const PARTICIPANTS: &str = "(SELECT COALESCE(SUM(pp.count), 0) FROM activity_participations pp \
     WHERE pp.activity_id = t.id AND pp.role <> 'TRAINER')";

/// How one figure reads a record `t`: extra joins, the key, the amount,
/// and which records count.
struct Parts {
    joins: &'static str,
    key: String,
    amount: &'static str,
    condition: &'static str,
}

impl Figure {
    /// Every figure.
    pub const ALL: [Self; 10] = [
        Self::AgreementStatus,
        Self::AgreementKind,
        Self::AgreementStartMonth,
        Self::AgreementCounty,
        Self::DocumentKind,
        Self::DocumentPublishedMonth,
        Self::ActivityKind,
        Self::ActivityStartQuarter,
        Self::PeopleTrainedByYear,
        Self::OrganizationCounty,
    ];

    /// The name stored in `stats_contributions` and `stats_counts`.
    pub fn code(self) -> &'static str {
        match self {
            Self::AgreementStatus => "AGREEMENT_STATUS",
            Self::AgreementKind => "AGREEMENT_KIND",
            Self::AgreementStartMonth => "AGREEMENT_START_MONTH",
            Self::AgreementCounty => "AGREEMENT_COUNTY",
            Self::DocumentKind => "DOCUMENT_KIND",
            Self::DocumentPublishedMonth => "DOCUMENT_PUBLISHED_MONTH",
            Self::ActivityKind => "ACTIVITY_KIND",
            Self::ActivityStartQuarter => "ACTIVITY_START_QUARTER",
            Self::PeopleTrainedByYear => "PEOPLE_TRAINED_BY_YEAR",
            Self::OrganizationCounty => "ORGANIZATION_COUNTY",
        }
    }

    /// What it counts.
    pub fn subject(self) -> Subject {
        match self {
            Self::AgreementStatus
            | Self::AgreementKind
            | Self::AgreementStartMonth
            | Self::AgreementCounty => Subject::Agreement,
            Self::DocumentKind | Self::DocumentPublishedMonth => Subject::Document,
            Self::ActivityKind | Self::ActivityStartQuarter | Self::PeopleTrainedByYear => {
                Subject::Activity
            }
            Self::OrganizationCounty => Subject::Organization,
        }
    }

    fn parts(self, backend: DbBackend) -> Parts {
        let plain = |key: &str, condition| Parts {
            joins: "",
            key: key.to_owned(),
            amount: "0",
            condition,
        };
        let activities = |key: String, condition| Parts {
            joins: "",
            key,
            amount: PARTICIPANTS,
            condition,
        };
        match self {
            Self::AgreementStatus => plain("t.status", "1 = 1"),
            Self::AgreementKind => plain("t.kind", "1 = 1"),
            Self::AgreementStartMonth => Parts {
                key: period(backend, "t.start_date", Period::Month),
                ..plain("", "t.start_date IS NOT NULL")
            },
            Self::AgreementCounty => Parts {
                joins: "JOIN agreement_parties cp ON cp.agreement_id = t.id \
                        JOIN organizations co ON co.id = cp.organization_id",
                ..plain("co.county", "co.county IS NOT NULL")
            },
            Self::DocumentKind => plain("t.kind", "1 = 1"),
            Self::DocumentPublishedMonth => Parts {
                key: period(backend, "t.published_on", Period::Month),
                ..plain("", "t.published_on IS NOT NULL")
            },
            Self::ActivityKind => activities("t.kind".to_owned(), "t.status <> 'CANCELLED'"),
            Self::ActivityStartQuarter => activities(
                period(backend, "t.start_date", Period::Quarter),
                "t.status <> 'CANCELLED'",
            ),
            Self::PeopleTrainedByYear => activities(
                period(backend, "t.start_date", Period::Year),
                "t.kind = 'TRAINING_COURSE' AND t.status = 'COMPLETED' AND EXISTS \
                 (SELECT 1 FROM activity_participations pp \
                  WHERE pp.activity_id = t.id AND pp.role <> 'TRAINER')",
            ),
            Self::OrganizationCounty => plain("t.county", "t.county IS NOT NULL"),
        }
    }
}

/// A time bucket of a date.
#[derive(Debug, Clone, Copy)]
enum Period {
    Month,
    Quarter,
    Year,
}

/// The bucket key ("2019-05", "2019-Q2", "2019") of a date column.
fn period(backend: DbBackend, c: &str, period: Period) -> String {
    match (backend, period) {
        (DbBackend::Postgres, Period::Month) => format!("to_char({c}, 'YYYY-MM')"),
        (DbBackend::Postgres, Period::Quarter) => format!("to_char({c}, 'YYYY-\"Q\"Q')"),
        (DbBackend::Postgres, Period::Year) => format!("to_char({c}, 'YYYY')"),
        (_, Period::Month) => format!("substr({c}, 1, 7)"),
        (_, Period::Quarter) => {
            format!("substr({c}, 1, 4) || '-Q' || ((CAST(substr({c}, 6, 2) AS INTEGER) + 2) / 3)")
        }
        (_, Period::Year) => format!("substr({c}, 1, 4)"),
    }
}

/// Which scopes the contributions are listed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scopes {
    /// Everything and every organization (what is stored).
    All,
    /// One scope: 0 for everything, else an organization.
    One(i64),
}

/// Which records of the subject contribute.
#[derive(Debug, Clone)]
pub enum Records<'a> {
    /// Those with these ids.
    Ids(&'a [i64]),
    /// Those marked in `stats_changes`.
    Changed,
    /// All of them.
    All,
}

/// The contributions of `subject`'s records that pass `visible` (an SQL
/// subquery of ids, or `None` for every record) and `records`, for the
/// figures `figures` in `scopes`. Columns: subject, subject_id, scope_id,
/// figure, key, records, amount; one row per (record, scope, figure, key).
pub fn contributions(
    backend: DbBackend,
    subject: Subject,
    figures: &[Figure],
    scopes: Scopes,
    visible: Option<&str>,
    records: &Records<'_>,
) -> String {
    let mut filter = match records {
        Records::Ids(ids) => format!("t.id IN ({})", id_list(ids)),
        Records::Changed => format!(
            "t.id IN (SELECT subject_id FROM stats_changes WHERE subject = '{}')",
            subject.code()
        ),
        Records::All => "1 = 1".to_owned(),
    };
    if let Some(visible) = visible {
        filter.push_str(&format!(" AND t.id IN ({visible})"));
    }
    let table = subject.table();
    let owners = subject.scopes();
    let mut branches = Vec::new();
    for figure in figures.iter().filter(|f| f.subject() == subject) {
        let Parts {
            joins,
            key,
            amount,
            condition,
        } = figure.parts(backend);
        let code = figure.code();
        let select = |scope: &str, scope_join: &str| {
            format!(
                "SELECT t.id AS subject_id, {scope} AS scope_id, '{code}' AS figure, {key} AS key, \
                 1 AS records, {amount} AS amount FROM {table} t {scope_join} {joins} \
                 WHERE {filter} AND {condition}"
            )
        };
        match scopes {
            Scopes::All => {
                branches.push(select("0", ""));
                branches.push(select(
                    "s.scope_id",
                    &format!("JOIN ({owners}) s ON s.subject_id = t.id"),
                ));
            }
            Scopes::One(0) => branches.push(select("0", "")),
            Scopes::One(org) => branches.push(select(
                &org.to_string(),
                &format!("JOIN ({owners}) s ON s.subject_id = t.id AND s.scope_id = {org}"),
            )),
        }
    }
    if branches.is_empty() {
        branches.push(format!(
            "SELECT 0 AS subject_id, 0 AS scope_id, '' AS figure, '' AS key, 0 AS records, \
             0 AS amount FROM {table} t WHERE 1 = 0"
        ));
    }
    // A record counts once per key: an agreement with two parties in one
    // county is one agreement of that county.
    format!(
        "SELECT '{}' AS subject, u.subject_id, u.scope_id, u.figure, u.key, \
         MAX(u.records) AS records, MAX(u.amount) AS amount FROM ({}) u \
         GROUP BY u.subject_id, u.scope_id, u.figure, u.key",
        subject.code(),
        branches.join(" UNION ALL ")
    )
}

/// `1, 2, 3` (never empty: an empty list matches nothing).
pub fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "NULL".to_owned();
    }
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_figure_belongs_to_one_subject() {
        let listed: usize = Subject::ALL.iter().map(|s| s.figures().len()).sum();
        assert_eq!(listed, Figure::ALL.len());
        for s in Subject::ALL {
            assert_eq!(Subject::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn one_scope_reads_only_that_organization() {
        let sql = contributions(
            DbBackend::Postgres,
            Subject::Document,
            &[Figure::DocumentKind],
            Scopes::One(7),
            None,
            &Records::Changed,
        );
        assert!(sql.contains("s.scope_id = 7"), "{sql}");
        assert!(!sql.contains("UNION ALL"), "{sql}");
        assert!(
            sql.contains(
                "t.id IN (SELECT subject_id FROM stats_changes WHERE subject = 'document')"
            ),
            "{sql}"
        );
    }

    #[test]
    fn figures_of_another_subject_are_left_out() {
        let sql = contributions(
            DbBackend::Sqlite,
            Subject::Agreement,
            &[Figure::DocumentKind],
            Scopes::All,
            None,
            &Records::Ids(&[]),
        );
        assert!(sql.contains("WHERE 1 = 0"), "{sql}");
        assert_eq!(id_list(&[1, 2]), "1, 2");
        assert_eq!(id_list(&[]), "NULL");
    }
}

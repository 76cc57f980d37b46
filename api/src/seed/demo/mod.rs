//! The demo data set loaded by `pactum seed --demo`.
//!
//! It is drawn from the two documents Pactum grew out of (`seeds/` in the
//! shared design folder):
//!
//! - a Romanian town hall's 2018-2019 anti-corruption project (an internal
//!   anti-corruption procedure, a good-practice guide on transparency, an
//!   awareness campaign, a workshop, three courses with diplomas for 28
//!   people and a sustainability plan of 3 cooperation agreements). The
//!   source does not name the town hall, so the demo uses the clearly
//!   fictional "Primăria Orașului Valea Verde" in its place;
//! - Lugoj municipality's 2021-2022 project SIPOCA 1102 / SMIS 151977
//!   (contract 582/15.09.2021, POCA 2014-2020): risk analysis, the SNA
//!   2021-2025 document set, an ethics and integrity guide, ISO 37001:2016
//!   certification, a public perception survey, an information campaign, 50
//!   people trained and 5 ISO 37001 internal auditors.
//!
//! The projects' indicators and the training figures are the seeds' own.
//! Everything else is invented for the demo and states nothing about the real
//! institutions: the NGOs are fictional, the agreements after the projects and
//! the dates the seeds do not give are made up, and every fiscal code is an
//! invented number that merely passes the CIF check digit, not the
//! institution's actual CIF. Fictional organizations use `example.org`
//! addresses; real institutions get their public website and no e-mail
//! address. Document versions carry metadata only (a deterministic SHA-256 of
//! the file name, title and version number); no file bytes are written to the
//! store.
//!
//! Timestamps are fixed and derived from each record's dates, so two loads
//! produce identical rows.
//!
//! The records themselves are data, in `demo.toml` next to this file, in
//! insertion order; this module parses them and derives what they do not
//! spell out: timestamps, check digits, search text and checksums.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entities::enums::{
    ActivityKind, ActivityStatus, AgreementKind, AgreementStatus, DocumentKind, OrganizationKind,
    ParticipantRole, Visibility,
};
use entities::{
    activity, activity_document, activity_organizer, activity_participation, agreement,
    agreement_party, document, document_tag, document_version, indicator, organization, project,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ConnectionTrait, EntityTrait, TransactionSession, TransactionTrait,
};
use serde::{Deserialize, Deserializer, de};
use sha2::{Digest, Sha256};

use crate::domain::{
    error::{DomainError, DomainResult},
    fiscal_code::check_digit,
    text::searchable,
};

/// Loads the demo data set in one transaction, unless the database already
/// holds organizations.
///
/// Returns `Ok(true)` when the data was inserted and `Ok(false)` (inserting
/// nothing) when the `organizations` table already has a row, so running
/// `pactum seed --demo` twice is harmless.
#[tracing::instrument(skip_all)]
pub async fn seed_demo<C: ConnectionTrait + TransactionTrait>(db: &C) -> DomainResult<bool> {
    let demo = Demo::parse()?;
    let txn = db.begin().await?;
    if organization::Entity::find().one(&txn).await?.is_some() {
        txn.rollback().await?;
        tracing::info!("organizations already present: demo data not loaded");
        return Ok(false);
    }
    let orgs = insert_organizations(&txn, &demo.organizations).await?;
    let projects = insert_projects(&txn, &demo.projects, &orgs).await?;
    let agreements = insert_agreements(&txn, &demo.agreements, &orgs).await?;
    let documents = insert_documents(&txn, &demo.documents, &orgs).await?;
    let activities = &demo.activities;
    insert_activities(&txn, activities, &orgs, &projects, &agreements, &documents).await?;
    txn.commit().await?;
    tracing::info!(
        organizations = demo.organizations.len(),
        projects = demo.projects.len(),
        agreements = demo.agreements.len(),
        documents = demo.documents.len(),
        activities = demo.activities.len(),
        "demo data loaded"
    );
    Ok(true)
}

// ---------------------------------------------------------------------------
// The data, as `demo.toml` lays it out
// ---------------------------------------------------------------------------

/// The whole of `demo.toml`; every list is in insertion order.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Demo {
    organizations: Vec<OrgSpec>,
    projects: Vec<ProjectSpec>,
    agreements: Vec<AgreementSpec>,
    documents: Vec<DocSpec>,
    activities: Vec<ActivitySpec>,
}

impl Demo {
    /// Parses the `demo.toml` compiled into the binary.
    fn parse() -> DomainResult<Self> {
        toml::from_str(include_str!("demo.toml")).map_err(|e| bad_data(format!("demo.toml: {e}")))
    }
}

/// One organization, referred to by its slug.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgSpec {
    slug: String,
    name: String,
    #[serde(deserialize_with = "db_name")]
    kind: OrganizationKind,
    /// Invented CIF without its check digit.
    fiscal_body: String,
    county: String,
    locality: String,
    website: Option<String>,
    contact_email: Option<String>,
    description: String,
    /// Creation and last change, at 08:00.
    created: Day,
}

/// One funded project, referred to by its code, with its result indicators.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectSpec {
    owner: String,
    code: String,
    title: String,
    programme: String,
    contract_number: Option<String>,
    /// Also the creation day, at 09:00.
    start: Day,
    end: Day,
    summary: String,
    indicators: Vec<IndicatorSpec>,
}

/// One result indicator of a project.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorSpec {
    name: String,
    unit: String,
    baseline: f64,
    target: f64,
    achieved: f64,
}

/// One agreement, referred to by its key; the initiator is its first party.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgreementSpec {
    key: String,
    initiator: String,
    title: String,
    #[serde(deserialize_with = "db_name")]
    kind: AgreementKind,
    #[serde(deserialize_with = "db_name")]
    status: AgreementStatus,
    objectives: String,
    start: Option<Day>,
    end: Option<Day>,
    #[serde(deserialize_with = "db_name")]
    visibility: Visibility,
    /// Created at 09:00.
    created: Day,
    /// Last changed at 16:00.
    updated: Day,
    parties: Vec<PartySpec>,
}

/// One party to an agreement.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartySpec {
    org: String,
    signed: Option<Signed>,
    declined: Option<Declined>,
}

/// When a party signed (day and UTC hour) and who signed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Signed {
    day: Day,
    hour: u32,
    signatory: String,
}

/// When a party declined (day and UTC hour).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Declined {
    day: Day,
    hour: u32,
}

/// One document, referred to by its key; its first version's upload day is
/// its creation day, its last one's its last change.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocSpec {
    key: String,
    owner: String,
    title: String,
    summary: String,
    #[serde(deserialize_with = "db_name")]
    kind: DocumentKind,
    language: String,
    #[serde(deserialize_with = "db_name")]
    visibility: Visibility,
    published: Option<Day>,
    tags: Vec<String>,
    versions: Vec<VersionSpec>,
}

/// One file of a document, numbered from 1 in file order.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionSpec {
    file_name: String,
    media_type: String,
    size_bytes: i64,
    change_note: Option<String>,
    /// Uploaded at 09:00.
    uploaded: Day,
}

/// One activity. Its owner is always its first organizer.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActivitySpec {
    owner: String,
    /// Organizers besides the owner.
    #[serde(default)]
    co_organizers: Vec<String>,
    agreement: Option<String>,
    project: Option<String>,
    title: String,
    #[serde(deserialize_with = "db_name")]
    kind: ActivityKind,
    #[serde(deserialize_with = "db_name")]
    status: ActivityStatus,
    description: String,
    start: Day,
    end: Day,
    place: Option<String>,
    online_url: Option<String>,
    certificates_issued: i32,
    outcomes: Option<String>,
    #[serde(deserialize_with = "db_name")]
    visibility: Visibility,
    participants: Vec<ParticipantSpec>,
    /// Keys of the documents it used.
    #[serde(default)]
    documents: Vec<String>,
    /// When it was recorded, at 09:00; `None` means three weeks before it
    /// started.
    created: Option<Day>,
    /// When it last changed, at 15:00; `None` means the day after it ended.
    updated: Option<Day>,
}

/// How many people of an organization took part in a role.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParticipantSpec {
    org: String,
    #[serde(deserialize_with = "db_name")]
    role: ParticipantRole,
    count: i32,
}

/// A calendar day, written as a TOML local date (`2021-09-15`): the `toml`
/// crate hands dates over as its own `Datetime`, which chrono cannot read.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
struct Day(NaiveDate);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::value::Datetime::deserialize(deserializer)?;
        value
            .date
            .filter(|_| value.time.is_none() && value.offset.is_none())
            .and_then(|d| NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()))
            .map(Self)
            .ok_or_else(|| de::Error::custom(format!("{value} is not a calendar day")))
    }
}

/// Reads an enumeration by its database (and GraphQL) name, such as
/// `CIVIL_SERVANT`; the entities' enums do not implement `Deserialize`.
fn db_name<'de, D, E>(deserializer: D) -> Result<E, D::Error>
where
    D: Deserializer<'de>,
    E: ActiveEnum<Value = String>,
{
    let name = String::deserialize(deserializer)?;
    E::try_from_value(&name).map_err(de::Error::custom)
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Ids of inserted rows by their key in `demo.toml`.
type Ids<'a> = HashMap<&'a str, i64>;

/// The error for a mistake in `demo.toml`.
fn bad_data(message: String) -> DomainError {
    DomainError::invalid("demo", message)
}

/// A fixed UTC instant on `day` at `hour`:00.
fn at(day: Day, hour: u32) -> DomainResult<DateTime<Utc>> {
    day.0
        .and_hms_opt(hour, 0, 0)
        .map(|t| t.and_utc())
        .ok_or_else(|| bad_data(format!("invalid hour {hour}")))
}

/// A fiscal code (CIF): `body` followed by its check digit.
fn cif(body: &str) -> DomainResult<String> {
    check_digit(body)
        .map(|digit| format!("{body}{digit}"))
        .ok_or_else(|| bad_data(format!("invalid fiscal code body {body}")))
}

/// The id recorded under `key`.
fn id(ids: &Ids<'_>, key: &str) -> DomainResult<i64> {
    ids.get(key)
        .copied()
        .ok_or_else(|| bad_data(format!("unknown demo key {key}")))
}

/// The id recorded under `key`, if there is a key.
fn optional_id(ids: &Ids<'_>, key: Option<&str>) -> DomainResult<Option<i64>> {
    key.map(|key| id(ids, key)).transpose()
}

/// Hex SHA-256 of the deterministic stand-in content of a file.
fn sha256_hex(file_name: &str, title: &str, number: i32) -> String {
    hex::encode(Sha256::digest(
        format!("{file_name}\n{title}\nv{number}").as_bytes(),
    ))
}

// ---------------------------------------------------------------------------
// Inserts, table by table, in the order of `demo.toml`
// ---------------------------------------------------------------------------

/// Inserts the organizations; returns their ids by slug.
async fn insert_organizations<'a, T: ConnectionTrait>(
    txn: &T,
    specs: &'a [OrgSpec],
) -> DomainResult<Ids<'a>> {
    let mut ids = Ids::new();
    for o in specs {
        let created = at(o.created, 8)?;
        let model = organization::ActiveModel {
            id: NotSet,
            slug: Set(o.slug.clone()),
            name: Set(o.name.clone()),
            kind: Set(o.kind),
            fiscal_code: Set(Some(cif(&o.fiscal_body)?)),
            county: Set(Some(o.county.clone())),
            locality: Set(Some(o.locality.clone())),
            website: Set(o.website.clone()),
            contact_email: Set(o.contact_email.clone()),
            description: Set(Some(o.description.clone())),
            search_text: Set(searchable(&[
                &o.name,
                &o.county,
                &o.locality,
                &o.description,
            ])),
            version: Set(1),
            created_at: Set(created),
            updated_at: Set(created),
        }
        .insert(txn)
        .await?;
        ids.insert(o.slug.as_str(), model.id);
    }
    Ok(ids)
}

/// Inserts the projects and their indicators; returns their ids by code.
async fn insert_projects<'a, T: ConnectionTrait>(
    txn: &T,
    specs: &'a [ProjectSpec],
    orgs: &Ids<'_>,
) -> DomainResult<Ids<'a>> {
    let mut ids = Ids::new();
    for p in specs {
        let model = project::ActiveModel {
            id: NotSet,
            owner_id: Set(id(orgs, &p.owner)?),
            code: Set(p.code.clone()),
            title: Set(p.title.clone()),
            programme: Set(p.programme.clone()),
            contract_number: Set(p.contract_number.clone()),
            start_date: Set(p.start.0),
            end_date: Set(p.end.0),
            summary: Set(p.summary.clone()),
            search_text: Set(searchable(&[&p.code, &p.title, &p.programme, &p.summary])),
            created_at: Set(at(p.start, 9)?),
            version: Set(1),
        }
        .insert(txn)
        .await?;
        for i in &p.indicators {
            indicator::ActiveModel {
                id: NotSet,
                project_id: Set(model.id),
                name: Set(i.name.clone()),
                unit: Set(i.unit.clone()),
                baseline: Set(i.baseline),
                target: Set(i.target),
                achieved: Set(i.achieved),
                derivation: Set(None),
                version: Set(1),
            }
            .insert(txn)
            .await?;
        }
        ids.insert(p.code.as_str(), model.id);
    }
    Ok(ids)
}

/// Inserts the agreements and their parties; returns their ids by key.
async fn insert_agreements<'a, T: ConnectionTrait>(
    txn: &T,
    specs: &'a [AgreementSpec],
    orgs: &Ids<'_>,
) -> DomainResult<Ids<'a>> {
    let mut ids = Ids::new();
    for a in specs {
        let model = agreement::ActiveModel {
            id: NotSet,
            initiator_id: Set(id(orgs, &a.initiator)?),
            title: Set(a.title.clone()),
            kind: Set(a.kind),
            status: Set(a.status),
            objectives: Set(a.objectives.clone()),
            start_date: Set(a.start.map(|d| d.0)),
            end_date: Set(a.end.map(|d| d.0)),
            visibility: Set(a.visibility),
            search_text: Set(searchable(&[&a.title, &a.objectives])),
            version: Set(1),
            termination_reason: Set(None),
            created_at: Set(at(a.created, 9)?),
            updated_at: Set(at(a.updated, 16)?),
        }
        .insert(txn)
        .await?;
        for p in &a.parties {
            let (signed_at, signatory) = match &p.signed {
                Some(s) => (Some(at(s.day, s.hour)?), Some(s.signatory.clone())),
                None => (None, None),
            };
            let declined_at = p.declined.as_ref().map(|d| at(d.day, d.hour)).transpose()?;
            agreement_party::ActiveModel {
                id: NotSet,
                agreement_id: Set(model.id),
                organization_id: Set(id(orgs, &p.org)?),
                signed_at: Set(signed_at),
                signatory: Set(signatory),
                declined_at: Set(declined_at),
            }
            .insert(txn)
            .await?;
        }
        ids.insert(a.key.as_str(), model.id);
    }
    Ok(ids)
}

/// Inserts the documents, their tags and versions; returns their ids by key.
async fn insert_documents<'a, T: ConnectionTrait>(
    txn: &T,
    specs: &'a [DocSpec],
    orgs: &Ids<'_>,
) -> DomainResult<Ids<'a>> {
    let mut ids = Ids::new();
    for d in specs {
        let (Some(first), Some(last)) = (d.versions.first(), d.versions.last()) else {
            return Err(bad_data(format!("document {} has no version", d.key)));
        };
        let model = document::ActiveModel {
            id: NotSet,
            owner_id: Set(id(orgs, &d.owner)?),
            title: Set(d.title.clone()),
            summary: Set(d.summary.clone()),
            kind: Set(d.kind),
            language: Set(d.language.clone()),
            visibility: Set(d.visibility),
            published_on: Set(d.published.map(|p| p.0)),
            search_text: Set(searchable(&[&d.title, &d.summary])),
            version: Set(1),
            created_at: Set(at(first.uploaded, 9)?),
            updated_at: Set(at(last.uploaded, 9)?),
        }
        .insert(txn)
        .await?;
        for tag in &d.tags {
            document_tag::ActiveModel {
                document_id: Set(model.id),
                tag: Set(tag.to_lowercase()),
            }
            .insert(txn)
            .await?;
        }
        for (number, v) in (1..).zip(&d.versions) {
            let sha256 = sha256_hex(&v.file_name, &d.title, number);
            document_version::ActiveModel {
                id: NotSet,
                document_id: Set(model.id),
                number: Set(number),
                file_name: Set(v.file_name.clone()),
                media_type: Set(v.media_type.clone()),
                size_bytes: Set(v.size_bytes),
                storage_key: Set(format!("sha256/{sha256}")),
                sha256: Set(sha256),
                change_note: Set(v.change_note.clone()),
                created_at: Set(at(v.uploaded, 9)?),
                uploaded_by_id: Set(None),
            }
            .insert(txn)
            .await?;
        }
        ids.insert(d.key.as_str(), model.id);
    }
    Ok(ids)
}

/// Inserts the activities with their organizers, head counts and documents.
async fn insert_activities<T: ConnectionTrait>(
    txn: &T,
    specs: &[ActivitySpec],
    orgs: &Ids<'_>,
    projects: &Ids<'_>,
    agreements: &Ids<'_>,
    documents: &Ids<'_>,
) -> DomainResult<()> {
    for a in specs {
        let created = match a.created {
            Some(day) => at(day, 9)?,
            None => at(a.start, 9)? - Duration::days(21),
        };
        let updated = match a.updated {
            Some(day) => at(day, 15)?,
            None => at(a.end, 15)? + Duration::days(1),
        };
        let place = a.place.as_deref().unwrap_or_default();
        let model = activity::ActiveModel {
            id: NotSet,
            owner_id: Set(id(orgs, &a.owner)?),
            agreement_id: Set(optional_id(agreements, a.agreement.as_deref())?),
            project_id: Set(optional_id(projects, a.project.as_deref())?),
            title: Set(a.title.clone()),
            kind: Set(a.kind),
            status: Set(a.status),
            description: Set(a.description.clone()),
            start_date: Set(a.start.0),
            end_date: Set(a.end.0),
            place: Set(a.place.clone()),
            online_url: Set(a.online_url.clone()),
            certificates_issued: Set(a.certificates_issued),
            outcomes: Set(a.outcomes.clone()),
            cancellation_reason: Set(None),
            visibility: Set(a.visibility),
            search_text: Set(searchable(&[&a.title, &a.description, place])),
            version: Set(1),
            created_at: Set(created),
            updated_at: Set(updated),
        }
        .insert(txn)
        .await?;
        for org in std::iter::once(&a.owner).chain(&a.co_organizers) {
            activity_organizer::ActiveModel {
                id: NotSet,
                activity_id: Set(model.id),
                organization_id: Set(id(orgs, org)?),
                accepted_at: Set(Some(created)),
            }
            .insert(txn)
            .await?;
        }
        for p in &a.participants {
            activity_participation::ActiveModel {
                id: NotSet,
                activity_id: Set(model.id),
                organization_id: Set(id(orgs, &p.org)?),
                role: Set(p.role),
                count: Set(p.count),
            }
            .insert(txn)
            .await?;
        }
        for doc in &a.documents {
            activity_document::ActiveModel {
                activity_id: Set(model.id),
                document_id: Set(id(documents, doc)?),
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

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
//! address. The demo people, one or more members of each organization, are
//! invented too and have addresses on the reserved `.example` domain. Document versions carry metadata only (a deterministic SHA-256 of
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

use chrono::{DateTime, Duration, Utc};
use entities::{
    activity, activity_document, activity_organizer, activity_participation, agreement,
    agreement_party, document, document_tag, document_text, document_version, enums::TextStatus,
    indicator, organization, project,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ConnectionTrait, EntityTrait, TransactionSession, TransactionTrait,
};
use sha2::{Digest, Sha256};

use records::{ActivitySpec, AgreementSpec, Day, Demo, DocSpec, OrgSpec, ProjectSpec};

use crate::domain::{
    documents::text::NOT_IN_STORAGE,
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
    people::insert_people(&txn, &demo.people, &orgs).await?;
    txn.commit().await?;
    tracing::info!(
        organizations = demo.organizations.len(),
        projects = demo.projects.len(),
        agreements = demo.agreements.len(),
        documents = demo.documents.len(),
        activities = demo.activities.len(),
        people = demo.people.len(),
        "demo data loaded"
    );
    Ok(true)
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
            sustainability_end_date: Set(p.sustainability_end.map(|d| d.0)),
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
                derivation: Set(i.derivation),
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
            let version = document_version::ActiveModel {
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
                text_status: Set(if v.text.is_some() {
                    TextStatus::Extracted
                } else {
                    TextStatus::Failed
                }),
                text_failure: Set(v.text.is_none().then(|| NOT_IN_STORAGE.to_owned())),
                text_attempts: Set(0),
            }
            .insert(txn)
            .await?;
            if let Some(text) = &v.text {
                document_text::ActiveModel {
                    version_id: Set(version.id),
                    document_id: Set(model.id),
                    content: Set(text.clone()),
                    truncated: Set(false),
                    extracted_at: Set(at(v.uploaded, 10)?),
                }
                .insert(txn)
                .await?;
            }
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

mod people;
mod records;
#[cfg(test)]
mod tests;

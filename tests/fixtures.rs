//! Records inserted straight into a test's database, with the same
//! `search_text` folding the application uses. Each builder has defaults
//! so a test only states what it is about.

use chrono::{NaiveDate, TimeZone, Utc};
use entities::{
    activity, activity_document, activity_organizer, activity_participation, agreement,
    agreement_party, document, document_tag, document_version, enums::*, indicator, organization,
    project,
};
use pactum::domain::text::searchable;
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection, Set};

/// A date, for brevity.
pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn at(day: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).expect("valid time"))
}

/// Inserts an organization.
pub async fn organization(
    db: &DatabaseConnection,
    slug: &str,
    name: &str,
    kind: OrganizationKind,
    county: Option<&str>,
) -> organization::Model {
    let created = at(date(2020, 1, 1));
    organization::ActiveModel {
        id: NotSet,
        slug: Set(slug.to_owned()),
        name: Set(name.to_owned()),
        kind: Set(kind),
        fiscal_code: Set(None),
        county: Set(county.map(str::to_owned)),
        locality: Set(None),
        website: Set(None),
        contact_email: Set(None),
        description: Set(None),
        search_text: Set(searchable(&[name, county.unwrap_or_default()])),
        version: Set(1),
        created_at: Set(created),
        updated_at: Set(created),
    }
    .insert(db)
    .await
    .expect("organization inserted")
}

/// Inserts an agreement initiated by `parties[0]`, with every party signed
/// when `status` is ACTIVE.
pub async fn agreement(
    db: &DatabaseConnection,
    title: &str,
    parties: &[i64],
    status: AgreementStatus,
    visibility: Visibility,
    start: Option<NaiveDate>,
) -> agreement::Model {
    let created = at(start.unwrap_or(date(2024, 1, 1)));
    let model = agreement::ActiveModel {
        id: NotSet,
        initiator_id: Set(parties[0]),
        title: Set(title.to_owned()),
        kind: Set(AgreementKind::Cooperation),
        status: Set(status),
        objectives: Set("Cooperare pentru prevenirea corupției".to_owned()),
        start_date: Set(start),
        end_date: Set(start.map(|d| d + chrono::Days::new(365))),
        visibility: Set(visibility),
        search_text: Set(searchable(&[title])),
        version: Set(1),
        termination_reason: Set(None),
        created_at: Set(created),
        updated_at: Set(created),
    }
    .insert(db)
    .await
    .expect("agreement inserted");
    for party in parties {
        let signed = matches!(status, AgreementStatus::Active | AgreementStatus::Expired);
        agreement_party::ActiveModel {
            id: NotSet,
            agreement_id: Set(model.id),
            organization_id: Set(*party),
            signed_at: Set(signed.then_some(created)),
            signatory: Set(signed.then(|| "Primar".to_owned())),
            declined_at: Set(None),
        }
        .insert(db)
        .await
        .expect("party inserted");
    }
    model
}

/// Inserts a document with tags and one version.
pub async fn document(
    db: &DatabaseConnection,
    owner: i64,
    title: &str,
    kind: DocumentKind,
    visibility: Visibility,
    language: &str,
    tags: &[&str],
) -> document::Model {
    let created = at(date(2022, 3, 1));
    let model = document::ActiveModel {
        id: NotSet,
        owner_id: Set(owner),
        title: Set(title.to_owned()),
        summary: Set(String::new()),
        kind: Set(kind),
        language: Set(language.to_owned()),
        visibility: Set(visibility),
        published_on: Set(Some(date(2022, 3, 1))),
        search_text: Set(searchable(&[title])),
        version: Set(1),
        created_at: Set(created),
        updated_at: Set(created),
    }
    .insert(db)
    .await
    .expect("document inserted");
    for tag in tags {
        document_tag::ActiveModel {
            document_id: Set(model.id),
            tag: Set(tag.to_lowercase()),
        }
        .insert(db)
        .await
        .expect("tag inserted");
    }
    document_version::ActiveModel {
        id: NotSet,
        document_id: Set(model.id),
        number: Set(1),
        file_name: Set(format!("document-{}.pdf", model.id)),
        media_type: Set("application/pdf".to_owned()),
        size_bytes: Set(1024),
        sha256: Set("0".repeat(64)),
        storage_key: Set(format!("sha256/{}", "0".repeat(64))),
        change_note: Set(None),
        created_at: Set(created),
        uploaded_by_id: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("version inserted");
    model
}

/// What an activity fixture looks like.
pub struct ActivitySpec<'a> {
    /// Title.
    pub title: &'a str,
    /// Kind.
    pub kind: ActivityKind,
    /// Status.
    pub status: ActivityStatus,
    /// Visibility.
    pub visibility: Visibility,
    /// First day.
    pub start: NaiveDate,
    /// Organizers, lead first.
    pub organizers: &'a [i64],
    /// (organization, role, count) rows.
    pub participants: &'a [(i64, ParticipantRole, i32)],
    /// Linked documents.
    pub documents: &'a [i64],
    /// Agreement implemented.
    pub agreement: Option<i64>,
    /// Project.
    pub project: Option<i64>,
}

/// Inserts an activity with its organizers, participation and documents.
pub async fn activity(db: &DatabaseConnection, spec: ActivitySpec<'_>) -> activity::Model {
    let created = at(spec.start);
    let model = activity::ActiveModel {
        id: NotSet,
        owner_id: Set(spec.organizers[0]),
        agreement_id: Set(spec.agreement),
        project_id: Set(spec.project),
        title: Set(spec.title.to_owned()),
        kind: Set(spec.kind),
        status: Set(spec.status),
        description: Set(String::new()),
        start_date: Set(spec.start),
        end_date: Set(spec.start),
        place: Set(None),
        online_url: Set(None),
        certificates_issued: Set(0),
        outcomes: Set(None),
        cancellation_reason: Set(None),
        visibility: Set(spec.visibility),
        search_text: Set(searchable(&[spec.title])),
        version: Set(1),
        created_at: Set(created),
        updated_at: Set(created),
    }
    .insert(db)
    .await
    .expect("activity inserted");
    for org in spec.organizers {
        activity_organizer::ActiveModel {
            id: NotSet,
            activity_id: Set(model.id),
            organization_id: Set(*org),
            accepted_at: Set(Some(created)),
        }
        .insert(db)
        .await
        .expect("organizer inserted");
    }
    for (org, role, count) in spec.participants {
        activity_participation::ActiveModel {
            id: NotSet,
            activity_id: Set(model.id),
            organization_id: Set(*org),
            role: Set(*role),
            count: Set(*count),
        }
        .insert(db)
        .await
        .expect("participation inserted");
    }
    for doc in spec.documents {
        activity_document::ActiveModel {
            activity_id: Set(model.id),
            document_id: Set(*doc),
        }
        .insert(db)
        .await
        .expect("activity document inserted");
    }
    model
}

/// Inserts a project with indicators given as (name, target, achieved).
pub async fn project(
    db: &DatabaseConnection,
    owner: i64,
    code: &str,
    title: &str,
    start: NaiveDate,
    indicators: &[(&str, f64, f64)],
) -> project::Model {
    let model = project::ActiveModel {
        id: NotSet,
        owner_id: Set(owner),
        code: Set(code.to_owned()),
        title: Set(title.to_owned()),
        programme: Set("POCA 2014-2020".to_owned()),
        contract_number: Set(None),
        start_date: Set(start),
        end_date: Set(start + chrono::Days::new(400)),
        summary: Set(String::new()),
        search_text: Set(searchable(&[code, title])),
        created_at: Set(at(start)),
        version: Set(1),
        sustainability_end_date: Set(None),
    }
    .insert(db)
    .await
    .expect("project inserted");
    for (name, target, achieved) in indicators {
        indicator::ActiveModel {
            id: NotSet,
            project_id: Set(model.id),
            name: Set((*name).to_owned()),
            unit: Set("persoane".to_owned()),
            baseline: Set(0.0),
            target: Set(*target),
            achieved: Set(*achieved),
            derivation: Set(None),
            version: Set(1),
        }
        .insert(db)
        .await
        .expect("indicator inserted");
    }
    model
}

/// A municipality ("primaria-test", Timiș) owning one good-practice guide
/// of `visibility`, for the tests that upload to or download from it.
pub async fn municipality_with_guide(
    db: &DatabaseConnection,
    visibility: Visibility,
) -> (organization::Model, document::Model) {
    let org = organization(
        db,
        "primaria-test",
        "Primăria Test",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await;
    let guide = document(
        db,
        org.id,
        "Ghid de integritate",
        DocumentKind::GoodPracticeGuide,
        visibility,
        "ro",
        &[],
    )
    .await;
    (org, guide)
}

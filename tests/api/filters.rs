//! Filters and sort orders of the five root lists. One small world of
//! records with dates, kinds and links chosen so that every filter picks a
//! different subset and every order a different sequence; each answer is
//! checked in full, with `totalCount` matching it. Titles are plain ASCII
//! with distinct first words, so sorting by title means the same on every
//! database.

use std::collections::HashMap;

use chrono::{NaiveDate, TimeZone, Utc};
use entities::{
    activity, agreement, document,
    enums::{
        ActivityKind, ActivityStatus, AgreementKind, AgreementStatus, DocumentKind,
        OrganizationKind, Visibility,
    },
    organization,
};
use pactum_tests::{
    TestApp,
    fixtures::{self, ActivitySpec, date},
};
use sea_orm::{ActiveModelTrait, DatabaseConnection, IntoActiveModel, Set};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// The world
// ---------------------------------------------------------------------------

fn at(day: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(10, 30, 0).unwrap())
}

async fn dated_organization(
    db: &DatabaseConnection,
    name: &str,
    kind: OrganizationKind,
    county: Option<&str>,
    created: NaiveDate,
) -> organization::Model {
    let slug = name.to_lowercase().replace(' ', "-");
    let model = fixtures::organization(db, &slug, name, kind, county).await;
    let mut active = model.into_active_model();
    active.created_at = Set(at(created));
    active.update(db).await.unwrap()
}

/// Gives a fixture agreement its kind, end date and creation time.
async fn adjust_agreement(
    db: &DatabaseConnection,
    model: agreement::Model,
    kind: AgreementKind,
    end: Option<NaiveDate>,
    created: NaiveDate,
) -> agreement::Model {
    let mut active = model.into_active_model();
    active.kind = Set(kind);
    active.end_date = Set(end);
    active.created_at = Set(at(created));
    active.update(db).await.unwrap()
}

/// Gives a fixture document its publication date and creation time.
async fn adjust_document(
    db: &DatabaseConnection,
    model: document::Model,
    published: Option<NaiveDate>,
    created: NaiveDate,
) -> document::Model {
    let mut active = model.into_active_model();
    active.published_on = Set(published);
    active.created_at = Set(at(created));
    active.update(db).await.unwrap()
}

/// Gives a fixture activity its creation time.
async fn adjust_activity(
    db: &DatabaseConnection,
    model: activity::Model,
    created: NaiveDate,
) -> activity::Model {
    let mut active = model.into_active_model();
    active.created_at = Set(at(created));
    active.update(db).await.unwrap()
}

/// Six organizations, six agreements, six documents, three projects and
/// five activities, all PUBLIC.
///
/// | organization       | kind                | county    | created    |
/// |--------------------|---------------------|-----------|------------|
/// | Asociatia Alfa     | NGO                 | Arad      | 2021-05-01 |
/// | Biroul Beta        | OTHER_PUBLIC_BODY   | Timiș     | 2019-01-01 |
/// | Consiliul Gamma    | COUNTY_COUNCIL      | Timiș     | 2022-01-01 |
/// | Directia Delta     | CENTRAL_INSTITUTION | București | 2018-01-01 |
/// | Municipiul Epsilon | MUNICIPALITY        | Cluj      | 2020-06-01 |
/// | Primaria Zeta      | MUNICIPALITY        | -         | 2023-01-01 |
async fn world() -> TestApp {
    let mut app = TestApp::spawn().await;
    let db = &app.db;
    let alfa = dated_organization(
        db,
        "Asociatia Alfa",
        OrganizationKind::Ngo,
        Some("Arad"),
        date(2021, 5, 1),
    )
    .await;
    let beta = dated_organization(
        db,
        "Biroul Beta",
        OrganizationKind::OtherPublicBody,
        Some("Timiș"),
        date(2019, 1, 1),
    )
    .await;
    let gamma = dated_organization(
        db,
        "Consiliul Gamma",
        OrganizationKind::CountyCouncil,
        Some("Timiș"),
        date(2022, 1, 1),
    )
    .await;
    let delta = dated_organization(
        db,
        "Directia Delta",
        OrganizationKind::CentralInstitution,
        Some("București"),
        date(2018, 1, 1),
    )
    .await;
    let epsilon = dated_organization(
        db,
        "Municipiul Epsilon",
        OrganizationKind::Municipality,
        Some("Cluj"),
        date(2020, 6, 1),
    )
    .await;
    let zeta = dated_organization(
        db,
        "Primaria Zeta",
        OrganizationKind::Municipality,
        None,
        date(2023, 1, 1),
    )
    .await;

    // Agreements: (title, parties with the initiator first, status, kind,
    // start, end, created).
    let agreements = [
        (
            "Acord alfa",
            vec![epsilon.id, alfa.id],
            AgreementStatus::Active,
            AgreementKind::Cooperation,
            Some(date(2021, 3, 1)),
            Some(date(2022, 3, 1)),
            date(2021, 2, 1),
        ),
        (
            "Protocol beta",
            vec![epsilon.id, beta.id],
            AgreementStatus::Expired,
            AgreementKind::Protocol,
            Some(date(2019, 1, 10)),
            Some(date(2020, 1, 10)),
            date(2018, 12, 1),
        ),
        (
            "Memorandum gamma",
            vec![gamma.id, epsilon.id],
            AgreementStatus::Proposed,
            AgreementKind::Memorandum,
            Some(date(2025, 6, 1)),
            None,
            date(2025, 5, 1),
        ),
        (
            "Parteneriat delta",
            vec![alfa.id, zeta.id],
            AgreementStatus::Draft,
            AgreementKind::Partnership,
            None,
            None,
            date(2026, 1, 15),
        ),
        (
            "Conventie epsilon",
            vec![beta.id, gamma.id, epsilon.id],
            AgreementStatus::Active,
            AgreementKind::Cooperation,
            Some(date(2023, 9, 1)),
            Some(date(2024, 8, 31)),
            date(2023, 8, 1),
        ),
        (
            "Intelegere zeta",
            vec![delta.id, epsilon.id],
            AgreementStatus::Terminated,
            AgreementKind::Cooperation,
            Some(date(2020, 5, 5)),
            Some(date(2026, 12, 31)),
            date(2020, 4, 1),
        ),
    ];
    let mut agreement_ids = HashMap::new();
    for (title, parties, status, kind, start, end, created) in agreements {
        let model =
            fixtures::agreement(db, title, &parties, status, Visibility::Public, start).await;
        let model = adjust_agreement(db, model, kind, end, created).await;
        agreement_ids.insert(title, model.id);
    }

    // Documents: (owner, title, kind, language, tags, published, created).
    let documents = [
        (
            alfa.id,
            "Analiza riscurilor",
            DocumentKind::RiskAnalysis,
            "ro",
            vec!["riscuri", "Anticoruptie"],
            Some(date(2021, 6, 1)),
            date(2021, 6, 2),
        ),
        (
            beta.id,
            "Cod etic",
            DocumentKind::CodeOfEthics,
            "ro",
            vec!["etica"],
            Some(date(2019, 2, 1)),
            date(2023, 1, 1),
        ),
        (
            alfa.id,
            "Ethics handbook",
            DocumentKind::TrainingMaterial,
            "en",
            vec!["etica", "training"],
            Some(date(2022, 9, 15)),
            date(2022, 9, 15),
        ),
        (
            gamma.id,
            "Ghid de transparenta",
            DocumentKind::GoodPracticeGuide,
            "ro",
            vec!["transparenta", "anticoruptie"],
            None,
            date(2024, 2, 1),
        ),
        (
            beta.id,
            "Raport anual",
            DocumentKind::Report,
            "ro",
            vec![],
            Some(date(2023, 12, 20)),
            date(2020, 1, 1),
        ),
        (
            epsilon.id,
            "Strategie locala",
            DocumentKind::Strategy,
            "de",
            vec!["Strategie"],
            Some(date(2020, 7, 7)),
            date(2019, 5, 5),
        ),
    ];
    for (owner, title, kind, language, tags, published, created) in documents {
        let model =
            fixtures::document(db, owner, title, kind, Visibility::Public, language, &tags).await;
        adjust_document(db, model, published, created).await;
    }

    // Projects.
    let integritate = fixtures::project(
        db,
        epsilon.id,
        "SMIS 200",
        "Integritate locala",
        date(2021, 9, 15),
        &[("persoane instruite", 50.0, 50.0)],
    )
    .await;
    fixtures::project(
        db,
        epsilon.id,
        "POCA 100",
        "Transparenta decizionala",
        date(2019, 3, 1),
        &[],
    )
    .await;
    let achizitii = fixtures::project(
        db,
        gamma.id,
        "SIPOCA 300",
        "Achizitii curate",
        date(2023, 1, 10),
        &[],
    )
    .await;

    // Activities: (title, kind, status, start, organizers, agreement,
    // project, created).
    let activities = [
        (
            "Atelier de lucru",
            ActivityKind::Workshop,
            ActivityStatus::Completed,
            date(2021, 4, 10),
            vec![epsilon.id, alfa.id],
            Some(agreement_ids["Acord alfa"]),
            Some(integritate.id),
            date(2021, 3, 1),
        ),
        (
            "Curs de etica",
            ActivityKind::TrainingCourse,
            ActivityStatus::Completed,
            date(2022, 2, 1),
            vec![epsilon.id],
            None,
            Some(integritate.id),
            date(2022, 1, 10),
        ),
        (
            "Dezbatere publica",
            ActivityKind::Conference,
            ActivityStatus::Cancelled,
            date(2023, 5, 5),
            vec![beta.id, epsilon.id],
            Some(agreement_ids["Conventie epsilon"]),
            None,
            date(2023, 1, 20),
        ),
        (
            "Sondaj de opinie",
            ActivityKind::Survey,
            ActivityStatus::Planned,
            date(2026, 3, 1),
            vec![gamma.id],
            Some(agreement_ids["Memorandum gamma"]),
            Some(achizitii.id),
            date(2025, 12, 1),
        ),
        (
            // Starts the same day as "Curs de etica", but was inserted later.
            "Intalnire de lucru",
            ActivityKind::Meeting,
            ActivityStatus::Planned,
            date(2022, 2, 1),
            vec![alfa.id],
            Some(agreement_ids["Acord alfa"]),
            None,
            date(2021, 12, 1),
        ),
    ];
    for (title, kind, status, start, organizers, agreement, project, created) in activities {
        let model = fixtures::activity(
            db,
            ActivitySpec {
                title,
                kind,
                status,
                visibility: Visibility::Public,
                start,
                organizers: &organizers,
                participants: &[],
                documents: &[],
                agreement,
                project,
            },
        )
        .await;
        adjust_activity(db, model, created).await;
    }
    // Every record here is PUBLIC, but the DRAFT "Parteneriat delta" is seen
    // only by its parties: the lists are read as an integration of Zeta's.
    let zeta_token =
        pactum_tests::accounts::api_token(&app.db, zeta.id, entities::enums::TokenScope::Read)
            .await;
    app.bearer = Some(zeta_token);
    app
}

// ---------------------------------------------------------------------------
// Asking
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum List {
    Organizations,
    Agreements,
    Documents,
    Activities,
    Projects,
}

impl List {
    fn field(self) -> &'static str {
        match self {
            Self::Organizations => "organizations",
            Self::Agreements => "agreements",
            Self::Documents => "documents",
            Self::Activities => "activities",
            Self::Projects => "projects",
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            Self::Organizations => "Organization",
            Self::Agreements => "Agreement",
            Self::Documents => "Document",
            Self::Activities => "Activity",
            Self::Projects => "Project",
        }
    }

    /// The field a record is recognised by, and sorted by in filter checks.
    fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::Organizations => ("name", "NAME"),
            _ => ("title", "TITLE"),
        }
    }

    fn query(self) -> String {
        format!(
            "query($filter: {t}Filter, $orderBy: {t}Order) {{
                {f}(filter: $filter, orderBy: $orderBy, first: 100) {{
                    totalCount
                    pageInfo {{ hasNextPage hasPreviousPage }}
                    edges {{ node {{ id label: {l} }} }}
                }}
            }}",
            t = self.type_name(),
            f = self.field(),
            l = self.label().0,
        )
    }
}

/// The labels `list` returns for `filter` in `order`, checking that
/// `totalCount` is the number of records returned (all on one page).
async fn labels(app: &TestApp, list: List, filter: Value, order: Value) -> Vec<String> {
    let variables = json!({ "filter": filter, "orderBy": order });
    let data = app.data(&list.query(), variables.clone()).await;
    let connection = &data[list.field()];
    let labels: Vec<String> = connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["label"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        connection["totalCount"],
        labels.len(),
        "{list:?} {variables}: totalCount must match the records"
    );
    assert_eq!(connection["pageInfo"]["hasNextPage"], false);
    labels
}

/// The labels `list` returns for `filter`, sorted by label.
async fn filtered(app: &TestApp, list: List, filter: Value) -> Vec<String> {
    let order = json!({ "field": list.label().1, "direction": "ASC" });
    labels(app, list, filter, order).await
}

/// Checks the order `field` gives, ascending and descending.
async fn assert_sorted(app: &TestApp, list: List, field: &str, asc: &[&str], desc: &[&str]) {
    let everything = Value::Null;
    for (direction, expected) in [("ASC", asc), ("DESC", desc)] {
        let order = json!({ "field": field, "direction": direction });
        assert_eq!(
            labels(app, list, everything.clone(), order).await,
            expected,
            "{list:?} by {field} {direction}"
        );
    }
}

/// Label to global ID, for every record of `list`.
async fn ids(app: &TestApp, list: List) -> HashMap<String, String> {
    let data = app.data(&list.query(), json!({})).await;
    data[list.field()]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["label"].as_str().unwrap().to_owned(),
                e["node"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The error codes of `list` with `filter`, checking no data came back for
/// the list.
async fn refused(app: &TestApp, list: List, filter: Value) -> Vec<String> {
    let body = app
        .query(&list.query(), json!({ "filter": filter.clone() }))
        .await;
    assert!(
        body["data"][list.field()].is_null(),
        "{list:?} {filter}: {body}"
    );
    TestApp::codes(&body)
}

// ---------------------------------------------------------------------------
// Organizations
// ---------------------------------------------------------------------------

#[tokio::test]
async fn organizations_filter_by_kind_and_county() {
    let app = world().await;
    let list = List::Organizations;
    for (filter, expected) in [
        (
            json!(null),
            vec![
                "Asociatia Alfa",
                "Biroul Beta",
                "Consiliul Gamma",
                "Directia Delta",
                "Municipiul Epsilon",
                "Primaria Zeta",
            ],
        ),
        (
            json!({}),
            vec![
                "Asociatia Alfa",
                "Biroul Beta",
                "Consiliul Gamma",
                "Directia Delta",
                "Municipiul Epsilon",
                "Primaria Zeta",
            ],
        ),
        (
            json!({ "kinds": ["MUNICIPALITY"] }),
            vec!["Municipiul Epsilon", "Primaria Zeta"],
        ),
        (
            json!({ "kinds": ["NGO", "CENTRAL_INSTITUTION"] }),
            vec!["Asociatia Alfa", "Directia Delta"],
        ),
        (
            json!({ "counties": ["Timiș"] }),
            vec!["Biroul Beta", "Consiliul Gamma"],
        ),
        (
            json!({ "counties": ["Timiș", "Arad"] }),
            vec!["Asociatia Alfa", "Biroul Beta", "Consiliul Gamma"],
        ),
        (json!({ "counties": ["Vaslui"] }), vec![]),
        // Filters combine with AND.
        (
            json!({ "kinds": ["COUNTY_COUNCIL", "MUNICIPALITY"], "counties": ["Timiș", "Cluj"] }),
            vec!["Consiliul Gamma", "Municipiul Epsilon"],
        ),
        (json!({ "kinds": ["NGO"], "counties": ["Timiș"] }), vec![]),
    ] {
        assert_eq!(
            filtered(&app, list, filter.clone()).await,
            expected,
            "{filter}"
        );
    }
}

#[tokio::test]
async fn organizations_sort_by_name_and_creation() {
    let app = world().await;
    let list = List::Organizations;
    let by_name = [
        "Asociatia Alfa",
        "Biroul Beta",
        "Consiliul Gamma",
        "Directia Delta",
        "Municipiul Epsilon",
        "Primaria Zeta",
    ];
    let by_creation = [
        "Directia Delta",
        "Biroul Beta",
        "Municipiul Epsilon",
        "Asociatia Alfa",
        "Consiliul Gamma",
        "Primaria Zeta",
    ];
    assert_sorted(&app, list, "NAME", &by_name, &reversed(&by_name)).await;
    assert_sorted(
        &app,
        list,
        "CREATED_AT",
        &by_creation,
        &reversed(&by_creation),
    )
    .await;
    // By name, ascending, unless told otherwise.
    assert_eq!(labels(&app, list, Value::Null, Value::Null).await, by_name);
    assert_eq!(
        labels(&app, list, Value::Null, json!({ "field": "CREATED_AT" })).await,
        by_creation
    );
}

fn reversed<'a>(items: &[&'a str]) -> Vec<&'a str> {
    items.iter().rev().copied().collect()
}

// ---------------------------------------------------------------------------
// Agreements
// ---------------------------------------------------------------------------

#[tokio::test]
async fn agreements_filter_by_status_kind_parties_and_dates() {
    let app = world().await;
    let list = List::Agreements;
    let org = ids(&app, List::Organizations).await;
    let epsilon = &org["Municipiul Epsilon"];
    let gamma = &org["Consiliul Gamma"];
    let zeta = &org["Primaria Zeta"];
    for (filter, expected) in [
        (
            json!({}),
            vec![
                "Acord alfa",
                "Conventie epsilon",
                "Intelegere zeta",
                "Memorandum gamma",
                "Parteneriat delta",
                "Protocol beta",
            ],
        ),
        (
            json!({ "statuses": ["ACTIVE"] }),
            vec!["Acord alfa", "Conventie epsilon"],
        ),
        (
            json!({ "statuses": ["ACTIVE", "EXPIRED", "DRAFT"] }),
            vec![
                "Acord alfa",
                "Conventie epsilon",
                "Parteneriat delta",
                "Protocol beta",
            ],
        ),
        (json!({ "statuses": ["DECLINED", "WITHDRAWN"] }), vec![]),
        (
            json!({ "kinds": ["COOPERATION"] }),
            vec!["Acord alfa", "Conventie epsilon", "Intelegere zeta"],
        ),
        (
            json!({ "kinds": ["MEMORANDUM", "PARTNERSHIP"] }),
            vec!["Memorandum gamma", "Parteneriat delta"],
        ),
        (json!({ "kinds": ["PROTOCOL"] }), vec!["Protocol beta"]),
        // As any party, initiator or not.
        (
            json!({ "partyId": epsilon }),
            vec![
                "Acord alfa",
                "Conventie epsilon",
                "Intelegere zeta",
                "Memorandum gamma",
                "Protocol beta",
            ],
        ),
        (
            json!({ "partyId": gamma }),
            vec!["Conventie epsilon", "Memorandum gamma"],
        ),
        (json!({ "partyId": zeta }), vec!["Parteneriat delta"]),
        // As initiator only.
        (
            json!({ "initiatorId": epsilon }),
            vec!["Acord alfa", "Protocol beta"],
        ),
        (json!({ "initiatorId": gamma }), vec!["Memorandum gamma"]),
        (json!({ "initiatorId": zeta }), vec![]),
        // Inclusive date ranges, open at either end; undated agreements
        // never fall in a bounded range.
        (
            json!({ "startDate": { "from": "2020-05-05", "to": "2023-09-01" } }),
            vec!["Acord alfa", "Conventie epsilon", "Intelegere zeta"],
        ),
        (
            json!({ "startDate": { "from": "2023-01-01" } }),
            vec!["Conventie epsilon", "Memorandum gamma"],
        ),
        (
            json!({ "startDate": { "to": "2020-12-31" } }),
            vec!["Intelegere zeta", "Protocol beta"],
        ),
        (
            json!({ "startDate": { "from": "2021-03-01", "to": "2021-03-01" } }),
            vec!["Acord alfa"],
        ),
        (
            json!({ "startDate": {} }),
            vec![
                "Acord alfa",
                "Conventie epsilon",
                "Intelegere zeta",
                "Memorandum gamma",
                "Parteneriat delta",
                "Protocol beta",
            ],
        ),
        (
            json!({ "endDate": { "to": "2022-12-31" } }),
            vec!["Acord alfa", "Protocol beta"],
        ),
        (
            json!({ "endDate": { "from": "2024-01-01" } }),
            vec!["Conventie epsilon", "Intelegere zeta"],
        ),
        (
            json!({ "endDate": { "from": "2020-01-10", "to": "2024-08-31" } }),
            vec!["Acord alfa", "Conventie epsilon", "Protocol beta"],
        ),
        // Everything together is an AND.
        (
            json!({
                "statuses": ["ACTIVE", "TERMINATED", "EXPIRED"],
                "partyId": epsilon,
                "startDate": { "from": "2020-01-01" },
            }),
            vec!["Acord alfa", "Conventie epsilon", "Intelegere zeta"],
        ),
        (
            json!({
                "statuses": ["ACTIVE", "TERMINATED", "EXPIRED"],
                "kinds": ["COOPERATION"],
                "partyId": epsilon,
                "initiatorId": epsilon,
                "startDate": { "from": "2020-01-01" },
                "endDate": { "to": "2025-01-01" },
            }),
            vec!["Acord alfa"],
        ),
        (
            json!({ "partyId": gamma, "statuses": ["ACTIVE"], "kinds": ["MEMORANDUM"] }),
            vec![],
        ),
    ] {
        assert_eq!(
            filtered(&app, list, filter.clone()).await,
            expected,
            "{filter}"
        );
    }
}

#[tokio::test]
async fn agreements_sort_by_creation_title_and_dates_with_undated_last() {
    let app = world().await;
    let list = List::Agreements;
    let by_creation = [
        "Protocol beta",
        "Intelegere zeta",
        "Acord alfa",
        "Conventie epsilon",
        "Memorandum gamma",
        "Parteneriat delta",
    ];
    assert_sorted(
        &app,
        list,
        "CREATED_AT",
        &by_creation,
        &reversed(&by_creation),
    )
    .await;
    // Newest first when no order is given.
    assert_eq!(
        labels(&app, list, Value::Null, Value::Null).await,
        reversed(&by_creation)
    );
    let by_title = [
        "Acord alfa",
        "Conventie epsilon",
        "Intelegere zeta",
        "Memorandum gamma",
        "Parteneriat delta",
        "Protocol beta",
    ];
    assert_sorted(&app, list, "TITLE", &by_title, &reversed(&by_title)).await;
    // "Parteneriat delta" has no dates: last both ways.
    assert_sorted(
        &app,
        list,
        "START_DATE",
        &[
            "Protocol beta",
            "Intelegere zeta",
            "Acord alfa",
            "Conventie epsilon",
            "Memorandum gamma",
            "Parteneriat delta",
        ],
        &[
            "Memorandum gamma",
            "Conventie epsilon",
            "Acord alfa",
            "Intelegere zeta",
            "Protocol beta",
            "Parteneriat delta",
        ],
    )
    .await;
    // Two have no end date: last both ways, between themselves by id in the
    // direction asked ("Memorandum gamma" was inserted first).
    assert_sorted(
        &app,
        list,
        "END_DATE",
        &[
            "Protocol beta",
            "Acord alfa",
            "Conventie epsilon",
            "Intelegere zeta",
            "Memorandum gamma",
            "Parteneriat delta",
        ],
        &[
            "Intelegere zeta",
            "Conventie epsilon",
            "Acord alfa",
            "Protocol beta",
            "Parteneriat delta",
            "Memorandum gamma",
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------

#[tokio::test]
async fn documents_filter_by_kind_language_owner_tags_and_publication() {
    let app = world().await;
    let list = List::Documents;
    let org = ids(&app, List::Organizations).await;
    let alfa = &org["Asociatia Alfa"];
    let beta = &org["Biroul Beta"];
    let gamma = &org["Consiliul Gamma"];
    let zeta = &org["Primaria Zeta"];
    for (filter, expected) in [
        (
            json!({ "kinds": ["REPORT", "STRATEGY"] }),
            vec!["Raport anual", "Strategie locala"],
        ),
        (json!({ "kinds": ["CODE_OF_ETHICS"] }), vec!["Cod etic"]),
        (json!({ "kinds": ["SURVEY_REPORT"] }), vec![]),
        (json!({ "languages": ["en"] }), vec!["Ethics handbook"]),
        // Language codes are matched whatever their case.
        (
            json!({ "languages": ["EN", "de"] }),
            vec!["Ethics handbook", "Strategie locala"],
        ),
        (
            json!({ "languages": ["ro"] }),
            vec![
                "Analiza riscurilor",
                "Cod etic",
                "Ghid de transparenta",
                "Raport anual",
            ],
        ),
        (
            json!({ "ownerId": alfa }),
            vec!["Analiza riscurilor", "Ethics handbook"],
        ),
        (json!({ "ownerId": beta }), vec!["Cod etic", "Raport anual"]),
        (json!({ "ownerId": zeta }), vec![]),
        // Tags: any of them, whatever their case; a document carrying two
        // of them comes back once.
        (
            json!({ "tags": ["anticoruptie"] }),
            vec!["Analiza riscurilor", "Ghid de transparenta"],
        ),
        (
            json!({ "tags": ["ANTICORUPTIE"] }),
            vec!["Analiza riscurilor", "Ghid de transparenta"],
        ),
        (
            json!({ "tags": ["Etica", "strategie"] }),
            vec!["Cod etic", "Ethics handbook", "Strategie locala"],
        ),
        (
            json!({ "tags": ["etica", "training"] }),
            vec!["Cod etic", "Ethics handbook"],
        ),
        (
            json!({ "tags": ["transparenta", "nu-exista"] }),
            vec!["Ghid de transparenta"],
        ),
        (json!({ "tags": ["nu-exista"] }), vec![]),
        // Unpublished documents never fall in a bounded range.
        (
            json!({ "publishedOn": { "from": "2020-01-01", "to": "2022-12-31" } }),
            vec!["Analiza riscurilor", "Ethics handbook", "Strategie locala"],
        ),
        (
            json!({ "publishedOn": { "from": "2023-01-01" } }),
            vec!["Raport anual"],
        ),
        (
            json!({ "publishedOn": { "to": "2019-02-01" } }),
            vec!["Cod etic"],
        ),
        (
            json!({ "publishedOn": { "from": "2022-09-15", "to": "2022-09-15" } }),
            vec!["Ethics handbook"],
        ),
        // AND.
        (
            json!({ "languages": ["ro"], "tags": ["anticoruptie"], "ownerId": gamma }),
            vec!["Ghid de transparenta"],
        ),
        (
            json!({ "languages": ["ro"], "publishedOn": { "from": "2021-01-01" } }),
            vec!["Analiza riscurilor", "Raport anual"],
        ),
        (
            json!({
                "kinds": ["RISK_ANALYSIS", "TRAINING_MATERIAL", "REPORT"],
                "ownerId": alfa,
                "tags": ["etica", "riscuri"],
                "languages": ["en"],
                "publishedOn": { "to": "2022-12-31" },
            }),
            vec!["Ethics handbook"],
        ),
        (json!({ "ownerId": beta, "tags": ["anticoruptie"] }), vec![]),
    ] {
        assert_eq!(
            filtered(&app, list, filter.clone()).await,
            expected,
            "{filter}"
        );
    }
}

#[tokio::test]
async fn documents_sort_by_creation_title_and_publication_with_unpublished_last() {
    let app = world().await;
    let list = List::Documents;
    let by_creation = [
        "Strategie locala",
        "Raport anual",
        "Analiza riscurilor",
        "Ethics handbook",
        "Cod etic",
        "Ghid de transparenta",
    ];
    assert_sorted(
        &app,
        list,
        "CREATED_AT",
        &by_creation,
        &reversed(&by_creation),
    )
    .await;
    assert_eq!(
        labels(&app, list, Value::Null, Value::Null).await,
        reversed(&by_creation),
        "newest first by default"
    );
    let by_title = [
        "Analiza riscurilor",
        "Cod etic",
        "Ethics handbook",
        "Ghid de transparenta",
        "Raport anual",
        "Strategie locala",
    ];
    assert_sorted(&app, list, "TITLE", &by_title, &reversed(&by_title)).await;
    assert_sorted(
        &app,
        list,
        "PUBLISHED_ON",
        &[
            "Cod etic",
            "Strategie locala",
            "Analiza riscurilor",
            "Ethics handbook",
            "Raport anual",
            "Ghid de transparenta",
        ],
        &[
            "Raport anual",
            "Ethics handbook",
            "Analiza riscurilor",
            "Strategie locala",
            "Cod etic",
            "Ghid de transparenta",
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------
// Activities
// ---------------------------------------------------------------------------

#[tokio::test]
async fn activities_filter_by_kind_status_organizer_links_and_start() {
    let app = world().await;
    let list = List::Activities;
    let org = ids(&app, List::Organizations).await;
    let agreement = ids(&app, List::Agreements).await;
    let project = ids(&app, List::Projects).await;
    let epsilon = &org["Municipiul Epsilon"];
    let alfa = &org["Asociatia Alfa"];
    let zeta = &org["Primaria Zeta"];
    let acord_alfa = &agreement["Acord alfa"];
    let conventie = &agreement["Conventie epsilon"];
    let protocol = &agreement["Protocol beta"];
    let integritate = &project["Integritate locala"];
    let achizitii = &project["Achizitii curate"];
    let transparenta = &project["Transparenta decizionala"];
    for (filter, expected) in [
        (
            json!({ "kinds": ["WORKSHOP", "MEETING"] }),
            vec!["Atelier de lucru", "Intalnire de lucru"],
        ),
        (json!({ "kinds": ["AUDIT"] }), vec![]),
        (
            json!({ "statuses": ["PLANNED"] }),
            vec!["Intalnire de lucru", "Sondaj de opinie"],
        ),
        (
            json!({ "statuses": ["COMPLETED", "CANCELLED"] }),
            vec!["Atelier de lucru", "Curs de etica", "Dezbatere publica"],
        ),
        // As lead or co-organizer.
        (
            json!({ "organizerId": epsilon }),
            vec!["Atelier de lucru", "Curs de etica", "Dezbatere publica"],
        ),
        (
            json!({ "organizerId": alfa }),
            vec!["Atelier de lucru", "Intalnire de lucru"],
        ),
        (json!({ "organizerId": zeta }), vec![]),
        (
            json!({ "agreementId": acord_alfa }),
            vec!["Atelier de lucru", "Intalnire de lucru"],
        ),
        (
            json!({ "agreementId": conventie }),
            vec!["Dezbatere publica"],
        ),
        (json!({ "agreementId": protocol }), vec![]),
        (
            json!({ "projectId": integritate }),
            vec!["Atelier de lucru", "Curs de etica"],
        ),
        (json!({ "projectId": achizitii }), vec!["Sondaj de opinie"]),
        (json!({ "projectId": transparenta }), vec![]),
        (
            json!({ "startDate": { "from": "2022-01-01", "to": "2023-12-31" } }),
            vec!["Curs de etica", "Dezbatere publica", "Intalnire de lucru"],
        ),
        (
            json!({ "startDate": { "from": "2022-02-01", "to": "2022-02-01" } }),
            vec!["Curs de etica", "Intalnire de lucru"],
        ),
        (
            json!({ "startDate": { "from": "2024-01-01" } }),
            vec!["Sondaj de opinie"],
        ),
        (
            json!({ "startDate": { "to": "2021-12-31" } }),
            vec!["Atelier de lucru"],
        ),
        // AND.
        (
            json!({ "organizerId": epsilon, "statuses": ["COMPLETED"], "projectId": integritate }),
            vec!["Atelier de lucru", "Curs de etica"],
        ),
        (
            json!({
                "organizerId": epsilon,
                "statuses": ["COMPLETED"],
                "projectId": integritate,
                "startDate": { "from": "2022-01-01" },
            }),
            vec!["Curs de etica"],
        ),
        (
            json!({
                "kinds": ["WORKSHOP", "MEETING"],
                "agreementId": acord_alfa,
                "organizerId": alfa,
                "statuses": ["PLANNED"],
            }),
            vec!["Intalnire de lucru"],
        ),
        (
            json!({ "agreementId": acord_alfa, "projectId": achizitii }),
            vec![],
        ),
    ] {
        assert_eq!(
            filtered(&app, list, filter.clone()).await,
            expected,
            "{filter}"
        );
    }
}

#[tokio::test]
async fn activities_sort_by_start_title_and_creation() {
    let app = world().await;
    let list = List::Activities;
    // "Curs de etica" and "Intalnire de lucru" start the same day: the
    // earlier-inserted one comes first ascending, last descending.
    let by_start = [
        "Atelier de lucru",
        "Curs de etica",
        "Intalnire de lucru",
        "Dezbatere publica",
        "Sondaj de opinie",
    ];
    assert_sorted(&app, list, "START_DATE", &by_start, &reversed(&by_start)).await;
    assert_eq!(
        labels(&app, list, Value::Null, Value::Null).await,
        reversed(&by_start),
        "latest start first by default"
    );
    let by_title = [
        "Atelier de lucru",
        "Curs de etica",
        "Dezbatere publica",
        "Intalnire de lucru",
        "Sondaj de opinie",
    ];
    assert_sorted(&app, list, "TITLE", &by_title, &reversed(&by_title)).await;
    let by_creation = [
        "Atelier de lucru",
        "Intalnire de lucru",
        "Curs de etica",
        "Dezbatere publica",
        "Sondaj de opinie",
    ];
    assert_sorted(
        &app,
        list,
        "CREATED_AT",
        &by_creation,
        &reversed(&by_creation),
    )
    .await;
}

// ---------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------

#[tokio::test]
async fn projects_filter_by_owner_and_start() {
    let app = world().await;
    let list = List::Projects;
    let org = ids(&app, List::Organizations).await;
    let epsilon = &org["Municipiul Epsilon"];
    let gamma = &org["Consiliul Gamma"];
    let alfa = &org["Asociatia Alfa"];
    for (filter, expected) in [
        (
            json!({ "ownerId": epsilon }),
            vec!["Integritate locala", "Transparenta decizionala"],
        ),
        (json!({ "ownerId": gamma }), vec!["Achizitii curate"]),
        (json!({ "ownerId": alfa }), vec![]),
        (
            json!({ "startDate": { "from": "2020-01-01" } }),
            vec!["Achizitii curate", "Integritate locala"],
        ),
        (
            json!({ "startDate": { "to": "2021-09-15" } }),
            vec!["Integritate locala", "Transparenta decizionala"],
        ),
        (
            json!({ "startDate": { "from": "2020-01-01", "to": "2022-12-31" } }),
            vec!["Integritate locala"],
        ),
        (
            json!({ "ownerId": epsilon, "startDate": { "from": "2020-01-01" } }),
            vec!["Integritate locala"],
        ),
        (
            json!({ "ownerId": gamma, "startDate": { "to": "2020-01-01" } }),
            vec![],
        ),
    ] {
        assert_eq!(
            filtered(&app, list, filter.clone()).await,
            expected,
            "{filter}"
        );
    }
}

#[tokio::test]
async fn projects_sort_by_start_title_and_code() {
    let app = world().await;
    let list = List::Projects;
    let by_start = [
        "Transparenta decizionala",
        "Integritate locala",
        "Achizitii curate",
    ];
    assert_sorted(&app, list, "START_DATE", &by_start, &reversed(&by_start)).await;
    assert_eq!(
        labels(&app, list, Value::Null, Value::Null).await,
        reversed(&by_start),
        "latest first by default"
    );
    let by_title = [
        "Achizitii curate",
        "Integritate locala",
        "Transparenta decizionala",
    ];
    assert_sorted(&app, list, "TITLE", &by_title, &reversed(&by_title)).await;
    // POCA 100, SIPOCA 300, SMIS 200.
    let by_code = [
        "Transparenta decizionala",
        "Achizitii curate",
        "Integritate locala",
    ];
    assert_sorted(&app, list, "CODE", &by_code, &reversed(&by_code)).await;
}

// ---------------------------------------------------------------------------
// Refused filters
// ---------------------------------------------------------------------------

#[tokio::test]
async fn an_inverted_date_range_is_bad_user_input() {
    let app = world().await;
    let inverted = json!({ "from": "2024-12-31", "to": "2024-01-01" });
    for (list, field) in [
        (List::Agreements, "startDate"),
        (List::Agreements, "endDate"),
        (List::Documents, "publishedOn"),
        (List::Activities, "startDate"),
        (List::Projects, "startDate"),
    ] {
        let filter = json!({ field: inverted });
        assert_eq!(
            refused(&app, list, filter).await,
            ["BAD_USER_INPUT"],
            "{list:?} {field}"
        );
    }
    // A one-day range is not inverted.
    let one_day = json!({ "startDate": { "from": "2021-03-01", "to": "2021-03-01" } });
    assert_eq!(
        filtered(&app, List::Agreements, one_day).await,
        ["Acord alfa"]
    );
}

#[tokio::test]
async fn an_id_of_the_wrong_type_in_a_filter_is_bad_user_input() {
    let app = world().await;
    let org = ids(&app, List::Organizations).await;
    let agreement = ids(&app, List::Agreements).await;
    let document = ids(&app, List::Documents).await;
    let activity = ids(&app, List::Activities).await;
    let project = ids(&app, List::Projects).await;
    let organization = &org["Municipiul Epsilon"];
    let agreement = &agreement["Acord alfa"];
    let document = &document["Cod etic"];
    let activity = &activity["Curs de etica"];
    let project = &project["Integritate locala"];
    for (list, filter) in [
        (List::Documents, json!({ "ownerId": agreement })),
        (List::Documents, json!({ "ownerId": document })),
        (List::Agreements, json!({ "partyId": document })),
        (List::Agreements, json!({ "initiatorId": project })),
        (List::Activities, json!({ "organizerId": activity })),
        (List::Activities, json!({ "agreementId": organization })),
        (List::Activities, json!({ "projectId": agreement })),
        (List::Projects, json!({ "ownerId": project })),
        // Not an ID at all.
        (List::Projects, json!({ "ownerId": "garbage" })),
        (List::Agreements, json!({ "partyId": "" })),
    ] {
        assert_eq!(
            refused(&app, list, filter.clone()).await,
            ["BAD_USER_INPUT"],
            "{list:?} {filter}"
        );
    }
}

//! The authorization matrix: for every kind of caller (anonymous, each role
//! of the owner's members, a partner's member, an unrelated member, a
//! co-party's member, the owner's API tokens) and every record of every
//! visibility, the record is shown or hidden alike in every place that can
//! reveal it: root lists (plain, searched, filtered, counted), `node`,
//! `nodes`, the typed lookups, the nested lists under an organization, an
//! activity, an agreement and a project, and the `stats` aggregates.
//!
//! The world, inserted directly:
//! - A owns the records under test; P has an ACTIVE, PUBLIC agreement with A;
//!   U shares nothing with A but has an ACTIVE agreement with V; D is the
//!   co-party of A's agreements under test.
//! - Per visibility (PUBLIC, PARTNERS, PRIVATE): a document owned by A (each
//!   of a distinct kind), an activity organized by A alone (all COMPLETED
//!   training courses, each in its own year with its own number of
//!   participants, 10/20/40, so any aggregate tells which ones it counted),
//!   and a PROPOSED agreement between A and D (each of a distinct kind and
//!   start month; PROPOSED, so it makes no partnership).
//! - The public activity uses all three documents; three PUBLIC "carrier"
//!   activities each implement one of the agreements under test; all three
//!   activities under test implement the PUBLIC agreement and belong to one
//!   project of A.
//!
//! Each test sends one query per actor and collects every mismatch, so a
//! failure lists all the (actor, record, query) cells that went wrong.

use std::{
    collections::{BTreeSet, HashMap},
    fmt,
};

use entities::{
    agreement, document_text, document_version,
    enums::{
        ActivityKind, ActivityStatus, AgreementKind, AgreementStatus, DocumentKind, MemberRole,
        OrganizationKind, ParticipantRole, TokenScope, Visibility,
    },
};
use pactum_tests::{
    TestApp, accounts,
    fixtures::{self, ActivitySpec, date},
    global_id,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

/// The organizations of the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Org {
    /// Owns the records under test.
    A,
    /// A's partner (ACTIVE agreement).
    P,
    /// Unrelated to A.
    U,
    /// Co-party of the PROPOSED agreements under test.
    D,
}

/// Who sends the queries.
#[derive(Debug, Clone, Copy)]
enum Actor {
    /// No `Authorization` header.
    Anonymous,
    /// A logged-in member of an organization.
    Member(Org, MemberRole),
    /// An API token of A.
    Token(TokenScope),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Anonymous => write!(f, "anonymous"),
            Self::Member(org, role) => write!(f, "{org:?}'s {} (session)", role_name(*role)),
            Self::Token(TokenScope::Read) => write!(f, "A's READ token"),
            Self::Token(TokenScope::ReadWrite) => write!(f, "A's READ_WRITE token"),
        }
    }
}

fn role_name(role: MemberRole) -> &'static str {
    match role {
        MemberRole::Owner => "OWNER",
        MemberRole::Admin => "ADMIN",
        MemberRole::Editor => "EDITOR",
        MemberRole::Viewer => "VIEWER",
    }
}

/// Whether an actor sees the PUBLIC, PARTNERS and PRIVATE record.
type Sees = [bool; 3];
const ALL: Sees = [true, true, true];
const NOT_PRIVATE: Sees = [true, true, false];
const PUBLIC_ONLY: Sees = [true, false, false];

/// The visibilities, in the order of [`Sees`].
const VISIBILITIES: [(Visibility, &str); 3] = [
    (Visibility::Public, "PUBLIC"),
    (Visibility::Partners, "PARTNERS"),
    (Visibility::Private, "PRIVATE"),
];

/// (actor, what it sees of A's documents and activities, what it sees of
/// the A–D agreements).
const MATRIX: &[(Actor, Sees, Sees)] = &[
    (Actor::Anonymous, PUBLIC_ONLY, PUBLIC_ONLY),
    (Actor::Member(Org::A, MemberRole::Viewer), ALL, ALL),
    (Actor::Member(Org::A, MemberRole::Editor), ALL, ALL),
    (Actor::Member(Org::A, MemberRole::Admin), ALL, ALL),
    (Actor::Member(Org::A, MemberRole::Owner), ALL, ALL),
    (
        Actor::Member(Org::P, MemberRole::Viewer),
        NOT_PRIVATE,
        NOT_PRIVATE,
    ),
    (
        Actor::Member(Org::U, MemberRole::Owner),
        PUBLIC_ONLY,
        PUBLIC_ONLY,
    ),
    // A party to every agreement under test, but a PROPOSED agreement makes
    // no partnership: A's PARTNERS documents and activities stay hidden.
    (Actor::Member(Org::D, MemberRole::Viewer), PUBLIC_ONLY, ALL),
    (Actor::Token(TokenScope::Read), ALL, ALL),
    (Actor::Token(TokenScope::ReadWrite), ALL, ALL),
];

/// Document kinds of the documents under test, GraphQL names alongside.
const DOCUMENT_KINDS: [(DocumentKind, &str); 3] = [
    (DocumentKind::Procedure, "PROCEDURE"),
    (DocumentKind::Strategy, "STRATEGY"),
    (DocumentKind::RiskAnalysis, "RISK_ANALYSIS"),
];

/// Agreement kinds of the agreements under test (the background ones are
/// COOPERATION).
const AGREEMENT_KINDS: [(AgreementKind, &str); 3] = [
    (AgreementKind::Partnership, "PARTNERSHIP"),
    (AgreementKind::Protocol, "PROTOCOL"),
    (AgreementKind::Memorandum, "MEMORANDUM"),
];

/// The start months of the agreements under test (2025-01…03).
const AGREEMENT_MONTHS: [u32; 3] = [1, 2, 3];

/// The start years of the activities under test (second quarter).
const ACTIVITY_YEARS: [i32; 3] = [2021, 2022, 2023];

/// The participants of the activities under test: distinct bits (× 10), so
/// a sum tells which activities it counted.
const PARTICIPANTS: [i64; 3] = [10, 20, 40];

/// The word every record under test carries in its title (and tags).
const MARK: &str = "matrice";
/// A word only the documents' file text holds.
const IN_FILE: &str = "filigran";

/// Selection of a connection.
const CONN: &str = "totalCount edges { node { id } }";

struct World {
    app: TestApp,
    org_a: String,
    org_d: String,
    project: String,
    documents: [String; 3],
    versions: [String; 3],
    agreements: [String; 3],
    /// PUBLIC activities implementing `agreements[i]`.
    carriers: [String; 3],
    activities: [String; 3],
    /// The ACTIVE, PUBLIC agreements A–P and U–V.
    partnership: String,
    unrelated: String,
    /// A readable name for every ID, for failure messages.
    labels: HashMap<String, String>,
    /// The secret of each row of [`MATRIX`] (`None` for anonymous).
    secrets: Vec<Option<String>>,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let db = &app.db;
    let org = |slug: &'static str, name: &'static str, kind: OrganizationKind| async move {
        fixtures::organization(db, slug, name, kind, Some("Timiș")).await
    };
    let a = org("primaria-a", "Primăria A", OrganizationKind::Municipality).await;
    let p = org("ong-p", "ONG P", OrganizationKind::Ngo).await;
    let u = org("ong-u", "ONG U", OrganizationKind::Ngo).await;
    let v = org("primaria-v", "Primăria V", OrganizationKind::Municipality).await;
    let d = org(
        "judetul-d",
        "Consiliul Județean D",
        OrganizationKind::CountyCouncil,
    )
    .await;

    let mut labels = HashMap::new();
    let partnership = fixtures::agreement(
        db,
        "Acord A–P",
        &[a.id, p.id],
        AgreementStatus::Active,
        Visibility::Public,
        Some(date(2024, 6, 1)),
    )
    .await;
    let unrelated = fixtures::agreement(
        db,
        "Acord U–V",
        &[u.id, v.id],
        AgreementStatus::Active,
        Visibility::Public,
        Some(date(2024, 6, 1)),
    )
    .await;
    let partnership = global_id("Agreement", partnership.id);
    let unrelated = global_id("Agreement", unrelated.id);
    labels.insert(partnership.clone(), "background agreement A–P".to_owned());
    labels.insert(unrelated.clone(), "background agreement U–V".to_owned());

    let project = fixtures::project(
        db,
        a.id,
        "MATRICE-1",
        "Proiect matrice",
        date(2021, 1, 1),
        &[],
    )
    .await;

    let mut document_ids = Vec::new();
    let mut documents = Vec::new();
    let mut versions = Vec::new();
    let mut agreements = Vec::new();
    for (i, (visibility, name)) in VISIBILITIES.iter().enumerate() {
        let document = fixtures::document(
            db,
            a.id,
            &format!("Ghid {MARK} {name}"),
            DOCUMENT_KINDS[i].0,
            *visibility,
            "ro",
            &[MARK],
        )
        .await;
        let version = document_version::Entity::find()
            .filter(document_version::Column::DocumentId.eq(document.id))
            .one(db)
            .await
            .expect("version read")
            .expect("the fixture adds a version");
        // What the extraction job would have read from its file.
        document_text::ActiveModel {
            version_id: Set(version.id),
            document_id: Set(document.id),
            content: Set(format!("Anexa tehnică: {IN_FILE} pe fiecare pagină.")),
            truncated: Set(false),
            extracted_at: Set(chrono::Utc::now()),
        }
        .insert(db)
        .await
        .expect("text inserted");
        let agreement = fixtures::agreement(
            db,
            &format!("Acord {MARK} {name}"),
            &[a.id, d.id],
            AgreementStatus::Proposed,
            *visibility,
            Some(date(2025, AGREEMENT_MONTHS[i], 1)),
        )
        .await;
        let mut kind: agreement::ActiveModel = agreement.clone().into();
        kind.kind = Set(AGREEMENT_KINDS[i].0);
        kind.update(db).await.expect("agreement kind set");
        let ids = (
            global_id("Document", document.id),
            global_id("DocumentVersion", version.id),
            global_id("Agreement", agreement.id),
        );
        labels.insert(ids.0.clone(), format!("{name} document"));
        labels.insert(ids.1.clone(), format!("version of the {name} document"));
        labels.insert(ids.2.clone(), format!("{name} agreement"));
        document_ids.push(document.id);
        documents.push(ids.0);
        versions.push(ids.1);
        agreements.push((agreement.id, ids.2));
    }
    let mut carriers = Vec::new();
    let mut activities = Vec::new();
    for (i, (visibility, name)) in VISIBILITIES.iter().enumerate() {
        let carrier = fixtures::activity(
            db,
            ActivitySpec {
                title: &format!("Purtător {name}"),
                kind: ActivityKind::Other,
                status: ActivityStatus::Planned,
                visibility: Visibility::Public,
                start: date(2024, 1, 15),
                organizers: &[a.id],
                participants: &[],
                documents: &[],
                agreement: Some(agreements[i].0),
                project: None,
            },
        )
        .await;
        let participants = [(
            a.id,
            ParticipantRole::CivilServant,
            i32::try_from(PARTICIPANTS[i]).expect("small"),
        )];
        let activity = fixtures::activity(
            db,
            ActivitySpec {
                title: &format!("Curs {MARK} {name}"),
                kind: ActivityKind::TrainingCourse,
                status: ActivityStatus::Completed,
                visibility: *visibility,
                start: date(ACTIVITY_YEARS[i], 5, 10),
                organizers: &[a.id],
                participants: &participants,
                // The PUBLIC course, visible to all, lists every document.
                documents: if i == 0 { &document_ids } else { &[] },
                agreement: Some(agreements[0].0),
                project: Some(project.id),
            },
        )
        .await;
        let carrier = global_id("Activity", carrier.id);
        let activity = global_id("Activity", activity.id);
        labels.insert(
            carrier.clone(),
            format!("PUBLIC carrier of the {name} agreement"),
        );
        labels.insert(activity.clone(), format!("{name} activity"));
        carriers.push(carrier);
        activities.push(activity);
    }

    let mut secrets = Vec::new();
    for (actor, _, _) in MATRIX {
        secrets.push(match actor {
            Actor::Anonymous => None,
            Actor::Member(org, role) => {
                let id = match org {
                    Org::A => a.id,
                    Org::P => p.id,
                    Org::U => u.id,
                    Org::D => d.id,
                };
                Some(accounts::member_session(db, id, *role).await)
            }
            Actor::Token(scope) => Some(accounts::api_token(db, a.id, *scope).await),
        });
    }

    let three = |v: Vec<String>| -> [String; 3] { v.try_into().expect("three records") };
    World {
        org_a: global_id("Organization", a.id),
        org_d: global_id("Organization", d.id),
        project: global_id("Project", project.id),
        documents: three(documents),
        versions: three(versions),
        agreements: three(agreements.into_iter().map(|(_, id)| id).collect()),
        carriers: three(carriers),
        activities: three(activities),
        partnership,
        unrelated,
        labels,
        secrets,
        app,
    }
}

/// Collects every mismatch of one test, and counts the checks made.
#[derive(Default)]
struct Report {
    checks: usize,
    failures: Vec<String>,
}

impl Report {
    /// One (actor, record, query) cell: `seen` is whether the response
    /// showed the record, or why it could not be told.
    fn cell(
        &mut self,
        actor: Actor,
        record: &str,
        query: &str,
        expected: bool,
        seen: Result<bool, String>,
    ) {
        self.checks += 1;
        let verdict = |shown: bool| if shown { "shown" } else { "hidden" };
        match seen {
            Ok(seen) if seen == expected => {}
            Ok(seen) => self.failures.push(format!(
                "{actor} / {record} / {query}: expected {}, but it was {}",
                verdict(expected),
                verdict(seen)
            )),
            Err(why) => self.failures.push(format!(
                "{actor} / {record} / {query}: expected {}, but {why}",
                verdict(expected)
            )),
        }
    }

    /// A whole-list or whole-aggregate check of one actor.
    fn whole(&mut self, actor: Actor, query: &str, outcome: Result<(), String>) {
        self.checks += 1;
        if let Err(why) = outcome {
            self.failures.push(format!("{actor} / {query}: {why}"));
        }
    }

    fn finish(self, what: &str) {
        eprintln!("{what}: {} checks", self.checks);
        assert!(
            self.failures.is_empty(),
            "{what}: {} of {} checks failed:\n  {}",
            self.failures.len(),
            self.checks,
            self.failures.join("\n  ")
        );
    }
}

/// Sends `query` as the actor of row `row`; fails the cells at once (as a
/// whole-response check) when the response has no data or errors other
/// than at the typed lookups `lookups`.
async fn ask(
    w: &World,
    report: &mut Report,
    row: usize,
    query: &str,
    lookups: &[String],
) -> Option<Value> {
    let actor = MATRIX[row].0;
    let body = w
        .app
        .query_as(w.secrets[row].as_deref(), query, json!({}))
        .await;
    let stray: Vec<&Value> = body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter(|e| {
                    !e["path"][0]
                        .as_str()
                        .is_some_and(|alias| lookups.iter().any(|l| l == alias))
                })
                .collect()
        })
        .unwrap_or_default();
    let outcome = if !body["data"].is_object() {
        Err(format!("no data in the response: {body}"))
    } else if stray.is_empty() {
        Ok(())
    } else {
        Err(format!("unexpected errors: {stray:?}"))
    };
    let ok = outcome.is_ok();
    report.whole(actor, "response", outcome);
    ok.then_some(body)
}

/// The IDs in a connection's edges.
fn edge_ids(connection: &Value) -> Result<Vec<String>, String> {
    connection["edges"]
        .as_array()
        .ok_or_else(|| format!("the connection has no edges: {connection}"))?
        .iter()
        .map(|e| {
            e["node"]["id"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("an edge without an id: {e}"))
        })
        .collect()
}

/// Whether `id` is among a connection's edges.
fn listed(connection: &Value, id: &str) -> Result<bool, String> {
    Ok(edge_ids(connection)?.iter().any(|e| e == id))
}

/// A one-record count (`totalCount` of a list filtered down to it).
fn counted(connection: &Value) -> Result<bool, String> {
    match connection["totalCount"].as_i64() {
        Some(0) => Ok(false),
        Some(1) => Ok(true),
        _ => Err(format!("totalCount is {}", connection["totalCount"])),
    }
}

/// A `node`-like answer: the record with this id, or null.
fn fetched(node: &Value, id: &str) -> Result<bool, String> {
    match node {
        Value::Null => Ok(false),
        _ if node["id"] == id => Ok(true),
        _ => Err(format!("it answered {node}")),
    }
}

/// A typed lookup `alias: document(id:)`: the record without an error, or
/// null with exactly one NOT_FOUND error at `alias`.
fn looked_up(body: &Value, alias: &str, id: &str) -> Result<bool, String> {
    let codes: Vec<&str> = body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter(|e| e["path"][0] == alias)
                .map(|e| e["extensions"]["code"].as_str().unwrap_or("<none>"))
                .collect()
        })
        .unwrap_or_default();
    let value = &body["data"][alias];
    match (value, codes.as_slice()) {
        (Value::Null, ["NOT_FOUND"]) => Ok(false),
        (Value::Null, codes) => Err(format!("it answered null with error codes {codes:?}")),
        (_, []) if value["id"] == id => Ok(true),
        (_, codes) => Err(format!("it answered {value} with error codes {codes:?}")),
    }
}

/// The `field` of the bucket under `key` (0 when there is no such bucket).
fn bucket(buckets: &Value, key: &str, field: &str) -> Result<i64, String> {
    let buckets = buckets
        .as_array()
        .ok_or_else(|| format!("no buckets: {buckets}"))?;
    let found: Vec<&Value> = buckets.iter().filter(|b| b["key"] == key).collect();
    match found.as_slice() {
        [] => Ok(0),
        [one] => one[field]
            .as_i64()
            .ok_or_else(|| format!("bucket {one} has no {field}")),
        _ => Err(format!("key {key} appears twice in {buckets:?}")),
    }
}

/// Whether an aggregate figure counted one record worth `unit`.
fn tallied(figure: Result<i64, String>, unit: i64, what: &str) -> Result<bool, String> {
    match figure? {
        0 => Ok(false),
        n if n == unit => Ok(true),
        n => Err(format!("{what} is {n}")),
    }
}

impl World {
    fn label(&self, id: &str) -> String {
        self.labels
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("unknown record {id}"))
    }

    /// A list shows exactly `background` plus the allowed records under
    /// test, and its `totalCount` agrees.
    fn exact_list(
        &self,
        connection: &Value,
        background: &[&String],
        records: &[String; 3],
        sees: Sees,
    ) -> Result<(), String> {
        let shown = edge_ids(connection)?;
        let expected: BTreeSet<&String> = background
            .iter()
            .copied()
            .chain(records.iter().zip(sees).filter(|(_, s)| *s).map(|(r, _)| r))
            .collect();
        let shown_set: BTreeSet<&String> = shown.iter().collect();
        let mut problems = Vec::new();
        if shown_set.len() != shown.len() {
            problems.push(format!("duplicates in {shown:?}"));
        }
        for extra in shown_set.difference(&expected) {
            problems.push(format!("shows the {}", self.label(extra)));
        }
        for missing in expected.difference(&shown_set) {
            problems.push(format!("misses the {}", self.label(missing)));
        }
        if connection["totalCount"].as_u64() != Some(expected.len() as u64) {
            problems.push(format!(
                "totalCount is {} instead of {}",
                connection["totalCount"],
                expected.len()
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

/// An aggregate figure equals `expected`.
fn figure_is(figure: Result<i64, String>, expected: i64, what: &str) -> Result<(), String> {
    match figure? {
        n if n == expected => Ok(()),
        n => Err(format!("{what} is {n} instead of {expected}")),
    }
}

fn count_allowed(sees: Sees) -> i64 {
    sees.iter().filter(|s| **s).count() as i64
}

/// Aliases `prefix0..2` for one selection per record.
fn per_record(prefix: &str, make: impl Fn(usize) -> String) -> String {
    (0..3)
        .map(|i| format!("{prefix}{i}: {}\n", make(i)))
        .collect()
}

fn aliases(prefix: &str) -> Vec<String> {
    (0..3).map(|i| format!("{prefix}{i}")).collect()
}

#[tokio::test]
async fn documents_are_shown_exactly_to_whom_their_visibility_allows() {
    let w = world().await;
    let (a, d, v) = (&w.org_a, &w.documents, &w.versions);
    let public_activity = &w.activities[0];
    let query = format!(
        r#"{{
  all: documents {{ {CONN} }}
  searched: documents(search: "{MARK}") {{ {CONN} }}
  inFile: documents(search: "{IN_FILE}") {{ {CONN} }}
  everywhere: search(query: "{IN_FILE}") {{ totalCount edges {{ node {{ record {{ ... on Document {{ id }} }} }} }} }}
  filtered: documents(filter: {{ ownerId: "{a}", tags: ["{MARK}"] }}) {{ {CONN} }}
  {kinds}
  nodes(ids: ["{d0}", "{d1}", "{d2}"]) {{ id }}
  {nodes}
  {versions}
  {lookups}
  org: organization(id: "{a}") {{ documents {{ {CONN} }} }}
  activity: activity(id: "{public_activity}") {{ documents {{ {CONN} }} }}
  stats {{ documentsByKind {{ key count }} }}
  orgStats: stats(organizationId: "{a}") {{ documentsByKind {{ key count }} }}
}}"#,
        d0 = d[0],
        d1 = d[1],
        d2 = d[2],
        kinds = per_record("k", |i| format!(
            "documents(filter: {{ kinds: [{}] }}) {{ totalCount }}",
            DOCUMENT_KINDS[i].1
        )),
        nodes = per_record("n", |i| format!("node(id: \"{}\") {{ id }}", d[i])),
        versions = per_record("v", |i| format!("node(id: \"{}\") {{ id }}", v[i])),
        lookups = per_record("l", |i| format!("document(id: \"{}\") {{ id }}", d[i])),
    );
    let lists = [
        ("documents", "/all"),
        ("documents(search:)", "/searched"),
        ("documents(search: a word of the file)", "/inFile"),
        ("search(query: a word of the file)", "/everywhereAsList"),
        ("documents(filter: ownerId + tags)", "/filtered"),
        ("organization(A).documents", "/org/documents"),
        ("activity(PUBLIC).documents", "/activity/documents"),
    ];
    let mut report = Report::default();
    for (row, &(actor, sees, _)) in MATRIX.iter().enumerate() {
        let Some(body) = ask(&w, &mut report, row, &query, &aliases("l")).await else {
            continue;
        };
        let mut data = body["data"].clone();
        // The root search's hits, as a list of their records.
        let everywhere = &data["everywhere"];
        let records: Vec<Value> = everywhere["edges"]
            .as_array()
            .map(|edges| {
                edges
                    .iter()
                    .map(|e| json!({ "node": e["node"]["record"] }))
                    .collect()
            })
            .unwrap_or_default();
        data["everywhereAsList"] =
            json!({ "totalCount": everywhere["totalCount"], "edges": records });
        let data = &data;
        for (name, pointer) in lists {
            let connection = data.pointer(pointer).unwrap_or(&Value::Null);
            report.whole(actor, name, w.exact_list(connection, &[], d, sees));
        }
        for (i, id) in d.iter().enumerate() {
            let record = w.label(id);
            let mut cell = |query: &str, seen| report.cell(actor, &record, query, sees[i], seen);
            for (name, pointer) in lists {
                cell(
                    name,
                    listed(data.pointer(pointer).unwrap_or(&Value::Null), id),
                );
            }
            cell(
                "documents(filter: kinds).totalCount",
                counted(&data[format!("k{i}")]),
            );
            cell("nodes(ids:)", fetched(&data["nodes"][i], id));
            cell("node(id:)", fetched(&data[format!("n{i}")], id));
            cell(
                "node(id: its DocumentVersion)",
                fetched(&data[format!("v{i}")], &v[i]),
            );
            cell("document(id:)", looked_up(&body, &format!("l{i}"), id));
            let kind = DOCUMENT_KINDS[i].1;
            for (name, stats) in [
                ("stats.documentsByKind", "stats"),
                ("stats(organizationId: A).documentsByKind", "orgStats"),
            ] {
                let figure = bucket(&data[stats]["documentsByKind"], kind, "count");
                cell(name, tallied(figure, 1, &format!("the {kind} count")));
            }
        }
    }
    report.finish("documents");
}

#[tokio::test]
async fn agreements_are_shown_exactly_to_whom_their_visibility_allows() {
    let w = world().await;
    let (a, d_org, ag) = (&w.org_a, &w.org_d, &w.agreements);
    let stats = "agreementsByStatus { key count } agreementsByKind { key count } \
                 agreementsByMonth { key count }";
    let query = format!(
        r#"{{
  all: agreements {{ {CONN} }}
  searched: agreements(search: "{MARK}") {{ {CONN} }}
  filtered: agreements(filter: {{ partyId: "{d_org}" }}) {{ {CONN} }}
  proposed: agreements(filter: {{ statuses: [PROPOSED] }}) {{ {CONN} }}
  {kinds}
  nodes(ids: ["{g0}", "{g1}", "{g2}"]) {{ id }}
  {nodes}
  {lookups}
  orgA: organization(id: "{a}") {{ agreements {{ {CONN} }} }}
  orgD: organization(id: "{d_org}") {{ agreements {{ {CONN} }} }}
  {carriers}
  stats {{ {stats} }}
  statsA: stats(organizationId: "{a}") {{ {stats} }}
  statsD: stats(organizationId: "{d_org}") {{ {stats} }}
}}"#,
        g0 = ag[0],
        g1 = ag[1],
        g2 = ag[2],
        kinds = per_record("k", |i| format!(
            "agreements(filter: {{ kinds: [{}] }}) {{ totalCount }}",
            AGREEMENT_KINDS[i].1
        )),
        nodes = per_record("n", |i| format!("node(id: \"{}\") {{ id }}", ag[i])),
        lookups = per_record("l", |i| format!("agreement(id: \"{}\") {{ id }}", ag[i])),
        carriers = per_record("c", |i| format!(
            "activity(id: \"{}\") {{ agreement {{ id }} }}",
            w.carriers[i]
        )),
    );
    let lists: [(&str, &str, Vec<&String>); 6] = [
        ("agreements", "/all", vec![&w.partnership, &w.unrelated]),
        ("agreements(search:)", "/searched", vec![]),
        ("agreements(filter: partyId D)", "/filtered", vec![]),
        ("agreements(filter: statuses PROPOSED)", "/proposed", vec![]),
        (
            "organization(A).agreements",
            "/orgA/agreements",
            vec![&w.partnership],
        ),
        ("organization(D).agreements", "/orgD/agreements", vec![]),
    ];
    let scopes = [
        ("stats", "stats"),
        ("stats(organizationId: A)", "statsA"),
        ("stats(organizationId: D)", "statsD"),
    ];
    let mut report = Report::default();
    for (row, &(actor, _, sees)) in MATRIX.iter().enumerate() {
        let Some(body) = ask(&w, &mut report, row, &query, &aliases("l")).await else {
            continue;
        };
        let data = &body["data"];
        for (name, pointer, background) in &lists {
            let connection = data.pointer(pointer).unwrap_or(&Value::Null);
            report.whole(actor, name, w.exact_list(connection, background, ag, sees));
        }
        for (name, stats) in scopes {
            let figure = bucket(&data[stats]["agreementsByStatus"], "PROPOSED", "count");
            report.whole(
                actor,
                &format!("{name}.agreementsByStatus PROPOSED"),
                figure_is(figure, count_allowed(sees), "the PROPOSED count"),
            );
        }
        for (i, id) in ag.iter().enumerate() {
            let record = w.label(id);
            let mut cell = |query: &str, seen| report.cell(actor, &record, query, sees[i], seen);
            for (name, pointer, _) in &lists {
                cell(
                    name,
                    listed(data.pointer(pointer).unwrap_or(&Value::Null), id),
                );
            }
            cell(
                "agreements(filter: kinds).totalCount",
                counted(&data[format!("k{i}")]),
            );
            cell("nodes(ids:)", fetched(&data["nodes"][i], id));
            cell("node(id:)", fetched(&data[format!("n{i}")], id));
            cell("agreement(id:)", looked_up(&body, &format!("l{i}"), id));
            cell(
                "activity(PUBLIC carrier).agreement",
                fetched(&data[format!("c{i}")]["agreement"], id),
            );
            let kind = AGREEMENT_KINDS[i].1;
            let month = format!("2025-{:02}", AGREEMENT_MONTHS[i]);
            for (name, stats) in scopes {
                let figure = bucket(&data[stats]["agreementsByKind"], kind, "count");
                cell(
                    &format!("{name}.agreementsByKind"),
                    tallied(figure, 1, &format!("the {kind} count")),
                );
                let figure = bucket(&data[stats]["agreementsByMonth"], &month, "count");
                cell(
                    &format!("{name}.agreementsByMonth"),
                    tallied(figure, 1, &format!("the {month} count")),
                );
            }
        }
    }
    report.finish("agreements");
}

#[tokio::test]
async fn activities_are_shown_exactly_to_whom_their_visibility_allows() {
    let w = world().await;
    let (a, ac) = (&w.org_a, &w.activities);
    let public_agreement = &w.agreements[0];
    let project = &w.project;
    let stats = "activitiesByKind { key activities participants } \
                 activitiesByQuarter { key activities participants } \
                 peopleTrainedByYear { key count }";
    let query = format!(
        r#"{{
  all: activities {{ {CONN} }}
  searched: activities(search: "{MARK}") {{ {CONN} }}
  filtered: activities(filter: {{ organizerId: "{a}", kinds: [TRAINING_COURSE] }}) {{ {CONN} }}
  byProject: activities(filter: {{ projectId: "{project}" }}) {{ {CONN} }}
  byAgreement: activities(filter: {{ agreementId: "{public_agreement}" }}) {{ {CONN} }}
  {years}
  nodes(ids: ["{a0}", "{a1}", "{a2}"]) {{ id }}
  {nodes}
  {lookups}
  org: organization(id: "{a}") {{ activities {{ {CONN} }} }}
  agreement: agreement(id: "{public_agreement}") {{ activities {{ {CONN} }} }}
  project: project(id: "{project}") {{ activities {{ {CONN} }} }}
  stats {{ {stats} }}
  statsA: stats(organizationId: "{a}") {{ {stats} }}
}}"#,
        a0 = ac[0],
        a1 = ac[1],
        a2 = ac[2],
        years = per_record("y", |i| format!(
            "activities(filter: {{ startDate: {{ from: \"{y}-01-01\", to: \"{y}-12-31\" }} }}) {{ totalCount }}",
            y = ACTIVITY_YEARS[i]
        )),
        nodes = per_record("n", |i| format!("node(id: \"{}\") {{ id }}", ac[i])),
        lookups = per_record("l", |i| format!("activity(id: \"{}\") {{ id }}", ac[i])),
    );
    let all_carriers: Vec<&String> = w.carriers.iter().collect();
    let lists: [(&str, &str, Vec<&String>); 8] = [
        ("activities", "/all", all_carriers.clone()),
        ("activities(search:)", "/searched", vec![]),
        (
            "activities(filter: organizerId A + kinds)",
            "/filtered",
            vec![],
        ),
        ("activities(filter: projectId)", "/byProject", vec![]),
        (
            "activities(filter: agreementId PUBLIC)",
            "/byAgreement",
            vec![&w.carriers[0]],
        ),
        (
            "organization(A).activities",
            "/org/activities",
            all_carriers,
        ),
        (
            "agreement(PUBLIC).activities",
            "/agreement/activities",
            vec![&w.carriers[0]],
        ),
        ("project.activities", "/project/activities", vec![]),
    ];
    let scopes = [("stats", "stats"), ("stats(organizationId: A)", "statsA")];
    let mut report = Report::default();
    for (row, &(actor, sees, _)) in MATRIX.iter().enumerate() {
        let Some(body) = ask(&w, &mut report, row, &query, &aliases("l")).await else {
            continue;
        };
        let data = &body["data"];
        for (name, pointer, background) in &lists {
            let connection = data.pointer(pointer).unwrap_or(&Value::Null);
            report.whole(actor, name, w.exact_list(connection, background, ac, sees));
        }
        for (name, stats) in scopes {
            let figure = bucket(
                &data[stats]["activitiesByKind"],
                "TRAINING_COURSE",
                "activities",
            );
            report.whole(
                actor,
                &format!("{name}.activitiesByKind TRAINING_COURSE activities"),
                figure_is(figure, count_allowed(sees), "the course count"),
            );
        }
        for (i, id) in ac.iter().enumerate() {
            let record = w.label(id);
            let mut cell = |query: &str, seen| report.cell(actor, &record, query, sees[i], seen);
            for (name, pointer, _) in &lists {
                cell(
                    name,
                    listed(data.pointer(pointer).unwrap_or(&Value::Null), id),
                );
            }
            cell(
                "activities(filter: startDate).totalCount",
                counted(&data[format!("y{i}")]),
            );
            cell("nodes(ids:)", fetched(&data["nodes"][i], id));
            cell("node(id:)", fetched(&data[format!("n{i}")], id));
            cell("activity(id:)", looked_up(&body, &format!("l{i}"), id));
            let unit = PARTICIPANTS[i];
            let year = ACTIVITY_YEARS[i];
            let quarter = format!("{year}-Q2");
            for (name, stats) in scopes {
                let by_kind = &data[stats]["activitiesByKind"];
                let participants =
                    bucket(by_kind, "TRAINING_COURSE", "participants").and_then(|p| {
                        if p % 10 == 0 && (0..80).contains(&p) {
                            Ok((p / 10) & (unit / 10) != 0)
                        } else {
                            Err(format!("the TRAINING_COURSE participants are {p}"))
                        }
                    });
                cell(
                    &format!("{name}.activitiesByKind participants"),
                    participants,
                );
                let by_quarter = &data[stats]["activitiesByQuarter"];
                cell(
                    &format!("{name}.activitiesByQuarter activities"),
                    tallied(
                        bucket(by_quarter, &quarter, "activities"),
                        1,
                        &format!("the {quarter} activities"),
                    ),
                );
                cell(
                    &format!("{name}.activitiesByQuarter participants"),
                    tallied(
                        bucket(by_quarter, &quarter, "participants"),
                        unit,
                        &format!("the {quarter} participants"),
                    ),
                );
                cell(
                    &format!("{name}.peopleTrainedByYear"),
                    tallied(
                        bucket(
                            &data[stats]["peopleTrainedByYear"],
                            &year.to_string(),
                            "count",
                        ),
                        unit,
                        &format!("the {year} people trained"),
                    ),
                );
            }
        }
    }
    report.finish("activities");
}

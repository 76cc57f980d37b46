//! Derived indicators follow visibility like every other count: a derived
//! `achieved` (PEOPLE_TRAINED, CERTIFICATES_ISSUED, ACTIVITIES_COMPLETED)
//! counts only the activities the reader may see, in every place that shows
//! it — the indicator's own fields and `progress`, the project's indicator
//! list, the lists under `projects` and an organization, `node`/`nodes`, an
//! activity's project, and both `stats` indicator progress figures. The
//! reported leak: anonymous callers saw 55 become 69 when the organizer
//! completed two PRIVATE courses of 7 people.
//!
//! The world: the organizer O runs the project and its activities; P has an
//! ACTIVE agreement with O; U shares nothing with O. Everything is written
//! through the API as O's editor.

use chrono::{Days, Utc};
use entities::{
    enums::{
        ActivityKind, ActivityStatus, AgreementStatus, IndicatorDerivation, MemberRole,
        OrganizationKind, ParticipantRole, TokenScope, Visibility,
    },
    indicator,
};
use pactum_tests::{TestApp, accounts, fixtures, global_id};
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, EntityTrait, Set};
use serde_json::{Value, json};

const CREATE_PROJECT: &str =
    "mutation($input: CreateProjectInput!) { createProject(input: $input) {
  project { id } userErrors { field code message } } }";
const CREATE_INDICATOR: &str =
    "mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) {
  indicator { id name achieved progress } userErrors { field code message } } }";
const UPDATE_INDICATOR: &str =
    "mutation($input: UpdateIndicatorInput!) { updateIndicator(input: $input) {
  indicator { id name achieved progress derivation } userErrors { field code message } } }";
const CREATE_ACTIVITY: &str =
    "mutation($input: CreateActivityInput!) { createActivity(input: $input) {
  activity { id version } userErrors { field code message } } }";
const COMPLETE_ACTIVITY: &str =
    "mutation($input: CompleteActivityInput!) { completeActivity(input: $input) {
  activity { id version status } userErrors { field code message } } }";

/// The indicators of the project: (name, rule or entered value, target).
const INDICATORS: [(&str, Option<&str>, f64); 4] = [
    ("Persoane instruite", Some("PEOPLE_TRAINED"), 100.0),
    ("Certificate eliberate", Some("CERTIFICATES_ISSUED"), 80.0),
    ("Cursuri finalizate", Some("ACTIVITIES_COMPLETED"), 10.0),
    ("Ghiduri publicate", None, 4.0),
];
/// The entered indicator's value.
const GUIDES: f64 = 3.0;

/// The indicator fields every path selects.
const FIELDS: &str = "name achieved progress";

struct World {
    app: TestApp,
    organizer: i64,
    /// O's EDITOR, who writes everything.
    editor: String,
    /// O's ADMIN, who reads the audit log.
    admin: String,
    /// The readers compared: O's VIEWER, O's READ token, P's VIEWER, U's
    /// VIEWER (and anonymous callers).
    member: String,
    token: String,
    partner: String,
    stranger: String,
    project: Value,
    /// Indicator IDs in the order of [`INDICATORS`].
    indicators: Vec<Value>,
    /// The PUBLIC course, for the activity → project path.
    public_course: Value,
}

fn days_ago(n: u64) -> String {
    (Utc::now().date_naive() - Days::new(n)).to_string()
}

impl World {
    async fn call(&self, query: &str, name: &str, input: Value) -> Value {
        let payload = self
            .app
            .data_as(Some(&self.editor), query, json!({ "input": input }))
            .await[name]
            .clone();
        assert_eq!(payload["userErrors"], json!([]), "{name}: {payload}");
        payload
    }

    /// Plans and completes a training course of the project as O's editor:
    /// `people` participants (and 2 trainers, who are not people trained),
    /// `certificates` certificates.
    async fn course(&self, visibility: &str, people: i64, certificates: i64) -> Value {
        let org = global_id("Organization", self.organizer);
        let planned = self
            .call(
                CREATE_ACTIVITY,
                "createActivity",
                json!({ "organizationId": org, "title": format!("Curs {visibility}"),
                        "kind": "TRAINING_COURSE", "startDate": days_ago(10),
                        "endDate": days_ago(9), "place": "Primăria", "visibility": visibility,
                        "projectId": self.project["id"] }),
            )
            .await["activity"]
            .clone();
        let done = self
            .call(
                COMPLETE_ACTIVITY,
                "completeActivity",
                json!({ "activityId": planned["id"], "version": planned["version"],
                        "outcomes": "Instruire finalizată", "certificatesIssued": certificates,
                        "participation": [
                            { "organizationId": org, "role": "CIVIL_SERVANT", "count": people },
                            { "organizationId": org, "role": "TRAINER", "count": 2 }
                        ] }),
            )
            .await["activity"]
            .clone();
        assert_eq!(done["status"], "COMPLETED");
        done
    }

    /// Every place that shows the project's indicators, as `who` reads it:
    /// (path, [(name, achieved, progress)]).
    async fn views(&self, who: Option<&str>) -> Vec<(String, Vec<Row>)> {
        let nodes: String = self
            .indicators
            .iter()
            .enumerate()
            .map(|(i, id)| format!("n{i}: node(id: {id}) {{ ... on Indicator {{ {FIELDS} }} }} "))
            .collect();
        // Before any course there is no activity to start from.
        let has_course = !self.public_course.is_null();
        let activity = if has_course {
            format!(
                "activity: node(id: $a) {{ ... on Activity {{ project {{
                 indicators(first: 10) {{ edges {{ node {{ {FIELDS} }} }} }} }} }} }}"
            )
        } else {
            String::new()
        };
        let activity_variable = if has_course { ", $a: ID!" } else { "" };
        let query = format!(
            "query($p: ID!, $o: ID!{activity_variable}, $ids: [ID!]!) {{
               project(id: $p) {{ indicators(first: 10) {{ edges {{ node {{ {FIELDS} }} }} }} }}
               projects(first: 10) {{ edges {{ node {{ indicators(first: 10) {{ edges {{ node {{ {FIELDS} }} }} }} }} }} }}
               organization(id: $o) {{ projects(first: 10) {{ edges {{ node {{
                 indicators(first: 10) {{ edges {{ node {{ {FIELDS} }} }} }} }} }} }} }}
               {activity}
               nodes(ids: $ids) {{ ... on Indicator {{ {FIELDS} }} }}
               {nodes}
               stats {{ indicatorProgress(projectId: $p) {{ {FIELDS} }} }}
               scoped: stats(organizationId: $o) {{ indicatorProgress {{ {FIELDS} }} }}
             }}"
        );
        let data = self
            .app
            .data_as(
                who,
                &query,
                json!({ "p": self.project["id"], "o": global_id("Organization", self.organizer),
                        "a": self.public_course["id"], "ids": self.indicators }),
            )
            .await;
        let edges = |v: &Value| -> Vec<Value> {
            v["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone())
                .collect()
        };
        let only = |v: &Value| -> Value { edges(v).pop().expect("one project") };
        vec![
            (
                "project.indicators".to_owned(),
                rows(&edges(&data["project"]["indicators"])),
            ),
            (
                "projects.indicators".to_owned(),
                rows(&edges(&only(&data["projects"])["indicators"])),
            ),
            (
                "organization.projects.indicators".to_owned(),
                rows(&edges(
                    &only(&data["organization"]["projects"])["indicators"],
                )),
            ),
            (
                "node(activity).project.indicators".to_owned(),
                if has_course {
                    rows(&edges(&data["activity"]["project"]["indicators"]))
                } else {
                    rows(&edges(&data["project"]["indicators"]))
                },
            ),
            ("nodes".to_owned(), rows(data["nodes"].as_array().unwrap())),
            (
                "node".to_owned(),
                rows(
                    &(0..self.indicators.len())
                        .map(|i| data[format!("n{i}").as_str()].clone())
                        .collect::<Vec<_>>(),
                ),
            ),
            (
                "stats.indicatorProgress".to_owned(),
                rows(data["stats"]["indicatorProgress"].as_array().unwrap()),
            ),
            (
                "stats(organizationId).indicatorProgress".to_owned(),
                rows(data["scoped"]["indicatorProgress"].as_array().unwrap()),
            ),
        ]
    }

    /// Checks that `who` reads these derived values everywhere (people
    /// trained, certificates, courses completed); the entered indicator
    /// always reads [`GUIDES`].
    async fn mismatches(&self, label: &str, who: Option<&str>, derived: [f64; 3]) -> Vec<String> {
        let expected = expected_rows(derived);
        let mut wrong = Vec::new();
        for (path, got) in self.views(who).await {
            if !same(&got, &expected) {
                wrong.push(format!(
                    "{label} via {path}: got {got:?}, expected {expected:?}"
                ));
            }
        }
        wrong
    }

    /// Every reader's view: anonymous, O's member and token, P's member,
    /// U's member; any mismatch fails with all of them listed.
    async fn expect_all(&self, stage: &str, outsider: [f64; 3], partner: [f64; 3], own: [f64; 3]) {
        let mut wrong = Vec::new();
        for (label, who, values) in [
            ("anonymous", None, outsider),
            ("O's viewer", Some(self.member.as_str()), own),
            ("O's READ token", Some(self.token.as_str()), own),
            ("P's viewer (partner)", Some(self.partner.as_str()), partner),
            (
                "U's viewer (unrelated)",
                Some(self.stranger.as_str()),
                outsider,
            ),
        ] {
            wrong.extend(self.mismatches(label, who, values).await);
        }
        assert!(wrong.is_empty(), "{stage}:\n{}", wrong.join("\n"));
    }
}

/// (name, achieved, progress) as a reader sees one indicator.
type Row = (String, f64, Option<f64>);

fn rows(list: &[Value]) -> Vec<Row> {
    list.iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap_or("?").to_owned(),
                i["achieved"].as_f64().unwrap_or(f64::NAN),
                i["progress"].as_f64(),
            )
        })
        .collect()
}

/// Same names and values; progress within rounding (it travels as JSON).
fn same(got: &[Row], expected: &[Row]) -> bool {
    got.len() == expected.len()
        && got.iter().zip(expected).all(|(g, e)| {
            g.0 == e.0
                && g.1 == e.1
                && match (g.2, e.2) {
                    (Some(g), Some(e)) => (g - e).abs() < 1e-9,
                    (g, e) => g == e,
                }
        })
}

fn expected_rows(derived: [f64; 3]) -> Vec<Row> {
    INDICATORS
        .iter()
        .enumerate()
        .map(|(i, (name, _, target))| {
            let achieved = derived.get(i).copied().unwrap_or(GUIDES);
            ((*name).to_owned(), achieved, Some(achieved / target))
        })
        .collect()
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let org = |slug: &'static str, name: &'static str| {
        let db = app.db.clone();
        async move {
            fixtures::organization(&db, slug, name, OrganizationKind::Municipality, None)
                .await
                .id
        }
    };
    let organizer = org("lugoj", "Municipiul Lugoj").await;
    let partner = org("timis", "Consiliul Județean Timiș").await;
    let stranger = org("arad", "Municipiul Arad").await;
    fixtures::agreement(
        &app.db,
        "Acord de cooperare Lugoj–Timiș",
        &[organizer, partner],
        AgreementStatus::Active,
        Visibility::Public,
        Some(fixtures::date(2024, 1, 1)),
    )
    .await;
    let mut w = World {
        editor: accounts::member_session(&app.db, organizer, MemberRole::Editor).await,
        admin: accounts::member_session(&app.db, organizer, MemberRole::Admin).await,
        member: accounts::member_session(&app.db, organizer, MemberRole::Viewer).await,
        token: accounts::api_token(&app.db, organizer, TokenScope::Read).await,
        partner: accounts::member_session(&app.db, partner, MemberRole::Viewer).await,
        stranger: accounts::member_session(&app.db, stranger, MemberRole::Viewer).await,
        organizer,
        app,
        project: Value::Null,
        indicators: Vec::new(),
        public_course: Value::Null,
    };
    w.project = w
        .call(
            CREATE_PROJECT,
            "createProject",
            json!({ "organizationId": global_id("Organization", organizer),
                    "code": "SIPOCA 1102", "title": "Integritate în administrația locală",
                    "programme": "POCA 2014-2020", "startDate": "2024-01-01",
                    "endDate": "2026-12-31" }),
        )
        .await["project"]
        .clone();
    for (name, rule, target) in INDICATORS {
        let mut input = json!({ "projectId": w.project["id"], "name": name, "target": target });
        match rule {
            Some(rule) => input["derivation"] = json!(rule),
            None => input["achieved"] = json!(GUIDES),
        }
        let created = w.call(CREATE_INDICATOR, "createIndicator", input).await;
        w.indicators.push(created["indicator"]["id"].clone());
    }
    w
}

#[tokio::test]
async fn derived_indicators_count_only_the_activities_each_reader_may_see() {
    let mut w = world().await;
    let nothing = [0.0, 0.0, 0.0];
    w.expect_all("no activity yet", nothing, nothing, nothing)
        .await;

    // A PUBLIC course: everyone reads N = 55 people trained.
    w.public_course = w.course("PUBLIC", 55, 50).await;
    let public = [55.0, 50.0, 1.0];
    w.expect_all("after the PUBLIC course", public, public, public)
        .await;

    // Two PRIVATE courses of 7 people: only O's members and tokens read
    // N + 14; anonymous, the partner and the unrelated member still read N.
    w.course("PRIVATE", 7, 7).await;
    w.course("PRIVATE", 7, 6).await;
    let with_private = [69.0, 63.0, 3.0];
    w.expect_all("after two PRIVATE courses", public, public, with_private)
        .await;

    // A PARTNERS course of 5: the partner sees it, the others outside O do
    // not.
    w.course("PARTNERS", 5, 4).await;
    w.expect_all(
        "after a PARTNERS course",
        public,
        [60.0, 54.0, 2.0],
        [74.0, 67.0, 4.0],
    )
    .await;

    // Nothing hidden is kept: the stored column of every derived indicator
    // is 0, and no audit snapshot of an indicator carries a derived total.
    let stored = indicator::Entity::find().all(&w.app.db).await.unwrap();
    assert_eq!(stored.len(), INDICATORS.len());
    for row in &stored {
        let expected = if row.derivation.is_some() {
            0.0
        } else {
            GUIDES
        };
        assert_eq!(row.achieved, expected, "stored value of {}", row.name);
    }
    let audit = w
        .app
        .data_as(
            Some(&w.admin),
            "query($o: ID!) { organization(id: $o) {
               auditLog(filter: { entity: \"Indicator\" }, first: 50) {
                 edges { node { action before after } } } } }",
            json!({ "o": global_id("Organization", w.organizer) }),
        )
        .await;
    let entries = audit["organization"]["auditLog"]["edges"]
        .as_array()
        .unwrap();
    assert_eq!(entries.len(), INDICATORS.len(), "{audit}");
    for entry in entries {
        let node = &entry["node"];
        assert_eq!(node["action"], "indicator.create", "{node}");
        let after: Value = serde_json::from_str(node["after"].as_str().unwrap()).unwrap();
        let expected = if after["derivation"].is_null() {
            GUIDES
        } else {
            0.0
        };
        assert_eq!(after["achieved"].as_f64(), Some(expected), "{after}");
    }

    // An indicator created now answers its author with the author's view;
    // the public reads its own.
    let late = w
        .call(
            CREATE_INDICATOR,
            "createIndicator",
            json!({ "projectId": w.project["id"], "name": "Persoane instruite (nou)",
                    "target": 100.0, "derivation": "PEOPLE_TRAINED" }),
        )
        .await;
    assert_eq!(late["indicator"]["achieved"], 74.0, "{late}");
    let public_view = w
        .app
        .data(
            "query($i: ID!) { node(id: $i) { ... on Indicator { achieved progress } } }",
            json!({ "i": late["indicator"]["id"] }),
        )
        .await;
    assert_eq!(
        public_view["node"],
        json!({ "achieved": 55.0, "progress": 0.55 })
    );

    // Turning a derived indicator into an entered one (read by everyone)
    // starts it from the public value, not from the editor's view.
    let switched = w
        .call(
            UPDATE_INDICATOR,
            "updateIndicator",
            json!({ "indicatorId": w.indicators[0], "version": 1, "derivation": null }),
        )
        .await;
    assert_eq!(
        switched["indicator"]["derivation"],
        Value::Null,
        "{switched}"
    );
    assert_eq!(switched["indicator"]["achieved"], 55.0, "{switched}");
    for who in [None, Some(w.member.as_str()), Some(w.partner.as_str())] {
        let data = w
            .app
            .data_as(
                who,
                "query($i: ID!) { node(id: $i) { ... on Indicator { achieved derivation } } }",
                json!({ "i": w.indicators[0] }),
            )
            .await;
        assert_eq!(
            data["node"],
            json!({ "achieved": 55.0, "derivation": null }),
            "{who:?}"
        );
    }
    // The editor may still enter a value of their own while switching.
    let switched = w
        .call(
            UPDATE_INDICATOR,
            "updateIndicator",
            json!({ "indicatorId": w.indicators[1], "version": 1, "derivation": null,
                    "achieved": 63.0 }),
        )
        .await;
    assert_eq!(switched["indicator"]["achieved"], 63.0, "{switched}");
}

/// Statements of `query` as anonymous.
async fn statements(app: &TestApp, query: &str, variables: Value) -> (u64, Value) {
    let before = app.statements().await;
    let data = app.data(query, variables).await;
    (app.statements().await - before, data)
}

/// Inserts `per_rule` derived indicators of each rule into `project`.
async fn derived_indicators(app: &TestApp, project: i64, per_rule: usize) {
    for rule in [
        IndicatorDerivation::PeopleTrained,
        IndicatorDerivation::CertificatesIssued,
        IndicatorDerivation::ActivitiesCompleted,
    ] {
        for i in 0..per_rule {
            indicator::ActiveModel {
                id: NotSet,
                project_id: Set(project),
                name: Set(format!("{rule:?} {i}")),
                unit: Set(String::new()),
                baseline: Set(0.0),
                target: Set(100.0),
                achieved: Set(0.0),
                derivation: Set(Some(rule)),
                version: Set(1),
            }
            .insert(&app.db)
            .await
            .unwrap();
        }
    }
}

#[tokio::test]
async fn derived_values_cost_a_fixed_number_of_statements_whatever_the_indicators() {
    // A generous batching window, as in `statements.rs`: the siblings of a
    // list must meet in one batch even in an unoptimised build.
    let app = TestApp::spawn_with(|c| c.dataloader_delay_micros = 200_000).await;
    let org = fixtures::organization(
        &app.db,
        "lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        None,
    )
    .await
    .id;
    let mut projects = Vec::new();
    for i in 0..4 {
        let project = fixtures::project(
            &app.db,
            org,
            &format!("SIPOCA {i}"),
            "Integritate",
            fixtures::date(2024, 1, 1),
            &[("Ghiduri", 4.0, 3.0)],
        )
        .await
        .id;
        fixtures::activity(
            &app.db,
            fixtures::ActivitySpec {
                title: "Curs public",
                kind: ActivityKind::TrainingCourse,
                status: ActivityStatus::Completed,
                visibility: Visibility::Public,
                start: fixtures::date(2024, 3, 1),
                organizers: &[org],
                participants: &[(org, ParticipantRole::CivilServant, 20)],
                documents: &[],
                agreement: None,
                project: Some(project),
            },
        )
        .await;
        projects.push(project);
    }
    let one = "query($p: ID!) { project(id: $p) {
        indicators(first: 50) { edges { node { achieved progress } } } } }";
    let all = "{ projects(first: 10) { edges { node {
        indicators(first: 50) { edges { node { achieved progress } } } } } } }";
    let stats = "{ stats { indicatorProgress(first: 100) { achieved progress } } }";
    let p0 = json!({ "p": global_id("Project", projects[0]) });

    // One derived indicator per rule in the first project only...
    derived_indicators(&app, projects[0], 1).await;
    let (one_small, data) = statements(&app, one, p0.clone()).await;
    let people = &data["project"]["indicators"]["edges"][1]["node"];
    assert_eq!(people["achieved"], 20.0, "{data}");
    let (all_small, _) = statements(&app, all, json!({})).await;
    let (stats_small, _) = statements(&app, stats, json!({})).await;

    // ... then ten per rule in every project: the counts stay put.
    derived_indicators(&app, projects[0], 9).await;
    for project in &projects[1..] {
        derived_indicators(&app, *project, 10).await;
    }
    let (one_large, data) = statements(&app, one, p0).await;
    let edges = data["project"]["indicators"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 31);
    let (all_large, data) = statements(&app, all, json!({})).await;
    let per_project: Vec<usize> = data["projects"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["node"]["indicators"]["edges"].as_array().unwrap().len())
        .collect();
    assert_eq!(per_project, [31, 31, 31, 31]);
    let (stats_large, data) = statements(&app, stats, json!({})).await;
    // 124 indicators in all; the page is capped at 100.
    assert_eq!(
        data["stats"]["indicatorProgress"].as_array().unwrap().len(),
        100
    );

    println!(
        "derived indicators: project {one_small} → {one_large}, projects {all_small} → {all_large}, stats {stats_small} → {stats_large} statements"
    );
    // project + indicators page + one per rule.
    assert_eq!((one_small, one_large), (5, 5));
    // projects page + indicators pages + one per rule.
    assert_eq!((all_small, all_large), (5, 5));
    // The indicators + one per rule among them.
    assert_eq!((stats_small, stats_large), (4, 4));
}

#[tokio::test]
async fn upgrading_clears_the_derived_totals_stored_before() {
    use migration::{Migrator, MigratorTrait};

    let app = TestApp::spawn().await;
    let org = fixtures::organization(
        &app.db,
        "lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        None,
    )
    .await
    .id;
    let project = fixtures::project(
        &app.db,
        org,
        "SIPOCA 1102",
        "Integritate",
        fixtures::date(2024, 1, 1),
        &[("Ghiduri publicate", 4.0, GUIDES)],
    )
    .await
    .id;
    // A row as the previous version left it: a derived indicator holding
    // a total over every activity, PRIVATE ones included.
    let legacy = indicator::ActiveModel {
        id: NotSet,
        project_id: Set(project),
        name: Set("Persoane instruite".to_owned()),
        unit: Set(String::new()),
        baseline: Set(0.0),
        target: Set(100.0),
        achieved: Set(69.0),
        derivation: Set(Some(IndicatorDerivation::PeopleTrained)),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let mine = names
        .iter()
        .position(|n| n == "m20261125_000009_derived_indicator_values")
        .unwrap();
    let steps = u32::try_from(names.len() - mine).unwrap();
    Migrator::down(&app.db, Some(steps)).await.unwrap();
    Migrator::up(&app.db, None).await.unwrap();

    let rows = indicator::Entity::find().all(&app.db).await.unwrap();
    let value = |id: i64| rows.iter().find(|i| i.id == id).map(|i| i.achieved);
    assert_eq!(value(legacy.id), Some(0.0), "{rows:?}");
    // The entered indicator keeps its value.
    assert!(
        rows.iter()
            .any(|i| i.derivation.is_none() && i.achieved == GUIDES),
        "{rows:?}"
    );
}

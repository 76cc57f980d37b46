//! Projects and indicators through the API: who may record them, stale
//! versions, and derived indicators that follow the project's activities
//! from the moment each change commits (and agree with the `stats`
//! dashboard).

use chrono::{Days, Utc};
use entities::enums::{MemberRole, OrganizationKind, TokenScope};
use pactum_tests::{TestApp, accounts, fixtures, global_id};
use serde_json::{Value, json};

const CREATE_PROJECT: &str =
    "mutation($input: CreateProjectInput!) { createProject(input: $input) {
  project { id code title programme contractNumber startDate endDate version owner { slug } }
  userErrors { field code message } } }";
const UPDATE_PROJECT: &str =
    "mutation($input: UpdateProjectInput!) { updateProject(input: $input) {
  project { id code title contractNumber version } userErrors { field code message } } }";
const CREATE_INDICATOR: &str = "mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) {
  indicator { id name achieved target progress derivation version } userErrors { field code message } } }";
const UPDATE_INDICATOR: &str =
    "mutation($input: UpdateIndicatorInput!) { updateIndicator(input: $input) {
  indicator { id name achieved target derivation version } userErrors { field code message } } }";
const INDICATORS: &str = "query($id: ID!) { project(id: $id) { version
  indicators { edges { node { name achieved derivation version } } } } }";

struct World {
    app: TestApp,
    lugoj: i64,
    ong: i64,
    editor: String,
    viewer: String,
    ong_editor: String,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let lugoj = fixtures::organization(
        &app.db,
        "lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await
    .id;
    let ong = fixtures::organization(
        &app.db,
        "ong",
        "Asociația Integritate",
        OrganizationKind::Ngo,
        None,
    )
    .await
    .id;
    World {
        editor: accounts::member_session(&app.db, lugoj, MemberRole::Editor).await,
        viewer: accounts::member_session(&app.db, lugoj, MemberRole::Viewer).await,
        ong_editor: accounts::member_session(&app.db, ong, MemberRole::Editor).await,
        app,
        lugoj,
        ong,
    }
}

fn project_input(w: &World, code: &str) -> Value {
    json!({
        "organizationId": global_id("Organization", w.lugoj),
        "code": code,
        "title": "Integritate în administrația locală",
        "programme": "POCA 2014-2020",
        "contractNumber": "582/15.09.2021",
        "startDate": "2024-01-01",
        "endDate": "2026-12-31",
    })
}

impl World {
    async fn call(&self, who: &str, query: &str, name: &str, input: Value) -> Value {
        self.app
            .data_as(Some(who), query, json!({ "input": input }))
            .await[name]
            .clone()
    }

    async fn project(&self, code: &str) -> Value {
        let payload = self
            .call(
                &self.editor,
                CREATE_PROJECT,
                "createProject",
                project_input(self, code),
            )
            .await;
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        payload["project"].clone()
    }

    async fn indicators(&self, project: &Value) -> Vec<(String, f64)> {
        let data = self
            .app
            .data(INDICATORS, json!({ "id": project["id"] }))
            .await;
        data["project"]["indicators"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["node"]["name"].as_str().unwrap().to_owned(),
                    e["node"]["achieved"].as_f64().unwrap(),
                )
            })
            .collect()
    }

    /// Runs an activity mutation as Lugoj's editor, expecting success.
    async fn activity(&self, name: &str, input_type: &str, input: Value) -> Value {
        let query = format!(
            "mutation($input: {input_type}!) {{ {name}(input: $input) {{
               activity {{ id version status }} userErrors {{ field code message }} }} }}"
        );
        let payload = self
            .app
            .data_as(Some(&self.editor), &query, json!({ "input": input }))
            .await[name]
            .clone();
        assert_eq!(payload["userErrors"], json!([]), "{name}: {payload}");
        payload["activity"].clone()
    }
}

fn user_error(payload: &Value, object: &str) -> (String, String, String) {
    assert_eq!(payload[object], Value::Null, "{payload}");
    let e = &payload["userErrors"][0];
    (
        e["field"].as_str().unwrap_or_default().to_owned(),
        e["code"].as_str().unwrap_or_default().to_owned(),
        e["message"].as_str().unwrap_or_default().to_owned(),
    )
}

fn days_ago(n: u64) -> String {
    (Utc::now().date_naive() - Days::new(n)).to_string()
}

#[tokio::test]
async fn projects_are_recorded_and_edited_by_editors_of_the_beneficiary() {
    let w = world().await;
    let project = w.project("SIPOCA 1102").await;
    assert_eq!(project["version"], 1);
    assert_eq!(project["owner"]["slug"], "lugoj");
    assert_eq!(project["contractNumber"], "582/15.09.2021");

    // What the user can fix.
    let payload = w
        .call(
            &w.editor,
            CREATE_PROJECT,
            "createProject",
            project_input(&w, "SIPOCA 1102"),
        )
        .await;
    assert_eq!(user_error(&payload, "project").0, "code");
    let mut input = project_input(&w, "SIPOCA 2");
    input["endDate"] = json!("2023-01-01");
    let payload = w
        .call(&w.editor, CREATE_PROJECT, "createProject", input)
        .await;
    assert_eq!(user_error(&payload, "project").0, "endDate");
    let payload = w
        .call(
            &w.editor,
            CREATE_PROJECT,
            "createProject",
            project_input(&w, "  "),
        )
        .await;
    assert_eq!(user_error(&payload, "project").1, "INVALID_INPUT");

    // Who may not.
    let read = accounts::api_token(&w.app.db, w.lugoj, TokenScope::Read).await;
    for who in [
        Some(w.viewer.as_str()),
        Some(w.ong_editor.as_str()),
        Some(read.as_str()),
        None,
    ] {
        let body = w
            .app
            .query_as(
                who,
                CREATE_PROJECT,
                json!({ "input": project_input(&w, "SIPOCA 3") }),
            )
            .await;
        let expected = if who.is_some() {
            "FORBIDDEN"
        } else {
            "UNAUTHENTICATED"
        };
        assert_eq!(TestApp::codes(&body), [expected]);
    }

    // Editing carries the version; a stale one changes nothing.
    let update = |version: i64, title: &str| {
        json!({ "input": { "projectId": project["id"], "version": version, "title": title,
                           "contractNumber": null } })
    };
    let data = w
        .app
        .data_as(Some(&w.editor), UPDATE_PROJECT, update(1, "Titlu nou"))
        .await;
    assert_eq!(data["updateProject"]["project"]["version"], 2);
    assert_eq!(
        data["updateProject"]["project"]["contractNumber"],
        Value::Null
    );
    assert_eq!(data["updateProject"]["project"]["code"], "SIPOCA 1102");
    let data = w
        .app
        .data_as(Some(&w.editor), UPDATE_PROJECT, update(1, "Titlu vechi"))
        .await;
    assert_eq!(user_error(&data["updateProject"], "project").1, "CONFLICT");
    let now = w
        .app
        .data(
            "query($id: ID!) { project(id: $id) { title version } }",
            json!({ "id": project["id"] }),
        )
        .await;
    assert_eq!(
        now["project"],
        json!({ "title": "Titlu nou", "version": 2 })
    );
    // The code stays unique on edits too.
    let other = w.project("SIPOCA 9").await;
    let data = w
        .app
        .data_as(
            Some(&w.editor),
            UPDATE_PROJECT,
            json!({ "input": { "projectId": other["id"], "version": 1, "code": "SIPOCA 1102" } }),
        )
        .await;
    assert_eq!(user_error(&data["updateProject"], "project").0, "code");
    for who in [w.viewer.as_str(), w.ong_editor.as_str()] {
        let body = w
            .app
            .query_as(Some(who), UPDATE_PROJECT, update(2, "Altul"))
            .await;
        assert_eq!(TestApp::codes(&body), ["FORBIDDEN"]);
    }
    let body = w
        .app
        .query_as(None, UPDATE_PROJECT, update(2, "Altul"))
        .await;
    assert_eq!(TestApp::codes(&body), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn entered_indicators_are_edited_and_derived_ones_refuse_a_value() {
    let w = world().await;
    let project = w.project("SIPOCA 1102").await;
    let create = |name: &str, extra: Value| {
        let mut input = json!({ "projectId": project["id"], "name": name, "unit": "persoane",
                                "target": 50.0 });
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        input
    };
    let entered = w
        .call(
            &w.editor,
            CREATE_INDICATOR,
            "createIndicator",
            create("Proceduri adoptate", json!({ "achieved": 10.0 })),
        )
        .await["indicator"]
        .clone();
    assert_eq!(entered["achieved"], 10.0);
    assert_eq!(entered["progress"], 0.2);
    assert_eq!(entered["derivation"], Value::Null);

    // Derived and entered at once is a contradiction.
    let payload = w
        .call(
            &w.editor,
            CREATE_INDICATOR,
            "createIndicator",
            create(
                "Persoane instruite",
                json!({ "achieved": 3.0, "derivation": "PEOPLE_TRAINED" }),
            ),
        )
        .await;
    assert_eq!(user_error(&payload, "indicator").0, "achieved");
    let payload = w
        .call(
            &w.editor,
            CREATE_INDICATOR,
            "createIndicator",
            create("Negativ", json!({ "target": -1.0 })),
        )
        .await;
    assert_eq!(user_error(&payload, "indicator").0, "target");
    let derived = w
        .call(
            &w.editor,
            CREATE_INDICATOR,
            "createIndicator",
            create(
                "Persoane instruite",
                json!({ "derivation": "PEOPLE_TRAINED" }),
            ),
        )
        .await["indicator"]
        .clone();
    assert_eq!(derived["achieved"], 0.0);
    assert_eq!(derived["derivation"], "PEOPLE_TRAINED");

    // A manual value on a derived indicator is refused, and nothing changes.
    let data = w
        .app
        .data_as(
            Some(&w.editor),
            UPDATE_INDICATOR,
            json!({ "input": { "indicatorId": derived["id"], "version": 1, "achieved": 40.0,
                               "name": "Altceva" } }),
        )
        .await;
    let (field, code, message) = user_error(&data["updateIndicator"], "indicator");
    assert_eq!(
        (field.as_str(), code.as_str()),
        ("achieved", "INVALID_INPUT")
    );
    assert!(message.contains("PEOPLE_TRAINED"), "{message}");
    assert_eq!(
        w.indicators(&project).await,
        [
            ("Proceduri adoptate".to_owned(), 10.0),
            ("Persoane instruite".to_owned(), 0.0)
        ]
    );
    // Its other fields can be edited.
    let data = w
        .app
        .data_as(
            Some(&w.editor),
            UPDATE_INDICATOR,
            json!({ "input": { "indicatorId": derived["id"], "version": 1, "target": 120.0 } }),
        )
        .await;
    assert_eq!(data["updateIndicator"]["indicator"]["target"], 120.0);
    assert_eq!(data["updateIndicator"]["indicator"]["version"], 2);

    // Entered values are edited with their version; a stale one is refused.
    let edit = |version: i64, achieved: f64| json!({ "input": { "indicatorId": entered["id"], "version": version, "achieved": achieved } });
    let data = w
        .app
        .data_as(Some(&w.editor), UPDATE_INDICATOR, edit(1, 25.0))
        .await;
    assert_eq!(data["updateIndicator"]["indicator"]["achieved"], 25.0);
    assert_eq!(data["updateIndicator"]["indicator"]["version"], 2);
    let data = w
        .app
        .data_as(Some(&w.editor), UPDATE_INDICATOR, edit(1, 99.0))
        .await;
    assert_eq!(
        user_error(&data["updateIndicator"], "indicator").1,
        "CONFLICT"
    );
    assert_eq!(w.indicators(&project).await[0].1, 25.0);
    // Permissions.
    for who in [w.viewer.as_str(), w.ong_editor.as_str()] {
        let body = w
            .app
            .query_as(Some(who), UPDATE_INDICATOR, edit(2, 1.0))
            .await;
        assert_eq!(TestApp::codes(&body), ["FORBIDDEN"]);
        let body = w
            .app
            .query_as(
                Some(who),
                CREATE_INDICATOR,
                json!({ "input": create("X", json!({})) }),
            )
            .await;
        assert_eq!(TestApp::codes(&body), ["FORBIDDEN"]);
    }
    let body = w.app.query_as(None, UPDATE_INDICATOR, edit(2, 1.0)).await;
    assert_eq!(TestApp::codes(&body), ["UNAUTHENTICATED"]);

    // Turning the entered indicator into a derived one recomputes it.
    let data = w
        .app
        .data_as(
            Some(&w.editor),
            UPDATE_INDICATOR,
            json!({ "input": { "indicatorId": entered["id"], "version": 2,
                               "derivation": "ACTIVITIES_COMPLETED" } }),
        )
        .await;
    assert_eq!(data["updateIndicator"]["indicator"]["achieved"], 0.0);
    assert_eq!(
        data["updateIndicator"]["indicator"]["derivation"],
        "ACTIVITIES_COMPLETED"
    );
}

#[tokio::test]
async fn derived_indicators_follow_the_activities_of_the_project() {
    let w = world().await;
    let project = w.project("SIPOCA 1102").await;
    for (name, rule) in [
        ("Persoane instruite", "PEOPLE_TRAINED"),
        ("Certificate", "CERTIFICATES_ISSUED"),
        ("Activități desfășurate", "ACTIVITIES_COMPLETED"),
    ] {
        w.call(
            &w.editor,
            CREATE_INDICATOR,
            "createIndicator",
            json!({ "projectId": project["id"], "name": name, "target": 100.0, "derivation": rule }),
        )
        .await;
    }
    w.call(
        &w.editor,
        CREATE_INDICATOR,
        "createIndicator",
        json!({ "projectId": project["id"], "name": "Introdus", "target": 10.0, "achieved": 7.0 }),
    )
    .await;
    let values = |v: [f64; 4]| {
        [
            "Persoane instruite",
            "Certificate",
            "Activități desfășurate",
            "Introdus",
        ]
        .into_iter()
        .map(str::to_owned)
        .zip(v)
        .collect::<Vec<_>>()
    };
    let org = global_id("Organization", w.lugoj);
    // PUBLIC, so the anonymous reads below see every figure: what each
    // reader sees of PRIVATE and PARTNERS activities is
    // `indicator_visibility.rs`'s subject.
    let plan = |title: &str, kind: &str| {
        json!({ "organizationId": org, "title": title, "kind": kind, "startDate": days_ago(10),
                "endDate": days_ago(9), "place": "Primăria Lugoj", "visibility": "PUBLIC",
                "projectId": project["id"] })
    };
    let course = w
        .activity(
            "createActivity",
            "CreateActivityInput",
            plan("Curs ANI", "TRAINING_COURSE"),
        )
        .await;
    assert_eq!(w.indicators(&project).await, values([0.0, 0.0, 0.0, 7.0]));

    // Completing a training course: its participants (not its trainers)
    // are people trained; its certificates count; it is one completed.
    let course = w
        .activity(
            "completeActivity",
            "CompleteActivityInput",
            json!({ "activityId": course["id"], "version": 1, "outcomes": "Instruire finalizată",
                    "certificatesIssued": 18,
                    "participation": [
                        { "organizationId": org, "role": "CIVIL_SERVANT", "count": 20 },
                        { "organizationId": org, "role": "TRAINER", "count": 2 }
                    ] }),
        )
        .await;
    assert_eq!(w.indicators(&project).await, values([20.0, 18.0, 1.0, 7.0]));

    // Participation changes move the derived value.
    let set = |role: &str, count: i64| {
        json!({ "activityId": course["id"], "organizationId": global_id("Organization", w.ong),
                "role": role, "count": count })
    };
    w.activity(
        "setParticipation",
        "SetParticipationInput",
        set("ELECTED_OFFICIAL", 5),
    )
    .await;
    assert_eq!(w.indicators(&project).await, values([25.0, 18.0, 1.0, 7.0]));
    w.activity(
        "setParticipation",
        "SetParticipationInput",
        set("TRAINER", 3),
    )
    .await;
    assert_eq!(w.indicators(&project).await, values([25.0, 18.0, 1.0, 7.0]));
    let course = w
        .activity(
            "setParticipation",
            "SetParticipationInput",
            set("ELECTED_OFFICIAL", 0),
        )
        .await;
    assert_eq!(w.indicators(&project).await, values([20.0, 18.0, 1.0, 7.0]));
    // Correcting the certificates of the completed course.
    let course = w
        .activity(
            "updateActivity",
            "UpdateActivityInput",
            json!({ "activityId": course["id"], "version": course["version"], "certificatesIssued": 20 }),
        )
        .await;
    assert_eq!(w.indicators(&project).await, values([20.0, 20.0, 1.0, 7.0]));

    // A completed workshop is an activity but trains nobody; a planned
    // course counts for nothing yet, nor once cancelled.
    let workshop = w
        .activity(
            "createActivity",
            "CreateActivityInput",
            plan("Atelier", "WORKSHOP"),
        )
        .await;
    w.activity(
        "completeActivity",
        "CompleteActivityInput",
        json!({ "activityId": workshop["id"], "version": 1, "outcomes": "Plan de integritate",
                "certificatesIssued": 0,
                "participation": [{ "organizationId": org, "role": "CITIZEN", "count": 30 }] }),
    )
    .await;
    assert_eq!(w.indicators(&project).await, values([20.0, 20.0, 2.0, 7.0]));
    let planned = w
        .activity(
            "createActivity",
            "CreateActivityInput",
            plan("Curs 2", "TRAINING_COURSE"),
        )
        .await;
    w.activity(
        "setParticipation",
        "SetParticipationInput",
        json!({ "activityId": planned["id"], "organizationId": org, "role": "CIVIL_SERVANT", "count": 40 }),
    )
    .await;
    assert_eq!(w.indicators(&project).await, values([20.0, 20.0, 2.0, 7.0]));
    w.activity(
        "cancelActivity",
        "CancelActivityInput",
        json!({ "activityId": planned["id"], "version": 2 }),
    )
    .await;
    assert_eq!(w.indicators(&project).await, values([20.0, 20.0, 2.0, 7.0]));

    // Moving the course to another project moves its figures.
    let other = w.project("SIPOCA 2").await;
    w.call(
        &w.editor,
        CREATE_INDICATOR,
        "createIndicator",
        json!({ "projectId": other["id"], "name": "Persoane instruite", "target": 10.0,
                "derivation": "PEOPLE_TRAINED" }),
    )
    .await;
    w.activity(
        "updateActivity",
        "UpdateActivityInput",
        json!({ "activityId": course["id"], "version": course["version"], "projectId": other["id"] }),
    )
    .await;
    assert_eq!(w.indicators(&project).await, values([0.0, 0.0, 1.0, 7.0]));
    assert_eq!(
        w.indicators(&other).await,
        [("Persoane instruite".to_owned(), 20.0)]
    );

    // The dashboard reads the same values.
    let stats = w
        .app
        .data(
            "query($p: ID!) { stats { indicatorProgress(projectId: $p) { name achieved progress } } }",
            json!({ "p": other["id"] }),
        )
        .await;
    assert_eq!(
        stats["stats"]["indicatorProgress"],
        json!([{ "name": "Persoane instruite", "achieved": 20.0, "progress": 2.0 }])
    );
}

//! Activities through the API: planning, editing, cancelling and completing
//! (every transition and every illegal one), co-organizers who must accept
//! before they are listed or see anything, participation counts, linked
//! documents, stale versions and permissions.

use chrono::{Days, Utc};
use entities::{
    domain_event,
    enums::{AgreementStatus, DocumentKind, MemberRole, OrganizationKind, TokenScope, Visibility},
};
use pactum_tests::{TestApp, accounts, fixtures, global_id};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

const FIELDS: &str = "id title kind status version startDate endDate place onlineUrl
  visibility certificatesIssued outcomes cancellationReason participantsTotal
  organizers { edges { node { slug } } } pendingOrganizers { slug }
  participation { role count organization { slug } }
  documents { edges { node { title } } }
  agreement { title } project { code }";

fn mutation(name: &str, input_type: &str) -> String {
    format!(
        "mutation($input: {input_type}!) {{ {name}(input: $input) {{
           activity {{ {FIELDS} }} userErrors {{ field code message }} }} }}"
    )
}

const ACTIVITY: &str = "query($id: ID!) { activity(id: $id) { id title status version
  organizers { edges { node { slug } } } pendingOrganizers { slug } } }";

struct World {
    app: TestApp,
    lugoj: i64,
    ong: i64,
    stranger: i64,
    /// EDITOR of Lugoj.
    editor: String,
    /// VIEWER of Lugoj.
    viewer: String,
    /// EDITOR of the NGO.
    ong_editor: String,
    /// VIEWER of the NGO.
    ong_viewer: String,
    /// EDITOR of an unrelated organization.
    stranger_editor: String,
    active_agreement: i64,
    draft_agreement: i64,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let org = |slug: &'static str, name: &'static str, kind| {
        let db = app.db.clone();
        async move {
            fixtures::organization(&db, slug, name, kind, Some("Timiș"))
                .await
                .id
        }
    };
    let lugoj = org("lugoj", "Municipiul Lugoj", OrganizationKind::Municipality).await;
    let ong = org(
        "ong-integritate",
        "Asociația Integritate",
        OrganizationKind::Ngo,
    )
    .await;
    let stranger = org("sibiu", "Municipiul Sibiu", OrganizationKind::Municipality).await;
    let active_agreement = fixtures::agreement(
        &app.db,
        "Protocol Lugoj - ONG",
        &[lugoj, ong],
        AgreementStatus::Active,
        Visibility::Public,
        Some(fixtures::date(2025, 1, 1)),
    )
    .await
    .id;
    let draft_agreement = fixtures::agreement(
        &app.db,
        "Ciornă",
        &[lugoj, ong],
        AgreementStatus::Draft,
        Visibility::Private,
        None,
    )
    .await
    .id;
    World {
        editor: accounts::member_session(&app.db, lugoj, MemberRole::Editor).await,
        viewer: accounts::member_session(&app.db, lugoj, MemberRole::Viewer).await,
        ong_editor: accounts::member_session(&app.db, ong, MemberRole::Editor).await,
        ong_viewer: accounts::member_session(&app.db, ong, MemberRole::Viewer).await,
        stranger_editor: accounts::member_session(&app.db, stranger, MemberRole::Editor).await,
        app,
        lugoj,
        ong,
        stranger,
        active_agreement,
        draft_agreement,
    }
}

fn org_id(id: i64) -> String {
    global_id("Organization", id)
}

fn day(offset: i64) -> String {
    let today = Utc::now().date_naive();
    let day = if offset >= 0 {
        today + Days::new(offset.unsigned_abs())
    } else {
        today - Days::new(offset.unsigned_abs())
    };
    day.to_string()
}

/// A create input for Lugoj, starting `offset` days from today.
fn new_activity(w: &World, title: &str, offset: i64, visibility: &str) -> Value {
    json!({
        "organizationId": org_id(w.lugoj),
        "title": title,
        "kind": "TRAINING_COURSE",
        "description": "Curs despre declarațiile de avere",
        "startDate": day(offset),
        "endDate": day(offset + 1),
        "place": "Sala de consiliu",
        "visibility": visibility,
    })
}

impl World {
    /// Runs a mutation as `who` and returns its payload (failing on
    /// top-level errors).
    async fn run(&self, who: &str, name: &str, input_type: &str, input: Value) -> Value {
        let data = self
            .app
            .data_as(
                Some(who),
                &mutation(name, input_type),
                json!({ "input": input }),
            )
            .await;
        data[name].clone()
    }

    /// Runs a mutation as `who` (anonymous for `None`) and returns the
    /// top-level error codes.
    async fn refused(
        &self,
        who: Option<&str>,
        name: &str,
        input_type: &str,
        input: Value,
    ) -> Vec<String> {
        let body = self
            .app
            .query_as(who, &mutation(name, input_type), json!({ "input": input }))
            .await;
        TestApp::codes(&body)
    }

    async fn create(&self, input: Value) -> Value {
        let payload = self
            .run(&self.editor, "createActivity", "CreateActivityInput", input)
            .await;
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        payload["activity"].clone()
    }

    async fn activity(&self, who: Option<&str>, id: &Value) -> Value {
        self.app.query_as(who, ACTIVITY, json!({ "id": id })).await
    }

    async fn events(&self, entity_id: i64) -> Vec<String> {
        domain_event::Entity::find()
            .filter(domain_event::Column::Entity.eq("Activity"))
            .filter(domain_event::Column::EntityId.eq(entity_id))
            .order_by_asc(domain_event::Column::Id)
            .all(&self.app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| format!("{:?}", e.kind))
            .collect()
    }
}

/// The database id behind an activity's global ID.
fn raw_id(gid: &Value) -> i64 {
    (1..10_000)
        .find(|n| gid == &json!(global_id("Activity", *n)))
        .expect("an activity ID")
}

fn user_error(payload: &Value) -> (String, String, String) {
    let e = &payload["userErrors"][0];
    assert_eq!(payload["activity"], Value::Null, "{payload}");
    (
        e["field"].as_str().unwrap_or_default().to_owned(),
        e["code"].as_str().unwrap_or_default().to_owned(),
        e["message"].as_str().unwrap_or_default().to_owned(),
    )
}

fn slugs(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_activity_is_planned_edited_and_cancelled() {
    let w = world().await;
    let mut input = new_activity(&w, "Curs de integritate", 30, "PUBLIC");
    input["agreementId"] = json!(global_id("Agreement", w.active_agreement));
    let created = w.create(input).await;
    assert_eq!(created["status"], "PLANNED");
    assert_eq!(created["version"], 1);
    assert_eq!(created["agreement"]["title"], "Protocol Lugoj - ONG");
    assert_eq!(slugs(&created["organizers"]), ["lugoj"]);
    let id = created["id"].clone();
    let raw = raw_id(&id);

    // Changing the title is a change but not a rescheduling.
    let payload = w
        .run(
            &w.editor,
            "updateActivity",
            "UpdateActivityInput",
            json!({ "activityId": id, "version": 1, "title": "Curs de integritate (ediția 1)" }),
        )
        .await;
    assert_eq!(payload["activity"]["version"], 2);
    // Moving it and going online is.
    let payload = w
        .run(
            &w.editor,
            "updateActivity",
            "UpdateActivityInput",
            json!({ "activityId": id, "version": 2, "startDate": day(40), "endDate": day(40),
                    "place": null, "onlineUrl": "https://meet.example.ro/curs" }),
        )
        .await;
    let updated = &payload["activity"];
    assert_eq!(updated["version"], 3);
    assert_eq!(updated["place"], Value::Null);
    assert_eq!(updated["onlineUrl"], "https://meet.example.ro/curs");
    assert_eq!(updated["startDate"], day(40));

    // A stale version changes nothing.
    let payload = w
        .run(
            &w.editor,
            "updateActivity",
            "UpdateActivityInput",
            json!({ "activityId": id, "version": 2, "title": "Titlu vechi" }),
        )
        .await;
    assert_eq!(user_error(&payload).1, "CONFLICT");
    let now = w.activity(Some(&w.editor), &id).await;
    assert_eq!(
        now["data"]["activity"]["title"],
        "Curs de integritate (ediția 1)"
    );
    assert_eq!(now["data"]["activity"]["version"], 3);

    // Outcomes belong to completed activities.
    let payload = w
        .run(
            &w.editor,
            "updateActivity",
            "UpdateActivityInput",
            json!({ "activityId": id, "version": 3, "outcomes": "Prea devreme" }),
        )
        .await;
    let (_, code, message) = user_error(&payload);
    assert_eq!(code, "ILLEGAL_TRANSITION");
    assert!(message.contains("PLANNED"), "{message}");

    // PLANNED → CANCELLED, with a reason.
    let payload = w
        .run(
            &w.editor,
            "cancelActivity",
            "CancelActivityInput",
            json!({ "activityId": id, "version": 3, "reason": "  Sala indisponibilă " }),
        )
        .await;
    assert_eq!(payload["activity"]["status"], "CANCELLED");
    assert_eq!(
        payload["activity"]["cancellationReason"],
        "Sala indisponibilă"
    );
    assert_eq!(payload["activity"]["version"], 4);

    // Nothing but metadata changes afterwards; each refusal names the state.
    let refusals = [
        (
            "cancelActivity",
            "CancelActivityInput",
            json!({ "activityId": id, "version": 4 }),
        ),
        (
            "completeActivity",
            "CompleteActivityInput",
            json!({ "activityId": id, "version": 4, "outcomes": "x" }),
        ),
        (
            "updateActivity",
            "UpdateActivityInput",
            json!({ "activityId": id, "version": 4, "endDate": day(41) }),
        ),
        (
            "setParticipation",
            "SetParticipationInput",
            json!({ "activityId": id, "organizationId": org_id(w.lugoj), "role": "CITIZEN", "count": 3 }),
        ),
        (
            "inviteCoOrganizer",
            "CoOrganizerInput",
            json!({ "activityId": id, "organizationId": org_id(w.ong) }),
        ),
    ];
    for (name, input_type, input) in refusals {
        let payload = w.run(&w.editor, name, input_type, input).await;
        let (_, code, message) = user_error(&payload);
        assert_eq!(code, "ILLEGAL_TRANSITION", "{name}");
        assert!(message.contains("CANCELLED"), "{name}: {message}");
    }
    let payload = w
        .run(
            &w.editor,
            "updateActivity",
            "UpdateActivityInput",
            json!({ "activityId": id, "version": 4, "visibility": "PARTNERS" }),
        )
        .await;
    assert_eq!(payload["activity"]["visibility"], "PARTNERS");
    assert_eq!(payload["activity"]["status"], "CANCELLED");

    assert_eq!(
        w.events(raw).await,
        ["ActivityScheduled", "ActivityChanged", "ActivityCancelled"]
    );
    let changed = domain_event::Entity::find()
        .filter(domain_event::Column::EntityId.eq(raw))
        .filter(domain_event::Column::Kind.eq(entities::enums::EventKind::ActivityChanged))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap();
    let payload: Value = serde_json::from_str(&changed.payload).unwrap();
    assert_eq!(payload["before"]["place"], "Sala de consiliu");
    assert_eq!(
        payload["after"]["onlineUrl"],
        "https://meet.example.ro/curs"
    );
    assert_eq!(changed.organization_id, Some(w.lugoj));

    // Every accepted mutation left one audit entry; the refused ones none.
    let log = w
        .app
        .data_as(
            Some(&accounts::member_session(&w.app.db, w.lugoj, MemberRole::Admin).await),
            "query($org: ID!) { organization(id: $org) { auditLog(first: 50) { edges { node { action } } } } }",
            json!({ "org": org_id(w.lugoj) }),
        )
        .await;
    let actions: Vec<&str> = log["organization"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "activity.update",
            "activity.cancel",
            "activity.update",
            "activity.update",
            "activity.create"
        ]
    );
}

#[tokio::test]
async fn what_a_new_activity_must_say() {
    let w = world().await;
    let base = new_activity(&w, "Atelier", 10, "PUBLIC");
    let with = |key: &str, value: Value| {
        let mut input = base.clone();
        input[key] = value;
        input
    };
    let cases = [
        (with("title", json!("   ")), "title"),
        (with("endDate", json!(day(5))), "endDate"),
        (with("place", json!(" ")), "place"),
        (
            {
                let mut i = with("place", Value::Null);
                i["onlineUrl"] = json!("ftp://files.example.ro/curs");
                i
            },
            "onlineUrl",
        ),
        (with("onlineUrl", json!("not a link")), "onlineUrl"),
        (
            with(
                "agreementId",
                json!(global_id("Agreement", w.draft_agreement)),
            ),
            "agreementId",
        ),
        (
            with("agreementId", json!(global_id("Agreement", 9_999))),
            "agreementId",
        ),
        (
            with("projectId", json!(global_id("Project", 9_999))),
            "projectId",
        ),
    ];
    for (input, field) in cases {
        let payload = w
            .run(&w.editor, "createActivity", "CreateActivityInput", input)
            .await;
        let (got, code, message) = user_error(&payload);
        assert_eq!(
            (got.as_str(), code.as_str()),
            (field, "INVALID_INPUT"),
            "{message}"
        );
    }
    // The draft agreement's refusal names its state.
    let payload = w
        .run(
            &w.editor,
            "createActivity",
            "CreateActivityInput",
            with(
                "agreementId",
                json!(global_id("Agreement", w.draft_agreement)),
            ),
        )
        .await;
    assert!(user_error(&payload).2.contains("DRAFT"));
    // An agreement the owner is not a party to cannot be implemented.
    let theirs = fixtures::agreement(
        &w.app.db,
        "Sibiu - ONG",
        &[w.stranger, w.ong],
        AgreementStatus::Active,
        Visibility::Public,
        None,
    )
    .await;
    let payload = w
        .run(
            &w.editor,
            "createActivity",
            "CreateActivityInput",
            with("agreementId", json!(global_id("Agreement", theirs.id))),
        )
        .await;
    assert_eq!(user_error(&payload).0, "agreementId");
    // Another organization's project neither.
    let project = fixtures::project(
        &w.app.db,
        w.stranger,
        "SIPOCA 1",
        "Proiect Sibiu",
        fixtures::date(2024, 1, 1),
        &[],
    )
    .await;
    let payload = w
        .run(
            &w.editor,
            "createActivity",
            "CreateActivityInput",
            with("projectId", json!(global_id("Project", project.id))),
        )
        .await;
    assert_eq!(user_error(&payload).0, "projectId");
    // Nothing was written by the refusals.
    let count = entities::activity::Entity::find()
        .all(&w.app.db)
        .await
        .unwrap()
        .len();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn an_activity_is_completed_once_and_then_only_its_record_changes() {
    let w = world().await;
    let created = w.create(new_activity(&w, "Curs ANI", -3, "PUBLIC")).await;
    let id = created["id"].clone();

    // Not before it starts, and not without outcomes.
    let future = w.create(new_activity(&w, "Curs viitor", 5, "PUBLIC")).await;
    let payload = w
        .run(
            &w.editor,
            "completeActivity",
            "CompleteActivityInput",
            json!({ "activityId": future["id"], "version": 1, "outcomes": "Gata" }),
        )
        .await;
    assert_eq!(user_error(&payload).1, "INVALID_INPUT");
    let payload = w
        .run(
            &w.editor,
            "completeActivity",
            "CompleteActivityInput",
            json!({ "activityId": id, "version": 1, "outcomes": "  " }),
        )
        .await;
    assert_eq!(user_error(&payload).0, "outcomes");
    // A stale version neither.
    let payload = w
        .run(
            &w.editor,
            "completeActivity",
            "CompleteActivityInput",
            json!({ "activityId": id, "version": 7, "outcomes": "Gata" }),
        )
        .await;
    assert_eq!(user_error(&payload).1, "CONFLICT");

    // PLANNED → COMPLETED, with participation recorded at the same time.
    let payload = w
        .run(
            &w.editor,
            "completeActivity",
            "CompleteActivityInput",
            json!({ "activityId": id, "version": 1, "outcomes": "20 funcționari instruiți",
                    "certificatesIssued": 18,
                    "participation": [
                        { "organizationId": org_id(w.lugoj), "role": "CIVIL_SERVANT", "count": 20 },
                        { "organizationId": org_id(w.ong), "role": "TRAINER", "count": 2 }
                    ] }),
        )
        .await;
    let done = &payload["activity"];
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(done["certificatesIssued"], 18);
    assert_eq!(done["outcomes"], "20 funcționari instruiți");
    assert_eq!(done["participantsTotal"], 20);
    assert_eq!(done["version"], 2);

    for (name, input_type, input, state) in [
        (
            "completeActivity",
            "CompleteActivityInput",
            json!({ "activityId": id, "version": 2, "outcomes": "Din nou" }),
            "COMPLETED",
        ),
        (
            "cancelActivity",
            "CancelActivityInput",
            json!({ "activityId": id, "version": 2 }),
            "COMPLETED",
        ),
        (
            "updateActivity",
            "UpdateActivityInput",
            json!({ "activityId": id, "version": 2, "startDate": day(-4) }),
            "COMPLETED",
        ),
        (
            "updateActivity",
            "UpdateActivityInput",
            json!({ "activityId": id, "version": 2, "place": "Alt loc" }),
            "COMPLETED",
        ),
    ] {
        let payload = w.run(&w.editor, name, input_type, input).await;
        let (_, code, message) = user_error(&payload);
        assert_eq!(code, "ILLEGAL_TRANSITION", "{name}");
        assert!(message.contains(state), "{message}");
    }
    // The record of what happened can still be corrected.
    let payload = w
        .run(
            &w.editor,
            "updateActivity",
            "UpdateActivityInput",
            json!({ "activityId": id, "version": 2, "certificatesIssued": 19,
                    "outcomes": "20 funcționari instruiți, 19 certificate", "startDate": day(-3) }),
        )
        .await;
    assert_eq!(payload["activity"]["certificatesIssued"], 19, "{payload}");
    assert_eq!(payload["activity"]["version"], 3);
    // Participation can be added after completion, too.
    let payload = w
        .run(
            &w.editor,
            "setParticipation",
            "SetParticipationInput",
            json!({ "activityId": id, "organizationId": org_id(w.ong), "role": "NGO_REPRESENTATIVE", "count": 4 }),
        )
        .await;
    assert_eq!(payload["activity"]["participantsTotal"], 24);
    assert_eq!(
        w.events(raw_id(&id)).await,
        ["ActivityScheduled", "ActivityCompleted"]
    );
    let completed = domain_event::Entity::find()
        .filter(domain_event::Column::EntityId.eq(raw_id(&id)))
        .filter(domain_event::Column::Kind.eq(entities::enums::EventKind::ActivityCompleted))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap();
    let event: Value = serde_json::from_str(&completed.payload).unwrap();
    assert_eq!(event["participants"], 20);
    assert_eq!(event["certificatesIssued"], 18);
}

#[tokio::test]
async fn only_editors_of_the_lead_organizer_write_and_strangers_learn_nothing() {
    let w = world().await;
    let input = new_activity(&w, "Curs", 10, "PUBLIC");
    for who in [&w.viewer, &w.ong_editor, &w.stranger_editor] {
        assert_eq!(
            w.refused(
                Some(who),
                "createActivity",
                "CreateActivityInput",
                input.clone()
            )
            .await,
            ["FORBIDDEN"]
        );
    }
    assert_eq!(
        w.refused(None, "createActivity", "CreateActivityInput", input.clone())
            .await,
        ["UNAUTHENTICATED"]
    );
    let read = accounts::api_token(&w.app.db, w.lugoj, TokenScope::Read).await;
    assert_eq!(
        w.refused(
            Some(&read),
            "createActivity",
            "CreateActivityInput",
            input.clone()
        )
        .await,
        ["FORBIDDEN"]
    );
    // A READ_WRITE token acts as an EDITOR of its organization.
    let write = accounts::api_token(&w.app.db, w.lugoj, TokenScope::ReadWrite).await;
    let payload = w
        .run(
            &write,
            "createActivity",
            "CreateActivityInput",
            input.clone(),
        )
        .await;
    let public = payload["activity"]["id"].clone();
    let private = w
        .create(new_activity(&w, "Ședință internă", 10, "PRIVATE"))
        .await["id"]
        .clone();

    let update = |id: &Value| json!({ "activityId": id, "version": 1, "title": "Altceva" });
    // Those who see the activity but may not edit it are FORBIDDEN ...
    for who in [&w.viewer, &w.stranger_editor, &read] {
        assert_eq!(
            w.refused(
                Some(who),
                "updateActivity",
                "UpdateActivityInput",
                update(&public)
            )
            .await,
            ["FORBIDDEN"]
        );
    }
    assert_eq!(
        w.refused(
            None,
            "updateActivity",
            "UpdateActivityInput",
            update(&public)
        )
        .await,
        ["UNAUTHENTICATED"]
    );
    // ... those who do not see it cannot tell it exists.
    assert_eq!(
        w.refused(
            Some(&w.stranger_editor),
            "updateActivity",
            "UpdateActivityInput",
            update(&private)
        )
        .await,
        ["NOT_FOUND"]
    );
    assert_eq!(
        w.refused(
            Some(&w.stranger_editor),
            "cancelActivity",
            "CancelActivityInput",
            json!({ "activityId": private, "version": 1 })
        )
        .await,
        ["NOT_FOUND"]
    );
    assert_eq!(
        w.refused(
            Some(&w.stranger_editor),
            "inviteCoOrganizer",
            "CoOrganizerInput",
            json!({ "activityId": public, "organizationId": org_id(w.stranger) })
        )
        .await,
        ["FORBIDDEN"]
    );
    // Nothing changed.
    let now = w.activity(Some(&w.editor), &public).await;
    assert_eq!(now["data"]["activity"]["title"], "Curs");
    assert_eq!(now["data"]["activity"]["version"], 1);
}

#[tokio::test]
async fn a_co_organizer_is_listed_and_sees_the_activity_only_after_accepting() {
    let w = world().await;
    let created = w
        .create(new_activity(&w, "Ședință comună", 10, "PRIVATE"))
        .await;
    let id = created["id"].clone();
    let invite = json!({ "activityId": id, "organizationId": org_id(w.ong) });

    let payload = w
        .run(
            &w.editor,
            "inviteCoOrganizer",
            "CoOrganizerInput",
            invite.clone(),
        )
        .await;
    let activity = &payload["activity"];
    assert_eq!(slugs(&activity["organizers"]), ["lugoj"]);
    assert_eq!(
        activity["pendingOrganizers"],
        json!([{ "slug": "ong-integritate" }])
    );
    assert_eq!(activity["version"], 2);
    // Inviting twice, or the lead organizer itself, is refused.
    let payload = w
        .run(
            &w.editor,
            "inviteCoOrganizer",
            "CoOrganizerInput",
            invite.clone(),
        )
        .await;
    assert_eq!(user_error(&payload).1, "ALREADY_ORGANIZER");
    let payload = w
        .run(
            &w.editor,
            "inviteCoOrganizer",
            "CoOrganizerInput",
            json!({ "activityId": id, "organizationId": org_id(w.lugoj) }),
        )
        .await;
    assert_eq!(user_error(&payload).0, "organizationId");
    // Only the lead organizer's editors invite.
    assert_eq!(
        w.refused(
            Some(&w.viewer),
            "inviteCoOrganizer",
            "CoOrganizerInput",
            invite.clone()
        )
        .await,
        ["FORBIDDEN"]
    );

    // Pending: the NGO's members do not see the private activity, nor does
    // it appear among the NGO's activities.
    let body = w.activity(Some(&w.ong_viewer), &id).await;
    assert_eq!(TestApp::codes(&body), ["NOT_FOUND"]);
    let theirs = w
        .app
        .data_as(
            Some(&w.ong_viewer),
            "query($org: ID!) { organization(id: $org) { activities { totalCount } } }",
            json!({ "org": org_id(w.ong) }),
        )
        .await;
    assert_eq!(theirs["organization"]["activities"]["totalCount"], 0);
    let listed = w
        .app
        .data_as(
            Some(&w.ong_viewer),
            "query($org: ID!) { activities(filter: { organizerId: $org }) { totalCount } }",
            json!({ "org": org_id(w.ong) }),
        )
        .await;
    assert_eq!(listed["activities"]["totalCount"], 0);
    // Nor may the NGO act as an organizer yet.
    assert_eq!(
        w.refused(
            Some(&w.ong_editor),
            "setParticipation",
            "SetParticipationInput",
            json!({ "activityId": id, "organizationId": org_id(w.ong), "role": "CITIZEN", "count": 1 })
        )
        .await,
        ["NOT_FOUND"]
    );

    // Only an EDITOR of the invited organization answers.
    for who in [&w.ong_viewer, &w.editor, &w.stranger_editor] {
        assert_eq!(
            w.refused(
                Some(who),
                "acceptCoOrganizing",
                "CoOrganizerInput",
                invite.clone()
            )
            .await,
            ["FORBIDDEN"]
        );
    }
    assert_eq!(
        w.refused(
            None,
            "acceptCoOrganizing",
            "CoOrganizerInput",
            invite.clone()
        )
        .await,
        ["UNAUTHENTICATED"]
    );
    // An organization that was not invited has nothing to accept.
    assert_eq!(
        w.refused(
            Some(&w.stranger_editor),
            "acceptCoOrganizing",
            "CoOrganizerInput",
            json!({ "activityId": id, "organizationId": org_id(w.stranger) })
        )
        .await,
        ["NOT_FOUND"]
    );

    let payload = w
        .run(
            &w.ong_editor,
            "acceptCoOrganizing",
            "CoOrganizerInput",
            invite.clone(),
        )
        .await;
    let activity = &payload["activity"];
    assert_eq!(slugs(&activity["organizers"]), ["lugoj", "ong-integritate"]);
    assert_eq!(activity["pendingOrganizers"], json!([]));
    let payload = w
        .run(
            &w.ong_editor,
            "acceptCoOrganizing",
            "CoOrganizerInput",
            invite.clone(),
        )
        .await;
    let (_, code, message) = user_error(&payload);
    assert_eq!(code, "ILLEGAL_TRANSITION");
    assert!(message.contains("ACCEPTED"));

    // Accepted: the NGO's members see it, and its editors act as organizers.
    let body = w.activity(Some(&w.ong_viewer), &id).await;
    assert_eq!(
        body["data"]["activity"]["title"], "Ședință comună",
        "{body}"
    );
    let payload = w
        .run(
            &w.ong_editor,
            "setParticipation",
            "SetParticipationInput",
            json!({ "activityId": id, "organizationId": org_id(w.ong), "role": "NGO_REPRESENTATIVE", "count": 3 }),
        )
        .await;
    assert_eq!(payload["activity"]["participantsTotal"], 3);
    // ... but only the lead organizer edits, cancels or completes it.
    assert_eq!(
        w.refused(
            Some(&w.ong_editor),
            "cancelActivity",
            "CancelActivityInput",
            json!({ "activityId": id, "version": 4 })
        )
        .await,
        ["FORBIDDEN"]
    );

    // The NGO may stop co-organizing: it is no longer listed and no longer
    // sees the private activity.
    let payload = w
        .run(
            &w.ong_editor,
            "declineCoOrganizing",
            "CoOrganizerInput",
            invite.clone(),
        )
        .await;
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(payload["activity"], Value::Null);
    let body = w.activity(Some(&w.ong_viewer), &id).await;
    assert_eq!(TestApp::codes(&body), ["NOT_FOUND"]);
    assert_eq!(
        w.refused(
            Some(&w.ong_editor),
            "declineCoOrganizing",
            "CoOrganizerInput",
            invite.clone()
        )
        .await,
        ["NOT_FOUND"]
    );

    // A fresh invitation can also be declined outright.
    w.run(
        &w.editor,
        "inviteCoOrganizer",
        "CoOrganizerInput",
        invite.clone(),
    )
    .await;
    let payload = w
        .run(
            &w.ong_editor,
            "declineCoOrganizing",
            "CoOrganizerInput",
            invite.clone(),
        )
        .await;
    assert_eq!(payload["userErrors"], json!([]));
    let body = w.activity(Some(&w.editor), &id).await;
    assert_eq!(slugs(&body["data"]["activity"]["organizers"]), ["lugoj"]);
    assert_eq!(body["data"]["activity"]["pendingOrganizers"], json!([]));

    // The NGO's answers are in its own audit log.
    let ong_admin = accounts::member_session(&w.app.db, w.ong, MemberRole::Admin).await;
    let log = w
        .app
        .data_as(
            Some(&ong_admin),
            "query($org: ID!) { organization(id: $org) { auditLog(first: 10) { edges { node { action } } } } }",
            json!({ "org": org_id(w.ong) }),
        )
        .await;
    let actions: Vec<&str> = log["organization"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "activity.decline_co_organizing",
            "activity.decline_co_organizing",
            "activity.accept_co_organizing"
        ]
    );
}

#[tokio::test]
async fn pending_co_organizers_are_not_shown_publicly() {
    let w = world().await;
    let id = w.create(new_activity(&w, "Conferință", 10, "PUBLIC")).await["id"].clone();
    w.run(
        &w.editor,
        "inviteCoOrganizer",
        "CoOrganizerInput",
        json!({ "activityId": id, "organizationId": org_id(w.ong) }),
    )
    .await;
    for (who, expected) in [
        (None, json!([])),
        (Some(w.stranger_editor.as_str()), json!([])),
        (
            Some(w.ong_viewer.as_str()),
            json!([{ "slug": "ong-integritate" }]),
        ),
        (
            Some(w.viewer.as_str()),
            json!([{ "slug": "ong-integritate" }]),
        ),
    ] {
        let body = w.activity(who, &id).await;
        assert_eq!(body["data"]["activity"]["pendingOrganizers"], expected);
        assert_eq!(slugs(&body["data"]["activity"]["organizers"]), ["lugoj"]);
    }
}

#[tokio::test]
async fn participation_counts_and_documents_of_an_activity() {
    let w = world().await;
    let id = w.create(new_activity(&w, "Atelier", -1, "PUBLIC")).await["id"].clone();
    let set = |org: i64, role: &str, count: i64| json!({ "activityId": id, "organizationId": org_id(org), "role": role, "count": count });
    let payload = w
        .run(
            &w.editor,
            "setParticipation",
            "SetParticipationInput",
            set(w.ong, "CIVIL_SERVANT", 10),
        )
        .await;
    assert_eq!(payload["activity"]["version"], 2);
    let payload = w
        .run(
            &w.editor,
            "setParticipation",
            "SetParticipationInput",
            set(w.ong, "CIVIL_SERVANT", 15),
        )
        .await;
    assert_eq!(
        payload["activity"]["participation"],
        json!([{ "role": "CIVIL_SERVANT", "count": 15, "organization": { "slug": "ong-integritate" } }])
    );
    let payload = w
        .run(
            &w.editor,
            "setParticipation",
            "SetParticipationInput",
            set(w.lugoj, "TRAINER", 2),
        )
        .await;
    assert_eq!(payload["activity"]["participantsTotal"], 15);
    let payload = w
        .run(
            &w.editor,
            "setParticipation",
            "SetParticipationInput",
            set(w.ong, "CIVIL_SERVANT", 0),
        )
        .await;
    assert_eq!(
        payload["activity"]["participation"],
        json!([{ "role": "TRAINER", "count": 2, "organization": { "slug": "lugoj" } }])
    );
    let payload = w
        .run(
            &w.editor,
            "setParticipation",
            "SetParticipationInput",
            set(w.ong, "CITIZEN", -1),
        )
        .await;
    assert_eq!(user_error(&payload).0, "count");
    assert_eq!(
        w.refused(
            Some(&w.viewer),
            "setParticipation",
            "SetParticipationInput",
            set(w.ong, "CITIZEN", 1)
        )
        .await,
        ["FORBIDDEN"]
    );

    // Documents: one's own and partners' public ones; never one the actor
    // cannot see.
    let guide = fixtures::document(
        &w.app.db,
        w.lugoj,
        "Ghid de bune practici",
        DocumentKind::GoodPracticeGuide,
        Visibility::Private,
        "ro",
        &[],
    )
    .await;
    let hidden = fixtures::document(
        &w.app.db,
        w.stranger,
        "Analiză internă",
        DocumentKind::RiskAnalysis,
        Visibility::Private,
        "ro",
        &[],
    )
    .await;
    let link = |doc: i64| json!({ "activityId": id, "documentId": global_id("Document", doc) });
    for _ in 0..2 {
        let payload = w
            .run(
                &w.editor,
                "linkActivityDocument",
                "ActivityDocumentInput",
                link(guide.id),
            )
            .await;
        assert_eq!(
            payload["activity"]["documents"]["edges"],
            json!([{ "node": { "title": "Ghid de bune practici" } }])
        );
    }
    assert_eq!(
        w.refused(
            Some(&w.editor),
            "linkActivityDocument",
            "ActivityDocumentInput",
            link(hidden.id)
        )
        .await,
        ["NOT_FOUND"]
    );
    assert_eq!(
        w.refused(
            Some(&w.stranger_editor),
            "linkActivityDocument",
            "ActivityDocumentInput",
            link(hidden.id)
        )
        .await,
        ["FORBIDDEN"]
    );
    // Anonymous readers of the public activity do not see the private guide.
    let body = w
        .app
        .data(
            "query($id: ID!) { activity(id: $id) { documents { totalCount } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(body["activity"]["documents"]["totalCount"], 0);
    let payload = w
        .run(
            &w.editor,
            "unlinkActivityDocument",
            "ActivityDocumentInput",
            link(guide.id),
        )
        .await;
    assert_eq!(payload["activity"]["documents"]["edges"], json!([]));
    let version = payload["activity"]["version"].clone();
    // Unlinking again changes nothing, not even the version.
    let payload = w
        .run(
            &w.editor,
            "unlinkActivityDocument",
            "ActivityDocumentInput",
            link(guide.id),
        )
        .await;
    assert_eq!(payload["activity"]["version"], version);
}

#[tokio::test]
async fn organizers_listed_before_acceptance_existed_count_as_accepted() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::ConnectionTrait;

    let w = world().await;
    let activity = fixtures::activity(
        &w.app.db,
        fixtures::ActivitySpec {
            title: "Curs comun din 2023",
            kind: entities::enums::ActivityKind::TrainingCourse,
            status: entities::enums::ActivityStatus::Completed,
            visibility: Visibility::Private,
            start: fixtures::date(2023, 5, 10),
            organizers: &[w.lugoj, w.ong],
            participants: &[],
            documents: &[],
            agreement: None,
            project: None,
        },
    )
    .await;
    // Back to the schema before this change (the column and what it held
    // go), then forward again, as an existing installation upgrades.
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let mine = names
        .iter()
        .position(|n| n == "m20261124_000007_activity_writes")
        .unwrap();
    let steps = u32::try_from(names.len() - mine).unwrap();
    Migrator::down(&w.app.db, Some(steps)).await.unwrap();
    let gone = w
        .app
        .db
        .execute_unprepared("SELECT accepted_at FROM activity_organizers")
        .await;
    assert!(gone.is_err(), "the column was dropped");
    Migrator::up(&w.app.db, None).await.unwrap();

    let rows = entities::activity_organizer::Entity::find()
        .all(&w.app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    for row in rows {
        assert_eq!(row.accepted_at, Some(activity.created_at));
    }
    let body = w
        .activity(
            Some(&w.ong_viewer),
            &json!(global_id("Activity", activity.id)),
        )
        .await;
    assert_eq!(
        slugs(&body["data"]["activity"]["organizers"]),
        ["lugoj", "ong-integritate"],
        "{body}"
    );
}

#[tokio::test]
async fn completing_and_cancelling_at_the_same_moment_one_wins() {
    let w = world().await;
    for round in 0..5 {
        let id = w
            .create(new_activity(&w, &format!("Curs {round}"), -1, "PUBLIC"))
            .await["id"]
            .clone();
        let complete = w.run(
            &w.editor,
            "completeActivity",
            "CompleteActivityInput",
            json!({ "activityId": id, "version": 1, "outcomes": "Gata", "certificatesIssued": 3 }),
        );
        let cancel = w.run(
            &w.editor,
            "cancelActivity",
            "CancelActivityInput",
            json!({ "activityId": id, "version": 1 }),
        );
        let (completed, cancelled) = tokio::join!(complete, cancel);
        let won: Vec<&Value> = [&completed, &cancelled]
            .into_iter()
            .filter(|p| p["userErrors"] == json!([]))
            .collect();
        assert_eq!(won.len(), 1, "{completed} {cancelled}");
        let lost = if won[0] == &completed {
            &cancelled
        } else {
            &completed
        };
        assert_eq!(user_error(lost).1, "CONFLICT", "{lost}");
        let now = w.activity(Some(&w.editor), &id).await;
        assert_eq!(
            now["data"]["activity"]["status"],
            won[0]["activity"]["status"]
        );
        assert_eq!(now["data"]["activity"]["version"], 2);
        assert_eq!(w.events(raw_id(&id)).await.len(), 2);
    }
}

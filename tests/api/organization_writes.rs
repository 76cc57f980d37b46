//! Registering an organization and editing its profile through the API:
//! the creator becomes OWNER, the fiscal code's check digit is verified,
//! slug and fiscal code are unique (`TAKEN`, also when two requests race),
//! edits carry the version and follow the policy.

use entities::{
    audit_entry,
    enums::{MemberRole, OrganizationKind, TokenScope},
    organization,
};
use pactum_tests::{TestApp, accounts, fixtures, global_id};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

const CREATE: &str =
    "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) {
  organization { id slug name kind fiscalCode county website contactEmail version }
  userErrors { field code message } } }";
const UPDATE: &str =
    "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {
  organization { id slug name kind fiscalCode county locality website version }
  userErrors { field code message } } }";
const GET: &str = "query($id: ID!) { organization(id: $id) { slug name county version } }";

/// A logged-in person who belongs to no organization yet.
async fn newcomer(app: &TestApp, email: &str) -> String {
    let user = accounts::user(&app.db, email, "Maria Ionescu").await;
    accounts::session(&app.db, user.id).await
}

async fn organizations(app: &TestApp) -> u64 {
    organization::Entity::find().count(&app.db).await.unwrap()
}

fn error(payload: &Value) -> (String, String) {
    let e = &payload["userErrors"][0];
    (
        e["field"].as_str().unwrap_or_default().to_owned(),
        e["code"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn a_person_registers_an_organization_and_becomes_its_owner() {
    let app = TestApp::spawn().await;
    let maria = newcomer(&app, "maria@integritas.ro").await;
    let data = app
        .data_as(
            Some(&maria),
            CREATE,
            json!({ "input": {
                "name": "Asociația „Integritas” Timișoara",
                "kind": "NGO",
                "fiscalCode": " RO14123453 ",
                "county": "Timiș",
                "website": "https://integritas.ro",
                "contactEmail": " Contact@Integritas.RO ",
            } }),
        )
        .await;
    let payload = &data["createOrganization"];
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    let created = &payload["organization"];
    assert_eq!(created["slug"], "asociatia-integritas-timisoara");
    assert_eq!(created["fiscalCode"], "14123453");
    assert_eq!(created["contactEmail"], "contact@integritas.ro");
    assert_eq!(created["version"], 1);
    let id = created["id"].as_str().unwrap();
    // The creator is its OWNER, and may now manage it.
    let data = app
        .data_as(
            Some(&maria),
            "query($id: ID!) { organization(id: $id) { members { role user { email } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        data["organization"]["members"],
        json!([{ "role": "OWNER", "user": { "email": "maria@integritas.ro" } }])
    );
    // It is found by its name, diacritics or not.
    let data = app
        .data(
            "{ organizations(search: \"TIMISOARA\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data["organizations"]["totalCount"], 1);
    let audit = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("organization.create"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
}

#[tokio::test]
async fn bad_profiles_and_taken_handles_are_user_errors_and_store_nothing() {
    let app = TestApp::spawn().await;
    let maria = newcomer(&app, "maria@example.ro").await;
    let create = |input: Value| {
        let app = &app;
        let maria = maria.clone();
        async move {
            app.data_as(Some(&maria), CREATE, json!({ "input": input }))
                .await["createOrganization"]
                .clone()
        }
    };
    let first = create(json!({ "name": "Primăria Comunei Belinț", "slug": "comuna-belint", "kind": "MUNICIPALITY", "fiscalCode": "4389217 5" })).await;
    assert_eq!(error(&first), ("fiscalCode".into(), "INVALID_INPUT".into()));
    let wrong_digit = create(
        json!({ "name": "Primăria Belinț", "kind": "MUNICIPALITY", "fiscalCode": "43892176" }),
    )
    .await;
    assert_eq!(
        error(&wrong_digit),
        ("fiscalCode".into(), "INVALID_INPUT".into())
    );
    assert!(
        wrong_digit["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("check digit")
    );
    for (input, field) in [
        (
            json!({ "name": "X", "slug": "Comuna Belinț", "kind": "NGO" }),
            "slug",
        ),
        (json!({ "name": "  ", "kind": "NGO" }), "name"),
        (
            json!({ "name": "Belinț", "kind": "NGO", "website": "belint.ro" }),
            "website",
        ),
        (
            json!({ "name": "Belinț", "kind": "NGO", "contactEmail": "nu-e-adresa" }),
            "contactEmail",
        ),
    ] {
        let payload = create(input).await;
        assert_eq!(
            error(&payload),
            (field.into(), "INVALID_INPUT".into()),
            "{payload}"
        );
    }
    assert_eq!(organizations(&app).await, 0);

    let ok = create(
        json!({ "name": "Comuna Belinț", "kind": "MUNICIPALITY", "fiscalCode": "43892175" }),
    )
    .await;
    assert_eq!(ok["organization"]["slug"], "comuna-belint", "{ok}");
    let same_slug = create(json!({ "name": "Comuna Belinț", "kind": "MUNICIPALITY" })).await;
    assert_eq!(error(&same_slug), ("slug".into(), "TAKEN".into()));
    let same_code =
        create(json!({ "name": "Alta", "kind": "MUNICIPALITY", "fiscalCode": "RO43892175" })).await;
    assert_eq!(error(&same_code), ("fiscalCode".into(), "TAKEN".into()));
    assert_eq!(organizations(&app).await, 1);

    // Two registrations racing for one slug: one wins, the other is told
    // the slug is taken (from the unique index), never an internal error.
    let (a, b) = tokio::join!(
        create(json!({ "name": "Asociația Alfa", "slug": "alfa", "kind": "NGO" })),
        create(json!({ "name": "Asociația Alfa bis", "slug": "alfa", "kind": "NGO" })),
    );
    let mut outcomes = [
        a["organization"]["slug"]
            .as_str()
            .map_or_else(|| error(&a).1, str::to_owned),
        b["organization"]["slug"]
            .as_str()
            .map_or_else(|| error(&b).1, str::to_owned),
    ];
    outcomes.sort();
    assert_eq!(outcomes, ["TAKEN", "alfa"], "{a} {b}");
    assert_eq!(organizations(&app).await, 2);
}

#[tokio::test]
async fn only_people_register_organizations() {
    let app = TestApp::spawn().await;
    let input = json!({ "input": { "name": "Asociația Beta", "kind": "NGO" } });
    let body = app.query_as(None, CREATE, input.clone()).await;
    assert_eq!(TestApp::codes(&body), ["UNAUTHENTICATED"]);
    let org = fixtures::organization(
        &app.db,
        "lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        None,
    )
    .await;
    let token = accounts::api_token(&app.db, org.id, TokenScope::ReadWrite).await;
    let body = app.query_as(Some(&token), CREATE, input).await;
    assert_eq!(TestApp::codes(&body), ["FORBIDDEN"]);
    assert_eq!(organizations(&app).await, 1);
}

#[tokio::test]
async fn editors_update_the_profile_from_the_version_they_read() {
    let app = TestApp::spawn().await;
    let lugoj = fixtures::organization(
        &app.db,
        "municipiul-lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await;
    let other = fixtures::organization(
        &app.db,
        "municipiul-deva",
        "Municipiul Deva",
        OrganizationKind::Municipality,
        Some("Hunedoara"),
    )
    .await;
    let id = global_id("Organization", lugoj.id);
    let editor = accounts::member_session(&app.db, lugoj.id, MemberRole::Editor).await;
    let viewer = accounts::member_session(&app.db, lugoj.id, MemberRole::Viewer).await;
    let stranger = accounts::member_session(&app.db, other.id, MemberRole::Owner).await;
    let read = accounts::api_token(&app.db, lugoj.id, TokenScope::Read).await;
    let write = accounts::api_token(&app.db, lugoj.id, TokenScope::ReadWrite).await;

    let input = |version: i64, extra: Value| {
        let mut input = json!({ "organizationId": id, "version": version });
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "input": input })
    };
    for who in [&viewer, &stranger, &read] {
        let body = app
            .query_as(Some(who), UPDATE, input(1, json!({ "name": "Furat" })))
            .await;
        assert_eq!(TestApp::codes(&body), ["FORBIDDEN"], "{body}");
    }
    let body = app
        .query_as(None, UPDATE, input(1, json!({ "name": "Furat" })))
        .await;
    assert_eq!(TestApp::codes(&body), ["UNAUTHENTICATED"]);

    let data = app
        .data_as(
            Some(&editor),
            UPDATE,
            input(1, json!({ "name": "Municipiul Lugoj (Timiș)", "county": null, "locality": "Lugoj", "fiscalCode": "12345674" })),
        )
        .await;
    let updated = &data["updateOrganization"]["organization"];
    assert_eq!(updated["name"], "Municipiul Lugoj (Timiș)", "{data}");
    assert_eq!(updated["county"], Value::Null);
    assert_eq!(updated["locality"], "Lugoj");
    assert_eq!(updated["fiscalCode"], "12345674");
    assert_eq!(updated["slug"], "municipiul-lugoj");
    assert_eq!(updated["version"], 2);
    // A stale version changes nothing.
    let data = app
        .data_as(Some(&editor), UPDATE, input(1, json!({ "name": "Altul" })))
        .await;
    assert_eq!(
        data["updateOrganization"]["userErrors"][0]["code"],
        "CONFLICT"
    );
    let now = app.data(GET, json!({ "id": id })).await;
    assert_eq!(now["organization"]["name"], "Municipiul Lugoj (Timiș)");
    assert_eq!(now["organization"]["version"], 2);
    // Another organization's slug is taken; a wrong check digit is refused.
    let data = app
        .data_as(
            Some(&write),
            UPDATE,
            input(2, json!({ "slug": "municipiul-deva" })),
        )
        .await;
    assert_eq!(
        error(&data["updateOrganization"]),
        ("slug".into(), "TAKEN".into())
    );
    let data = app
        .data_as(
            Some(&write),
            UPDATE,
            input(2, json!({ "fiscalCode": "12345675" })),
        )
        .await;
    assert_eq!(
        error(&data["updateOrganization"]),
        ("fiscalCode".into(), "INVALID_INPUT".into())
    );
    // A READ_WRITE token edits like an EDITOR.
    let data = app
        .data_as(
            Some(&write),
            UPDATE,
            input(2, json!({ "slug": "lugoj", "kind": "OTHER_PUBLIC_BODY" })),
        )
        .await;
    assert_eq!(
        data["updateOrganization"]["organization"]["slug"], "lugoj",
        "{data}"
    );
    assert_eq!(data["updateOrganization"]["organization"]["version"], 3);
    let audit = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("organization.update"))
        .filter(audit_entry::Column::OrganizationId.eq(lugoj.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audit, 2);
}

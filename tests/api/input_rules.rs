//! Scalars and text validated at the edge (issue 9): impossible or
//! out-of-range dates and instants are BAD_USER_INPUT naming the argument,
//! whether written in the query or sent as variables, in queries and in
//! mutations; text is stored composed (NFC), with control characters
//! refused and line breaks only where a field holds running text; every
//! field has its length limit, stated in the schema; upload file names
//! keep their last segment and are bounded; search terms and filter lists
//! are bounded. Every refusal changes nothing and the server keeps
//! answering.

use entities::{
    activity, agreement, api_token, document, document_version,
    enums::{DocumentKind, MemberRole, OrganizationKind, Visibility},
    organization,
};
use pactum::domain::input::{Lines, TextField, fields};
use pactum_tests::{TestApp, accounts, fixtures, global_id};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

/// Dates as clients got them wrong: no such day, month 13, five-digit and
/// signed years, year 0, empty, an instant where a day is expected, a year
/// outside 1900–2200.
const BAD_DATES: &[&str] = &[
    "2023-02-30",
    "2023-13-01",
    "99999-01-01",
    "+275760-09-13",
    "0000-01-01",
    "-0001-01-01",
    "",
    "2024-01-01T00:00:00Z",
    "1899-12-31",
    "2201-01-01",
];

const CREATE_DOCUMENT: &str =
    "mutation($input: CreateDocumentInput!) { createDocument(input: $input) {
  document { id title summary } userErrors { field code message } } }";
const CREATE_ACTIVITY: &str =
    "mutation($input: CreateActivityInput!) { createActivity(input: $input) {
  activity { id title description place startDate } userErrors { field code message } } }";
const CREATE_AGREEMENT: &str =
    "mutation($input: CreateAgreementInput!) { createAgreement(input: $input) {
  agreement { id title objectives } userErrors { field code message } } }";
const CREATE_ORGANIZATION: &str = "mutation($input: CreateOrganizationInput!) {
  createOrganization(input: $input) { organization { id name description } userErrors { field code message } } }";
const CREATE_TOKEN: &str =
    "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) {
  apiToken { id expiresAt } userErrors { field code message } } }";
const ADD_VERSION: &str = "mutation($input: AddDocumentVersionInput!) {
  addDocumentVersion(input: $input) { version { id fileName } userErrors { field code message } } }";

struct World {
    app: TestApp,
    org: i64,
    /// EDITOR of `org`.
    editor: String,
    /// ADMIN of `org`.
    admin: String,
    /// A PUBLIC document of `org` (published 2022-03-01).
    document: String,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let org = fixtures::organization(
        &app.db,
        "lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await
    .id;
    let document = fixtures::document(
        &app.db,
        org,
        "Ghid de integritate",
        DocumentKind::GoodPracticeGuide,
        Visibility::Public,
        "ro",
        &["integritate"],
    )
    .await
    .id;
    World {
        editor: accounts::member_session(&app.db, org, MemberRole::Editor).await,
        admin: accounts::member_session(&app.db, org, MemberRole::Admin).await,
        document: global_id("Document", document),
        app,
        org,
    }
}

/// One top-level BAD_USER_INPUT naming `field`, under a 200 (JSON).
fn assert_bad_input(status: u16, body: &Value, field: &str, what: &str) {
    assert_eq!(status, 200, "{what}: {body}");
    assert_eq!(TestApp::codes(body), ["BAD_USER_INPUT"], "{what}: {body}");
    assert_eq!(
        body["errors"][0]["extensions"]["field"], field,
        "{what}: {body}"
    );
}

/// The payload's single user error as (field, code).
fn user_error(payload: &Value) -> (String, String) {
    let errors = payload["userErrors"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(errors.len(), 1, "one user error expected: {payload}");
    (
        errors[0]["field"].as_str().unwrap_or_default().to_owned(),
        errors[0]["code"].as_str().unwrap_or_default().to_owned(),
    )
}

/// A GraphQL string literal for `text` (JSON's escapes are GraphQL's).
fn literal(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

impl World {
    async fn post(&self, who: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        self.app
            .post_json_as(who, json!({ "query": query, "variables": variables }))
            .await
    }

    /// Runs a mutation as the editor and returns its payload (no top-level
    /// errors allowed).
    async fn mutate(&self, name: &str, query: &str, input: Value) -> Value {
        let (status, body) = self
            .post(Some(&self.editor), query, json!({ "input": input }))
            .await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
        body["data"][name].clone()
    }

    fn activity_input(&self, start: &str) -> Value {
        json!({
            "organizationId": global_id("Organization", self.org),
            "title": "Curs de etică",
            "kind": "TRAINING_COURSE",
            "startDate": start,
            "endDate": "2030-05-06",
            "place": "Sala de consiliu",
        })
    }

    async fn documents(&self) -> u64 {
        document::Entity::find().count(&self.app.db).await.unwrap()
    }

    async fn activities(&self) -> u64 {
        activity::Entity::find().count(&self.app.db).await.unwrap()
    }
}

#[tokio::test]
async fn bad_dates_in_query_filters_are_bad_user_input_as_literals_and_variables() {
    let w = world().await;
    for bad in BAD_DATES {
        let inline = format!(
            "{{ documents(filter: {{ publishedOn: {{ from: {} }} }}) {{ totalCount }} }}",
            literal(bad)
        );
        let (status, body) = w.post(None, &inline, json!({})).await;
        assert_bad_input(
            status,
            &body,
            "filter.publishedOn.from",
            &format!("literal {bad:?}"),
        );
        assert!(body["data"].is_null(), "nothing runs: {body}");

        let whole = "query($filter: DocumentFilter) { documents(filter: $filter) { totalCount } }";
        let variables = json!({ "filter": { "publishedOn": { "from": bad } } });
        let (status, body) = w.post(None, whole, variables).await;
        assert_bad_input(
            status,
            &body,
            "filter.publishedOn.from",
            &format!("filter variable {bad:?}"),
        );

        let scalar =
            "query($day: Date) { activities(filter: { startDate: { to: $day } }) { totalCount } }";
        let (status, body) = w.post(None, scalar, json!({ "day": bad })).await;
        assert_bad_input(
            status,
            &body,
            "filter.startDate.to",
            &format!("Date variable {bad:?}"),
        );

        let agreements = "query($f: AgreementFilter) { agreements(filter: $f) { totalCount } }";
        let (status, body) = w
            .post(
                None,
                agreements,
                json!({ "f": { "endDate": { "from": bad } } }),
            )
            .await;
        assert_bad_input(
            status,
            &body,
            "filter.endDate.from",
            &format!("agreements {bad:?}"),
        );
    }
    w.app.assert_alive().await;

    // Real days still filter, leap days included, and days and instants
    // are written as before.
    let ok = w
        .app
        .data(
            "{ documents(filter: { publishedOn: { from: \"2020-02-29\", to: \"2022-03-01\" } }) {
               totalCount edges { node { publishedOn createdAt } } } }",
            json!({}),
        )
        .await;
    assert_eq!(ok["documents"]["totalCount"], 1);
    let node = &ok["documents"]["edges"][0]["node"];
    assert_eq!(node["publishedOn"], "2022-03-01");
    assert_eq!(node["createdAt"], "2022-03-01T09:00:00+00:00");
}

#[tokio::test]
async fn bad_dates_in_mutations_are_bad_user_input_and_store_nothing() {
    let w = world().await;
    for bad in BAD_DATES {
        let (status, body) = w
            .post(
                Some(&w.editor),
                CREATE_ACTIVITY,
                json!({ "input": w.activity_input(bad) }),
            )
            .await;
        assert_bad_input(
            status,
            &body,
            "input.startDate",
            &format!("variable {bad:?}"),
        );

        let inline = format!(
            "mutation {{ createActivity(input: {{ organizationId: {org}, title: \"Curs\",
               kind: WORKSHOP, startDate: {bad}, endDate: \"2030-05-06\", place: \"Lugoj\" }})
               {{ activity {{ id }} }} }}",
            org = literal(&global_id("Organization", w.org)),
            bad = literal(bad),
        );
        let (status, body) = w.post(Some(&w.editor), &inline, json!({})).await;
        assert_bad_input(
            status,
            &body,
            "input.startDate",
            &format!("literal {bad:?}"),
        );
    }
    assert_eq!(w.activities().await, 0);

    let token = |expires_at: &str| {
        json!({ "input": {
            "organizationId": global_id("Organization", w.org),
            "name": "Portal ONG",
            "expiresAt": expires_at,
        } })
    };
    for bad in [
        "+275760-09-13T00:00:00Z",
        "275760-09-13T00:00:00Z",
        "2023-02-30T00:00:00Z",
        "2030-01-01",
        "2030-01-01T00:00:00",
        "",
    ] {
        let (status, body) = w.post(Some(&w.admin), CREATE_TOKEN, token(bad)).await;
        assert_bad_input(
            status,
            &body,
            "input.expiresAt",
            &format!("expiresAt {bad:?}"),
        );
    }
    assert_eq!(api_token::Entity::find().count(&w.app.db).await.unwrap(), 0);
    w.app.assert_alive().await;

    // A real instant with an offset is taken and sent back in UTC.
    let soon = (chrono::Utc::now() + chrono::Duration::days(30))
        .with_timezone(&chrono::FixedOffset::east_opt(2 * 3600).unwrap())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    let (status, body) = w.post(Some(&w.admin), CREATE_TOKEN, token(&soon)).await;
    assert_eq!(status, 200, "{body}");
    let expires = body["data"]["createApiToken"]["apiToken"]["expiresAt"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(expires.ends_with("+00:00"), "{body}");
    assert_eq!(api_token::Entity::find().count(&w.app.db).await.unwrap(), 1);
}

#[tokio::test]
async fn control_characters_in_titles_are_refused_and_store_nothing() {
    let w = world().await;
    let before = w.documents().await;
    for title in [
        "Ghid\u{0}",
        "Ghid \u{7}\u{1b}[31mroșu",
        "Ghid \u{202E}fdp.exe",
    ] {
        let input =
            json!({ "ownerId": global_id("Organization", w.org), "title": title, "kind": "OTHER" });
        let payload = w.mutate("createDocument", CREATE_DOCUMENT, input).await;
        assert_eq!(
            user_error(&payload),
            ("title".into(), "INVALID_INPUT".into())
        );
        assert!(payload["document"].is_null());

        // The same, written in the query.
        let inline = format!(
            "mutation {{ createDocument(input: {{ ownerId: {}, title: {}, kind: OTHER }})
               {{ document {{ id }} userErrors {{ field code }} }} }}",
            literal(&global_id("Organization", w.org)),
            literal(title),
        );
        let (status, body) = w.post(Some(&w.editor), &inline, json!({})).await;
        assert_eq!(status, 200, "{body}");
        let payload = &body["data"]["createDocument"];
        assert_eq!(
            user_error(payload),
            ("title".into(), "INVALID_INPUT".into())
        );

        let mut activity = w.activity_input("2030-05-05");
        activity["title"] = json!(title);
        let payload = w.mutate("createActivity", CREATE_ACTIVITY, activity).await;
        assert_eq!(
            user_error(&payload),
            ("title".into(), "INVALID_INPUT".into())
        );
    }
    assert_eq!(w.documents().await, before);
    assert_eq!(w.activities().await, 0);
    w.app.assert_alive().await;
}

#[tokio::test]
async fn decomposed_text_is_stored_and_returned_composed() {
    let w = world().await;
    // "Ghid și ț", with ș and ț written as letter + COMBINING COMMA BELOW.
    let decomposed = "  Ghid s\u{326}i t\u{326}  ";
    let input = json!({ "ownerId": global_id("Organization", w.org), "title": decomposed, "kind": "OTHER" });
    let payload = w.mutate("createDocument", CREATE_DOCUMENT, input).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    assert_eq!(payload["document"]["title"], "Ghid \u{219}i \u{21B}");
    let stored = document::Entity::find()
        .filter(document::Column::Title.eq("Ghid \u{219}i \u{21B}"))
        .count(&w.app.db)
        .await
        .unwrap();
    assert_eq!(stored, 1, "the row holds the composed form");
}

#[tokio::test]
async fn line_breaks_belong_to_running_text_not_to_titles() {
    let w = world().await;
    let org = global_id("Organization", w.org);

    let summary = "Rândul 1\r\nRândul 2\n\tRândul 3";
    let input = json!({ "ownerId": org, "title": "Ghid", "kind": "OTHER", "summary": summary });
    let payload = w.mutate("createDocument", CREATE_DOCUMENT, input).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    assert_eq!(
        payload["document"]["summary"],
        "Rândul 1\nRândul 2\n\tRândul 3"
    );

    let input = json!({ "initiatorId": org, "title": "Protocol", "kind": "COOPERATION",
                        "objectives": "1. Instruire\n2. Schimb de bune practici" });
    let payload = w.mutate("createAgreement", CREATE_AGREEMENT, input).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    assert_eq!(
        payload["agreement"]["objectives"],
        "1. Instruire\n2. Schimb de bune practici"
    );

    let mut activity = w.activity_input("2030-05-05");
    activity["description"] = json!("Ziua 1: teorie\nZiua 2: studii de caz");
    let payload = w.mutate("createActivity", CREATE_ACTIVITY, activity).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    assert_eq!(
        payload["activity"]["description"],
        "Ziua 1: teorie\nZiua 2: studii de caz"
    );

    let input = json!({ "name": "Asociația Integritate", "kind": "NGO",
                        "description": "Rând unu\nRând doi" });
    let payload = w
        .mutate("createOrganization", CREATE_ORGANIZATION, input)
        .await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    assert_eq!(payload["organization"]["description"], "Rând unu\nRând doi");

    // In one-line fields a line break (or a tab) is refused.
    let documents = w.documents().await;
    for title in [
        "Ghid\npe două rânduri",
        "Ghid\tcu tab",
        "Ghid\u{2028}separat",
    ] {
        let input = json!({ "ownerId": org, "title": title, "kind": "OTHER" });
        let payload = w.mutate("createDocument", CREATE_DOCUMENT, input).await;
        assert_eq!(
            user_error(&payload),
            ("title".into(), "INVALID_INPUT".into())
        );
    }
    let input = json!({ "name": "Asociația\nIntegritate", "kind": "NGO" });
    let payload = w
        .mutate("createOrganization", CREATE_ORGANIZATION, input)
        .await;
    assert_eq!(
        user_error(&payload),
        ("name".into(), "INVALID_INPUT".into())
    );
    let input = json!({ "initiatorId": org, "title": "Protocol\nnou", "kind": "COOPERATION" });
    let payload = w.mutate("createAgreement", CREATE_AGREEMENT, input).await;
    assert_eq!(
        user_error(&payload),
        ("title".into(), "INVALID_INPUT".into())
    );
    assert_eq!(w.documents().await, documents);
    assert_eq!(agreement::Entity::find().count(&w.app.db).await.unwrap(), 1);
    assert_eq!(
        organization::Entity::find().count(&w.app.db).await.unwrap(),
        2
    );
    w.app.assert_alive().await;
}

#[tokio::test]
async fn each_field_has_its_limit_in_characters() {
    let w = world().await;
    let org = global_id("Organization", w.org);
    let max = fields::DOCUMENT_TITLE.max_chars;

    // The limit counts characters, not bytes: 300 × "ș" (600 bytes) fits.
    let title = "ș".repeat(max);
    let input = json!({ "ownerId": org, "title": title, "kind": "OTHER" });
    let payload = w.mutate("createDocument", CREATE_DOCUMENT, input).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    let documents = w.documents().await;

    let cases = [
        (
            "createDocument",
            CREATE_DOCUMENT,
            json!({ "ownerId": org, "title": "ș".repeat(max + 1), "kind": "OTHER" }),
            "title",
        ),
        (
            "createDocument",
            CREATE_DOCUMENT,
            json!({ "ownerId": org, "title": "Ghid", "kind": "OTHER",
                    "summary": "x\n".repeat(fields::DOCUMENT_SUMMARY.max_chars / 2 + 1) }),
            "summary",
        ),
        (
            "createDocument",
            CREATE_DOCUMENT,
            json!({ "ownerId": org, "title": "Ghid", "kind": "OTHER",
                    "tags": ["t".repeat(fields::TAG.max_chars + 1)] }),
            "tags",
        ),
    ];
    for (name, query, input, field) in cases {
        let payload = w.mutate(name, query, input).await;
        assert_eq!(
            user_error(&payload),
            (field.into(), "INVALID_INPUT".into()),
            "{name} {field}"
        );
    }
    let mut activity = w.activity_input("2030-05-05");
    activity["place"] = json!("p".repeat(fields::PLACE.max_chars + 1));
    let payload = w.mutate("createActivity", CREATE_ACTIVITY, activity).await;
    assert_eq!(
        user_error(&payload),
        ("place".into(), "INVALID_INPUT".into())
    );
    let mut activity = w.activity_input("2030-05-05");
    activity["description"] = json!("d".repeat(fields::ACTIVITY_DESCRIPTION.max_chars + 1));
    let payload = w.mutate("createActivity", CREATE_ACTIVITY, activity).await;
    assert_eq!(
        user_error(&payload),
        ("description".into(), "INVALID_INPUT".into())
    );

    assert_eq!(w.documents().await, documents);
    assert_eq!(w.activities().await, 0);
    w.app.assert_alive().await;
}

/// Sends `addDocumentVersion` as a multipart request with a UTF-8 text
/// file named `file_name`.
async fn upload(w: &World, file_name: &str) -> (u16, Value) {
    let boundary = format!("pactum-{}", uuid::Uuid::new_v4().simple());
    let operations = json!({
        "query": ADD_VERSION,
        "variables": { "input": { "documentId": w.document, "file": null } }
    });
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.input.file\"]}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n\
         Ghid de bune practici: sesizările se depun la registratură.\n\r\n--{boundary}--\r\n"
    );
    let response = w
        .app
        .client
        .post(w.app.graphql_url())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("authorization", format!("Bearer {}", w.editor))
        .body(body)
        .send()
        .await
        .expect("upload sent");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body read");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn upload_file_names_keep_their_last_segment_and_are_bounded() {
    let w = world().await;
    let versions = || async {
        document_version::Entity::find()
            .count(&w.app.db)
            .await
            .unwrap()
    };
    let before = versions().await;

    // 5,000 characters: refused (not cut, which could lose the extension).
    let long = format!("{}.txt", "a".repeat(4_996));
    let (status, body) = upload(&w, &long).await;
    assert_eq!(status, 200, "{body}");
    let payload = &body["data"]["addDocumentVersion"];
    assert_eq!(user_error(payload), ("file".into(), "INVALID_INPUT".into()));
    assert!(payload["version"].is_null());
    assert_eq!(versions().await, before);
    w.app.assert_alive().await;

    // Folders, from either kind of system, are dropped.
    for (sent, kept) in [
        ("../../etc/ghid.txt", "ghid.txt"),
        (
            "C:\\Users\\ana\\Desktop\\ghid integritate.txt",
            "ghid integritate.txt",
        ),
        ("dosar/s\u{326}edint\u{326}a.txt", "\u{219}edin\u{21B}a.txt"),
    ] {
        let (status, body) = upload(&w, sent).await;
        assert_eq!(status, 200, "{sent}: {body}");
        let payload = &body["data"]["addDocumentVersion"];
        assert_eq!(payload["userErrors"], json!([]), "{sent}: {body}");
        assert_eq!(payload["version"]["fileName"], kept, "{sent}");
    }
    assert_eq!(versions().await, before + 3);
}

#[tokio::test]
async fn search_terms_and_filter_lists_are_bounded() {
    let w = world().await;
    let tags: Vec<String> = (0..1_000).map(|i| format!("t{i}")).collect();
    let query = "query($tags: [String!]) { documents(filter: { tags: $tags }) { totalCount } }";
    let (status, body) = w.post(None, query, json!({ "tags": tags })).await;
    assert_bad_input(status, &body, "filter.tags", "1,000 tags");
    // A hundred is fine.
    let (status, body) = w.post(None, query, json!({ "tags": &tags[..100] })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["documents"]["totalCount"], 0, "{body}");

    let kinds = vec!["WORKSHOP"; 1_000];
    let query =
        "query($kinds: [ActivityKind!]) { activities(filter: { kinds: $kinds }) { totalCount } }";
    let (status, body) = w.post(None, query, json!({ "kinds": kinds })).await;
    assert_bad_input(status, &body, "filter.kinds", "1,000 kinds");

    let counties = vec!["Timiș"; 101];
    let query = "query($c: [String!]) { organizations(filter: { counties: $c }) { totalCount } }";
    let (status, body) = w.post(None, query, json!({ "c": counties })).await;
    assert_bad_input(status, &body, "filter.counties", "101 counties");

    let query = "query($tags: [String!]) { documents(filter: { tags: $tags }) { totalCount } }";
    let (status, body) = w.post(None, query, json!({ "tags": ["a\u{0}b"] })).await;
    assert_bad_input(status, &body, "filter.tags", "NUL in a tag");

    let search = "query($s: String) { documents(search: $s) { totalCount } }";
    for (term, what) in [
        ("x".repeat(fields::SEARCH.max_chars + 1), "a long search"),
        ("integritate\u{0}".to_owned(), "NUL in a search"),
        ("a\u{1b}[31m".to_owned(), "ESC in a search"),
    ] {
        let (status, body) = w.post(None, search, json!({ "s": term })).await;
        assert_bad_input(status, &body, "search", what);
    }
    let by_slug = "query($s: String!) { organizationBySlug(slug: $s) { id } }";
    let (status, body) = w.post(None, by_slug, json!({ "s": "lugoj\u{0}" })).await;
    assert_bad_input(status, &body, "slug", "NUL in a slug");

    // A plain search, padded with spaces, still finds.
    let (status, body) = w.post(None, search, json!({ "s": "  Integritate " })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["documents"]["totalCount"], 1, "{body}");
    w.app.assert_alive().await;
}

#[tokio::test]
async fn too_many_party_ids_are_refused_before_any_lookup() {
    let w = world().await;
    let parties: Vec<String> = (1..=1_000).map(|i| global_id("Organization", i)).collect();
    let input = json!({ "initiatorId": global_id("Organization", w.org), "title": "Protocol",
                        "kind": "COOPERATION", "partyIds": parties });
    let payload = w.mutate("createAgreement", CREATE_AGREEMENT, input).await;
    assert_eq!(
        user_error(&payload),
        ("partyIds".into(), "INVALID_INPUT".into())
    );
    assert_eq!(agreement::Entity::find().count(&w.app.db).await.unwrap(), 0);
    w.app.assert_alive().await;
}

/// The limits the schema states, per input field, are the rules' limits.
#[tokio::test]
async fn the_schema_states_each_text_fields_limit() {
    let app = TestApp::spawn_with(|c| c.introspection = true).await;
    let introspection = app
        .data(
            "{ __schema { types { name inputFields { name description
                 type { name ofType { name ofType { name ofType { name } } } } } } } }",
            json!({}),
        )
        .await;
    let types = introspection["__schema"]["types"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let description = |type_name: &str, field: &str| -> String {
        let ty = types.iter().find(|t| t["name"] == type_name);
        let ty = ty.unwrap_or_else(|| panic!("type {type_name} missing"));
        let found = ty["inputFields"]
            .as_array()
            .and_then(|fs| fs.iter().find(|f| f["name"] == field));
        let found = found.unwrap_or_else(|| panic!("{type_name}.{field} missing"));
        let text = found["description"].as_str().unwrap_or_default();
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let check = |type_name: &str, field: &str, rule: TextField| {
        let text = description(type_name, field);
        let limit = format!("at most {} characters", rule.max_chars);
        assert!(
            text.contains(&limit),
            "{type_name}.{field} should say {limit:?}: {text:?}"
        );
        let lines = match rule.lines {
            Lines::One => "one line",
            Lines::Many => "line breaks allowed",
        };
        assert!(
            text.contains(lines),
            "{type_name}.{field} should say {lines:?}: {text:?}"
        );
    };
    let table: &[(&[&str], &str, TextField)] = &[
        (
            &["CreateOrganizationInput", "UpdateOrganizationInput"],
            "name",
            fields::ORGANIZATION_NAME,
        ),
        (
            &["CreateOrganizationInput", "UpdateOrganizationInput"],
            "slug",
            fields::ORGANIZATION_SLUG,
        ),
        (
            &["CreateOrganizationInput", "UpdateOrganizationInput"],
            "fiscalCode",
            fields::FISCAL_CODE,
        ),
        (
            &["CreateOrganizationInput", "UpdateOrganizationInput"],
            "county",
            fields::COUNTY,
        ),
        (
            &["CreateOrganizationInput", "UpdateOrganizationInput"],
            "locality",
            fields::LOCALITY,
        ),
        (
            &["CreateOrganizationInput", "UpdateOrganizationInput"],
            "website",
            fields::WEBSITE,
        ),
        (
            &["CreateOrganizationInput", "UpdateOrganizationInput"],
            "contactEmail",
            fields::CONTACT_EMAIL,
        ),
        (
            &["CreateOrganizationInput", "UpdateOrganizationInput"],
            "description",
            fields::ORGANIZATION_DESCRIPTION,
        ),
        (
            &["UpdateMyProfileInput"],
            "displayName",
            fields::DISPLAY_NAME,
        ),
        (&["InviteMemberInput"], "email", fields::INVITED_EMAIL),
        (&["CreateApiTokenInput"], "name", fields::API_TOKEN_NAME),
        (
            &["CreateAgreementInput", "UpdateAgreementInput"],
            "title",
            fields::AGREEMENT_TITLE,
        ),
        (
            &["CreateAgreementInput", "UpdateAgreementInput"],
            "objectives",
            fields::OBJECTIVES,
        ),
        (&["SignAgreementInput"], "signatory", fields::SIGNATORY),
        (
            &["TerminateAgreementInput"],
            "reason",
            fields::TERMINATION_REASON,
        ),
        (
            &["CreateDocumentInput", "UpdateDocumentInput"],
            "title",
            fields::DOCUMENT_TITLE,
        ),
        (
            &["CreateDocumentInput", "UpdateDocumentInput"],
            "summary",
            fields::DOCUMENT_SUMMARY,
        ),
        (
            &["CreateDocumentInput", "UpdateDocumentInput"],
            "language",
            fields::LANGUAGE,
        ),
        (
            &["CreateDocumentInput", "UpdateDocumentInput"],
            "tags",
            fields::TAG,
        ),
        (
            &["AddDocumentVersionInput"],
            "changeNote",
            fields::CHANGE_NOTE,
        ),
        (
            &["CreateActivityInput", "UpdateActivityInput"],
            "title",
            fields::ACTIVITY_TITLE,
        ),
        (
            &["CreateActivityInput", "UpdateActivityInput"],
            "description",
            fields::ACTIVITY_DESCRIPTION,
        ),
        (
            &["CreateActivityInput", "UpdateActivityInput"],
            "place",
            fields::PLACE,
        ),
        (
            &["CreateActivityInput", "UpdateActivityInput"],
            "onlineUrl",
            fields::ONLINE_URL,
        ),
        (
            &["UpdateActivityInput", "CompleteActivityInput"],
            "outcomes",
            fields::OUTCOMES,
        ),
        (
            &["CancelActivityInput"],
            "reason",
            fields::CANCELLATION_REASON,
        ),
        (
            &["CreateProjectInput", "UpdateProjectInput"],
            "code",
            fields::PROJECT_CODE,
        ),
        (
            &["CreateProjectInput", "UpdateProjectInput"],
            "title",
            fields::PROJECT_TITLE,
        ),
        (
            &["CreateProjectInput", "UpdateProjectInput"],
            "programme",
            fields::PROGRAMME,
        ),
        (
            &["CreateProjectInput", "UpdateProjectInput"],
            "contractNumber",
            fields::CONTRACT_NUMBER,
        ),
        (
            &["CreateProjectInput", "UpdateProjectInput"],
            "summary",
            fields::PROJECT_SUMMARY,
        ),
        (
            &["CreateIndicatorInput", "UpdateIndicatorInput"],
            "name",
            fields::INDICATOR_NAME,
        ),
        (
            &["CreateIndicatorInput", "UpdateIndicatorInput"],
            "unit",
            fields::INDICATOR_UNIT,
        ),
    ];
    for (types_named, field, rule) in table {
        for &type_name in *types_named {
            check(type_name, field, *rule);
        }
    }
    // And no text input field goes without a stated limit.
    let base = |ty: &Value| -> String {
        let mut ty = ty;
        while ty["name"].is_null() && !ty["ofType"].is_null() {
            ty = &ty["ofType"];
        }
        ty["name"].as_str().unwrap_or_default().to_owned()
    };
    for ty in &types {
        for field in ty["inputFields"].as_array().into_iter().flatten() {
            if base(&field["type"]) == "String" {
                let text = field["description"]
                    .as_str()
                    .unwrap_or_default()
                    .to_lowercase();
                assert!(
                    text.contains("at most") && text.contains("characters"),
                    "{}.{} states no length limit: {text:?}",
                    ty["name"],
                    field["name"]
                );
            }
        }
    }
}

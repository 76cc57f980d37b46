//! Documents through the write API: creating, editing, changing visibility
//! (with DOCUMENT_PUBLISHED), uploading versions with the GraphQL multipart
//! request spec (type detected from the content, size limited, SHA-256
//! computed, nothing stored on refusal), downloading them from
//! `/files/{versionId}` (visibility, ETag, ranges), linking them to
//! agreements, and the same upload path on a real S3-compatible server.

use entities::{
    audit_entry, document, document_version, domain_event,
    enums::{AgreementStatus, EventKind, MemberRole, OrganizationKind, TokenScope, Visibility},
};
use pactum_tests::{TestApp, accounts, fixtures, global_id, s3::Moto, samples};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const CREATE: &str = "mutation($input: CreateDocumentInput!) { createDocument(input: $input) {
  document { id title summary kind language tags visibility publishedOn version owner { slug } }
  userErrors { field code message } } }";
const UPDATE: &str = "mutation($input: UpdateDocumentInput!) { updateDocument(input: $input) {
  document { id title summary tags language publishedOn version }
  userErrors { field code message } } }";
const VISIBILITY: &str = "mutation($input: ChangeDocumentVisibilityInput!) {
  changeDocumentVisibility(input: $input) { document { visibility version } userErrors { code message } } }";
const ADD_VERSION: &str = "mutation($input: AddDocumentVersionInput!) {
  addDocumentVersion(input: $input) {
    version { id number fileName mediaType sizeBytes sha256 changeNote downloadUrl uploadedBy { email } }
    document { id latestVersion { number } }
    userErrors { field code message } } }";
const SHARE: &str =
    "mutation($input: DocumentAgreementInput!) { shareDocumentWithAgreement(input: $input) {
  document { title } agreement { title } userErrors { code message } } }";
const UNSHARE: &str =
    "mutation($input: DocumentAgreementInput!) { unshareDocumentFromAgreement(input: $input) {
  document { title } agreement { title } userErrors { code message } } }";
const AGREEMENT_DOCUMENTS: &str = "query($id: ID!) { agreement(id: $id) {
  documents(first: 10) { totalCount edges { node { title visibility } } } } }";
const DOCUMENT: &str = "query($id: ID!) { document(id: $id) { title visibility version tags
  versions { number mediaType sha256 } } }";

/// An owner organization with members of each role, a partner (ACTIVE
/// agreement) and a stranger.
struct World {
    app: TestApp,
    owner: i64,
    partner: i64,
    stranger: i64,
    editor: String,
    editor_email: String,
    viewer: String,
    partner_member: String,
    stranger_editor: String,
}

async fn world_with(tweak: impl FnOnce(&mut pactum::config::Config)) -> World {
    let app = TestApp::spawn_with(tweak).await;
    let org = |slug: &'static str, name: &'static str, kind| {
        let db = app.db.clone();
        async move { fixtures::organization(&db, slug, name, kind, Some("Timiș")).await }
    };
    let owner = org("lugoj", "Municipiul Lugoj", OrganizationKind::Municipality)
        .await
        .id;
    let partner = org(
        "asociatia-integritas",
        "Asociația Integritas",
        OrganizationKind::Ngo,
    )
    .await
    .id;
    let stranger = org("arad", "Municipiul Arad", OrganizationKind::Municipality)
        .await
        .id;
    fixtures::agreement(
        &app.db,
        "Protocol de cooperare Lugoj–Integritas",
        &[owner, partner],
        AgreementStatus::Active,
        Visibility::Partners,
        Some(fixtures::date(2024, 1, 1)),
    )
    .await;
    let editor_email = "editor@lugoj.ro".to_owned();
    let person = accounts::user(&app.db, &editor_email, "Ana Editor").await;
    accounts::membership(&app.db, person.id, owner, MemberRole::Editor).await;
    let editor = accounts::session(&app.db, person.id).await;
    World {
        viewer: accounts::member_session(&app.db, owner, MemberRole::Viewer).await,
        partner_member: accounts::member_session(&app.db, partner, MemberRole::Owner).await,
        stranger_editor: accounts::member_session(&app.db, stranger, MemberRole::Owner).await,
        editor,
        editor_email,
        owner,
        partner,
        stranger,
        app,
    }
}

async fn world() -> World {
    world_with(|_| {}).await
}

fn codes(body: &Value) -> Vec<String> {
    TestApp::codes(body)
}

impl World {
    fn owner_gid(&self) -> String {
        global_id("Organization", self.owner)
    }

    async fn create(&self, secret: Option<&str>, input: Value) -> Value {
        self.app
            .query_as(secret, CREATE, json!({ "input": input }))
            .await
    }

    /// Creates a document as the editor; returns (global id, version).
    async fn document(&self, title: &str, visibility: &str) -> (String, i64) {
        let body = self
            .create(
                Some(&self.editor),
                json!({ "ownerId": self.owner_gid(), "title": title, "kind": "GOOD_PRACTICE_GUIDE",
                        "visibility": visibility }),
            )
            .await;
        let doc = &body["data"]["createDocument"]["document"];
        assert!(doc.is_object(), "{body}");
        (
            doc["id"].as_str().unwrap().to_owned(),
            doc["version"].as_i64().unwrap(),
        )
    }

    async fn events(&self, kind: EventKind) -> Vec<domain_event::Model> {
        domain_event::Entity::find()
            .filter(domain_event::Column::Kind.eq(kind))
            .order_by_asc(domain_event::Column::Id)
            .all(&self.app.db)
            .await
            .unwrap()
    }

    async fn audit(&self, action: &str) -> Vec<audit_entry::Model> {
        audit_entry::Entity::find()
            .filter(audit_entry::Column::Action.eq(action))
            .order_by_asc(audit_entry::Column::Id)
            .all(&self.app.db)
            .await
            .unwrap()
    }

    /// Sends `addDocumentVersion` as a GraphQL multipart request.
    async fn upload(
        &self,
        secret: Option<&str>,
        document: &str,
        file_name: &str,
        content_type: &str,
        content: &[u8],
    ) -> (u16, Value) {
        upload(
            &self.app,
            secret,
            document,
            file_name,
            content_type,
            content,
        )
        .await
    }

    /// Files in local storage, relative to its root (temp files, under
    /// `tmp/`, included).
    fn stored_files(&self) -> Vec<String> {
        fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else if let Ok(relative) = path.strip_prefix(root) {
                    out.push(relative.display().to_string());
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.app.files_dir, &self.app.files_dir, &mut out);
        out
    }

    async fn versions(&self) -> u64 {
        document_version::Entity::find()
            .count(&self.app.db)
            .await
            .unwrap()
    }

    async fn download(
        &self,
        secret: Option<&str>,
        url: &str,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        download(&self.app, secret, url, headers).await
    }
}

pub(super) async fn upload(
    app: &TestApp,
    secret: Option<&str>,
    document: &str,
    file_name: &str,
    content_type: &str,
    content: &[u8],
) -> (u16, Value) {
    let boundary = format!("pactum-{}", uuid::Uuid::new_v4().simple());
    let operations = json!({
        "query": ADD_VERSION,
        "variables": { "input": { "documentId": document, "file": null, "changeNote": "Versiune revizuită" } }
    });
    let mut body = Vec::with_capacity(content.len() + 1024);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.input.file\"]}}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut request = app
        .client
        .post(app.graphql_url())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body);
    if let Some(secret) = secret {
        request = request.header("authorization", format!("Bearer {secret}"));
    }
    let response = request.send().await.expect("upload sent");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body read");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub(super) async fn download(
    app: &TestApp,
    secret: Option<&str>,
    url: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{url}", app.address));
    if let Some(secret) = secret {
        request = request.header("authorization", format!("Bearer {secret}"));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("download sent")
}

/// A real one-page PDF of exactly `size` bytes (the server parses what it
/// is sent, so a magic number in front of noise would be refused).
fn pdf(size: usize) -> Vec<u8> {
    samples::pdf(size)
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn editors_create_documents_and_public_ones_are_published() {
    let w = world().await;
    let body = w
        .create(
            Some(&w.editor),
            json!({
                "ownerId": w.owner_gid(), "title": "  Ghid de bune practici anticorupție ",
                "summary": "Cum se aplică SNA la nivel local", "kind": "GOOD_PRACTICE_GUIDE",
                "language": "RO", "tags": ["SNA", "integritate", "sna"], "publishedOn": "2025-03-01"
            }),
        )
        .await;
    let doc = &body["data"]["createDocument"];
    assert_eq!(doc["userErrors"], json!([]), "{body}");
    assert_eq!(
        doc["document"]["title"],
        "Ghid de bune practici anticorupție"
    );
    assert_eq!(doc["document"]["language"], "ro");
    assert_eq!(doc["document"]["tags"], json!(["integritate", "sna"]));
    assert_eq!(doc["document"]["visibility"], "PRIVATE");
    assert_eq!(doc["document"]["version"], 1);
    assert_eq!(doc["document"]["owner"]["slug"], "lugoj");
    // Searchable with and without diacritics.
    let found = w
        .app
        .data_as(
            Some(&w.viewer),
            "{ documents(search: \"anticoruptie\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(found["documents"]["totalCount"], 1);
    assert_eq!(w.audit("document.create").await.len(), 1);
    assert!(
        w.events(EventKind::DocumentPublished).await.is_empty(),
        "a PRIVATE document is not published"
    );

    let (public, _) = w.document("Cod de etică", "PUBLIC").await;
    let published = w.events(EventKind::DocumentPublished).await;
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].organization_id, Some(w.owner));
    assert!(published[0].payload.contains("\"visibility\":\"PUBLIC\""));
    let anonymous = w.app.data_as(None, DOCUMENT, json!({ "id": public })).await;
    assert_eq!(anonymous["document"]["title"], "Cod de etică");

    // A READ_WRITE token of the owner acts as an EDITOR.
    let token = accounts::api_token(&w.app.db, w.owner, TokenScope::ReadWrite).await;
    let body = w
        .create(
            Some(&token),
            json!({ "ownerId": w.owner_gid(), "title": "Procedură", "kind": "PROCEDURE" }),
        )
        .await;
    assert_eq!(
        body["data"]["createDocument"]["userErrors"],
        json!([]),
        "{body}"
    );
}

#[tokio::test]
async fn creating_is_refused_to_the_wrong_people_and_for_invalid_input() {
    let w = world().await;
    let input = json!({ "ownerId": w.owner_gid(), "title": "Ghid", "kind": "OTHER" });
    let read_token = accounts::api_token(&w.app.db, w.owner, TokenScope::Read).await;
    for (who, secret, code) in [
        ("anonymous", None, "UNAUTHENTICATED"),
        ("viewer", Some(w.viewer.as_str()), "FORBIDDEN"),
        ("read token", Some(read_token.as_str()), "FORBIDDEN"),
        ("partner", Some(w.partner_member.as_str()), "FORBIDDEN"),
        ("stranger", Some(w.stranger_editor.as_str()), "FORBIDDEN"),
    ] {
        let body = w.create(secret, input.clone()).await;
        assert_eq!(codes(&body), vec![code], "{who}: {body}");
    }
    for (field, patch) in [
        ("title", json!({ "title": "   " })),
        ("language", json!({ "language": "romana" })),
        ("tags", json!({ "tags": ["ok", " "] })),
        ("summary", json!({ "summary": "x".repeat(5001) })),
    ] {
        let mut bad = input.clone();
        for (k, v) in patch.as_object().unwrap() {
            bad[k] = v.clone();
        }
        let body = w.create(Some(&w.editor), bad).await;
        let errors = &body["data"]["createDocument"]["userErrors"];
        assert_eq!(errors[0]["field"], field, "{body}");
        assert_eq!(errors[0]["code"], "INVALID_INPUT");
        assert!(body["data"]["createDocument"]["document"].is_null());
    }
    assert_eq!(document::Entity::find().count(&w.app.db).await.unwrap(), 0);
    assert!(w.audit("document.create").await.is_empty());
}

#[tokio::test]
async fn updates_need_the_current_version_and_change_nothing_when_stale() {
    let w = world().await;
    let (id, version) = w.document("Strategie locală", "PRIVATE").await;
    let body = w
        .app
        .query_as(
            Some(&w.editor),
            UPDATE,
            json!({ "input": { "documentId": id, "version": version, "title": "Strategia locală 2025",
                   "tags": ["Strategie"], "publishedOn": null } }),
        )
        .await;
    let doc = &body["data"]["updateDocument"]["document"];
    assert_eq!(doc["title"], "Strategia locală 2025", "{body}");
    assert_eq!(doc["tags"], json!(["strategie"]));
    assert_eq!(doc["publishedOn"], Value::Null);
    assert_eq!(doc["version"], version + 1);

    // The same stale version again: CONFLICT, nothing changed.
    let body = w
        .app
        .query_as(
            Some(&w.editor),
            UPDATE,
            json!({ "input": { "documentId": id, "version": version, "title": "Alt titlu" } }),
        )
        .await;
    let payload = &body["data"]["updateDocument"];
    assert_eq!(payload["userErrors"][0]["code"], "CONFLICT", "{body}");
    assert!(payload["document"].is_null());
    let now = w
        .app
        .data_as(Some(&w.viewer), DOCUMENT, json!({ "id": id }))
        .await;
    assert_eq!(now["document"]["title"], "Strategia locală 2025");
    assert_eq!(now["document"]["version"], version + 1);
    assert_eq!(w.audit("document.update").await.len(), 1);

    // Viewers may not edit; strangers do not even see it.
    let body = w
        .app
        .query_as(
            Some(&w.viewer),
            UPDATE,
            json!({ "input": { "documentId": id, "version": version + 1, "title": "X" } }),
        )
        .await;
    assert_eq!(codes(&body), vec!["FORBIDDEN"]);
    let body = w
        .app
        .query_as(
            Some(&w.stranger_editor),
            UPDATE,
            json!({ "input": { "documentId": id, "version": version + 1, "title": "X" } }),
        )
        .await;
    assert_eq!(codes(&body), vec!["NOT_FOUND"]);
}

#[tokio::test]
async fn widening_visibility_publishes_and_partners_then_see_the_document() {
    let w = world().await;
    let (id, version) = w.document("Analiză de risc", "PRIVATE").await;
    let sees = |secret: Option<String>| {
        let app = &w.app;
        let id = id.clone();
        async move {
            let body = app
                .query_as(secret.as_deref(), DOCUMENT, json!({ "id": id }))
                .await;
            body["data"]["document"].is_object()
        }
    };
    assert!(!sees(Some(w.partner_member.clone())).await);

    let change = |version: i64, visibility: &str| {
        w.app.query_as(
            Some(&w.editor),
            VISIBILITY,
            json!({ "input": { "documentId": id, "version": version, "visibility": visibility } }),
        )
    };
    let body = change(version, "PARTNERS").await;
    let doc = &body["data"]["changeDocumentVisibility"]["document"];
    assert_eq!(doc["visibility"], "PARTNERS", "{body}");
    assert!(sees(Some(w.partner_member.clone())).await);
    assert!(!sees(Some(w.stranger_editor.clone())).await);
    assert!(!sees(None).await);
    let published = w.events(EventKind::DocumentPublished).await;
    assert_eq!(published.len(), 1);
    assert!(published[0].payload.contains("\"from\":\"PRIVATE\""));

    // Stale version: CONFLICT, still PARTNERS.
    let body = change(version, "PUBLIC").await;
    assert_eq!(
        body["data"]["changeDocumentVisibility"]["userErrors"][0]["code"],
        "CONFLICT"
    );
    assert!(!sees(None).await);

    let body = change(version + 1, "PUBLIC").await;
    assert_eq!(
        body["data"]["changeDocumentVisibility"]["document"]["visibility"],
        "PUBLIC"
    );
    assert!(sees(None).await);
    assert_eq!(w.events(EventKind::DocumentPublished).await.len(), 2);

    // Narrowing is not a publication.
    let body = change(version + 2, "PRIVATE").await;
    assert_eq!(
        body["data"]["changeDocumentVisibility"]["document"]["version"],
        version + 3
    );
    assert!(!sees(None).await);
    assert_eq!(w.events(EventKind::DocumentPublished).await.len(), 2);
    assert_eq!(w.audit("document.change_visibility").await.len(), 3);

    let body = w
        .app
        .query_as(
            Some(&w.viewer),
            VISIBILITY,
            json!({ "input": { "documentId": id, "version": version + 3, "visibility": "PUBLIC" } }),
        )
        .await;
    assert_eq!(codes(&body), vec!["FORBIDDEN"]);
}

#[tokio::test]
async fn an_upload_is_typed_by_its_content_hashed_and_downloadable() {
    let w = world().await;
    let (id, _) = w.document("Ghid anticorupție", "PRIVATE").await;
    let content = pdf(3 * 1024 * 1024 + 17);
    // The client claims PNG; the content says PDF.
    let (status, body) = w
        .upload(
            Some(&w.editor),
            &id,
            "Ghid anticorupție ședință.pdf",
            "image/png",
            &content,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let payload = &body["data"]["addDocumentVersion"];
    assert_eq!(payload["userErrors"], json!([]), "{body}");
    let version = &payload["version"];
    assert_eq!(version["number"], 1);
    assert_eq!(version["fileName"], "Ghid anticorupție ședință.pdf");
    assert_eq!(version["mediaType"], "application/pdf");
    assert_eq!(version["sizeBytes"], content.len());
    assert_eq!(version["sha256"], sha256(&content));
    assert_eq!(version["changeNote"], "Versiune revizuită");
    assert_eq!(version["uploadedBy"]["email"], w.editor_email);
    assert_eq!(payload["document"]["latestVersion"]["number"], 1);

    let row = document_version::Entity::find()
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.storage_key, format!("sha256/{}", sha256(&content)));
    assert!(row.uploaded_by_id.is_some());
    let added = w.events(EventKind::DocumentVersionAdded).await;
    assert_eq!(added.len(), 1);
    assert!(added[0].payload.contains(&sha256(&content)));
    assert_eq!(w.audit("document.add_version").await.len(), 1);

    // Download: whole, with headers.
    let url = version["downloadUrl"].as_str().unwrap().to_owned();
    let response = w.download(Some(&w.viewer), &url, &[]).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(header(&response, "content-type"), "application/pdf");
    assert_eq!(
        header(&response, "content-disposition"),
        "attachment; filename=\"Ghid anticorup_ie _edin__.pdf\"; \
         filename*=UTF-8''Ghid%20anticorup%C8%9Bie%20%C8%99edin%C8%9B%C4%83.pdf"
    );
    let etag = format!("\"{}\"", sha256(&content));
    assert_eq!(header(&response, "etag"), etag);
    assert_eq!(header(&response, "accept-ranges"), "bytes");
    assert_eq!(
        header(&response, "content-length"),
        content.len().to_string()
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), content.as_slice());

    // Conditional: the same ETag is 304 without a body.
    let response = w
        .download(Some(&w.viewer), &url, &[("if-none-match", &etag)])
        .await;
    assert_eq!(response.status().as_u16(), 304);
    assert_eq!(header(&response, "etag"), etag);
    assert!(response.bytes().await.unwrap().is_empty());
    let response = w
        .download(Some(&w.viewer), &url, &[("if-none-match", "\"other\"")])
        .await;
    assert_eq!(response.status().as_u16(), 200);

    // Ranges: a-b, a-, -n; unsatisfiable is 416.
    let len = content.len();
    for (range, start, end) in [
        ("bytes=0-99".to_owned(), 0, 100),
        (format!("bytes={}-", len - 1000), len - 1000, len),
        ("bytes=-10".to_owned(), len - 10, len),
        ("bytes=1048576-2097151".to_owned(), 1_048_576, 2_097_152),
    ] {
        let response = w
            .download(Some(&w.viewer), &url, &[("range", &range)])
            .await;
        assert_eq!(response.status().as_u16(), 206, "{range}");
        assert_eq!(
            header(&response, "content-range"),
            format!("bytes {start}-{}/{len}", end - 1),
            "{range}"
        );
        assert_eq!(
            header(&response, "content-length"),
            (end - start).to_string()
        );
        assert_eq!(
            response.bytes().await.unwrap().as_ref(),
            &content[start..end]
        );
    }
    let response = w
        .download(
            Some(&w.viewer),
            &url,
            &[("range", &format!("bytes={len}-"))],
        )
        .await;
    assert_eq!(response.status().as_u16(), 416);
    assert_eq!(header(&response, "content-range"), format!("bytes */{len}"));
    // If-Range with another ETag: the whole file instead.
    let response = w
        .download(
            Some(&w.viewer),
            &url,
            &[("range", "bytes=0-9"), ("if-range", "\"old\"")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);

    // The same visibility rule as the API: invisible is 404.
    for secret in [
        None,
        Some(w.partner_member.as_str()),
        Some(w.stranger_editor.as_str()),
    ] {
        let response = w.download(secret, &url, &[]).await;
        assert_eq!(response.status().as_u16(), 404);
    }
    assert_eq!(
        w.download(None, "/files/not-an-id", &[])
            .await
            .status()
            .as_u16(),
        404
    );
    let doc_version = w
        .app
        .data_as(Some(&w.editor), DOCUMENT, json!({ "id": id }))
        .await["document"]["version"]
        .as_i64()
        .unwrap();
    w.app
        .data_as(
            Some(&w.editor),
            VISIBILITY,
            json!({ "input": { "documentId": id, "version": doc_version, "visibility": "PUBLIC" } }),
        )
        .await;
    let response = w.download(None, &url, &[("range", "bytes=-4")]).await;
    assert_eq!(response.status().as_u16(), 206);
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        &content[len - 4..]
    );
    // Outsiders never learn who uploaded it.
    let body = w
        .app
        .data_as(
            None,
            "query($id: ID!) { document(id: $id) { latestVersion { uploadedBy { email } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(body["document"]["latestVersion"]["uploadedBy"], Value::Null);
}

#[tokio::test]
async fn text_markdown_and_office_files_are_told_apart_and_versions_count_up() {
    let w = world().await;
    let (id, _) = w.document("Procedură de raportare", "PARTNERS").await;
    let text = "Procedură: sesizările se depun la registratură.\n".repeat(100);
    let mut seen = Vec::new();
    for (name, bytes, expected) in [
        ("procedura.txt", text.as_bytes().to_vec(), "text/plain"),
        (
            "procedura.md",
            format!("# Procedură\n\n{text}").into_bytes(),
            "text/markdown",
        ),
        ("copie.txt", text.as_bytes().to_vec(), "text/plain"),
    ] {
        let (status, body) = w
            .upload(
                Some(&w.editor),
                &id,
                name,
                "application/octet-stream",
                &bytes,
            )
            .await;
        assert_eq!(status, 200);
        let version = &body["data"]["addDocumentVersion"]["version"];
        assert_eq!(version["mediaType"], expected, "{body}");
        seen.push(version["number"].as_i64().unwrap());
    }
    assert_eq!(seen, vec![1, 2, 3]);
    // The same bytes twice are stored once.
    let stored: Vec<String> = w
        .stored_files()
        .into_iter()
        .filter(|f| !f.starts_with("tmp/"))
        .collect();
    assert_eq!(stored.len(), 2, "{stored:?}");
    // Text is served as UTF-8.
    let versions = w
        .app
        .data_as(
            Some(&w.partner_member),
            "query($id: ID!) { document(id: $id) { versions { number downloadUrl } } }",
            json!({ "id": id }),
        )
        .await;
    let url = versions["document"]["versions"][2]["downloadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = w.download(Some(&w.partner_member), &url, &[]).await;
    assert_eq!(
        header(&response, "content-type"),
        "text/plain; charset=utf-8"
    );
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert_eq!(response.text().await.unwrap(), text);

    // A READ_WRITE token uploads too; it is nobody's upload.
    let token = accounts::api_token(&w.app.db, w.owner, TokenScope::ReadWrite).await;
    let (_, body) = w
        .upload(
            Some(&token),
            &id,
            "anexa.pdf",
            "application/pdf",
            &pdf(2048),
        )
        .await;
    let version = &body["data"]["addDocumentVersion"]["version"];
    assert_eq!(version["number"], 4, "{body}");
    assert_eq!(version["uploadedBy"], Value::Null);
}

#[tokio::test]
async fn wrong_types_are_refused_and_leave_nothing_stored() {
    let w = world().await;
    let (id, _) = w.document("Raport anual", "PRIVATE").await;
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0".to_vec();
    elf.resize(4096, 0);
    // A valid ZIP without office entries, named like a Word file.
    let zip = samples::zip(&[("notes.txt", b"not an office file")]);
    for (name, bytes, mentions) in [
        ("raport.pdf", elf, "application/x-executable"),
        ("raport.docx", zip, "application/zip"),
        (
            "raport.txt",
            b"UTF-16\0t\0e\0x\0t\0".to_vec(),
            "not accepted",
        ),
    ] {
        let (status, body) = w
            .upload(Some(&w.editor), &id, name, "application/pdf", &bytes)
            .await;
        assert_eq!(status, 200);
        let payload = &body["data"]["addDocumentVersion"];
        assert!(payload["version"].is_null(), "{body}");
        assert_eq!(payload["userErrors"][0]["field"], "file");
        assert_eq!(payload["userErrors"][0]["code"], "INVALID_INPUT");
        let message = payload["userErrors"][0]["message"].as_str().unwrap();
        assert!(message.contains(mentions), "{message}");
        assert!(message.contains("PDF, DOCX"), "{message}");
    }
    assert_eq!(w.versions().await, 0);
    assert_eq!(w.stored_files(), Vec::<String>::new());
    assert!(w.events(EventKind::DocumentVersionAdded).await.is_empty());
    assert!(w.audit("document.add_version").await.is_empty());
}

#[tokio::test]
async fn oversized_files_are_refused_and_leave_nothing_stored() {
    let w = world_with(|c| {
        c.max_upload_bytes = 64 * 1024;
        c.max_body_bytes = 16 * 1024;
    })
    .await;
    let (id, _) = w.document("Anexă", "PRIVATE").await;
    // Just over the file limit: a user error on `file`.
    let (status, body) = w
        .upload(
            Some(&w.editor),
            &id,
            "anexa.pdf",
            "application/pdf",
            &pdf(64 * 1024 + 1),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let payload = &body["data"]["addDocumentVersion"];
    assert_eq!(payload["userErrors"][0]["field"], "file", "{body}");
    assert!(
        payload["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("64 KiB")
    );
    // Far over it: the body limit answers 413 before anything is read.
    let (status, _) = w
        .upload(
            Some(&w.editor),
            &id,
            "mare.pdf",
            "application/pdf",
            &pdf(1024 * 1024),
        )
        .await;
    assert_eq!(status, 413);
    // Exactly at the limit: accepted.
    let (_, body) = w
        .upload(
            Some(&w.editor),
            &id,
            "anexa.pdf",
            "application/pdf",
            &pdf(64 * 1024),
        )
        .await;
    assert_eq!(
        body["data"]["addDocumentVersion"]["version"]["number"], 1,
        "{body}"
    );
    assert_eq!(w.versions().await, 1);
    let stored: Vec<String> = w
        .stored_files()
        .into_iter()
        .filter(|f| !f.starts_with("tmp/"))
        .collect();
    assert_eq!(stored.len(), 1);
    assert_eq!(w.stored_files().len(), 1, "no temp file is left behind");
    // The big limit is for multipart uploads only: JSON keeps max_body_bytes.
    let padding = " ".repeat(20 * 1024);
    let (status, _) = w
        .app
        .post_json(json!({ "query": format!("{{ organizations {{ totalCount }} }}{padding}") }))
        .await;
    assert_eq!(status, 413);
}

#[tokio::test]
async fn uploads_need_an_editor_of_the_owner() {
    let w = world().await;
    let (id, _) = w.document("Ghid partajat", "PARTNERS").await;
    let read_token = accounts::api_token(&w.app.db, w.owner, TokenScope::Read).await;
    for (who, secret, code) in [
        ("viewer", w.viewer.as_str(), "FORBIDDEN"),
        ("read token", read_token.as_str(), "FORBIDDEN"),
        ("partner", w.partner_member.as_str(), "FORBIDDEN"),
        ("stranger", w.stranger_editor.as_str(), "NOT_FOUND"),
    ] {
        let (_, body) = w
            .upload(Some(secret), &id, "x.pdf", "application/pdf", &pdf(4096))
            .await;
        assert_eq!(codes(&body), vec![code], "{who}: {body}");
    }
    // Anonymous uploads are refused before the body is read.
    let (status, body) = w
        .upload(None, &id, "x.pdf", "application/pdf", &pdf(4096))
        .await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(codes(&body), vec!["UNAUTHENTICATED"]);
    assert_eq!(w.versions().await, 0);
    assert_eq!(w.stored_files(), Vec::<String>::new());

    // A cookie-authenticated upload from a foreign origin (a cross-site
    // form) is refused before its body is read; from our origin it works.
    let boundary = "csrf";
    let operations = json!({ "query": ADD_VERSION,
        "variables": { "input": { "documentId": id, "file": null } } });
    let form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.input.file\"]}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"a.txt\"\r\n\r\nsalut\r\n--{boundary}--\r\n"
    );
    for (origin, status) in [("https://evil.example", 403), (w.app.address.as_str(), 200)] {
        let response = w
            .app
            .client
            .post(w.app.graphql_url())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("cookie", format!("pactum_session={}", w.editor))
            .header("origin", origin)
            .body(form.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "from {origin}");
    }
    assert_eq!(w.versions().await, 1);

    // Other content types are still refused (CSRF), multipart is not JSON.
    let response = w
        .app
        .client
        .post(w.app.graphql_url())
        .header("content-type", "text/plain")
        .header("authorization", format!("Bearer {}", w.editor))
        .body("{\"query\":\"{ __typename }\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    let response = w
        .app
        .client
        .post(w.app.graphql_url())
        .header("content-type", "multipart/form-data; boundary=x")
        .header("authorization", format!("Bearer {}", w.editor))
        .body("--x\r\nContent-Disposition: form-data; name=\"nothing\"\r\n\r\n1\r\n--x--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
}

#[tokio::test]
async fn documents_are_linked_to_agreements_of_their_owner_and_keep_their_visibility() {
    let w = world().await;
    let agreement = fixtures::agreement(
        &w.app.db,
        "Acord de parteneriat 2025",
        &[w.owner, w.partner],
        AgreementStatus::Active,
        Visibility::Partners,
        Some(fixtures::date(2025, 1, 1)),
    )
    .await;
    let foreign = fixtures::agreement(
        &w.app.db,
        "Acord Integritas–Arad",
        &[w.partner, w.stranger],
        AgreementStatus::Active,
        Visibility::Public,
        Some(fixtures::date(2025, 1, 1)),
    )
    .await;
    let agreement_gid = global_id("Agreement", agreement.id);
    let (signed, _) = w.document("Textul semnat", "PARTNERS").await;
    let (internal, _) = w.document("Notă internă", "PRIVATE").await;
    for doc in [&signed, &internal, &signed] {
        let body = w
            .app
            .query_as(
                Some(&w.editor),
                SHARE,
                json!({ "input": { "documentId": doc, "agreementId": agreement_gid } }),
            )
            .await;
        let payload = &body["data"]["shareDocumentWithAgreement"];
        assert_eq!(payload["userErrors"], json!([]), "{body}");
        assert_eq!(payload["agreement"]["title"], "Acord de parteneriat 2025");
    }
    // Sharing twice is one link and one audit entry.
    assert_eq!(w.audit("document.share_with_agreement").await.len(), 2);

    let listed = |secret: String| {
        let app = &w.app;
        let id = agreement_gid.clone();
        async move {
            let data = app
                .data_as(Some(&secret), AGREEMENT_DOCUMENTS, json!({ "id": id }))
                .await;
            data["agreement"]["documents"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        listed(w.viewer.clone()).await,
        vec!["Notă internă", "Textul semnat"]
    );
    // The partner sees the agreement but only the documents it may see.
    assert_eq!(
        listed(w.partner_member.clone()).await,
        vec!["Textul semnat"]
    );

    // The owner must be a party.
    let body = w
        .app
        .query_as(
            Some(&w.editor),
            SHARE,
            json!({ "input": { "documentId": signed, "agreementId": global_id("Agreement", foreign.id) } }),
        )
        .await;
    assert_eq!(
        body["data"]["shareDocumentWithAgreement"]["userErrors"][0]["code"], "NOT_A_PARTY",
        "{body}"
    );
    // Only editors of the document's owner link it; a party's member of
    // another organization may not.
    for (secret, code) in [
        (w.viewer.as_str(), "FORBIDDEN"),
        (w.partner_member.as_str(), "FORBIDDEN"),
    ] {
        let body = w
            .app
            .query_as(
                Some(secret),
                UNSHARE,
                json!({ "input": { "documentId": signed, "agreementId": agreement_gid } }),
            )
            .await;
        assert_eq!(codes(&body), vec![code], "{body}");
    }

    let body = w
        .app
        .query_as(
            Some(&w.editor),
            UNSHARE,
            json!({ "input": { "documentId": internal, "agreementId": agreement_gid } }),
        )
        .await;
    assert_eq!(
        body["data"]["unshareDocumentFromAgreement"]["userErrors"],
        json!([]),
        "{body}"
    );
    assert_eq!(listed(w.viewer.clone()).await, vec!["Textul semnat"]);
    assert_eq!(w.audit("document.unshare_from_agreement").await.len(), 1);
    let _ = w.stranger;
}

#[tokio::test]
async fn uploads_and_downloads_work_on_an_s3_compatible_store() {
    let moto = Moto::start().await;
    moto.create_bucket("pactum-files").await;
    let endpoint = moto.endpoint.clone();
    let w = world_with(move |c| {
        c.storage = pactum::config::StorageKind::S3;
        c.s3_bucket = Some("pactum-files".into());
        c.s3_endpoint = Some(endpoint);
        c.s3_region = Some("eu-central-1".into());
        c.s3_access_key_id = Some("test".into());
        c.s3_secret_access_key = Some("test".into());
        c.s3_allow_http = true;
    })
    .await;
    let (id, _) = w.document("Ghid în S3", "PRIVATE").await;
    // Over one 8 MiB part, so the multipart upload path runs too.
    let content = pdf(9 * 1024 * 1024 + 5);
    let (status, body) = w
        .upload(
            Some(&w.editor),
            &id,
            "ghid.pdf",
            "application/pdf",
            &content,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let version = &body["data"]["addDocumentVersion"]["version"];
    assert_eq!(version["sha256"], sha256(&content), "{body}");
    assert_eq!(
        moto.keys("pactum-files").await,
        vec![format!("sha256/{}", sha256(&content))]
    );
    let url = version["downloadUrl"].as_str().unwrap().to_owned();
    let response = w.download(Some(&w.viewer), &url, &[]).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.bytes().await.unwrap().as_ref(), content.as_slice());
    let response = w
        .download(Some(&w.viewer), &url, &[("range", "bytes=8388600-8388615")])
        .await;
    assert_eq!(response.status().as_u16(), 206);
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        &content[8_388_600..8_388_616]
    );
    // A refused file reaches no bucket.
    let (_, body) = w
        .upload(
            Some(&w.editor),
            &id,
            "x.pdf",
            "application/pdf",
            b"\x7fELF\x02\x01\x01\0",
        )
        .await;
    assert_eq!(
        body["data"]["addDocumentVersion"]["userErrors"][0]["field"],
        "file"
    );
    assert_eq!(moto.keys("pactum-files").await.len(), 1);
    assert!(w.stored_files().is_empty(), "nothing on local disk");
    let _ = w.partner;
}

#[tokio::test]
async fn concurrent_uploads_get_consecutive_numbers() {
    let w = world().await;
    let (id, _) = w.document("Ghid concurent", "PRIVATE").await;
    let files: Vec<Vec<u8>> = (0..4).map(|i| pdf(64 * 1024 + i)).collect();
    let uploads = files.iter().enumerate().map(|(i, bytes)| {
        let name = format!("v{i}.pdf");
        let w = &w;
        let id = id.clone();
        async move {
            w.upload(Some(&w.editor), &id, &name, "application/pdf", bytes)
                .await
        }
    });
    let mut numbers: Vec<i64> = futures::future::join_all(uploads)
        .await
        .into_iter()
        .map(|(_, body)| {
            body["data"]["addDocumentVersion"]["version"]["number"]
                .as_i64()
                .unwrap_or_else(|| panic!("{body}"))
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, vec![1, 2, 3, 4]);
}

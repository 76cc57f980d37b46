//! Searching inside the files partners share, as they would: an editor
//! uploads a guide (DOCX, PDF, XLSX, ODT), the extraction job reads its
//! text after the upload committed, and anyone who may see the document
//! finds it by the words inside, in any inflection, ranked, with the
//! passage that matched; the root `search` ranks every kind together. A
//! PRIVATE file's words never match for outsiders, and a file whose text
//! cannot be read (an image, a broken PDF, bytes lost from storage) is
//! still listed and served, saying why to its owner.

use std::{collections::BTreeSet, time::Duration};

use entities::enums::{DocumentKind, MemberRole, OrganizationKind, Visibility};
use pactum_tests::{TestApp, accounts, fixtures, global_id, samples};
use serde_json::{Value, json};

use super::documents_writes::{download, upload};

const CREATE: &str = "mutation($input: CreateDocumentInput!) { createDocument(input: $input) {
  document { id } userErrors { code message } } }";
const EXTRACTION: &str = "query($id: ID!) { document(id: $id) {
  latestVersion { downloadUrl textExtraction { status failure } } } }";
const DOCUMENTS: &str =
    "query($search: String, $order: DocumentOrder, $first: Int, $after: String) {
  documents(search: $search, orderBy: $order, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id title } } } }";
const SEARCH: &str = "query($q: String!, $kinds: [SearchKind!], $first: Int, $after: String) {
  search(query: $q, kinds: $kinds, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node {
      record { __typename ... on Document { id title } ... on Organization { id name }
               ... on Agreement { id title } ... on Activity { id title } }
      snippet { parts { text highlighted } } } } } }";

/// Lugoj (an editor of it) and Arad (an outsider's owner).
struct World {
    app: TestApp,
    lugoj: i64,
    editor: String,
    outsider: String,
}

async fn world() -> World {
    // The extraction job is off by default in the suite (it would add to
    // the statement counts other tests check); these tests are about it.
    let app = TestApp::spawn_with(|c| c.text_extraction_interval_milliseconds = 50).await;
    let lugoj = fixtures::organization(
        &app.db,
        "lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await
    .id;
    let arad = fixtures::organization(
        &app.db,
        "arad",
        "Municipiul Arad",
        OrganizationKind::Municipality,
        Some("Arad"),
    )
    .await
    .id;
    World {
        editor: accounts::member_session(&app.db, lugoj, MemberRole::Editor).await,
        outsider: accounts::member_session(&app.db, arad, MemberRole::Owner).await,
        lugoj,
        app,
    }
}

impl World {
    /// A document of Lugoj's; with `file`, that file uploaded as its first
    /// version and its text read. Returns its global id.
    async fn document(
        &self,
        title: &str,
        visibility: &str,
        file: Option<(&str, &str, Vec<u8>)>,
    ) -> String {
        let body = self
            .app
            .query_as(
                Some(&self.editor),
                CREATE,
                json!({ "input": { "ownerId": global_id("Organization", self.lugoj),
                    "title": title, "kind": "GOOD_PRACTICE_GUIDE", "visibility": visibility } }),
            )
            .await;
        let id = body["data"]["createDocument"]["document"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("document created: {body}"))
            .to_owned();
        if let Some((name, content_type, bytes)) = file {
            let (status, body) = upload(
                &self.app,
                Some(&self.editor),
                &id,
                name,
                content_type,
                &bytes,
            )
            .await;
            assert_eq!(status, 200, "{body}");
            assert!(
                body["data"]["addDocumentVersion"]["version"].is_object(),
                "{body}"
            );
        }
        id
    }

    /// The newest version's extraction as its owner sees it, once it is no
    /// longer PENDING.
    async fn extraction(&self, id: &str) -> Value {
        for _ in 0..200 {
            let data = self
                .app
                .data_as(Some(&self.editor), EXTRACTION, json!({ "id": id }))
                .await;
            let extraction = data["document"]["latestVersion"]["textExtraction"].clone();
            if extraction["status"] != "PENDING" {
                return extraction;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the text of {id} was never read");
    }

    async fn titles(&self, secret: Option<&str>, search: &str) -> Vec<String> {
        let data = self
            .app
            .data_as(
                secret,
                DOCUMENTS,
                json!({ "search": search, "order": { "field": "RELEVANCE" }, "first": 50 }),
            )
            .await;
        data["documents"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
            .collect()
    }

    async fn search(&self, secret: Option<&str>, variables: Value) -> Value {
        self.app.data_as(secret, SEARCH, variables).await["search"].clone()
    }
}

fn set(titles: &[&str]) -> BTreeSet<String> {
    titles.iter().map(|t| (*t).to_owned()).collect()
}

fn found(titles: Vec<String>) -> BTreeSet<String> {
    titles.into_iter().collect()
}

#[tokio::test]
async fn a_partner_finds_the_words_inside_every_kind_of_file() {
    let w = world().await;
    let docx = w
        .document(
            "Ghid pentru funcționari",
            "PUBLIC",
            Some((
                "ghid.docx",
                "application/octet-stream",
                samples::docx_with(&[
                    "Capitolul 3. Declararea conflictelor de interese",
                    "Funcționarul public își declară interesele în scris, la numire.",
                ]),
            )),
        )
        .await;
    let pdf = w
        .document(
            "Procedura privind averile",
            "PUBLIC",
            Some((
                "procedura.pdf",
                "application/pdf",
                samples::pdf_with_text("Registrul declaratiilor de avere al primariei"),
            )),
        )
        .await;
    let xlsx = w
        .document(
            "Fișa indicatorilor",
            "PUBLIC",
            Some((
                "indicatori.xlsx",
                "application/octet-stream",
                samples::xlsx_with("Indicatori de integritate pe anul 2024"),
            )),
        )
        .await;
    let odt = w
        .document(
            "Comunicat",
            "PUBLIC",
            Some((
                "comunicat.odt",
                "application/octet-stream",
                samples::odt_with("Campania de informare despre avertizorii de integritate"),
            )),
        )
        .await;
    for id in [&docx, &pdf, &xlsx, &odt] {
        assert_eq!(w.extraction(id).await["status"], "EXTRACTED", "{id}");
    }

    // The public finds each file by words that are only inside it, in
    // another inflection and without diacritics.
    for (search, expected) in [
        ("conflict de interese", vec!["Ghid pentru funcționari"]),
        ("functionarului", vec!["Ghid pentru funcționari"]),
        ("declaratiile de avere", vec!["Procedura privind averile"]),
        ("integritate", vec!["Fișa indicatorilor", "Comunicat"]),
        ("avertizori", vec!["Comunicat"]),
        (
            "\"conflictelor de interese\"",
            vec!["Ghid pentru funcționari"],
        ),
        ("integritate -campania", vec!["Fișa indicatorilor"]),
        ("nicaieri", vec![]),
    ] {
        assert_eq!(
            found(w.titles(None, search).await),
            set(&expected),
            "{search:?}"
        );
    }

    // The root search returns the same documents, each with the passage
    // that matched and the words searched for marked.
    let hits = w
        .search(
            None,
            json!({ "q": "conflict de interese", "kinds": ["DOCUMENT"] }),
        )
        .await;
    assert_eq!(hits["totalCount"], 1, "{hits}");
    let hit = &hits["edges"][0]["node"];
    assert_eq!(hit["record"]["__typename"], "Document");
    assert_eq!(hit["record"]["id"], docx.as_str());
    let parts = hit["snippet"]["parts"].as_array().unwrap();
    let marked: Vec<&str> = parts
        .iter()
        .filter(|p| p["highlighted"] == true)
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert!(marked.contains(&"conflictelor"), "{parts:?}");
    assert!(marked.contains(&"interese"), "{parts:?}");
    let passage: String = parts.iter().map(|p| p["text"].as_str().unwrap()).collect();
    assert!(
        passage.contains("Declararea conflictelor de interese"),
        "{passage}"
    );
}

#[tokio::test]
async fn a_title_outranks_a_file_and_a_cursor_serves_only_its_own_search() {
    let w = world().await;
    let report = w
        .document(
            "Raport anual",
            "PUBLIC",
            Some((
                "raport.docx",
                "application/octet-stream",
                samples::docx_with(&[
                    "Anul acesta avertizorul de integritate a primit patru sesizări.",
                ]),
            )),
        )
        .await;
    w.document("Ghidul avertizorului de integritate", "PUBLIC", None)
        .await;
    assert_eq!(w.extraction(&report).await["status"], "EXTRACTED");

    // Best first: the title hit, then the hit inside the file.
    assert_eq!(
        w.titles(None, "avertizor").await,
        ["Ghidul avertizorului de integritate", "Raport anual"]
    );

    // Page by page in the same order.
    let page = |search: &str, order: Value, after: Value| {
        let app = &w.app;
        let search = search.to_owned();
        async move {
            app.query(
                DOCUMENTS,
                json!({ "search": search, "order": order, "first": 1, "after": after }),
            )
            .await
        }
    };
    let relevance = json!({ "field": "RELEVANCE" });
    let first = page("avertizor", relevance.clone(), Value::Null).await;
    let documents = &first["data"]["documents"];
    assert_eq!(documents["totalCount"], 2);
    assert_eq!(
        documents["edges"][0]["node"]["title"],
        "Ghidul avertizorului de integritate"
    );
    let cursor = documents["pageInfo"]["endCursor"].clone();
    let second = page("avertizor", relevance.clone(), cursor.clone()).await;
    assert_eq!(
        second["data"]["documents"]["edges"][0]["node"]["title"], "Raport anual",
        "{second}"
    );
    assert_eq!(
        second["data"]["documents"]["pageInfo"]["hasNextPage"],
        false
    );

    // The cursor means nothing to another search, another order, or no
    // search at all; RELEVANCE needs a search.
    for (search, order) in [
        ("integritate", relevance.clone()),
        ("avertizor", json!({ "field": "TITLE" })),
    ] {
        let body = page(search, order, cursor.clone()).await;
        assert_eq!(TestApp::codes(&body), ["BAD_USER_INPUT"], "{body}");
    }
    let body = w
        .app
        .query(DOCUMENTS, json!({ "order": { "field": "RELEVANCE" } }))
        .await;
    assert_eq!(TestApp::codes(&body), ["BAD_USER_INPUT"], "{body}");
}

#[tokio::test]
async fn a_private_files_words_never_match_for_outsiders() {
    let w = world().await;
    let secret = w
        .document(
            "Notă internă",
            "PRIVATE",
            Some((
                "nota.docx",
                "application/octet-stream",
                samples::docx_with(&["Parola arhivei este zeppelin."]),
            )),
        )
        .await;
    assert_eq!(w.extraction(&secret).await["status"], "EXTRACTED");

    for outsider in [None, Some(w.outsider.as_str())] {
        assert!(w.titles(outsider, "zeppelin").await.is_empty());
        let hits = w.search(outsider, json!({ "q": "zeppelin" })).await;
        assert_eq!(hits["totalCount"], 0, "{hits}");
        assert_eq!(hits["edges"], json!([]));
    }
    // Its owner's members find it.
    assert_eq!(
        w.titles(Some(&w.editor), "zeppelin").await,
        ["Notă internă"]
    );
    let hits = w.search(Some(&w.editor), json!({ "q": "zeppelin" })).await;
    assert_eq!(hits["totalCount"], 1, "{hits}");
}

#[tokio::test]
async fn a_file_without_text_is_still_served_and_tells_its_owner_why() {
    let w = world().await;
    let picture = w
        .document(
            "Afiș campanie",
            "PUBLIC",
            Some(("afis.png", "image/png", samples::png())),
        )
        .await;
    assert_eq!(w.extraction(&picture).await["status"], "UNSUPPORTED");
    let data = w
        .app
        .data_as(Some(&w.editor), EXTRACTION, json!({ "id": picture }))
        .await;
    let url = data["document"]["latestVersion"]["downloadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(download(&w.app, None, &url, &[]).await.status(), 200);

    // A PDF that loads but whose page cannot be read (content that is not
    // the deflate stream it claims) is stored and served, and FAILED with
    // the reason.
    let broken = w
        .document(
            "Proces-verbal",
            "PUBLIC",
            Some(("pv.pdf", "application/pdf", samples::pdf_with_broken_page())),
        )
        .await;
    let extraction = w.extraction(&broken).await;
    assert_eq!(extraction["status"], "FAILED", "{extraction}");
    assert!(
        extraction["failure"]
            .as_str()
            .is_some_and(|f| f.starts_with("no text could be read from its pages")),
        "{extraction}"
    );
    let data = w
        .app
        .data_as(Some(&w.editor), EXTRACTION, json!({ "id": broken }))
        .await;
    let url = data["document"]["latestVersion"]["downloadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(download(&w.app, None, &url, &[]).await.status(), 200);

    // A version whose bytes are missing from storage fails with a reason,
    // and the document is still listed.
    let lost = fixtures::document(
        &w.app.db,
        w.lugoj,
        "Arhiva pierdută",
        DocumentKind::Report,
        Visibility::Public,
        "ro",
        &[],
    )
    .await;
    let lost = global_id("Document", lost.id);
    let extraction = w.extraction(&lost).await;
    assert_eq!(extraction["status"], "FAILED");
    assert_eq!(extraction["failure"], "the file is not in storage");
    assert_eq!(w.titles(None, "arhiva").await, ["Arhiva pierdută"]);

    // Only the owner's members see how reading went.
    for outsider in [None, Some(w.outsider.as_str())] {
        let data = w
            .app
            .data_as(outsider, EXTRACTION, json!({ "id": picture }))
            .await;
        assert_eq!(
            data["document"]["latestVersion"]["textExtraction"],
            Value::Null
        );
    }
}

#[tokio::test]
async fn the_root_search_ranks_every_kind_together_and_pages_without_repeats() {
    let app = TestApp::with_demo().await;
    let all = app
        .data(SEARCH, json!({ "q": "lugoj", "first": 100 }))
        .await["search"]
        .clone();
    let edges = all["edges"].as_array().unwrap();
    assert_eq!(all["totalCount"], edges.len());
    let kinds: BTreeSet<&str> = edges
        .iter()
        .map(|e| e["node"]["record"]["__typename"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["Activity", "Agreement", "Document", "Organization"])
    );
    let key = |e: &Value| {
        let record = &e["node"]["record"];
        format!("{}{}", record["__typename"], record["id"])
    };
    let everything: Vec<String> = edges.iter().map(key).collect();

    // Three at a time: the same hits in the same order.
    let mut paged = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .data(SEARCH, json!({ "q": "lugoj", "first": 3, "after": after }))
            .await["search"]
            .clone();
        paged.extend(page["edges"].as_array().unwrap().iter().map(key));
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(paged, everything);

    // Only the kinds asked for.
    let activities = app
        .data(
            SEARCH,
            json!({ "q": "lugoj", "kinds": ["ACTIVITY"], "first": 100 }),
        )
        .await["search"]
        .clone();
    assert!(
        activities["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["record"]["__typename"] == "Activity")
    );

    // Nothing to look for, too long, or syntax only: a user error.
    for q in [
        String::new(),
        "   ".to_owned(),
        "%".to_owned(),
        "-lugoj".to_owned(),
        "lugoj ".repeat(41),
    ] {
        let body = app.query(SEARCH, json!({ "q": q })).await;
        assert_eq!(TestApp::codes(&body), ["BAD_USER_INPUT"], "{q:?}: {body}");
    }
}

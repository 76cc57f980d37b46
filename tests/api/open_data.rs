//! The open data package, as an outsider takes it: downloaded over HTTP
//! without login, checked by the Frictionless validator (PyPI, not
//! Pactum's code) with zero errors, its row counts equal to what anonymous
//! callers count through the API, nothing but PUBLIC records in it, cached
//! by `ETag`, and the same files from `pactum export open-data`.

use std::collections::BTreeSet;

use entities::enums::TokenScope;
use pactum_tests::{TestApp, accounts, smtp::python};
use serde_json::{Value, json};

const FILES: [&str; 9] = [
    "organizations",
    "agreements",
    "agreement_parties",
    "documents",
    "document_versions",
    "activities",
    "activity_participations",
    "projects",
    "indicators",
];

async fn get(app: &TestApp, path: &str, etag: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{path}", app.address));
    if let Some(tag) = etag {
        request = request.header("if-none-match", tag);
    }
    request.send().await.unwrap()
}

/// The package downloaded into a fresh directory.
async fn download(app: &TestApp) -> std::path::PathBuf {
    let dir = app.data_dir.join("open-data-download");
    std::fs::create_dir_all(&dir).unwrap();
    for name in std::iter::once("datapackage.json".to_owned())
        .chain(FILES.iter().map(|f| format!("{f}.csv")))
    {
        let response = get(app, &format!("/open-data/{name}"), None).await;
        assert_eq!(response.status(), 200, "{name}");
        assert!(response.headers().contains_key("etag"), "{name}");
        std::fs::write(dir.join(&name), response.bytes().await.unwrap()).unwrap();
    }
    dir
}

/// The first column (the IDs) of a CSV file's rows.
fn first_column(dir: &std::path::Path, file: &str) -> Vec<String> {
    csv::Reader::from_path(dir.join(format!("{file}.csv")))
        .unwrap()
        .records()
        .map(|r| r.unwrap()[0].to_owned())
        .collect()
}

#[tokio::test]
async fn the_public_downloads_a_valid_package_of_exactly_what_is_public() {
    let app = TestApp::with_demo().await;
    let dir = download(&app).await;

    // The validator's own verdict.
    let out = std::process::Command::new(python())
        .args(["-m", "frictionless", "validate", "--json"])
        .arg(dir.join("datapackage.json"))
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let errors: Vec<&Value> = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["errors"].as_array().unwrap())
        .collect();
    assert_eq!(errors, Vec::<&Value>::new(), "{report}");
    assert_eq!(report["valid"], true);
    let tasks: BTreeSet<(String, u64)> = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["stats"]["rows"].as_u64().unwrap(),
            )
        })
        .collect();

    // Row counts equal the API's PUBLIC totals.
    let totals = app
        .data(
            "{ organizations { totalCount } agreements { totalCount } documents { totalCount }
               activities { totalCount } projects { totalCount } }",
            json!({}),
        )
        .await;
    for table in [
        "organizations",
        "agreements",
        "documents",
        "activities",
        "projects",
    ] {
        let expected = totals[table]["totalCount"].as_u64().unwrap();
        assert!(
            tasks.contains(&(table.to_owned(), expected)),
            "{table}: {expected} in the API, {tasks:?} in the package"
        );
    }

    // Nothing a member sees beyond the public appears anywhere.
    let token = accounts::api_token(&app.db, 1, TokenScope::Read).await;
    let member = app
        .data_as(
            Some(&token),
            "{ documents(first: 100) { nodes { id } } agreements(first: 100) { nodes { id } }
               activities(first: 100) { nodes { id } } }",
            json!({}),
        )
        .await;
    let public = app
        .data(
            "{ documents(first: 100) { nodes { id } } agreements(first: 100) { nodes { id } }
               activities(first: 100) { nodes { id } } }",
            json!({}),
        )
        .await;
    let everything: String = FILES
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(format!("{f}.csv"))).unwrap())
        .collect();
    let mut hidden = 0;
    for list in ["documents", "agreements", "activities"] {
        let ids = |data: &Value| -> BTreeSet<String> {
            data[list]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_owned())
                .collect()
        };
        let shown: BTreeSet<String> = first_column(&dir, list).into_iter().collect();
        assert_eq!(shown, ids(&public), "{list}");
        for id in ids(&member).difference(&ids(&public)) {
            hidden += 1;
            assert!(!everything.contains(id.as_str()), "{id} is not public");
        }
    }
    assert!(hidden > 0, "the demo has records only members see");

    // Download links lead to the files' pages on this server.
    let versions = std::fs::read_to_string(dir.join("document_versions.csv")).unwrap();
    assert!(versions.contains(&format!("{}/files/", app.address)));
}

#[tokio::test]
async fn the_package_is_cached_by_etag_until_something_changes() {
    let app = TestApp::with_demo().await;
    let first = get(&app, "/open-data/documents.csv", None).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.headers()["content-type"], "text/csv; charset=utf-8");
    let again = get(&app, "/open-data/documents.csv", Some(&etag)).await;
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
    let package = get(&app, "/open-data/datapackage.json", None).await;
    let package_etag = package.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(package_etag, etag, "each file has its own tag");
    let descriptor: Value = package.json().await.unwrap();
    assert_eq!(descriptor["licenses"][0]["name"], "OGL-ROU-1.0");
    assert!(descriptor["lastModified"].is_string(), "{descriptor}");
    assert_eq!(
        descriptor["pactum:audit"]["headsSha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );

    // A change through the API makes a new package.
    let token = accounts::api_token(&app.db, 1, TokenScope::ReadWrite).await;
    let created = app
        .data_as(
            Some(&token),
            "mutation($input: CreateAgreementInput!) { createAgreement(input: $input) {
               agreement { id } userErrors { message } } }",
            json!({ "input": { "initiatorId": pactum_tests::global_id("Organization", 1),
                               "title": "Acord nou", "kind": "COOPERATION" } }),
        )
        .await;
    assert_eq!(created["createAgreement"]["userErrors"], json!([]));
    let after = get(&app, "/open-data/documents.csv", Some(&etag)).await;
    assert_eq!(after.status(), 200);
    assert_ne!(after.headers()["etag"].to_str().unwrap(), etag);
}

#[tokio::test]
async fn only_the_package_files_are_served() {
    let app = TestApp::spawn().await;
    for path in [
        "/open-data/users.csv",
        "/open-data/sessions.csv",
        "/open-data/organizations",
        "/open-data/organizations.json",
        "/open-data/..%2Fpactum.db",
    ] {
        let response = get(&app, path, None).await;
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{path}"
        );
    }
    // An empty database is a valid package of headers only.
    let empty = get(&app, "/open-data/agreements.csv", None).await;
    assert_eq!(
        empty.text().await.unwrap(),
        "id,initiator_id,title,kind,status,objectives,start_date,end_date,termination_reason,created_at,updated_at\r\n"
    );
}

#[tokio::test]
async fn the_command_line_exports_the_same_files() {
    let app = TestApp::with_demo().await;
    let dir = app.data_dir.join("export");
    let out = std::process::Command::new(pactum_tests::pactum_binary())
        .args(["export", "open-data"])
        .arg(&dir)
        .env("PACTUM_DATABASE_URL", &app.database_url)
        .env("PACTUM_PUBLIC_URL", &app.address)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("in 10 files"));
    for file in FILES {
        let served = get(&app, &format!("/open-data/{file}.csv"), None)
            .await
            .bytes()
            .await
            .unwrap();
        let written = std::fs::read(dir.join(format!("{file}.csv"))).unwrap();
        assert_eq!(written, served.to_vec(), "{file}");
    }
}

//! Uploads are checked by parsing them, not by their first bytes: a file
//! that only starts like a PDF, a PNG, a JPEG or a Word document is refused
//! with a user error on `file` that says what it looks like and why it is
//! not one, a zip bomb is refused without being inflated, and nothing of
//! theirs is stored. Real files of every checked type are stored with the
//! type found and downloaded byte for byte.

use std::path::{Path, PathBuf};

use entities::{
    document_version,
    enums::{MemberRole, Visibility},
};
use pactum_tests::{TestApp, accounts, fixtures, global_id, samples};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::documents_writes::{download, upload};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A server, an editor's session and a PRIVATE document of theirs.
struct Setup {
    app: TestApp,
    editor: String,
    document: String,
}

async fn setup() -> Setup {
    let app = TestApp::spawn().await;
    let (org, document) = fixtures::municipality_with_guide(&app.db, Visibility::Private).await;
    let editor = accounts::member_session(&app.db, org.id, MemberRole::Editor).await;
    Setup {
        app,
        editor,
        document: global_id("Document", document.id),
    }
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Every file under `dir`, temporary ones included.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

async fn versions(app: &TestApp) -> u64 {
    document_version::Entity::find()
        .count(&app.db)
        .await
        .unwrap()
}

async fn versions_with(app: &TestApp, sha256: &str) -> u64 {
    document_version::Entity::find()
        .filter(document_version::Column::Sha256.eq(sha256))
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn files_that_only_look_like_an_accepted_type_are_refused_and_nothing_is_stored() {
    let s = setup().await;
    let before = versions(&s.app).await;
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (
            "raport.pdf",
            "application/pdf",
            samples::pdf_garbage(64 * 1024),
            "the file looks like a PDF document but is not a valid one (",
        ),
        (
            "afis.png",
            "image/png",
            samples::png_garbage(),
            "the file looks like a PNG image but is not a valid one (",
        ),
        (
            "foto.jpg",
            "image/jpeg",
            samples::jpeg_garbage(),
            "the file looks like a JPEG image but is not a valid one (",
        ),
        (
            "raport.docx",
            DOCX,
            samples::docx_malformed(),
            "the file looks like a Word document (DOCX) but is not a valid one \
             (word/document.xml: it is not well-formed XML",
        ),
        (
            "ghid.odt",
            "application/vnd.oasis.opendocument.text",
            samples::odt_malformed(),
            "the file looks like an OpenDocument text (ODT) but is not a valid one (",
        ),
        (
            "indicatori.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            samples::xlsx_malformed(),
            "the file looks like an Excel workbook (XLSX) but is not a valid one (",
        ),
        (
            "bomba.docx",
            DOCX,
            samples::docx_bomb(),
            "the file looks like a Word document (DOCX) but is too large to check: \
             word/document.xml decompresses to more than 64 MiB",
        ),
    ];
    let files_dir = s.app.files_dir.display().to_string();
    for (name, content_type, bytes, expected) in &cases {
        let (status, body) = upload(
            &s.app,
            Some(&s.editor),
            &s.document,
            name,
            content_type,
            bytes,
        )
        .await;
        assert_eq!(status, 200, "{name}: {body}");
        let payload = &body["data"]["addDocumentVersion"];
        assert!(payload["version"].is_null(), "{name}: {body}");
        let error = &payload["userErrors"][0];
        assert_eq!(error["field"], "file", "{name}: {body}");
        assert_eq!(error["code"], "INVALID_INPUT", "{name}: {body}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.starts_with(expected), "{name}: {message}");
        assert!(
            !message.contains(&files_dir) && !message.contains("/tmp"),
            "{name}: no path in {message}"
        );
        assert_eq!(versions_with(&s.app, &sha256(bytes)).await, 0, "{name}");
        s.app.assert_alive().await;
    }
    assert_eq!(versions(&s.app).await, before);
    assert_eq!(files_in(&s.app.files_dir), Vec::<PathBuf>::new());
    // The API agrees: the document has only the version it started with.
    let data = s
        .app
        .data_as(
            Some(&s.editor),
            "query($id: ID!) { document(id: $id) { versions { number } } }",
            json!({ "id": s.document }),
        )
        .await;
    assert_eq!(
        data["document"]["versions"],
        json!([{ "number": 1 }]),
        "{data}"
    );
}

#[tokio::test]
async fn real_files_of_each_checked_type_are_stored_with_their_type_and_downloadable() {
    let s = setup().await;
    let before = versions(&s.app).await;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("ghid.pdf", samples::pdf(8 * 1024), "application/pdf"),
        ("afis.png", samples::png(), "image/png"),
        ("foto.jpg", samples::jpeg(), "image/jpeg"),
        ("sigla.gif", samples::gif(), "image/gif"),
        ("poza.webp", samples::webp(), "image/webp"),
        ("scan.tiff", samples::tiff(), "image/tiff"),
        ("ghid.docx", samples::docx(), DOCX),
        (
            "indicatori.xlsx",
            samples::xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "prezentare.pptx",
            samples::pptx(),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (
            "ghid.odt",
            samples::odt(),
            "application/vnd.oasis.opendocument.text",
        ),
        (
            "indicatori.ods",
            samples::ods(),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
    ];
    for (name, bytes, media_type) in &cases {
        // The client's content type says nothing: the server decides.
        let (status, body) = upload(
            &s.app,
            Some(&s.editor),
            &s.document,
            name,
            "application/octet-stream",
            bytes,
        )
        .await;
        assert_eq!(status, 200, "{name}: {body}");
        let payload = &body["data"]["addDocumentVersion"];
        assert_eq!(payload["userErrors"], json!([]), "{name}: {body}");
        let version = &payload["version"];
        assert_eq!(version["mediaType"], *media_type, "{name}: {body}");
        assert_eq!(version["sizeBytes"], bytes.len(), "{name}");
        assert_eq!(version["sha256"], sha256(bytes), "{name}");
        let url = version["downloadUrl"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: {body}"))
            .to_owned();
        let response = download(&s.app, Some(&s.editor), &url, &[]).await;
        assert_eq!(response.status().as_u16(), 200, "{name}");
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(content_type, *media_type, "{name}");
        assert_eq!(
            response.bytes().await.unwrap().as_ref(),
            bytes.as_slice(),
            "{name}"
        );
    }
    assert_eq!(versions(&s.app).await, before + cases.len() as u64);
    s.app.assert_alive().await;
}

//! A party signs from its alert mail in a real browser: headless Chromium
//! (Debian's `chromium`, driven by Playwright through
//! `tests/peers/sign_in_browser.mjs`) opens the agreement link of the
//! proposal mail, fills in the signatory and sends the page's own form.
//! The page then shows the signature, and so does the API. The screenshot
//! is kept under `target/browser/` (CI keeps it as an artifact).

use std::path::{Path, PathBuf};

use pactum_tests::mail::text_links;
use serde_json::{Value, json};

use super::alert_settings::proposal;

/// The Chromium the test drives: `PACTUM_TEST_CHROMIUM`, or Debian's.
fn chromium() -> PathBuf {
    let path = std::env::var_os("PACTUM_TEST_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.is_file(),
        "{} is missing: `apt-get install chromium` (scripts/test installs it), or set PACTUM_TEST_CHROMIUM",
        path.display()
    );
    path
}

#[tokio::test]
async fn a_party_signs_the_agreement_from_its_mail_in_chromium() {
    let (app, sink, _, session, _) = proposal(|_| {}).await;
    let text = sink.messages()[0]["text"].as_str().unwrap().to_owned();
    let link = text_links(&text)
        .into_iter()
        .find(|l| l.contains("/agreements/"))
        .unwrap_or_else(|| panic!("an agreement link in {text}"));

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let shots = root.join("target").join("browser");
    std::fs::create_dir_all(&shots).unwrap();
    let screenshot = shots.join("agreement-signed.png");
    let _ = std::fs::remove_file(&screenshot);
    let signatory = "Ana Popescu, președintă";
    let run = tokio::process::Command::new("node")
        .arg(root.join("tests/peers/sign_in_browser.mjs"))
        .arg(&link)
        .arg(&session)
        .arg(signatory)
        .arg(&screenshot)
        .env("CHROMIUM", chromium())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(std::time::Duration::from_secs(120), run)
        .await
        .expect("the browser finishes within two minutes")
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the browser failed: {stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}"));

    // The page the mail opened, and the same page after signing, showing
    // the signature with today's date.
    assert_eq!(report["before"], "Cooperare pentru integritate");
    assert_eq!(report["url"], link, "the form leads back to the agreement");
    let parties = report["after"].as_str().unwrap();
    assert!(
        parties.contains(&format!(
            "Semnat la {}",
            chrono::Utc::now().format("%d.%m.%Y")
        )) && parties.contains(signatory),
        "{parties}"
    );
    let png = std::fs::read(&screenshot).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");

    // The API agrees: the mutation ran, as the signed-in party.
    let agreement = link.rsplit('/').next().unwrap();
    let data = app
        .data_as(
            Some(&session),
            "query($id: ID!) { agreement(id: $id) { parties(first: 5) { edges { node { organization { name } hasSigned signatory } } } } }",
            json!({ "id": agreement }),
        )
        .await;
    let parties = data["agreement"]["parties"]["edges"].as_array().unwrap();
    let ours = parties
        .iter()
        .find(|p| p["node"]["organization"]["name"] == "Asociația B")
        .unwrap();
    assert_eq!(ours["node"]["hasSigned"], true);
    assert_eq!(ours["node"]["signatory"], signatory);
}

//! A new user's first minutes, as the README tells them: the real binary on
//! its defaults (SQLite, mail to `data/mail`, the demo), every GraphQL block
//! of the README run in order as the person its first line names, the
//! alerts those blocks cause read back from `data/mail`, GraphiQL's pinned
//! assets checked against the npm packages they come from, and `/`.

use std::{collections::BTreeSet, time::Duration};

use base64::Engine as _;
use pactum_tests::served::Served;
use serde_json::{Value, json};
use sha2::Digest as _;

const README: &str = include_str!("../../README.md");
const CRISTINA: &str = "cristina.olaru@caransebes.example";
const MIHAI: &str = "mihai.ionescu@lugoj.example";

/// One fenced block of the README.
struct Block {
    language: String,
    text: String,
}

/// The README's fenced blocks, in order, each without the indentation of
/// the list item it sits in.
fn blocks() -> Vec<Block> {
    let mut found = Vec::new();
    let mut open: Option<(usize, String, Vec<String>)> = None;
    for line in README.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match (&mut open, trimmed.strip_prefix("```")) {
            (None, Some(language)) => open = Some((indent, language.to_owned(), Vec::new())),
            (Some((_, language, lines)), Some("")) => {
                found.push(Block {
                    language: std::mem::take(language),
                    text: lines.join("\n"),
                });
                open = None;
            }
            (Some((indent, _, lines)), _) => {
                lines.push(line.get(*indent..).unwrap_or(line.trim_start()).to_owned());
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "an unclosed block in README.md");
    found
}

/// Who a GraphQL block is sent as: its first line `# as: WHO`, else anyone.
fn sender(block: &Block) -> &str {
    block
        .text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# as: "))
        .unwrap_or("anyone")
}

/// The `pactum` arguments of the README command that contains `needle`
/// (`cargo run -q -p pactum-api --bin pactum -- ARGS`).
fn readme_command(needle: &str) -> Vec<String> {
    let line = blocks()
        .into_iter()
        .filter(|b| b.language == "sh")
        .flat_map(|b| b.text.lines().map(str::to_owned).collect::<Vec<_>>())
        .find(|l| l.contains("--bin pactum -- ") && l.contains(needle))
        .unwrap_or_else(|| panic!("the README shows no pactum command with `{needle}`"));
    let args = line.split("--bin pactum -- ").nth(1).unwrap_or_default();
    args.split_whitespace().map(str::to_owned).collect()
}

fn run(served: &Served, args: &[String]) -> String {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = served.cli(&args);
    assert!(
        out.status.success(),
        "pactum {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The secret the README has a new user mint for `who`.
fn credential(served: &Served, who: &str) -> Option<String> {
    if who == "anyone" {
        return None;
    }
    if let Some(slug) = who.strip_prefix("the token of ") {
        return Some(run(served, &readme_command(&format!("--org {slug}"))));
    }
    assert!(who.contains('@'), "unknown sender `{who}`");
    let mut args = readme_command("session create --email");
    if let Some(email) = args.last_mut() {
        who.clone_into(email);
    }
    Some(run(served, &args))
}

/// Every non-empty `userErrors` list in a response.
fn user_errors(value: &Value) -> Vec<Value> {
    match value {
        Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| match (k.as_str(), v) {
                ("userErrors", Value::Array(errors)) => errors.clone(),
                _ => user_errors(v),
            })
            .collect(),
        Value::Array(items) => items.iter().flat_map(user_errors).collect(),
        _ => Vec::new(),
    }
}

/// A header's value, unfolded, with its RFC 2047 `=?utf-8?b?…?=` words
/// decoded (the space between two encoded words is not part of the text).
fn header(eml: &str, name: &str) -> Option<String> {
    let prefix = format!("{}:", name.to_ascii_lowercase());
    let mut lines = eml
        .split("\r\n")
        .skip_while(|l| !l.to_ascii_lowercase().starts_with(&prefix));
    let mut value = lines.next()?[prefix.len()..].to_owned();
    for folded in lines.take_while(|l| l.starts_with([' ', '\t'])) {
        value.push_str(folded);
    }
    let mut text = String::new();
    let mut after_word = false;
    for token in value.split_whitespace() {
        let word = token
            .strip_prefix("=?utf-8?b?")
            .or_else(|| token.strip_prefix("=?UTF-8?B?"))
            .and_then(|t| t.strip_suffix("?="));
        let decoded = word.map(|w| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(w)
                .expect("a base64 word");
            String::from_utf8(bytes).expect("a UTF-8 word")
        });
        let joins_previous_word = after_word && decoded.is_some();
        if !text.is_empty() && !joins_previous_word {
            text.push(' ');
        }
        after_word = decoded.is_some();
        text.push_str(decoded.as_deref().unwrap_or(token));
    }
    Some(text)
}

/// The recipients of the mails whose subject is `subject`, once at least
/// `n` have been written; each must offer the one-click unsubscribe of
/// RFC 8058 when `unsubscribe` (alerts to users do; an invitation, to an
/// address, has nothing to unsubscribe from).
async fn recipients_of(
    served: &Served,
    subject: &str,
    n: usize,
    unsubscribe: bool,
) -> BTreeSet<String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let found: Vec<String> = served
            .mails()
            .into_iter()
            .filter(|m| header(m, "Subject").as_deref() == Some(subject))
            .collect();
        if found.len() >= n {
            for mail in found.iter().filter(|_| unsubscribe) {
                assert!(
                    mail.contains("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
                    "{mail}"
                );
            }
            return found
                .iter()
                .filter_map(|m| header(m, "To"))
                .collect::<BTreeSet<_>>();
        }
        let subjects: Vec<String> = served
            .mails()
            .iter()
            .filter_map(|m| header(m, "Subject"))
            .collect();
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of {n} mails \"{subject}\" in data/mail, among {subjects:?}; server log:\n{}",
            found.len(),
            served.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn send(served: &Served, query: &str, bearer: Option<&str>) -> Value {
    let mut request = reqwest::Client::new()
        .post(format!("{}/graphql", served.base))
        .json(&json!({ "query": query }));
    if let Some(secret) = bearer {
        request = request.bearer_auth(secret);
    }
    let body: Value = request.send().await.unwrap().json().await.unwrap();
    assert!(body.get("errors").is_none(), "{query}\n{body}");
    assert_eq!(user_errors(&body), Vec::<Value>::new(), "{query}\n{body}");
    body["data"].clone()
}

/// Skipped on the PostgreSQL pass: the default run is SQLite by
/// definition, and it ran in the SQLite pass.
fn on_the_default_run_only() -> bool {
    std::env::var_os("PACTUM_TEST_POSTGRES_URL").is_none()
}

#[tokio::test]
async fn every_graphql_example_of_the_readme_does_what_it_says() {
    if !on_the_default_run_only() {
        return;
    }
    let served = Served::start(&[]).await;
    let graphql: Vec<Block> = blocks()
        .into_iter()
        .filter(|b| b.language == "graphql")
        .collect();
    let mut answers = Vec::new();
    for block in &graphql {
        let secret = credential(&served, sender(block));
        answers.push(send(&served, &block.text, secret.as_deref()).await);
        if answers.len() == 3 {
            // After the proposal: the Romanian alert of the invited
            // party's OWNERs and ADMINs.
            let to = recipients_of(
                &served,
                "Acord propus: Acord de cooperare privind prevenirea corupției",
                1,
                true,
            )
            .await;
            assert_eq!(to, BTreeSet::from([CRISTINA.to_owned()]));
            // The README's own grep finds them.
            let grep = readme_line("grep -l");
            let out = std::process::Command::new("sh")
                .args(["-c", &grep])
                .current_dir(&served.dir)
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
        }
    }
    let [
        top,
        created,
        proposed,
        partner,
        municipality,
        public,
        searched,
    ] = answers.as_slice()
    else {
        panic!("the README has {} GraphQL blocks, not 7", answers.len());
    };

    // 1. The public's first look.
    let organizations = &top["organizations"];
    assert_eq!(organizations["totalCount"], 6, "{top}");
    let guides = top["documents"]["edges"].as_array().unwrap();
    assert!(
        guides.iter().any(|e| e["node"]["title"]
            .as_str()
            .unwrap()
            .contains("eticii și integrității")),
        "{top}"
    );
    let trained: Vec<i64> = top["stats"]["peopleTrainedByYear"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_i64().unwrap())
        .collect();
    assert_eq!(trained, [28, 5, 50]);

    // 2. The proposal.
    assert_eq!(
        created["createAgreement"]["agreement"],
        json!({ "id": "QWdyZWVtZW50Ojk", "status": "DRAFT" })
    );
    assert_eq!(
        proposed["proposeAgreement"]["agreement"]["status"],
        "PROPOSED"
    );

    // 4. The signatures, and the mails of the agreement in force.
    assert_eq!(partner["signAgreement"]["agreement"]["status"], "PROPOSED");
    let signed = &municipality["signAgreement"]["agreement"];
    assert_eq!(signed["status"], "ACTIVE");
    let signatories: BTreeSet<&str> = signed["parties"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["signatory"].as_str().unwrap())
        .collect();
    assert_eq!(
        signatories,
        BTreeSet::from([
            "Cristina Olaru, administrator public",
            "Ioana Popescu, primar"
        ])
    );
    // The last signer caused the change and is not told of it; the other
    // OWNERs and ADMINs of both parties are.
    let in_force = recipients_of(
        &served,
        "Acord în vigoare: Acord de cooperare privind prevenirea corupției",
        2,
        true,
    )
    .await;
    assert_eq!(
        in_force,
        BTreeSet::from([CRISTINA.to_owned(), MIHAI.to_owned()])
    );
    assert_eq!(
        public["agreement"],
        json!({
            "title": "Acord de cooperare privind prevenirea corupției",
            "status": "ACTIVE",
            "initiator": { "name": "Municipiul Lugoj" }
        })
    );

    // 5. The ethics guide, found by a passage of its file.
    let hits = searched["search"]["edges"].as_array().unwrap();
    let guide = hits
        .iter()
        .map(|e| &e["node"])
        .find(|n| {
            n["record"]["title"]
                .as_str()
                .is_some_and(|t| t.contains("eticii și integrității"))
        })
        .unwrap_or_else(|| panic!("the ethics guide in {searched}"));
    let marked: Vec<&str> = guide["snippet"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["highlighted"] == true)
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert!(marked.contains(&"conflictelor"), "{guide}");
    assert!(marked.contains(&"interese"), "{guide}");
}

/// The README's shell line that starts with `start`.
fn readme_line(start: &str) -> String {
    blocks()
        .into_iter()
        .filter(|b| b.language == "sh")
        .flat_map(|b| b.text.lines().map(str::to_owned).collect::<Vec<_>>())
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("the README shows no `{start}` line"))
}

#[tokio::test]
async fn an_invitation_from_the_command_line_is_mailed() {
    if !on_the_default_run_only() {
        return;
    }
    let served = Served::start(&[]).await;
    let printed = run(&served, &readme_command("org add-member"));
    assert!(printed.contains("invited as VIEWER"), "{printed}");
    let to = recipients_of(&served, "Invitație în Municipiul Lugoj pe Pactum", 1, false).await;
    assert_eq!(to, BTreeSet::from(["noua.colega@lugoj.example".to_owned()]));
}

#[tokio::test]
async fn graphiql_loads_exact_versions_pinned_by_hash() {
    let app = pactum_tests::TestApp::spawn().await;
    let page = app
        .client
        .get(app.graphql_url())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let peers = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("peers/node_modules");
    let mut checked = 0;
    let tags = page
        .split('<')
        .filter(|t| t.starts_with("script ") || t.starts_with("link "));
    for tag in tags.filter(|t| t.contains("unpkg.com")) {
        let attribute = |name: &str| {
            tag.split(&format!("{name}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_else(|| panic!("no {name} in <{tag}"))
                .to_owned()
        };
        let url = if tag.starts_with("script") {
            attribute("src")
        } else {
            attribute("href")
        };
        assert_eq!(attribute("crossorigin"), "anonymous", "<{tag}");
        // https://unpkg.com/{package}@{exact version}/{path}
        let rest = url.strip_prefix("https://unpkg.com/").expect("unpkg URL");
        let (package, rest) = rest.split_once('@').expect("a version");
        let (version, path) = rest.split_once('/').expect("a path");
        let manifest: Value = serde_json::from_slice(
            &std::fs::read(peers.join(package).join("package.json"))
                .unwrap_or_else(|e| panic!("{package} is not in tests/peers: {e}")),
        )
        .unwrap();
        assert_eq!(
            manifest["version"], version,
            "{url}: not the pinned version"
        );
        let bytes = std::fs::read(peers.join(package).join(path)).unwrap();
        let integrity = format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(&bytes))
        );
        assert_eq!(attribute("integrity"), integrity, "{url}");
        checked += 1;
    }
    assert_eq!(checked, 4, "{page}");
    assert!(page.contains("GraphiQL could not be loaded"));
}

#[tokio::test]
async fn the_root_is_a_front_page_that_leads_to_graphiql() {
    let app = pactum_tests::TestApp::spawn().await;
    let response = reqwest::get(format!("{}/", app.address)).await.unwrap();
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(&format!(
            "href=\"{}/graphql\"",
            app.address.replace('/', "&#x2f;")
        )),
        "{page}"
    );
}

//! Requests an attacker would send, with no credentials or with a token:
//! documents that would overflow the parser's stack, fragment fan-out that
//! would take hours to validate, token floods, bodies over the limit sent
//! the way impatient clients send them, and malformed uploads. Each gets a
//! clear 4xx or GraphQL error, the server keeps answering, and nothing is
//! stored.

use entities::{
    document_version,
    enums::{TokenScope, Visibility},
};
use pactum_tests::{TestApp, accounts, fixtures, global_id};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The first error's `extensions.limit`.
fn limit(body: &Value) -> &str {
    body["errors"][0]["extensions"]["limit"]
        .as_str()
        .unwrap_or_default()
}

async fn get(app: &TestApp, query: &str) -> (u16, Value) {
    let response = app
        .client
        .get(app.graphql_url())
        .query(&[("query", query)])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn nested_list(depth: usize) -> String {
    format!(
        "query($x: Int = {}1{}) {{ __typename }}",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

fn nested_object(depth: usize) -> String {
    format!(
        "{{ documents(filter: {}1{}) {{ totalCount }} }}",
        "{a: ".repeat(depth),
        "}".repeat(depth)
    )
}

#[tokio::test]
async fn value_literals_nested_thousands_deep_are_refused_before_parsing() {
    let app = TestApp::spawn().await;
    for query in [
        nested_list(2_000),
        nested_object(2_000),
        nested_list(100_000),
    ] {
        let (status, body) = app.post_json(json!({ "query": query })).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            TestApp::codes(&body),
            ["GRAPHQL_VALIDATION_FAILED"],
            "{body}"
        );
        assert_eq!(limit(&body), "MAX_NESTING", "{body}");
        app.assert_alive().await;
    }
    for query in [nested_list(2_000), nested_object(2_000)] {
        let (status, body) = get(&app, &query).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(limit(&body), "MAX_NESTING", "{body}");
        app.assert_alive().await;
    }
    // In a batch and under the graphql-response media type too.
    let batch = json!([{ "query": "{ __typename }" }, { "query": nested_list(2_000) }]);
    let (status, body) = app.post_json(batch).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body[0]["data"]["__typename"], "Query");
    assert_eq!(limit(&body[1]), "MAX_NESTING", "{body}");
    let response = app
        .client
        .post(app.graphql_url())
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .body(json!({ "query": nested_object(2_000) }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    // Nesting within the limit still works.
    app.data(
        "{ documents(filter: { kinds: [GOOD_PRACTICE_GUIDE] }) { totalCount } }",
        json!({}),
    )
    .await;
    app.assert_alive().await;
}

#[tokio::test]
async fn deeply_nested_variables_are_refused_as_bad_json() {
    let app = TestApp::spawn().await;
    let deep = format!("{}1{}", "[".repeat(5_000), "]".repeat(5_000));
    let body =
        format!(r#"{{"query": "query($x: Int) {{ __typename }}", "variables": {{"x": {deep}}}}}"#);
    let response = app
        .client
        .post(app.graphql_url())
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(TestApp::codes(&body), ["BAD_REQUEST"], "{body}");
    app.assert_alive().await;
}

/// `query { ...F0 } fragment F0 on Query { ...F1 ...F1 } … F{levels} {
/// __typename }`: about 40 bytes a level, 2^levels fields expanded.
fn fan_out(levels: usize) -> String {
    let mut query = String::from("query { ...F0 }");
    for level in 0..levels {
        query.push_str(&format!(
            " fragment F{level} on Query {{ ...F{next} ...F{next} }}",
            next = level + 1
        ));
    }
    query.push_str(&format!(" fragment F{levels} on Query {{ __typename }}"));
    query
}

#[tokio::test]
async fn fragment_fan_out_is_refused_without_expanding_it() {
    let app = TestApp::spawn().await;
    // 2^24 selections: about 8 s of one core before the guard.
    let body = app.query(&fan_out(24), json!({})).await;
    assert_eq!(
        TestApp::codes(&body),
        ["GRAPHQL_VALIDATION_FAILED"],
        "{body}"
    );
    assert_eq!(limit(&body), "MAX_COMPLEXITY", "{body}");
    assert!(
        TestApp::message(&body).contains("fragments included"),
        "{body}"
    );
    // 2^40, and spreads nested past the limit: refused for the nesting.
    let body = app.query(&fan_out(40), json!({})).await;
    assert_eq!(limit(&body), "MAX_NESTING", "{body}");
    // Ten spreads a level of fragments that end in an unknown one: the
    // walk async-graphql does before validation would visit 10^10 of them.
    let mut unknown = String::from("query { ...F0 }");
    for level in 0..10 {
        let spreads = format!(" ...F{}", level + 1).repeat(10);
        unknown.push_str(&format!(" fragment F{level} on Query {{{spreads} }}"));
    }
    unknown.push_str(" fragment F10 on Query { ...Nope }");
    let body = app.query(&unknown, json!({})).await;
    assert_eq!(
        TestApp::codes(&body),
        ["GRAPHQL_VALIDATION_FAILED"],
        "{body}"
    );
    assert!(TestApp::message(&body).contains("Nope"), "{body}");
    // Fragment cycles are refused as before.
    for cycle in [
        "{ ...F } fragment F on Query { ...F }",
        "{ ...F } fragment F on Query { __typename ...G } fragment G on Query { ...F }",
    ] {
        let body = app.query(cycle, json!({})).await;
        assert_eq!(
            TestApp::codes(&body),
            ["GRAPHQL_VALIDATION_FAILED"],
            "{body}"
        );
        assert!(TestApp::message(&body).contains("within itself"), "{body}");
    }
    // The same shape within the limit runs.
    let body = app.query(&fan_out(4), json!({})).await;
    assert_eq!(body["data"]["__typename"], "Query", "{body}");
    app.assert_alive().await;
}

#[tokio::test]
async fn documents_over_the_token_limit_are_refused_unparsed() {
    let app = TestApp::spawn().await;
    let flood = format!("{{ {} }}", "__typename ".repeat(20_000));
    assert!(flood.len() > 200_000);
    let body = app.query(&flood, json!({})).await;
    assert_eq!(
        TestApp::codes(&body),
        ["GRAPHQL_VALIDATION_FAILED"],
        "{body}"
    );
    assert_eq!(limit(&body), "MAX_TOKENS", "{body}");
    assert!(TestApp::message(&body).contains("5000 tokens"), "{body}");
    app.assert_alive().await;

    let app = TestApp::spawn_with(|c| c.max_tokens = 10).await;
    // `{ a: __typename b: __typename }` is 8 tokens; one more alias is 11.
    app.data("{ a: __typename b: __typename }", json!({})).await;
    let body = app
        .query("{ a: __typename b: __typename c: __typename }", json!({}))
        .await;
    assert_eq!(limit(&body), "MAX_TOKENS", "{body}");
}

/// Sends `head` then `body_len` bytes of body in 64 KiB writes, the whole
/// body before reading anything (as most clients do), then reads the
/// answer. Chunked when `chunked`.
async fn send_raw(app: &TestApp, head: &str, body_len: usize, chunked: bool) -> String {
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0;
    let mut write_failed = None;
    while sent < body_len {
        let n = chunk.len().min(body_len - sent);
        let result = if chunked {
            let mut framed = format!("{n:x}\r\n").into_bytes();
            framed.extend_from_slice(&chunk[..n]);
            framed.extend_from_slice(b"\r\n");
            stream.write_all(&framed).await
        } else {
            stream.write_all(&chunk[..n]).await
        };
        if let Err(err) = result {
            write_failed = Some(err);
            break;
        }
        sent += n;
    }
    if chunked && write_failed.is_none() {
        write_failed = stream.write_all(b"0\r\n\r\n").await.err();
    }
    assert!(
        write_failed.is_none(),
        "the server cut the connection after {sent} of {body_len} bytes: {write_failed:?}"
    );
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer).await;
    assert!(read.is_ok() || !answer.is_empty(), "no answer: {read:?}");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn oversized_bodies_of_any_size_get_a_413_with_the_json_error() {
    let app = TestApp::spawn().await;
    let twelve_mib = 12 * 1024 * 1024;
    for (framing, chunked) in [
        (format!("Content-Length: {twelve_mib}\r\n"), false),
        ("Transfer-Encoding: chunked\r\n".to_owned(), true),
    ] {
        let head = format!(
            "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n{framing}\r\n"
        );
        let answer = send_raw(&app, &head, twelve_mib, chunked).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{framing}: {answer}");
        assert!(answer.contains("\"PAYLOAD_TOO_LARGE\""), "{answer}");
        assert!(
            answer.to_lowercase().contains("connection: close"),
            "{answer}"
        );
        app.assert_alive().await;
    }
    // A client that waits for `100 Continue` is answered without sending.
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream
        .write_all(
            format!(
                "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {twelve_mib}\r\nExpect: 100-continue\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut answer = vec![0u8; 4096];
    let n = stream.read(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    app.assert_alive().await;
}

/// An organization with a PRIVATE document and a READ_WRITE token of it.
async fn uploader(app: &TestApp) -> (String, String) {
    let (org, document) = fixtures::municipality_with_guide(&app.db, Visibility::Private).await;
    let token = accounts::api_token(&app.db, org.id, TokenScope::ReadWrite).await;
    (token, global_id("Document", document.id))
}

const ADD_VERSION: &str = "mutation($input: AddDocumentVersionInput!) { addDocumentVersion(input: $input) { version { number } userErrors { code } } }";

/// One part of a multipart form: name, file name, content.
type Part<'a> = (&'a str, Option<&'a str>, String);

/// Posts a multipart form made of `parts`.
async fn multipart(app: &TestApp, token: &str, parts: &[Part<'_>]) -> (u16, Value) {
    let boundary = "pactum-hostile";
    let mut form = String::new();
    for (name, file_name, content) in parts {
        let file = file_name
            .map(|f| format!("; filename=\"{f}\""))
            .unwrap_or_default();
        form.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n{content}\r\n"
        ));
    }
    form.push_str(&format!("--{boundary}--\r\n"));
    let response = app
        .client
        .post(app.graphql_url())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("authorization", format!("Bearer {token}"))
        .body(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn versions(app: &TestApp) -> u64 {
    document_version::Entity::find()
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn multipart_forms_are_bounded_and_checked() {
    let app = TestApp::spawn_with(|c| c.max_body_bytes = 16 * 1024).await;
    let (token, document) = uploader(&app).await;
    let operations = json!({ "query": ADD_VERSION, "variables": { "input": { "documentId": document, "file": null } } }).to_string();
    let map = r#"{"0": ["variables.input.file"]}"#.to_owned();
    let file = "Ghid de bune practici\n".to_owned();
    let before = versions(&app).await;

    // The well-formed request works.
    let (status, body) = multipart(
        &app,
        &token,
        &[
            ("operations", None, operations.clone()),
            ("map", None, map.clone()),
            ("0", Some("ghid.txt"), file.clone()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["addDocumentVersion"]["version"]["number"], 2,
        "{body}"
    );

    let deep = json!({ "query": nested_list(2_000), "variables": {} }).to_string();
    let padded = json!({ "query": format!("{ADD_VERSION}{}", " ".repeat(20 * 1024)), "variables": { "input": { "documentId": document, "file": null } } }).to_string();
    let eleven: String = (0..11)
        .map(|i| format!("\"{i}\": [\"variables.input.file\"]"))
        .collect::<Vec<_>>()
        .join(",");
    let cases: Vec<(&str, Vec<Part>, u16, &str)> = vec![
        (
            "nested operations",
            vec![("operations", None, deep), ("map", None, "{}".into())],
            200,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            "operations over max_body_bytes",
            vec![
                ("operations", None, padded),
                ("map", None, map.clone()),
                ("0", Some("a.txt"), file.clone()),
            ],
            413,
            "PAYLOAD_TOO_LARGE",
        ),
        (
            "map first",
            vec![
                ("map", None, map.clone()),
                ("operations", None, operations.clone()),
            ],
            400,
            "BAD_REQUEST",
        ),
        (
            "no map",
            vec![("operations", None, operations.clone())],
            400,
            "BAD_REQUEST",
        ),
        (
            "a file not in the map",
            vec![
                ("operations", None, operations.clone()),
                ("map", None, map.clone()),
                ("x", Some("a.txt"), file.clone()),
            ],
            400,
            "BAD_REQUEST",
        ),
        (
            "a mapped file missing",
            vec![
                ("operations", None, operations.clone()),
                ("map", None, map.clone()),
            ],
            400,
            "BAD_REQUEST",
        ),
        (
            "too many files",
            vec![
                ("operations", None, operations.clone()),
                ("map", None, format!("{{{eleven}}}")),
            ],
            400,
            "BAD_REQUEST",
        ),
        (
            "a file sent twice",
            vec![
                ("operations", None, operations.clone()),
                ("map", None, map.clone()),
                ("0", Some("a.txt"), file.clone()),
                ("0", Some("b.txt"), file.clone()),
            ],
            400,
            "BAD_REQUEST",
        ),
    ];
    for (what, parts, status, code) in cases {
        let (got, body) = multipart(&app, &token, &parts).await;
        assert_eq!(got, status, "{what}: {body}");
        let codes = TestApp::codes(if body.is_array() { &body[0] } else { &body });
        assert_eq!(codes, [code], "{what}: {body}");
        app.assert_alive().await;
    }
    assert_eq!(
        versions(&app).await,
        before + 1,
        "only the well-formed upload stored a version"
    );
}

#[tokio::test]
async fn forged_file_references_are_refused_without_a_panic() {
    let app = TestApp::spawn().await;
    let (token, document) = uploader(&app).await;
    let before = versions(&app).await;
    let mutation = "mutation($input: AddDocumentVersionInput!) { addDocumentVersion(input: $input) { version { number } userErrors { code } } }";
    for forged in [
        "#__graphql_file__:x",
        "#__graphql_file__:7",
        "#__graphql_file__:",
    ] {
        // As a variable, anonymously and with a token.
        for bearer in [None, Some(token.as_str())] {
            let (status, body) = app
                .post_json_as(
                    bearer,
                    json!({ "query": mutation, "variables": { "input": { "documentId": document, "file": forged } } }),
                )
                .await;
            assert_eq!(status, 200, "{forged}: {body}");
            assert_eq!(
                TestApp::codes(&body),
                ["BAD_USER_INPUT"],
                "{forged}: {body}"
            );
        }
        // As a literal.
        let literal = format!(
            "mutation {{ addDocumentVersion(input: {{ documentId: \"{document}\", file: \"{forged}\" }}) {{ version {{ number }} }} }}"
        );
        let (status, body) = app
            .post_json_as(Some(&token), json!({ "query": literal }))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(TestApp::codes(&body), ["BAD_USER_INPUT"], "{body}");
        app.assert_alive().await;
    }
    assert_eq!(versions(&app).await, before);
}

#[tokio::test]
async fn slow_clients_are_cut_off_and_connections_capped() {
    let app = TestApp::spawn_with(|c| {
        c.header_timeout_seconds = 1;
        c.body_idle_timeout_seconds = 1;
        c.max_connections_per_ip = 4;
    })
    .await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let wait = std::time::Duration::from_secs(10);

    // Headers trickling in: the connection is closed.
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow.write_all(b"POST /graphql HTTP/1.1\r\nHost: loc")
        .await
        .unwrap();
    let mut buffer = Vec::new();
    let closed = tokio::time::timeout(wait, slow.read_to_end(&mut buffer)).await;
    assert!(closed.is_ok(), "a connection without headers stays open");

    // A body that stops arriving: 408 with the JSON error.
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow.write_all(
        b"POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":",
    )
    .await
    .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(wait, slow.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "a stalled body is never answered");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("REQUEST_TIMEOUT"), "{answer}");

    // Four idle connections are the most one address may hold; a fifth
    // is closed at once, and the others answer.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(tokio::net::TcpStream::connect(&address).await.unwrap());
    }
    // Let the server take them before the fifth arrives.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let mut fifth = tokio::net::TcpStream::connect(&address).await.unwrap();
    let _ = fifth
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    let mut refused = Vec::new();
    let _ = tokio::time::timeout(wait, fifth.read_to_end(&mut refused)).await;
    assert!(
        !String::from_utf8_lossy(&refused).contains("200 OK"),
        "a fifth connection was served"
    );
    let mut first = held.remove(0);
    first
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut ok = Vec::new();
    tokio::time::timeout(wait, first.read_to_end(&mut ok))
        .await
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&ok).starts_with("HTTP/1.1 200"));
    drop(held);
    drop(first);
    // Once they are gone, the address is served again.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    app.assert_alive().await;
}

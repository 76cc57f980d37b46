//! Record pages as their readers open them: the public browsing the demo's
//! PUBLIC records without login, a member opening a PARTNERS record with
//! their session cookie, an outsider getting the same 404 as for a record
//! that does not exist, in the reader's language, with caching headers.

use entities::enums::{DocumentKind, MemberRole, OrganizationKind, Visibility};
use pactum_tests::{
    TestApp,
    accounts::member_session,
    fixtures, global_id,
    mail::{hrefs, html_escaped},
};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

/// What a GET of `path` answered.
struct Page {
    status: StatusCode,
    headers: header::HeaderMap,
    body: String,
}

async fn open(app: &TestApp, path: &str, extra: &[(&str, &str)]) -> Page {
    let mut request = app.client.get(format!("{}{path}", app.address));
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("page requested");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.expect("page read");
    Page {
        status,
        headers,
        body,
    }
}

/// The first record of `list` the public sees, as `{ id title }` (or
/// `name` for organizations).
async fn first_public(app: &TestApp, list: &str, field: &str) -> (String, String) {
    let data = app
        .data(
            &format!("{{ {list}(first: 1) {{ edges {{ node {{ id {field} }} }} }} }}"),
            json!({}),
        )
        .await;
    let node = &data[list]["edges"][0]["node"];
    (
        node["id"].as_str().expect("an id").to_owned(),
        node[field].as_str().expect("a title").to_owned(),
    )
}

#[tokio::test]
async fn the_public_browses_every_kind_of_public_record_and_its_graphql_twin() {
    let app = TestApp::with_demo().await;
    for (list, field, path) in [
        ("agreements", "title", "agreements"),
        ("documents", "title", "documents"),
        ("activities", "title", "activities"),
        ("organizations", "name", "organizations"),
    ] {
        let (id, title) = first_public(&app, list, field).await;
        let page = open(&app, &format!("/{path}/{id}"), &[]).await;
        assert_eq!(page.status, StatusCode::OK, "/{path}/{id}: {}", page.body);
        assert_eq!(
            page.headers[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        assert!(page.body.contains("<html lang=\"ro\">"));
        assert!(
            page.body
                .contains(&format!("<h1>{}</h1>", html_escaped(&title))),
            "{path} page shows {title}: {}",
            page.body
        );
        assert_eq!(page.headers[header::CACHE_CONTROL], "public, max-age=60");

        // The page names the query that returns its data; it returns the
        // same record.
        let graphql = hrefs(&page.body)
            .into_iter()
            .find(|href| href.contains("/graphql?query="))
            .expect("a link to the page's query");
        let twin: Value = app
            .client
            .get(graphql)
            .header("accept", "application/json")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(twin["data"]["record"]["id"], id.as_str(), "{twin}");
        assert_eq!(twin["data"]["record"][field], title.as_str());

        // Unchanged data: the same ETag, and a conditional GET is a 304.
        let etag = page.headers[header::ETAG].to_str().unwrap().to_owned();
        let again = open(&app, &format!("/{path}/{id}"), &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert!(again.body.is_empty());
    }
}

#[tokio::test]
async fn pages_link_to_each_other_and_every_link_opens() {
    let app = TestApp::with_demo().await;
    let (id, _) = first_public(&app, "agreements", "title").await;
    let page = open(&app, &format!("/agreements/{id}"), &[]).await;
    let links: Vec<String> = hrefs(&page.body)
        .into_iter()
        .filter(|href| {
            ["/organizations/", "/documents/", "/activities/"]
                .iter()
                .any(|p| href.contains(p))
        })
        .collect();
    assert!(
        links.iter().any(|l| l.contains("/organizations/")),
        "the parties link to their organizations: {}",
        page.body
    );
    for link in links {
        let next = app.client.get(&link).send().await.unwrap();
        assert_eq!(next.status(), StatusCode::OK, "{link}");
    }
}

#[tokio::test]
async fn a_record_the_reader_may_not_see_is_the_same_404_as_a_missing_one() {
    let app = TestApp::spawn().await;
    let db = &app.db;
    let owner = fixtures::organization(
        db,
        "primaria-x",
        "Primăria X",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await;
    let stranger = fixtures::organization(
        db,
        "asociatia-y",
        "Asociația Y",
        OrganizationKind::Ngo,
        Some("Cluj"),
    )
    .await;
    let hidden = fixtures::document(
        db,
        owner.id,
        "Registrul intern al riscurilor",
        DocumentKind::RiskAnalysis,
        Visibility::Private,
        "ro",
        &[],
    )
    .await;
    let path = format!("/documents/{}", global_id("Document", hidden.id));
    let missing = format!("/documents/{}", global_id("Document", hidden.id + 1000));

    let outsider = member_session(db, stranger.id, MemberRole::Owner).await;
    let as_outsider = format!("pactum_session={outsider}");
    let member = member_session(db, owner.id, MemberRole::Viewer).await;
    let as_member = format!("pactum_session={member}");

    let anonymous = open(&app, &path, &[]).await;
    let nothing = open(&app, &missing, &[]).await;
    let garbage = open(&app, "/documents/not-an-id", &[]).await;
    let wrong_kind = open(
        &app,
        &format!("/documents/{}", global_id("Organization", owner.id)),
        &[],
    )
    .await;
    let foreign = open(&app, &path, &[("cookie", &as_outsider)]).await;
    for page in [&anonymous, &nothing, &garbage, &wrong_kind] {
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert_eq!(page.body, anonymous.body, "indistinguishable");
        assert!(!page.body.contains("Registrul"));
    }
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert!(!foreign.body.contains("Registrul"));

    let seen = open(&app, &path, &[("cookie", &as_member)]).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert!(
        seen.body
            .contains("<h1>Registrul intern al riscurilor</h1>")
    );
    assert!(seen.body.contains("Privat"));
    assert_eq!(seen.headers[header::CACHE_CONTROL], "private, no-cache");

    // A cookie from a cross-site navigation (a link clicked in webmail)
    // reads as the public: nothing leaks, and nothing fails.
    let cross_site = open(
        &app,
        &path,
        &[("cookie", &as_member), ("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_eq!(cross_site.status, StatusCode::NOT_FOUND);
    // An expired or unknown session reads as the public too.
    let stale = open(&app, &path, &[("cookie", "pactum_session=pss_unknown")]).await;
    assert_eq!(stale.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_reader_gets_their_language_and_the_switch_sticks() {
    let app = TestApp::with_demo().await;
    let (id, _) = first_public(&app, "documents", "title").await;
    let path = format!("/documents/{id}");

    let romanian = open(&app, &path, &[]).await;
    assert!(romanian.body.contains("<html lang=\"ro\">"));
    assert!(romanian.body.contains("Versiuni"));

    let english = open(
        &app,
        &path,
        &[("accept-language", "en-GB,en;q=0.9,ro;q=0.5")],
    )
    .await;
    assert!(english.body.contains("<html lang=\"en\">"));
    assert!(english.body.contains("<h2>Versions</h2>"));
    assert_ne!(
        romanian.headers[header::ETAG],
        english.headers[header::ETAG],
        "each language is its own representation"
    );
    assert!(
        english.headers[header::VARY]
            .to_str()
            .unwrap()
            .contains("Accept-Language")
    );

    let switched = open(
        &app,
        &format!("{path}?lang=ro"),
        &[("accept-language", "en")],
    )
    .await;
    assert!(switched.body.contains("<html lang=\"ro\">"));
    let cookie = switched.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("pactum_lang=ro;"), "{cookie}");
    let remembered = open(
        &app,
        &path,
        &[("accept-language", "en"), ("cookie", "pactum_lang=ro")],
    )
    .await;
    assert!(remembered.body.contains("<html lang=\"ro\">"));
}

/// The value of the hidden field `name` in the first form of `body`
/// that has one.
fn field(body: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker)? + marker.len();
    Some(body[start..].split('"').next()?.replace("&#x2f;", "/"))
}

#[tokio::test]
async fn a_partys_admin_signs_from_the_page_and_nobody_else_can() {
    let app = TestApp::spawn().await;
    let db = &app.db;
    let town = fixtures::organization(
        db,
        "primaria-lugoj",
        "Primăria Lugoj",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await;
    let ngo = fixtures::organization(
        db,
        "asociatia-integritate",
        "Asociația Integritate",
        OrganizationKind::Ngo,
        Some("Timiș"),
    )
    .await;
    let agreement = fixtures::agreement(
        db,
        "Acord privind avertizorii de integritate",
        &[town.id, ngo.id],
        entities::enums::AgreementStatus::Proposed,
        Visibility::Partners,
        None,
    )
    .await;
    let path = format!("/agreements/{}", global_id("Agreement", agreement.id));
    let admin = format!(
        "pactum_session={}",
        member_session(db, ngo.id, MemberRole::Admin).await
    );
    let viewer = format!(
        "pactum_session={}",
        member_session(db, ngo.id, MemberRole::Viewer).await
    );

    // A VIEWER sees the agreement but is offered no answer; the ADMIN is,
    // for their own organization only.
    let seen = open(&app, &path, &[("cookie", &viewer)]).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.body.contains("Semnați acordul"));
    let offered = open(&app, &path, &[("cookie", &admin)]).await;
    assert!(offered.body.contains("Semnați acordul"), "{}", offered.body);
    assert!(offered.body.contains("Refuzați acordul"));
    assert_eq!(
        offered
            .body
            .matches("name=\"answer\" value=\"sign\"")
            .count(),
        1
    );
    let token = field(&offered.body, "token").expect("a form token");
    let organization = field(&offered.body, "organization").expect("the party");
    assert_eq!(organization, global_id("Organization", ngo.id));

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = |cookie: String, token: String, extra: Option<(&'static str, &'static str)>| {
        let mut request = client
            .post(format!("{}{path}/answer", app.address))
            .header("cookie", cookie)
            .form(&[
                ("organization", organization.as_str()),
                ("answer", "sign"),
                ("signatory", "Maria Ionescu, președinte"),
                ("token", token.as_str()),
            ]);
        if let Some((name, value)) = extra {
            request = request.header(name, value);
        }
        request.send()
    };
    // Refused, changing nothing: a forged token, the admin's token in a
    // viewer's session, the admin's cookie on a post from another site.
    let forged = answer(admin.clone(), "00".repeat(32), None).await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let borrowed = answer(viewer.clone(), token.clone(), None).await.unwrap();
    assert_eq!(borrowed.status(), StatusCode::FORBIDDEN);
    let cross_site = answer(
        admin.clone(),
        token.clone(),
        Some(("origin", "https://evil.example")),
    )
    .await
    .unwrap();
    assert_eq!(cross_site.status(), StatusCode::UNAUTHORIZED);
    let unsigned = open(&app, &path, &[("cookie", &admin)]).await;
    assert!(unsigned.body.contains("Nesemnat încă"));

    let signed = answer(admin.clone(), token.clone(), None).await.unwrap();
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let after = open(&app, &path, &[("cookie", &admin)]).await;
    assert!(
        after.body.contains("(Maria Ionescu, președinte)"),
        "{}",
        after.body
    );
    assert!(!after.body.contains("Semnați acordul"), "answered once");

    // The same rules as the mutation: a second signature is refused with
    // the API's reason.
    let again = answer(admin.clone(), token, None).await.unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let reason = again.text().await.unwrap();
    assert!(reason.contains("has already signed"), "{reason}");
    let decline = client
        .post(format!("{}{path}/answer", app.address))
        .header("cookie", admin.clone())
        .form(&[
            ("organization", organization.as_str()),
            ("answer", "decline"),
            ("token", field(&offered.body, "token").unwrap().as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(decline.status(), StatusCode::BAD_REQUEST);
    let reason = decline.text().await.unwrap();
    assert!(reason.contains("cannot decline"), "{reason}");
    // And it left the mutation's audit entry.
    let secret = admin.trim_start_matches("pactum_session=");
    let log = app
        .data_as(
            Some(secret),
            "query($id: ID!) { organization(id: $id) { auditLog(first: 5) { edges { node { action } } } } }",
            json!({ "id": global_id("Organization", ngo.id) }),
        )
        .await;
    let actions: Vec<&str> = log["organization"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["node"]["action"].as_str())
        .collect();
    assert!(actions.contains(&"agreement.sign"), "{actions:?}");
}

#[tokio::test]
async fn the_front_page_shows_the_figures_the_latest_records_and_searches() {
    let app = TestApp::with_demo().await;
    let home = open(&app, "/", &[]).await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(home.body.contains("<h2>În cifre</h2>"));
    // The seeds' people trained in 2022 (the Lugoj courses), from stats.
    assert!(
        home.body.contains("<th scope=\"row\">2022</th><td>50</td>"),
        "{}",
        home.body
    );
    assert!(home.body.contains("role=\"search\""));
    let (_, latest) = first_public(&app, "agreements", "title").await;
    assert!(home.body.contains(&html_escaped(&latest)));

    // A search runs the root search as the reader, with snippets, and
    // every hit opens its page.
    let found = open(&app, "/?q=avertizori", &[]).await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.body.contains("<mark>"), "{}", found.body);
    let hits: Vec<String> = hrefs(&found.body)
        .into_iter()
        .filter(|l| {
            [
                "/agreements/",
                "/documents/",
                "/activities/",
                "/organizations/",
            ]
            .iter()
            .any(|p| l.contains(p))
        })
        .collect();
    assert!(!hits.is_empty(), "{}", found.body);
    for hit in hits {
        let page = app.client.get(&hit).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{hit}");
    }

    // A search the API refuses is said on the page, a 400, with the rest.
    let refused = open(&app, "/?q=si%20de%20la", &[]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("role=\"alert\""), "{}", refused.body);
    assert!(refused.body.contains("<h2>În cifre</h2>"));
    let long = format!("/?q={}", "a".repeat(5000));
    assert_eq!(open(&app, &long, &[]).await.status, StatusCode::BAD_REQUEST);
}

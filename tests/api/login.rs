//! Logging in through real identity providers on loopback (oidc-provider,
//! oauth2-mock-server from npm), and every way a login or a credential can
//! be forged, replayed or misused.

use entities::{enums::MemberRole, login_attempt, session, user};
use pactum::config::{ProviderConfig, ProviderKind};
use pactum_tests::{
    TestApp, accounts, fixtures,
    peers::{self, Browser, CLIENT_ID, CLIENT_SECRET, Peer},
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

const ME: &str = "{ me { user { email displayName } memberships { role organization { slug } } } }";

fn oidc(id: &str, issuer: &str) -> ProviderConfig {
    ProviderConfig {
        id: id.into(),
        name: format!("IdP {id}"),
        kind: ProviderKind::Oidc,
        issuer: Some(issuer.into()),
        authorize_url: None,
        token_url: None,
        userinfo_url: None,
        client_id: CLIENT_ID.into(),
        client_secret: Some(CLIENT_SECRET.into()),
        scopes: vec![],
        trust_email: false,
    }
}

fn plain(id: &str, peer: &Peer) -> ProviderConfig {
    ProviderConfig {
        kind: ProviderKind::Oauth2,
        issuer: None,
        authorize_url: Some(peer.authorize_url()),
        token_url: Some(peer.token_url()),
        userinfo_url: Some(peer.userinfo_url()),
        ..oidc(id, "")
    }
}

async fn app_with(providers: Vec<ProviderConfig>) -> TestApp {
    TestApp::spawn_with(|c| c.auth_providers = providers).await
}

/// Starts a login at Pactum; returns the provider URL Pactum redirects to.
async fn start_login(app: &TestApp, browser: &mut Browser, provider: &str) -> String {
    let url = format!("{}/auth/login/{provider}?return_to=/graphql", app.address);
    let response = browser.get(&url).await;
    assert_eq!(response.status().as_u16(), 303, "login redirects");
    location(&response)
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a Location")
        .to_owned()
}

/// GETs the callback; returns status, body and the session cookie set.
async fn callback(browser: &mut Browser, url: &str) -> (u16, Value, Option<String>) {
    let response = browser.get(url).await;
    let status = response.status().as_u16();
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("pactum_session="))
        .map(str::to_owned);
    if let Some(cookie) = &cookie {
        // Script cannot read it, other sites' subrequests do not carry it,
        // and on plain-http localhost it cannot be Secure.
        for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(attribute), "{cookie}");
        }
        assert!(!cookie.contains("Secure"), "{cookie}");
    }
    let session = cookie
        .as_deref()
        .and_then(|c| c.strip_prefix("pactum_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
        .filter(|v| !v.is_empty());
    let body =
        serde_json::from_str(&response.text().await.unwrap_or_default()).unwrap_or(Value::Null);
    (status, body, session)
}

async fn users(app: &TestApp) -> u64 {
    user::Entity::find().count(&app.db).await.unwrap()
}

async fn query_with_cookie(
    app: &TestApp,
    session: &str,
    origin: Option<&str>,
    query: &str,
) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.graphql_url())
        .header("content-type", "application/json")
        .header("cookie", format!("pactum_session={session}"));
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    let response = request
        .body(json!({ "query": query }).to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_user_logs_in_through_a_real_openid_provider_and_is_who_they_say() {
    let idp = Peer::oidc().await;
    let app = app_with(vec![oidc("lugoj", idp.issuer())]).await;
    let org = fixtures::organization(
        &app.db,
        "municipiul-lugoj",
        "Municipiul Lugoj",
        entities::enums::OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await;
    // An operator invited Ana before her first login.
    let invited = pactum::domain::members::grant_by_operator(
        &app.db,
        org.id,
        "Ana@Primaria-Lugoj.ro",
        MemberRole::Owner,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert!(matches!(
        invited,
        pactum::domain::members::OperatorGrant::Invited(_)
    ));

    // The login page lists the provider.
    let providers: Value = app
        .client
        .get(format!("{}/auth/providers", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(providers["providers"][0]["id"], "lugoj");

    let mut browser = Browser::new();
    let authorize = start_login(&app, &mut browser, "lugoj").await;
    assert!(authorize.starts_with(idp.issuer()), "{authorize}");
    assert_eq!(
        peers::query_param(&authorize, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert!(peers::query_param(&authorize, "nonce").is_some());
    let back = peers::oidc_sign_in(&mut browser, &authorize, "ana@primaria-lugoj.ro").await;
    let (status, _, session) = callback(&mut browser, &back).await;
    assert_eq!(status, 303);
    let session = session.expect("a session cookie");

    let (status, body) = query_with_cookie(&app, &session, None, ME).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["me"]["user"]["email"], "ana@primaria-lugoj.ro");
    assert_eq!(body["data"]["me"]["user"]["displayName"], "Test ana");
    assert_eq!(
        body["data"]["me"]["memberships"],
        json!([{ "role": "OWNER", "organization": { "slug": "municipiul-lugoj" } }])
    );
    // The same secret works as a Bearer token; the database holds only its
    // digest.
    let me = app.data_as(Some(&session), ME, json!({})).await;
    assert_eq!(me["me"]["user"]["email"], "ana@primaria-lugoj.ro");
    assert_eq!(
        session::Entity::find()
            .filter(session::Column::TokenHash.eq(session.clone()))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );

    // Logging in again is the same user, not a second one.
    let again = start_login(&app, &mut browser, "lugoj").await;
    let back = peers::oidc_sign_in(&mut browser, &again, "ana@primaria-lugoj.ro").await;
    assert_eq!(callback(&mut browser, &back).await.0, 303);
    assert_eq!(users(&app).await, 1);

    // Logout revokes the session.
    let response = app
        .client
        .post(format!("{}/auth/logout", app.address))
        .header("cookie", format!("pactum_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    let (status, body) = query_with_cookie(&app, &session, None, ME).await;
    assert_eq!(status, 401);
    assert_eq!(TestApp::codes(&body), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn an_unverified_address_takes_up_no_invitation() {
    let idp = Peer::oidc().await;
    let app = app_with(vec![oidc("lugoj", idp.issuer())]).await;
    let org = fixtures::organization(
        &app.db,
        "ong-transparenta",
        "ONG Transparența",
        entities::enums::OrganizationKind::Ngo,
        None,
    )
    .await;
    pactum::domain::members::grant_by_operator(
        &app.db,
        org.id,
        "unverified-ion@example.test",
        MemberRole::Owner,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let mut browser = Browser::new();
    let authorize = start_login(&app, &mut browser, "lugoj").await;
    let back = peers::oidc_sign_in(&mut browser, &authorize, "unverified-ion@example.test").await;
    let (status, _, session) = callback(&mut browser, &back).await;
    assert_eq!(status, 303);
    let me = app.data_as(session.as_deref(), ME, json!({})).await;
    assert_eq!(me["me"]["user"]["email"], "unverified-ion@example.test");
    assert_eq!(me["me"]["memberships"], json!([]));
}

#[tokio::test]
async fn a_plain_oauth2_provider_logs_users_in_through_its_userinfo() {
    let idp = Peer::oauth2(
        "plain",
        &[
            ("SUBJECT", "gh-42"),
            ("EMAIL", "maria@ong.ro"),
            ("NAME", "Maria Popescu"),
        ],
    )
    .await;
    let app = app_with(vec![plain("forge", &idp)]).await;
    let mut browser = Browser::new();
    let authorize = start_login(&app, &mut browser, "forge").await;
    assert_eq!(
        peers::query_param(&authorize, "code_challenge_method").as_deref(),
        Some("S256")
    );
    let back = peers::oauth2_sign_in(&mut browser, &authorize).await;
    let (status, body, session) = callback(&mut browser, &back).await;
    assert_eq!(status, 303, "{body}");
    let me = app.data_as(session.as_deref(), ME, json!({})).await;
    assert_eq!(me["me"]["user"]["email"], "maria@ong.ro");
    assert_eq!(me["me"]["user"]["displayName"], "Maria Popescu");
}

#[tokio::test]
async fn a_wrong_or_replayed_state_is_refused_and_creates_nothing() {
    let idp = Peer::oidc().await;
    let app = app_with(vec![oidc("lugoj", idp.issuer())]).await;
    let mut browser = Browser::new();
    let authorize = start_login(&app, &mut browser, "lugoj").await;
    let back = peers::oidc_sign_in(&mut browser, &authorize, "ana@primaria-lugoj.ro").await;
    let state = peers::query_param(&back, "state").unwrap();

    // A state that is not the one this browser started with.
    let forged = back.replace(&format!("state={state}"), "state=forged");
    let (status, body, session) = callback(&mut browser, &forged).await;
    assert_eq!(
        (status, body["errors"][0]["extensions"]["reason"].as_str()),
        (401, Some("INVALID_STATE"))
    );
    assert!(session.is_none());

    // Another browser (an attacker's link, login CSRF) cannot finish it.
    let mut other = Browser::new();
    let (status, body, _) = callback(&mut other, &back).await;
    assert_eq!(
        (status, body["errors"][0]["extensions"]["reason"].as_str()),
        (401, Some("INVALID_STATE"))
    );
    assert_eq!(users(&app).await, 0);

    // The real one works once; its replay is refused.
    assert_eq!(callback(&mut browser, &back).await.0, 303);
    // Even with the browser's cookie, the same state does not work twice.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(&back)
        .header("cookie", format!("pactum_login={state}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status().as_u16(), 401);
    let body: Value = replay.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["reason"], "INVALID_STATE");
    assert_eq!(session::Entity::find().count(&app.db).await.unwrap(), 1);
    assert_eq!(users(&app).await, 1);
}

#[tokio::test]
async fn a_forged_or_reused_code_is_refused() {
    let idp = Peer::oidc().await;
    let app = app_with(vec![oidc("lugoj", idp.issuer())]).await;
    let mut browser = Browser::new();

    // Forged: the state is genuine, the code is not.
    let authorize = start_login(&app, &mut browser, "lugoj").await;
    let back = peers::oidc_sign_in(&mut browser, &authorize, "ana@primaria-lugoj.ro").await;
    let code = peers::query_param(&back, "code").unwrap();
    let forged = back.replace(&code, "forged-code");
    let (status, body, session) = callback(&mut browser, &forged).await;
    assert_eq!(
        (status, body["errors"][0]["extensions"]["reason"].as_str()),
        (401, Some("CODE_REJECTED"))
    );
    assert!(session.is_none());
    assert_eq!(users(&app).await, 0);

    // Reused: a code that already bought a session, presented with a
    // fresh, genuine state.
    let authorize = start_login(&app, &mut browser, "lugoj").await;
    let back = peers::oidc_sign_in(&mut browser, &authorize, "ana@primaria-lugoj.ro").await;
    assert_eq!(callback(&mut browser, &back).await.0, 303);
    let used = peers::query_param(&back, "code").unwrap();
    let authorize = start_login(&app, &mut browser, "lugoj").await;
    let fresh = peers::oidc_sign_in(&mut browser, &authorize, "ana@primaria-lugoj.ro").await;
    let fresh_code = peers::query_param(&fresh, "code").unwrap();
    let (status, body, session) = callback(&mut browser, &fresh.replace(&fresh_code, &used)).await;
    assert_eq!(
        (status, body["errors"][0]["extensions"]["reason"].as_str()),
        (401, Some("CODE_REJECTED"))
    );
    assert!(session.is_none());
    assert_eq!(session::Entity::find().count(&app.db).await.unwrap(), 1);
}

#[tokio::test]
async fn a_bad_id_token_is_refused_whatever_is_wrong_with_it() {
    // The control: the same misbehaving provider, behaving, logs in.
    for (mode, expected) in [
        ("oidc", 303),
        ("wrong-signature", 401),
        ("wrong-audience", 401),
        ("wrong-issuer", 401),
        ("wrong-nonce", 401),
        ("expired", 401),
    ] {
        let idp = Peer::oauth2(mode, &[("EMAIL", "ion@example.test")]).await;
        let app = app_with(vec![oidc("rogue", idp.issuer())]).await;
        let mut browser = Browser::new();
        let authorize = start_login(&app, &mut browser, "rogue").await;
        let back = peers::oauth2_sign_in(&mut browser, &authorize).await;
        let (status, body, session) = callback(&mut browser, &back).await;
        assert_eq!(status, expected, "{mode}: {body}");
        if expected == 401 {
            assert_eq!(
                body["errors"][0]["extensions"]["reason"], "ID_TOKEN_INVALID",
                "{mode}"
            );
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
                "{mode}"
            );
            assert!(session.is_none(), "{mode}");
            assert_eq!(users(&app).await, 0, "{mode}");
        } else {
            assert!(session.is_some());
        }
    }
}

#[tokio::test]
async fn return_to_must_stay_on_trusted_origins() {
    let idp = Peer::oidc().await;
    let app = TestApp::spawn_with(|c| {
        c.auth_providers = vec![oidc("lugoj", idp.issuer())];
        c.cors_allowed_origins = vec!["https://dashboard.example.ro".into()];
    })
    .await;
    let mut browser = Browser::new();
    for (target, allowed) in [
        ("/dashboard", true),
        ("https://dashboard.example.ro/acorduri", true),
        ("https://evil.example/", false),
        ("//evil.example/", false),
        ("/\\evil.example", false),
        ("https://dashboard.example.ro.evil.example/", false),
    ] {
        let url = format!("{}/auth/login/lugoj", app.address);
        let response = browser
            .get(
                reqwest::Url::parse_with_params(&url, &[("return_to", target)])
                    .unwrap()
                    .as_str(),
            )
            .await;
        let status = response.status().as_u16();
        assert_eq!(status, if allowed { 303 } else { 403 }, "{target}");
    }
    assert_eq!(
        login_attempt::Entity::find().count(&app.db).await.unwrap(),
        2
    );
    let unknown = browser
        .get(&format!("{}/auth/login/nobody", app.address))
        .await;
    assert_eq!(unknown.status().as_u16(), 404);
}

#[tokio::test]
async fn expired_revoked_and_unknown_credentials_get_401() {
    let app = TestApp::spawn().await;
    let org = fixtures::organization(
        &app.db,
        "org",
        "Org",
        entities::enums::OrganizationKind::Ngo,
        None,
    )
    .await;
    let expired = accounts::member_session(&app.db, org.id, MemberRole::Viewer).await;
    session::Entity::update_many()
        .col_expr(
            session::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .filter(session::Column::TokenHash.eq(accounts::secret_hash(&expired)))
        .exec(&app.db)
        .await
        .unwrap();
    let revoked_token =
        accounts::api_token(&app.db, org.id, entities::enums::TokenScope::Read).await;
    entities::api_token::Entity::update_many()
        .col_expr(
            entities::api_token::Column::RevokedAt,
            Expr::value(chrono::Utc::now()),
        )
        .exec(&app.db)
        .await
        .unwrap();
    for secret in [
        expired.as_str(),
        revoked_token.as_str(),
        "pct_s_made-up",
        "pct_t_made-up",
        "something",
    ] {
        let (status, body) = app
            .post_json_as(
                Some(secret),
                json!({ "query": "{ me { user { email } } }" }),
            )
            .await;
        assert_eq!(status, 401, "{secret}: {body}");
        assert_eq!(TestApp::codes(&body), ["UNAUTHENTICATED"], "{secret}");
    }
    // A stale cookie is refused and cleared.
    let response = app
        .client
        .post(app.graphql_url())
        .header("content-type", "application/json")
        .header("cookie", format!("pactum_session={expired}"))
        .body(json!({ "query": "{ me { user { email } } }" }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let cleared = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        cleared.starts_with("pactum_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
}

#[tokio::test]
async fn cookie_requests_from_a_foreign_origin_are_refused() {
    let app = TestApp::spawn_with(|c| {
        c.cors_allowed_origins = vec!["https://dashboard.example.ro".into()]
    })
    .await;
    let org = fixtures::organization(
        &app.db,
        "org",
        "Org",
        entities::enums::OrganizationKind::Ngo,
        None,
    )
    .await;
    let session = accounts::member_session(&app.db, org.id, MemberRole::Owner).await;
    let own = app.address.clone();
    for (origin, expected) in [
        (Some("https://evil.example"), 403),
        (Some("https://dashboard.example.ro"), 200),
        (Some(own.as_str()), 200),
        (None, 200),
    ] {
        let (status, body) =
            query_with_cookie(&app, &session, origin, "{ me { user { email } } }").await;
        assert_eq!(status, expected, "{origin:?}: {body}");
        if expected == 403 {
            assert_eq!(TestApp::codes(&body), ["FORBIDDEN"]);
        }
    }
    // A cross-site logout cannot end the session either.
    let response = app
        .client
        .post(format!("{}/auth/logout", app.address))
        .header("cookie", format!("pactum_session={session}"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(
        query_with_cookie(&app, &session, None, "{ me { user { email } } }")
            .await
            .0,
        200
    );
    // A Bearer token is not a cookie: browsers never send it by themselves.
    let (status, _) = app
        .post_json_as(
            Some(&session),
            json!({ "query": "{ me { user { email } } }" }),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_session_in_use_slides_forward_but_never_past_its_hard_limit() {
    let app = TestApp::spawn_with(|c| {
        c.session_idle_minutes = 60;
        c.session_max_days = 1;
    })
    .await;
    let org = fixtures::organization(
        &app.db,
        "org",
        "Org",
        entities::enums::OrganizationKind::Ngo,
        None,
    )
    .await;
    let secret = accounts::member_session(&app.db, org.id, MemberRole::Viewer).await;
    let hash = accounts::secret_hash(&secret);
    let now = chrono::Utc::now();
    let set = |last_seen: chrono::DateTime<chrono::Utc>,
               expires: chrono::DateTime<chrono::Utc>,
               absolute: chrono::DateTime<chrono::Utc>| {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(last_seen))
            .col_expr(session::Column::ExpiresAt, Expr::value(expires))
            .col_expr(session::Column::AbsoluteExpiresAt, Expr::value(absolute))
            .filter(session::Column::TokenHash.eq(hash.clone()))
            .exec(&app.db)
    };
    let stored = || {
        session::Entity::find()
            .filter(session::Column::TokenHash.eq(hash.clone()))
            .one(&app.db)
    };
    // Idle for 50 of its 60 minutes: using it pushes expiry an hour ahead.
    set(
        now - chrono::Duration::minutes(50),
        now + chrono::Duration::minutes(10),
        now + chrono::Duration::hours(20),
    )
    .await
    .unwrap();
    app.data_as(Some(&secret), ME, json!({})).await;
    let renewed = stored().await.unwrap().unwrap();
    assert!(
        renewed.expires_at > now + chrono::Duration::minutes(59),
        "{renewed:?}"
    );
    // Near its hard limit, renewal stops at the limit...
    let limit = now + chrono::Duration::minutes(30);
    set(now - chrono::Duration::minutes(5), limit, limit)
        .await
        .unwrap();
    app.data_as(Some(&secret), ME, json!({})).await;
    let capped = stored().await.unwrap().unwrap();
    assert!(capped.expires_at <= limit, "{capped:?}");
    // ...and once there the session is over, however recently it was used.
    let past = now - chrono::Duration::seconds(1);
    set(now, past, past).await.unwrap();
    let (status, body) = app
        .post_json_as(Some(&secret), json!({ "query": ME }))
        .await;
    assert_eq!(
        (status, TestApp::codes(&body)),
        (401, vec!["UNAUTHENTICATED".to_owned()])
    );
}

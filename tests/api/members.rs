//! An organization's people and credentials through the API: invitations,
//! roles, the last-OWNER rule (also under concurrency), API tokens, and the
//! operator's CLI.

use entities::enums::{MemberRole, OrganizationKind, TokenScope};
use pactum_tests::{TestApp, accounts, fixtures, global_id};
use serde_json::{Value, json};

const INVITE: &str = "mutation($org: ID!, $email: String!, $role: MemberRole!) {
  inviteMember(input: { organizationId: $org, email: $email, role: $role }) {
    invitation { email role } userErrors { field code message } } }";
const MEMBERS: &str = "query($org: ID!) { organization(id: $org) {
  members { id role user { email } } invitations { email role } } }";
const CHANGE_ROLE: &str = "mutation($id: ID!, $role: MemberRole!) {
  changeMemberRole(input: { membershipId: $id, role: $role }) {
    membership { role } userErrors { code message } } }";
const REMOVE: &str = "mutation($id: ID!) { removeMember(input: { membershipId: $id }) {
  membership { role } userErrors { code } } }";
const CREATE_TOKEN: &str = "mutation($org: ID!, $scope: TokenScope!) {
  createApiToken(input: { organizationId: $org, name: \"Portal ONG\", scope: $scope }) {
    apiToken { id hint scope isActive } secret userErrors { code field } } }";

struct Org {
    app: TestApp,
    id: i64,
    gid: String,
}

async fn organization() -> Org {
    let app = TestApp::spawn().await;
    let org = fixtures::organization(
        &app.db,
        "municipiul-lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await;
    Org {
        gid: global_id("Organization", org.id),
        id: org.id,
        app,
    }
}

/// A member with a known e-mail: (session, membership global id).
async fn member(org: &Org, email: &str, role: MemberRole) -> (String, String) {
    let user = accounts::user(&org.app.db, email, email).await;
    let membership = accounts::membership(&org.app.db, user.id, org.id, role).await;
    (
        accounts::session(&org.app.db, user.id).await,
        global_id("Membership", membership.id),
    )
}

async fn roles(org: &Org, owner: &str) -> Vec<(String, String)> {
    let data = org
        .app
        .data_as(
            Some(owner),
            "query($org: ID!) { organization(id: $org) { members { role user { email } } } }",
            json!({ "org": org.gid }),
        )
        .await;
    data["organization"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["user"]["email"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn codes(body: &Value) -> Vec<String> {
    TestApp::codes(body)
}

#[tokio::test]
async fn owners_and_admins_invite_within_their_powers() {
    let org = organization().await;
    let (owner, _) = member(&org, "primar@lugoj.ro", MemberRole::Owner).await;
    let (admin, _) = member(&org, "admin@lugoj.ro", MemberRole::Admin).await;
    let (viewer, _) = member(&org, "viewer@lugoj.ro", MemberRole::Viewer).await;
    let app = &org.app;
    let invite = |who: &'static str, role: &'static str| json!({ "org": org.gid, "email": who, "role": role });

    let data = app
        .data_as(
            Some(&admin),
            INVITE,
            invite(" Consilier@Lugoj.RO ", "EDITOR"),
        )
        .await;
    assert_eq!(
        data["inviteMember"]["invitation"],
        json!({ "email": "consilier@lugoj.ro", "role": "EDITOR" })
    );
    // Only an OWNER makes an OWNER; a VIEWER invites nobody.
    let body = app
        .query_as(Some(&admin), INVITE, invite("sef@lugoj.ro", "OWNER"))
        .await;
    assert_eq!(codes(&body), ["FORBIDDEN"]);
    let body = app
        .query_as(Some(&viewer), INVITE, invite("x@lugoj.ro", "VIEWER"))
        .await;
    assert_eq!(codes(&body), ["FORBIDDEN"]);
    let body = app
        .query_as(None, INVITE, invite("x@lugoj.ro", "VIEWER"))
        .await;
    assert_eq!(codes(&body), ["UNAUTHENTICATED"]);
    // What the user can fix comes back as userErrors, and nothing changes.
    let data = app
        .data_as(Some(&owner), INVITE, invite("not-an-address", "VIEWER"))
        .await;
    assert_eq!(data["inviteMember"]["invitation"], Value::Null);
    assert_eq!(
        data["inviteMember"]["userErrors"][0]["code"],
        "INVALID_INPUT"
    );
    let data = app
        .data_as(Some(&owner), INVITE, invite("admin@lugoj.ro", "VIEWER"))
        .await;
    assert_eq!(
        data["inviteMember"]["userErrors"][0]["code"],
        "ALREADY_MEMBER"
    );
    let data = app
        .data_as(Some(&owner), MEMBERS, json!({ "org": org.gid }))
        .await;
    assert_eq!(
        data["organization"]["invitations"],
        json!([{ "email": "consilier@lugoj.ro", "role": "EDITOR" }])
    );
    // Viewers see the members but not the invitations.
    let body = app
        .query_as(Some(&viewer), MEMBERS, json!({ "org": org.gid }))
        .await;
    assert_eq!(codes(&body), ["FORBIDDEN"]);
    assert_eq!(
        body["data"]["organization"]["members"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
}

#[tokio::test]
async fn an_organization_always_keeps_an_owner() {
    let org = organization().await;
    let (owner, owner_membership) = member(&org, "primar@lugoj.ro", MemberRole::Owner).await;
    let (admin, admin_membership) = member(&org, "admin@lugoj.ro", MemberRole::Admin).await;
    let app = &org.app;

    let data = app
        .data_as(
            Some(&owner),
            CHANGE_ROLE,
            json!({ "id": owner_membership, "role": "ADMIN" }),
        )
        .await;
    assert_eq!(
        data["changeMemberRole"]["userErrors"][0]["code"],
        "LAST_OWNER"
    );
    let data = app
        .data_as(Some(&owner), REMOVE, json!({ "id": owner_membership }))
        .await;
    assert_eq!(data["removeMember"]["userErrors"][0]["code"], "LAST_OWNER");
    // An ADMIN may not touch an OWNER.
    let body = app
        .query_as(Some(&admin), REMOVE, json!({ "id": owner_membership }))
        .await;
    assert_eq!(codes(&body), ["FORBIDDEN"]);
    assert_eq!(
        roles(&org, &owner).await,
        [
            ("primar@lugoj.ro".to_owned(), "OWNER".to_owned()),
            ("admin@lugoj.ro".to_owned(), "ADMIN".to_owned())
        ]
    );
    // Hand over, then step down.
    app.data_as(
        Some(&owner),
        CHANGE_ROLE,
        json!({ "id": admin_membership, "role": "OWNER" }),
    )
    .await;
    let data = app
        .data_as(
            Some(&owner),
            CHANGE_ROLE,
            json!({ "id": owner_membership, "role": "VIEWER" }),
        )
        .await;
    assert_eq!(data["changeMemberRole"]["membership"]["role"], "VIEWER");
    // A member may leave.
    let data = app
        .data_as(Some(&owner), REMOVE, json!({ "id": owner_membership }))
        .await;
    assert_eq!(data["removeMember"]["userErrors"], json!([]));
    assert_eq!(
        roles(&org, &admin).await,
        [("admin@lugoj.ro".to_owned(), "OWNER".to_owned())]
    );
}

#[tokio::test]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    let org = organization().await;
    let (a, a_membership) = member(&org, "a@lugoj.ro", MemberRole::Owner).await;
    let (b, b_membership) = member(&org, "b@lugoj.ro", MemberRole::Owner).await;
    let app = &org.app;
    for _ in 0..5 {
        let (x, y) = tokio::join!(
            app.query_as(
                Some(&a),
                CHANGE_ROLE,
                json!({ "id": b_membership, "role": "VIEWER" })
            ),
            app.query_as(
                Some(&b),
                CHANGE_ROLE,
                json!({ "id": a_membership, "role": "VIEWER" })
            ),
        );
        let owners = roles(&org, &a)
            .await
            .into_iter()
            .filter(|(_, role)| role == "OWNER")
            .count();
        assert_eq!(owners, 1, "{x} {y}");
        // Restore two owners for the next round.
        let remaining = if roles(&org, &a).await[0].1 == "OWNER" {
            (&a, &b_membership)
        } else {
            (&b, &a_membership)
        };
        app.data_as(
            Some(remaining.0),
            CHANGE_ROLE,
            json!({ "id": remaining.1, "role": "OWNER" }),
        )
        .await;
    }
}

#[tokio::test]
async fn admins_issue_list_and_revoke_api_tokens_whose_secret_is_shown_once() {
    let org = organization().await;
    let (admin, _) = member(&org, "admin@lugoj.ro", MemberRole::Admin).await;
    let (editor, _) = member(&org, "editor@lugoj.ro", MemberRole::Editor).await;
    let app = &org.app;

    let created = app
        .data_as(
            Some(&admin),
            CREATE_TOKEN,
            json!({ "org": org.gid, "scope": "READ_WRITE" }),
        )
        .await;
    let secret = created["createApiToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = &created["createApiToken"]["apiToken"];
    assert!(secret.starts_with("pct_t_"));
    assert!(secret.ends_with(token["hint"].as_str().unwrap()));
    assert_eq!(token["isActive"], true);

    // The token reads as its organization; `me` is for people.
    let data = app
        .data_as(
            Some(&secret),
            "{ me { user { email } } organizations { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data,
        json!({ "me": null, "organizations": { "totalCount": 1 } })
    );
    // Tokens never manage tokens or people, whatever their scope.
    let body = app
        .query_as(
            Some(&secret),
            CREATE_TOKEN,
            json!({ "org": org.gid, "scope": "READ" }),
        )
        .await;
    assert_eq!(codes(&body), ["FORBIDDEN"]);
    // An EDITOR may not issue tokens.
    let body = app
        .query_as(
            Some(&editor),
            CREATE_TOKEN,
            json!({ "org": org.gid, "scope": "READ" }),
        )
        .await;
    assert_eq!(codes(&body), ["FORBIDDEN"]);

    let listed = app
        .data_as(
            Some(&admin),
            "query($org: ID!) { organization(id: $org) { apiTokens { id name scope hint } } me { apiTokens { name } } }",
            json!({ "org": org.gid }),
        )
        .await;
    assert_eq!(listed["organization"]["apiTokens"][0]["name"], "Portal ONG");
    assert_eq!(listed["me"]["apiTokens"][0]["name"], "Portal ONG");
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is never listed"
    );

    let revoked = app
        .data_as(
            Some(&admin),
            "mutation($id: ID!) { revokeApiToken(input: { apiTokenId: $id }) { apiToken { isActive } } }",
            json!({ "id": token["id"] }),
        )
        .await;
    assert_eq!(revoked["revokeApiToken"]["apiToken"]["isActive"], false);
    let (status, body) = app
        .post_json_as(
            Some(&secret),
            json!({ "query": "{ organizations { totalCount } }" }),
        )
        .await;
    assert_eq!(
        (status, codes(&body)),
        (401, vec!["UNAUTHENTICATED".to_owned()])
    );
}

#[tokio::test]
async fn a_read_token_cannot_mutate_anything() {
    let org = organization().await;
    let read = accounts::api_token(&org.app.db, org.id, TokenScope::Read).await;
    for (query, variables) in [
        (
            INVITE,
            json!({ "org": org.gid, "email": "x@lugoj.ro", "role": "VIEWER" }),
        ),
        (CREATE_TOKEN, json!({ "org": org.gid, "scope": "READ" })),
    ] {
        let body = org.app.query_as(Some(&read), query, variables).await;
        assert_eq!(codes(&body), ["FORBIDDEN"], "{body}");
        assert_eq!(TestApp::message(&body), "this API token is read-only");
    }
    let body = org
        .app
        .query_as(
            Some(&read),
            "mutation { updateMyProfile(input: { displayName: \"x\" }) { user { displayName } } }",
            json!({}),
        )
        .await;
    assert_eq!(codes(&body), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn people_edit_their_own_profile() {
    let org = organization().await;
    let (session, _) = member(&org, "ana@lugoj.ro", MemberRole::Viewer).await;
    let change = "mutation($name: String, $lang: Language) {
      updateMyProfile(input: { displayName: $name, preferredLanguage: $lang }) {
        user { displayName preferredLanguage } userErrors { field code } } }";
    let data = org
        .app
        .data_as(
            Some(&session),
            change,
            json!({ "name": " Ana Pop ", "lang": "EN" }),
        )
        .await;
    assert_eq!(
        data["updateMyProfile"]["user"],
        json!({ "displayName": "Ana Pop", "preferredLanguage": "EN" })
    );
    let data = org
        .app
        .data_as(Some(&session), change, json!({ "name": "  " }))
        .await;
    assert_eq!(
        data["updateMyProfile"]["userErrors"],
        json!([{ "field": "displayName", "code": "INVALID_INPUT" }])
    );
}

fn pactum(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let output = app.run_cli(args);
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn operators_mint_tokens_and_bootstrap_owners_from_the_command_line() {
    let org = organization().await;
    let app = &org.app;
    let (ok, secret, err) = pactum(
        app,
        &[
            "token",
            "create",
            "--org",
            "municipiul-lugoj",
            "--name",
            "Tablou de bord",
        ],
    );
    assert!(ok, "{err}");
    // Only the secret is on stdout (logs go to stderr), so scripts can
    // capture it with $(pactum token create ...).
    assert!(
        secret.starts_with("pct_t_") && !secret.contains(char::is_whitespace),
        "{secret}"
    );
    let data = app
        .data_as(Some(&secret), "{ organizations { totalCount } }", json!({}))
        .await;
    assert_eq!(data["organizations"]["totalCount"], 1);
    let body = app
        .query_as(
            Some(&secret),
            INVITE,
            json!({ "org": org.gid, "email": "x@lugoj.ro", "role": "VIEWER" }),
        )
        .await;
    assert_eq!(codes(&body), ["FORBIDDEN"], "the default scope is READ");

    let (ok, out, err) = pactum(
        app,
        &[
            "org",
            "add-member",
            "--org",
            "municipiul-lugoj",
            "--email",
            "Primar@Lugoj.ro",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("invited as OWNER"), "{out}");
    let (ok, _, err) = pactum(app, &["token", "create", "--org", "nowhere"]);
    assert!(!ok);
    assert!(err.contains("no organization with slug `nowhere`"), "{err}");

    // Once the person exists, the grant is immediate.
    let user = accounts::user(&app.db, "editor@lugoj.ro", "Editor").await;
    let (ok, out, err) = pactum(
        app,
        &[
            "org",
            "add-member",
            "--org",
            "municipiul-lugoj",
            "--email",
            "editor@lugoj.ro",
            "--role",
            "editor",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("is now EDITOR"), "{out}");
    let session = accounts::session(&app.db, user.id).await;
    let me = app
        .data_as(Some(&session), "{ me { memberships { role } } }", json!({}))
        .await;
    assert_eq!(me["me"]["memberships"], json!([{ "role": "EDITOR" }]));
}

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "the harness fails the test loudly when its set-up breaks"
)]

//! Accounts inserted straight into a test's database: users, memberships,
//! sessions and API tokens, with secrets made the way the server expects
//! them (`pct_s_…` / `pct_t_…`, stored as the hex SHA-256 of the whole
//! secret). [`TestApp::query_as`] and [`TestApp::data_as`] then send
//! queries with `Authorization: Bearer <secret>`.

use chrono::{Duration, Utc};
use entities::{
    api_token,
    enums::{Language, MemberRole, TokenScope},
    membership, session, user,
};
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection, Set};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::TestApp;

/// Prefix of a session secret.
pub const SESSION_PREFIX: &str = "pct_s_";
/// Prefix of an API token secret.
pub const TOKEN_PREFIX: &str = "pct_t_";

/// 32 random bytes as 43 base64url characters (no padding), from two v4
/// UUIDs so the harness needs no random-number crate.
fn random_part() -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bytes = Vec::with_capacity(32);
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    let mut out = String::with_capacity(43);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    debug_assert_eq!(out.len(), 43);
    out
}

/// The lower-case hex SHA-256 of a whole secret, as the server stores it.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Inserts a user with a lower-case `email`.
pub async fn user(db: &DatabaseConnection, email: &str, name: &str) -> user::Model {
    let now = Utc::now();
    user::ActiveModel {
        id: NotSet,
        email: Set(email.to_lowercase()),
        display_name: Set(name.to_owned()),
        preferred_language: Set(Language::Ro),
        created_at: Set(now),
        updated_at: Set(now),
        last_login_at: Set(None),
    }
    .insert(db)
    .await
    .expect("user inserted")
}

/// Makes `user_id` a member of `organization_id` with `role`.
pub async fn membership(
    db: &DatabaseConnection,
    user_id: i64,
    organization_id: i64,
    role: MemberRole,
) -> membership::Model {
    let now = Utc::now();
    membership::ActiveModel {
        id: NotSet,
        user_id: Set(user_id),
        organization_id: Set(organization_id),
        role: Set(role),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .expect("membership inserted")
}

/// Inserts a valid session of `user_id` (idle expiry in a day, absolute in
/// thirty) and returns its secret.
pub async fn session(db: &DatabaseConnection, user_id: i64) -> String {
    let secret = format!("{SESSION_PREFIX}{}", random_part());
    let now = Utc::now();
    session::ActiveModel {
        id: NotSet,
        user_id: Set(user_id),
        token_hash: Set(secret_hash(&secret)),
        user_agent: Set(Some("pactum-tests".to_owned())),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + Duration::days(1)),
        absolute_expires_at: Set(now + Duration::days(30)),
        revoked_at: Set(None),
    }
    .insert(db)
    .await
    .expect("session inserted");
    secret
}

/// A user who reads mail in `language`, member of `org` with `role`, and
/// a session of theirs (its secret).
pub async fn person(
    db: &DatabaseConnection,
    email: &str,
    language: Language,
    org: i64,
    role: MemberRole,
) -> (user::Model, String) {
    let user = user(db, email, &format!("Persoana {email}")).await;
    let mut active: user::ActiveModel = user.into();
    active.preferred_language = Set(language);
    let user = active.update(db).await.expect("language set");
    membership(db, user.id, org, role).await;
    let session = session(db, user.id).await;
    (user, session)
}

/// Inserts a valid API token of `organization_id` with `scope` (expiring in
/// thirty days) and returns its secret.
pub async fn api_token(db: &DatabaseConnection, organization_id: i64, scope: TokenScope) -> String {
    let secret = format!("{TOKEN_PREFIX}{}", random_part());
    let now = Utc::now();
    api_token::ActiveModel {
        id: NotSet,
        organization_id: Set(organization_id),
        name: Set(format!("Integrare de test {scope:?}")),
        scope: Set(scope),
        token_hash: Set(secret_hash(&secret)),
        hint: Set(secret[secret.len() - 4..].to_owned()),
        created_by_id: Set(None),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(30)),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await
    .expect("API token inserted");
    secret
}

/// A new user who is a `role` of `organization_id`, logged in: returns the
/// session secret.
pub async fn member_session(
    db: &DatabaseConnection,
    organization_id: i64,
    role: MemberRole,
) -> String {
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let email = format!("{role:?}-{organization_id}-{tag}@example.ro");
    let person = user(db, &email, &format!("Membru {role:?}")).await;
    membership(db, person.id, organization_id, role).await;
    session(db, person.id).await
}

impl TestApp {
    /// POSTs `body` as JSON with `Authorization: Bearer <secret>` when a
    /// secret is given; returns status and parsed body.
    pub async fn post_json_as(&self, secret: Option<&str>, body: Value) -> (u16, Value) {
        crate::post_graphql(&self.client, &self.address, secret, &body).await
    }

    /// POSTs a query as `secret` (anonymously for `None`) and returns the
    /// response body (any status).
    pub async fn query_as(&self, secret: Option<&str>, query: &str, variables: Value) -> Value {
        self.post_json_as(secret, json!({ "query": query, "variables": variables }))
            .await
            .1
    }

    /// POSTs a query as `secret` and returns `data`, failing the test on
    /// any error.
    pub async fn data_as(&self, secret: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.query_as(secret, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }
}

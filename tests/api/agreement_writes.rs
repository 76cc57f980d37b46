//! The agreement lifecycle through the API, as the people of three
//! organizations live it: drafting, editing with versions, parties,
//! proposing, signing (also at the same moment), declining, withdrawing,
//! terminating, and the expiry job, with every illegal transition refused
//! by name and changing nothing, and the audit log and domain events
//! written alongside.

use chrono::{Days, Utc};
use entities::{
    audit_entry, domain_event,
    enums::{
        ActorKind, AgreementStatus, EventKind, MemberRole, OrganizationKind, TokenScope, Visibility,
    },
};
use pactum::domain::agreement_lifecycle::expire_due;
use pactum_tests::{TestApp, accounts, fixtures, global_id};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

const FIELDS: &str = "id title status version visibility startDate endDate terminationReason
  initiator { name } parties { edges { node { organization { slug } hasSigned signatory declinedAt } } }";

fn create_q() -> String {
    format!(
        "mutation($input: CreateAgreementInput!) {{ createAgreement(input: $input) {{
           agreement {{ {FIELDS} }} userErrors {{ field code message }} }} }}"
    )
}

fn mutation(name: &str, input_type: &str) -> String {
    format!(
        "mutation($input: {input_type}!) {{ {name}(input: $input) {{
           agreement {{ {FIELDS} }} userErrors {{ field code message }} }} }}"
    )
}

const GET: &str = "query($id: ID!) { agreement(id: $id) { status version title
  parties { edges { node { organization { slug } hasSigned declinedAt } } } } }";

/// Three organizations and their people.
struct World {
    app: TestApp,
    a: i64,
    b: i64,
    c: i64,
    /// A's EDITOR, ADMIN, VIEWER.
    a_editor: String,
    a_admin: String,
    a_viewer: String,
    /// B's and C's ADMINs, B's EDITOR.
    b_admin: String,
    b_editor: String,
    c_admin: String,
}

async fn world_with(app: TestApp) -> World {
    let org = |slug: &'static str, name: &'static str, kind| {
        let db = app.db.clone();
        async move {
            fixtures::organization(&db, slug, name, kind, Some("Timiș"))
                .await
                .id
        }
    };
    let a = org(
        "municipiul-lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
    )
    .await;
    let b = org(
        "asociatia-integritas",
        "Asociația Integritas",
        OrganizationKind::Ngo,
    )
    .await;
    let c = org(
        "consiliul-judetean-timis",
        "Consiliul Județean Timiș",
        OrganizationKind::CountyCouncil,
    )
    .await;
    let db = &app.db;
    World {
        a_editor: accounts::member_session(db, a, MemberRole::Editor).await,
        a_admin: accounts::member_session(db, a, MemberRole::Admin).await,
        a_viewer: accounts::member_session(db, a, MemberRole::Viewer).await,
        b_admin: accounts::member_session(db, b, MemberRole::Owner).await,
        b_editor: accounts::member_session(db, b, MemberRole::Editor).await,
        c_admin: accounts::member_session(db, c, MemberRole::Admin).await,
        a,
        b,
        c,
        app,
    }
}

async fn world() -> World {
    world_with(TestApp::spawn().await).await
}

fn org(id: i64) -> String {
    global_id("Organization", id)
}

impl World {
    /// Sends mutation `name` with `input` as `who`; returns the payload.
    async fn run(&self, who: &str, name: &str, input_type: &str, input: Value) -> Value {
        let data = self
            .app
            .data_as(
                Some(who),
                &mutation(name, input_type),
                json!({ "input": input }),
            )
            .await;
        data[name].clone()
    }

    /// The raw response of mutation `name` as `who` (for top-level errors).
    async fn raw(&self, who: Option<&str>, name: &str, input_type: &str, input: Value) -> Value {
        self.app
            .query_as(who, &mutation(name, input_type), json!({ "input": input }))
            .await
    }

    /// A's EDITOR drafts an agreement between A and `others`.
    async fn draft(&self, others: &[i64], visibility: &str) -> (String, Value) {
        let parties: Vec<String> = others.iter().map(|o| org(*o)).collect();
        let data = self
            .app
            .data_as(
                Some(&self.a_editor),
                &create_q(),
                json!({ "input": {
                    "initiatorId": org(self.a),
                    "title": "Acord de cooperare pentru integritate",
                    "kind": "COOPERATION",
                    "objectives": "Schimb de bune practici anticorupție",
                    "startDate": "2026-01-01",
                    "endDate": "2027-12-31",
                    "visibility": visibility,
                    "partyIds": parties,
                } }),
            )
            .await;
        let payload = data["createAgreement"].clone();
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        (
            payload["agreement"]["id"].as_str().unwrap().to_owned(),
            payload["agreement"].clone(),
        )
    }

    async fn get(&self, who: &str, id: &str) -> Value {
        self.app.data_as(Some(who), GET, json!({ "id": id })).await["agreement"].clone()
    }

    async fn propose(&self, id: &str) -> Value {
        self.run(
            &self.a_editor,
            "proposeAgreement",
            "ProposeAgreementInput",
            json!({ "agreementId": id }),
        )
        .await
    }

    async fn sign(&self, who: &str, id: &str, party: i64) -> Value {
        self.run(
            who,
            "signAgreement",
            "SignAgreementInput",
            json!({ "agreementId": id, "organizationId": org(party), "signatory": "Ion Popescu, primar" }),
        )
        .await
    }

    /// Kinds of the domain events recorded about agreement `id`, in order.
    async fn events(&self, id: &str) -> Vec<EventKind> {
        domain_event::Entity::find()
            .filter(domain_event::Column::Entity.eq("Agreement"))
            .filter(domain_event::Column::EntityId.eq(raw_id(id)))
            .order_by_asc(domain_event::Column::Id)
            .all(&self.app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect()
    }

    /// Actions of the audit entries about agreement `id`, in order.
    async fn audit(&self, id: &str) -> Vec<(String, ActorKind)> {
        audit_entry::Entity::find()
            .filter(audit_entry::Column::Entity.eq("Agreement"))
            .filter(audit_entry::Column::EntityId.eq(raw_id(id)))
            .order_by_asc(audit_entry::Column::Id)
            .all(&self.app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.action, e.actor_kind))
            .collect()
    }
}

/// The database id inside a global ID ("Agreement:7" → 7).
fn raw_id(global: &str) -> i64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut n = 0;
    let mut bytes = Vec::new();
    for c in global.bytes() {
        let v = ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            bytes.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    let text = String::from_utf8(bytes).unwrap();
    text.rsplit_once(':').unwrap().1.parse().unwrap()
}

fn slugs(agreement: &Value) -> Vec<String> {
    agreement["parties"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["node"]["organization"]["slug"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

fn user_error(payload: &Value) -> (String, String, Value) {
    assert_eq!(payload["agreement"], Value::Null, "{payload}");
    let e = &payload["userErrors"][0];
    (
        e["code"].as_str().unwrap_or_default().to_owned(),
        e["message"].as_str().unwrap_or_default().to_owned(),
        e["field"].clone(),
    )
}

fn refused_as_illegal(payload: &Value, state: &str) {
    let (code, message, _) = user_error(payload);
    assert_eq!(code, "ILLEGAL_TRANSITION", "{payload}");
    assert!(message.contains(state), "{message} should name {state}");
}

#[tokio::test]
async fn a_draft_is_edited_proposed_signed_into_force_and_terminated() {
    let w = world().await;
    let (id, created) = w.draft(&[w.b], "PARTNERS").await;
    assert_eq!(created["status"], "DRAFT");
    assert_eq!(created["version"], 1);
    assert_eq!(created["visibility"], "PARTNERS");
    assert_eq!(created["initiator"]["name"], "Municipiul Lugoj");
    assert_eq!(
        slugs(&created),
        ["municipiul-lugoj", "asociatia-integritas"]
    );

    // Edits carry the version read; each bumps it.
    let edited = w
        .run(
            &w.a_editor,
            "updateAgreement",
            "UpdateAgreementInput",
            json!({ "agreementId": id, "version": 1, "title": "Protocol de colaborare", "kind": "PROTOCOL",
                    "visibility": "PUBLIC", "endDate": null }),
        )
        .await;
    assert_eq!(edited["userErrors"], json!([]), "{edited}");
    assert_eq!(edited["agreement"]["title"], "Protocol de colaborare");
    assert_eq!(edited["agreement"]["visibility"], "PUBLIC");
    assert_eq!(edited["agreement"]["endDate"], Value::Null);
    assert_eq!(edited["agreement"]["startDate"], "2026-01-01");
    assert_eq!(edited["agreement"]["version"], 2);
    // A stale version changes nothing.
    let stale = w
        .run(
            &w.a_editor,
            "updateAgreement",
            "UpdateAgreementInput",
            json!({ "agreementId": id, "version": 1, "title": "Altceva" }),
        )
        .await;
    assert_eq!(user_error(&stale).0, "CONFLICT");
    let now = w.get(&w.a_editor, &id).await;
    assert_eq!(
        (now["title"].as_str(), now["version"].as_i64()),
        (Some("Protocol de colaborare"), Some(2))
    );
    // Dates in the wrong order are the user's to fix.
    let bad = w
        .run(
            &w.a_editor,
            "updateAgreement",
            "UpdateAgreementInput",
            json!({ "agreementId": id, "version": 2, "endDate": "2025-01-01" }),
        )
        .await;
    assert_eq!(user_error(&bad).2, "endDate");

    // Parties come and go while it is a DRAFT; the initiator stays.
    let added = w
        .run(
            &w.a_editor,
            "addAgreementParty",
            "AgreementPartyInput",
            json!({ "agreementId": id, "version": 2, "organizationId": org(w.c) }),
        )
        .await;
    assert_eq!(slugs(&added["agreement"]).len(), 3, "{added}");
    assert_eq!(added["agreement"]["version"], 3);
    let again = w
        .run(
            &w.a_editor,
            "addAgreementParty",
            "AgreementPartyInput",
            json!({ "agreementId": id, "version": 3, "organizationId": org(w.c) }),
        )
        .await;
    assert_eq!(user_error(&again).2, "organizationId");
    let removed = w
        .run(
            &w.a_editor,
            "removeAgreementParty",
            "AgreementPartyInput",
            json!({ "agreementId": id, "version": 3, "organizationId": org(w.c) }),
        )
        .await;
    assert_eq!(
        slugs(&removed["agreement"]),
        ["municipiul-lugoj", "asociatia-integritas"]
    );
    assert_eq!(removed["agreement"]["version"], 4);
    let initiator = w
        .run(
            &w.a_editor,
            "removeAgreementParty",
            "AgreementPartyInput",
            json!({ "agreementId": id, "version": 4, "organizationId": org(w.a) }),
        )
        .await;
    let (code, message, field) = user_error(&initiator);
    assert_eq!(
        (code.as_str(), field),
        ("INVALID_INPUT", json!("organizationId"))
    );
    assert!(message.contains("initiator"), "{message}");

    // Proposed with the version reviewed.
    let stale = w
        .run(
            &w.a_editor,
            "proposeAgreement",
            "ProposeAgreementInput",
            json!({ "agreementId": id, "version": 3 }),
        )
        .await;
    assert_eq!(user_error(&stale).0, "CONFLICT");
    let proposed = w
        .run(
            &w.a_editor,
            "proposeAgreement",
            "ProposeAgreementInput",
            json!({ "agreementId": id, "version": 4 }),
        )
        .await;
    assert_eq!(proposed["agreement"]["status"], "PROPOSED", "{proposed}");
    assert_eq!(proposed["agreement"]["version"], 5);

    // Each party's ADMIN or OWNER signs for it; the last signature
    // activates.
    let blank = w
        .run(
            &w.a_admin,
            "signAgreement",
            "SignAgreementInput",
            json!({ "agreementId": id, "organizationId": org(w.a), "signatory": "  " }),
        )
        .await;
    assert_eq!(user_error(&blank).2, "signatory");
    let first = w.sign(&w.a_admin, &id, w.a).await;
    assert_eq!(first["agreement"]["status"], "PROPOSED", "{first}");
    assert_eq!(
        first["agreement"]["parties"]["edges"][0]["node"]["signatory"],
        "Ion Popescu, primar"
    );
    let last = w.sign(&w.b_admin, &id, w.b).await;
    assert_eq!(last["agreement"]["status"], "ACTIVE", "{last}");
    assert_eq!(last["agreement"]["version"], 7);
    assert!(
        last["agreement"]["parties"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["hasSigned"] == true)
    );

    // Any party ends it early, with a reason.
    let no_reason = w
        .run(
            &w.b_admin,
            "terminateAgreement",
            "TerminateAgreementInput",
            json!({ "agreementId": id, "organizationId": org(w.b), "reason": " " }),
        )
        .await;
    assert_eq!(user_error(&no_reason).2, "reason");
    let ended = w
        .run(
            &w.b_admin,
            "terminateAgreement",
            "TerminateAgreementInput",
            json!({ "agreementId": id, "organizationId": org(w.b), "reason": "Asociația își încetează activitatea" }),
        )
        .await;
    assert_eq!(ended["agreement"]["status"], "TERMINATED", "{ended}");
    assert_eq!(
        ended["agreement"]["terminationReason"],
        "Asociația își încetează activitatea"
    );
    assert_eq!(ended["agreement"]["version"], 8);

    use EventKind::*;
    assert_eq!(
        w.events(&id).await,
        [
            AgreementProposed,
            AgreementSigned,
            AgreementSigned,
            AgreementActivated,
            AgreementTerminated
        ]
    );
    let actions: Vec<String> = w.audit(&id).await.into_iter().map(|(a, _)| a).collect();
    assert_eq!(
        actions,
        [
            "agreement.create",
            "agreement.update",
            "agreement.add_party",
            "agreement.remove_party",
            "agreement.propose",
            "agreement.sign",
            "agreement.sign",
            "agreement.terminate",
        ]
    );
    // The audit log is readable through the API by the initiator's ADMIN.
    let log = w
        .app
        .data_as(
            Some(&w.a_admin),
            "query($org: ID!) { organization(id: $org) { auditLog(first: 50, filter: { entity: \"Agreement\" }) { totalCount } } }",
            json!({ "org": org(w.a) }),
        )
        .await;
    assert_eq!(log["organization"]["auditLog"]["totalCount"], 6, "{log}");
}

#[tokio::test]
async fn illegal_transitions_are_refused_by_name_and_change_nothing() {
    let w = world().await;
    let (id, _) = w.draft(&[w.b], "PRIVATE").await;

    // Before proposal nothing can be signed, declined or terminated.
    refused_as_illegal(&w.sign(&w.b_admin, &id, w.b).await, "DRAFT");
    let decline = json!({ "agreementId": id, "organizationId": org(w.b) });
    refused_as_illegal(
        &w.run(
            &w.b_admin,
            "declineAgreement",
            "DeclineAgreementInput",
            decline.clone(),
        )
        .await,
        "DRAFT",
    );
    let terminate =
        json!({ "agreementId": id, "organizationId": org(w.b), "reason": "Nu mai e nevoie" });
    refused_as_illegal(
        &w.run(
            &w.b_admin,
            "terminateAgreement",
            "TerminateAgreementInput",
            terminate.clone(),
        )
        .await,
        "DRAFT",
    );
    // One party is not an agreement.
    let (solo, _) = w.draft(&[], "PRIVATE").await;
    assert_eq!(user_error(&w.propose(&solo).await).0, "NOT_ENOUGH_PARTIES");

    let proposed = w.propose(&id).await;
    assert_eq!(proposed["agreement"]["status"], "PROPOSED");
    let version = proposed["agreement"]["version"].clone();
    // A proposal is no longer edited.
    refused_as_illegal(
        &w.run(
            &w.a_editor,
            "updateAgreement",
            "UpdateAgreementInput",
            json!({ "agreementId": id, "version": version, "title": "Schimbat" }),
        )
        .await,
        "PROPOSED",
    );
    refused_as_illegal(
        &w.run(
            &w.a_editor,
            "addAgreementParty",
            "AgreementPartyInput",
            json!({ "agreementId": id, "version": version, "organizationId": org(w.c) }),
        )
        .await,
        "PROPOSED",
    );
    refused_as_illegal(
        &w.run(
            &w.a_editor,
            "removeAgreementParty",
            "AgreementPartyInput",
            json!({ "agreementId": id, "version": version, "organizationId": org(w.b) }),
        )
        .await,
        "PROPOSED",
    );
    refused_as_illegal(&w.propose(&id).await, "PROPOSED");
    refused_as_illegal(
        &w.run(
            &w.b_admin,
            "terminateAgreement",
            "TerminateAgreementInput",
            terminate.clone(),
        )
        .await,
        "PROPOSED",
    );

    // Signing twice, or declining after signing, is refused.
    w.sign(&w.a_admin, &id, w.a).await;
    refused_as_illegal(&w.sign(&w.a_admin, &id, w.a).await, "already signed");
    refused_as_illegal(
        &w.run(
            &w.a_admin,
            "declineAgreement",
            "DeclineAgreementInput",
            json!({ "agreementId": id, "organizationId": org(w.a) }),
        )
        .await,
        "already signed",
    );
    let before = w.get(&w.a_admin, &id).await;

    // In force, it is neither proposed, withdrawn, signed nor declined.
    let active = w.sign(&w.b_admin, &id, w.b).await;
    assert_eq!(active["agreement"]["status"], "ACTIVE");
    assert_eq!(
        active["agreement"]["version"].as_i64(),
        before["version"].as_i64().map(|v| v + 1)
    );
    let events_before = w.events(&id).await.len();
    let audit_before = w.audit(&id).await.len();
    refused_as_illegal(&w.propose(&id).await, "ACTIVE");
    refused_as_illegal(&w.sign(&w.b_admin, &id, w.b).await, "ACTIVE");
    refused_as_illegal(
        &w.run(
            &w.b_admin,
            "declineAgreement",
            "DeclineAgreementInput",
            decline.clone(),
        )
        .await,
        "ACTIVE",
    );
    refused_as_illegal(
        &w.run(
            &w.a_admin,
            "withdrawAgreement",
            "WithdrawAgreementInput",
            json!({ "agreementId": id }),
        )
        .await,
        "ACTIVE",
    );
    let after = w.get(&w.a_admin, &id).await;
    assert_eq!(after["status"], "ACTIVE");
    assert_eq!(after["version"], active["agreement"]["version"]);
    assert_eq!(w.events(&id).await.len(), events_before);
    assert_eq!(w.audit(&id).await.len(), audit_before);

    // Ended agreements stay ended.
    w.run(
        &w.b_admin,
        "terminateAgreement",
        "TerminateAgreementInput",
        terminate.clone(),
    )
    .await;
    refused_as_illegal(
        &w.run(
            &w.b_admin,
            "terminateAgreement",
            "TerminateAgreementInput",
            terminate,
        )
        .await,
        "TERMINATED",
    );
}

#[tokio::test]
async fn a_party_declines_and_the_initiator_withdraws() {
    let w = world().await;
    // Declined by a party that has not signed.
    let (declined, _) = w.draft(&[w.b, w.c], "PRIVATE").await;
    w.propose(&declined).await;
    w.sign(&w.a_admin, &declined, w.a).await;
    let payload = w
        .run(
            &w.c_admin,
            "declineAgreement",
            "DeclineAgreementInput",
            json!({ "agreementId": declined, "organizationId": org(w.c) }),
        )
        .await;
    assert_eq!(payload["agreement"]["status"], "DECLINED", "{payload}");
    let c_party = &payload["agreement"]["parties"]["edges"][2]["node"];
    assert_eq!(c_party["organization"]["slug"], "consiliul-judetean-timis");
    assert!(c_party["declinedAt"].is_string());
    refused_as_illegal(&w.sign(&w.b_admin, &declined, w.b).await, "DECLINED");
    refused_as_illegal(
        &w.run(
            &w.a_admin,
            "withdrawAgreement",
            "WithdrawAgreementInput",
            json!({ "agreementId": declined }),
        )
        .await,
        "DECLINED",
    );

    // Withdrawn while proposed, and while a draft.
    let (proposed, _) = w.draft(&[w.b], "PRIVATE").await;
    w.propose(&proposed).await;
    let withdraw = |id: &str| json!({ "agreementId": id });
    let payload = w
        .run(
            &w.a_admin,
            "withdrawAgreement",
            "WithdrawAgreementInput",
            withdraw(&proposed),
        )
        .await;
    assert_eq!(payload["agreement"]["status"], "WITHDRAWN", "{payload}");
    refused_as_illegal(&w.sign(&w.b_admin, &proposed, w.b).await, "WITHDRAWN");
    let (draft, _) = w.draft(&[w.b], "PRIVATE").await;
    let payload = w
        .run(
            &w.a_admin,
            "withdrawAgreement",
            "WithdrawAgreementInput",
            withdraw(&draft),
        )
        .await;
    assert_eq!(payload["agreement"]["status"], "WITHDRAWN", "{payload}");
    refused_as_illegal(
        &w.run(
            &w.a_admin,
            "withdrawAgreement",
            "WithdrawAgreementInput",
            withdraw(&draft),
        )
        .await,
        "WITHDRAWN",
    );

    use EventKind::*;
    assert_eq!(
        w.events(&declined).await,
        [AgreementProposed, AgreementSigned, AgreementDeclined]
    );
    assert_eq!(
        w.events(&proposed).await,
        [AgreementProposed, AgreementWithdrawn]
    );
    assert_eq!(w.events(&draft).await, [AgreementWithdrawn]);
    let event = domain_event::Entity::find()
        .filter(domain_event::Column::Kind.eq(AgreementDeclined))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event.organization_id, Some(w.c));
    let payload: Value = serde_json::from_str(&event.payload).unwrap();
    assert_eq!(payload["party"], w.c);
}

#[tokio::test]
async fn who_may_do_what_is_the_policys() {
    let w = world().await;
    let create = |initiator: i64| json!({ "initiatorId": org(initiator), "title": "Acord", "kind": "MEMORANDUM", "partyIds": [org(w.b)] });
    // Drafting takes an EDITOR of the initiator (a READ_WRITE token is one).
    let body = w
        .raw(None, "createAgreement", "CreateAgreementInput", create(w.a))
        .await;
    assert_eq!(TestApp::codes(&body), ["UNAUTHENTICATED"]);
    for who in [&w.a_viewer, &w.b_admin] {
        let body = w
            .raw(
                Some(who),
                "createAgreement",
                "CreateAgreementInput",
                create(w.a),
            )
            .await;
        assert_eq!(TestApp::codes(&body), ["FORBIDDEN"], "{body}");
    }
    let read = accounts::api_token(&w.app.db, w.a, TokenScope::Read).await;
    let body = w
        .raw(
            Some(&read),
            "createAgreement",
            "CreateAgreementInput",
            create(w.a),
        )
        .await;
    assert_eq!(TestApp::codes(&body), ["FORBIDDEN"]);
    let write = accounts::api_token(&w.app.db, w.a, TokenScope::ReadWrite).await;
    let payload = w
        .run(
            &write,
            "createAgreement",
            "CreateAgreementInput",
            create(w.a),
        )
        .await;
    assert_eq!(payload["agreement"]["status"], "DRAFT", "{payload}");
    let by_token = payload["agreement"]["id"].as_str().unwrap().to_owned();
    let payload = w
        .run(
            &write,
            "proposeAgreement",
            "ProposeAgreementInput",
            json!({ "agreementId": by_token }),
        )
        .await;
    assert_eq!(payload["agreement"]["status"], "PROPOSED", "{payload}");
    // ... but a token never signs: a signature is a person's.
    let body = w
        .raw(
            Some(&write),
            "signAgreement",
            "SignAgreementInput",
            json!({ "agreementId": by_token, "organizationId": org(w.a), "signatory": "Robot" }),
        )
        .await;
    assert_eq!(TestApp::codes(&body), ["FORBIDDEN"]);

    let (id, _) = w.draft(&[w.b], "PRIVATE").await;
    // A co-party sees the draft but does not edit it; a stranger does not
    // even see it.
    let edit = json!({ "agreementId": id, "version": 1, "title": "Al nostru" });
    let body = w
        .raw(
            Some(&w.b_admin),
            "updateAgreement",
            "UpdateAgreementInput",
            edit.clone(),
        )
        .await;
    assert_eq!(TestApp::codes(&body), ["FORBIDDEN"]);
    let body = w
        .raw(
            Some(&w.c_admin),
            "updateAgreement",
            "UpdateAgreementInput",
            edit,
        )
        .await;
    assert_eq!(TestApp::codes(&body), ["NOT_FOUND"]);
    w.propose(&id).await;

    // Signing takes that party's ADMIN or OWNER.
    let sign =
        |party: i64| json!({ "agreementId": id, "organizationId": org(party), "signatory": "X" });
    for (who, party) in [(&w.a_editor, w.a), (&w.b_editor, w.b), (&w.b_admin, w.a)] {
        let body = w
            .raw(
                Some(who),
                "signAgreement",
                "SignAgreementInput",
                sign(party),
            )
            .await;
        assert_eq!(TestApp::codes(&body), ["FORBIDDEN"], "{body}");
    }
    let body = w
        .raw(
            Some(&w.c_admin),
            "signAgreement",
            "SignAgreementInput",
            sign(w.c),
        )
        .await;
    assert_eq!(
        TestApp::codes(&body),
        ["NOT_FOUND"],
        "a stranger's signature on a private agreement"
    );
    // Withdrawing takes the initiator's ADMIN or OWNER.
    let withdraw = json!({ "agreementId": id });
    for who in [&w.a_editor, &w.b_admin] {
        let body = w
            .raw(
                Some(who),
                "withdrawAgreement",
                "WithdrawAgreementInput",
                withdraw.clone(),
            )
            .await;
        assert_eq!(TestApp::codes(&body), ["FORBIDDEN"], "{body}");
    }
    let now = w.get(&w.a_admin, &id).await;
    assert_eq!(
        (now["status"].as_str(), now["version"].as_i64()),
        (Some("PROPOSED"), Some(2))
    );
    assert_eq!(w.events(&id).await, [EventKind::AgreementProposed]);

    // A public agreement is seen by all, but only parties sign it.
    let (public, _) = w.draft(&[w.b], "PUBLIC").await;
    w.propose(&public).await;
    let payload = w.sign(&w.c_admin, &public, w.c).await;
    assert_eq!(user_error(&payload).2, "organizationId");
    // Terminating takes a party's ADMIN or OWNER.
    w.sign(&w.a_admin, &public, w.a).await;
    w.sign(&w.b_admin, &public, w.b).await;
    let terminate = |party: i64| json!({ "agreementId": public, "organizationId": org(party), "reason": "Motiv" });
    let body = w
        .raw(
            Some(&w.b_editor),
            "terminateAgreement",
            "TerminateAgreementInput",
            terminate(w.b),
        )
        .await;
    assert_eq!(TestApp::codes(&body), ["FORBIDDEN"]);
    let payload = w
        .run(
            &w.c_admin,
            "terminateAgreement",
            "TerminateAgreementInput",
            terminate(w.c),
        )
        .await;
    assert_eq!(user_error(&payload).2, "organizationId");
    assert_eq!(w.get(&w.a_admin, &public).await["status"], "ACTIVE");
}

#[tokio::test]
async fn the_last_two_signatures_at_the_same_moment_activate_once() {
    let w = world().await;
    for round in 0..4 {
        // Two parties, or three with the initiator signed first.
        let others: &[i64] = if round % 2 == 0 { &[w.b] } else { &[w.b, w.c] };
        let (id, _) = w.draft(others, "PRIVATE").await;
        w.propose(&id).await;
        let (first, second) = if round % 2 == 0 {
            (w.sign(&w.a_admin, &id, w.a), w.sign(&w.b_admin, &id, w.b))
        } else {
            w.sign(&w.a_admin, &id, w.a).await;
            (w.sign(&w.b_admin, &id, w.b), w.sign(&w.c_admin, &id, w.c))
        };
        let (first, second) = tokio::join!(first, second);
        assert_eq!(first["userErrors"], json!([]), "{first}");
        assert_eq!(second["userErrors"], json!([]), "{second}");
        let statuses = [
            first["agreement"]["status"].clone(),
            second["agreement"]["status"].clone(),
        ];
        assert!(
            statuses.contains(&json!("ACTIVE")) && statuses.contains(&json!("PROPOSED")),
            "{statuses:?}"
        );
        let now = w.get(&w.a_admin, &id).await;
        assert_eq!(now["status"], "ACTIVE");
        assert!(
            now["parties"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["node"]["hasSigned"] == true),
            "{now}"
        );
        let events = w.events(&id).await;
        let count = |kind| events.iter().filter(|e| **e == kind).count();
        assert_eq!(count(EventKind::AgreementActivated), 1, "{events:?}");
        assert_eq!(
            count(EventKind::AgreementSigned),
            others.len() + 1,
            "{events:?}"
        );
        assert_eq!(events.last(), Some(&EventKind::AgreementActivated));
    }
}

#[tokio::test]
async fn expire_due_ends_active_agreements_past_their_end_date() {
    let w = world().await;
    let today = Utc::now().date_naive();
    // `fixtures::agreement` ends a year (365 days) after its start.
    let starting = |days_ago: u64| Some(today - Days::new(days_ago));
    let ins = |title: &'static str, status, start| {
        let db = w.app.db.clone();
        let parties = [w.a, w.b];
        async move {
            fixtures::agreement(&db, title, &parties, status, Visibility::Public, start)
                .await
                .id
        }
    };
    let past = ins("Expirat ieri", AgreementStatus::Active, starting(366)).await;
    let ends_today = ins("Expiră azi", AgreementStatus::Active, starting(365)).await;
    let open_ended = ins("Fără termen", AgreementStatus::Active, None).await;
    let proposed = ins("Propus, expirat", AgreementStatus::Proposed, starting(500)).await;

    assert_eq!(expire_due(&w.app.db, today).await.unwrap(), 1);
    let status = |id: i64| {
        let w = &w;
        async move { w.get(&w.a_admin, &global_id("Agreement", id)).await }
    };
    let expired = status(past).await;
    assert_eq!(
        (expired["status"].as_str(), expired["version"].as_i64()),
        (Some("EXPIRED"), Some(2))
    );
    for (id, state) in [
        (ends_today, "ACTIVE"),
        (open_ended, "ACTIVE"),
        (proposed, "PROPOSED"),
    ] {
        assert_eq!(status(id).await["status"], state);
    }
    let gid = global_id("Agreement", past);
    assert_eq!(w.events(&gid).await, [EventKind::AgreementExpired]);
    assert_eq!(
        w.audit(&gid).await,
        [("agreement.expire".to_owned(), ActorKind::System)]
    );
    // Nothing left to do the second time; the next day, the next one.
    assert_eq!(expire_due(&w.app.db, today).await.unwrap(), 0);
    assert_eq!(
        expire_due(&w.app.db, today + Days::new(1)).await.unwrap(),
        1
    );
    assert_eq!(status(ends_today).await["status"], "EXPIRED");
    // Expired is final.
    refused_as_illegal(
        &w.run(
            &w.b_admin,
            "terminateAgreement",
            "TerminateAgreementInput",
            json!({ "agreementId": gid, "organizationId": org(w.b), "reason": "Prea târziu" }),
        )
        .await,
        "EXPIRED",
    );
}

#[tokio::test]
async fn the_server_runs_the_expiry_job_on_its_own() {
    let w =
        world_with(TestApp::spawn_with(|config| config.expiry_interval_seconds = 1).await).await;
    let today = Utc::now().date_naive();
    let past = fixtures::agreement(
        &w.app.db,
        "Acord încheiat",
        &[w.a, w.b],
        AgreementStatus::Active,
        Visibility::Public,
        Some(today - Days::new(400)),
    )
    .await;
    let id = global_id("Agreement", past.id);
    let mut status = String::new();
    for _ in 0..40 {
        status = w.get(&w.a_admin, &id).await["status"]
            .as_str()
            .unwrap()
            .to_owned();
        if status == "EXPIRED" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(status, "EXPIRED", "the job did not run within 10 seconds");
    assert_eq!(w.events(&id).await, [EventKind::AgreementExpired]);
}

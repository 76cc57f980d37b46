//! The maintained dashboard figures are exact. Four organizations' people
//! make a seeded random mix of writes through the API (documents created
//! and re-shared, agreements drafted, parties removed, proposed, signed,
//! declined, terminated, activities planned, co-organized, completed,
//! cancelled, participation set), plus a few straight in the database as an
//! operator would (a participation row deleted, a county corrected, an
//! agreement past its end date). After each round, every `stats` figure,
//! for every actor of the visibility matrix, overall and scoped to an
//! organization, must equal a count this test makes itself from the rows:
//! with the changes unfolded, after `pactum stats fold`, after more writes,
//! and after `pactum stats rebuild` repairs aggregates damaged by hand.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Days, NaiveDate, Utc};
use entities::{
    activity, activity_organizer, activity_participation, agreement, agreement_party, document,
    enums::{MemberRole, OrganizationKind, TokenScope},
    organization,
};
use pactum_tests::{TestApp, accounts, fixtures, global_id};
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use serde_json::{Value, json};

const STATS: &str = "query($org: ID) { stats(organizationId: $org) {
  agreementsByStatus { key count } agreementsByKind { key count }
  agreementsByMonth { key count } agreementsByCounty { key count }
  in30: agreementsExpiring(withinDays: 30) in90: agreementsExpiring(withinDays: 90)
  documentsByKind { key count } documentsByMonth { key count }
  activitiesByKind { key activities participants }
  activitiesByQuarter { key activities participants }
  peopleTrainedByYear { key count } organizationsByCounty { key count } } }";

/// A small seeded generator (xorshift), so a failure replays.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.roll(items.len())]
    }
}

/// Who looks at the dashboard: a credential (none: anonymous) and the
/// organizations it belongs to.
struct Viewer {
    name: &'static str,
    secret: Option<String>,
    members: Vec<i64>,
}

struct World {
    app: TestApp,
    orgs: [i64; 4],
    /// OWNER of all four organizations: makes the writes.
    operator: String,
    viewers: Vec<Viewer>,
    dice: Dice,
    documents: Vec<(String, i64)>,
    agreements: Vec<String>,
    activities: Vec<String>,
}

const VISIBILITIES: [&str; 3] = ["PUBLIC", "PARTNERS", "PRIVATE"];
const DOCUMENT_KINDS: [&str; 4] = ["GOOD_PRACTICE_GUIDE", "PROCEDURE", "REPORT", "STRATEGY"];
const AGREEMENT_KINDS: [&str; 3] = ["COOPERATION", "PARTNERSHIP", "PROTOCOL"];
const ACTIVITY_KINDS: [&str; 3] = ["TRAINING_COURSE", "WORKSHOP", "AWARENESS_CAMPAIGN"];
const ROLES: [&str; 3] = ["CIVIL_SERVANT", "TRAINER", "CITIZEN"];

fn org_id(id: i64) -> String {
    global_id("Organization", id)
}

fn day(offset: i64) -> String {
    let today = Utc::now().date_naive();
    let d = if offset >= 0 {
        today + Days::new(offset.unsigned_abs())
    } else {
        today - Days::new(offset.unsigned_abs())
    };
    d.to_string()
}

impl World {
    async fn new() -> Self {
        let app = TestApp::spawn().await;
        let mut orgs = [0; 4];
        for (i, (slug, county)) in [
            ("municipiul-lugoj", Some("Timiș")),
            ("asociatia-integritas", Some("Timiș")),
            ("municipiul-dej", Some("Cluj")),
            ("asociatia-fara-judet", None),
        ]
        .into_iter()
        .enumerate()
        {
            orgs[i] = fixtures::organization(&app.db, slug, slug, OrganizationKind::Ngo, county)
                .await
                .id;
        }
        let db = &app.db;
        let person = accounts::user(db, "operator@example.ro", "Operator").await;
        for org in orgs {
            accounts::membership(db, person.id, org, MemberRole::Owner).await;
        }
        let operator = accounts::session(db, person.id).await;
        let [a, b, c, _] = orgs;
        let viewers = vec![
            Viewer {
                name: "anonymous",
                secret: None,
                members: vec![],
            },
            Viewer {
                name: "viewer of A",
                secret: Some(accounts::member_session(db, a, MemberRole::Viewer).await),
                members: vec![a],
            },
            Viewer {
                name: "viewer of B",
                secret: Some(accounts::member_session(db, b, MemberRole::Viewer).await),
                members: vec![b],
            },
            Viewer {
                name: "viewer of C",
                secret: Some(accounts::member_session(db, c, MemberRole::Viewer).await),
                members: vec![c],
            },
            Viewer {
                name: "read token of A",
                secret: Some(accounts::api_token(db, a, TokenScope::Read).await),
                members: vec![a],
            },
            Viewer {
                name: "owner of all",
                secret: Some(operator.clone()),
                members: orgs.to_vec(),
            },
        ];
        Self {
            app,
            orgs,
            operator,
            viewers,
            dice: Dice(0x5eed_2026_1201),
            documents: Vec::new(),
            agreements: Vec::new(),
            activities: Vec::new(),
        }
    }

    /// Runs mutation `name` as the operator; the payload's record.
    async fn write(&self, name: &str, input: Value, record: &str, fields: &str) -> Value {
        let input_type = match name {
            "acceptCoOrganizing" => "CoOrganizerInput".to_owned(),
            "removeAgreementParty" => "AgreementPartyInput".to_owned(),
            _ => format!("{}{}Input", name[..1].to_uppercase(), &name[1..]),
        };
        let query = format!(
            "mutation($input: {input_type}!) {{ {name}(input: $input) {{
               {record} {{ {fields} }} userErrors {{ field code message }} }} }}"
        );
        let data = self
            .app
            .data_as(Some(&self.operator), &query, json!({ "input": input }))
            .await;
        let payload = &data[name];
        assert_eq!(
            payload["userErrors"],
            json!([]),
            "{name} {input}: {payload}"
        );
        payload[record].clone()
    }

    fn org(&mut self) -> i64 {
        *self.dice.pick(&self.orgs)
    }

    async fn create_document(&mut self) {
        let owner = self.org();
        let published = match self.dice.roll(3) {
            0 => Value::Null,
            n => json!(day(-(n as i64) * 200)),
        };
        let input = json!({
            "ownerId": org_id(owner), "title": "Ghid de integritate",
            "kind": self.dice.pick(&DOCUMENT_KINDS), "visibility": self.dice.pick(&VISIBILITIES),
            "publishedOn": published,
        });
        let doc = self
            .write("createDocument", input, "document", "id version")
            .await;
        self.documents.push((
            doc["id"].as_str().unwrap().to_owned(),
            doc["version"].as_i64().unwrap(),
        ));
    }

    async fn reshare_document(&mut self) {
        if self.documents.is_empty() {
            return;
        }
        let i = self.dice.roll(self.documents.len());
        let (id, version) = self.documents[i].clone();
        let input = json!({ "documentId": id, "version": version,
            "visibility": self.dice.pick(&VISIBILITIES) });
        let doc = self
            .write("changeDocumentVisibility", input, "document", "version")
            .await;
        self.documents[i].1 = doc["version"].as_i64().unwrap();
    }

    async fn draft_agreement(&mut self) {
        let initiator = self.org();
        let others: Vec<String> = self
            .orgs
            .iter()
            .filter(|o| **o != initiator && self.dice.roll(2) == 0)
            .map(|o| org_id(*o))
            .collect();
        let end = *self.dice.pick(&[20, 60, 400]);
        let start = match self.dice.roll(3) {
            0 => Value::Null,
            n => json!(day(-(n as i64) * 45)),
        };
        let input = json!({
            "initiatorId": org_id(initiator), "title": "Acord de cooperare privind integritatea",
            "kind": self.dice.pick(&AGREEMENT_KINDS), "visibility": self.dice.pick(&VISIBILITIES),
            "startDate": start, "endDate": day(end), "partyIds": others,
        });
        let agreement = self
            .write("createAgreement", input, "agreement", "id")
            .await;
        self.agreements
            .push(agreement["id"].as_str().unwrap().to_owned());
    }

    /// Moves a random agreement one step on: a party removed from a DRAFT
    /// (or the DRAFT proposed), a PROPOSED one signed or declined by a
    /// party, an ACTIVE one terminated now and then.
    async fn advance_agreement(&mut self) {
        if self.agreements.is_empty() {
            return;
        }
        // The newest agreements most often, so that many get far.
        let n = self.agreements.len();
        let id = self.agreements[n - 1 - self.dice.roll(n.min(3))].clone();
        let fields = "status version initiator { id } parties { edges { node {
            organization { id } hasSigned declinedAt } } }";
        let now = self
            .app
            .data_as(
                Some(&self.operator),
                &format!("query($id: ID!) {{ agreement(id: $id) {{ {fields} }} }}"),
                json!({ "id": id }),
            )
            .await["agreement"]
            .clone();
        let initiator = now["initiator"]["id"].clone();
        let parties: Vec<&Value> = now["parties"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["node"])
            .collect();
        let pending: Vec<Value> = parties
            .iter()
            .filter(|p| p["hasSigned"] == false && p["declinedAt"].is_null())
            .map(|p| p["organization"]["id"].clone())
            .collect();
        let others: Vec<Value> = parties
            .iter()
            .map(|p| p["organization"]["id"].clone())
            .filter(|o| *o != initiator)
            .collect();
        let roll = self.dice.roll(6);
        match now["status"].as_str().unwrap() {
            "DRAFT" if roll == 0 && others.len() > 1 => {
                let input = json!({ "agreementId": id, "version": now["version"],
                    "organizationId": others[0] });
                self.write("removeAgreementParty", input, "agreement", "id")
                    .await;
            }
            "DRAFT" if !others.is_empty() => {
                let input = json!({ "agreementId": id });
                self.write("proposeAgreement", input, "agreement", "id")
                    .await;
            }
            "PROPOSED" if roll == 0 && !pending.is_empty() => {
                let input = json!({ "agreementId": id, "organizationId": pending[0] });
                self.write("declineAgreement", input, "agreement", "id")
                    .await;
            }
            "PROPOSED" if !pending.is_empty() => {
                let input = json!({ "agreementId": id, "organizationId": pending[0],
                    "signatory": "Ion Popescu, primar" });
                self.write("signAgreement", input, "agreement", "id").await;
            }
            "ACTIVE" if roll == 0 => {
                let input = json!({ "agreementId": id, "organizationId": initiator,
                    "reason": "Proiect încheiat" });
                self.write("terminateAgreement", input, "agreement", "id")
                    .await;
            }
            _ => {}
        }
    }

    async fn plan_activity(&mut self) {
        let org = self.org();
        let start = *self.dice.pick(&[-400, -100, -10, 30]);
        let input = json!({
            "organizationId": org_id(org), "title": "Curs de etică și integritate",
            "kind": self.dice.pick(&ACTIVITY_KINDS), "visibility": self.dice.pick(&VISIBILITIES),
            "startDate": day(start), "endDate": day(start + 1), "place": "Lugoj, sala de consiliu",
        });
        let activity = self.write("createActivity", input, "activity", "id").await;
        self.activities
            .push(activity["id"].as_str().unwrap().to_owned());
    }

    /// Moves a random activity on: participation set, a co-organizer
    /// invited and accepted, completed (when it has started) or cancelled.
    async fn advance_activity(&mut self) {
        if self.activities.is_empty() {
            return;
        }
        let n = self.activities.len();
        let id = self.activities[n - 1 - self.dice.roll(n.min(3))].clone();
        let now = self
            .app
            .data_as(
                Some(&self.operator),
                "query($id: ID!) { activity(id: $id) { status version startDate } }",
                json!({ "id": id }),
            )
            .await["activity"]
            .clone();
        if now["status"] != "PLANNED" && now["status"] != "COMPLETED" {
            return;
        }
        let started = now["startDate"].as_str().unwrap() <= day(0).as_str();
        let org = org_id(self.org());
        match self.dice.roll(6) {
            0 | 1 => {
                let input = json!({ "activityId": id, "organizationId": org,
                    "role": self.dice.pick(&ROLES), "count": self.dice.roll(30) });
                self.write("setParticipation", input, "activity", "id")
                    .await;
            }
            2 => {
                let data = self
                    .app
                    .query_as(
                        Some(&self.operator),
                        "mutation($i: CoOrganizerInput!) { inviteCoOrganizer(input: $i) {
                           userErrors { code } } }",
                        json!({ "i": { "activityId": id, "organizationId": org } }),
                    )
                    .await;
                // Inviting the lead or an organization already listed is
                // refused; any other invitation is then accepted.
                if data["data"]["inviteCoOrganizer"]["userErrors"] == json!([]) {
                    let input = json!({ "activityId": id, "organizationId": org });
                    self.write("acceptCoOrganizing", input, "activity", "id")
                        .await;
                }
            }
            3 | 4 if started && now["status"] == "PLANNED" => {
                let input = json!({ "activityId": id, "version": now["version"],
                    "outcomes": "Participanții au primit certificate",
                    "participation": [{ "organizationId": org, "role": "CIVIL_SERVANT",
                                        "count": self.dice.roll(25) }] });
                self.write("completeActivity", input, "activity", "id")
                    .await;
            }
            5 if now["status"] == "PLANNED" => {
                let input = json!({ "activityId": id, "version": now["version"] });
                self.write("cancelActivity", input, "activity", "id").await;
            }
            _ => {}
        }
    }

    /// What an operator might do in SQL: delete a participation row,
    /// correct a county, end an agreement's term in the past.
    async fn write_in_the_database(&mut self) {
        let sql = match self.dice.roll(6) {
            0 | 3 => "DELETE FROM activity_participations WHERE id = \
                      (SELECT MIN(id) FROM activity_participations)"
                .to_owned(),
            1 | 4 => format!(
                "UPDATE organizations SET county = '{}' WHERE id = {}",
                self.dice.pick(&["Cluj", "Timiș", "Bihor"]),
                self.org()
            ),
            2 => "UPDATE agreements SET status = 'EXPIRED' WHERE id = \
                  (SELECT MIN(id) FROM agreements WHERE status = 'ACTIVE')"
                .to_owned(),
            _ => format!(
                "UPDATE agreements SET end_date = '{}' WHERE id = \
                 (SELECT MAX(id) FROM agreements WHERE status = 'ACTIVE')",
                day(10)
            ),
        };
        self.app.db.execute_unprepared(&sql).await.unwrap();
    }

    async fn random_writes(&mut self, n: usize) {
        for _ in 0..n {
            match self.dice.roll(12) {
                0 | 1 => self.create_document().await,
                2 => self.reshare_document().await,
                3 | 4 => self.draft_agreement().await,
                5..=7 => {
                    for _ in 0..4 {
                        self.advance_agreement().await;
                    }
                }
                8 => self.plan_activity().await,
                9 | 10 => {
                    for _ in 0..3 {
                        self.advance_activity().await;
                    }
                }
                _ => self.write_in_the_database().await,
            }
        }
    }

    async fn pending(&self) -> i64 {
        let row = self
            .app
            .db
            .query_one_raw(Statement::from_string(
                self.app.db.get_database_backend(),
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM stats_changes",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }

    /// Every viewer's figures, overall and for organizations A and C,
    /// against the count made here; the mismatches, named.
    async fn mismatches(&self) -> Vec<String> {
        let rows = Rows::load(&self.app).await;
        let mut wrong = Vec::new();
        for viewer in &self.viewers {
            for scope in [None, Some(self.orgs[0]), Some(self.orgs[2])] {
                let variables = json!({ "org": scope.map(org_id) });
                let served = self
                    .app
                    .data_as(viewer.secret.as_deref(), STATS, variables)
                    .await;
                let served = sorted(&served["stats"]);
                let expected = rows.figures(&viewer.members, scope);
                if served != expected {
                    wrong.push(format!(
                        "{} (scope {scope:?}):\n served   {served}\n expected {expected}",
                        viewer.name
                    ));
                }
            }
        }
        wrong
    }

    async fn assert_exact(&self, when: &str) {
        let wrong = self.mismatches().await;
        assert!(wrong.is_empty(), "{when}:\n{}", wrong.join("\n"));
    }
}

/// Buckets sorted by key (the server orders by the database's collation).
fn sorted(stats: &Value) -> Value {
    let mut out = stats.clone();
    for (_, v) in out.as_object_mut().unwrap().iter_mut() {
        if let Some(list) = v.as_array_mut() {
            list.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
        }
    }
    out
}

/// The rows the figures are made of, loaded straight from the database.
struct Rows {
    agreements: Vec<agreement::Model>,
    parties: HashMap<i64, Vec<i64>>,
    counties: HashMap<i64, Option<String>>,
    documents: Vec<document::Model>,
    activities: Vec<activity::Model>,
    organizers: HashMap<i64, BTreeSet<i64>>,
    participations: Vec<activity_participation::Model>,
}

fn month(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}

type Counts = BTreeMap<String, (i64, i64)>;

fn buckets(counts: &Counts, amount: bool) -> Value {
    Value::Array(
        counts
            .iter()
            .map(|(k, (n, a))| json!({ "key": k, "count": if amount { a } else { n } }))
            .collect(),
    )
}

fn activity_buckets(counts: &Counts) -> Value {
    Value::Array(
        counts
            .iter()
            .map(|(k, (n, a))| json!({ "key": k, "activities": n, "participants": a }))
            .collect(),
    )
}

impl Rows {
    async fn load(app: &TestApp) -> Self {
        let db = &app.db;
        let mut parties: HashMap<i64, Vec<i64>> = HashMap::new();
        for p in agreement_party::Entity::find().all(db).await.unwrap() {
            parties
                .entry(p.agreement_id)
                .or_default()
                .push(p.organization_id);
        }
        let mut organizers: HashMap<i64, BTreeSet<i64>> = HashMap::new();
        for o in activity_organizer::Entity::find().all(db).await.unwrap() {
            if o.accepted_at.is_some() {
                organizers
                    .entry(o.activity_id)
                    .or_default()
                    .insert(o.organization_id);
            }
        }
        let activities = activity::Entity::find().all(db).await.unwrap();
        for a in &activities {
            organizers.entry(a.id).or_default().insert(a.owner_id);
        }
        Self {
            agreements: agreement::Entity::find().all(db).await.unwrap(),
            parties,
            counties: organization::Entity::find()
                .all(db)
                .await
                .unwrap()
                .into_iter()
                .map(|o| (o.id, o.county))
                .collect(),
            documents: document::Entity::find().all(db).await.unwrap(),
            activities,
            organizers,
            participations: activity_participation::Entity::find()
                .all(db)
                .await
                .unwrap(),
        }
    }

    /// Parties of ACTIVE agreements one of `members` is a party to.
    fn partners(&self, members: &[i64]) -> BTreeSet<i64> {
        let mut out = BTreeSet::new();
        for a in &self.agreements {
            let parties = self.parties.get(&a.id).cloned().unwrap_or_default();
            if a.status == entities::enums::AgreementStatus::Active
                && parties.iter().any(|p| members.contains(p))
            {
                out.extend(parties);
            }
        }
        out
    }

    /// The visibility rule, restated: PUBLIC to anyone, anything to its
    /// owners' members, PARTNERS to their partners' members.
    fn sees(
        members: &[i64],
        partners: &BTreeSet<i64>,
        visibility: entities::enums::Visibility,
        owners: &[i64],
    ) -> bool {
        use entities::enums::Visibility::*;
        visibility == Public
            || owners.iter().any(|o| members.contains(o))
            || (visibility == Partners && owners.iter().any(|o| partners.contains(o)))
    }

    fn figures(&self, members: &[i64], scope: Option<i64>) -> Value {
        use entities::enums::{ActivityKind, ActivityStatus, AgreementStatus, ParticipantRole};
        let partners = self.partners(members);
        let in_scope = |owners: &[i64]| scope.is_none_or(|s| owners.contains(&s));
        let text = |v: Value| v.as_str().unwrap().to_owned();
        let mut f: BTreeMap<&str, Counts> = BTreeMap::new();
        let mut add = |figure: &'static str, key: String, amount: i64| {
            let e = f.entry(figure).or_default().entry(key).or_default();
            e.0 += 1;
            e.1 += amount;
        };
        let today = Utc::now().date_naive();
        let (mut in30, mut in90) = (0, 0);
        for a in &self.agreements {
            let parties = self.parties.get(&a.id).cloned().unwrap_or_default();
            let mut owners = parties.clone();
            owners.push(a.initiator_id);
            let draft_hidden =
                a.status == AgreementStatus::Draft && !owners.iter().any(|o| members.contains(o));
            if draft_hidden
                || !Self::sees(members, &partners, a.visibility, &owners)
                || !in_scope(&parties)
            {
                continue;
            }
            add(
                "agreementsByStatus",
                text(serde_json::to_value(a.status).unwrap()),
                0,
            );
            add(
                "agreementsByKind",
                text(serde_json::to_value(a.kind).unwrap()),
                0,
            );
            if let Some(start) = a.start_date {
                add("agreementsByMonth", month(start), 0);
            }
            let counties: BTreeSet<String> = parties
                .iter()
                .filter_map(|p| self.counties.get(p).cloned().flatten())
                .collect();
            for county in counties {
                add("agreementsByCounty", county, 0);
            }
            if let (AgreementStatus::Active, Some(end)) = (a.status, a.end_date) {
                let ahead = (end - today).num_days();
                in30 += i64::from((0..=30).contains(&ahead));
                in90 += i64::from((0..=90).contains(&ahead));
            }
        }
        for d in &self.documents {
            if !Self::sees(members, &partners, d.visibility, &[d.owner_id])
                || !in_scope(&[d.owner_id])
            {
                continue;
            }
            add(
                "documentsByKind",
                text(serde_json::to_value(d.kind).unwrap()),
                0,
            );
            if let Some(published) = d.published_on {
                add("documentsByMonth", month(published), 0);
            }
        }
        for a in &self.activities {
            let owners: Vec<i64> = self.organizers[&a.id].iter().copied().collect();
            if !Self::sees(members, &partners, a.visibility, &owners) || !in_scope(&owners) {
                continue;
            }
            let counted: Vec<i64> = self
                .participations
                .iter()
                .filter(|p| p.activity_id == a.id && p.role != ParticipantRole::Trainer)
                .map(|p| i64::from(p.count))
                .collect();
            let people: i64 = counted.iter().sum();
            if a.status != ActivityStatus::Cancelled {
                let kind = text(serde_json::to_value(a.kind).unwrap());
                add("activitiesByKind", kind, people);
                let quarter = format!("{}-Q{}", a.start_date.year(), a.start_date.month0() / 3 + 1);
                add("activitiesByQuarter", quarter, people);
            }
            if a.kind == ActivityKind::TrainingCourse
                && a.status == ActivityStatus::Completed
                && !counted.is_empty()
            {
                add(
                    "peopleTrainedByYear",
                    a.start_date.year().to_string(),
                    people,
                );
            }
        }
        for (id, county) in &self.counties {
            if let (Some(county), true) = (county, in_scope(&[*id])) {
                add("organizationsByCounty", county.clone(), 0);
            }
        }
        let empty = Counts::new();
        let get = |name: &str| f.get(name).unwrap_or(&empty);
        json!({
            "agreementsByStatus": buckets(get("agreementsByStatus"), false),
            "agreementsByKind": buckets(get("agreementsByKind"), false),
            "agreementsByMonth": buckets(get("agreementsByMonth"), false),
            "agreementsByCounty": buckets(get("agreementsByCounty"), false),
            "in30": in30,
            "in90": in90,
            "documentsByKind": buckets(get("documentsByKind"), false),
            "documentsByMonth": buckets(get("documentsByMonth"), false),
            "activitiesByKind": activity_buckets(get("activitiesByKind")),
            "activitiesByQuarter": activity_buckets(get("activitiesByQuarter")),
            "peopleTrainedByYear": buckets(get("peopleTrainedByYear"), true),
            "organizationsByCounty": buckets(get("organizationsByCounty"), false),
        })
    }
}

#[tokio::test]
async fn every_figure_equals_a_live_count_for_every_viewer_before_and_after_folding() {
    let mut w = World::new().await;
    w.random_writes(60).await;
    assert!(w.pending().await > 0, "the writes left changes to fold");
    w.assert_exact("with every change unfolded").await;
    // A backlog too long for a read to name (as after an upgrade, or a
    // bulk delete): reads join the queue instead, and are as exact.
    w.app
        .db
        .execute_unprepared(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) \
             INSERT INTO stats_changes (subject, subject_id) \
             SELECT 'document', 1000000 + i FROM n",
        )
        .await
        .unwrap();
    w.assert_exact("with a backlog of changes").await;

    let out = w.app.run_cli(&["stats", "fold"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(w.pending().await, 0);
    w.assert_exact("after pactum stats fold").await;

    w.random_writes(40).await;
    w.assert_exact("after more writes, partly folded").await;

    // Aggregates damaged by hand (or by a bug) are noticed by the
    // comparison, and the rebuild repairs them.
    let out = w.app.run_cli(&["stats", "fold"]);
    assert!(out.status.success(), "{out:?}");
    for sql in [
        "UPDATE stats_counts SET records = records + 2",
        "DELETE FROM stats_contributions WHERE figure = 'DOCUMENT_KIND'",
    ] {
        w.app.db.execute_unprepared(sql).await.unwrap();
    }
    assert!(!w.mismatches().await.is_empty(), "the damage shows");
    let out = w.app.run_cli(&["stats", "rebuild"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("dashboard figures rebuilt"),
        "{out:?}"
    );
    w.assert_exact("after pactum stats rebuild").await;
}

#[tokio::test]
async fn the_fold_job_catches_up_and_reports_its_lag() {
    let app = TestApp::spawn_with(|c| c.stats_fold_interval_milliseconds = 20).await;
    let lugoj = fixtures::organization(
        &app.db,
        "municipiul-lugoj",
        "Municipiul Lugoj",
        OrganizationKind::Municipality,
        Some("Timiș"),
    )
    .await;
    for i in 0..5 {
        fixtures::document(
            &app.db,
            lugoj.id,
            &format!("Ghid {i}"),
            entities::enums::DocumentKind::GoodPracticeGuide,
            entities::enums::Visibility::Public,
            "ro",
            &[],
        )
        .await;
    }
    let mut folded = false;
    for _ in 0..200 {
        let pending = app
            .db
            .query_one_raw(Statement::from_string(
                app.db.get_database_backend(),
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM stats_changes",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        if pending == 0 && app.metric("pactum_stats_pending_changes").await == 0 {
            folded = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(folded, "the job folded every change within 10 s");
    let stored = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT CAST(records AS BIGINT) AS n FROM stats_counts \
             WHERE scope_id = 0 AND figure = 'DOCUMENT_KIND' AND key = 'GOOD_PRACTICE_GUIDE'",
        ))
        .await
        .unwrap()
        .expect("the folded bucket")
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(stored, 5);
    let data = app
        .data("{ stats { documentsByKind { key count } } }", json!({}))
        .await;
    assert_eq!(
        data["stats"]["documentsByKind"],
        json!([{ "key": "GOOD_PRACTICE_GUIDE", "count": 5 }])
    );
}

#[tokio::test]
async fn an_expiry_window_out_of_range_is_bad_input() {
    let app = TestApp::spawn().await;
    for days in [0, -5, 3661] {
        let body = app
            .query(
                "query($d: Int!) { stats { agreementsExpiring(withinDays: $d) } }",
                json!({ "d": days }),
            )
            .await;
        assert_eq!(TestApp::codes(&body), ["BAD_USER_INPUT"], "{days}: {body}");
    }
    // Past the range of Int, as a variable or a literal.
    for (query, variables) in [
        (
            "query($d: Int!) { stats { agreementsExpiring(withinDays: $d) } }",
            json!({ "d": 99_999_999_999_i64 }),
        ),
        (
            "{ stats { agreementsExpiring(withinDays: 99999999999) } }",
            json!({}),
        ),
    ] {
        let body = app.query(query, variables).await;
        let codes = TestApp::codes(&body);
        assert!(
            codes == ["BAD_USER_INPUT"] || codes == ["GRAPHQL_VALIDATION_FAILED"],
            "{body}"
        );
    }
    let data = app
        .data("{ stats { agreementsExpiring } }", json!({}))
        .await;
    assert_eq!(data["stats"]["agreementsExpiring"], 0);
}

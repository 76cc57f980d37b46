//! Generation of the `activities` table and its children (organizers,
//! participation by role, linked documents), pointing at the agreements,
//! projects and documents generated before.

use chrono::{Days, NaiveDate};
use rand::Rng;
use sea_orm::Value;

use crate::domain::{error::DomainResult, text::searchable};

use super::{
    Generator,
    random::{at, day, distinct, pick, visibility, weighted},
    sink::{Table, s},
    words::{COUNTIES, TOPICS},
};

/// Generates and loads the activities with their organizers, participations
/// and linked documents; returns `[activities, activity_organizers,
/// activity_participations, activity_documents]`.
pub(super) async fn generate(g: &mut Generator) -> DomainResult<[Table; 4]> {
    let (base, scale) = (g.base, g.scale);
    let n = scale.organizations;
    let (agreement_count, document_count, project_count) =
        (scale.agreements, scale.documents, scale.projects);
    let activities = Table::new(
        "activities",
        &[
            "id",
            "owner_id",
            "agreement_id",
            "project_id",
            "title",
            "kind",
            "status",
            "description",
            "start_date",
            "end_date",
            "place",
            "online_url",
            "certificates_issued",
            "outcomes",
            "visibility",
            "search_text",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    let organizers = Table::new(
        "activity_organizers",
        &["id", "activity_id", "organization_id", "accepted_at"],
    );
    let participations = Table::new(
        "activity_participations",
        &["id", "activity_id", "organization_id", "role", "count"],
    );
    let activity_documents = Table::new("activity_documents", &["activity_id", "document_id"]);
    let roles = [
        "ELECTED_OFFICIAL",
        "CIVIL_SERVANT",
        "NGO_REPRESENTATIVE",
        "CITIZEN",
        "TRAINER",
    ];
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default();
    let (mut organizer_id, mut participation_id) = (0i64, 0i64);
    let tables = [activities, organizers, participations, activity_documents];
    g.load(tables, n * 5, |rng, id, tables| {
        let [activities, organizers, participations, activity_documents] = tables;
        let organizer_count = weighted(rng, &[(1usize, 50), (2, 35), (3, 15)]);
        let members = distinct(rng, n, organizer_count);
        let (kind, label) = weighted(
            rng,
            &[
                (("TRAINING_COURSE", "Curs de formare"), 30),
                (("WORKSHOP", "Atelier de lucru"), 20),
                (("AWARENESS_CAMPAIGN", "Campanie de conștientizare"), 12),
                (("CONFERENCE", "Conferință"), 8),
                (("SURVEY", "Sondaj"), 6),
                (("AUDIT", "Audit"), 4),
                (("MEETING", "Întâlnire de lucru"), 15),
                (("OTHER", "Activitate"), 5),
            ],
        );
        let start = day(rng, base, 4_400);
        let end = start + Days::new(rng.random_range(0..5));
        let status = if start > today {
            "PLANNED"
        } else {
            weighted(rng, &[("COMPLETED", 88), ("CANCELLED", 12)])
        };
        let topic = pick(rng, TOPICS);
        let title = format!("{label}: {topic}");
        let description = format!("Activitate comună privind {topic}.");
        let agreement = rng
            .random_bool(0.3)
            .then(|| rng.random_range(1..=agreement_count as i64));
        let project = rng
            .random_bool(0.2)
            .then(|| rng.random_range(1..=project_count as i64));
        let mut participants_total = 0i32;
        let mut rows = Vec::new();
        if status == "COMPLETED" {
            let role_count = rng.random_range(1..=3);
            for r in distinct(rng, roles.len(), role_count) {
                let count = if roles[r] == "TRAINER" {
                    rng.random_range(1..3)
                } else {
                    rng.random_range(5..40)
                };
                if roles[r] != "TRAINER" {
                    participants_total += count;
                }
                rows.push((members[0] as i64 + 1, roles[r], count));
            }
        }
        let created = at(start.checked_sub_days(Days::new(20)).unwrap_or(start), rng);
        activities.push(vec![
            id.into(),
            (members[0] as i64 + 1).into(),
            Value::from(agreement),
            Value::from(project),
            s(&title),
            s(kind),
            s(status),
            s(&description),
            start.into(),
            end.into(),
            Value::from(Some(format!("Sediul primăriei, {}", pick(rng, COUNTIES)))),
            Value::from(None::<String>),
            (if kind == "TRAINING_COURSE" {
                participants_total
            } else {
                0
            })
            .into(),
            Value::from(
                (status == "COMPLETED")
                    .then(|| "Participanții au aplicat cele învățate.".to_owned()),
            ),
            s(visibility(rng)),
            s(&searchable(&[&title, &description])),
            1i32.into(),
            created.into(),
            created.into(),
        ]);
        for member in &members {
            organizer_id += 1;
            organizers.push(vec![
                organizer_id.into(),
                id.into(),
                (*member as i64 + 1).into(),
                created.into(),
            ]);
        }
        for (org, role, count) in rows {
            participation_id += 1;
            participations.push(vec![
                participation_id.into(),
                id.into(),
                org.into(),
                s(role),
                count.into(),
            ]);
        }
        let linked = rng.random_range(0..=2);
        for doc in distinct(rng, document_count, linked) {
            activity_documents.push(vec![id.into(), (doc as i64 + 1).into()]);
        }
    })
    .await
}

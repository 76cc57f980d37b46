//! Generation of the `agreements` and `agreement_parties` tables: 2 to 4
//! distinct parties per agreement, signatures consistent with the status.

use chrono::Days;
use rand::Rng;
use sea_orm::Value;

use crate::domain::{error::DomainResult, text::searchable};

use super::{
    Generator,
    random::{at, day, distinct, pick, visibility, weighted},
    sink::{Table, s},
    words::TOPICS,
};

/// Generates and loads the agreements and their parties; returns
/// `[agreements, agreement_parties]`.
pub(super) async fn generate(g: &mut Generator) -> DomainResult<[Table; 2]> {
    let (base, n) = (g.base, g.scale.organizations);
    let agreements = Table::new(
        "agreements",
        &[
            "id",
            "initiator_id",
            "title",
            "kind",
            "status",
            "objectives",
            "start_date",
            "end_date",
            "visibility",
            "search_text",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    let parties = Table::new(
        "agreement_parties",
        &[
            "id",
            "agreement_id",
            "organization_id",
            "signed_at",
            "signatory",
            "declined_at",
        ],
    );
    let mut party_id = 0i64;
    let tables = [agreements, parties];
    let today = g.today;
    g.load(tables, g.scale.agreements, |rng, id, tables| {
        let [agreements, parties] = tables;
        let size = weighted(rng, &[(2usize, 60), (3, 30), (4, 10)]);
        let members = distinct(rng, n, size);
        let status = weighted(
            rng,
            &[
                ("ACTIVE", 45),
                ("EXPIRED", 15),
                ("PROPOSED", 12),
                ("DRAFT", 10),
                ("TERMINATED", 6),
                ("DECLINED", 6),
                ("WITHDRAWN", 6),
            ],
        );
        let kind = weighted(
            rng,
            &[
                ("COOPERATION", 50),
                ("PARTNERSHIP", 25),
                ("PROTOCOL", 15),
                ("MEMORANDUM", 10),
            ],
        );
        let topic = pick(rng, TOPICS);
        let title = format!(
            "{} privind {topic}",
            match kind {
                "COOPERATION" => "Acord de cooperare",
                "PARTNERSHIP" => "Acord de parteneriat",
                "PROTOCOL" => "Protocol de colaborare",
                _ => "Memorandum de înțelegere",
            }
        );
        let objectives = format!(
            "Cooperare instituțională pentru {topic}, schimb de bune practici și instruire comună."
        );
        let start = day(rng, base, 4_500);
        let dated = status != "DRAFT" || rng.random_bool(0.7);
        let end = start + Days::new(rng.random_range(365..1_826));
        let created = at(start.checked_sub_days(Days::new(30)).unwrap_or(start), rng);
        // The data agrees with its dates as of today, so the expiry job has
        // nothing to catch up on when a server starts on it.
        let status = match status {
            "ACTIVE" if end < today => "EXPIRED",
            "EXPIRED" if end >= today => "ACTIVE",
            other => other,
        };
        agreements.push(vec![
            id.into(),
            (members[0] as i64 + 1).into(),
            s(&title),
            s(kind),
            s(status),
            s(&objectives),
            Value::from(dated.then_some(start)),
            Value::from(dated.then_some(end)),
            s(visibility(rng)),
            s(&searchable(&[&title, &objectives])),
            1i32.into(),
            created.into(),
            created.into(),
        ]);
        for (k, member) in members.iter().enumerate() {
            party_id += 1;
            let signed = matches!(status, "ACTIVE" | "EXPIRED" | "TERMINATED")
                || (status == "PROPOSED" && k == 0);
            let declined = status == "DECLINED" && k == members.len() - 1;
            parties.push(vec![
                party_id.into(),
                id.into(),
                (*member as i64 + 1).into(),
                Value::from(signed.then_some(created)),
                Value::from(signed.then(|| "Primar".to_owned())),
                Value::from(declined.then_some(created)),
            ]);
        }
    })
    .await
}

//! Generation of the `organizations` table: names by kind (municipality,
//! NGO, county council, ...), valid fiscal codes and searchable text.

use sea_orm::Value;

use crate::domain::{error::DomainResult, fiscal_code::check_digit, text::searchable};

use super::{
    Generator,
    random::{at, day, pick, weighted},
    sink::{Table, s},
    words::{COUNTIES, PLACE_FIRST, PLACE_SECOND, TOPICS},
};

/// Generates and loads `scale.organizations` organizations, ids `1..=n`.
pub(super) async fn generate(g: &mut Generator) -> DomainResult<[Table; 1]> {
    let base = g.base;
    let orgs = Table::new(
        "organizations",
        &[
            "id",
            "slug",
            "name",
            "kind",
            "fiscal_code",
            "county",
            "locality",
            "website",
            "contact_email",
            "description",
            "search_text",
            "created_at",
            "updated_at",
        ],
    );
    let tables = [orgs];
    g.load(tables, g.scale.organizations, |rng, id, tables| {
        let [orgs] = tables;
        let county = pick(rng, COUNTIES);
        let place = format!("{} {}", pick(rng, PLACE_FIRST), pick(rng, PLACE_SECOND));
        let kind = weighted(
            rng,
            &[
                ("MUNICIPALITY", 40),
                ("NGO", 35),
                ("COUNTY_COUNCIL", 5),
                ("CENTRAL_INSTITUTION", 5),
                ("OTHER_PUBLIC_BODY", 15),
            ],
        );
        let name = match kind {
            "MUNICIPALITY" => format!("Primăria Comunei {place}"),
            "NGO" => format!(
                "Asociația pentru {} {place}",
                pick(
                    rng,
                    &[
                        "Integritate",
                        "Transparență",
                        "Drepturile Omului",
                        "Dezvoltare Civică",
                        "Bună Guvernare"
                    ]
                )
            ),
            "COUNTY_COUNCIL" => format!("Consiliul Județean {county}"),
            "CENTRAL_INSTITUTION" => format!(
                "Agenția Națională pentru {}",
                pick(
                    rng,
                    &[
                        "Integritate",
                        "Achiziții",
                        "Funcționari Publici",
                        "Prevenirea Corupției"
                    ]
                )
            ),
            _ => format!("Instituția Prefectului {county}"),
        };
        let body = format!("{}", 10_000_000 + id - 1);
        let fiscal = check_digit(&body).map(|d| format!("{body}{d}"));
        let created = at(day(rng, base, 3_000), rng);
        let description = format!(
            "Organizație din județul {county}, activă în {}.",
            pick(rng, TOPICS)
        );
        orgs.push(vec![
            id.into(),
            s(&format!("org-{id}")),
            s(&name),
            s(kind),
            fiscal.into(),
            s(county),
            s(&place),
            Value::from(Some(format!("https://org-{id}.example.ro"))),
            Value::from(Some(format!("contact@org-{id}.example.ro"))),
            Value::from(Some(description.clone())),
            s(&searchable(&[&name, county, &place, &description])),
            created.into(),
            created.into(),
        ]);
    })
    .await
}

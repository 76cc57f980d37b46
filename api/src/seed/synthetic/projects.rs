//! Generation of the `projects` and `indicators` tables: funded projects
//! with three result indicators each.

use chrono::Days;
use rand::Rng;
use sea_orm::Value;

use crate::domain::{error::DomainResult, text::searchable};

use super::{
    Generator,
    random::{at, day, pick},
    sink::{Table, s},
    words::TOPICS,
};

/// Generates and loads the projects and their indicators; returns
/// `[projects, indicators]`.
pub(super) async fn generate(g: &mut Generator) -> DomainResult<[Table; 2]> {
    let (base, n) = (g.base, g.scale.organizations);
    let projects = Table::new(
        "projects",
        &[
            "id",
            "owner_id",
            "code",
            "title",
            "programme",
            "contract_number",
            "start_date",
            "end_date",
            "summary",
            "search_text",
            "created_at",
        ],
    );
    let indicators = Table::new(
        "indicators",
        &[
            "id",
            "project_id",
            "name",
            "unit",
            "baseline",
            "target",
            "achieved",
        ],
    );
    let mut indicator_id = 0i64;
    let tables = [projects, indicators];
    g.load(tables, g.scale.projects, |rng, id, tables| {
        let [projects, indicators] = tables;
        let p = id - 1;
        let owner = rng.random_range(1..=n as i64);
        let code = format!("SIPOCA {} / SMIS {}", 2_000 + p, 200_000 + p);
        let topic = pick(rng, TOPICS);
        let title = format!("Consolidarea capacității administrative prin {topic}");
        let start = day(rng, base, 3_300);
        let end = start + Days::new(rng.random_range(300..900));
        projects.push(vec![
            id.into(),
            owner.into(),
            s(&code),
            s(&title),
            s("Programul Operațional Capacitate Administrativă 2014-2020"),
            Value::from(Some(format!("{}/{}", 100 + p, start.format("%d.%m.%Y")))),
            start.into(),
            end.into(),
            s(&format!("Proiect privind {topic}.")),
            s(&searchable(&[&code, &title])),
            at(start, rng).into(),
        ]);
        for (name, unit, target) in [
            (
                "Persoane instruite",
                "persoane",
                rng.random_range(10..80) as f64,
            ),
            (
                "Proceduri elaborate",
                "documente",
                rng.random_range(1..5) as f64,
            ),
            (
                "Campanii de informare",
                "campanii",
                rng.random_range(1..3) as f64,
            ),
        ] {
            indicator_id += 1;
            let achieved = (target * rng.random_range(0.4..1.1)).round();
            indicators.push(vec![
                indicator_id.into(),
                id.into(),
                s(name),
                s(unit),
                0f64.into(),
                target.into(),
                achieved.into(),
            ]);
        }
    })
    .await
}

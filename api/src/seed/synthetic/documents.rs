//! Generation of the `documents`, `document_tags` and `document_versions`
//! tables, with ownership skewed towards a few prolific organizations.

use rand::Rng;
use sea_orm::Value;

use crate::domain::{documents::text::NOT_IN_STORAGE, error::DomainResult, text::searchable};

use super::{
    Generator,
    random::{at, day, distinct, pick, visibility, weighted},
    sink::{Table, s},
    words::{TAGS, TOPICS},
};

/// Generates and loads the documents with their tags and versions;
/// returns `[documents, document_tags, document_versions]`.
pub(super) async fn generate(g: &mut Generator) -> DomainResult<[Table; 3]> {
    let (base, n) = (g.base, g.scale.organizations);
    let documents = Table::new(
        "documents",
        &[
            "id",
            "owner_id",
            "title",
            "summary",
            "kind",
            "language",
            "visibility",
            "published_on",
            "search_text",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    let tags = Table::new("document_tags", &["document_id", "tag"]);
    let versions = Table::new(
        "document_versions",
        &[
            "id",
            "document_id",
            "number",
            "file_name",
            "media_type",
            "size_bytes",
            "sha256",
            "storage_key",
            "change_note",
            "created_at",
            "text_status",
            "text_failure",
        ],
    );
    let mut version_id = 0i64;
    let tables = [documents, tags, versions];
    g.load(tables, g.scale.documents, |rng, id, tables| {
        let [documents, tags, versions] = tables;
        // Skewed ownership: a few organizations publish most documents.
        let u: f64 = rng.random();
        let owner = ((u * u * u) * n as f64) as i64 + 1;
        let (kind, label) = weighted(
            rng,
            &[
                (("GOOD_PRACTICE_GUIDE", "Ghid de bune practici"), 20),
                (("PROCEDURE", "Procedura"), 20),
                (("STRATEGY", "Strategia"), 10),
                (("RISK_ANALYSIS", "Analiza riscurilor"), 10),
                (("SURVEY_REPORT", "Raportul sondajului"), 8),
                (("TRAINING_MATERIAL", "Suport de curs"), 12),
                (("CODE_OF_ETHICS", "Codul etic"), 5),
                (("REPORT", "Raportul anual"), 10),
                (("OTHER", "Nota"), 5),
            ],
        );
        let topic = pick(rng, TOPICS);
        let published = day(rng, base, 4_300);
        let title = format!("{label} privind {topic} ({})", published.format("%Y"));
        let summary =
            format!("Document despre {topic}, pus la dispoziția partenerilor pentru a-l utiliza.");
        let language = weighted(rng, &[("ro", 90), ("en", 8), ("hu", 2)]);
        let created = at(published, rng);
        documents.push(vec![
            id.into(),
            owner.into(),
            s(&title),
            s(&summary),
            s(kind),
            s(language),
            s(visibility(rng)),
            Value::from(Some(published)),
            s(&searchable(&[&title, &summary])),
            1i32.into(),
            created.into(),
            created.into(),
        ]);
        let tag_count = rng.random_range(1..=3);
        for t in distinct(rng, TAGS.len(), tag_count) {
            tags.push(vec![id.into(), s(TAGS[t])]);
        }
        let version_count = weighted(rng, &[(1i32, 70), (2, 25), (3, 5)]);
        for number in 1..=version_count {
            version_id += 1;
            let sha = format!("{:064x}", (id as u128) << 32 | number as u128);
            versions.push(vec![
                version_id.into(),
                id.into(),
                number.into(),
                s(&format!("document-{id}-v{number}.pdf")),
                s("application/pdf"),
                rng.random_range(20_000i64..5_000_000).into(),
                s(&sha),
                s(&format!("sha256/{sha}")),
                Value::from((number > 1).then(|| "Ediție revizuită".to_owned())),
                created.into(),
                // No bytes are stored for synthetic versions: recorded as
                // the extraction job would find them, so it has no backlog.
                s("FAILED"),
                s(NOT_IN_STORAGE),
            ]);
        }
    })
    .await
}

//! Unit tests of the demo data: its figures and keys checked against the
//! schema's rules, and one load into a fresh database.

use chrono::Datelike;
use entities::enums::{ActivityKind, ActivityStatus, ParticipantRole, Visibility};

use super::*;

/// Participants of COMPLETED TRAINING_COURSE activities, trainers
/// excluded, whose first day falls in `year`.
fn trained_in(demo: &Demo, year: i32) -> i32 {
    demo.activities
        .iter()
        .filter(|a| {
            a.kind == ActivityKind::TrainingCourse
                && a.status == ActivityStatus::Completed
                && a.start.0.year() == year
        })
        .flat_map(|a| &a.participants)
        .filter(|p| p.role != ParticipantRole::Trainer)
        .map(|p| p.count)
        .sum()
}

#[test]
fn training_figures_match_the_seeds() -> DomainResult<()> {
    let demo = Demo::parse()?;
    assert_eq!(trained_in(&demo, 2019), 28);
    assert_eq!(trained_in(&demo, 2021), 5);
    assert_eq!(trained_in(&demo, 2022), 50);
    Ok(())
}

#[test]
fn courses_issue_one_certificate_per_participant() -> DomainResult<()> {
    let demo = Demo::parse()?;
    for a in demo
        .activities
        .iter()
        .filter(|a| a.kind == ActivityKind::TrainingCourse)
    {
        let people: i32 = a.participants.iter().map(|p| p.count).sum();
        assert_eq!(a.certificates_issued, people, "{}", a.title);
        assert!(
            a.participants
                .iter()
                .all(|p| p.role != ParticipantRole::Trainer)
        );
    }
    Ok(())
}

#[test]
fn fiscal_codes_are_valid_and_distinct() -> DomainResult<()> {
    let demo = Demo::parse()?;
    let mut codes = Vec::new();
    for o in &demo.organizations {
        let code = cif(&o.fiscal_body)?;
        assert_eq!(
            crate::domain::fiscal_code::parse(&code),
            Ok(code.clone()),
            "{}",
            o.slug
        );
        codes.push(code);
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), demo.organizations.len());
    Ok(())
}

#[test]
fn keys_and_tags_respect_the_schema() -> DomainResult<()> {
    let demo = Demo::parse()?;
    for o in &demo.organizations {
        assert_eq!(o.slug, o.slug.to_lowercase());
    }
    for d in &demo.documents {
        assert!(!d.versions.is_empty(), "{}", d.key);
        for tag in &d.tags {
            assert_eq!(*tag, tag.to_lowercase(), "{}", d.key);
        }
    }
    for a in &demo.activities {
        assert!(a.end >= a.start, "{}", a.title);
    }
    Ok(())
}

#[tokio::test]
async fn loads_once_into_a_fresh_database() -> Result<(), Box<dyn std::error::Error>> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};

    let db = crate::domain::test_support::database().await?;
    assert!(seed_demo(&db).await?);
    assert!(!seed_demo(&db).await?);

    assert_eq!(organization::Entity::find().count(&db).await?, 9);
    assert_eq!(project::Entity::find().count(&db).await?, 2);
    assert_eq!(indicator::Entity::find().count(&db).await?, 15);
    assert_eq!(agreement::Entity::find().count(&db).await?, 8);
    assert_eq!(agreement_party::Entity::find().count(&db).await?, 16);
    assert_eq!(document::Entity::find().count(&db).await?, 13);
    assert_eq!(document_version::Entity::find().count(&db).await?, 17);
    assert_eq!(activity::Entity::find().count(&db).await?, 17);
    assert_eq!(activity_organizer::Entity::find().count(&db).await?, 27);
    assert_eq!(activity_participation::Entity::find().count(&db).await?, 46);
    assert_eq!(activity_document::Entity::find().count(&db).await?, 25);
    assert_eq!(document_tag::Entity::find().count(&db).await?, 42);
    let public_documents = document::Entity::find()
        .filter(document::Column::Visibility.eq(Visibility::Public))
        .count(&db)
        .await?;
    assert_eq!(public_documents, 11);
    let lugoj = organization::Entity::find()
        .filter(organization::Column::Slug.eq("municipiul-lugoj"))
        .one(&db)
        .await?
        .ok_or("no Lugoj")?;
    assert_eq!(
        lugoj.search_text,
        searchable(&[
            lugoj.name.as_str(),
            "Timiș",
            "Lugoj",
            lugoj.description.as_deref().unwrap_or_default()
        ])
    );
    Ok(())
}

//! What the domain's database tests share: a migrated in-memory SQLite
//! database and the records most of them start from.

use chrono::{DateTime, Utc};
use entities::{enums::OrganizationKind, organization};
use migration::MigratorTrait;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, Set};

/// A fresh in-memory SQLite database with every migration applied.
pub async fn database() -> Result<DatabaseConnection, DbErr> {
    let db = sea_orm::Database::connect("sqlite::memory:").await?;
    migration::Migrator::up(&db, None).await?;
    Ok(db)
}

/// Inserts a municipality named and slugged `slug`, created at `at`;
/// returns its id.
pub async fn organization(
    db: &DatabaseConnection,
    slug: &str,
    at: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let created = organization::ActiveModel {
        slug: Set(slug.to_owned()),
        name: Set(slug.to_owned()),
        kind: Set(OrganizationKind::Municipality),
        fiscal_code: Set(None),
        county: Set(None),
        locality: Set(None),
        website: Set(None),
        contact_email: Set(None),
        description: Set(None),
        search_text: Set(slug.to_owned()),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(created.id)
}

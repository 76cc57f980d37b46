//! Pactum's schema migrations. One file per change; a file that has landed is
//! never edited again: later changes get a new file.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261123_000001_foundation;
mod m20261123_000002_search_trigram_indexes;
mod m20261124_000003_accounts;
mod m20261124_000004_audit_and_events;
mod m20261124_000005_agreement_writes;
mod m20261124_000006_document_files;
mod m20261124_000007_activity_writes;
mod m20261124_000008_notifications;
mod m20261125_000009_derived_indicator_values;
mod m20261201_000010_sort_indexes;
mod m20261201_000011_audit_chains;
mod m20261201_000012_stats_aggregates;
mod m20261202_000013_agreements_signed;
mod m20261202_000014_search_inside_documents;
mod m20261203_000015_change_feed;
mod m20261203_000016_event_notifications;

/// Runs every migration in order; used by `pactum migrate` and `pactum serve`.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_search_trigram_indexes::Migration),
            Box::new(m20261124_000003_accounts::Migration),
            Box::new(m20261124_000004_audit_and_events::Migration),
            Box::new(m20261124_000005_agreement_writes::Migration),
            Box::new(m20261124_000006_document_files::Migration),
            Box::new(m20261124_000007_activity_writes::Migration),
            Box::new(m20261124_000008_notifications::Migration),
            Box::new(m20261125_000009_derived_indicator_values::Migration),
            Box::new(m20261201_000010_sort_indexes::Migration),
            Box::new(m20261201_000011_audit_chains::Migration),
            Box::new(m20261201_000012_stats_aggregates::Migration),
            Box::new(m20261202_000013_agreements_signed::Migration),
            Box::new(m20261202_000014_search_inside_documents::Migration),
            Box::new(m20261203_000015_change_feed::Migration),
            Box::new(m20261203_000016_event_notifications::Migration),
        ]
    }
}

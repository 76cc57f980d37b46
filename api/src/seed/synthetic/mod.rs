//! Synthetic data for load tests and benchmarks: `N` organizations and, in
//! proportion, agreements (≈5N, 2 to 4 parties each), documents (≈10N,
//! skewed towards a few prolific owners), activities (≈5N) and projects
//! (≈N/5), with Romanian-looking names and text with diacritics and every
//! visibility. Reproducible from a seed. Rows go in with multi-row INSERTs
//! of explicit ids inside one transaction.
//!
//! This file holds the public spec and report and the driver that runs the
//! generators in a fixed order (the order of the random draws is the data);
//! the writers, random helpers, word lists and each generated area live in
//! the submodules.

mod activities;
mod agreements;
mod documents;
mod organizations;
mod projects;
mod random;
mod sink;
mod words;

use std::time::Instant;

use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use rand::{SeedableRng, rngs::StdRng};
use sea_orm::{DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait};

use crate::domain::error::{DomainError, DomainResult};

use self::sink::{Sink, Table, flush_when_full};

/// How much data to generate.
#[derive(Debug, Clone, Copy)]
pub struct SyntheticSpec {
    /// Number of organizations; everything else is derived from it.
    pub organizations: usize,
    /// Seed of the random generator: the same seed gives the same data.
    pub seed: u64,
    /// Draw a progress bar on stderr.
    pub progress: bool,
}

/// What was inserted, and how long it took.
#[derive(Debug, Clone, Default)]
pub struct SyntheticReport {
    /// Rows per table, in insertion order.
    pub rows: Vec<(&'static str, usize)>,
    /// Wall-clock seconds of the whole load.
    pub seconds: f64,
}

impl SyntheticReport {
    /// Rows inserted in all tables.
    pub fn total_rows(&self) -> usize {
        self.rows.iter().map(|(_, n)| n).sum()
    }
}

/// Row counts of the parent tables, all derived from the number of
/// organizations; later generators draw foreign keys from these ranges.
#[derive(Debug, Clone, Copy)]
struct Scale {
    organizations: usize,
    agreements: usize,
    documents: usize,
    projects: usize,
}

impl Scale {
    fn new(n: usize) -> Self {
        Self {
            organizations: n,
            agreements: n * 5,
            documents: n * 10,
            projects: (n / 5).max(1),
        }
    }
}

/// What every generator works with: where rows go, the one seeded random
/// generator, the progress bar, the first day of the data, today (statuses
/// must agree with the dates as of the load) and the table sizes.
struct Generator {
    sink: Sink,
    rng: StdRng,
    bar: ProgressBar,
    base: NaiveDate,
    today: NaiveDate,
    scale: Scale,
}

impl Generator {
    /// Fills `tables` (parents first, so foreign keys hold) with what `row`
    /// draws for each id in `1..=count`, in order, flushing them whenever a
    /// chunk is full and once more at the end; the progress message names
    /// the first table.
    async fn load<const N: usize>(
        &mut self,
        mut tables: [Table; N],
        count: usize,
        mut row: impl FnMut(&mut StdRng, i64, &mut [Table; N]),
    ) -> DomainResult<[Table; N]> {
        self.bar.set_message(tables[0].name);
        for i in 0..count {
            row(&mut self.rng, i as i64 + 1, &mut tables);
            flush_when_full(&mut self.sink, &mut tables, &self.bar).await?;
        }
        for table in &mut tables {
            table.flush(&mut self.sink, &self.bar).await?;
        }
        Ok(tables)
    }
}

/// Loads synthetic data into an empty, migrated database.
pub async fn seed_synthetic(
    db: &DatabaseConnection,
    spec: SyntheticSpec,
) -> DomainResult<SyntheticReport> {
    if spec.organizations == 0 {
        return Err(DomainError::invalid("orgs", "at least one organization"));
    }
    if entities::organization::Entity::find().count(db).await? > 0 {
        return Err(DomainError::invalid(
            "orgs",
            "the database already holds organizations; use an empty one",
        ));
    }
    let started = Instant::now();
    let n = spec.organizations;
    let estimate = (n * 60) as u64;
    let bar = if spec.progress {
        ProgressBar::new(estimate)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{bar:40}] {pos}/{len} rows {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );

    let mut g = Generator {
        sink: Sink::open(db).await?,
        rng: StdRng::seed_from_u64(spec.seed),
        bar,
        base: NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default(),
        today: chrono::Utc::now().date_naive(),
        scale: Scale::new(n),
    };

    // Parents first, so foreign keys hold; the order also fixes the random draws.
    let [orgs] = organizations::generate(&mut g).await?;
    let [agreements, parties] = agreements::generate(&mut g).await?;
    let [documents, tags, versions] = documents::generate(&mut g).await?;
    let [projects, indicators] = projects::generate(&mut g).await?;
    let [activities, organizers, participations, activity_documents] =
        activities::generate(&mut g).await?;

    let tables = [
        &orgs,
        &agreements,
        &parties,
        &documents,
        &tags,
        &versions,
        &projects,
        &indicators,
        &activities,
        &organizers,
        &participations,
        &activity_documents,
    ];
    let names: Vec<&'static str> = tables
        .iter()
        .filter(|t| t.columns.first() == Some(&"id"))
        .map(|t| t.name)
        .collect();
    let rows = tables.iter().map(|t| (t.name, t.inserted)).collect();
    if db.get_database_backend() == DbBackend::Postgres {
        // Explicit ids bypass the identity sequences: move them past the data.
        for name in names {
            g.sink.execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT MAX(id) FROM {name}))"
            ))
            .await?;
        }
    }
    g.sink.commit().await?;
    // The triggers marked every row changed: count them all in one pass.
    g.bar.set_message("dashboard figures");
    crate::domain::stats::rebuild(db, chrono::Utc::now()).await?;
    g.bar.finish_with_message("done");
    Ok(SyntheticReport {
        rows,
        seconds: started.elapsed().as_secs_f64(),
    })
}

//! The `pactum` command: serve the API, migrate, seed, print the schema.
//! Thin by design: it loads the configuration, starts logging and calls the
//! library.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use migration::MigratorTrait;
use pactum::{
    config::{Config, LogFormat},
    graphql, seed,
    startup::{Application, shutdown_signal},
};
use tracing_subscriber::EnvFilter;

/// mimalloc: a well-kept allocator that serves the many small, short-lived
/// allocations of GraphQL execution faster than the system one (+60 % req/s
/// on the three-level benchmark query, +30 % on lookups) at the cost of a
/// larger peak resident set (118 MB against 92 MB); see bench/README.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Pactum: cooperation agreements, shared documents and joint activities of
/// public institutions and NGOs, as a GraphQL API.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// TOML configuration file (values there are overridden by PACTUM_*
    /// environment variables).
    #[arg(long, global = true, env = "PACTUM_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the API.
    Serve {
        /// Load the demo data first if the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Load data into the database (migrating it first).
    #[command(group(clap::ArgGroup::new("dataset").required(true).args(["demo", "synthetic"])))]
    Seed {
        /// The demo data drawn from the two source projects.
        #[arg(long)]
        demo: bool,
        /// Generated data for load tests: `--orgs` organizations and, in
        /// proportion, agreements, documents, activities and projects.
        #[arg(long)]
        synthetic: bool,
        /// Organizations to generate with `--synthetic`.
        #[arg(long, default_value_t = 1_000, requires = "synthetic")]
        orgs: usize,
        /// Random seed for `--synthetic` (same seed, same data).
        #[arg(long, default_value_t = 1, requires = "synthetic")]
        seed: u64,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::Schema = cli.command {
        print!("{}", graphql::sdl());
        return Ok(());
    }
    let config = Config::load(cli.config.as_deref()).context("loading configuration")?;
    init_tracing(config.log_format);
    match cli.command {
        Command::Serve { demo } => {
            let app = Application::build(config.clone())
                .await
                .context("starting Pactum")?;
            if demo
                && seed::demo::seed_demo(app.db())
                    .await
                    .context("loading demo data")?
            {
                tracing::info!("demo data loaded");
            }
            tracing::info!(address = %app.local_addr()?, "Pactum listening; GraphiQL at /graphql");
            app.run_until_stopped(shutdown_signal()).await?;
        }
        Command::Migrate => {
            let db = connect(&config).await?;
            migration::Migrator::up(&db, None)
                .await
                .context("migrating")?;
            tracing::info!("database migrated");
        }
        Command::Seed {
            demo: false,
            orgs,
            seed,
            ..
        } => {
            let db = connect(&config).await?;
            migration::Migrator::up(&db, None)
                .await
                .context("migrating")?;
            let spec = seed::synthetic::SyntheticSpec {
                organizations: orgs,
                seed,
                progress: true,
            };
            let report = seed::synthetic::seed_synthetic(&db, spec)
                .await
                .context("loading synthetic data")?;
            for (table, rows) in &report.rows {
                println!("{table:>24} {rows:>9}");
            }
            println!(
                "{} rows in {:.1} s ({:.0} rows/s)",
                report.total_rows(),
                report.seconds,
                report.total_rows() as f64 / report.seconds.max(f64::EPSILON)
            );
        }
        Command::Seed { demo: true, .. } => {
            let db = connect(&config).await?;
            migration::Migrator::up(&db, None)
                .await
                .context("migrating")?;
            if seed::demo::seed_demo(&db)
                .await
                .context("loading demo data")?
            {
                tracing::info!("demo data loaded");
            } else {
                tracing::info!("database already holds organizations; demo data not loaded");
            }
        }
        Command::Schema => {}
    }
    Ok(())
}

async fn connect(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let metrics = pactum::metrics::Metrics::new()?;
    pactum::db::connect(config, &metrics)
        .await
        .context("connecting to the database")
}

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_env("PACTUM_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

//! The `pactum` command: serve the API, migrate, seed, print the schema.
//! Thin by design: it loads the configuration, starts logging and calls the
//! library.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use entities::enums::{MemberRole, TokenScope};
use pactum::domain::{audit::Verification, members::OperatorGrant, open_data::License};
use pactum::{
    config::{Config, LogFormat},
    graphql, seed,
    startup::{Application, shutdown_signal},
};
use sea_orm::ActiveEnum;
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
    /// API tokens for integrations.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Login sessions without an identity provider (for trying the API as
    /// a demo person).
    Session {
        #[command(subcommand)]
        command: SessionCommand,
    },
    /// Organizations' members.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// The tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Agreements' scheduled changes.
    Agreements {
        #[command(subcommand)]
        command: AgreementCommand,
    },
    /// Exports for outsiders.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// The maintained dashboard figures.
    Stats {
        #[command(subcommand)]
        command: StatsCommand,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Write the open data package (`datapackage.json` and one CSV file per
    /// table, every PUBLIC record, as `/open-data/` serves it) into DIR.
    OpenData {
        /// The directory (created if missing; its package files are
        /// replaced).
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum StatsCommand {
    /// Recompute every maintained figure from the records, in one
    /// transaction: repairs them however they went wrong.
    Rebuild,
    /// Fold every change waiting into the figures now (the server does it
    /// continuously, see `stats_fold_interval_milliseconds`).
    Fold,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the checkpoints and every organization's hash chain; exit 1
    /// and name the first broken entry if any entry was edited, inserted
    /// or deleted.
    Verify,
    /// Record the chain heads that moved since the last checkpoint now (the
    /// server does it every `audit_checkpoint_interval_seconds`).
    Checkpoint,
}

#[derive(Subcommand)]
enum AgreementCommand {
    /// Mark EXPIRED every ACTIVE agreement whose end date has passed (the
    /// server does it at start and every `expiry_interval_seconds`).
    Expire,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Mint an API token for an organization and print its secret (shown
    /// once; only its hash is stored).
    Create {
        /// The organization's slug, e.g. `municipiul-lugoj`.
        #[arg(long)]
        org: String,
        /// What the token is for.
        #[arg(long, default_value = "operator")]
        name: String,
        /// `read` or `read-write`.
        #[arg(long, value_enum, default_value_t = CliScope::Read)]
        scope: CliScope,
        /// Days until it stops working (1 to 3650).
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=3650))]
        expires_in_days: i64,
    },
}

#[derive(Subcommand)]
enum SessionCommand {
    /// Open a session for the person with this address (a demo person, or
    /// anyone who has logged in) and print its secret, to send as
    /// `Authorization: Bearer <secret>`: it acts as that person, with their
    /// roles. It lasts like a login session (`session_idle_minutes`,
    /// `session_max_days`) and ends with `POST /auth/logout`.
    Create {
        /// The person's e-mail address, e.g. `cristina.olaru@caransebes.example`.
        #[arg(long)]
        email: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CliScope {
    Read,
    ReadWrite,
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Give an e-mail address a role in an organization: at once if that
    /// person has logged in before, else as an invitation taken up at their
    /// first login with the address verified. Makes the first OWNER.
    AddMember {
        /// The organization's slug.
        #[arg(long)]
        org: String,
        /// The person's e-mail address.
        #[arg(long)]
        email: String,
        /// `owner`, `admin`, `editor` or `viewer`.
        #[arg(long, value_enum, default_value_t = CliRole::Owner)]
        role: CliRole,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CliRole {
    Owner,
    Admin,
    Editor,
    Viewer,
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
            migrated(&config).await?;
            tracing::info!("database migrated");
        }
        Command::Seed {
            demo: false,
            orgs,
            seed,
            ..
        } => {
            let db = migrated(&config).await?;
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
            let db = migrated(&config).await?;
            if seed::demo::seed_demo(&db)
                .await
                .context("loading demo data")?
            {
                tracing::info!("demo data loaded");
            } else {
                tracing::info!("database already holds organizations; demo data not loaded");
            }
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    org,
                    name,
                    scope,
                    expires_in_days,
                },
        } => {
            let db = migrated(&config).await?;
            let organization = organization_by_slug(&db, &org).await?;
            let now = chrono::Utc::now();
            let new = pactum::domain::api_tokens::NewApiToken {
                organization_id: organization.id,
                name,
                scope: match scope {
                    CliScope::Read => TokenScope::Read,
                    CliScope::ReadWrite => TokenScope::ReadWrite,
                },
                expires_at: now + chrono::Duration::days(expires_in_days),
            };
            let (token, secret) = pactum::domain::api_tokens::create_by_operator(&db, &new, now)
                .await
                .context("creating the token")?;
            eprintln!(
                "API token #{} for {} ({}), expires {}; send it as `Authorization: Bearer <token>`:",
                token.id,
                organization.name,
                token.scope.to_value(),
                instant(token.expires_at)
            );
            println!("{secret}");
        }
        Command::Session {
            command: SessionCommand::Create { email },
        } => {
            let db = migrated(&config).await?;
            let lifetime = pactum::domain::sessions::SessionLifetime::of(&config);
            let (person, session, secret) = pactum::domain::sessions::open_by_operator(
                &db,
                &email,
                lifetime,
                chrono::Utc::now(),
            )
            .await
            .with_context(|| {
                format!("opening a session for `{email}` (nobody has that address yet?)")
            })?;
            eprintln!(
                "session #{} for {} <{}>, valid until {} if unused for {} minutes; send it as `Authorization: Bearer <secret>`:",
                session.id,
                person.display_name,
                person.email,
                instant(session.absolute_expires_at),
                config.session_idle_minutes
            );
            println!("{secret}");
        }
        Command::Org {
            command: OrgCommand::AddMember { org, email, role },
        } => {
            let db = migrated(&config).await?;
            let organization = organization_by_slug(&db, &org).await?;
            let role = match role {
                CliRole::Owner => MemberRole::Owner,
                CliRole::Admin => MemberRole::Admin,
                CliRole::Editor => MemberRole::Editor,
                CliRole::Viewer => MemberRole::Viewer,
            };
            let outcome = pactum::domain::members::grant_by_operator(
                &db,
                organization.id,
                &email,
                role,
                chrono::Utc::now(),
            )
            .await
            .context("adding the member")?;
            match outcome {
                OperatorGrant::Granted(m) => println!(
                    "{email} is now {} of {} (membership #{})",
                    m.role.to_value(),
                    organization.name,
                    m.id
                ),
                OperatorGrant::Invited(i) => println!(
                    "{email} has not logged in yet: invited as {} of {} until {} (taken up at their first login with this address verified; the invitation is mailed)",
                    i.role.to_value(),
                    organization.name,
                    instant(i.expires_at)
                ),
            }
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let db = migrated(&config).await?;
            match pactum::domain::audit::verify(&db)
                .await
                .context("reading the audit log")?
            {
                Verification::Intact {
                    entries,
                    chains,
                    checkpoints,
                } => println!(
                    "audit log intact: {entries} entries verified ({chains} chains, {checkpoints} checkpoints)"
                ),
                Verification::Broken(at) => {
                    println!("audit log BROKEN {at}");
                    std::process::exit(1);
                }
            }
        }
        Command::Audit {
            command: AuditCommand::Checkpoint,
        } => {
            let db = migrated(&config).await?;
            match pactum::domain::audit::checkpoint(&db, chrono::Utc::now()).await? {
                Some(c) => println!("checkpoint {}: {} chain heads, {}", c.id, c.heads, c.hash),
                None => println!("no chain moved since the last checkpoint"),
            }
        }
        Command::Agreements {
            command: AgreementCommand::Expire,
        } => {
            let db = migrated(&config).await?;
            let today = chrono::Utc::now().date_naive();
            let expired = pactum::domain::agreement_lifecycle::expire_due(&db, today).await?;
            println!("{expired} agreements expired");
        }
        Command::Export {
            command: ExportCommand::OpenData { dir },
        } => {
            let db = migrated(&config).await?;
            let base = if config.public_url.is_empty() {
                format!("http://{}", config.listen)
            } else {
                config.public_url.trim_end_matches('/').to_owned()
            };
            let written =
                pactum::domain::open_data::export(&db, &dir, &License::of(&config), &base)
                    .await
                    .with_context(|| {
                        format!("writing the open data package to {}", dir.display())
                    })?;
            println!(
                "open data package written to {}: {} rows in {} files",
                dir.display(),
                written.rows,
                written.files
            );
        }
        Command::Stats {
            command: StatsCommand::Rebuild,
        } => {
            let db = migrated(&config).await?;
            let rebuilt = pactum::domain::stats::rebuild(&db, chrono::Utc::now()).await?;
            println!(
                "dashboard figures rebuilt: {} contributions in {} buckets",
                rebuilt.contributions, rebuilt.buckets
            );
        }
        Command::Stats {
            command: StatsCommand::Fold,
        } => {
            let db = migrated(&config).await?;
            let mut folded = 0;
            loop {
                let n = pactum::domain::stats::fold(&db, chrono::Utc::now()).await?;
                folded += n;
                if n < pactum::domain::stats::FOLD_BATCH {
                    break;
                }
            }
            println!("{folded} changes folded into the dashboard figures");
        }
        Command::Schema => {}
    }
    Ok(())
}

/// An instant as people and the API write it: RFC 3339 to the second, UTC.
fn instant(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The configured database, migrated.
async fn migrated(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let metrics = pactum::metrics::Metrics::new()?;
    let db = pactum::db::connect(config, &metrics)
        .await
        .context("connecting to the database")?;
    pactum::db::migrate(&db).await.context("migrating")?;
    Ok(db)
}

async fn organization_by_slug(
    db: &sea_orm::DatabaseConnection,
    slug: &str,
) -> anyhow::Result<entities::organization::Model> {
    pactum::domain::organizations::by_slug(db, slug)
        .await
        .context("looking up the organization")?
        .with_context(|| format!("no organization with slug `{slug}`"))
}

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_env("PACTUM_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let filter = without_connect_options(filter);
    // Logs go to stderr: stdout carries what a command prints (a token
    // secret, the schema), so `$(pactum token create ...)` captures only it.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

/// sea-orm's drivers record their connect options, the database URL with
/// its password, in a trace-level span that every event inside it would
/// print: when `filter` lets trace through, sea-orm's drivers are capped
/// at debug, so even `PACTUM_LOG=trace` prints no password.
fn without_connect_options(filter: EnvFilter) -> EnvFilter {
    let verbose = filter
        .max_level_hint()
        .is_none_or(|max| max > tracing_subscriber::filter::LevelFilter::DEBUG);
    match "sea_orm::driver=debug".parse::<tracing_subscriber::filter::Directive>() {
        Ok(cap) if verbose => filter.add_directive(cap),
        _ => filter,
    }
}

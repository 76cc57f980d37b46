//! Synthetic data for load tests and benchmarks: `N` organizations and, in
//! proportion, agreements (≈5N, 2 to 4 parties each), documents (≈10N,
//! skewed towards a few prolific owners), activities (≈5N) and projects
//! (≈N/5), with Romanian-looking names and text with diacritics and every
//! visibility. Reproducible from a seed. Rows go in with multi-row INSERTs
//! of explicit ids inside one transaction.

use std::time::Instant;

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, EntityTrait,
    PaginatorTrait, TransactionTrait, Value,
    sea_query::{Alias, Query},
    sqlx::{self, Postgres, pool::PoolConnection},
};

use crate::domain::{
    error::{DomainError, DomainResult},
    fiscal_code::check_digit,
    text::searchable,
};

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

const COUNTIES: &[&str] = &[
    "Alba",
    "Arad",
    "Argeș",
    "Bacău",
    "Bihor",
    "Bistrița-Năsăud",
    "Botoșani",
    "Brașov",
    "Brăila",
    "București",
    "Buzău",
    "Caraș-Severin",
    "Călărași",
    "Cluj",
    "Constanța",
    "Covasna",
    "Dâmbovița",
    "Dolj",
    "Galați",
    "Giurgiu",
    "Gorj",
    "Harghita",
    "Hunedoara",
    "Ialomița",
    "Iași",
    "Ilfov",
    "Maramureș",
    "Mehedinți",
    "Mureș",
    "Neamț",
    "Olt",
    "Prahova",
    "Satu Mare",
    "Sălaj",
    "Sibiu",
    "Suceava",
    "Teleorman",
    "Timiș",
    "Tulcea",
    "Vaslui",
    "Vâlcea",
    "Vrancea",
];
const PLACE_FIRST: &[&str] = &[
    "Valea",
    "Dealu",
    "Satu",
    "Râmnicu",
    "Câmpu",
    "Târgu",
    "Baia",
    "Piatra",
    "Lunca",
    "Ocna",
    "Fântâna",
    "Poiana",
    "Izvoru",
    "Măgura",
    "Sânpetru",
    "Țara",
];
const PLACE_SECOND: &[&str] = &[
    "Mare",
    "Nou",
    "Vechi",
    "de Sus",
    "de Jos",
    "Verde",
    "Lung",
    "Roșu",
    "Sărat",
    "Mureșului",
    "Șiretului",
    "Oltului",
    "Crișului",
    "Florilor",
    "Țiganilor",
    "Bârsei",
];
const TOPICS: &[&str] = &[
    "prevenirea corupției",
    "transparența decizională",
    "etica și integritatea funcționarilor publici",
    "achizițiile publice responsabile",
    "protecția avertizorilor de integritate",
    "accesul la informații de interes public",
    "managementul riscurilor de corupție",
    "implementarea SNA 2021-2025",
    "certificarea ISO 37001",
    "participarea cetățenilor la decizie",
    "educația anticorupție în școli",
    "drepturile omului și buna guvernare",
];
const TAGS: &[&str] = &[
    "anticorupție",
    "transparență",
    "etică",
    "integritate",
    "iso 37001",
    "sna 2021-2025",
    "achiziții publice",
    "avertizori",
    "ghid",
    "procedură",
    "instruire",
    "sondaj",
    "risc",
    "cod etic",
    "ong",
    "parteneriat",
    "bune practici",
    "raport anual",
    "consultare publică",
    "drepturile omului",
];

/// Values of one table's rows, flushed to the database in chunks.
struct Table {
    name: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Value>>,
    inserted: usize,
}

impl Table {
    fn new(name: &'static str, columns: &'static [&'static str]) -> Self {
        Self {
            name,
            columns,
            rows: Vec::new(),
            inserted: 0,
        }
    }

    /// Rows per statement, below both databases' bound-parameter limits.
    fn chunk(&self) -> usize {
        (30_000 / self.columns.len()).clamp(1, 2_000)
    }

    fn push(&mut self, row: Vec<Value>) {
        self.rows.push(row);
    }

    fn full(&self) -> bool {
        self.rows.len() >= self.chunk()
    }

    async fn flush(&mut self, sink: &mut Sink, bar: &ProgressBar) -> DomainResult<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let n = self.rows.len();
        match sink {
            Sink::Insert(txn) => {
                let mut insert = Query::insert();
                insert
                    .into_table(Alias::new(self.name))
                    .columns(self.columns.iter().map(|c| Alias::new(*c)));
                for row in self.rows.drain(..) {
                    insert
                        .values(row.into_iter().map(Into::into))
                        .map_err(|e| DomainError::invalid("synthetic", e.to_string()))?;
                }
                txn.execute(&insert).await?;
            }
            Sink::Copy(conn) => {
                let mut csv = String::with_capacity(n * 128);
                for row in self.rows.drain(..) {
                    for (k, value) in row.iter().enumerate() {
                        if k > 0 {
                            csv.push(',');
                        }
                        csv_field(&mut csv, value);
                    }
                    csv.push('\n');
                }
                let statement = format!(
                    "COPY {} ({}) FROM STDIN WITH (FORMAT csv)",
                    self.name,
                    self.columns.join(", ")
                );
                let mut copy = conn.copy_in_raw(&statement).await.map_err(sqlx_error)?;
                copy.send(csv.as_bytes()).await.map_err(sqlx_error)?;
                copy.finish().await.map_err(sqlx_error)?;
            }
        }
        self.inserted += n;
        bar.inc(n as u64);
        Ok(())
    }
}

/// Where rows go: multi-row INSERTs in a sea-orm transaction, or COPY on
/// one PostgreSQL connection inside BEGIN/COMMIT (several times faster).
enum Sink {
    Insert(DatabaseTransaction),
    Copy(PoolConnection<Postgres>),
}

impl Sink {
    async fn open(db: &DatabaseConnection) -> DomainResult<Self> {
        if db.get_database_backend() == DbBackend::Postgres {
            let mut conn = db
                .get_postgres_connection_pool()
                .acquire()
                .await
                .map_err(sqlx_error)?;
            sqlx::query("BEGIN")
                .execute(&mut *conn)
                .await
                .map_err(sqlx_error)?;
            Ok(Self::Copy(conn))
        } else {
            Ok(Self::Insert(db.begin().await?))
        }
    }

    async fn execute(&mut self, sql: &str) -> DomainResult<()> {
        match self {
            Self::Insert(txn) => {
                txn.execute_unprepared(sql).await?;
            }
            Self::Copy(conn) => {
                sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                    .execute(&mut **conn)
                    .await
                    .map_err(sqlx_error)?;
            }
        }
        Ok(())
    }

    async fn commit(self) -> DomainResult<()> {
        match self {
            Self::Insert(txn) => txn.commit().await?,
            Self::Copy(mut conn) => {
                sqlx::query("COMMIT")
                    .execute(&mut *conn)
                    .await
                    .map_err(sqlx_error)?;
            }
        }
        Ok(())
    }
}

fn sqlx_error(err: sqlx::Error) -> DomainError {
    DbErr::Custom(format!("bulk load: {err}")).into()
}

/// Appends `value` as one CSV field (empty, unquoted, is NULL).
fn csv_field(out: &mut String, value: &Value) {
    use std::fmt::Write;
    match value {
        Value::BigInt(Some(v)) => {
            let _ = write!(out, "{v}");
        }
        Value::Int(Some(v)) => {
            let _ = write!(out, "{v}");
        }
        Value::Double(Some(v)) => {
            let _ = write!(out, "{v}");
        }
        Value::Bool(Some(v)) => out.push_str(if *v { "t" } else { "f" }),
        Value::String(Some(v)) => {
            out.push('"');
            out.push_str(&v.replace('"', "\"\""));
            out.push('"');
        }
        Value::ChronoDate(Some(v)) => {
            let _ = write!(out, "{v}");
        }
        Value::ChronoDateTimeUtc(Some(v)) => out.push_str(&v.to_rfc3339()),
        _ => {}
    }
}

/// Flushes `tables` in order (parents first, so foreign keys hold) once
/// any of them has a full chunk.
async fn flush_when_full(
    sink: &mut Sink,
    tables: &mut [&mut Table],
    bar: &ProgressBar,
) -> DomainResult<()> {
    if tables.iter().any(|t| Table::full(t)) {
        for table in tables.iter_mut() {
            table.flush(sink, bar).await?;
        }
    }
    Ok(())
}

fn day(rng: &mut StdRng, from: NaiveDate, span_days: u64) -> NaiveDate {
    from + Days::new(rng.random_range(0..span_days))
}

fn at(date: NaiveDate, rng: &mut StdRng) -> DateTime<Utc> {
    let time = date
        .and_hms_opt(rng.random_range(7..19), rng.random_range(0..60), 0)
        .unwrap_or_default();
    Utc.from_utc_datetime(&time)
}

fn weighted<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total.max(1));
    for (value, weight) in choices {
        if pick < *weight {
            return *value;
        }
        pick -= weight;
    }
    choices[0].0
}

fn pick<'a>(rng: &mut StdRng, list: &'a [&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or_default()
}

fn visibility(rng: &mut StdRng) -> &'static str {
    weighted(rng, &[("PUBLIC", 70), ("PARTNERS", 20), ("PRIVATE", 10)])
}

/// `count` distinct values in `0..bound` (or all of them if fewer).
fn distinct(rng: &mut StdRng, bound: usize, count: usize) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(count);
    while out.len() < count.min(bound) {
        let v = rng.random_range(0..bound);
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn s(v: &str) -> Value {
    Value::from(v.to_owned())
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
    let mut rng = StdRng::seed_from_u64(spec.seed);
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

    let mut sink = Sink::open(db).await?;
    let base = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default();

    // Organizations.
    bar.set_message("organizations");
    let mut orgs = Table::new(
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
    for i in 0..n {
        let id = i as i64 + 1;
        let county = pick(&mut rng, COUNTIES);
        let place = format!(
            "{} {}",
            pick(&mut rng, PLACE_FIRST),
            pick(&mut rng, PLACE_SECOND)
        );
        let kind = weighted(
            &mut rng,
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
                    &mut rng,
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
                    &mut rng,
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
        let body = format!("{}", 10_000_000 + i);
        let fiscal = check_digit(&body).map(|d| format!("{body}{d}"));
        let created = at(day(&mut rng, base, 3_000), &mut rng);
        let description = format!(
            "Organizație din județul {county}, activă în {}.",
            pick(&mut rng, TOPICS)
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
        flush_when_full(&mut sink, &mut [&mut orgs], &bar).await?;
    }
    orgs.flush(&mut sink, &bar).await?;

    // Agreements and parties.
    bar.set_message("agreements");
    let mut agreements = Table::new(
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
    let mut parties = Table::new(
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
    let agreement_count = n * 5;
    let mut party_id = 0i64;
    for a in 0..agreement_count {
        let id = a as i64 + 1;
        let size = weighted(&mut rng, &[(2usize, 60), (3, 30), (4, 10)]);
        let members = distinct(&mut rng, n, size);
        let status = weighted(
            &mut rng,
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
            &mut rng,
            &[
                ("COOPERATION", 50),
                ("PARTNERSHIP", 25),
                ("PROTOCOL", 15),
                ("MEMORANDUM", 10),
            ],
        );
        let topic = pick(&mut rng, TOPICS);
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
        let start = day(&mut rng, base, 4_500);
        let dated = status != "DRAFT" || rng.random_bool(0.7);
        let end = start + Days::new(rng.random_range(365..1_826));
        let created = at(
            start.checked_sub_days(Days::new(30)).unwrap_or(start),
            &mut rng,
        );
        agreements.push(vec![
            id.into(),
            (members[0] as i64 + 1).into(),
            s(&title),
            s(kind),
            s(status),
            s(&objectives),
            Value::from(dated.then_some(start)),
            Value::from(dated.then_some(end)),
            s(visibility(&mut rng)),
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
        flush_when_full(&mut sink, &mut [&mut agreements, &mut parties], &bar).await?;
    }
    agreements.flush(&mut sink, &bar).await?;
    parties.flush(&mut sink, &bar).await?;

    // Documents, tags and versions.
    bar.set_message("documents");
    let mut documents = Table::new(
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
    let mut tags = Table::new("document_tags", &["document_id", "tag"]);
    let mut versions = Table::new(
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
        ],
    );
    let document_count = n * 10;
    let mut version_id = 0i64;
    for d in 0..document_count {
        let id = d as i64 + 1;
        // Skewed ownership: a few organizations publish most documents.
        let u: f64 = rng.random();
        let owner = ((u * u * u) * n as f64) as i64 + 1;
        let (kind, label) = weighted(
            &mut rng,
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
        let topic = pick(&mut rng, TOPICS);
        let published = day(&mut rng, base, 4_300);
        let title = format!("{label} privind {topic} ({})", published.format("%Y"));
        let summary =
            format!("Document despre {topic}, pus la dispoziția partenerilor pentru a-l utiliza.");
        let language = weighted(&mut rng, &[("ro", 90), ("en", 8), ("hu", 2)]);
        let created = at(published, &mut rng);
        documents.push(vec![
            id.into(),
            owner.into(),
            s(&title),
            s(&summary),
            s(kind),
            s(language),
            s(visibility(&mut rng)),
            Value::from(Some(published)),
            s(&searchable(&[&title, &summary])),
            1i32.into(),
            created.into(),
            created.into(),
        ]);
        let tag_count = rng.random_range(1..=3);
        for t in distinct(&mut rng, TAGS.len(), tag_count) {
            tags.push(vec![id.into(), s(TAGS[t])]);
        }
        let version_count = weighted(&mut rng, &[(1i32, 70), (2, 25), (3, 5)]);
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
            ]);
        }
        flush_when_full(
            &mut sink,
            &mut [&mut documents, &mut tags, &mut versions],
            &bar,
        )
        .await?;
    }
    documents.flush(&mut sink, &bar).await?;
    tags.flush(&mut sink, &bar).await?;
    versions.flush(&mut sink, &bar).await?;

    // Projects and indicators.
    bar.set_message("projects");
    let mut projects = Table::new(
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
    let mut indicators = Table::new(
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
    let project_count = (n / 5).max(1);
    let mut indicator_id = 0i64;
    for p in 0..project_count {
        let id = p as i64 + 1;
        let owner = rng.random_range(1..=n as i64);
        let code = format!("SIPOCA {} / SMIS {}", 2_000 + p, 200_000 + p);
        let topic = pick(&mut rng, TOPICS);
        let title = format!("Consolidarea capacității administrative prin {topic}");
        let start = day(&mut rng, base, 3_300);
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
            at(start, &mut rng).into(),
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
        flush_when_full(&mut sink, &mut [&mut projects, &mut indicators], &bar).await?;
    }
    projects.flush(&mut sink, &bar).await?;
    indicators.flush(&mut sink, &bar).await?;

    // Activities with organizers, participation and documents.
    bar.set_message("activities");
    let mut activities = Table::new(
        "activities",
        &[
            "id",
            "owner_id",
            "agreement_id",
            "project_id",
            "title",
            "kind",
            "status",
            "description",
            "start_date",
            "end_date",
            "place",
            "online_url",
            "certificates_issued",
            "outcomes",
            "visibility",
            "search_text",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    let mut organizers = Table::new(
        "activity_organizers",
        &["id", "activity_id", "organization_id", "accepted_at"],
    );
    let mut participations = Table::new(
        "activity_participations",
        &["id", "activity_id", "organization_id", "role", "count"],
    );
    let mut activity_documents = Table::new("activity_documents", &["activity_id", "document_id"]);
    let roles = [
        "ELECTED_OFFICIAL",
        "CIVIL_SERVANT",
        "NGO_REPRESENTATIVE",
        "CITIZEN",
        "TRAINER",
    ];
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default();
    let (mut organizer_id, mut participation_id) = (0i64, 0i64);
    for a in 0..n * 5 {
        let id = a as i64 + 1;
        let organizer_count = weighted(&mut rng, &[(1usize, 50), (2, 35), (3, 15)]);
        let members = distinct(&mut rng, n, organizer_count);
        let (kind, label) = weighted(
            &mut rng,
            &[
                (("TRAINING_COURSE", "Curs de formare"), 30),
                (("WORKSHOP", "Atelier de lucru"), 20),
                (("AWARENESS_CAMPAIGN", "Campanie de conștientizare"), 12),
                (("CONFERENCE", "Conferință"), 8),
                (("SURVEY", "Sondaj"), 6),
                (("AUDIT", "Audit"), 4),
                (("MEETING", "Întâlnire de lucru"), 15),
                (("OTHER", "Activitate"), 5),
            ],
        );
        let start = day(&mut rng, base, 4_400);
        let end = start + Days::new(rng.random_range(0..5));
        let status = if start > today {
            "PLANNED"
        } else {
            weighted(&mut rng, &[("COMPLETED", 88), ("CANCELLED", 12)])
        };
        let topic = pick(&mut rng, TOPICS);
        let title = format!("{label}: {topic}");
        let description = format!("Activitate comună privind {topic}.");
        let agreement = rng
            .random_bool(0.3)
            .then(|| rng.random_range(1..=agreement_count as i64));
        let project = rng
            .random_bool(0.2)
            .then(|| rng.random_range(1..=project_count as i64));
        let mut participants_total = 0i32;
        let mut rows = Vec::new();
        if status == "COMPLETED" {
            let role_count = rng.random_range(1..=3);
            for r in distinct(&mut rng, roles.len(), role_count) {
                let count = if roles[r] == "TRAINER" {
                    rng.random_range(1..3)
                } else {
                    rng.random_range(5..40)
                };
                if roles[r] != "TRAINER" {
                    participants_total += count;
                }
                rows.push((members[0] as i64 + 1, roles[r], count));
            }
        }
        let created = at(
            start.checked_sub_days(Days::new(20)).unwrap_or(start),
            &mut rng,
        );
        activities.push(vec![
            id.into(),
            (members[0] as i64 + 1).into(),
            Value::from(agreement),
            Value::from(project),
            s(&title),
            s(kind),
            s(status),
            s(&description),
            start.into(),
            end.into(),
            Value::from(Some(format!(
                "Sediul primăriei, {}",
                pick(&mut rng, COUNTIES)
            ))),
            Value::from(None::<String>),
            (if kind == "TRAINING_COURSE" {
                participants_total
            } else {
                0
            })
            .into(),
            Value::from(
                (status == "COMPLETED")
                    .then(|| "Participanții au aplicat cele învățate.".to_owned()),
            ),
            s(visibility(&mut rng)),
            s(&searchable(&[&title, &description])),
            1i32.into(),
            created.into(),
            created.into(),
        ]);
        for member in &members {
            organizer_id += 1;
            organizers.push(vec![
                organizer_id.into(),
                id.into(),
                (*member as i64 + 1).into(),
                created.into(),
            ]);
        }
        for (org, role, count) in rows {
            participation_id += 1;
            participations.push(vec![
                participation_id.into(),
                id.into(),
                org.into(),
                s(role),
                count.into(),
            ]);
        }
        let linked = rng.random_range(0..=2);
        for doc in distinct(&mut rng, document_count, linked) {
            activity_documents.push(vec![id.into(), (doc as i64 + 1).into()]);
        }
        flush_when_full(
            &mut sink,
            &mut [
                &mut activities,
                &mut organizers,
                &mut participations,
                &mut activity_documents,
            ],
            &bar,
        )
        .await?;
    }
    activities.flush(&mut sink, &bar).await?;
    organizers.flush(&mut sink, &bar).await?;
    participations.flush(&mut sink, &bar).await?;
    activity_documents.flush(&mut sink, &bar).await?;

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
            sink.execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT MAX(id) FROM {name}))"
            ))
            .await?;
        }
    }
    sink.commit().await?;
    bar.finish_with_message("done");
    Ok(SyntheticReport {
        rows,
        seconds: started.elapsed().as_secs_f64(),
    })
}

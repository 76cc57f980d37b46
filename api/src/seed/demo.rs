//! The demo data set loaded by `pactum seed --demo`.
//!
//! It is drawn from the two documents Pactum grew out of (`seeds/` in the
//! shared design folder):
//!
//! - a Romanian town hall's 2018-2019 anti-corruption project (an internal
//!   anti-corruption procedure, a good-practice guide on transparency, an
//!   awareness campaign, a workshop, three courses with diplomas for 28
//!   people and a sustainability plan of 3 cooperation agreements). The
//!   source does not name the town hall, so the demo uses the clearly
//!   fictional "Primăria Orașului Valea Verde" in its place;
//! - Lugoj municipality's 2021-2022 project SIPOCA 1102 / SMIS 151977
//!   (contract 582/15.09.2021, POCA 2014-2020): risk analysis, the SNA
//!   2021-2025 document set, an ethics and integrity guide, ISO 37001:2016
//!   certification, a public perception survey, an information campaign, 50
//!   people trained and 5 ISO 37001 internal auditors.
//!
//! The projects' indicators and the training figures are the seeds' own.
//! Everything else is invented for the demo and states nothing about the real
//! institutions: the NGOs are fictional, the agreements after the projects and
//! the dates the seeds do not give are made up, and every fiscal code is an
//! invented number that merely passes the CIF check digit, not the
//! institution's actual CIF. Fictional organizations use `example.org`
//! addresses; real institutions get their public website and no e-mail
//! address. Document versions carry metadata only (a deterministic SHA-256 of
//! the file name, title and version number); no file bytes are written to the
//! store.
//!
//! Timestamps are fixed and derived from each record's dates, so two loads
//! produce identical rows.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entities::enums::{
    ActivityKind, ActivityStatus, AgreementKind, AgreementStatus, DocumentKind, OrganizationKind,
    ParticipantRole::{
        self, Citizen, CivilServant, ElectedOfficial, NgoRepresentative, Other, Trainer,
    },
    Visibility,
};
use entities::{
    activity, activity_document, activity_organizer, activity_participation, agreement,
    agreement_party, document, document_tag, document_version, indicator, organization, project,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ConnectionTrait, EntityTrait, TransactionSession, TransactionTrait,
};
use sha2::{Digest, Sha256};

use crate::domain::{
    error::{DomainError, DomainResult},
    fiscal_code::check_digit,
    text::searchable,
};

/// Loads the demo data set in one transaction, unless the database already
/// holds organizations.
///
/// Returns `Ok(true)` when the data was inserted and `Ok(false)` (inserting
/// nothing) when the `organizations` table already has a row, so running
/// `pactum seed --demo` twice is harmless.
#[tracing::instrument(skip_all)]
pub async fn seed_demo<C: ConnectionTrait + TransactionTrait>(db: &C) -> DomainResult<bool> {
    let txn = db.begin().await?;
    if organization::Entity::find().one(&txn).await?.is_some() {
        txn.rollback().await?;
        tracing::info!("organizations already present: demo data not loaded");
        return Ok(false);
    }
    let orgs = insert_organizations(&txn).await?;
    let projects = insert_projects(&txn, &orgs).await?;
    let agreements = insert_agreements(&txn, &orgs).await?;
    let documents = insert_documents(&txn, &orgs).await?;
    insert_activities(&txn, &orgs, &projects, &agreements, &documents).await?;
    txn.commit().await?;
    tracing::info!(
        organizations = ORGANIZATIONS.len(),
        projects = PROJECTS.len(),
        agreements = AGREEMENTS.len(),
        documents = DOCUMENTS.len(),
        activities = ACTIVITIES.len(),
        "demo data loaded"
    );
    Ok(true)
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A calendar day as (year, month, day).
type Ymd = (i32, u32, u32);

/// Ids of inserted rows by their key in the tables below.
type Ids = HashMap<&'static str, i64>;

const PDF: &str = "application/pdf";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The error for a mistake in the static tables of this module.
fn bad_data(message: String) -> DomainError {
    DomainError::invalid("demo", message)
}

/// A calendar day.
fn day((y, m, d): Ymd) -> DomainResult<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| bad_data(format!("invalid date {y}-{m}-{d}")))
}

/// A fixed UTC instant on `date` at `hour`:00.
fn at(date: Ymd, hour: u32) -> DomainResult<DateTime<Utc>> {
    day(date)?
        .and_hms_opt(hour, 0, 0)
        .map(|t| t.and_utc())
        .ok_or_else(|| bad_data(format!("invalid hour {hour}")))
}

/// A fiscal code (CIF): `body` followed by its check digit.
fn cif(body: &str) -> DomainResult<String> {
    check_digit(body)
        .map(|digit| format!("{body}{digit}"))
        .ok_or_else(|| bad_data(format!("invalid fiscal code body {body}")))
}

/// The id recorded under `key`.
fn id(ids: &Ids, key: &str) -> DomainResult<i64> {
    ids.get(key)
        .copied()
        .ok_or_else(|| bad_data(format!("unknown demo key {key}")))
}

/// Hex SHA-256 of the deterministic stand-in content of a file.
fn sha256_hex(file_name: &str, title: &str, number: i32) -> String {
    hex::encode(Sha256::digest(
        format!("{file_name}\n{title}\nv{number}").as_bytes(),
    ))
}

// ---------------------------------------------------------------------------
// Organizations
// ---------------------------------------------------------------------------

/// One demo organization.
struct OrgSpec {
    slug: &'static str,
    name: &'static str,
    kind: OrganizationKind,
    /// Invented CIF without its check digit.
    fiscal_body: &'static str,
    county: &'static str,
    locality: &'static str,
    website: Option<&'static str>,
    contact_email: Option<&'static str>,
    description: &'static str,
    created: Ymd,
}

const LUGOJ: &str = "municipiul-lugoj";
const VALEA_VERDE: &str = "primaria-orasului-valea-verde";
const CJ_TIMIS: &str = "consiliul-judetean-timis";
const CARANSEBES: &str = "municipiul-caransebes";
const DGA: &str = "directia-generala-anticoruptie";
const NGO_INTEGRITY: &str = "asociatia-initiativa-pentru-integritate-publica";
const NGO_RIGHTS: &str = "fundatia-drepturi-si-demnitate";
const NGO_LUGOJ: &str = "asociatia-civica-lugoj-implicat";
const PREFECTURE: &str = "institutia-prefectului-judetul-timis";

const ORGANIZATIONS: &[OrgSpec] = &[
    OrgSpec {
        slug: LUGOJ,
        name: "Municipiul Lugoj",
        kind: OrganizationKind::Municipality,
        fiscal_body: "2716453",
        county: "Timiș",
        locality: "Lugoj",
        website: Some("https://www.primarialugoj.ro"),
        contact_email: None,
        description: "Municipiu din județul Timiș, beneficiar al proiectului „Consolidarea \
            capacității analitice a Municipiului Lugoj prin creșterea transparenței, eticii și \
            integrității referitoare la prevenirea corupției” (SIPOCA 1102 / SMIS 151977), \
            finanțat prin Programul Operațional Capacitate Administrativă 2014-2020.",
        created: (2021, 9, 15),
    },
    OrgSpec {
        slug: VALEA_VERDE,
        name: "Primăria Orașului Valea Verde",
        kind: OrganizationKind::Municipality,
        fiscal_body: "3958201",
        county: "Timiș",
        locality: "Valea Verde",
        website: Some("https://valea-verde.example.org"),
        contact_email: Some("contact@valea-verde.example.org"),
        description: "Primărie fictivă din datele demonstrative: ține locul primăriei, nenumite \
            în sursă, care a implementat în 2018-2019 un proiect anticorupție (procedură internă \
            anticorupție, ghid de bune practici privind transparența, cursuri pentru 28 de \
            persoane) și și-a propus 3 acorduri de cooperare în perioada de sustenabilitate.",
        created: (2018, 8, 1),
    },
    OrgSpec {
        slug: CJ_TIMIS,
        name: "Consiliul Județean Timiș",
        kind: OrganizationKind::CountyCouncil,
        fiscal_body: "5104736",
        county: "Timiș",
        locality: "Timișoara",
        website: Some("https://www.cjtimis.ro"),
        contact_email: None,
        description: "Autoritatea administrației publice locale la nivelul județului Timiș; \
            partener al primăriilor din județ în proiecte privind etica și integritatea.",
        created: (2019, 7, 15),
    },
    OrgSpec {
        slug: CARANSEBES,
        name: "Municipiul Caransebeș",
        kind: OrganizationKind::Municipality,
        fiscal_body: "6281940",
        county: "Caraș-Severin",
        locality: "Caransebeș",
        website: Some("https://www.primaria-caransebes.ro"),
        contact_email: None,
        description: "Municipiu din județul Caraș-Severin, instituție similară cu care Municipiul \
            Lugoj cooperează pentru prevenirea și combaterea corupției.",
        created: (2022, 10, 24),
    },
    OrgSpec {
        slug: DGA,
        name: "Direcția Generală Anticorupție",
        kind: OrganizationKind::CentralInstitution,
        fiscal_body: "7395162",
        county: "București",
        locality: "București",
        website: Some("https://www.mai-dga.ro"),
        contact_email: None,
        description: "Structură specializată a Ministerului Afacerilor Interne pentru prevenirea \
            și combaterea corupției; instruire și educație anticorupție.",
        created: (2022, 10, 31),
    },
    OrgSpec {
        slug: NGO_INTEGRITY,
        name: "Asociația Inițiativa pentru Integritate Publică",
        kind: OrganizationKind::Ngo,
        fiscal_body: "31845207",
        county: "Timiș",
        locality: "Timișoara",
        website: Some("https://integritate-publica.example.org"),
        contact_email: Some("contact@integritate-publica.example.org"),
        description: "Organizație neguvernamentală fictivă (date demonstrative) care promovează \
            transparența decizională, etica și integritatea în administrația publică locală.",
        created: (2019, 2, 4),
    },
    OrgSpec {
        slug: NGO_RIGHTS,
        name: "Fundația Drepturi și Demnitate",
        kind: OrganizationKind::Ngo,
        fiscal_body: "40617385",
        county: "Arad",
        locality: "Arad",
        website: Some("https://drepturi-demnitate.example.org"),
        contact_email: Some("office@drepturi-demnitate.example.org"),
        description: "Organizație neguvernamentală fictivă (date demonstrative) care are ca obiect \
            de activitate protecția drepturilor omului; monitorizează accesul cetățenilor la \
            informații de interes public.",
        created: (2020, 1, 20),
    },
    OrgSpec {
        slug: NGO_LUGOJ,
        name: "Asociația Civică Lugoj Implicat",
        kind: OrganizationKind::Ngo,
        fiscal_body: "42953076",
        county: "Timiș",
        locality: "Lugoj",
        website: Some("https://lugoj-implicat.example.org"),
        contact_email: Some("salut@lugoj-implicat.example.org"),
        description: "Asociație civică fictivă (date demonstrative) a cetățenilor din Lugoj, \
            implicată în informarea publică și în educația anticorupție.",
        created: (2022, 4, 4),
    },
    OrgSpec {
        slug: PREFECTURE,
        name: "Instituția Prefectului – Județul Timiș",
        kind: OrganizationKind::OtherPublicBody,
        fiscal_body: "38172649",
        county: "Timiș",
        locality: "Timișoara",
        website: Some("https://tm.prefectura.mai.gov.ro"),
        contact_email: None,
        description: "Reprezentantul Guvernului în județul Timiș; verifică legalitatea actelor \
            autorităților administrației publice locale.",
        created: (2025, 2, 17),
    },
];

async fn insert_organizations<T: ConnectionTrait>(txn: &T) -> DomainResult<Ids> {
    let mut ids = Ids::new();
    for o in ORGANIZATIONS {
        let created = at(o.created, 8)?;
        let model = organization::ActiveModel {
            id: NotSet,
            slug: Set(o.slug.to_owned()),
            name: Set(o.name.to_owned()),
            kind: Set(o.kind),
            fiscal_code: Set(Some(cif(o.fiscal_body)?)),
            county: Set(Some(o.county.to_owned())),
            locality: Set(Some(o.locality.to_owned())),
            website: Set(o.website.map(str::to_owned)),
            contact_email: Set(o.contact_email.map(str::to_owned)),
            description: Set(Some(o.description.to_owned())),
            search_text: Set(searchable(&[o.name, o.county, o.locality, o.description])),
            version: Set(1),
            created_at: Set(created),
            updated_at: Set(created),
        }
        .insert(txn)
        .await?;
        ids.insert(o.slug, model.id);
    }
    Ok(ids)
}

// ---------------------------------------------------------------------------
// Projects and indicators
// ---------------------------------------------------------------------------

/// One funded project with its result indicators.
struct ProjectSpec {
    owner: &'static str,
    code: &'static str,
    title: &'static str,
    programme: &'static str,
    contract_number: Option<&'static str>,
    start: Ymd,
    end: Ymd,
    summary: &'static str,
    /// (name, unit, baseline, target, achieved)
    indicators: &'static [(&'static str, &'static str, f64, f64, f64)],
}

const PROJECT_LUGOJ: &str = "SIPOCA 1102 / SMIS 151977";
const PROJECT_2019: &str = "PROIECT-ANTICORUPTIE-2019";

const POCA: &str = "Programul Operațional Capacitate Administrativă 2014-2020";

const PROJECTS: &[ProjectSpec] = &[
    ProjectSpec {
        owner: LUGOJ,
        code: PROJECT_LUGOJ,
        title: "Consolidarea capacității analitice a Municipiului Lugoj prin creșterea \
            transparenței, eticii și integrității referitoare la prevenirea corupției",
        programme: POCA,
        contract_number: Some("582/15.09.2021"),
        start: (2021, 9, 15),
        end: (2022, 11, 14),
        summary: "Creșterea transparenței activității instituției în relația cu cetățenii, prin \
            dezvoltarea de proceduri anticorupție, inclusiv a unor măsuri concrete și modalități \
            de monitorizare permanentă a aplicării acestora: strategie anticorupție, set de \
            documente conform SNA 2021-2025, ghid de bune practici, instruire în prevenirea și \
            combaterea corupției, etică și integritate, certificare ISO 37001:2016.",
        indicators: &[
            (
                "Analiză de identificare a riscurilor și vulnerabilităților la corupție",
                "analize",
                0.0,
                1.0,
                1.0,
            ),
            (
                "Set de documente aferente SNA 2021-2025",
                "seturi de documente",
                0.0,
                1.0,
                1.0,
            ),
            (
                "Ghid de bune practici privind mecanismele de aplicare a cadrului legal în \
                 domeniul eticii și integrității",
                "ghiduri",
                0.0,
                1.0,
                1.0,
            ),
            (
                "Certificare de sistem de management anti-mită ISO 37001:2016",
                "certificări",
                0.0,
                1.0,
                1.0,
            ),
            (
                "Sondaj al percepției publice privind aspecte legate de corupție",
                "sondaje",
                0.0,
                1.0,
                1.0,
            ),
            (
                "Campanie sectorială de informare publică privind educația anticorupție",
                "campanii",
                0.0,
                1.0,
                1.0,
            ),
            (
                "Persoane instruite în prevenirea și combaterea corupției, etică și integritate",
                "persoane",
                0.0,
                50.0,
                50.0,
            ),
            (
                "Persoane instruite ca auditori interni ISO 37001:2016",
                "persoane",
                0.0,
                5.0,
                5.0,
            ),
        ],
    },
    ProjectSpec {
        owner: VALEA_VERDE,
        code: PROJECT_2019,
        title: "Prevenirea și combaterea corupției în Primăria Orașului Valea Verde",
        programme: POCA,
        contract_number: None,
        start: (2018, 8, 1),
        end: (2019, 7, 29),
        summary: "Proiect anticorupție (date demonstrative după un proiect real din 2018-2019): \
            procedură internă anticorupție, ghid de bune practici privind transparența în \
            administrația publică, campanie de conștientizare, workshop, un curs acreditat și \
            două serii de curs finalizate cu Diplomă de participare pentru 28 de persoane \
            (primar, viceprimar, consilieri locali și funcționari publici). În perioada de \
            sustenabilitate: 3 acorduri de cooperare cu instituții similare sau ONG-uri.",
        indicators: &[
            ("Procedură internă anticorupție", "proceduri", 0.0, 1.0, 1.0),
            (
                "Ghid de bune practici privind transparența în administrația publică",
                "ghiduri",
                0.0,
                1.0,
                1.0,
            ),
            ("Campanie de conștientizare", "campanii", 0.0, 1.0, 1.0),
            (
                "Workshop privind riscurile corupției și prevenirea faptelor de corupție",
                "workshopuri",
                0.0,
                1.0,
                1.0,
            ),
            (
                "Cursuri finalizate cu Diplomă de participare",
                "cursuri",
                0.0,
                3.0,
                3.0,
            ),
            (
                "Persoane instruite (primar, viceprimar, consilieri locali, funcționari publici)",
                "persoane",
                0.0,
                28.0,
                28.0,
            ),
            (
                "Acorduri de cooperare încheiate cu instituții similare sau ONG-uri",
                "acorduri",
                0.0,
                3.0,
                2.0,
            ),
        ],
    },
];

async fn insert_projects<T: ConnectionTrait>(txn: &T, orgs: &Ids) -> DomainResult<Ids> {
    let mut ids = Ids::new();
    for p in PROJECTS {
        let model = project::ActiveModel {
            id: NotSet,
            owner_id: Set(id(orgs, p.owner)?),
            code: Set(p.code.to_owned()),
            title: Set(p.title.to_owned()),
            programme: Set(p.programme.to_owned()),
            contract_number: Set(p.contract_number.map(str::to_owned)),
            start_date: Set(day(p.start)?),
            end_date: Set(day(p.end)?),
            summary: Set(p.summary.to_owned()),
            search_text: Set(searchable(&[p.code, p.title, p.programme, p.summary])),
            created_at: Set(at(p.start, 9)?),
            version: Set(1),
        }
        .insert(txn)
        .await?;
        for &(name, unit, baseline, target, achieved) in p.indicators {
            indicator::ActiveModel {
                id: NotSet,
                project_id: Set(model.id),
                name: Set(name.to_owned()),
                unit: Set(unit.to_owned()),
                baseline: Set(baseline),
                target: Set(target),
                achieved: Set(achieved),
                derivation: Set(None),
                version: Set(1),
            }
            .insert(txn)
            .await?;
        }
        ids.insert(p.code, model.id);
    }
    Ok(ids)
}

// ---------------------------------------------------------------------------
// Agreements
// ---------------------------------------------------------------------------

/// One party to an agreement.
struct PartySpec {
    org: &'static str,
    /// When the party signed (day, hour) and who signed.
    signed: Option<(Ymd, u32, &'static str)>,
    /// When the party declined (day, hour).
    declined: Option<(Ymd, u32)>,
}

/// One demo agreement; the initiator is its first party.
struct AgreementSpec {
    key: &'static str,
    initiator: &'static str,
    title: &'static str,
    kind: AgreementKind,
    status: AgreementStatus,
    objectives: &'static str,
    start: Option<Ymd>,
    end: Option<Ymd>,
    visibility: Visibility,
    created: Ymd,
    updated: Ymd,
    parties: &'static [PartySpec],
}

const PRIMAR_LUGOJ: &str = "Primarul Municipiului Lugoj";
const PRIMAR_VALEA_VERDE: &str = "Primarul Orașului Valea Verde";
const DIRECTOR_INTEGRITY: &str =
    "Directorul executiv al Asociației Inițiativa pentru Integritate Publică";
const PRESEDINTE_RIGHTS: &str = "Președintele Fundației Drepturi și Demnitate";

const AG_LUGOJ_CARANSEBES: &str = "lugoj-caransebes";
const AG_VALEA_VERDE_CJ: &str = "valea-verde-cj-timis";

const AGREEMENTS: &[AgreementSpec] = &[
    AgreementSpec {
        key: AG_LUGOJ_CARANSEBES,
        initiator: LUGOJ,
        title: "Acord de cooperare pentru prevenirea și combaterea corupției între Municipiul \
            Lugoj și Municipiul Caransebeș",
        kind: AgreementKind::Cooperation,
        status: AgreementStatus::Active,
        objectives: "Cooperare instituțională pentru prevenirea și combaterea corupției: schimb \
            de bune practici între cele două primării, oferirea Ghidului de bune practici privind \
            mecanismele de aplicare a cadrului legal în domeniul eticii și integrității pentru a-l \
            utiliza, workshopuri comune și instruirea funcționarilor publici.",
        start: Some((2023, 3, 1)),
        end: Some((2027, 2, 28)),
        visibility: Visibility::Public,
        created: (2023, 2, 6),
        updated: (2023, 2, 24),
        parties: &[
            PartySpec {
                org: LUGOJ,
                signed: Some(((2023, 2, 20), 10, PRIMAR_LUGOJ)),
                declined: None,
            },
            PartySpec {
                org: CARANSEBES,
                signed: Some(((2023, 2, 24), 12, "Primarul Municipiului Caransebeș")),
                declined: None,
            },
        ],
    },
    AgreementSpec {
        key: "lugoj-drepturi-si-demnitate",
        initiator: LUGOJ,
        title: "Acord de parteneriat privind transparența și drepturile cetățenilor în relația \
            cu administrația publică locală",
        kind: AgreementKind::Partnership,
        status: AgreementStatus::Active,
        objectives: "Parteneriat cu societatea civilă pentru creșterea transparenței: \
            monitorizarea accesului la informații de interes public, consultarea organizației la \
            revizuirea strategiei anticorupție și prezentarea anuală a rezultatelor obținute.",
        start: Some((2024, 5, 15)),
        end: Some((2027, 5, 14)),
        visibility: Visibility::Public,
        created: (2024, 4, 22),
        updated: (2024, 5, 10),
        parties: &[
            PartySpec {
                org: LUGOJ,
                signed: Some(((2024, 5, 6), 10, PRIMAR_LUGOJ)),
                declined: None,
            },
            PartySpec {
                org: NGO_RIGHTS,
                signed: Some(((2024, 5, 10), 11, PRESEDINTE_RIGHTS)),
                declined: None,
            },
        ],
    },
    AgreementSpec {
        key: "valea-verde-integritate-publica",
        initiator: VALEA_VERDE,
        title: "Acord de cooperare privind transparența și integritatea în administrația \
            publică locală",
        kind: AgreementKind::Cooperation,
        status: AgreementStatus::Expired,
        objectives: "Cooperare instituțională pentru prevenirea și combaterea corupției în \
            perioada de sustenabilitate a proiectului: schimb de bune practici, oferirea ghidului \
            de bune practici privind transparența pentru a-l utiliza și instruirea angajaților \
            primăriei.",
        start: Some((2019, 9, 16)),
        end: Some((2022, 9, 15)),
        visibility: Visibility::Public,
        created: (2019, 8, 26),
        updated: (2022, 9, 16),
        parties: &[
            PartySpec {
                org: VALEA_VERDE,
                signed: Some(((2019, 9, 10), 10, PRIMAR_VALEA_VERDE)),
                declined: None,
            },
            PartySpec {
                org: NGO_INTEGRITY,
                signed: Some(((2019, 9, 12), 14, DIRECTOR_INTEGRITY)),
                declined: None,
            },
        ],
    },
    AgreementSpec {
        key: "valea-verde-drepturi-si-demnitate",
        initiator: VALEA_VERDE,
        title: "Acord de cooperare pentru protecția drepturilor omului și prevenirea corupției",
        kind: AgreementKind::Cooperation,
        status: AgreementStatus::Active,
        objectives: "Cooperare cu o organizație care are ca obiect de activitate protecția \
            drepturilor omului: informarea cetățenilor despre drepturile lor în relația cu \
            primăria, sesizarea faptelor de corupție și prezentarea periodică a rezultatelor \
            obținute prin proiect.",
        start: Some((2020, 3, 2)),
        end: None,
        visibility: Visibility::Public,
        created: (2020, 2, 10),
        updated: (2020, 2, 27),
        parties: &[
            PartySpec {
                org: VALEA_VERDE,
                signed: Some(((2020, 2, 24), 10, PRIMAR_VALEA_VERDE)),
                declined: None,
            },
            PartySpec {
                org: NGO_RIGHTS,
                signed: Some(((2020, 2, 27), 15, PRESEDINTE_RIGHTS)),
                declined: None,
            },
        ],
    },
    AgreementSpec {
        key: AG_VALEA_VERDE_CJ,
        initiator: VALEA_VERDE,
        title: "Protocol de colaborare privind instruirea în domeniul eticii și integrității",
        kind: AgreementKind::Protocol,
        status: AgreementStatus::Proposed,
        objectives: "Cooperare instituțională între autoritățile locale și județene: pregătirea \
            angajaților pentru aplicarea procedurilor anticorupție corelate cu reglementările \
            legislative în vigoare și oferirea ghidului de bune practici privind transparența \
            pentru a fi utilizat de aparatul de specialitate al consiliului județean.",
        start: Some((2027, 1, 1)),
        end: Some((2029, 12, 31)),
        visibility: Visibility::Public,
        created: (2026, 8, 17),
        updated: (2026, 8, 20),
        parties: &[
            PartySpec {
                org: VALEA_VERDE,
                signed: Some(((2026, 8, 20), 10, PRIMAR_VALEA_VERDE)),
                declined: None,
            },
            PartySpec {
                org: CJ_TIMIS,
                signed: None,
                declined: None,
            },
        ],
    },
    AgreementSpec {
        key: "lugoj-dga",
        initiator: LUGOJ,
        title: "Memorandum de înțelegere privind prevenirea corupției și educația anticorupție",
        kind: AgreementKind::Memorandum,
        status: AgreementStatus::Active,
        objectives: "Instruirea personalului primăriei în prevenirea și combaterea corupției, \
            campanii comune de educație anticorupție pentru cetățeni și schimb de informații \
            privind riscurile și vulnerabilitățile la corupție identificate.",
        start: Some((2025, 10, 1)),
        end: Some((2028, 9, 30)),
        visibility: Visibility::Partners,
        created: (2025, 9, 8),
        updated: (2025, 9, 26),
        parties: &[
            PartySpec {
                org: LUGOJ,
                signed: Some(((2025, 9, 22), 10, PRIMAR_LUGOJ)),
                declined: None,
            },
            PartySpec {
                org: DGA,
                signed: Some((
                    (2025, 9, 26),
                    13,
                    "Directorul general al Direcției Generale Anticorupție",
                )),
                declined: None,
            },
        ],
    },
    AgreementSpec {
        key: "caransebes-lugoj-implicat",
        initiator: CARANSEBES,
        title: "Acord de cooperare privind implicarea cetățenilor în prevenirea corupției",
        kind: AgreementKind::Cooperation,
        status: AgreementStatus::Draft,
        objectives: "Cooperare între primărie și societatea civilă: consultarea publică a \
            planului de integritate, campanii de informare publică și un sondaj al percepției \
            publice privind corupția, după modelul celui realizat la Lugoj.",
        start: None,
        end: None,
        visibility: Visibility::Private,
        created: (2026, 10, 5),
        updated: (2026, 10, 5),
        parties: &[
            PartySpec {
                org: CARANSEBES,
                signed: None,
                declined: None,
            },
            PartySpec {
                org: NGO_LUGOJ,
                signed: None,
                declined: None,
            },
        ],
    },
    AgreementSpec {
        key: "integritate-publica-prefectura",
        initiator: NGO_INTEGRITY,
        title: "Protocol de colaborare privind monitorizarea transparenței decizionale",
        kind: AgreementKind::Protocol,
        status: AgreementStatus::Declined,
        objectives: "Monitorizarea comună a aplicării Legii nr. 52/2003 privind transparența \
            decizională în administrația publică și sesiuni de informare pentru autoritățile \
            locale din județ; schimb de bune practici.",
        start: Some((2025, 4, 1)),
        end: Some((2027, 3, 31)),
        visibility: Visibility::Public,
        created: (2025, 2, 24),
        updated: (2025, 3, 24),
        parties: &[
            PartySpec {
                org: NGO_INTEGRITY,
                signed: Some(((2025, 3, 3), 10, DIRECTOR_INTEGRITY)),
                declined: None,
            },
            PartySpec {
                org: PREFECTURE,
                signed: None,
                declined: Some(((2025, 3, 24), 9)),
            },
        ],
    },
];

async fn insert_agreements<T: ConnectionTrait>(txn: &T, orgs: &Ids) -> DomainResult<Ids> {
    let mut ids = Ids::new();
    for a in AGREEMENTS {
        let model = agreement::ActiveModel {
            id: NotSet,
            initiator_id: Set(id(orgs, a.initiator)?),
            title: Set(a.title.to_owned()),
            kind: Set(a.kind),
            status: Set(a.status),
            objectives: Set(a.objectives.to_owned()),
            start_date: Set(a.start.map(day).transpose()?),
            end_date: Set(a.end.map(day).transpose()?),
            visibility: Set(a.visibility),
            search_text: Set(searchable(&[a.title, a.objectives])),
            version: Set(1),
            termination_reason: Set(None),
            created_at: Set(at(a.created, 9)?),
            updated_at: Set(at(a.updated, 16)?),
        }
        .insert(txn)
        .await?;
        for p in a.parties {
            let (signed_at, signatory) = match p.signed {
                Some((date, hour, who)) => (Some(at(date, hour)?), Some(who.to_owned())),
                None => (None, None),
            };
            let declined_at = match p.declined {
                Some((date, hour)) => Some(at(date, hour)?),
                None => None,
            };
            agreement_party::ActiveModel {
                id: NotSet,
                agreement_id: Set(model.id),
                organization_id: Set(id(orgs, p.org)?),
                signed_at: Set(signed_at),
                signatory: Set(signatory),
                declined_at: Set(declined_at),
            }
            .insert(txn)
            .await?;
        }
        ids.insert(a.key, model.id);
    }
    Ok(ids)
}

// ---------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------

/// One file of a document.
struct VersionSpec {
    file_name: &'static str,
    media_type: &'static str,
    size_bytes: i64,
    change_note: Option<&'static str>,
    uploaded: Ymd,
}

/// One demo document; its first version's upload day is its creation day.
struct DocSpec {
    key: &'static str,
    owner: &'static str,
    title: &'static str,
    summary: &'static str,
    kind: DocumentKind,
    language: &'static str,
    visibility: Visibility,
    published: Option<Ymd>,
    tags: &'static [&'static str],
    versions: &'static [VersionSpec],
}

const DOC_PROCEDURE_2019: &str = "procedura-interna-anticoruptie";
const DOC_GUIDE_2019: &str = "ghid-transparenta";
const DOC_RISK_ANALYSIS: &str = "analiza-riscuri";
const DOC_SNA_SET: &str = "set-documente-sna";
const DOC_STRATEGY: &str = "strategie-lugoj";
const DOC_ETHICS_GUIDE: &str = "ghid-etica-integritate";
const DOC_SURVEY: &str = "raport-sondaj";
const DOC_CODE: &str = "cod-etic";
const DOC_ISO_COURSE: &str = "suport-curs-iso-37001";
const DOC_FINAL_REPORT: &str = "raport-final";

const DOCUMENTS: &[DocSpec] = &[
    DocSpec {
        key: DOC_PROCEDURE_2019,
        owner: VALEA_VERDE,
        title: "Procedura internă anticorupție",
        summary: "Procedură internă privind prevenirea, identificarea și raportarea faptelor de \
            corupție în cadrul primăriei: responsabilități, termene și modalități de monitorizare.",
        kind: DocumentKind::Procedure,
        language: "ro",
        visibility: Visibility::Public,
        published: Some((2019, 2, 15)),
        tags: &["anticorupție", "procedură", "prevenire"],
        versions: &[VersionSpec {
            file_name: "procedura-interna-anticoruptie.pdf",
            media_type: PDF,
            size_bytes: 482_133,
            change_note: None,
            uploaded: (2019, 2, 15),
        }],
    },
    DocSpec {
        key: DOC_GUIDE_2019,
        owner: VALEA_VERDE,
        title: "Ghid de bune practici privind transparența în administrația publică",
        summary: "Ghid de bune practici privind transparența decizională și accesul la \
            informații de interes public, oferit partenerilor pentru a-l utiliza.",
        kind: DocumentKind::GoodPracticeGuide,
        language: "ro",
        visibility: Visibility::Public,
        published: Some((2019, 3, 1)),
        tags: &["anticorupție", "transparență", "bune practici"],
        versions: &[
            VersionSpec {
                file_name: "ghid-bune-practici-transparenta.pdf",
                media_type: PDF,
                size_bytes: 1_254_880,
                change_note: None,
                uploaded: (2019, 3, 1),
            },
            VersionSpec {
                file_name: "ghid-bune-practici-transparenta-rev1.pdf",
                media_type: PDF,
                size_bytes: 1_301_442,
                change_note: Some(
                    "Ediție revizuită după consultarea partenerilor din acordul de cooperare",
                ),
                uploaded: (2019, 11, 18),
            },
        ],
    },
    DocSpec {
        key: DOC_RISK_ANALYSIS,
        owner: LUGOJ,
        title: "Analiza de identificare a riscurilor și vulnerabilităților la corupție",
        summary: "Analiză de identificare a riscurilor și vulnerabilităților în vederea \
            realizării de acțiuni concrete și eficiente de combatere a corupției în Primăria Lugoj.",
        kind: DocumentKind::RiskAnalysis,
        language: "ro",
        visibility: Visibility::Public,
        published: Some((2021, 11, 30)),
        tags: &["anticorupție", "riscuri", "integritate"],
        versions: &[VersionSpec {
            file_name: "analiza-riscuri-vulnerabilitati-coruptie.pdf",
            media_type: PDF,
            size_bytes: 2_087_311,
            change_note: None,
            uploaded: (2021, 11, 30),
        }],
    },
    DocSpec {
        key: DOC_SNA_SET,
        owner: LUGOJ,
        title: "Set de documente aferente SNA 2021-2025",
        summary: "Setul de documente elaborat conform cerințelor Strategiei Naționale \
            Anticorupție 2021-2025: plan de integritate, registrul riscurilor, declarația de \
            aderare la valorile fundamentale și rapoarte de monitorizare.",
        kind: DocumentKind::Strategy,
        language: "ro",
        visibility: Visibility::Public,
        published: Some((2022, 1, 31)),
        tags: &["anticorupție", "sna 2021-2025", "plan de integritate"],
        versions: &[VersionSpec {
            file_name: "set-documente-sna-2021-2025.pdf",
            media_type: PDF,
            size_bytes: 3_412_904,
            change_note: None,
            uploaded: (2022, 1, 31),
        }],
    },
    DocSpec {
        key: DOC_STRATEGY,
        owner: LUGOJ,
        title: "Strategia anticorupție a Municipiului Lugoj",
        summary: "Strategia anticorupție a instituției: obiective, măsuri concrete de prevenire \
            a corupției și modalități de monitorizare permanentă a aplicării acestora.",
        kind: DocumentKind::Strategy,
        language: "ro",
        visibility: Visibility::Public,
        published: Some((2022, 2, 28)),
        tags: &["anticorupție", "strategie", "sna 2021-2025", "transparență"],
        versions: &[
            VersionSpec {
                file_name: "strategia-anticoruptie-lugoj.pdf",
                media_type: PDF,
                size_bytes: 1_876_245,
                change_note: None,
                uploaded: (2022, 2, 28),
            },
            VersionSpec {
                file_name: "strategia-anticoruptie-lugoj-2023.pdf",
                media_type: PDF,
                size_bytes: 1_932_018,
                change_note: Some(
                    "Revizuire anuală: măsuri actualizate după certificarea ISO 37001:2016",
                ),
                uploaded: (2023, 3, 15),
            },
        ],
    },
    DocSpec {
        key: DOC_ETHICS_GUIDE,
        owner: LUGOJ,
        title: "Ghid de bune practici privind mecanismele de aplicare a cadrului legal în \
            domeniul eticii și integrității",
        summary: "Ghid de bune practici pentru aplicarea cadrului legal privind etica și \
            integritatea în administrația publică locală, oferit instituțiilor partenere pentru \
            a-l utiliza.",
        kind: DocumentKind::GoodPracticeGuide,
        language: "ro",
        visibility: Visibility::Public,
        published: Some((2022, 3, 10)),
        tags: &["etică", "integritate", "bune practici", "anticorupție"],
        versions: &[
            VersionSpec {
                file_name: "ghid-bune-practici-etica-integritate.pdf",
                media_type: PDF,
                size_bytes: 2_654_118,
                change_note: None,
                uploaded: (2022, 3, 10),
            },
            VersionSpec {
                file_name: "ghid-bune-practici-etica-integritate-ed2.pdf",
                media_type: PDF,
                size_bytes: 2_701_560,
                change_note: Some("Ediția a doua, pentru partenerii acordurilor de cooperare"),
                uploaded: (2023, 2, 27),
            },
        ],
    },
    DocSpec {
        key: DOC_SURVEY,
        owner: LUGOJ,
        title: "Raport privind sondajul percepției publice asupra corupției",
        summary: "Rezultatele sondajului percepției publice privind aspecte legate de corupție în \
            Municipiul Lugoj și analiza acestora.",
        kind: DocumentKind::SurveyReport,
        language: "ro",
        visibility: Visibility::Public,
        published: Some((2022, 7, 15)),
        tags: &["anticorupție", "sondaj", "percepție publică"],
        versions: &[VersionSpec {
            file_name: "raport-sondaj-perceptie-publica-coruptie.pdf",
            media_type: PDF,
            size_bytes: 1_120_774,
            change_note: None,
            uploaded: (2022, 7, 15),
        }],
    },
    DocSpec {
        key: DOC_CODE,
        owner: LUGOJ,
        title: "Codul etic al funcționarilor publici",
        summary: "Normele de conduită și valorile fundamentale ale funcționarilor publici și ale \
            personalului contractual din Primăria Lugoj.",
        kind: DocumentKind::CodeOfEthics,
        language: "ro",
        visibility: Visibility::Public,
        published: Some((2022, 2, 15)),
        tags: &["etică", "integritate", "cod etic"],
        versions: &[VersionSpec {
            file_name: "codul-etic-functionari-publici.pdf",
            media_type: PDF,
            size_bytes: 640_512,
            change_note: None,
            uploaded: (2022, 2, 15),
        }],
    },
    DocSpec {
        key: DOC_ISO_COURSE,
        owner: LUGOJ,
        title: "Suport de curs: auditor intern ISO 37001:2016",
        summary: "Material de instruire pentru auditorii interni ai sistemului de management \
            anti-mită ISO 37001:2016: cerințele standardului, planificarea și desfășurarea \
            auditului intern.",
        kind: DocumentKind::TrainingMaterial,
        language: "ro",
        visibility: Visibility::Public,
        published: Some((2021, 12, 6)),
        tags: &["iso 37001", "audit intern", "instruire"],
        versions: &[VersionSpec {
            file_name: "suport-curs-auditor-intern-iso-37001.pdf",
            media_type: PDF,
            size_bytes: 4_518_002,
            change_note: None,
            uploaded: (2021, 12, 6),
        }],
    },
    DocSpec {
        key: DOC_FINAL_REPORT,
        owner: LUGOJ,
        title: "Raport final de implementare",
        summary: "Rezultatele proiectului SIPOCA 1102 / SMIS 151977 (contract de finanțare nr. \
            582/15.09.2021): analiza riscurilor, setul de documente SNA 2021-2025, ghidul de bune \
            practici, certificarea ISO 37001:2016, sondajul, campania de informare, 50 de persoane \
            instruite și 5 auditori interni ISO 37001:2016.",
        kind: DocumentKind::Report,
        language: "ro",
        visibility: Visibility::Public,
        published: Some((2022, 11, 14)),
        tags: &["anticorupție", "raport", "sipoca 1102", "iso 37001"],
        versions: &[VersionSpec {
            file_name: "raport-final-implementare-sipoca-1102.pdf",
            media_type: PDF,
            size_bytes: 2_248_660,
            change_note: None,
            uploaded: (2022, 11, 14),
        }],
    },
    DocSpec {
        key: "ghid-etica-integritate-en",
        owner: LUGOJ,
        title: "Good practice guide on ethics and integrity: English summary",
        summary: "English summary of Lugoj municipality's good practice guide on applying the \
            legal framework on ethics and integrity, prepared for partner institutions abroad.",
        kind: DocumentKind::GoodPracticeGuide,
        language: "en",
        visibility: Visibility::Public,
        published: Some((2022, 9, 15)),
        tags: &["ethics", "integrity", "good practice"],
        versions: &[VersionSpec {
            file_name: "good-practice-guide-ethics-integrity-summary-en.pdf",
            media_type: PDF,
            size_bytes: 388_204,
            change_note: None,
            uploaded: (2022, 9, 15),
        }],
    },
    DocSpec {
        key: "registrul-riscurilor",
        owner: LUGOJ,
        title: "Registrul riscurilor de corupție și planul de măsuri",
        summary: "Registrul riscurilor și vulnerabilităților la corupție, cu măsurile de control \
            și responsabilii lor, actualizat anual; partajat cu instituțiile partenere.",
        kind: DocumentKind::RiskAnalysis,
        language: "ro",
        visibility: Visibility::Partners,
        published: Some((2023, 1, 20)),
        tags: &["anticorupție", "riscuri", "sna 2021-2025"],
        versions: &[VersionSpec {
            file_name: "registrul-riscurilor-coruptie-2023.xlsx",
            media_type: XLSX,
            size_bytes: 84_992,
            change_note: None,
            uploaded: (2023, 1, 20),
        }],
    },
    DocSpec {
        key: "plan-integritate-ciorna",
        owner: LUGOJ,
        title: "Plan de integritate 2026-2027: ciornă de lucru",
        summary: "Ciornă internă a planului de integritate pentru 2026-2027, în lucru în grupul \
            de lucru anticorupție al primăriei; nu este destinată publicării.",
        kind: DocumentKind::Strategy,
        language: "ro",
        visibility: Visibility::Private,
        published: None,
        tags: &["anticorupție", "plan de integritate", "ciornă"],
        versions: &[
            VersionSpec {
                file_name: "plan-integritate-2026-2027-ciorna.docx",
                media_type: DOCX,
                size_bytes: 98_304,
                change_note: None,
                uploaded: (2026, 9, 14),
            },
            VersionSpec {
                file_name: "plan-integritate-2026-2027-ciorna-v2.docx",
                media_type: DOCX,
                size_bytes: 112_640,
                change_note: Some("Observațiile compartimentului juridic incluse"),
                uploaded: (2026, 10, 26),
            },
        ],
    },
];

async fn insert_documents<T: ConnectionTrait>(txn: &T, orgs: &Ids) -> DomainResult<Ids> {
    let mut ids = Ids::new();
    for d in DOCUMENTS {
        let (first, last) = match (d.versions.first(), d.versions.last()) {
            (Some(first), Some(last)) => (first, last),
            _ => return Err(bad_data(format!("document {} has no version", d.key))),
        };
        let model = document::ActiveModel {
            id: NotSet,
            owner_id: Set(id(orgs, d.owner)?),
            title: Set(d.title.to_owned()),
            summary: Set(d.summary.to_owned()),
            kind: Set(d.kind),
            language: Set(d.language.to_owned()),
            visibility: Set(d.visibility),
            published_on: Set(d.published.map(day).transpose()?),
            search_text: Set(searchable(&[d.title, d.summary])),
            version: Set(1),
            created_at: Set(at(first.uploaded, 9)?),
            updated_at: Set(at(last.uploaded, 9)?),
        }
        .insert(txn)
        .await?;
        for tag in d.tags {
            document_tag::ActiveModel {
                document_id: Set(model.id),
                tag: Set(tag.to_lowercase()),
            }
            .insert(txn)
            .await?;
        }
        for (number, v) in (1..).zip(d.versions) {
            let sha256 = sha256_hex(v.file_name, d.title, number);
            document_version::ActiveModel {
                id: NotSet,
                document_id: Set(model.id),
                number: Set(number),
                file_name: Set(v.file_name.to_owned()),
                media_type: Set(v.media_type.to_owned()),
                size_bytes: Set(v.size_bytes),
                storage_key: Set(format!("sha256/{sha256}")),
                sha256: Set(sha256),
                change_note: Set(v.change_note.map(str::to_owned)),
                created_at: Set(at(v.uploaded, 9)?),
                uploaded_by_id: Set(None),
            }
            .insert(txn)
            .await?;
        }
        ids.insert(d.key, model.id);
    }
    Ok(ids)
}

// ---------------------------------------------------------------------------
// Activities
// ---------------------------------------------------------------------------

/// One demo activity. Its owner is always its first organizer.
struct ActivitySpec {
    owner: &'static str,
    /// Organizers besides the owner.
    co_organizers: &'static [&'static str],
    agreement: Option<&'static str>,
    project: Option<&'static str>,
    title: &'static str,
    kind: ActivityKind,
    status: ActivityStatus,
    description: &'static str,
    start: Ymd,
    end: Ymd,
    place: Option<&'static str>,
    online_url: Option<&'static str>,
    certificates_issued: i32,
    outcomes: Option<&'static str>,
    visibility: Visibility,
    /// (organization, role, count)
    participants: &'static [(&'static str, ParticipantRole, i32)],
    documents: &'static [&'static str],
    /// When it was recorded; `None` means three weeks before it started.
    created: Option<Ymd>,
    /// When it last changed; `None` means the day after it ended.
    updated: Option<Ymd>,
}

const VALEA_VERDE_TOWN_HALL: &str = "Sediul Primăriei Orașului Valea Verde";
const LUGOJ_TOWN_HALL: &str = "Primăria Municipiului Lugoj";

const ACTIVITIES: &[ActivitySpec] = &[
    // The 2019 project of the first seed.
    ActivitySpec {
        owner: VALEA_VERDE,
        co_organizers: &[NGO_INTEGRITY],
        agreement: None,
        project: Some(PROJECT_2019),
        title: "Campanie de conștientizare privind prevenirea corupției",
        kind: ActivityKind::AwarenessCampaign,
        status: ActivityStatus::Completed,
        description: "Campanie de conștientizare a cetățenilor și a angajaților primăriei privind \
            riscurile corupției și modalitățile de sesizare a faptelor de corupție.",
        start: (2019, 3, 12),
        end: (2019, 3, 12),
        place: Some("Orașul Valea Verde"),
        online_url: None,
        certificates_issued: 0,
        outcomes: Some(
            "Materiale informative distribuite cetățenilor; ghidul de bune practici privind \
             transparența prezentat public.",
        ),
        visibility: Visibility::Public,
        participants: &[
            (VALEA_VERDE, Citizen, 120),
            (VALEA_VERDE, CivilServant, 12),
            (NGO_INTEGRITY, NgoRepresentative, 3),
        ],
        documents: &[DOC_GUIDE_2019],
        created: None,
        updated: None,
    },
    ActivitySpec {
        owner: VALEA_VERDE,
        co_organizers: &[NGO_INTEGRITY],
        agreement: None,
        project: Some(PROJECT_2019),
        title: "Riscurile corupției și prevenirea faptelor de corupție",
        kind: ActivityKind::Workshop,
        status: ActivityStatus::Completed,
        description: "Workshop cu tema „Riscurile corupției și prevenirea faptelor de corupție” \
            pentru aleșii locali și funcționarii publici ai primăriei.",
        start: (2019, 4, 16),
        end: (2019, 4, 16),
        place: Some(VALEA_VERDE_TOWN_HALL),
        online_url: None,
        certificates_issued: 0,
        outcomes: Some(
            "Riscurile de corupție specifice primăriei au fost discutate și corelate cu \
             procedura internă anticorupție.",
        ),
        visibility: Visibility::Public,
        participants: &[
            (VALEA_VERDE, ElectedOfficial, 5),
            (VALEA_VERDE, CivilServant, 17),
            (NGO_INTEGRITY, Trainer, 1),
        ],
        documents: &[DOC_PROCEDURE_2019],
        created: None,
        updated: None,
    },
    ActivitySpec {
        owner: VALEA_VERDE,
        co_organizers: &[],
        agreement: None,
        project: Some(PROJECT_2019),
        title: "Curs acreditat Expert prevenire și combatere a corupției",
        kind: ActivityKind::TrainingCourse,
        status: ActivityStatus::Completed,
        description: "Curs acreditat pentru primar, viceprimar și funcționari publici, finalizat \
            cu Diplomă de participare.",
        start: (2019, 5, 13),
        end: (2019, 5, 20),
        place: Some(VALEA_VERDE_TOWN_HALL),
        online_url: None,
        certificates_issued: 8,
        outcomes: Some("8 persoane instruite, 8 diplome de participare."),
        visibility: Visibility::Public,
        participants: &[
            (VALEA_VERDE, ElectedOfficial, 2),
            (VALEA_VERDE, CivilServant, 6),
        ],
        documents: &[DOC_PROCEDURE_2019],
        created: None,
        updated: None,
    },
    ActivitySpec {
        owner: VALEA_VERDE,
        co_organizers: &[],
        agreement: None,
        project: Some(PROJECT_2019),
        title: "Managementul eficient al sistemului anticorupție – seria 1",
        kind: ActivityKind::TrainingCourse,
        status: ActivityStatus::Completed,
        description: "Curs pentru consilieri locali și funcționari publici din departamente \
            diferite ale primăriei, finalizat cu Diplomă de participare.",
        start: (2019, 6, 5),
        end: (2019, 6, 7),
        place: Some(VALEA_VERDE_TOWN_HALL),
        online_url: None,
        certificates_issued: 10,
        outcomes: Some("10 persoane instruite, 10 diplome de participare."),
        visibility: Visibility::Public,
        participants: &[
            (VALEA_VERDE, ElectedOfficial, 4),
            (VALEA_VERDE, CivilServant, 6),
        ],
        documents: &[DOC_PROCEDURE_2019, DOC_GUIDE_2019],
        created: None,
        updated: None,
    },
    ActivitySpec {
        owner: VALEA_VERDE,
        co_organizers: &[],
        agreement: None,
        project: Some(PROJECT_2019),
        title: "Managementul eficient al sistemului anticorupție – seria 2",
        kind: ActivityKind::TrainingCourse,
        status: ActivityStatus::Completed,
        description: "A doua serie a cursului pentru consilieri locali și funcționari publici, \
            finalizată cu Diplomă de participare.",
        start: (2019, 6, 12),
        end: (2019, 6, 14),
        place: Some(VALEA_VERDE_TOWN_HALL),
        online_url: None,
        certificates_issued: 10,
        outcomes: Some("10 persoane instruite, 10 diplome de participare."),
        visibility: Visibility::Public,
        participants: &[
            (VALEA_VERDE, ElectedOfficial, 3),
            (VALEA_VERDE, CivilServant, 7),
        ],
        documents: &[DOC_PROCEDURE_2019, DOC_GUIDE_2019],
        created: None,
        updated: None,
    },
    ActivitySpec {
        owner: VALEA_VERDE,
        co_organizers: &[CJ_TIMIS],
        agreement: None,
        project: Some(PROJECT_2019),
        title: "Conferința de închidere a proiectului anticorupție",
        kind: ActivityKind::Conference,
        status: ActivityStatus::Completed,
        description: "Conferința de închidere a proiectului, care a pus în evidență rezultatele \
            implementării, aduse pe toată durata proiectului la cunoștința opiniei publice.",
        start: (2019, 7, 29),
        end: (2019, 7, 29),
        place: Some(VALEA_VERDE_TOWN_HALL),
        online_url: None,
        certificates_issued: 0,
        outcomes: Some(
            "Rezultatele proiectului prezentate public; anunțat planul de sustenabilitate cu 3 \
             acorduri de cooperare cu instituții similare sau ONG-uri.",
        ),
        visibility: Visibility::Public,
        participants: &[
            (VALEA_VERDE, ElectedOfficial, 7),
            (VALEA_VERDE, CivilServant, 14),
            (VALEA_VERDE, Citizen, 18),
            (NGO_INTEGRITY, NgoRepresentative, 2),
            (CJ_TIMIS, CivilServant, 2),
        ],
        documents: &[DOC_PROCEDURE_2019, DOC_GUIDE_2019],
        created: None,
        updated: None,
    },
    // Lugoj's SIPOCA 1102 project of the second seed.
    ActivitySpec {
        owner: LUGOJ,
        co_organizers: &[],
        agreement: None,
        project: Some(PROJECT_LUGOJ),
        title: "Analiza riscurilor și vulnerabilităților la corupție",
        kind: ActivityKind::Other,
        status: ActivityStatus::Completed,
        description: "Identificarea riscurilor și vulnerabilităților la corupție pe \
            compartimente, prin interviuri și chestionare, în vederea realizării de acțiuni \
            concrete și eficiente de combatere a corupției.",
        start: (2021, 10, 4),
        end: (2021, 11, 26),
        place: Some(LUGOJ_TOWN_HALL),
        online_url: None,
        certificates_issued: 0,
        outcomes: Some("Analiza de identificare a riscurilor și vulnerabilităților la corupție."),
        visibility: Visibility::Partners,
        participants: &[(LUGOJ, CivilServant, 32)],
        documents: &[DOC_RISK_ANALYSIS],
        created: None,
        updated: None,
    },
    ActivitySpec {
        owner: LUGOJ,
        co_organizers: &[],
        agreement: None,
        project: Some(PROJECT_LUGOJ),
        title: "Curs de auditor intern ISO 37001:2016 – sistem de management anti-mită",
        kind: ActivityKind::TrainingCourse,
        status: ActivityStatus::Completed,
        description: "Instruirea auditorilor interni ai sistemului de management anti-mită, în \
            vederea certificării ISO 37001:2016.",
        start: (2021, 12, 6),
        end: (2021, 12, 8),
        place: Some(LUGOJ_TOWN_HALL),
        online_url: None,
        certificates_issued: 5,
        outcomes: Some("5 persoane instruite ca auditori interni ISO 37001:2016."),
        visibility: Visibility::Public,
        participants: &[(LUGOJ, CivilServant, 5)],
        documents: &[DOC_ISO_COURSE],
        created: None,
        updated: None,
    },
    ActivitySpec {
        owner: LUGOJ,
        co_organizers: &[NGO_INTEGRITY],
        agreement: None,
        project: Some(PROJECT_LUGOJ),
        title: "Curs de prevenire a corupției, etică și integritate – seria 1",
        kind: ActivityKind::TrainingCourse,
        status: ActivityStatus::Completed,
        description: "Curs de instruire în domeniul prevenirii și combaterii corupției și de \
            dobândire de competențe privind etica și integritatea.",
        start: (2022, 3, 14),
        end: (2022, 3, 16),
        place: Some(LUGOJ_TOWN_HALL),
        online_url: None,
        certificates_issued: 25,
        outcomes: Some("25 de persoane instruite, 25 de certificate."),
        visibility: Visibility::Public,
        participants: &[(LUGOJ, ElectedOfficial, 5), (LUGOJ, CivilServant, 20)],
        documents: &[DOC_ETHICS_GUIDE, DOC_CODE],
        created: None,
        updated: None,
    },
    ActivitySpec {
        owner: LUGOJ,
        co_organizers: &[NGO_INTEGRITY],
        agreement: None,
        project: Some(PROJECT_LUGOJ),
        title: "Curs de prevenire a corupției, etică și integritate – seria 2",
        kind: ActivityKind::TrainingCourse,
        status: ActivityStatus::Completed,
        description: "A doua serie a cursului de instruire în domeniul prevenirii și combaterii \
            corupției și de dobândire de competențe privind etica și integritatea.",
        start: (2022, 4, 11),
        end: (2022, 4, 13),
        place: Some(LUGOJ_TOWN_HALL),
        online_url: None,
        certificates_issued: 25,
        outcomes: Some("25 de persoane instruite, 25 de certificate."),
        visibility: Visibility::Public,
        participants: &[(LUGOJ, ElectedOfficial, 2), (LUGOJ, CivilServant, 23)],
        documents: &[DOC_ETHICS_GUIDE, DOC_CODE],
        created: None,
        updated: None,
    },
    ActivitySpec {
        owner: LUGOJ,
        co_organizers: &[NGO_LUGOJ],
        agreement: None,
        project: Some(PROJECT_LUGOJ),
        title: "Sondaj al percepției publice privind aspecte legate de corupție",
        kind: ActivityKind::Survey,
        status: ActivityStatus::Completed,
        description: "Sondaj de opinie în rândul cetățenilor din Lugoj privind percepția asupra \
            corupției și a serviciilor oferite de primărie, urmat de analiza rezultatelor.",
        start: (2022, 5, 2),
        end: (2022, 5, 31),
        place: Some("Municipiul Lugoj"),
        online_url: None,
        certificates_issued: 0,
        outcomes: Some("Raport privind sondajul percepției publice asupra corupției."),
        visibility: Visibility::Public,
        participants: &[(LUGOJ, Citizen, 412), (NGO_LUGOJ, NgoRepresentative, 8)],
        documents: &[DOC_SURVEY],
        created: None,
        updated: None,
    },
    ActivitySpec {
        owner: LUGOJ,
        co_organizers: &[NGO_LUGOJ],
        agreement: None,
        project: Some(PROJECT_LUGOJ),
        title: "Campanie sectorială de informare publică privind educația anticorupție",
        kind: ActivityKind::AwarenessCampaign,
        status: ActivityStatus::Completed,
        description: "Campanie sectorială de informare publică în vederea creșterii gradului de \
            conștientizare și a nivelului de educație anticorupție în rândul cetățenilor.",
        start: (2022, 6, 6),
        end: (2022, 7, 15),
        place: Some("Municipiul Lugoj"),
        online_url: Some("https://lugoj-implicat.example.org/campanie-anticoruptie"),
        certificates_issued: 0,
        outcomes: Some("Rezultatele sondajului și strategia anticorupție prezentate cetățenilor."),
        visibility: Visibility::Public,
        participants: &[
            (LUGOJ, Citizen, 860),
            (LUGOJ, CivilServant, 10),
            (NGO_LUGOJ, NgoRepresentative, 6),
        ],
        documents: &[DOC_STRATEGY, DOC_SURVEY],
        created: None,
        updated: None,
    },
    ActivitySpec {
        owner: LUGOJ,
        co_organizers: &[],
        agreement: None,
        project: Some(PROJECT_LUGOJ),
        title: "Ședință internă de pregătire a auditului de certificare ISO 37001:2016",
        kind: ActivityKind::Meeting,
        status: ActivityStatus::Completed,
        description: "Pregătirea documentației și a compartimentelor primăriei pentru auditul \
            de certificare a sistemului de management anti-mită.",
        start: (2022, 8, 29),
        end: (2022, 8, 29),
        place: Some(LUGOJ_TOWN_HALL),
        online_url: None,
        certificates_issued: 0,
        outcomes: Some("Plan de acțiune pentru închiderea neconformităților minore."),
        visibility: Visibility::Private,
        participants: &[(LUGOJ, ElectedOfficial, 1), (LUGOJ, CivilServant, 9)],
        documents: &[],
        created: None,
        updated: None,
    },
    ActivitySpec {
        owner: LUGOJ,
        co_organizers: &[],
        agreement: None,
        project: Some(PROJECT_LUGOJ),
        title: "Audit de certificare a sistemului de management anti-mită ISO 37001:2016",
        kind: ActivityKind::Audit,
        status: ActivityStatus::Completed,
        description: "Auditul organismului de certificare pentru sistemul de management \
            anti-mită implementat în Primăria Lugoj.",
        start: (2022, 9, 19),
        end: (2022, 9, 21),
        place: Some(LUGOJ_TOWN_HALL),
        online_url: None,
        certificates_issued: 0,
        outcomes: Some("Certificare de sistem de management anti-mită ISO 37001:2016 obținută."),
        visibility: Visibility::Public,
        participants: &[(LUGOJ, CivilServant, 14), (LUGOJ, Other, 2)],
        documents: &[DOC_STRATEGY, DOC_SNA_SET],
        created: None,
        updated: None,
    },
    ActivitySpec {
        owner: LUGOJ,
        co_organizers: &[CJ_TIMIS],
        agreement: None,
        project: Some(PROJECT_LUGOJ),
        title: "Conferința de închidere a proiectului SIPOCA 1102",
        kind: ActivityKind::Conference,
        status: ActivityStatus::Completed,
        description: "Prezentarea rezultatelor proiectului către instituțiile centrale și \
            locale, partenerii sociali și cetățeni; oferirea ghidului de bune practici pentru a \
            fi utilizat.",
        start: (2022, 11, 10),
        end: (2022, 11, 10),
        place: Some(LUGOJ_TOWN_HALL),
        online_url: None,
        certificates_issued: 0,
        outcomes: Some(
            "Rezultatele prezentate; ghidul de bune practici oferit instituțiilor participante.",
        ),
        visibility: Visibility::Public,
        participants: &[
            (LUGOJ, ElectedOfficial, 6),
            (LUGOJ, CivilServant, 18),
            (LUGOJ, Citizen, 15),
            (CJ_TIMIS, CivilServant, 3),
            (CARANSEBES, CivilServant, 2),
            (DGA, Trainer, 1),
            (NGO_LUGOJ, NgoRepresentative, 4),
        ],
        documents: &[DOC_FINAL_REPORT, DOC_ETHICS_GUIDE],
        created: None,
        updated: None,
    },
    // After the projects: cooperation under the agreements.
    ActivitySpec {
        owner: LUGOJ,
        co_organizers: &[CARANSEBES],
        agreement: Some(AG_LUGOJ_CARANSEBES),
        project: None,
        title: "Workshop comun Lugoj – Caransebeș: schimb de bune practici în prevenirea \
            corupției",
        kind: ActivityKind::Workshop,
        status: ActivityStatus::Planned,
        description: "Workshop organizat în baza acordului de cooperare: prezentarea ghidului de \
            bune practici privind etica și integritatea și a experienței certificării ISO \
            37001:2016.",
        start: (2027, 2, 10),
        end: (2027, 2, 10),
        place: Some("Primăria Municipiului Caransebeș"),
        online_url: None,
        certificates_issued: 0,
        outcomes: None,
        visibility: Visibility::Public,
        participants: &[
            (LUGOJ, CivilServant, 12),
            (LUGOJ, Trainer, 2),
            (CARANSEBES, ElectedOfficial, 3),
            (CARANSEBES, CivilServant, 15),
        ],
        documents: &[DOC_ETHICS_GUIDE, DOC_STRATEGY],
        created: Some((2026, 11, 2)),
        updated: Some((2026, 11, 9)),
    },
    ActivitySpec {
        owner: VALEA_VERDE,
        co_organizers: &[CJ_TIMIS],
        agreement: Some(AG_VALEA_VERDE_CJ),
        project: None,
        title: "Întâlnire de lucru privind protocolul de colaborare cu Consiliul Județean Timiș",
        kind: ActivityKind::Meeting,
        status: ActivityStatus::Cancelled,
        description: "Întâlnire pentru stabilirea calendarului de instruire prevăzut în protocol; \
            anulată până la semnarea protocolului de către ambele părți.",
        start: (2026, 10, 20),
        end: (2026, 10, 20),
        place: Some("Consiliul Județean Timiș, Timișoara"),
        online_url: None,
        certificates_issued: 0,
        outcomes: None,
        visibility: Visibility::Public,
        participants: &[
            (VALEA_VERDE, ElectedOfficial, 1),
            (VALEA_VERDE, CivilServant, 2),
            (CJ_TIMIS, CivilServant, 2),
        ],
        documents: &[DOC_GUIDE_2019],
        created: Some((2026, 9, 1)),
        updated: Some((2026, 10, 13)),
    },
];

async fn insert_activities<T: ConnectionTrait>(
    txn: &T,
    orgs: &Ids,
    projects: &Ids,
    agreements: &Ids,
    documents: &Ids,
) -> DomainResult<()> {
    for a in ACTIVITIES {
        let start = day(a.start)?;
        let end = day(a.end)?;
        let created = match a.created {
            Some(date) => at(date, 9)?,
            None => at(a.start, 9)? - Duration::days(21),
        };
        let updated = match a.updated {
            Some(date) => at(date, 15)?,
            None => at(a.end, 15)? + Duration::days(1),
        };
        let place = a.place.unwrap_or_default();
        let model = activity::ActiveModel {
            id: NotSet,
            owner_id: Set(id(orgs, a.owner)?),
            agreement_id: Set(a.agreement.map(|key| id(agreements, key)).transpose()?),
            project_id: Set(a.project.map(|code| id(projects, code)).transpose()?),
            title: Set(a.title.to_owned()),
            kind: Set(a.kind),
            status: Set(a.status),
            description: Set(a.description.to_owned()),
            start_date: Set(start),
            end_date: Set(end),
            place: Set(a.place.map(str::to_owned)),
            online_url: Set(a.online_url.map(str::to_owned)),
            certificates_issued: Set(a.certificates_issued),
            outcomes: Set(a.outcomes.map(str::to_owned)),
            cancellation_reason: Set(None),
            visibility: Set(a.visibility),
            search_text: Set(searchable(&[a.title, a.description, place])),
            version: Set(1),
            created_at: Set(created),
            updated_at: Set(updated),
        }
        .insert(txn)
        .await?;
        for org in std::iter::once(&a.owner).chain(a.co_organizers) {
            activity_organizer::ActiveModel {
                id: NotSet,
                activity_id: Set(model.id),
                organization_id: Set(id(orgs, org)?),
                accepted_at: Set(Some(created)),
            }
            .insert(txn)
            .await?;
        }
        for &(org, role, count) in a.participants {
            activity_participation::ActiveModel {
                id: NotSet,
                activity_id: Set(model.id),
                organization_id: Set(id(orgs, org)?),
                role: Set(role),
                count: Set(count),
            }
            .insert(txn)
            .await?;
        }
        for doc in a.documents {
            activity_document::ActiveModel {
                activity_id: Set(model.id),
                document_id: Set(id(documents, doc)?),
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Participants of COMPLETED TRAINING_COURSE activities, trainers
    /// excluded, whose first day falls in `year`.
    fn trained_in(year: i32) -> i32 {
        ACTIVITIES
            .iter()
            .filter(|a| {
                a.kind == ActivityKind::TrainingCourse
                    && a.status == ActivityStatus::Completed
                    && a.start.0 == year
            })
            .flat_map(|a| a.participants.iter())
            .filter(|(_, role, _)| *role != ParticipantRole::Trainer)
            .map(|(_, _, count)| count)
            .sum()
    }

    #[test]
    fn training_figures_match_the_seeds() {
        assert_eq!(trained_in(2019), 28);
        assert_eq!(trained_in(2021), 5);
        assert_eq!(trained_in(2022), 50);
    }

    #[test]
    fn courses_issue_one_certificate_per_participant() {
        for a in ACTIVITIES
            .iter()
            .filter(|a| a.kind == ActivityKind::TrainingCourse)
        {
            let people: i32 = a.participants.iter().map(|(_, _, count)| count).sum();
            assert_eq!(a.certificates_issued, people, "{}", a.title);
            assert!(
                a.participants
                    .iter()
                    .all(|(_, role, _)| *role != ParticipantRole::Trainer)
            );
        }
    }

    #[test]
    fn fiscal_codes_are_valid_and_distinct() {
        let mut codes = Vec::new();
        for o in ORGANIZATIONS {
            let code = cif(o.fiscal_body).unwrap_or_default();
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
        assert_eq!(codes.len(), ORGANIZATIONS.len());
    }

    #[test]
    fn keys_and_tags_respect_the_schema() {
        for o in ORGANIZATIONS {
            assert_eq!(o.slug, o.slug.to_lowercase());
        }
        for d in DOCUMENTS {
            assert!(!d.versions.is_empty(), "{}", d.key);
            for tag in d.tags {
                assert_eq!(*tag, tag.to_lowercase(), "{}", d.key);
            }
        }
        for a in ACTIVITIES {
            assert!(a.end >= a.start, "{}", a.title);
        }
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
            .filter(organization::Column::Slug.eq(LUGOJ))
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
}

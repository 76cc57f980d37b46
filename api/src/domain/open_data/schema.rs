//! The tables of the package and their Table Schemas: each column's name,
//! type and meaning (in English and Romanian), the primary key and the
//! foreign keys between tables. The row readers (`rows.rs`) write the
//! columns in exactly this order.

use serde_json::{Value, json};

/// A Table Schema field type (the ones the package uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// A decimal number.
    Number,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM-DDThh:mm:ssZ`.
    Datetime,
}

impl FieldType {
    fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Number => "number",
            Self::Date => "date",
            Self::Datetime => "datetime",
        }
    }
}

/// One column.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Its name in the CSV header.
    pub name: &'static str,
    /// Its type.
    pub kind: FieldType,
    /// Whether every row has a value.
    pub required: bool,
    /// What it means, in English.
    pub en: &'static str,
    /// What it means, in Romanian.
    pub ro: &'static str,
}

const fn field(
    name: &'static str,
    kind: FieldType,
    required: bool,
    en: &'static str,
    ro: &'static str,
) -> Field {
    Field {
        name,
        kind,
        required,
        en,
        ro,
    }
}

use FieldType::{Date, Datetime, Integer, Number, String as Text};

const ID: Field = field(
    "id",
    Text,
    true,
    "Global ID (as in the GraphQL API)",
    "ID global (ca în API-ul GraphQL)",
);

const ORGANIZATIONS: &[Field] = &[
    ID,
    field(
        "slug",
        Text,
        true,
        "Short name in URLs",
        "Nume scurt în URL-uri",
    ),
    field("name", Text, true, "Name", "Denumire"),
    field(
        "kind",
        Text,
        true,
        "Kind (MUNICIPALITY, COUNTY_COUNCIL, CENTRAL_INSTITUTION, NGO, ...)",
        "Tip (MUNICIPALITY, COUNTY_COUNCIL, CENTRAL_INSTITUTION, NGO, ...)",
    ),
    field(
        "fiscal_code",
        Text,
        false,
        "Fiscal code (CIF)",
        "Cod de identificare fiscală (CIF)",
    ),
    field("county", Text, false, "County", "Județ"),
    field("locality", Text, false, "Locality", "Localitate"),
    field("website", Text, false, "Website", "Site web"),
    field(
        "contact_email",
        Text,
        false,
        "Public contact address",
        "Adresă publică de contact",
    ),
    field("description", Text, false, "Description", "Descriere"),
    field(
        "created_at",
        Datetime,
        true,
        "Recorded at",
        "Înregistrat la",
    ),
    field(
        "updated_at",
        Datetime,
        true,
        "Last changed at",
        "Modificat ultima dată la",
    ),
];

const AGREEMENTS: &[Field] = &[
    ID,
    field(
        "initiator_id",
        Text,
        true,
        "The organization that drafted it",
        "Organizația care l-a inițiat",
    ),
    field("title", Text, true, "Title", "Titlu"),
    field(
        "kind",
        Text,
        true,
        "Legal form (COOPERATION, PARTNERSHIP, PROTOCOL, MEMORANDUM)",
        "Forma juridică (COOPERATION, PARTNERSHIP, PROTOCOL, MEMORANDUM)",
    ),
    field(
        "status",
        Text,
        true,
        "Lifecycle state (PROPOSED, ACTIVE, EXPIRED, ...)",
        "Starea (PROPOSED, ACTIVE, EXPIRED, ...)",
    ),
    field("objectives", Text, true, "Objectives", "Obiective"),
    field(
        "start_date",
        Date,
        false,
        "First day in force",
        "Prima zi în vigoare",
    ),
    field(
        "end_date",
        Date,
        false,
        "Last day in force",
        "Ultima zi în vigoare",
    ),
    field(
        "termination_reason",
        Text,
        false,
        "Why a party ended it early",
        "De ce l-a încetat o parte înainte de termen",
    ),
    field(
        "created_at",
        Datetime,
        true,
        "Recorded at",
        "Înregistrat la",
    ),
    field(
        "updated_at",
        Datetime,
        true,
        "Last changed at",
        "Modificat ultima dată la",
    ),
];

const AGREEMENT_PARTIES: &[Field] = &[
    field("agreement_id", Text, true, "The agreement", "Acordul"),
    field("organization_id", Text, true, "The party", "Partea"),
    field(
        "signed_at",
        Datetime,
        false,
        "When it signed",
        "Când a semnat",
    ),
    field(
        "signatory",
        Text,
        false,
        "Who signed, and in what office",
        "Cine a semnat și în ce calitate",
    ),
    field(
        "declined_at",
        Datetime,
        false,
        "When it declined",
        "Când a refuzat",
    ),
];

const DOCUMENTS: &[Field] = &[
    ID,
    field(
        "owner_id",
        Text,
        true,
        "The organization sharing it",
        "Organizația care îl publică",
    ),
    field("title", Text, true, "Title", "Titlu"),
    field("summary", Text, true, "Summary", "Rezumat"),
    field(
        "kind",
        Text,
        true,
        "Kind (GOOD_PRACTICE_GUIDE, PROCEDURE, REPORT, ...)",
        "Tip (GOOD_PRACTICE_GUIDE, PROCEDURE, REPORT, ...)",
    ),
    field(
        "language",
        Text,
        true,
        "Language (BCP 47)",
        "Limba (BCP 47)",
    ),
    field(
        "published_on",
        Date,
        false,
        "Publication day",
        "Data publicării",
    ),
    field(
        "tags",
        Text,
        false,
        "Tags, separated by \"; \"",
        "Etichete, separate prin \"; \"",
    ),
    field(
        "created_at",
        Datetime,
        true,
        "Recorded at",
        "Înregistrat la",
    ),
    field(
        "updated_at",
        Datetime,
        true,
        "Last changed at",
        "Modificat ultima dată la",
    ),
];

const DOCUMENT_VERSIONS: &[Field] = &[
    ID,
    field("document_id", Text, true, "The document", "Documentul"),
    field(
        "number",
        Integer,
        true,
        "Version number, from 1",
        "Numărul versiunii, de la 1",
    ),
    field("file_name", Text, true, "File name", "Numele fișierului"),
    field(
        "media_type",
        Text,
        true,
        "Media type",
        "Tipul fișierului (media type)",
    ),
    field(
        "size_bytes",
        Integer,
        true,
        "Size in bytes",
        "Mărimea în octeți",
    ),
    field(
        "sha256",
        Text,
        true,
        "SHA-256 of the file",
        "SHA-256 al fișierului",
    ),
    field(
        "change_note",
        Text,
        false,
        "What changed",
        "Ce s-a schimbat",
    ),
    field("uploaded_at", Datetime, true, "Uploaded at", "Încărcat la"),
    field(
        "download_url",
        Text,
        true,
        "Where to download it",
        "Adresa de descărcare",
    ),
];

const ACTIVITIES: &[Field] = &[
    ID,
    field(
        "owner_id",
        Text,
        true,
        "The organizing organization",
        "Organizația organizatoare",
    ),
    field(
        "agreement_id",
        Text,
        false,
        "The agreement it implements (when published)",
        "Acordul pe care îl pune în aplicare (dacă este publicat)",
    ),
    field(
        "project_id",
        Text,
        false,
        "The project it belongs to",
        "Proiectul din care face parte",
    ),
    field("title", Text, true, "Title", "Titlu"),
    field(
        "kind",
        Text,
        true,
        "Kind (TRAINING_COURSE, WORKSHOP, CAMPAIGN, SURVEY, ...)",
        "Tip (TRAINING_COURSE, WORKSHOP, CAMPAIGN, SURVEY, ...)",
    ),
    field(
        "status",
        Text,
        true,
        "State (PLANNED, COMPLETED, CANCELLED, ...)",
        "Starea (PLANNED, COMPLETED, CANCELLED, ...)",
    ),
    field("description", Text, true, "Description", "Descriere"),
    field("start_date", Date, true, "First day", "Prima zi"),
    field("end_date", Date, true, "Last day", "Ultima zi"),
    field("place", Text, false, "Where", "Locul"),
    field(
        "online_url",
        Text,
        false,
        "Online meeting address",
        "Adresa online",
    ),
    field(
        "participants",
        Integer,
        true,
        "People who took part",
        "Participanți",
    ),
    field(
        "certificates_issued",
        Integer,
        true,
        "Certificates issued",
        "Certificate eliberate",
    ),
    field("outcomes", Text, false, "Outcomes", "Rezultate"),
    field(
        "created_at",
        Datetime,
        true,
        "Recorded at",
        "Înregistrat la",
    ),
    field(
        "updated_at",
        Datetime,
        true,
        "Last changed at",
        "Modificat ultima dată la",
    ),
];

const ACTIVITY_PARTICIPATIONS: &[Field] = &[
    field("activity_id", Text, true, "The activity", "Activitatea"),
    field(
        "organization_id",
        Text,
        true,
        "The participants' organization",
        "Organizația participanților",
    ),
    field(
        "role",
        Text,
        true,
        "Their role (CIVIL_SERVANT, ELECTED_OFFICIAL, CITIZEN, TRAINER, ...)",
        "Rolul lor (CIVIL_SERVANT, ELECTED_OFFICIAL, CITIZEN, TRAINER, ...)",
    ),
    field(
        "count",
        Integer,
        true,
        "How many took part",
        "Câți au participat",
    ),
];

const PROJECTS: &[Field] = &[
    ID,
    field("owner_id", Text, true, "The beneficiary", "Beneficiarul"),
    field(
        "code",
        Text,
        true,
        "Project code(s)",
        "Codul (codurile) proiectului",
    ),
    field("title", Text, true, "Title", "Titlu"),
    field(
        "programme",
        Text,
        true,
        "Funding programme",
        "Programul de finanțare",
    ),
    field(
        "contract_number",
        Text,
        false,
        "Financing contract",
        "Contractul de finanțare",
    ),
    field("start_date", Date, true, "First day", "Prima zi"),
    field("end_date", Date, true, "Last day", "Ultima zi"),
    field(
        "sustainability_end_date",
        Date,
        false,
        "Last day of the sustainability period",
        "Ultima zi a perioadei de sustenabilitate",
    ),
    field(
        "summary",
        Text,
        true,
        "What it set out to do",
        "Obiectivele proiectului",
    ),
];

const INDICATORS: &[Field] = &[
    ID,
    field("project_id", Text, true, "The project", "Proiectul"),
    field("name", Text, true, "What is measured", "Ce se măsoară"),
    field("unit", Text, true, "Unit", "Unitatea de măsură"),
    field(
        "baseline",
        Number,
        true,
        "Value before the project",
        "Valoarea inițială",
    ),
    field("target", Number, true, "Value aimed for", "Valoarea țintă"),
    field(
        "achieved",
        Number,
        true,
        "Value reached (derived ones count published records only)",
        "Valoarea atinsă (cele calculate numără doar înregistrările publice)",
    ),
    field(
        "derivation",
        Text,
        false,
        "Rule the value is counted by, if it is not entered",
        "Regula după care se calculează valoarea, dacă nu este introdusă",
    ),
];

/// One table of the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    /// Every organization's public profile.
    Organizations,
    /// PUBLIC agreements past DRAFT.
    Agreements,
    /// Their parties and signatures.
    AgreementParties,
    /// PUBLIC documents.
    Documents,
    /// Their files (metadata and download URLs).
    DocumentVersions,
    /// PUBLIC activities.
    Activities,
    /// Who took part in them, by organization and role.
    ActivityParticipations,
    /// Funded projects (public by nature).
    Projects,
    /// Their result indicators.
    Indicators,
}

impl Resource {
    /// Every table, in the order of the package.
    pub const ALL: [Self; 9] = [
        Self::Organizations,
        Self::Agreements,
        Self::AgreementParties,
        Self::Documents,
        Self::DocumentVersions,
        Self::Activities,
        Self::ActivityParticipations,
        Self::Projects,
        Self::Indicators,
    ];

    /// The resource's name, also its file's (`{name}.csv`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Organizations => "organizations",
            Self::Agreements => "agreements",
            Self::AgreementParties => "agreement_parties",
            Self::Documents => "documents",
            Self::DocumentVersions => "document_versions",
            Self::Activities => "activities",
            Self::ActivityParticipations => "activity_participations",
            Self::Projects => "projects",
            Self::Indicators => "indicators",
        }
    }

    /// The resource called `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Its columns, in file order.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Self::Organizations => ORGANIZATIONS,
            Self::Agreements => AGREEMENTS,
            Self::AgreementParties => AGREEMENT_PARTIES,
            Self::Documents => DOCUMENTS,
            Self::DocumentVersions => DOCUMENT_VERSIONS,
            Self::Activities => ACTIVITIES,
            Self::ActivityParticipations => ACTIVITY_PARTICIPATIONS,
            Self::Projects => PROJECTS,
            Self::Indicators => INDICATORS,
        }
    }

    /// Its title, in English and Romanian.
    fn titles(self) -> (&'static str, &'static str) {
        match self {
            Self::Organizations => ("Organizations", "Organizații"),
            Self::Agreements => ("Cooperation agreements", "Acorduri de cooperare"),
            Self::AgreementParties => ("Parties to the agreements", "Părțile acordurilor"),
            Self::Documents => ("Shared documents", "Documente partajate"),
            Self::DocumentVersions => ("Files of the documents", "Fișierele documentelor"),
            Self::Activities => ("Joint activities", "Activități comune"),
            Self::ActivityParticipations => (
                "Participation in the activities",
                "Participarea la activități",
            ),
            Self::Projects => ("Funded projects", "Proiecte finanțate"),
            Self::Indicators => ("Result indicators", "Indicatori de rezultat"),
        }
    }

    /// Its columns that refer to another table: (column, resource).
    fn references(self) -> &'static [(&'static str, Self)] {
        match self {
            Self::Organizations => &[],
            Self::Projects => &[("owner_id", Self::Organizations)],
            Self::Agreements => &[("initiator_id", Self::Organizations)],
            Self::AgreementParties => &[
                ("agreement_id", Self::Agreements),
                ("organization_id", Self::Organizations),
            ],
            Self::Documents => &[("owner_id", Self::Organizations)],
            Self::DocumentVersions => &[("document_id", Self::Documents)],
            Self::Activities => &[
                ("owner_id", Self::Organizations),
                ("agreement_id", Self::Agreements),
                ("project_id", Self::Projects),
            ],
            Self::ActivityParticipations => &[
                ("activity_id", Self::Activities),
                ("organization_id", Self::Organizations),
            ],
            Self::Indicators => &[("project_id", Self::Projects)],
        }
    }

    /// Its primary key: `id`, or the natural key of a link table.
    fn primary_key(self) -> Vec<&'static str> {
        match self {
            Self::AgreementParties => vec!["agreement_id", "organization_id"],
            Self::ActivityParticipations => vec!["activity_id", "organization_id", "role"],
            _ => vec!["id"],
        }
    }

    /// Its Table Schema.
    pub fn table_schema(self) -> Value {
        let fields: Vec<Value> = self
            .fields()
            .iter()
            .map(|f| {
                let mut field = json!({
                    "name": f.name,
                    "type": f.kind.name(),
                    "description": f.en,
                    "pactum:description_ro": f.ro,
                });
                if f.required {
                    field["constraints"] = json!({ "required": true });
                }
                field
            })
            .collect();
        let foreign_keys: Vec<Value> = self
            .references()
            .iter()
            .map(|(column, to)| {
                json!({ "fields": column, "reference": { "resource": to.name(), "fields": "id" } })
            })
            .collect();
        json!({
            "fields": fields,
            "primaryKey": self.primary_key(),
            "foreignKeys": foreign_keys,
            "missingValues": [""],
        })
    }

    /// Its resource descriptor inside the package.
    pub fn descriptor(self) -> Value {
        let (en, ro) = self.titles();
        json!({
            "name": self.name(),
            "path": format!("{}.csv", self.name()),
            "profile": "tabular-data-resource",
            "title": en,
            "pactum:title_ro": ro,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": self.table_schema(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_resource_is_found_by_its_name_and_only_those() {
        for r in Resource::ALL {
            assert_eq!(Resource::from_name(r.name()), Some(r));
        }
        assert_eq!(Resource::from_name("users"), None);
        assert_eq!(Resource::from_name("../etc/passwd"), None);
    }

    #[test]
    fn keys_name_columns_the_tables_have() {
        for r in Resource::ALL {
            let names: Vec<&str> = r.fields().iter().map(|f| f.name).collect();
            for key in r.primary_key() {
                assert!(names.contains(&key), "{}: {key}", r.name());
            }
            for (column, to) in r.references() {
                assert!(names.contains(column), "{}: {column}", r.name());
                assert!(to.fields().iter().any(|f| f.name == "id"), "{}", to.name());
            }
        }
    }
}

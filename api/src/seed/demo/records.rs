//! The demo records as `demo.toml` lays them out: one type per kind of
//! record, read with serde (unknown keys refused), dates as TOML dates and
//! enumerations by their database names.

use chrono::NaiveDate;
use entities::enums::{
    ActivityKind, ActivityStatus, AgreementKind, AgreementStatus, DocumentKind,
    IndicatorDerivation, Language, MemberRole, OrganizationKind, ParticipantRole, Visibility,
};
use sea_orm::ActiveEnum;
use serde::{Deserialize, Deserializer, de};

use super::bad_data;
use crate::domain::error::DomainResult;

/// The whole of `demo.toml`; every list is in insertion order.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Demo {
    pub(super) organizations: Vec<OrgSpec>,
    pub(super) projects: Vec<ProjectSpec>,
    pub(super) agreements: Vec<AgreementSpec>,
    pub(super) documents: Vec<DocSpec>,
    pub(super) activities: Vec<ActivitySpec>,
    pub(super) people: Vec<PersonSpec>,
}

impl Demo {
    /// Parses the `demo.toml` compiled into the binary.
    pub(super) fn parse() -> DomainResult<Self> {
        toml::from_str(include_str!("demo.toml")).map_err(|e| bad_data(format!("demo.toml: {e}")))
    }
}

/// One organization, referred to by its slug.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OrgSpec {
    pub(super) slug: String,
    pub(super) name: String,
    #[serde(deserialize_with = "db_name")]
    pub(super) kind: OrganizationKind,
    /// Invented CIF without its check digit.
    pub(super) fiscal_body: String,
    pub(super) county: String,
    pub(super) locality: String,
    pub(super) website: Option<String>,
    pub(super) contact_email: Option<String>,
    pub(super) description: String,
    /// Creation and last change, at 08:00.
    pub(super) created: Day,
}

/// One funded project, referred to by its code, with its result indicators.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProjectSpec {
    pub(super) owner: String,
    pub(super) code: String,
    pub(super) title: String,
    pub(super) programme: String,
    pub(super) contract_number: Option<String>,
    /// Also the creation day, at 09:00.
    pub(super) start: Day,
    pub(super) end: Day,
    /// Last day of the sustainability period, if the project has one.
    pub(super) sustainability_end: Option<Day>,
    pub(super) summary: String,
    pub(super) indicators: Vec<IndicatorSpec>,
}

/// One result indicator of a project.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IndicatorSpec {
    pub(super) name: String,
    pub(super) unit: String,
    pub(super) baseline: f64,
    pub(super) target: f64,
    /// Entered indicators only: a derived one is counted when read.
    #[serde(default)]
    pub(super) achieved: f64,
    /// The rule a derived indicator is counted by.
    #[serde(default, deserialize_with = "optional_db_name")]
    pub(super) derivation: Option<IndicatorDerivation>,
}

/// One agreement, referred to by its key; the initiator is its first party.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AgreementSpec {
    pub(super) key: String,
    pub(super) initiator: String,
    pub(super) title: String,
    #[serde(deserialize_with = "db_name")]
    pub(super) kind: AgreementKind,
    #[serde(deserialize_with = "db_name")]
    pub(super) status: AgreementStatus,
    pub(super) objectives: String,
    pub(super) start: Option<Day>,
    pub(super) end: Option<Day>,
    #[serde(deserialize_with = "db_name")]
    pub(super) visibility: Visibility,
    /// Created at 09:00.
    pub(super) created: Day,
    /// Last changed at 16:00.
    pub(super) updated: Day,
    pub(super) parties: Vec<PartySpec>,
}

/// One party to an agreement.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PartySpec {
    pub(super) org: String,
    pub(super) signed: Option<Signed>,
    pub(super) declined: Option<Declined>,
}

/// When a party signed (day and UTC hour) and who signed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Signed {
    pub(super) day: Day,
    pub(super) hour: u32,
    pub(super) signatory: String,
}

/// When a party declined (day and UTC hour).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Declined {
    pub(super) day: Day,
    pub(super) hour: u32,
}

/// One document, referred to by its key; its first version's upload day is
/// its creation day, its last one's its last change.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DocSpec {
    pub(super) key: String,
    pub(super) owner: String,
    pub(super) title: String,
    pub(super) summary: String,
    #[serde(deserialize_with = "db_name")]
    pub(super) kind: DocumentKind,
    pub(super) language: String,
    #[serde(deserialize_with = "db_name")]
    pub(super) visibility: Visibility,
    pub(super) published: Option<Day>,
    pub(super) tags: Vec<String>,
    pub(super) versions: Vec<VersionSpec>,
}

/// One file of a document, numbered from 1 in file order.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VersionSpec {
    pub(super) file_name: String,
    pub(super) media_type: String,
    pub(super) size_bytes: i64,
    pub(super) change_note: Option<String>,
    /// Uploaded at 09:00.
    pub(super) uploaded: Day,
    /// The file's text, as the extraction job would have read it. The
    /// demo stores no bytes, so a version without one is recorded as the
    /// job finds it: FAILED, not in storage.
    pub(super) text: Option<String>,
}

/// One activity. Its owner is always its first organizer.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ActivitySpec {
    pub(super) owner: String,
    /// Organizers besides the owner.
    #[serde(default)]
    pub(super) co_organizers: Vec<String>,
    pub(super) agreement: Option<String>,
    pub(super) project: Option<String>,
    pub(super) title: String,
    #[serde(deserialize_with = "db_name")]
    pub(super) kind: ActivityKind,
    #[serde(deserialize_with = "db_name")]
    pub(super) status: ActivityStatus,
    pub(super) description: String,
    pub(super) start: Day,
    pub(super) end: Day,
    pub(super) place: Option<String>,
    pub(super) online_url: Option<String>,
    pub(super) certificates_issued: i32,
    pub(super) outcomes: Option<String>,
    #[serde(deserialize_with = "db_name")]
    pub(super) visibility: Visibility,
    pub(super) participants: Vec<ParticipantSpec>,
    /// Keys of the documents it used.
    #[serde(default)]
    pub(super) documents: Vec<String>,
    /// When it was recorded, at 09:00; `None` means three weeks before it
    /// started.
    pub(super) created: Option<Day>,
    /// When it last changed, at 15:00; `None` means the day after it ended.
    pub(super) updated: Option<Day>,
}

/// How many people of an organization took part in a role.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ParticipantSpec {
    pub(super) org: String,
    #[serde(deserialize_with = "db_name")]
    pub(super) role: ParticipantRole,
    pub(super) count: i32,
}

/// One demo person and their membership of one organization.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PersonSpec {
    pub(super) email: String,
    pub(super) name: String,
    #[serde(deserialize_with = "db_name")]
    pub(super) language: Language,
    pub(super) org: String,
    #[serde(deserialize_with = "db_name")]
    pub(super) role: MemberRole,
    /// Creation of the user and the membership, at 08:00.
    pub(super) created: Day,
}

/// A calendar day, written as a TOML local date (`2021-09-15`): the `toml`
/// crate hands dates over as its own `Datetime`, which chrono cannot read.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
pub(super) struct Day(pub(super) NaiveDate);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::value::Datetime::deserialize(deserializer)?;
        value
            .date
            .filter(|_| value.time.is_none() && value.offset.is_none())
            .and_then(|d| NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()))
            .map(Self)
            .ok_or_else(|| de::Error::custom(format!("{value} is not a calendar day")))
    }
}

/// Reads an optional enumeration by its database name.
fn optional_db_name<'de, D, E>(deserializer: D) -> Result<Option<E>, D::Error>
where
    D: Deserializer<'de>,
    E: ActiveEnum<Value = String>,
{
    db_name(deserializer).map(Some)
}

/// Reads an enumeration by its database (and GraphQL) name, such as
/// `CIVIL_SERVANT`; the entities' enums do not implement `Deserialize`.
fn db_name<'de, D, E>(deserializer: D) -> Result<E, D::Error>
where
    D: Deserializer<'de>,
    E: ActiveEnum<Value = String>,
{
    let name = String::deserialize(deserializer)?;
    E::try_from_value(&name).map_err(de::Error::custom)
}

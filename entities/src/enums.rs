//! Enumerations stored as upper-case text (with a CHECK constraint in the
//! migrations), so the database stays readable and portable between SQLite and
//! PostgreSQL.

use sea_orm::entity::prelude::*;

/// What sort of body an organization is; drives dashboards by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrganizationKind {
    /// A municipality or town hall (primărie).
    #[sea_orm(string_value = "MUNICIPALITY")]
    Municipality,
    /// A county council (consiliu județean).
    #[sea_orm(string_value = "COUNTY_COUNCIL")]
    CountyCouncil,
    /// A central institution or agency (ministry, national agency).
    #[sea_orm(string_value = "CENTRAL_INSTITUTION")]
    CentralInstitution,
    /// A non-governmental organization (ONG).
    #[sea_orm(string_value = "NGO")]
    Ngo,
    /// Any other public body (school, hospital, prefecture...).
    #[sea_orm(string_value = "OTHER_PUBLIC_BODY")]
    OtherPublicBody,
}

/// Who may see a record: the one rule is in `pactum::domain::visibility`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Visibility {
    /// Anyone, even without login.
    #[sea_orm(string_value = "PUBLIC")]
    Public,
    /// Members of organizations sharing an ACTIVE agreement with the owner.
    #[sea_orm(string_value = "PARTNERS")]
    Partners,
    /// Members of the owner organization only.
    #[sea_orm(string_value = "PRIVATE")]
    Private,
}

/// The legal form of an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AgreementKind {
    /// Acord de cooperare.
    #[sea_orm(string_value = "COOPERATION")]
    Cooperation,
    /// Acord de parteneriat.
    #[sea_orm(string_value = "PARTNERSHIP")]
    Partnership,
    /// Protocol de colaborare.
    #[sea_orm(string_value = "PROTOCOL")]
    Protocol,
    /// Memorandum de înțelegere.
    #[sea_orm(string_value = "MEMORANDUM")]
    Memorandum,
}

/// Where an agreement is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AgreementStatus {
    /// Being written by the initiator.
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    /// Sent to the parties, waiting for signatures.
    #[sea_orm(string_value = "PROPOSED")]
    Proposed,
    /// Signed by every party and in force.
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    /// Past its end date.
    #[sea_orm(string_value = "EXPIRED")]
    Expired,
    /// Ended early by a party.
    #[sea_orm(string_value = "TERMINATED")]
    Terminated,
    /// Refused by a party.
    #[sea_orm(string_value = "DECLINED")]
    Declined,
    /// Taken back by the initiator before activation.
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
}

/// What a shared document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocumentKind {
    /// Ghid de bune practici.
    #[sea_orm(string_value = "GOOD_PRACTICE_GUIDE")]
    GoodPracticeGuide,
    /// Procedură internă.
    #[sea_orm(string_value = "PROCEDURE")]
    Procedure,
    /// Strategie.
    #[sea_orm(string_value = "STRATEGY")]
    Strategy,
    /// Analiză de risc.
    #[sea_orm(string_value = "RISK_ANALYSIS")]
    RiskAnalysis,
    /// Raport de sondaj.
    #[sea_orm(string_value = "SURVEY_REPORT")]
    SurveyReport,
    /// Material de instruire.
    #[sea_orm(string_value = "TRAINING_MATERIAL")]
    TrainingMaterial,
    /// Cod etic.
    #[sea_orm(string_value = "CODE_OF_ETHICS")]
    CodeOfEthics,
    /// Raport.
    #[sea_orm(string_value = "REPORT")]
    Report,
    /// Anything else.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// What sort of joint activity it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActivityKind {
    /// Workshop.
    #[sea_orm(string_value = "WORKSHOP")]
    Workshop,
    /// Curs de formare; participants count as people trained.
    #[sea_orm(string_value = "TRAINING_COURSE")]
    TrainingCourse,
    /// Campanie de conștientizare / informare.
    #[sea_orm(string_value = "AWARENESS_CAMPAIGN")]
    AwarenessCampaign,
    /// Conferință.
    #[sea_orm(string_value = "CONFERENCE")]
    Conference,
    /// Sondaj.
    #[sea_orm(string_value = "SURVEY")]
    Survey,
    /// Audit (e.g. ISO 37001 certification).
    #[sea_orm(string_value = "AUDIT")]
    Audit,
    /// Întâlnire.
    #[sea_orm(string_value = "MEETING")]
    Meeting,
    /// Anything else.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Where an activity is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActivityStatus {
    /// Scheduled, not yet held.
    #[sea_orm(string_value = "PLANNED")]
    Planned,
    /// Held; its participation counts are final.
    #[sea_orm(string_value = "COMPLETED")]
    Completed,
    /// Called off.
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

/// The role in which people took part in an activity (counts, never names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ParticipantRole {
    /// Mayor, deputy mayor, local or county councillor.
    #[sea_orm(string_value = "ELECTED_OFFICIAL")]
    ElectedOfficial,
    /// Civil servant or contract staff.
    #[sea_orm(string_value = "CIVIL_SERVANT")]
    CivilServant,
    /// Trainer, facilitator or speaker.
    #[sea_orm(string_value = "TRAINER")]
    Trainer,
    /// NGO staff or volunteer.
    #[sea_orm(string_value = "NGO_REPRESENTATIVE")]
    NgoRepresentative,
    /// Member of the public.
    #[sea_orm(string_value = "CITIZEN")]
    Citizen,
    /// Anyone else.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// A member's role in an organization, from most to least powerful. An
/// organization always keeps at least one OWNER.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MemberRole {
    /// Runs the organization's account, including its owners.
    #[sea_orm(string_value = "OWNER")]
    Owner,
    /// Manages members (below OWNER), invitations and API tokens.
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    /// Writes the organization's records (profile, agreements, documents).
    #[sea_orm(string_value = "EDITOR")]
    Editor,
    /// Reads what the organization may see.
    #[sea_orm(string_value = "VIEWER")]
    Viewer,
}

/// What an organization's API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TokenScope {
    /// Queries only, with the organization's visibility.
    #[sea_orm(string_value = "READ")]
    Read,
    /// Queries and the mutations an EDITOR may make.
    #[sea_orm(string_value = "READ_WRITE")]
    ReadWrite,
}

/// The language a user reads the interface and alerts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Romanian (the default).
    #[sea_orm(string_value = "ro")]
    Ro,
    /// English.
    #[sea_orm(string_value = "en")]
    En,
}

/// Who made an audited change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActorKind {
    /// A logged-in person.
    #[sea_orm(string_value = "USER")]
    User,
    /// An organization's API token.
    #[sea_orm(string_value = "API_TOKEN")]
    ApiToken,
    /// An operator at the command line.
    #[sea_orm(string_value = "OPERATOR")]
    Operator,
    /// Pactum itself (scheduled jobs such as expiry).
    #[sea_orm(string_value = "SYSTEM")]
    System,
}

/// What happened, for alerts and subscriptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventKind {
    /// An agreement was sent to its parties.
    #[sea_orm(string_value = "AGREEMENT_PROPOSED")]
    AgreementProposed,
    /// A party signed.
    #[sea_orm(string_value = "AGREEMENT_SIGNED")]
    AgreementSigned,
    /// The last party signed: the agreement is in force.
    #[sea_orm(string_value = "AGREEMENT_ACTIVATED")]
    AgreementActivated,
    /// A party declined.
    #[sea_orm(string_value = "AGREEMENT_DECLINED")]
    AgreementDeclined,
    /// The initiator withdrew it before activation.
    #[sea_orm(string_value = "AGREEMENT_WITHDRAWN")]
    AgreementWithdrawn,
    /// A party ended it early.
    #[sea_orm(string_value = "AGREEMENT_TERMINATED")]
    AgreementTerminated,
    /// It passed its end date.
    #[sea_orm(string_value = "AGREEMENT_EXPIRED")]
    AgreementExpired,
    /// A document was shared (created or made more visible).
    #[sea_orm(string_value = "DOCUMENT_PUBLISHED")]
    DocumentPublished,
    /// A new version of a document was uploaded.
    #[sea_orm(string_value = "DOCUMENT_VERSION_ADDED")]
    DocumentVersionAdded,
    /// An activity was planned.
    #[sea_orm(string_value = "ACTIVITY_SCHEDULED")]
    ActivityScheduled,
    /// A planned activity changed (dates, place, ...).
    #[sea_orm(string_value = "ACTIVITY_CHANGED")]
    ActivityChanged,
    /// An activity was cancelled.
    #[sea_orm(string_value = "ACTIVITY_CANCELLED")]
    ActivityCancelled,
    /// An activity took place and was recorded as completed.
    #[sea_orm(string_value = "ACTIVITY_COMPLETED")]
    ActivityCompleted,
    /// Someone was invited to join an organization.
    #[sea_orm(string_value = "MEMBER_INVITED")]
    MemberInvited,
}

/// The rule an indicator's achieved value is derived by, from the
/// activities or the agreements of its project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IndicatorDerivation {
    /// Participants (trainers excluded) of the project's COMPLETED
    /// TRAINING_COURSE activities.
    #[sea_orm(string_value = "PEOPLE_TRAINED")]
    PeopleTrained,
    /// Certificates issued by the project's COMPLETED activities.
    #[sea_orm(string_value = "CERTIFICATES_ISSUED")]
    CertificatesIssued,
    /// How many of the project's activities are COMPLETED.
    #[sea_orm(string_value = "ACTIVITIES_COMPLETED")]
    ActivitiesCompleted,
    /// Agreements the project's beneficiary signed that came into force
    /// (became ACTIVE) within the project's period or its sustainability
    /// period.
    #[sea_orm(string_value = "AGREEMENTS_SIGNED")]
    AgreementsSigned,
}

// notifications (issue 5)

/// What an e-mail alert is about: the domain events people are alerted to,
/// plus the ones the daily job makes (an agreement about to expire, the
/// digest itself). Preferences are kept per alert kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlertKind {
    /// An agreement was proposed to the recipient's organization.
    #[sea_orm(string_value = "AGREEMENT_PROPOSED")]
    AgreementProposed,
    /// An agreement of the recipient's organization came into force.
    #[sea_orm(string_value = "AGREEMENT_ACTIVATED")]
    AgreementActivated,
    /// An agreement of the recipient's organization was terminated.
    #[sea_orm(string_value = "AGREEMENT_TERMINATED")]
    AgreementTerminated,
    /// An active agreement ends in 30 or 7 days.
    #[sea_orm(string_value = "AGREEMENT_EXPIRING")]
    AgreementExpiring,
    /// A document the recipient may see was shared.
    #[sea_orm(string_value = "DOCUMENT_PUBLISHED")]
    DocumentPublished,
    /// An activity the recipient's organization organizes was planned.
    #[sea_orm(string_value = "ACTIVITY_SCHEDULED")]
    ActivityScheduled,
    /// Such an activity changed.
    #[sea_orm(string_value = "ACTIVITY_CHANGED")]
    ActivityChanged,
    /// Such an activity was cancelled.
    #[sea_orm(string_value = "ACTIVITY_CANCELLED")]
    ActivityCancelled,
    /// An invitation to join an organization (sent to an address, not a user).
    #[sea_orm(string_value = "MEMBER_INVITED")]
    MemberInvited,
    /// The daily digest gathering a user's DAILY_DIGEST alerts.
    #[sea_orm(string_value = "DAILY_DIGEST")]
    DailyDigest,
}

/// How a user wants one kind of alert delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Delivery {
    /// One e-mail per alert, as soon as possible (the default).
    #[sea_orm(string_value = "IMMEDIATE")]
    Immediate,
    /// Gathered into one e-mail a day.
    #[sea_orm(string_value = "DAILY_DIGEST")]
    DailyDigest,
    /// Not sent at all.
    #[sea_orm(string_value = "OFF")]
    Off,
}

/// Where an outbox row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OutboxStatus {
    /// Waiting to be sent (or to be retried at `next_attempt_at`).
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Waiting for the recipient's daily digest.
    #[sea_orm(string_value = "HELD")]
    Held,
    /// Accepted by the mail server.
    #[sea_orm(string_value = "SENT")]
    Sent,
    /// Refused for good, or out of attempts.
    #[sea_orm(string_value = "FAILED")]
    Failed,
    /// Sent as part of a digest (`digest_id`).
    #[sea_orm(string_value = "DIGESTED")]
    Digested,
}

/// Where the text extraction of a document version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TextStatus {
    /// Waiting for the extraction job.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// The whole text was read.
    #[sea_orm(string_value = "EXTRACTED")]
    Extracted,
    /// Read up to the limit; the rest was dropped.
    #[sea_orm(string_value = "TRUNCATED")]
    Truncated,
    /// Files of this type carry no text that is read (images).
    #[sea_orm(string_value = "UNSUPPORTED")]
    Unsupported,
    /// The text could not be read (`text_failure` says why).
    #[sea_orm(string_value = "FAILED")]
    Failed,
}

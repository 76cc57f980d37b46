//! GraphQL enums mirroring the stored ones (the entities crate stays free of
//! GraphQL), plus ordering directions.

use async_graphql::Enum;
use entities::enums as db;

macro_rules! mirror_enum {
    ($(#[$meta:meta])* $name:ident => $db:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl From<db::$db> for $name {
            fn from(value: db::$db) -> Self {
                match value {
                    $(db::$db::$variant => Self::$variant),+
                }
            }
        }

        impl From<$name> for db::$db {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$variant => Self::$variant),+
                }
            }
        }
    };
}

mirror_enum! {
    /// What sort of body an organization is.
    OrganizationKind => OrganizationKind {
        /// A municipality, town or commune (primărie).
        Municipality,
        /// A county council (consiliu județean).
        CountyCouncil,
        /// A ministry or national agency.
        CentralInstitution,
        /// A non-governmental organization (ONG).
        Ngo,
        /// Any other public body.
        OtherPublicBody,
    }
}

mirror_enum! {
    /// Who may see a record.
    Visibility => Visibility {
        /// Anyone, even without login.
        Public,
        /// Members of organizations that share an ACTIVE agreement with the owner.
        Partners,
        /// The owner's members only.
        Private,
    }
}

mirror_enum! {
    /// The legal form of an agreement.
    AgreementKind => AgreementKind {
        /// Acord de cooperare.
        Cooperation,
        /// Acord de parteneriat.
        Partnership,
        /// Protocol de colaborare.
        Protocol,
        /// Memorandum de înțelegere.
        Memorandum,
    }
}

mirror_enum! {
    /// Where an agreement is in its lifecycle.
    AgreementStatus => AgreementStatus {
        /// Being written by the initiator.
        Draft,
        /// Sent to the parties, waiting for signatures.
        Proposed,
        /// Signed by every party and in force.
        Active,
        /// Past its end date.
        Expired,
        /// Ended early by a party.
        Terminated,
        /// Refused by a party.
        Declined,
        /// Taken back by the initiator before activation.
        Withdrawn,
    }
}

mirror_enum! {
    /// What a shared document is.
    DocumentKind => DocumentKind {
        /// Ghid de bune practici.
        GoodPracticeGuide,
        /// Procedură.
        Procedure,
        /// Strategie.
        Strategy,
        /// Analiză de risc.
        RiskAnalysis,
        /// Raport de sondaj.
        SurveyReport,
        /// Material de instruire.
        TrainingMaterial,
        /// Cod etic.
        CodeOfEthics,
        /// Raport.
        Report,
        /// Anything else.
        Other,
    }
}

mirror_enum! {
    /// What sort of joint activity it is.
    ActivityKind => ActivityKind {
        /// Workshop.
        Workshop,
        /// Training course; its participants count as people trained.
        TrainingCourse,
        /// Awareness or information campaign.
        AwarenessCampaign,
        /// Conference.
        Conference,
        /// Survey.
        Survey,
        /// Audit or certification.
        Audit,
        /// Meeting.
        Meeting,
        /// Anything else.
        Other,
    }
}

mirror_enum! {
    /// Where an activity is in its life.
    ActivityStatus => ActivityStatus {
        /// Scheduled, not yet held.
        Planned,
        /// Held.
        Completed,
        /// Called off.
        Cancelled,
    }
}

mirror_enum! {
    /// The role in which people took part in an activity.
    ParticipantRole => ParticipantRole {
        /// Mayor, deputy mayor, councillor.
        ElectedOfficial,
        /// Civil servant or contract staff.
        CivilServant,
        /// Trainer, facilitator or speaker (not counted as participant).
        Trainer,
        /// NGO staff or volunteer.
        NgoRepresentative,
        /// Member of the public.
        Citizen,
        /// Anyone else.
        Other,
    }
}

/// Sort direction.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum OrderDirection {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

impl OrderDirection {
    /// Whether this is descending.
    pub fn descending(self) -> bool {
        self == Self::Desc
    }
}

/// A list's `orderBy` input: a field standing for one of the domain's
/// sorts, and a direction.
pub trait ListOrder {
    /// The domain's sort.
    type Sort;
    /// The sort the chosen field stands for.
    fn sort(&self) -> Self::Sort;
    /// The chosen direction.
    fn direction(&self) -> OrderDirection;
}

/// The sort and whether it is descending, from a list's optional
/// `orderBy`; without one, `default` in the `default_direction`.
pub fn sort_of<O: ListOrder>(
    order_by: Option<O>,
    default: O::Sort,
    default_direction: OrderDirection,
) -> (O::Sort, bool) {
    match order_by {
        Some(order) => (order.sort(), order.direction().descending()),
        None => (default, default_direction.descending()),
    }
}

/// Converts a list of GraphQL enums into stored ones.
pub fn to_db<A: Copy, B: From<A>>(values: Option<Vec<A>>) -> Option<Vec<B>> {
    values.map(|v| v.into_iter().map(B::from).collect())
}

mirror_enum! {
    /// A member's role in an organization.
    MemberRole => MemberRole {
        /// Runs the organization's account, including its owners.
        Owner,
        /// Manages members below OWNER, invitations and API tokens.
        Admin,
        /// Writes the organization's records.
        Editor,
        /// Reads what the organization may see.
        Viewer,
    }
}

mirror_enum! {
    /// What an API token may do.
    TokenScope => TokenScope {
        /// Queries only.
        Read,
        /// Queries and the mutations an EDITOR may make.
        ReadWrite,
    }
}

mirror_enum! {
    /// The language a user reads the interface and alerts in.
    Language => Language {
        /// Romanian.
        Ro,
        /// English.
        En,
    }
}

mirror_enum! {
    /// The rule a derived indicator's achieved value is computed by, from
    /// the activities or the agreements of its project.
    IndicatorDerivation => IndicatorDerivation {
        /// Participants (trainers excluded) of the project's COMPLETED
        /// TRAINING_COURSE activities.
        PeopleTrained,
        /// Certificates issued by the project's COMPLETED activities.
        CertificatesIssued,
        /// How many of the project's activities are COMPLETED.
        ActivitiesCompleted,
        /// Agreements the project's beneficiary signed that came into
        /// force (the last party signed, making them ACTIVE) between the
        /// project's start and the end of its sustainability period (its
        /// end date when it has none), by the day in UTC. Expired and
        /// terminated ones still count: they did come into force.
        AgreementsSigned,
    }
}

mirror_enum! {
    /// Where reading the text of an uploaded file stands.
    TextStatus => TextStatus {
        /// Waiting for the extraction job (seconds after the upload).
        Pending,
        /// The whole text was read and is searched.
        Extracted,
        /// The first million characters were read and are searched.
        Truncated,
        /// Files of this type carry no text that is read (images).
        Unsupported,
        /// The text could not be read (see `failure`); the file is still stored and served.
        Failed,
    }
}

mirror_enum! {
    /// What happened to a record: the kinds of the change feed's entries.
    EventKind => EventKind {
        /// An agreement was sent to its parties.
        AgreementProposed,
        /// A party signed.
        AgreementSigned,
        /// The last party signed: the agreement is in force.
        AgreementActivated,
        /// A party declined.
        AgreementDeclined,
        /// The initiator withdrew it before activation.
        AgreementWithdrawn,
        /// A party ended it early.
        AgreementTerminated,
        /// It passed its end date.
        AgreementExpired,
        /// A document was shared (created or made more visible).
        DocumentPublished,
        /// A new version of a document was uploaded.
        DocumentVersionAdded,
        /// An activity was planned.
        ActivityScheduled,
        /// A planned activity changed (dates, place, ...).
        ActivityChanged,
        /// An activity was cancelled.
        ActivityCancelled,
        /// An activity took place and was recorded as completed.
        ActivityCompleted,
        /// Someone was invited to join an organization.
        MemberInvited,
    }
}

//! The input types of the activity queries and mutations: filters and
//! sort orders of `activities`, and one input per mutation.

use async_graphql::{Enum, ID, InputObject, MaybeUndefined};

use crate::graphql::{
    DateRangeInput,
    enums::{ActivityKind, ActivityStatus, OrderDirection, ParticipantRole, Visibility},
    scalars::Date,
};

/// Filters for `activities`.
#[derive(InputObject, Default)]
pub struct ActivityFilter {
    /// Only these kinds (at most 100 entries).
    pub kinds: Option<Vec<ActivityKind>>,
    /// Only these states (at most 100 entries).
    pub statuses: Option<Vec<ActivityStatus>>,
    /// Only activities this organization (co-)organizes.
    pub organizer_id: Option<ID>,
    /// Only activities implementing this agreement.
    pub agreement_id: Option<ID>,
    /// Only activities of this funded project.
    pub project_id: Option<ID>,
    /// Start date within this range.
    pub start_date: Option<DateRangeInput>,
}

/// What `activities` can be sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ActivityOrderField {
    /// By start date.
    StartDate,
    /// By title.
    Title,
    /// By creation time.
    CreatedAt,
    /// By relevance to `search` (required with it), best first whatever
    /// the direction.
    Relevance,
}

/// Sort order for `activities`.
#[derive(InputObject)]
pub struct ActivityOrder {
    /// Field to sort by.
    pub field: ActivityOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// Input of `createActivity`.
#[derive(InputObject)]
pub struct CreateActivityInput {
    /// The lead organizer, which owns the activity (you must be its EDITOR).
    pub organization_id: ID,
    /// Title. At most 500 characters; one line.
    pub title: String,
    /// What sort of activity.
    pub kind: ActivityKind,
    /// Description. At most 20000 characters; line breaks allowed.
    #[graphql(default)]
    pub description: String,
    /// First day.
    pub start_date: Date,
    /// Last day (not before the first).
    pub end_date: Date,
    /// Where it takes place (a place, an online link, or both). At most 500
    /// characters; one line.
    pub place: Option<String>,
    /// Link for online participation (http or https). At most 2000
    /// characters; one line.
    pub online_url: Option<String>,
    /// Who may see it (default PRIVATE).
    #[graphql(default_with = "Visibility::Private")]
    pub visibility: Visibility,
    /// The agreement it implements: one the lead organizer is a party to,
    /// ACTIVE or PROPOSED.
    pub agreement_id: Option<ID>,
    /// The lead organizer's funded project it belongs to.
    pub project_id: Option<ID>,
}

/// Input of `updateActivity`: only the fields given change; `null` clears
/// a nullable one.
#[derive(InputObject)]
pub struct UpdateActivityInput {
    /// The activity.
    pub activity_id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// Title. At most 500 characters; one line.
    pub title: Option<String>,
    /// What sort of activity.
    pub kind: Option<ActivityKind>,
    /// Description. At most 20000 characters; line breaks allowed.
    pub description: Option<String>,
    /// First day (PLANNED only).
    pub start_date: Option<Date>,
    /// Last day (PLANNED only).
    pub end_date: Option<Date>,
    /// Where it takes place (PLANNED only). At most 500 characters; one
    /// line.
    pub place: MaybeUndefined<String>,
    /// Link for online participation (PLANNED only). At most 2000
    /// characters; one line.
    pub online_url: MaybeUndefined<String>,
    /// Who may see it.
    pub visibility: Option<Visibility>,
    /// The agreement it implements.
    pub agreement_id: MaybeUndefined<ID>,
    /// The lead organizer's project it belongs to.
    pub project_id: MaybeUndefined<ID>,
    /// What came of it (COMPLETED only). At most 20000 characters; line
    /// breaks allowed.
    pub outcomes: MaybeUndefined<String>,
    /// Certificates issued (COMPLETED only).
    pub certificates_issued: Option<i32>,
}

/// Input of `cancelActivity`.
#[derive(InputObject)]
pub struct CancelActivityInput {
    /// The activity (PLANNED).
    pub activity_id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// Why it will not take place. At most 2000 characters; line breaks
    /// allowed.
    pub reason: Option<String>,
}

/// How many people of one organization took part in one role.
#[derive(InputObject)]
pub struct ParticipationInput {
    /// Where the participants come from.
    pub organization_id: ID,
    /// The role they took part in.
    pub role: ParticipantRole,
    /// How many people (0 removes the count).
    pub count: i32,
}

/// Input of `completeActivity`.
#[derive(InputObject)]
pub struct CompleteActivityInput {
    /// The activity (PLANNED, already started).
    pub activity_id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// What came of it. At most 20000 characters; line breaks allowed.
    pub outcomes: String,
    /// Certificates or diplomas issued.
    #[graphql(default)]
    pub certificates_issued: i32,
    /// Participation counts to record at the same time (more can be set
    /// later with `setParticipation`).
    #[graphql(default)]
    pub participation: Vec<ParticipationInput>,
}

/// Input of `setParticipation`.
#[derive(InputObject)]
pub struct SetParticipationInput {
    /// The activity (not CANCELLED).
    pub activity_id: ID,
    /// Where the participants come from.
    pub organization_id: ID,
    /// The role they took part in.
    pub role: ParticipantRole,
    /// How many people (0 removes the count).
    pub count: i32,
}

/// Input of the co-organizer mutations.
#[derive(InputObject)]
pub struct CoOrganizerInput {
    /// The activity.
    pub activity_id: ID,
    /// The organization invited (or answering).
    pub organization_id: ID,
}

/// Input of `linkActivityDocument` and `unlinkActivityDocument`.
#[derive(InputObject)]
pub struct ActivityDocumentInput {
    /// The activity.
    pub activity_id: ID,
    /// A document you may see.
    pub document_id: ID,
}

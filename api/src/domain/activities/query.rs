//! Reading activities: the visibility rule, the filtered and sorted list,
//! loads by id, and the lists hanging off organizations, agreements,
//! projects and activities (for the GraphQL loaders).

use std::collections::HashMap;

use entities::{
    activity, activity_organizer, activity_participation,
    enums::{ActivityKind, ActivityStatus, Visibility},
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    Select, sea_query::ExprTrait,
};

use crate::domain::{
    DateRange,
    actor::Actor,
    column,
    error::DomainResult,
    keyset::{KeyKind, SortOrder},
    listing::{ChildQuery, paginate},
    load_by_ids,
    pagination::{Page, PageArgs, PageLimits},
    search::{Indexed, Ranking, searched},
    visibility::{shared_with, visible_to},
};

/// Which activities a list shows.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    /// Only these kinds.
    pub kinds: Option<Vec<ActivityKind>>,
    /// Only these states.
    pub statuses: Option<Vec<ActivityStatus>>,
    /// Only activities this organization (co-)organizes.
    pub organizer_id: Option<i64>,
    /// Only activities implementing this agreement.
    pub agreement_id: Option<i64>,
    /// Only activities of this funded project.
    pub project_id: Option<i64>,
    /// Start date within this range.
    pub start_date: DateRange,
    /// Full-text search (web search syntax).
    pub search: Option<String>,
}

/// What activities are sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ActivitySort {
    /// By start date (the default, newest first in dashboards).
    #[default]
    StartDate,
    /// By title.
    Title,
    /// By creation time.
    CreatedAt,
}

impl ActivitySort {
    /// The order this sort stands for in `list` (which names it in cursors).
    pub fn order(self, list: &'static str, descending: bool) -> SortOrder {
        let (sort, column, kind) = match self {
            Self::StartDate => ("startDate", "start_date", KeyKind::Date),
            Self::Title => ("title", "title", KeyKind::Text),
            Self::CreatedAt => ("createdAt", "created_at", KeyKind::Instant),
        };
        SortOrder::by(
            list,
            sort,
            ("activities", column),
            kind,
            ("activities", "id"),
            descending,
        )
    }
}

/// The condition "`organization` (co-)organizes the activity".
pub fn organized_by(organization: i64) -> Condition {
    organized_by_any(vec![organization])
}

/// The condition "one of `orgs` (co-)organizes the activity": owns it or
/// has accepted being listed (a pending invitation does not count).
fn organized_by_any(orgs: Vec<i64>) -> Condition {
    Condition::any()
        .add(activity::Column::OwnerId.is_in(orgs.clone()))
        .add(
            activity::Column::Id.in_subquery(
                activity_organizer::Entity::find()
                    .select_only()
                    .column(activity_organizer::Column::ActivityId)
                    .filter(activity_organizer::Column::OrganizationId.is_in(orgs))
                    .filter(activity_organizer::Column::AcceptedAt.is_not_null())
                    .into_query(),
            ),
        )
}

/// The activities `actor` may see.
pub fn visible(actor: &Actor) -> Select<activity::Entity> {
    activity::Entity::find().filter(visible_to(
        actor,
        activity::Column::Visibility,
        organized_by_any,
    ))
}

/// What anyone sees, logged in or not: PUBLIC activities (`visible` for an
/// anonymous caller). The maintained dashboard figures count these.
pub fn seen_by_anyone() -> Condition {
    Condition::all().add(activity::Column::Visibility.eq(Visibility::Public))
}

/// The activities `actor` sees besides [`seen_by_anyone`]: with it, all of
/// [`visible`]. `None` when there are none to look for.
pub fn visible_beyond_public(actor: &Actor) -> Option<Select<activity::Entity>> {
    let shared = shared_with(actor, activity::Column::Visibility, organized_by_any)?;
    Some(
        activity::Entity::find()
            .filter(shared)
            .filter(seen_by_anyone().not()),
    )
}

/// The activity if `actor` may see it now.
pub(super) async fn if_visible<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
) -> DomainResult<Option<activity::Model>> {
    Ok(visible(actor)
        .filter(activity::Column::Id.eq(id))
        .one(db)
        .await?)
}

/// Lists the activities `actor` may see, filtered and ordered.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    filter: &ActivityFilter,
    sort: Ranking<ActivitySort>,
    descending: bool,
    args: PageArgs,
    limits: PageLimits,
) -> DomainResult<Page<activity::Model>> {
    let mut cond = Condition::all().add(filter.start_date.condition(activity::Column::StartDate));
    if let Some(kinds) = &filter.kinds {
        cond = cond.add(activity::Column::Kind.is_in(kinds.iter().copied()));
    }
    if let Some(statuses) = &filter.statuses {
        cond = cond.add(activity::Column::Status.is_in(statuses.iter().copied()));
    }
    if let Some(agreement) = filter.agreement_id {
        cond = cond.add(activity::Column::AgreementId.eq(agreement));
    }
    if let Some(project) = filter.project_id {
        cond = cond.add(activity::Column::ProjectId.eq(project));
    }
    if let Some(organizer) = filter.organizer_id {
        cond = cond.add(organized_by(organizer));
    }
    let (select, order) = searched(
        db.get_database_backend(),
        Indexed::Activities,
        "activities",
        filter.search.as_deref(),
        visible(actor).filter(cond),
        sort,
        descending,
        |sort, descending| sort.order("activities", descending),
    )?;
    paginate(db, select, &order, args, limits).await
}

/// The activities with these ids that `actor` may see.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    ids: &[i64],
) -> DomainResult<HashMap<i64, activity::Model>> {
    load_by_ids(db, visible(actor), activity::Column::Id, ids, |m| m.id).await
}

fn newest_first(list: &'static str) -> SortOrder {
    ActivitySort::StartDate.order(list, true)
}

/// Each organization's activities (as any accepted organizer), newest
/// first.
pub fn of_organizers(actor: &Actor) -> ChildQuery<activity::Entity> {
    let accepted = column("activity_organizers", "accepted_at").is_not_null();
    ChildQuery::through(
        visible(actor).filter(accepted),
        "activity_organizers",
        ("activity_id", "organization_id"),
        activity::Column::Id,
        newest_first("Organization.activities"),
    )
}

/// Each agreement's implementing activities, newest first.
pub fn of_agreements(actor: &Actor) -> ChildQuery<activity::Entity> {
    ChildQuery::new(
        visible(actor),
        ("activities", "agreement_id"),
        newest_first("Agreement.activities"),
    )
}

/// Each project's activities, newest first.
pub fn of_projects(actor: &Actor) -> ChildQuery<activity::Entity> {
    ChildQuery::new(
        visible(actor),
        ("activities", "project_id"),
        newest_first("Project.activities"),
    )
}

/// Each activity's pending co-organizer invitations, in the order they
/// were made. The caller decides who may see them.
pub fn pending_organizers_of_activities() -> ChildQuery<activity_organizer::Entity> {
    ChildQuery::new(
        activity_organizer::Entity::find().filter(activity_organizer::Column::AcceptedAt.is_null()),
        ("activity_organizers", "activity_id"),
        SortOrder::by_id(
            "Activity.pendingOrganizers",
            ("activity_organizers", "id"),
            false,
        ),
    )
}

/// Each activity's participation counts. The caller has checked the activity
/// is visible.
pub fn participations_of_activities() -> ChildQuery<activity_participation::Entity> {
    ChildQuery::new(
        activity_participation::Entity::find(),
        ("activity_participations", "activity_id"),
        SortOrder::by_id(
            "Activity.participation",
            ("activity_participations", "id"),
            false,
        ),
    )
}

//! Joint activities: listing, lookup, participation counts and the lists
//! hanging off organizations, agreements and projects; and their lifecycle:
//! PLANNED → COMPLETED or CANCELLED, co-organizers who must accept being
//! listed, participation counts, linked documents.
//!
//! An organization is an organizer of an activity when it owns it (the lead
//! organizer) or holds an ACCEPTED row in `activity_organizers`; a pending
//! invitation grants neither visibility nor any right.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entities::{
    activity, activity_document, activity_organizer, activity_participation, agreement,
    agreement_party,
    enums::{
        ActivityKind, ActivityStatus, AgreementStatus, EventKind, ParticipantRole, Visibility,
    },
    organization, project,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, QueryTrait, Select, Set, TransactionSession,
    TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use serde_json::json;

use super::{
    DateRange,
    actor::Actor,
    audit::{self, Author, Change},
    check_version, column,
    error::{DomainError, DomainResult},
    events::{self, Event},
    inner_join,
    input::{check_list_len, fields},
    listing::{ChildQuery, OrderTerm, paginate},
    load_by_ids,
    pagination::{Page, PageArgs, PageLimits},
    policy::{Action, authorize, require_login},
    search_condition,
    text::searchable,
    visibility::visible_to,
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
    /// Case- and diacritics-insensitive text search.
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

/// Lists the activities `actor` may see, filtered and ordered.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    filter: &ActivityFilter,
    sort: ActivitySort,
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
    if let Some(search) = search_condition(activity::Column::SearchText, filter.search.as_deref()) {
        cond = cond.add(search);
    }
    let column = match sort {
        ActivitySort::StartDate => activity::Column::StartDate,
        ActivitySort::Title => activity::Column::Title,
        ActivitySort::CreatedAt => activity::Column::CreatedAt,
    };
    let order = [
        OrderTerm::new(column, descending),
        OrderTerm::new(activity::Column::Id, descending),
    ];
    paginate(db, visible(actor).filter(cond), &order, args, limits).await
}

/// The activities with these ids that `actor` may see.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    ids: &[i64],
) -> DomainResult<HashMap<i64, activity::Model>> {
    load_by_ids(db, visible(actor), activity::Column::Id, ids, |m| m.id).await
}

fn newest_first() -> Vec<OrderTerm> {
    vec![
        OrderTerm::desc(activity::Column::StartDate),
        OrderTerm::desc(activity::Column::Id),
    ]
}

/// Each organization's activities (as any accepted organizer), newest
/// first.
pub fn of_organizers(actor: &Actor) -> ChildQuery<activity::Entity> {
    let select = inner_join(
        visible(actor),
        "activity_organizers",
        column("activity_organizers", "activity_id")
            .equals((activity::Entity, activity::Column::Id)),
    )
    .filter(column("activity_organizers", "accepted_at").is_not_null());
    ChildQuery::new(
        select,
        ("activity_organizers", "organization_id"),
        newest_first(),
    )
}

/// Each agreement's implementing activities, newest first.
pub fn of_agreements(actor: &Actor) -> ChildQuery<activity::Entity> {
    ChildQuery::new(
        visible(actor),
        ("activities", "agreement_id"),
        newest_first(),
    )
}

/// Each project's activities, newest first.
pub fn of_projects(actor: &Actor) -> ChildQuery<activity::Entity> {
    ChildQuery::new(visible(actor), ("activities", "project_id"), newest_first())
}

/// Each activity's pending co-organizer invitations, in the order they
/// were made. The caller decides who may see them.
pub fn pending_organizers_of_activities() -> ChildQuery<activity_organizer::Entity> {
    ChildQuery::new(
        activity_organizer::Entity::find().filter(activity_organizer::Column::AcceptedAt.is_null()),
        ("activity_organizers", "activity_id"),
        vec![OrderTerm::asc(activity_organizer::Column::Id)],
    )
}

/// Each activity's participation counts. The caller has checked the activity
/// is visible.
pub fn participations_of_activities() -> ChildQuery<activity_participation::Entity> {
    ChildQuery::new(
        activity_participation::Entity::find(),
        ("activity_participations", "activity_id"),
        vec![OrderTerm::asc(activity_participation::Column::Id)],
    )
}

// ---------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------

/// A stored enum's name as users see it (`COMPLETED`).
fn name_of<E: ActiveEnum<Value = String>>(value: &E) -> String {
    value.to_value()
}

/// The user error for a transition the current state does not allow.
fn illegal(what: &str, status: ActivityStatus) -> DomainError {
    DomainError::conflict(
        "ILLEGAL_TRANSITION",
        format!("cannot {what}: the activity is {}", name_of(&status)),
    )
}

/// Checks an online link: an absolute http(s) URL with a host.
fn online_url(value: Option<&str>) -> DomainResult<Option<String>> {
    let Some(value) = fields::ONLINE_URL.optional(value)? else {
        return Ok(None);
    };
    match url::Url::parse(&value) {
        Ok(parsed)
            if matches!(parsed.scheme(), "http" | "https")
                && parsed.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            Ok(Some(value))
        }
        _ => Err(DomainError::invalid(
            "onlineUrl",
            "the online link must be an http:// or https:// address",
        )),
    }
}

/// Where and when: the part of an activity frozen once it is no longer
/// PLANNED.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Schedule {
    start_date: NaiveDate,
    end_date: NaiveDate,
    place: Option<String>,
    online_url: Option<String>,
}

impl Schedule {
    fn of(model: &activity::Model) -> Self {
        Self {
            start_date: model.start_date,
            end_date: model.end_date,
            place: model.place.clone(),
            online_url: model.online_url.clone(),
        }
    }

    fn check(&self) -> DomainResult<()> {
        if self.end_date < self.start_date {
            return Err(DomainError::invalid(
                "endDate",
                "the activity cannot end before it starts",
            ));
        }
        if self.place.is_none() && self.online_url.is_none() {
            return Err(DomainError::invalid(
                "place",
                "give a place, an online link, or both",
            ));
        }
        Ok(())
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "startDate": self.start_date,
            "endDate": self.end_date,
            "place": self.place,
            "onlineUrl": self.online_url,
        })
    }
}

/// Refuses an agreement the owner is not a party to, or one that is not
/// ACTIVE or PROPOSED.
async fn check_agreement<C: ConnectionTrait>(
    db: &C,
    owner: i64,
    agreement_id: i64,
) -> DomainResult<()> {
    let party = agreement_party::Entity::find()
        .filter(agreement_party::Column::AgreementId.eq(agreement_id))
        .filter(agreement_party::Column::OrganizationId.eq(owner))
        .count(db)
        .await?
        > 0;
    let found = agreement::Entity::find_by_id(agreement_id).one(db).await?;
    let Some(found) = found.filter(|_| party) else {
        return Err(DomainError::invalid(
            "agreementId",
            "the lead organizer is not a party to this agreement",
        ));
    };
    if !matches!(
        found.status,
        AgreementStatus::Active | AgreementStatus::Proposed
    ) {
        return Err(DomainError::invalid(
            "agreementId",
            format!(
                "the agreement is {}; an activity can implement only an ACTIVE or PROPOSED agreement",
                name_of(&found.status)
            ),
        ));
    }
    Ok(())
}

/// Refuses a project that is not the owner's.
async fn check_project<C: ConnectionTrait>(
    db: &C,
    owner: i64,
    project_id: i64,
) -> DomainResult<()> {
    let owned = project::Entity::find_by_id(project_id)
        .filter(project::Column::OwnerId.eq(owner))
        .count(db)
        .await?
        > 0;
    if !owned {
        return Err(DomainError::invalid(
            "projectId",
            "the project is not one of the lead organizer's",
        ));
    }
    Ok(())
}

/// Refuses an organization that does not exist.
async fn check_organization<C: ConnectionTrait>(db: &C, id: i64) -> DomainResult<()> {
    if organization::Entity::find_by_id(id).count(db).await? == 0 {
        return Err(DomainError::invalid(
            "organizationId",
            "there is no such organization",
        ));
    }
    Ok(())
}

/// Takes a write lock on an activity's row (PostgreSQL row lock; SQLite's
/// single writer), then reads it if `actor` may see it.
async fn lock_visible<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
) -> DomainResult<activity::Model> {
    lock(db, id).await?;
    visible(actor)
        .filter(activity::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { entity: "Activity" })
}

/// Takes a write lock on an activity's row and reads it, whoever asks.
async fn lock<C: ConnectionTrait>(db: &C, id: i64) -> DomainResult<activity::Model> {
    super::lock_row::<activity::Entity, _>(
        db,
        activity::Column::Id,
        activity::Column::Version,
        id,
        "Activity",
    )
    .await?;
    activity::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { entity: "Activity" })
}

/// The organizations that organize the activity: its owner and the
/// co-organizers that accepted.
async fn organizers<C: ConnectionTrait>(
    db: &C,
    activity: &activity::Model,
) -> DomainResult<Vec<i64>> {
    let mut orgs: Vec<i64> = activity_organizer::Entity::find()
        .select_only()
        .column(activity_organizer::Column::OrganizationId)
        .filter(activity_organizer::Column::ActivityId.eq(activity.id))
        .filter(activity_organizer::Column::AcceptedAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    if !orgs.contains(&activity.owner_id) {
        orgs.insert(0, activity.owner_id);
    }
    Ok(orgs)
}

/// Allows EDITORs of any organizer; otherwise the refusal for the owner.
async fn authorize_organizer<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    activity: &activity::Model,
) -> DomainResult<()> {
    let orgs = organizers(db, activity).await?;
    if orgs
        .iter()
        .any(|org| authorize(actor, Action::ManageActivities, *org).is_ok())
    {
        return Ok(());
    }
    Ok(authorize(
        actor,
        Action::ManageActivities,
        activity.owner_id,
    )?)
}

/// Bumps an activity's version for a change of its parts (organizers,
/// participation, documents) and returns it as now stored.
async fn touch<C: ConnectionTrait>(
    db: &C,
    activity: activity::Model,
    now: DateTime<Utc>,
) -> DomainResult<activity::Model> {
    let version = activity.version + 1;
    let mut active: activity::ActiveModel = activity.into();
    active.version = Set(version);
    active.updated_at = Set(now);
    Ok(active.update(db).await?)
}

fn search_text(title: &str, description: &str, place: Option<&str>) -> String {
    searchable(&[title, description, place.unwrap_or_default()])
}

/// What a new activity says.
#[derive(Debug, Clone)]
pub struct NewActivity {
    /// The lead organizer, which owns the record.
    pub owner_id: i64,
    /// Title.
    pub title: String,
    /// What sort of activity.
    pub kind: ActivityKind,
    /// Description.
    pub description: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day (not before the first).
    pub end_date: NaiveDate,
    /// Where it takes place.
    pub place: Option<String>,
    /// Link for online participation (http or https).
    pub online_url: Option<String>,
    /// Who may see it.
    pub visibility: Visibility,
    /// The agreement it implements: one the owner is a party to, ACTIVE or
    /// PROPOSED.
    pub agreement_id: Option<i64>,
    /// The owner's funded project it belongs to.
    pub project_id: Option<i64>,
}

/// Plans an activity (EDITOR of the lead organizer): it starts PLANNED,
/// with the owner as its first organizer.
pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    new: NewActivity,
    now: DateTime<Utc>,
) -> DomainResult<activity::Model> {
    authorize(actor, Action::ManageActivities, new.owner_id)?;
    let title = fields::ACTIVITY_TITLE.required(&new.title)?;
    let description = fields::ACTIVITY_DESCRIPTION.clean(&new.description)?;
    let schedule = Schedule {
        start_date: new.start_date,
        end_date: new.end_date,
        place: fields::PLACE.optional(new.place.as_deref())?,
        online_url: online_url(new.online_url.as_deref())?,
    };
    schedule.check()?;
    let txn = db.begin().await?;
    if let Some(agreement) = new.agreement_id {
        check_agreement(&txn, new.owner_id, agreement).await?;
    }
    if let Some(project) = new.project_id {
        check_project(&txn, new.owner_id, project).await?;
    }
    let created = activity::ActiveModel {
        owner_id: Set(new.owner_id),
        agreement_id: Set(new.agreement_id),
        project_id: Set(new.project_id),
        search_text: Set(search_text(&title, &description, schedule.place.as_deref())),
        title: Set(title),
        kind: Set(new.kind),
        status: Set(ActivityStatus::Planned),
        description: Set(description),
        start_date: Set(schedule.start_date),
        end_date: Set(schedule.end_date),
        place: Set(schedule.place.clone()),
        online_url: Set(schedule.online_url.clone()),
        certificates_issued: Set(0),
        outcomes: Set(None),
        cancellation_reason: Set(None),
        visibility: Set(new.visibility),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    activity_organizer::ActiveModel {
        activity_id: Set(created.id),
        organization_id: Set(created.owner_id),
        accepted_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(created.owner_id),
            "activity.create",
            "Activity",
            created.id,
            None::<&()>,
            Some(&created),
        ),
        now,
    )
    .await?;
    events::record(
        &txn,
        Event {
            kind: EventKind::ActivityScheduled,
            organization_id: Some(created.owner_id),
            entity: "Activity",
            entity_id: created.id,
            actor_user_id: actor.user_id(),
            payload: json!({
                "title": created.title,
                "kind": created.kind,
                "schedule": schedule.json(),
            }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes to an activity; `None` leaves a field as it is, `Some(None)`
/// clears a nullable one.
#[derive(Debug, Clone, Default)]
pub struct ActivityChanges {
    /// Title.
    pub title: Option<String>,
    /// What sort of activity.
    pub kind: Option<ActivityKind>,
    /// Description.
    pub description: Option<String>,
    /// First day (PLANNED only).
    pub start_date: Option<NaiveDate>,
    /// Last day (PLANNED only).
    pub end_date: Option<NaiveDate>,
    /// Where it takes place (PLANNED only).
    pub place: Option<Option<String>>,
    /// Link for online participation (PLANNED only).
    pub online_url: Option<Option<String>>,
    /// Who may see it.
    pub visibility: Option<Visibility>,
    /// The agreement it implements.
    pub agreement_id: Option<Option<i64>>,
    /// The owner's project it belongs to.
    pub project_id: Option<Option<i64>>,
    /// What came of it (COMPLETED only).
    pub outcomes: Option<Option<String>>,
    /// Certificates issued (COMPLETED only).
    pub certificates_issued: Option<i32>,
}

/// Edits an activity (EDITOR of the lead organizer); `version` is the one
/// last read. Dates, place and link change only while it is PLANNED;
/// outcomes and certificates only once it is COMPLETED.
pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    version: i32,
    changes: ActivityChanges,
    now: DateTime<Utc>,
) -> DomainResult<activity::Model> {
    require_login(actor)?;
    let txn = db.begin().await?;
    let current = lock_visible(&txn, actor, id).await?;
    authorize(actor, Action::ManageActivities, current.owner_id)?;
    check_version("activity", version, current.version)?;

    let old_schedule = Schedule::of(&current);
    let schedule = Schedule {
        start_date: changes.start_date.unwrap_or(current.start_date),
        end_date: changes.end_date.unwrap_or(current.end_date),
        place: match &changes.place {
            Some(place) => fields::PLACE.optional(place.as_deref())?,
            None => current.place.clone(),
        },
        online_url: match &changes.online_url {
            Some(url) => online_url(url.as_deref())?,
            None => current.online_url.clone(),
        },
    };
    let rescheduled = schedule != old_schedule;
    if rescheduled && current.status != ActivityStatus::Planned {
        return Err(illegal("change the dates or place", current.status));
    }
    schedule.check()?;
    let outcomes = match &changes.outcomes {
        Some(outcomes) => fields::OUTCOMES.optional(outcomes.as_deref())?,
        None => current.outcomes.clone(),
    };
    let certificates = changes
        .certificates_issued
        .unwrap_or(current.certificates_issued);
    if (outcomes != current.outcomes || certificates != current.certificates_issued)
        && current.status != ActivityStatus::Completed
    {
        return Err(illegal("record outcomes or certificates", current.status));
    }
    if certificates < 0 {
        return Err(DomainError::invalid(
            "certificatesIssued",
            "`certificatesIssued` cannot be negative",
        ));
    }
    let title = match &changes.title {
        Some(title) => fields::ACTIVITY_TITLE.required(title)?,
        None => current.title.clone(),
    };
    let description = match &changes.description {
        Some(description) => fields::ACTIVITY_DESCRIPTION.clean(description)?,
        None => current.description.clone(),
    };
    let agreement_id = changes.agreement_id.unwrap_or(current.agreement_id);
    if agreement_id != current.agreement_id
        && let Some(agreement) = agreement_id
    {
        check_agreement(&txn, current.owner_id, agreement).await?;
    }
    let project_id = changes.project_id.unwrap_or(current.project_id);
    if project_id != current.project_id
        && let Some(project) = project_id
    {
        check_project(&txn, current.owner_id, project).await?;
    }

    let before = current.clone();
    let mut active: activity::ActiveModel = current.into();
    active.search_text = Set(search_text(&title, &description, schedule.place.as_deref()));
    active.title = Set(title);
    active.description = Set(description);
    if let Some(kind) = changes.kind {
        active.kind = Set(kind);
    }
    if let Some(visibility) = changes.visibility {
        active.visibility = Set(visibility);
    }
    active.start_date = Set(schedule.start_date);
    active.end_date = Set(schedule.end_date);
    active.place = Set(schedule.place.clone());
    active.online_url = Set(schedule.online_url.clone());
    active.outcomes = Set(outcomes);
    active.certificates_issued = Set(certificates);
    active.agreement_id = Set(agreement_id);
    active.project_id = Set(project_id);
    active.version = Set(before.version + 1);
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(updated.owner_id),
            "activity.update",
            "Activity",
            updated.id,
            Some(&before),
            Some(&updated),
        ),
        now,
    )
    .await?;
    if rescheduled {
        events::record(
            &txn,
            Event {
                kind: EventKind::ActivityChanged,
                organization_id: Some(updated.owner_id),
                entity: "Activity",
                entity_id: updated.id,
                actor_user_id: actor.user_id(),
                payload: json!({
                    "title": updated.title,
                    "before": old_schedule.json(),
                    "after": schedule.json(),
                }),
            },
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(updated)
}

/// Cancels a PLANNED activity (EDITOR of the lead organizer), with an
/// optional reason.
pub async fn cancel<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    version: i32,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<activity::Model> {
    require_login(actor)?;
    let reason = fields::CANCELLATION_REASON.optional(reason)?;
    let txn = db.begin().await?;
    let current = lock_visible(&txn, actor, id).await?;
    authorize(actor, Action::ManageActivities, current.owner_id)?;
    check_version("activity", version, current.version)?;
    if current.status != ActivityStatus::Planned {
        return Err(illegal("cancel", current.status));
    }
    let before = current.clone();
    let mut active: activity::ActiveModel = current.into();
    active.status = Set(ActivityStatus::Cancelled);
    active.cancellation_reason = Set(reason.clone());
    active.version = Set(before.version + 1);
    active.updated_at = Set(now);
    let cancelled = active.update(&txn).await?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(cancelled.owner_id),
            "activity.cancel",
            "Activity",
            cancelled.id,
            Some(&before),
            Some(&cancelled),
        ),
        now,
    )
    .await?;
    events::record(
        &txn,
        Event {
            kind: EventKind::ActivityCancelled,
            organization_id: Some(cancelled.owner_id),
            entity: "Activity",
            entity_id: cancelled.id,
            actor_user_id: actor.user_id(),
            payload: json!({ "title": cancelled.title, "reason": reason }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(cancelled)
}

/// How many people of one organization took part in one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParticipationCount {
    /// Where the participants come from.
    pub organization_id: i64,
    /// The role they took part in.
    pub role: ParticipantRole,
    /// How many (0 removes the row).
    pub count: i32,
}

/// Sets one participation count: inserts, changes, or (for 0) deletes the
/// row; returns the previous count.
async fn put_participation<C: ConnectionTrait>(
    db: &C,
    activity_id: i64,
    count: ParticipationCount,
) -> DomainResult<i32> {
    if count.count < 0 {
        return Err(DomainError::invalid("count", "`count` cannot be negative"));
    }
    check_organization(db, count.organization_id).await?;
    let existing = activity_participation::Entity::find()
        .filter(activity_participation::Column::ActivityId.eq(activity_id))
        .filter(activity_participation::Column::OrganizationId.eq(count.organization_id))
        .filter(activity_participation::Column::Role.eq(count.role))
        .one(db)
        .await?;
    let previous = existing.as_ref().map_or(0, |row| row.count);
    match (existing, count.count) {
        (Some(row), 0) => {
            activity_participation::Entity::delete_by_id(row.id)
                .exec(db)
                .await?;
        }
        (Some(row), n) => {
            let mut active: activity_participation::ActiveModel = row.into();
            active.count = Set(n);
            active.update(db).await?;
        }
        (None, 0) => {}
        (None, n) => {
            activity_participation::ActiveModel {
                activity_id: Set(activity_id),
                organization_id: Set(count.organization_id),
                role: Set(count.role),
                count: Set(n),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(previous)
}

/// What completing an activity records.
#[derive(Debug, Clone, Default)]
pub struct Completion {
    /// What came of it (required).
    pub outcomes: String,
    /// Certificates or diplomas issued (at least 0).
    pub certificates_issued: i32,
    /// Participation counts to record at the same time.
    pub participation: Vec<ParticipationCount>,
}

/// Records that a PLANNED activity took place (EDITOR of the lead
/// organizer): outcomes, certificates and, optionally, participation.
pub async fn complete<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    version: i32,
    completion: Completion,
    now: DateTime<Utc>,
) -> DomainResult<activity::Model> {
    require_login(actor)?;
    let outcomes = fields::OUTCOMES.required(&completion.outcomes)?;
    check_list_len("participation", completion.participation.len())?;
    if completion.certificates_issued < 0 {
        return Err(DomainError::invalid(
            "certificatesIssued",
            "`certificatesIssued` cannot be negative",
        ));
    }
    let txn = db.begin().await?;
    let current = lock_visible(&txn, actor, id).await?;
    authorize(actor, Action::ManageActivities, current.owner_id)?;
    check_version("activity", version, current.version)?;
    if current.status != ActivityStatus::Planned {
        return Err(illegal("complete", current.status));
    }
    if current.start_date > now.date_naive() {
        return Err(DomainError::invalid(
            "activityId",
            format!(
                "the activity starts on {}; it can be completed once it has started",
                current.start_date
            ),
        ));
    }
    for count in &completion.participation {
        put_participation(&txn, current.id, *count).await?;
    }
    let before = current.clone();
    let mut active: activity::ActiveModel = current.into();
    active.status = Set(ActivityStatus::Completed);
    active.outcomes = Set(Some(outcomes));
    active.certificates_issued = Set(completion.certificates_issued);
    active.version = Set(before.version + 1);
    active.updated_at = Set(now);
    let completed = active.update(&txn).await?;
    let participants: Option<i64> = activity_participation::Entity::find()
        .select_only()
        .column_as(
            Expr::col(activity_participation::Column::Count).sum(),
            "total",
        )
        .filter(activity_participation::Column::ActivityId.eq(completed.id))
        .filter(activity_participation::Column::Role.ne(ParticipantRole::Trainer))
        .into_tuple::<Option<i64>>()
        .one(&txn)
        .await?
        .flatten();
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(completed.owner_id),
            "activity.complete",
            "Activity",
            completed.id,
            Some(&before),
            Some(&completed),
        ),
        now,
    )
    .await?;
    events::record(
        &txn,
        Event {
            kind: EventKind::ActivityCompleted,
            organization_id: Some(completed.owner_id),
            entity: "Activity",
            entity_id: completed.id,
            actor_user_id: actor.user_id(),
            payload: json!({
                "title": completed.title,
                "certificatesIssued": completed.certificates_issued,
                "participants": participants.unwrap_or(0),
            }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(completed)
}

/// Records how many people of an organization took part in a role (EDITOR
/// of any organizer); 0 removes the count. Not for CANCELLED activities.
pub async fn set_participation<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    count: ParticipationCount,
    now: DateTime<Utc>,
) -> DomainResult<activity::Model> {
    require_login(actor)?;
    let txn = db.begin().await?;
    let current = lock_visible(&txn, actor, id).await?;
    authorize_organizer(&txn, actor, &current).await?;
    if current.status == ActivityStatus::Cancelled {
        return Err(illegal("record participation", current.status));
    }
    let previous = put_participation(&txn, current.id, count).await?;
    let updated = touch(&txn, current, now).await?;
    let entry =
        |n: i32| json!({ "organizationId": count.organization_id, "role": count.role, "count": n });
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(updated.owner_id),
            "activity.set_participation",
            "Activity",
            updated.id,
            Some(&entry(previous)),
            Some(&entry(count.count)),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Invites an organization to co-organize (EDITOR of the lead organizer).
/// It is listed, and its members see the activity as organizers, only once
/// an EDITOR of it accepts.
pub async fn invite_co_organizer<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    organization_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<activity::Model> {
    require_login(actor)?;
    let txn = db.begin().await?;
    let current = lock_visible(&txn, actor, id).await?;
    authorize(actor, Action::ManageActivities, current.owner_id)?;
    if current.status == ActivityStatus::Cancelled {
        return Err(illegal("invite a co-organizer", current.status));
    }
    if organization_id == current.owner_id {
        return Err(DomainError::invalid(
            "organizationId",
            "the lead organizer already organizes the activity",
        ));
    }
    check_organization(&txn, organization_id).await?;
    let existing = activity_organizer::Entity::find()
        .filter(activity_organizer::Column::ActivityId.eq(current.id))
        .filter(activity_organizer::Column::OrganizationId.eq(organization_id))
        .one(&txn)
        .await?;
    if let Some(existing) = existing {
        return Err(DomainError::conflict(
            "ALREADY_ORGANIZER",
            if existing.accepted_at.is_some() {
                "the organization already co-organizes the activity"
            } else {
                "the organization was already invited and has not answered yet"
            },
        ));
    }
    let invited = activity_organizer::ActiveModel {
        activity_id: Set(current.id),
        organization_id: Set(organization_id),
        accepted_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let updated = touch(&txn, current, now).await?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(updated.owner_id),
            "activity.invite_co_organizer",
            "ActivityOrganizer",
            invited.id,
            None::<&()>,
            Some(&invited),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// The invited organization's row, locked with its activity; NotFound when
/// there is no invitation (so nothing is revealed to others).
async fn invitation<C: ConnectionTrait>(
    db: &C,
    id: i64,
    organization_id: i64,
) -> DomainResult<(activity::Model, activity_organizer::Model)> {
    let current = lock(db, id).await?;
    let row = activity_organizer::Entity::find()
        .filter(activity_organizer::Column::ActivityId.eq(id))
        .filter(activity_organizer::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .filter(|_| organization_id != current.owner_id)
        .ok_or(DomainError::NotFound { entity: "Activity" })?;
    Ok((current, row))
}

/// The activity if `actor` may see it now.
async fn if_visible<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
) -> DomainResult<Option<activity::Model>> {
    Ok(visible(actor)
        .filter(activity::Column::Id.eq(id))
        .one(db)
        .await?)
}

/// Accepts being listed as a co-organizer (EDITOR of the invited
/// organization). From then on the organization's members see the activity
/// as organizers do.
pub async fn accept_co_organizing<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    organization_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<Option<activity::Model>> {
    authorize(actor, Action::ManageActivities, organization_id)?;
    let txn = db.begin().await?;
    let (current, row) = invitation(&txn, id, organization_id).await?;
    if row.accepted_at.is_some() {
        return Err(DomainError::conflict(
            "ILLEGAL_TRANSITION",
            "cannot accept: the invitation is already ACCEPTED",
        ));
    }
    let before = row.clone();
    let mut active: activity_organizer::ActiveModel = row.into();
    active.accepted_at = Set(Some(now));
    let accepted = active.update(&txn).await?;
    let updated = touch(&txn, current, now).await?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(organization_id),
            "activity.accept_co_organizing",
            "ActivityOrganizer",
            accepted.id,
            Some(&before),
            Some(&accepted),
        ),
        now,
    )
    .await?;
    let visible_now = if_visible(&txn, actor, updated.id).await?;
    txn.commit().await?;
    Ok(visible_now)
}

/// Declines an invitation to co-organize, or stops co-organizing (EDITOR
/// of that organization): the organization is no longer listed.
pub async fn decline_co_organizing<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    organization_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<Option<activity::Model>> {
    authorize(actor, Action::ManageActivities, organization_id)?;
    let txn = db.begin().await?;
    let (current, row) = invitation(&txn, id, organization_id).await?;
    activity_organizer::Entity::delete_by_id(row.id)
        .exec(&txn)
        .await?;
    let updated = touch(&txn, current, now).await?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(organization_id),
            "activity.decline_co_organizing",
            "ActivityOrganizer",
            row.id,
            Some(&row),
            None::<&()>,
        ),
        now,
    )
    .await?;
    let visible_now = if_visible(&txn, actor, updated.id).await?;
    txn.commit().await?;
    Ok(visible_now)
}

/// Links a document the actor may see to an activity (EDITOR of any
/// organizer). Linking it again changes nothing.
pub async fn link_document<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    document_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<activity::Model> {
    require_login(actor)?;
    let txn = db.begin().await?;
    let current = lock_visible(&txn, actor, id).await?;
    authorize_organizer(&txn, actor, &current).await?;
    let document = super::documents::visible(actor)
        .filter(entities::document::Column::Id.eq(document_id))
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound { entity: "Document" })?;
    let linked = activity_document::Entity::find_by_id((current.id, document.id))
        .one(&txn)
        .await?;
    if linked.is_some() {
        return Ok(current);
    }
    let link = activity_document::ActiveModel {
        activity_id: Set(current.id),
        document_id: Set(document.id),
    }
    .insert(&txn)
    .await?;
    let updated = touch(&txn, current, now).await?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(updated.owner_id),
            "activity.link_document",
            "Activity",
            updated.id,
            None::<&()>,
            Some(&link),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Removes a document from an activity (EDITOR of any organizer).
/// Removing one that is not linked changes nothing.
pub async fn unlink_document<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    document_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<activity::Model> {
    require_login(actor)?;
    let txn = db.begin().await?;
    let current = lock_visible(&txn, actor, id).await?;
    authorize_organizer(&txn, actor, &current).await?;
    let Some(link) = activity_document::Entity::find_by_id((current.id, document_id))
        .one(&txn)
        .await?
    else {
        return Ok(current);
    };
    activity_document::Entity::delete_by_id((current.id, document_id))
        .exec(&txn)
        .await?;
    let updated = touch(&txn, current, now).await?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(updated.owner_id),
            "activity.unlink_document",
            "Activity",
            updated.id,
            Some(&link),
            None::<&()>,
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

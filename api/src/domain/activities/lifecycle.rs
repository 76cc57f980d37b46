//! An activity's own lifecycle: planning it, editing it, cancelling it
//! while PLANNED and recording that it took place (COMPLETED). Each change
//! bumps `version`, notes an audit entry and, where organizers should hear
//! of it, an event.

use chrono::{DateTime, NaiveDate, Utc};
use entities::{
    activity, activity_organizer, activity_participation,
    enums::{ActivityKind, ActivityStatus, EventKind, ParticipantRole, Visibility},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use serde_json::json;

use super::{
    ParticipationCount, audit_change, event, illegal, lock_visible, open,
    participation::put_participation,
    rules::{
        Schedule, check_agreement, check_certificates, check_project, online_url, search_text,
    },
};
use crate::domain::{
    actor::Actor,
    audit::Author,
    check_version,
    error::{DomainError, DomainResult},
    input::{check_list_len, fields},
    policy::{Action, authorize, require_login},
    write::Write,
};

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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
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
    audit_change(
        &mut txn,
        "activity.create",
        &created,
        None::<&()>,
        Some(&created),
    );
    event(
        &mut txn,
        EventKind::ActivityScheduled,
        &created,
        json!({
            "title": created.title,
            "kind": created.kind,
            "schedule": schedule.json(),
        }),
    );
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
    let (mut txn, current) = open(db, actor, id, now).await?;
    txn.authorize(Action::ManageActivities, current.owner_id)?;
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
    check_certificates(certificates)?;
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
    audit_change(
        &mut txn,
        "activity.update",
        &updated,
        Some(&before),
        Some(&updated),
    );
    if rescheduled {
        event(
            &mut txn,
            EventKind::ActivityChanged,
            &updated,
            json!({
                "title": updated.title,
                "before": old_schedule.json(),
                "after": schedule.json(),
            }),
        );
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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let current = lock_visible(&txn, actor, id).await?;
    txn.authorize(Action::ManageActivities, current.owner_id)?;
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
    audit_change(
        &mut txn,
        "activity.cancel",
        &cancelled,
        Some(&before),
        Some(&cancelled),
    );
    event(
        &mut txn,
        EventKind::ActivityCancelled,
        &cancelled,
        json!({ "title": cancelled.title, "reason": reason }),
    );
    txn.commit().await?;
    Ok(cancelled)
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
    check_certificates(completion.certificates_issued)?;
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let current = lock_visible(&txn, actor, id).await?;
    txn.authorize(Action::ManageActivities, current.owner_id)?;
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
    audit_change(
        &mut txn,
        "activity.complete",
        &completed,
        Some(&before),
        Some(&completed),
    );
    event(
        &mut txn,
        EventKind::ActivityCompleted,
        &completed,
        json!({
            "title": completed.title,
            "certificatesIssued": completed.certificates_issued,
            "participants": participants.unwrap_or(0),
        }),
    );
    txn.commit().await?;
    Ok(completed)
}

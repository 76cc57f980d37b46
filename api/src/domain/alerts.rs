//! Who gets which e-mail alert, and how (their preferences).
//!
//! The rules, written as pure functions over loaded facts (unit-tested
//! below), then applied by [`alert_for_event`] and [`expiring_alerts`]:
//!
//! - AGREEMENT_PROPOSED: the ADMINs and OWNERs of every invited party, not
//!   of the initiator (who sent it).
//! - AGREEMENT_ACTIVATED, AGREEMENT_TERMINATED, AGREEMENT_EXPIRING (30 and
//!   7 days before the end date of an ACTIVE agreement): the ADMINs and
//!   OWNERs of every party.
//! - DOCUMENT_PUBLISHED: every member of the owner, and, unless the
//!   document is PRIVATE, every member of the owner's partners (the
//!   organizations sharing an ACTIVE agreement with it). A PUBLIC document
//!   is not mailed to the whole platform: strangers have no relation to the
//!   owner, and a preference can always turn the kind OFF.
//! - ACTIVITY_SCHEDULED, ACTIVITY_CHANGED, ACTIVITY_CANCELLED: every member
//!   of the organizers (and of the owner).
//! - MEMBER_INVITED: the invited address (no user exists yet).
//!
//! The person who caused an event is never alerted of it. Every user
//! recipient is checked once more with [`visibility::can_see`] against the
//! record, so nobody learns of a record they may not see. Other event kinds
//! (signed, declined, withdrawn, expired, new version, completed) send no
//! mail today.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use entities::{
    activity, activity_organizer, agreement, agreement_party, document, domain_event,
    enums::{AgreementStatus, AlertKind, Delivery, EventKind, MemberRole, Visibility},
    invitation, membership, notification_preference, organization, user,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionSession,
    TransactionTrait, sea_query::OnConflict,
};

use super::{
    accounts,
    actor::Actor,
    audit::{self, Author, Change},
    error::{DomainError, DomainResult},
    visibility,
};

/// The alert kinds a user can set a preference for, in display order.
pub const PREFERENCE_KINDS: [AlertKind; 8] = [
    AlertKind::AgreementProposed,
    AlertKind::AgreementActivated,
    AlertKind::AgreementTerminated,
    AlertKind::AgreementExpiring,
    AlertKind::DocumentPublished,
    AlertKind::ActivityScheduled,
    AlertKind::ActivityChanged,
    AlertKind::ActivityCancelled,
];

/// The delivery when a user has not chosen one.
pub const DEFAULT_DELIVERY: Delivery = Delivery::Immediate;

/// Days before an agreement's end date at which its parties are reminded.
pub const EXPIRY_REMINDERS: [i64; 2] = [30, 7];

/// The alert a domain event causes, if any.
pub fn alert_kind(event: EventKind) -> Option<AlertKind> {
    match event {
        EventKind::AgreementProposed => Some(AlertKind::AgreementProposed),
        EventKind::AgreementActivated => Some(AlertKind::AgreementActivated),
        EventKind::AgreementTerminated => Some(AlertKind::AgreementTerminated),
        EventKind::DocumentPublished => Some(AlertKind::DocumentPublished),
        EventKind::ActivityScheduled => Some(AlertKind::ActivityScheduled),
        EventKind::ActivityChanged => Some(AlertKind::ActivityChanged),
        EventKind::ActivityCancelled => Some(AlertKind::ActivityCancelled),
        EventKind::MemberInvited => Some(AlertKind::MemberInvited),
        EventKind::AgreementSigned
        | EventKind::AgreementDeclined
        | EventKind::AgreementWithdrawn
        | EventKind::AgreementExpired
        | EventKind::DocumentVersionAdded
        | EventKind::ActivityCompleted => None,
    }
}

/// The record an alert is about, with the facts the rules need.
#[derive(Debug, Clone)]
pub enum Record {
    /// An agreement and its parties' organization ids.
    Agreement {
        /// The agreement.
        agreement: agreement::Model,
        /// Its parties.
        parties: Vec<i64>,
    },
    /// A document and its owner's partners.
    Document {
        /// The document.
        document: document::Model,
        /// Organizations sharing an ACTIVE agreement with the owner.
        owner_partners: Vec<i64>,
    },
    /// An activity and its organizers.
    Activity {
        /// The activity.
        activity: activity::Model,
        /// Its organizers (the owner included).
        organizers: Vec<i64>,
    },
    /// An invitation to an address.
    Invitation {
        /// The invitation.
        invitation: invitation::Model,
    },
}

impl Record {
    /// Who may see the record: its visibility and its owners.
    pub fn visibility(&self) -> (Visibility, Vec<i64>) {
        match self {
            Self::Agreement { agreement, parties } => (agreement.visibility, parties.clone()),
            Self::Document { document, .. } => (document.visibility, vec![document.owner_id]),
            Self::Activity {
                activity,
                organizers,
            } => (activity.visibility, organizers.clone()),
            Self::Invitation { invitation } => {
                (Visibility::Private, vec![invitation.organization_id])
            }
        }
    }

    /// The organizations an alert about it names (for the templates).
    pub fn organizations(&self) -> Vec<i64> {
        match self {
            Self::Agreement { parties, .. } => parties.clone(),
            Self::Document { document, .. } => vec![document.owner_id],
            Self::Activity { organizers, .. } => organizers.clone(),
            Self::Invitation { invitation } => vec![invitation.organization_id],
        }
    }
}

/// Who, by rule, hears of an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// The ADMINs and OWNERs of these organizations.
    AdminsOf(Vec<i64>),
    /// Every member of these organizations.
    MembersOf(Vec<i64>),
    /// One e-mail address (an invitation).
    Address(String),
    /// Nobody.
    Nobody,
}

/// The rule: who hears of `kind` about `record`.
pub fn audience(kind: AlertKind, record: &Record) -> Audience {
    match (kind, record) {
        (AlertKind::AgreementProposed, Record::Agreement { agreement, parties }) => {
            Audience::AdminsOf(
                parties
                    .iter()
                    .copied()
                    .filter(|p| *p != agreement.initiator_id)
                    .collect(),
            )
        }
        (
            AlertKind::AgreementActivated
            | AlertKind::AgreementTerminated
            | AlertKind::AgreementExpiring,
            Record::Agreement { parties, .. },
        ) => Audience::AdminsOf(parties.clone()),
        (
            AlertKind::DocumentPublished,
            Record::Document {
                document,
                owner_partners,
            },
        ) => {
            let mut orgs = vec![document.owner_id];
            if document.visibility != Visibility::Private {
                orgs.extend(owner_partners.iter().copied());
            }
            Audience::MembersOf(orgs)
        }
        (
            AlertKind::ActivityScheduled
            | AlertKind::ActivityChanged
            | AlertKind::ActivityCancelled,
            Record::Activity { organizers, .. },
        ) => Audience::MembersOf(organizers.clone()),
        (AlertKind::MemberInvited, Record::Invitation { invitation }) => {
            Audience::Address(invitation.email.clone())
        }
        _ => Audience::Nobody,
    }
}

/// The users the audience names among `members` (user, organization,
/// role), without `actor` (who caused the event), each once, in id order.
pub fn pick(
    audience: &Audience,
    members: &[(i64, i64, MemberRole)],
    actor: Option<i64>,
) -> Vec<i64> {
    let (orgs, admins_only) = match audience {
        Audience::AdminsOf(orgs) => (orgs, true),
        Audience::MembersOf(orgs) => (orgs, false),
        Audience::Address(_) | Audience::Nobody => return Vec::new(),
    };
    members
        .iter()
        .filter(|(_, org, _)| orgs.contains(org))
        .filter(|(_, _, role)| {
            !admins_only || matches!(role, MemberRole::Admin | MemberRole::Owner)
        })
        .map(|(user, _, _)| *user)
        .filter(|user| Some(*user) != actor)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Which reminder (30 or 7 days) is due for an agreement ending on
/// `end_date`, seen on `today`: the smallest threshold not yet passed.
/// Nothing once the end date is past, or more than 30 days away.
pub fn expiry_reminder(today: NaiveDate, end_date: NaiveDate) -> Option<i64> {
    let days_left = (end_date - today).num_days();
    if days_left < 0 {
        return None;
    }
    EXPIRY_REMINDERS
        .iter()
        .copied()
        .filter(|threshold| days_left <= *threshold)
        .min()
}

/// One alert resolved to its recipients.
#[derive(Debug, Clone)]
pub struct Alert {
    /// What it is about.
    pub kind: AlertKind,
    /// The record, loaded.
    pub record: Record,
    /// The organizations named in it, by id (names for the templates).
    pub organizations: HashMap<i64, organization::Model>,
    /// The users to alert, with how each wants it (never OFF).
    pub users: Vec<(user::Model, Delivery)>,
    /// An address to alert that belongs to no user yet (invitations).
    pub address: Option<String>,
}

/// Loads the record an event is about; `None` if it no longer exists or
/// the event is about something alerts do not cover.
pub async fn load_record<C: ConnectionTrait>(
    db: &C,
    entity: &str,
    entity_id: i64,
) -> DomainResult<Option<Record>> {
    Ok(match entity {
        "Agreement" => match agreement::Entity::find_by_id(entity_id).one(db).await? {
            Some(agreement) => {
                let parties = agreement_party::Entity::find()
                    .filter(agreement_party::Column::AgreementId.eq(entity_id))
                    .order_by_asc(agreement_party::Column::Id)
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|p| p.organization_id)
                    .collect();
                Some(Record::Agreement { agreement, parties })
            }
            None => None,
        },
        "Document" => match document::Entity::find_by_id(entity_id).one(db).await? {
            Some(document) => {
                let owner_partners = accounts::partners_of(db, &[document.owner_id]).await?;
                Some(Record::Document {
                    document,
                    owner_partners,
                })
            }
            None => None,
        },
        "Activity" => match activity::Entity::find_by_id(entity_id).one(db).await? {
            Some(activity) => {
                let mut organizers: Vec<i64> = activity_organizer::Entity::find()
                    .filter(activity_organizer::Column::ActivityId.eq(entity_id))
                    .order_by_asc(activity_organizer::Column::Id)
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|o| o.organization_id)
                    .collect();
                if !organizers.contains(&activity.owner_id) {
                    organizers.insert(0, activity.owner_id);
                }
                Some(Record::Activity {
                    activity,
                    organizers,
                })
            }
            None => None,
        },
        "Invitation" => invitation::Entity::find_by_id(entity_id)
            .one(db)
            .await?
            .map(|invitation| Record::Invitation { invitation }),
        _ => None,
    })
}

/// Resolves `kind` about `record` to its recipients: the audience's
/// members, less the actor, less those who may not see the record, less
/// those who turned the kind OFF.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    kind: AlertKind,
    record: Record,
    actor: Option<i64>,
) -> DomainResult<Alert> {
    let audience = audience(kind, &record);
    let orgs = match &audience {
        Audience::AdminsOf(orgs) | Audience::MembersOf(orgs) => orgs.clone(),
        _ => Vec::new(),
    };
    let members: Vec<(i64, i64, MemberRole)> = if orgs.is_empty() {
        Vec::new()
    } else {
        membership::Entity::find()
            .filter(membership::Column::OrganizationId.is_in(orgs.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.user_id, m.organization_id, m.role))
            .collect()
    };
    let picked = pick(&audience, &members, actor);
    let (visibility, owners) = record.visibility();
    let mut allowed = Vec::with_capacity(picked.len());
    for user_id in picked {
        let viewer: Actor = accounts::user_actor(db, user_id, None).await?;
        if visibility::can_see(&viewer, visibility, &owners) {
            allowed.push(user_id);
        }
    }
    let deliveries = deliveries(db, &allowed, kind).await?;
    let users = accounts::users_by_ids(db, &allowed).await?;
    let users = allowed
        .iter()
        .filter_map(|id| {
            let delivery = deliveries.get(id).copied().unwrap_or(DEFAULT_DELIVERY);
            (delivery != Delivery::Off)
                .then(|| users.get(id).cloned().map(|u| (u, delivery)))
                .flatten()
        })
        .collect();
    let org_ids = record.organizations();
    let organizations = super::load_by_ids(
        db,
        organization::Entity::find(),
        organization::Column::Id,
        &org_ids,
        |o| o.id,
    )
    .await?;
    Ok(Alert {
        kind,
        record,
        organizations,
        users,
        address: match audience {
            Audience::Address(address) => Some(address),
            _ => None,
        },
    })
}

/// The alert one domain event causes, resolved; `None` if none.
pub async fn alert_for_event<C: ConnectionTrait>(
    db: &C,
    event: &domain_event::Model,
) -> DomainResult<Option<Alert>> {
    let Some(kind) = alert_kind(event.kind) else {
        return Ok(None);
    };
    let Some(record) = load_record(db, &event.entity, event.entity_id).await? else {
        return Ok(None);
    };
    Ok(Some(resolve(db, kind, record, event.actor_user_id).await?))
}

/// ACTIVE agreements with a reminder due on `today`, each with its
/// threshold (30 or 7 days), resolved to recipients.
pub async fn expiring_alerts<C: ConnectionTrait>(
    db: &C,
    today: NaiveDate,
) -> DomainResult<Vec<(Alert, i64)>> {
    let last = today + chrono::Duration::days(EXPIRY_REMINDERS[0]);
    let due = agreement::Entity::find()
        .filter(agreement::Column::Status.eq(AgreementStatus::Active))
        .filter(agreement::Column::EndDate.gte(today))
        .filter(agreement::Column::EndDate.lte(last))
        .order_by_asc(agreement::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for agreement in due {
        let Some(threshold) = agreement
            .end_date
            .and_then(|end| expiry_reminder(today, end))
        else {
            continue;
        };
        if let Some(record) = load_record(db, "Agreement", agreement.id).await? {
            let alert = resolve(db, AlertKind::AgreementExpiring, record, None).await?;
            out.push((alert, threshold));
        }
    }
    Ok(out)
}

/// How each of `users` wants `kind` (absent: the default).
pub async fn deliveries<C: ConnectionTrait>(
    db: &C,
    users: &[i64],
    kind: AlertKind,
) -> DomainResult<HashMap<i64, Delivery>> {
    if users.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(notification_preference::Entity::find()
        .filter(notification_preference::Column::UserId.is_in(users.iter().copied()))
        .filter(notification_preference::Column::Kind.eq(kind))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p.delivery))
        .collect())
}

/// A user's preference for every kind, defaults filled in.
pub async fn preferences_of<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> DomainResult<Vec<(AlertKind, Delivery)>> {
    let stored: HashMap<AlertKind, Delivery> = notification_preference::Entity::find()
        .filter(notification_preference::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.kind, p.delivery))
        .collect();
    Ok(PREFERENCE_KINDS
        .iter()
        .map(|kind| (*kind, stored.get(kind).copied().unwrap_or(DEFAULT_DELIVERY)))
        .collect())
}

async fn store_preference<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    kind: AlertKind,
    delivery: Delivery,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    notification_preference::Entity::insert(notification_preference::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind),
        delivery: Set(delivery),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            notification_preference::Column::UserId,
            notification_preference::Column::Kind,
        ])
        .update_columns([
            notification_preference::Column::Delivery,
            notification_preference::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Takes the write lock on the person's row as the transaction's first
/// statement (a missing person is NOT_FOUND): their preference changes run
/// one after another, and on SQLite a transaction that read first cannot
/// fail to upgrade to a writer when the alert worker committed meanwhile.
async fn lock_person<C: ConnectionTrait>(txn: &C, user_id: i64) -> DomainResult<()> {
    super::lock_row::<user::Entity, _>(txn, user::Column::Id, user::Column::Id, user_id, "User")
        .await
}

/// Changes the signed-in person's preferences; returns all of them.
pub async fn update_preferences<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    changes: &[(AlertKind, Delivery)],
    now: DateTime<Utc>,
) -> DomainResult<Vec<(AlertKind, Delivery)>> {
    let user_id = match actor {
        Actor::User(user) => user.user_id,
        Actor::Anonymous => {
            return Err(DomainError::Unauthenticated(
                "sign in to change your alerts".into(),
            ));
        }
        Actor::Token(_) => {
            return Err(DomainError::Forbidden(
                "alerts belong to people, not API tokens".into(),
            ));
        }
    };
    super::input::check_list_len("preferences", changes.len())?;
    for (kind, _) in changes {
        if !PREFERENCE_KINDS.contains(kind) {
            return Err(DomainError::invalid(
                "preferences",
                format!("{kind:?} alerts have no preference"),
            ));
        }
    }
    let txn = db.begin().await?;
    lock_person(&txn, user_id).await?;
    let before = preferences_of(&txn, user_id).await?;
    for (kind, delivery) in changes {
        store_preference(&txn, user_id, *kind, *delivery, now).await?;
    }
    let after = preferences_of(&txn, user_id).await?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            None,
            "notification.preferences",
            "User",
            user_id,
            Some(&before),
            Some(&after),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Turns `kind` OFF for `user_id` (the one-click unsubscribe link, whose
/// signature stands in for a login); DAILY_DIGEST turns off every kind the
/// user receives as a digest.
pub async fn unsubscribe<C: TransactionTrait>(
    db: &C,
    user_id: i64,
    kind: AlertKind,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let kinds: Vec<AlertKind> = if kind == AlertKind::DailyDigest {
        Vec::new()
    } else if PREFERENCE_KINDS.contains(&kind) {
        vec![kind]
    } else {
        return Err(DomainError::invalid(
            "token",
            "this alert has no preference",
        ));
    };
    let txn = db.begin().await?;
    lock_person(&txn, user_id).await?;
    let before = preferences_of(&txn, user_id).await?;
    // The digest's link turns off every kind the user gets as a digest.
    let kinds = if kind == AlertKind::DailyDigest {
        before
            .iter()
            .filter(|(_, d)| *d == Delivery::DailyDigest)
            .map(|(k, _)| *k)
            .collect()
    } else {
        kinds
    };
    for kind in kinds {
        store_preference(&txn, user_id, kind, Delivery::Off, now).await?;
    }
    let after = preferences_of(&txn, user_id).await?;
    audit::append(
        &txn,
        Author::System,
        Change::of(
            None,
            "notification.unsubscribe",
            "User",
            user_id,
            Some(&before),
            Some(&after),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agreement(initiator: i64, visibility: Visibility) -> agreement::Model {
        agreement::Model {
            id: 1,
            initiator_id: initiator,
            title: "Acord".into(),
            kind: entities::enums::AgreementKind::Cooperation,
            status: AgreementStatus::Proposed,
            objectives: String::new(),
            start_date: None,
            end_date: None,
            visibility,
            search_text: String::new(),
            version: 1,
            termination_reason: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn document(owner: i64, visibility: Visibility) -> document::Model {
        document::Model {
            id: 1,
            owner_id: owner,
            title: "Ghid".into(),
            summary: String::new(),
            kind: entities::enums::DocumentKind::GoodPracticeGuide,
            language: "ro".into(),
            visibility,
            published_on: None,
            search_text: String::new(),
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    const MEMBERS: [(i64, i64, MemberRole); 7] = [
        (10, 1, MemberRole::Owner),
        (11, 1, MemberRole::Viewer),
        (20, 2, MemberRole::Admin),
        (21, 2, MemberRole::Editor),
        (30, 3, MemberRole::Owner),
        (31, 3, MemberRole::Viewer),
        (40, 4, MemberRole::Owner),
    ];

    #[test]
    fn a_proposal_goes_to_the_invited_parties_admins_not_the_initiator() {
        let record = Record::Agreement {
            agreement: agreement(1, Visibility::Private),
            parties: vec![1, 2, 3],
        };
        let audience = audience(AlertKind::AgreementProposed, &record);
        assert_eq!(audience, Audience::AdminsOf(vec![2, 3]));
        assert_eq!(pick(&audience, &MEMBERS, None), vec![20, 30]);
    }

    #[test]
    fn activation_termination_and_expiry_go_to_every_partys_admins() {
        let record = Record::Agreement {
            agreement: agreement(1, Visibility::Public),
            parties: vec![1, 2],
        };
        for kind in [
            AlertKind::AgreementActivated,
            AlertKind::AgreementTerminated,
            AlertKind::AgreementExpiring,
        ] {
            let audience = audience(kind, &record);
            assert_eq!(pick(&audience, &MEMBERS, None), vec![10, 20], "{kind:?}");
            // The person who caused it is not told of it.
            assert_eq!(pick(&audience, &MEMBERS, Some(20)), vec![10], "{kind:?}");
        }
    }

    #[test]
    fn a_document_reaches_the_owner_and_its_partners_unless_private() {
        for (visibility, expected) in [
            (Visibility::Public, vec![10, 11, 20, 21]),
            (Visibility::Partners, vec![10, 11, 20, 21]),
            (Visibility::Private, vec![10, 11]),
        ] {
            let record = Record::Document {
                document: document(1, visibility),
                owner_partners: vec![2],
            };
            let audience = audience(AlertKind::DocumentPublished, &record);
            assert_eq!(pick(&audience, &MEMBERS, None), expected, "{visibility:?}");
        }
    }

    #[test]
    fn activity_alerts_reach_every_organizer_member() {
        let record = Record::Activity {
            activity: activity::Model {
                id: 1,
                owner_id: 3,
                agreement_id: None,
                project_id: None,
                title: "Curs".into(),
                kind: entities::enums::ActivityKind::TrainingCourse,
                status: entities::enums::ActivityStatus::Planned,
                description: String::new(),
                start_date: NaiveDate::MIN,
                end_date: NaiveDate::MIN,
                place: None,
                online_url: None,
                certificates_issued: 0,
                outcomes: None,
                cancellation_reason: None,
                visibility: Visibility::Private,
                search_text: String::new(),
                version: 1,
                created_at: Utc::now(),
                updated_at: Utc::now(),
            },
            organizers: vec![3, 4],
        };
        for kind in [
            AlertKind::ActivityScheduled,
            AlertKind::ActivityChanged,
            AlertKind::ActivityCancelled,
        ] {
            let audience = audience(kind, &record);
            assert_eq!(pick(&audience, &MEMBERS, None), vec![30, 31, 40]);
        }
    }

    #[test]
    fn an_invitation_goes_to_the_address_only() {
        let record = Record::Invitation {
            invitation: invitation::Model {
                id: 1,
                organization_id: 1,
                email: "nou@primarie.ro".into(),
                role: MemberRole::Editor,
                invited_by_id: None,
                created_at: Utc::now(),
                expires_at: Utc::now(),
                accepted_at: None,
                accepted_by_id: None,
                revoked_at: None,
            },
        };
        let audience = audience(AlertKind::MemberInvited, &record);
        assert_eq!(audience, Audience::Address("nou@primarie.ro".into()));
        assert!(pick(&audience, &MEMBERS, None).is_empty());
    }

    #[test]
    fn a_kind_about_the_wrong_record_reaches_nobody() {
        let record = Record::Document {
            document: document(1, Visibility::Public),
            owner_partners: vec![],
        };
        assert_eq!(
            audience(AlertKind::AgreementProposed, &record),
            Audience::Nobody
        );
    }

    #[test]
    fn only_some_events_alert() {
        assert_eq!(alert_kind(EventKind::AgreementSigned), None);
        assert_eq!(
            alert_kind(EventKind::MemberInvited),
            Some(AlertKind::MemberInvited)
        );
    }

    #[test]
    fn reminders_at_thirty_and_seven_days() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        let in_days = |n| today + chrono::Duration::days(n);
        assert_eq!(expiry_reminder(today, in_days(31)), None);
        assert_eq!(expiry_reminder(today, in_days(30)), Some(30));
        assert_eq!(expiry_reminder(today, in_days(8)), Some(30));
        assert_eq!(expiry_reminder(today, in_days(7)), Some(7));
        assert_eq!(expiry_reminder(today, in_days(0)), Some(7));
        assert_eq!(expiry_reminder(today, in_days(-1)), None);
    }
}

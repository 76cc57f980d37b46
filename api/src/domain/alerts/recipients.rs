//! The rules applied to stored records: loading what an event is about
//! and resolving an alert to the people (and address) who receive it.

use std::collections::HashMap;

use chrono::NaiveDate;
use entities::{
    activity, activity_organizer, agreement, agreement_party, document, domain_event,
    enums::{AgreementStatus, AlertKind, Delivery, MemberRole},
    invitation, membership, organization, user,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    Audience, DEFAULT_DELIVERY, EXPIRY_REMINDERS, Record, alert_kind, audience, deliveries,
    expiry_reminder, pick,
};
use crate::domain::{accounts, actor::Actor, error::DomainResult, visibility};

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
    let organizations = crate::domain::load_by_ids(
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

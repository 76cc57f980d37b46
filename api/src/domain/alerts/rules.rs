//! The rules as pure functions over loaded facts: which alert an event
//! causes, who hears of it, which expiry reminder is due. Unit-tested here.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use entities::{
    activity, agreement, document,
    enums::{AlertKind, EventKind, MemberRole, Visibility},
    invitation,
};

use super::EXPIRY_REMINDERS;

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

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use entities::enums::AgreementStatus;

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

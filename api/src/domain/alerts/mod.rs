//! Who gets which e-mail alert, and how (their preferences).
//!
//! The rules, written as pure functions over loaded facts (unit-tested
//! in `rules`), then applied by [`alert_for_event`] and [`expiring_alerts`]:
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
//!
//! The pure rules are in `rules`, their application to stored records in
//! `recipients`, and people's preferences (and the unsubscribe link that
//! turns one OFF) in `preferences`; this file holds the constants they
//! share.
//!
//! [`visibility::can_see`]: crate::domain::visibility::can_see

mod preferences;
mod recipients;
mod rules;

pub use preferences::{
    deliveries, preferences_of, unsubscribe, update_preferences, update_preferences_by_link,
};
pub use recipients::{Alert, alert_for_event, expiring_alerts, load_record, resolve};
pub use rules::{Audience, Record, alert_kind, audience, expiry_reminder, pick};

use entities::enums::{AlertKind, Delivery};

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

//! E-mail alert preferences: `me { notificationPreferences }` and
//! `updateNotificationPreferences`. The rules live in `domain::alerts`.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use chrono::Utc;
use entities::enums::{AlertKind, Delivery};

use super::{
    context::state,
    error::ApiResult,
    mutation::{Payload, Subject},
};
use crate::domain::alerts;

/// A kind of e-mail alert a person can choose how to receive.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum NotificationKind {
    /// An agreement was proposed to your organization (ADMINs, OWNERs).
    AgreementProposed,
    /// An agreement of your organization came into force (ADMINs, OWNERs).
    AgreementActivated,
    /// An agreement of your organization was terminated (ADMINs, OWNERs).
    AgreementTerminated,
    /// An agreement of your organization ends in 30 or 7 days.
    AgreementExpiring,
    /// Your organization or a partner shared a document.
    DocumentPublished,
    /// An activity your organization organizes was scheduled.
    ActivityScheduled,
    /// Such an activity changed.
    ActivityChanged,
    /// Such an activity was cancelled.
    ActivityCancelled,
}

impl From<NotificationKind> for AlertKind {
    fn from(kind: NotificationKind) -> Self {
        match kind {
            NotificationKind::AgreementProposed => Self::AgreementProposed,
            NotificationKind::AgreementActivated => Self::AgreementActivated,
            NotificationKind::AgreementTerminated => Self::AgreementTerminated,
            NotificationKind::AgreementExpiring => Self::AgreementExpiring,
            NotificationKind::DocumentPublished => Self::DocumentPublished,
            NotificationKind::ActivityScheduled => Self::ActivityScheduled,
            NotificationKind::ActivityChanged => Self::ActivityChanged,
            NotificationKind::ActivityCancelled => Self::ActivityCancelled,
        }
    }
}

impl NotificationKind {
    fn from_alert(kind: AlertKind) -> Option<Self> {
        Some(match kind {
            AlertKind::AgreementProposed => Self::AgreementProposed,
            AlertKind::AgreementActivated => Self::AgreementActivated,
            AlertKind::AgreementTerminated => Self::AgreementTerminated,
            AlertKind::AgreementExpiring => Self::AgreementExpiring,
            AlertKind::DocumentPublished => Self::DocumentPublished,
            AlertKind::ActivityScheduled => Self::ActivityScheduled,
            AlertKind::ActivityChanged => Self::ActivityChanged,
            AlertKind::ActivityCancelled => Self::ActivityCancelled,
            AlertKind::MemberInvited | AlertKind::DailyDigest => return None,
        })
    }
}

/// How a kind of alert is delivered.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum NotificationDelivery {
    /// One e-mail per alert, right away (the default).
    Immediate,
    /// Gathered into one e-mail a day.
    DailyDigest,
    /// Not sent.
    Off,
}

impl From<NotificationDelivery> for Delivery {
    fn from(value: NotificationDelivery) -> Self {
        match value {
            NotificationDelivery::Immediate => Self::Immediate,
            NotificationDelivery::DailyDigest => Self::DailyDigest,
            NotificationDelivery::Off => Self::Off,
        }
    }
}

impl From<Delivery> for NotificationDelivery {
    fn from(value: Delivery) -> Self {
        match value {
            Delivery::Immediate => Self::Immediate,
            Delivery::DailyDigest => Self::DailyDigest,
            Delivery::Off => Self::Off,
        }
    }
}

/// How one kind of alert reaches you.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct NotificationPreference {
    /// The kind of alert.
    pub kind: NotificationKind,
    /// How it is delivered.
    pub delivery: NotificationDelivery,
}

fn to_graphql(preferences: Vec<(AlertKind, Delivery)>) -> Vec<NotificationPreference> {
    preferences
        .into_iter()
        .filter_map(|(kind, delivery)| {
            NotificationKind::from_alert(kind).map(|kind| NotificationPreference {
                kind,
                delivery: delivery.into(),
            })
        })
        .collect()
}

/// Every kind with the user's delivery (for `Me.notificationPreferences`).
pub async fn preferences_of(
    ctx: &Context<'_>,
    user_id: i64,
) -> ApiResult<Vec<NotificationPreference>> {
    let s = state(ctx)?;
    Ok(to_graphql(alerts::preferences_of(&s.db, user_id).await?))
}

/// One change of `updateNotificationPreferences`.
#[derive(InputObject)]
pub struct NotificationPreferenceInput {
    /// The kind of alert.
    pub kind: NotificationKind,
    /// How to deliver it from now on.
    pub delivery: NotificationDelivery,
}

/// Input of `updateNotificationPreferences`.
#[derive(InputObject)]
pub struct UpdateNotificationPreferencesInput {
    /// The kinds to change; kinds not named keep their delivery.
    pub preferences: Vec<NotificationPreferenceInput>,
}

/// Result of `updateNotificationPreferences`.
pub type UpdateNotificationPreferencesPayload = Payload<Vec<NotificationPreference>>;

impl Subject for Vec<NotificationPreference> {
    const PAYLOAD: &'static str = "UpdateNotificationPreferencesPayload";
    const PAYLOAD_DOC: &'static str = "Result of `updateNotificationPreferences`.";
    const FIELD: &'static str = "preferences";
    const FIELD_DOC: &'static str = "Every kind with its delivery, as now saved.";
}

/// Mutations about e-mail alerts.
#[derive(Default)]
pub struct NotificationMutation;

#[Object]
impl NotificationMutation {
    /// Chooses how you receive each kind of alert (signed-in people only).
    async fn update_notification_preferences(
        &self,
        ctx: &Context<'_>,
        input: UpdateNotificationPreferencesInput,
    ) -> ApiResult<UpdateNotificationPreferencesPayload> {
        let s = state(ctx)?;
        let changes: Vec<(AlertKind, Delivery)> = input
            .preferences
            .iter()
            .map(|p| (p.kind.into(), p.delivery.into()))
            .collect();
        let result = alerts::update_preferences(&s.db, &s.actor, &changes, Utc::now()).await;
        Payload::of(result, to_graphql)
    }
}

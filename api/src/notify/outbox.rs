//! The consumer: domain events in, outbox rows out, crash-safe.
//!
//! One transaction per batch: lock the cursor row, read the events after
//! it, resolve and render each event's alerts, insert them (a repeated
//! dedupe key is skipped), move the cursor past the events handled, commit.
//! A crash before the commit loses nothing (the events are read again); a
//! crash after it repeats nothing (the cursor moved with the rows). The
//! cursor row lock makes consumers on several nodes take turns.
//!
//! It takes only the gap-free run of event ids after its cursor
//! ([`GapWatch`], waiting `notify_gap_grace_secs` for a missing id).

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use entities::{
    domain_event,
    enums::{AlertKind, Delivery, Language, MemberRole, OutboxStatus},
    outbox, user,
};
use minijinja::{Value, context};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::OnConflict,
};

use super::{
    Notifier,
    templates::{Links, Rendered},
};
use crate::{
    config::LinkTarget,
    domain::{
        alerts::{self, Alert, Record},
        error::DomainResult,
        events::{self, GapWatch},
    },
    ids::{NodeKind, global_id},
};

/// The consumer's row in `notification_cursors`.
pub const CURSOR: &str = "alerts";

/// Reads one batch of events into the outbox; returns how many events it
/// handled (0: nothing new).
#[tracing::instrument(skip_all)]
pub async fn consume_batch(notifier: &Notifier, gaps: &mut GapWatch) -> DomainResult<usize> {
    let config = &notifier.config;
    if !events::any_after_cursor(&notifier.db, CURSOR).await? {
        return Ok(0);
    }
    let txn = crate::domain::begin_write(&notifier.db).await?;
    let cursor = events::lock_cursor(&txn, CURSOR).await?;
    let events = domain_event::Entity::find()
        .filter(domain_event::Column::Id.gt(cursor))
        .order_by_asc(domain_event::Column::Id)
        .limit(u64::from(config.notify_batch_size))
        .all(&txn)
        .await?;
    let grace = std::time::Duration::from_secs(config.notify_gap_grace_secs);
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    let handled = gaps.runnable(cursor, &ids, grace);
    let now = Utc::now().trunc_subsecs(6);
    let mut last = cursor;
    for event in &events[..handled] {
        enqueue_event(notifier, &txn, event, now).await?;
        last = event.id;
    }
    if last != cursor {
        events::move_cursor(&txn, CURSOR, last).await?;
    }
    txn.commit().await?;
    Ok(handled)
}

async fn enqueue_event(
    notifier: &Notifier,
    txn: &DatabaseTransaction,
    event: &domain_event::Model,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let Some(alert) = alerts::alert_for_event(txn, event).await? else {
        return Ok(());
    };
    enqueue(
        notifier,
        txn,
        &alert,
        &format!("event:{}", event.id),
        Some(event.id),
        Value::UNDEFINED,
        now,
    )
    .await
}

/// The link to a record: Pactum's record page, or the deployment's own
/// frontend (`links_*` in the configuration).
pub fn link(notifier: &Notifier, record: &Record) -> String {
    let config = &notifier.config;
    match record {
        Record::Agreement { agreement, .. } => config.record_link(
            LinkTarget::Agreement,
            &global_id(NodeKind::Agreement, agreement.id),
        ),
        Record::Document { document, .. } => config.record_link(
            LinkTarget::Document,
            &global_id(NodeKind::Document, document.id),
        ),
        Record::Activity { activity, .. } => config.record_link(
            LinkTarget::Activity,
            &global_id(NodeKind::Activity, activity.id),
        ),
        Record::Invitation { .. } => format!("{}/auth/providers", notifier.public_url()),
    }
}

/// A date as people write it in `language`.
pub fn date(day: NaiveDate, language: Language) -> String {
    match language {
        Language::Ro => day.format("%d.%m.%Y").to_string(),
        Language::En => day.format("%-d %B %Y").to_string(),
    }
}

fn role_name(role: MemberRole, language: Language) -> &'static str {
    match (role, language) {
        (MemberRole::Owner, Language::Ro) => "proprietar",
        (MemberRole::Admin, Language::Ro) => "administrator",
        (MemberRole::Editor, Language::Ro) => "editor",
        (MemberRole::Viewer, Language::Ro) => "cititor",
        (MemberRole::Owner, Language::En) => "owner",
        (MemberRole::Admin, Language::En) => "administrator",
        (MemberRole::Editor, Language::En) => "editor",
        (MemberRole::Viewer, Language::En) => "viewer",
    }
}

/// The facts a template sees about the alert's record.
fn facts(alert: &Alert, language: Language, extra: &Value, today: NaiveDate) -> Value {
    let name = |id: &i64| {
        alert
            .organizations
            .get(id)
            .map_or_else(|| format!("#{id}"), |o| o.name.clone())
    };
    let names = |ids: &[i64]| ids.iter().map(name).collect::<Vec<_>>().join(", ");
    let base = match &alert.record {
        Record::Agreement { agreement, parties } => context! {
            title => agreement.title,
            parties => names(parties),
            initiator => name(&agreement.initiator_id),
            end_date => agreement.end_date.map(|d| date(d, language)),
            days => agreement.end_date.map(|d| (d - today).num_days()),
        },
        Record::Document { document, .. } => context! {
            title => document.title,
            owner => name(&document.owner_id),
            summary => document.summary,
        },
        Record::Activity {
            activity,
            organizers,
        } => context! {
            title => activity.title,
            organizers => names(organizers),
            start_date => date(activity.start_date, language),
            end_date => date(activity.end_date, language),
            place => activity.place.clone().or_else(|| activity.online_url.clone()),
        },
        Record::Invitation { invitation } => context! {
            organization => name(&invitation.organization_id),
            role => role_name(invitation.role, language),
            expires_on => date(invitation.expires_at.date_naive(), language),
        },
    };
    // The later map wins: the caller's extras override the record's facts.
    minijinja::value::merge_maps([base, extra.clone()])
}

/// Renders and queues `alert` for each of its recipients, keyed
/// `{key}:user:{id}` (or `{key}:email:{address}`); keys already queued are
/// skipped.
pub async fn enqueue(
    notifier: &Notifier,
    txn: &DatabaseTransaction,
    alert: &Alert,
    key: &str,
    event_id: Option<i64>,
    extra: Value,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let link = link(notifier, &alert.record);
    // People without an account yet (invitations) reach the page by login.
    let login_settings = format!("{}/account/notifications", notifier.public_url());
    let today = now.date_naive();
    let mut rows = Vec::new();
    let mut render = |recipient: Recipient<'_>| {
        let (language, unsubscribe, settings, dedupe, user_id, status) = match recipient {
            Recipient::User(user, delivery) => (
                user.preferred_language,
                Some(notifier.key.url(notifier.public_url(), user.id, alert.kind)),
                notifier.key.settings_url(notifier.public_url(), user.id),
                format!("{key}:user:{}", user.id),
                Some(user.id),
                if delivery == Delivery::DailyDigest {
                    OutboxStatus::Held
                } else {
                    OutboxStatus::Pending
                },
            ),
            // Invitations are written in Romanian: the invited person has
            // no account, hence no language, yet.
            Recipient::Address(address) => (
                Language::Ro,
                None,
                login_settings.clone(),
                format!("{key}:email:{address}"),
                None,
                OutboxStatus::Pending,
            ),
        };
        let rendered = notifier.templates.render(
            alert.kind,
            language,
            facts(alert, language, &extra, today),
            Links {
                record: &link,
                unsubscribe: unsubscribe.as_deref(),
                settings: &settings,
            },
            &[],
        );
        match rendered {
            Ok(mail) => rows.push(outbox::ActiveModel {
                event_id: Set(event_id),
                user_id: Set(user_id),
                recipient: Set(match recipient {
                    Recipient::User(user, _) => user.email.clone(),
                    Recipient::Address(address) => address.to_owned(),
                }),
                language: Set(language),
                status: Set(status),
                ..new_row(dedupe, alert.kind, mail, link.clone(), now)
            }),
            Err(err) => {
                tracing::error!(%err, kind = ?alert.kind, "cannot render an alert; skipped")
            }
        }
    };
    for (user, delivery) in &alert.users {
        render(Recipient::User(user, *delivery));
    }
    if let Some(address) = &alert.address {
        render(Recipient::Address(address));
    }
    insert(txn, rows).await
}

#[derive(Clone, Copy)]
enum Recipient<'a> {
    User(&'a user::Model, Delivery),
    Address(&'a str),
}

/// A mail ready to queue: PENDING, due `now`, never tried, not yet
/// addressed (the caller sets recipient, user, language and event).
pub fn new_row(
    dedupe_key: String,
    kind: AlertKind,
    mail: Rendered,
    link: String,
    now: DateTime<Utc>,
) -> outbox::ActiveModel {
    outbox::ActiveModel {
        dedupe_key: Set(dedupe_key),
        kind: Set(kind),
        event_id: Set(None),
        user_id: Set(None),
        recipient: Set(String::new()),
        language: Set(Language::Ro),
        status: Set(OutboxStatus::Pending),
        subject: Set(mail.subject),
        body_text: Set(mail.text),
        body_html: Set(mail.html),
        link: Set(link),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        digest_id: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    }
}

/// Inserts rows, skipping dedupe keys already present.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    rows: Vec<outbox::ActiveModel>,
) -> DomainResult<()> {
    // Well under SQLite's bound-parameter limit per statement.
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(200).collect();
        outbox::Entity::insert_many(chunk)
            .on_conflict(
                OnConflict::column(outbox::Column::DedupeKey)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Kinds whose alerts carry a one-click unsubscribe link.
pub fn has_unsubscribe(kind: AlertKind) -> bool {
    kind != AlertKind::MemberInvited
}

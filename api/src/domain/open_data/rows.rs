//! The rows of each table, read in batches of [`BATCH`] by id (a range
//! scan on the primary key, the same cost deep in the table as at its
//! start) and written as CSV with the `csv` crate. What an anonymous caller
//! may see is selected through the areas' `visible` rules.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use entities::{
    activity, activity_participation, agreement, agreement_party, document, document_tag,
    document_version, indicator, organization, project,
};
use futures::{Stream, TryStreamExt};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
    sea_query::{Expr, ExprTrait},
};

use super::Resource;
use crate::{
    domain::{
        activities, actor::Actor, agreements, derived_values, documents, error::DomainResult,
    },
    ids::{NodeKind, global_id},
};

/// Rows read and written at once.
pub const BATCH: u64 = 1_000;

/// One batch of a table: its CSV records, and the id to read on from when
/// the batch was full (more rows may follow).
#[derive(Debug, Default)]
pub struct Batch {
    /// The records, in column order.
    pub records: Vec<Vec<String>>,
    /// Where the next batch starts, if there may be one.
    pub next: Option<i64>,
}

fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn opt<T>(value: Option<T>, show: impl FnOnce(T) -> String) -> String {
    value.map(show).unwrap_or_default()
}

fn gid(kind: NodeKind, id: i64) -> String {
    global_id(kind, id)
}

/// The first [`BATCH`] rows of `select` past `after`, by `id`.
async fn page<E, C>(
    db: &C,
    select: Select<E>,
    id: E::Column,
    after: i64,
) -> DomainResult<Vec<E::Model>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    Ok(select
        .filter(id.gt(after))
        .order_by_asc(id)
        .limit(BATCH)
        .all(db)
        .await?)
}

/// Reads the batch of `resource` that starts after id `after`.
/// `base_url` is where download links point (`{base_url}/files/{id}`).
pub async fn batch<C: ConnectionTrait>(
    db: &C,
    resource: Resource,
    after: i64,
    base_url: &str,
) -> DomainResult<Batch> {
    let anyone = Actor::Anonymous;
    let (records, last): (Vec<Vec<String>>, Option<i64>) = match resource {
        Resource::Organizations => {
            let rows = page(
                db,
                organization::Entity::find(),
                organization::Column::Id,
                after,
            )
            .await?;
            let last = rows.last().map(|r| r.id);
            (rows.into_iter().map(organization_record).collect(), last)
        }
        Resource::Agreements => {
            let rows = page(
                db,
                agreements::visible(&anyone),
                agreement::Column::Id,
                after,
            )
            .await?;
            let last = rows.last().map(|r| r.id);
            (rows.into_iter().map(agreement_record).collect(), last)
        }
        Resource::AgreementParties => {
            let published = agreements::visible(&anyone)
                .select_only()
                .column(agreement::Column::Id)
                .into_query();
            let select = agreement_party::Entity::find()
                .filter(agreement_party::Column::AgreementId.in_subquery(published));
            let rows = page(db, select, agreement_party::Column::Id, after).await?;
            let last = rows.last().map(|r| r.id);
            (rows.into_iter().map(party_record).collect(), last)
        }
        Resource::Documents => {
            let rows = page(db, documents::visible(&anyone), document::Column::Id, after).await?;
            let last = rows.last().map(|r| r.id);
            let mut tags = tags_of(db, rows.iter().map(|d| d.id).collect()).await?;
            let records = rows
                .into_iter()
                .map(|d| {
                    let tags = tags.remove(&d.id).unwrap_or_default();
                    document_record(d, &tags)
                })
                .collect();
            (records, last)
        }
        Resource::DocumentVersions => {
            let published = documents::visible(&anyone)
                .select_only()
                .column(document::Column::Id)
                .into_query();
            let select = document_version::Entity::find()
                .filter(document_version::Column::DocumentId.in_subquery(published));
            let rows = page(db, select, document_version::Column::Id, after).await?;
            let last = rows.last().map(|r| r.id);
            let records = rows
                .into_iter()
                .map(|v| version_record(v, base_url))
                .collect();
            (records, last)
        }
        Resource::Activities => {
            let rows = page(
                db,
                activities::visible(&anyone),
                activity::Column::Id,
                after,
            )
            .await?;
            let last = rows.last().map(|r| r.id);
            let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
            let agreement_ids: Vec<i64> = rows.iter().filter_map(|a| a.agreement_id).collect();
            let published: Vec<i64> = agreements::visible(&anyone)
                .filter(agreement::Column::Id.is_in(agreement_ids))
                .select_only()
                .column(agreement::Column::Id)
                .into_tuple()
                .all(db)
                .await?;
            let totals = participants_of(db, ids).await?;
            let records = rows
                .into_iter()
                .map(|a| {
                    let shown = a.agreement_id.filter(|id| published.contains(id));
                    let participants = totals.get(&a.id).copied().unwrap_or(0);
                    activity_record(a, shown, participants)
                })
                .collect();
            (records, last)
        }
        Resource::ActivityParticipations => {
            let published = activities::visible(&anyone)
                .select_only()
                .column(activity::Column::Id)
                .into_query();
            let select = activity_participation::Entity::find()
                .filter(activity_participation::Column::ActivityId.in_subquery(published));
            let rows = page(db, select, activity_participation::Column::Id, after).await?;
            let last = rows.last().map(|r| r.id);
            (rows.into_iter().map(participation_record).collect(), last)
        }
        Resource::Projects => {
            let rows = page(db, project::Entity::find(), project::Column::Id, after).await?;
            let last = rows.last().map(|r| r.id);
            (rows.into_iter().map(project_record).collect(), last)
        }
        Resource::Indicators => {
            let rows = page(db, indicator::Entity::find(), indicator::Column::Id, after).await?;
            let last = rows.last().map(|r| r.id);
            let keys: Vec<_> = rows.iter().filter_map(derived_values::key_of).collect();
            let derived = derived_values::values(db, &anyone, &keys).await?;
            let records = rows
                .into_iter()
                .map(|i| {
                    let achieved = derived_values::achieved(&i, &derived);
                    indicator_record(i, achieved)
                })
                .collect();
            (records, last)
        }
    };
    let full = records.len() as u64 == BATCH;
    Ok(Batch {
        records,
        next: last.filter(|_| full),
    })
}

/// The tags of each of `documents`, in order.
async fn tags_of<C: ConnectionTrait>(
    db: &C,
    documents: Vec<i64>,
) -> DomainResult<HashMap<i64, Vec<String>>> {
    let rows = document_tag::Entity::find()
        .filter(document_tag::Column::DocumentId.is_in(documents))
        .order_by_asc(document_tag::Column::DocumentId)
        .order_by_asc(document_tag::Column::Tag)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for t in rows {
        out.entry(t.document_id).or_default().push(t.tag);
    }
    Ok(out)
}

/// How many people took part in each of `activities` (those with none are
/// missing).
async fn participants_of<C: ConnectionTrait>(
    db: &C,
    activities: Vec<i64>,
) -> DomainResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = activity_participation::Entity::find()
        .filter(activity_participation::Column::ActivityId.is_in(activities))
        .select_only()
        .column(activity_participation::Column::ActivityId)
        .column_as(
            Expr::col(activity_participation::Column::Count).sum(),
            "people",
        )
        .group_by(activity_participation::Column::ActivityId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

fn organization_record(o: organization::Model) -> Vec<String> {
    vec![
        gid(NodeKind::Organization, o.id),
        o.slug,
        o.name,
        o.kind.to_value(),
        o.fiscal_code.unwrap_or_default(),
        o.county.unwrap_or_default(),
        o.locality.unwrap_or_default(),
        o.website.unwrap_or_default(),
        o.contact_email.unwrap_or_default(),
        o.description.unwrap_or_default(),
        instant(o.created_at),
        instant(o.updated_at),
    ]
}

fn agreement_record(a: agreement::Model) -> Vec<String> {
    vec![
        gid(NodeKind::Agreement, a.id),
        gid(NodeKind::Organization, a.initiator_id),
        a.title,
        a.kind.to_value(),
        a.status.to_value(),
        a.objectives,
        opt(a.start_date, day),
        opt(a.end_date, day),
        a.termination_reason.unwrap_or_default(),
        instant(a.created_at),
        instant(a.updated_at),
    ]
}

fn party_record(p: agreement_party::Model) -> Vec<String> {
    vec![
        gid(NodeKind::Agreement, p.agreement_id),
        gid(NodeKind::Organization, p.organization_id),
        opt(p.signed_at, instant),
        p.signatory.unwrap_or_default(),
        opt(p.declined_at, instant),
    ]
}

fn document_record(d: document::Model, tags: &[String]) -> Vec<String> {
    vec![
        gid(NodeKind::Document, d.id),
        gid(NodeKind::Organization, d.owner_id),
        d.title,
        d.summary,
        d.kind.to_value(),
        d.language,
        opt(d.published_on, day),
        tags.join("; "),
        instant(d.created_at),
        instant(d.updated_at),
    ]
}

fn version_record(v: document_version::Model, base_url: &str) -> Vec<String> {
    let id = gid(NodeKind::DocumentVersion, v.id);
    vec![
        id.clone(),
        gid(NodeKind::Document, v.document_id),
        v.number.to_string(),
        v.file_name,
        v.media_type,
        v.size_bytes.to_string(),
        v.sha256,
        v.change_note.unwrap_or_default(),
        instant(v.created_at),
        format!("{base_url}/files/{id}"),
    ]
}

fn activity_record(a: activity::Model, agreement: Option<i64>, participants: i64) -> Vec<String> {
    vec![
        gid(NodeKind::Activity, a.id),
        gid(NodeKind::Organization, a.owner_id),
        opt(agreement, |id| gid(NodeKind::Agreement, id)),
        opt(a.project_id, |id| gid(NodeKind::Project, id)),
        a.title,
        a.kind.to_value(),
        a.status.to_value(),
        a.description,
        day(a.start_date),
        day(a.end_date),
        a.place.unwrap_or_default(),
        a.online_url.unwrap_or_default(),
        participants.to_string(),
        a.certificates_issued.to_string(),
        a.outcomes.unwrap_or_default(),
        instant(a.created_at),
        instant(a.updated_at),
    ]
}

fn participation_record(p: activity_participation::Model) -> Vec<String> {
    vec![
        gid(NodeKind::Activity, p.activity_id),
        gid(NodeKind::Organization, p.organization_id),
        p.role.to_value(),
        p.count.to_string(),
    ]
}

fn project_record(p: project::Model) -> Vec<String> {
    vec![
        gid(NodeKind::Project, p.id),
        gid(NodeKind::Organization, p.owner_id),
        p.code,
        p.title,
        p.programme,
        p.contract_number.unwrap_or_default(),
        day(p.start_date),
        day(p.end_date),
        opt(p.sustainability_end_date, day),
        p.summary,
    ]
}

fn indicator_record(i: indicator::Model, achieved: f64) -> Vec<String> {
    vec![
        gid(NodeKind::Indicator, i.id),
        gid(NodeKind::Project, i.project_id),
        i.name,
        i.unit,
        i.baseline.to_string(),
        i.target.to_string(),
        achieved.to_string(),
        opt(i.derivation, |d| d.to_value()),
    ]
}

/// `records` as CSV lines (RFC 4180: quoted where needed, CRLF ends).
pub fn encode(records: &[Vec<String>]) -> DomainResult<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for record in records {
        writer.write_record(record).map_err(csv_failed)?;
    }
    writer
        .into_inner()
        .map_err(|e| csv_failed(e.into_error().into()))
}

/// Writing CSV into memory fails only on a bug; reported like a database
/// failure (logged, never shown).
fn csv_failed(err: csv::Error) -> crate::domain::error::DomainError {
    crate::domain::error::DomainError::Database(Arc::new(DbErr::Custom(format!(
        "writing CSV: {err}"
    ))))
}

/// The whole CSV file of `resource`, header first, as a stream of chunks
/// (one per batch), reading the next batch only when the previous chunk
/// was taken: constant memory however large the table.
pub fn csv_stream<C>(
    db: C,
    resource: Resource,
    base_url: String,
) -> impl Stream<Item = DomainResult<Vec<u8>>> + Send + 'static
where
    C: ConnectionTrait + Send + Sync + 'static,
{
    counted_chunks(db, resource, base_url).map_ok(|(bytes, _)| bytes)
}

/// [`csv_stream`] with the number of records in each chunk (0 for the
/// header).
pub fn counted_chunks<C>(
    db: C,
    resource: Resource,
    base_url: String,
) -> impl Stream<Item = DomainResult<(Vec<u8>, u64)>> + Send + 'static
where
    C: ConnectionTrait + Send + Sync + 'static,
{
    /// Where the stream is: the header is next, a batch after an id, or done.
    enum Next {
        Header,
        After(i64),
        Done,
    }
    futures::stream::unfold((db, Next::Header), move |(db, next)| {
        let base_url = base_url.clone();
        async move {
            match next {
                Next::Done => None,
                Next::Header => {
                    let header: Vec<String> = resource
                        .fields()
                        .iter()
                        .map(|f| f.name.to_owned())
                        .collect();
                    let chunk = encode(&[header]).map(|bytes| (bytes, 0));
                    Some((chunk, (db, Next::After(0))))
                }
                Next::After(after) => match batch(&db, resource, after, &base_url).await {
                    Ok(b) => {
                        let then = b.next.map_or(Next::Done, Next::After);
                        let n = b.records.len() as u64;
                        Some((encode(&b.records).map(|bytes| (bytes, n)), (db, then)))
                    }
                    Err(err) => Some((Err(err), (db, Next::Done))),
                },
            }
        }
    })
}

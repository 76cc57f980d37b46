//! Agreements and their parties: listing, lookup and the lists hanging off
//! an organization. The lifecycle rules arrive with the write API.

use std::collections::HashMap;

use entities::{
    agreement, agreement_party,
    enums::{AgreementKind, AgreementStatus, Visibility},
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    Select,
};

use super::{
    DateRange,
    actor::Actor,
    error::DomainResult,
    keyset::{KeyKind, SortOrder},
    listing::{ChildQuery, paginate},
    load_by_ids,
    pagination::{Page, PageArgs, PageLimits},
    search::{Indexed, Ranking, searched},
    visibility::{shared_with, visible_to},
};

/// Which agreements a list shows.
#[derive(Debug, Clone, Default)]
pub struct AgreementFilter {
    /// Only these lifecycle states.
    pub statuses: Option<Vec<AgreementStatus>>,
    /// Only these legal forms.
    pub kinds: Option<Vec<AgreementKind>>,
    /// Only agreements this organization is a party to.
    pub party_id: Option<i64>,
    /// Only agreements this organization initiated.
    pub initiator_id: Option<i64>,
    /// Start date within this range.
    pub start_date: DateRange,
    /// End date within this range (e.g. "expiring before ...").
    pub end_date: DateRange,
    /// Full-text search (web search syntax).
    pub search: Option<String>,
}

/// What agreements are sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AgreementSort {
    /// Newest first by default.
    #[default]
    CreatedAt,
    /// By title.
    Title,
    /// By start date (undated last).
    StartDate,
    /// By end date (undated last).
    EndDate,
}

const ID: (&str, &str) = ("agreements", "id");

impl AgreementSort {
    /// The list order this sort stands for.
    pub fn order(self, descending: bool) -> SortOrder {
        let by = |sort, column, kind| {
            SortOrder::by(
                "agreements",
                sort,
                ("agreements", column),
                kind,
                ID,
                descending,
            )
        };
        let by_day = |sort, column| {
            SortOrder::by_nullable_date("agreements", sort, ("agreements", column), ID, descending)
        };
        match self {
            Self::CreatedAt => by("createdAt", "created_at", KeyKind::Instant),
            Self::Title => by("title", "title", KeyKind::Text),
            Self::StartDate => by_day("startDate", "start_date"),
            Self::EndDate => by_day("endDate", "end_date"),
        }
    }
}

/// The condition "`organization` is a party to the agreement".
pub fn with_party(organization: i64) -> Condition {
    Condition::all().add(party_among(vec![organization]))
}

/// `agreements.id IN (agreements with a party among orgs)`.
fn party_among(orgs: Vec<i64>) -> sea_orm::sea_query::SimpleExpr {
    agreement::Column::Id.in_subquery(
        agreement_party::Entity::find()
            .select_only()
            .column(agreement_party::Column::AgreementId)
            .filter(agreement_party::Column::OrganizationId.is_in(orgs))
            .into_query(),
    )
}

/// The condition "one of `orgs` is a party to (or initiated) the agreement".
fn with_any_party(orgs: Vec<i64>) -> Condition {
    Condition::any()
        .add(agreement::Column::InitiatorId.is_in(orgs.clone()))
        .add(party_among(orgs))
}

/// The agreements `actor` may see.
///
/// A DRAFT is work in progress: whatever its visibility, only its parties'
/// members see it until it is proposed.
pub fn visible(actor: &Actor) -> Select<agreement::Entity> {
    agreement::Entity::find()
        .filter(visible_to(
            actor,
            agreement::Column::Visibility,
            with_any_party,
        ))
        .filter(not_a_draft_or_mine(actor))
}

fn not_a_draft_or_mine(actor: &Actor) -> Condition {
    let members = actor.member_of();
    let cond = Condition::any().add(agreement::Column::Status.ne(AgreementStatus::Draft));
    if members.is_empty() {
        cond
    } else {
        cond.add(with_any_party(members))
    }
}

/// What anyone sees, logged in or not: PUBLIC agreements past DRAFT
/// (`visible` for an anonymous caller). The maintained dashboard figures
/// count these.
pub fn seen_by_anyone() -> Condition {
    Condition::all()
        .add(agreement::Column::Visibility.eq(Visibility::Public))
        .add(agreement::Column::Status.ne(AgreementStatus::Draft))
}

/// The agreements `actor` sees besides [`seen_by_anyone`]: with it, all of
/// [`visible`]. `None` when there are none to look for.
pub fn visible_beyond_public(actor: &Actor) -> Option<Select<agreement::Entity>> {
    let shared = shared_with(actor, agreement::Column::Visibility, with_any_party)?;
    Some(
        agreement::Entity::find()
            .filter(shared)
            .filter(not_a_draft_or_mine(actor))
            .filter(seen_by_anyone().not()),
    )
}

/// Lists the agreements `actor` may see, filtered and ordered.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    filter: &AgreementFilter,
    sort: Ranking<AgreementSort>,
    descending: bool,
    args: PageArgs,
    limits: PageLimits,
) -> DomainResult<Page<agreement::Model>> {
    let mut cond = Condition::all()
        .add(filter.start_date.condition(agreement::Column::StartDate))
        .add(filter.end_date.condition(agreement::Column::EndDate));
    if let Some(statuses) = &filter.statuses {
        cond = cond.add(agreement::Column::Status.is_in(statuses.iter().copied()));
    }
    if let Some(kinds) = &filter.kinds {
        cond = cond.add(agreement::Column::Kind.is_in(kinds.iter().copied()));
    }
    if let Some(initiator) = filter.initiator_id {
        cond = cond.add(agreement::Column::InitiatorId.eq(initiator));
    }
    if let Some(party) = filter.party_id {
        cond = cond.add(with_party(party));
    }
    let (select, order) = searched(
        db.get_database_backend(),
        Indexed::Agreements,
        "agreements",
        filter.search.as_deref(),
        visible(actor).filter(cond),
        sort,
        descending,
        AgreementSort::order,
    )?;
    paginate(db, select, &order, args, limits).await
}

/// The agreements with these ids that `actor` may see.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    ids: &[i64],
) -> DomainResult<HashMap<i64, agreement::Model>> {
    load_by_ids(db, visible(actor), agreement::Column::Id, ids, |m| m.id).await
}

/// Each organization's agreements (as any party), newest first.
pub fn of_organizations(actor: &Actor) -> ChildQuery<agreement::Entity> {
    ChildQuery::through(
        visible(actor),
        "agreement_parties",
        ("agreement_id", "organization_id"),
        agreement::Column::Id,
        SortOrder::by(
            "Organization.agreements",
            "createdAt",
            ("agreements", "created_at"),
            KeyKind::Instant,
            ID,
            true,
        ),
    )
}

/// Each agreement's parties, initiator first. The caller has already checked
/// that the agreement itself is visible.
pub fn parties_of_agreements() -> ChildQuery<agreement_party::Entity> {
    ChildQuery::new(
        agreement_party::Entity::find(),
        ("agreement_parties", "agreement_id"),
        SortOrder::by_id("Agreement.parties", ("agreement_parties", "id"), false),
    )
}

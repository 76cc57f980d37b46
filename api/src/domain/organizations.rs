//! Organizations: the public registry of institutions and NGOs. Every
//! organization is visible to everyone; what they own carries its own
//! visibility.

use std::collections::HashMap;

use entities::{enums::OrganizationKind, organization};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, sea_query::ExprTrait,
};

use super::{
    column,
    error::DomainResult,
    input::fields,
    keyset::{KeyKind, SortOrder},
    listing::{ChildQuery, paginate},
    load_by_ids,
    pagination::{Page, PageArgs, PageLimits},
    search::{Indexed, Ranking, searched},
};

/// Which organizations a list shows.
#[derive(Debug, Clone, Default)]
pub struct OrganizationFilter {
    /// Only these kinds.
    pub kinds: Option<Vec<OrganizationKind>>,
    /// Only these counties (exact names, e.g. "Timiș").
    pub counties: Option<Vec<String>>,
    /// Full-text search (web search syntax).
    pub search: Option<String>,
}

/// What organizations are sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OrganizationSort {
    /// Alphabetically by name.
    #[default]
    Name,
    /// By creation time.
    CreatedAt,
}

impl OrganizationSort {
    /// The list order this sort stands for.
    pub fn order(self, descending: bool) -> SortOrder {
        let (sort, column, kind) = match self {
            Self::Name => ("name", "name", KeyKind::Text),
            Self::CreatedAt => ("createdAt", "created_at", KeyKind::Instant),
        };
        SortOrder::by(
            "organizations",
            sort,
            ("organizations", column),
            kind,
            ("organizations", "id"),
            descending,
        )
    }
}

/// Lists organizations, filtered and ordered, one page at a time.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &OrganizationFilter,
    sort: Ranking<OrganizationSort>,
    descending: bool,
    args: PageArgs,
    limits: PageLimits,
) -> DomainResult<Page<organization::Model>> {
    let mut cond = Condition::all();
    if let Some(kinds) = &filter.kinds {
        cond = cond.add(organization::Column::Kind.is_in(kinds.iter().copied()));
    }
    if let Some(counties) = &filter.counties {
        cond = cond.add(organization::Column::County.is_in(counties.iter().cloned()));
    }
    let (select, order) = searched(
        db.get_database_backend(),
        Indexed::Organizations,
        "organizations",
        filter.search.as_deref(),
        organization::Entity::find().filter(cond),
        sort,
        descending,
        OrganizationSort::order,
    )?;
    paginate(db, select, &order, args, limits).await
}

/// Organizations by id.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> DomainResult<HashMap<i64, organization::Model>> {
    load_by_ids(
        db,
        organization::Entity::find(),
        organization::Column::Id,
        ids,
        |m| m.id,
    )
    .await
}

/// One organization by its slug (cleaned like any text input first, so a
/// control character is a user error rather than a database one).
pub async fn by_slug<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> DomainResult<Option<organization::Model>> {
    let slug = fields::SLUG_LOOKUP.clean(slug)?.to_lowercase();
    Ok(organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// The organizations that organize each activity (those that accepted
/// being listed), in the order they were listed.
pub fn organizers_of_activities() -> ChildQuery<organization::Entity> {
    let accepted = column("activity_organizers", "accepted_at").is_not_null();
    ChildQuery::through(
        organization::Entity::find().filter(accepted),
        "activity_organizers",
        ("organization_id", "activity_id"),
        organization::Column::Id,
        SortOrder::by_id("Activity.organizers", ("activity_organizers", "id"), false),
    )
}

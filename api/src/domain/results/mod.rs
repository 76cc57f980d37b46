//! Funded projects and their result indicators. Projects are public: the
//! beneficiaries of public funds publish their results.
//!
//! An indicator's achieved value is either entered by an editor (stored in
//! `indicators.achieved`) or derived from the project's activities by a
//! named rule ([`IndicatorDerivation`](entities::enums::IndicatorDerivation)).
//! A derived value is not stored: it is counted when read, for the viewer,
//! over the activities the viewer may see ([`super::derived_values`]), so a
//! PRIVATE course moves only what its organizers' members read. The
//! `achieved` column of a derived indicator stays 0 and is served to nobody;
//! it is no hidden total of every visibility, so neither the column nor the
//! audit log's snapshots of the indicator carry one. Switching a derived
//! indicator to entered starts it from the value the public sees (see
//! [`IndicatorChanges::derivation`]).
//!
//! Projects are created and edited in `projects`, indicators in
//! `indicators`, each change through [`Write`](super::write::Write), the
//! one mutation skeleton; the lists and loads are here.

mod indicators;
mod projects;

pub use indicators::{IndicatorChanges, NewIndicator, create_indicator, update_indicator};
pub use projects::{ProjectFields, create_project, update_project};

use std::collections::HashMap;

use entities::{indicator, project};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use super::{
    DateRange,
    error::DomainResult,
    keyset::{KeyKind, SortOrder},
    listing::{ChildQuery, paginate},
    load_by_ids,
    pagination::{Page, PageArgs, PageLimits},
    search_condition,
};

/// Which projects a list shows.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    /// Only projects of this beneficiary.
    pub owner_id: Option<i64>,
    /// Start date within this range.
    pub start_date: DateRange,
    /// Case- and diacritics-insensitive search in code, title, programme.
    pub search: Option<String>,
}

/// What projects are sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProjectSort {
    /// By start date.
    #[default]
    StartDate,
    /// By title.
    Title,
    /// By code.
    Code,
}

impl ProjectSort {
    /// The order this sort stands for in `list` (which names it in cursors).
    pub fn order(self, list: &'static str, descending: bool) -> SortOrder {
        let (sort, column, kind) = match self {
            Self::StartDate => ("startDate", "start_date", KeyKind::Date),
            Self::Title => ("title", "title", KeyKind::Text),
            Self::Code => ("code", "code", KeyKind::Text),
        };
        SortOrder::by(
            list,
            sort,
            ("projects", column),
            kind,
            ("projects", "id"),
            descending,
        )
    }
}

/// Lists projects, filtered and ordered.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &ProjectFilter,
    sort: ProjectSort,
    descending: bool,
    args: PageArgs,
    limits: PageLimits,
) -> DomainResult<Page<project::Model>> {
    let mut cond = Condition::all().add(filter.start_date.condition(project::Column::StartDate));
    if let Some(owner) = filter.owner_id {
        cond = cond.add(project::Column::OwnerId.eq(owner));
    }
    if let Some(search) = search_condition(project::Column::SearchText, filter.search.as_deref()) {
        cond = cond.add(search);
    }
    let order = sort.order("projects", descending);
    paginate(
        db,
        project::Entity::find().filter(cond),
        &order,
        args,
        limits,
    )
    .await
}

/// Projects by id.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> DomainResult<HashMap<i64, project::Model>> {
    load_by_ids(db, project::Entity::find(), project::Column::Id, ids, |m| {
        m.id
    })
    .await
}

/// Indicators by id.
pub async fn indicators_by_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> DomainResult<HashMap<i64, indicator::Model>> {
    load_by_ids(
        db,
        indicator::Entity::find(),
        indicator::Column::Id,
        ids,
        |m| m.id,
    )
    .await
}

/// Each organization's projects, newest first.
pub fn of_owners() -> ChildQuery<project::Entity> {
    ChildQuery::new(
        project::Entity::find(),
        ("projects", "owner_id"),
        ProjectSort::StartDate.order("Organization.projects", true),
    )
}

/// Each project's indicators, in the order they were defined.
pub fn indicators_of_projects() -> ChildQuery<indicator::Entity> {
    ChildQuery::new(
        indicator::Entity::find(),
        ("indicators", "project_id"),
        SortOrder::by_id("Project.indicators", ("indicators", "id"), false),
    )
}

/// How far an indicator has come: `achieved` / `target` (1.0 = reached);
/// `None` for a zero target. `achieved` is the value the viewer reads (the
/// derived one for a derived indicator); `Indicator.progress` and the
/// `stats` indicator progress both use this.
pub fn progress(target: f64, achieved: f64) -> Option<f64> {
    (target > 0.0).then(|| achieved / target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_achieved_over_target() {
        assert_eq!(progress(50.0, 50.0), Some(1.0));
        assert_eq!(progress(3.0, 2.0), Some(2.0 / 3.0));
        assert_eq!(progress(0.0, 5.0), None);
    }
}

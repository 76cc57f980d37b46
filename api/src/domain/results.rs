//! Funded projects and their result indicators. Projects are public: the
//! beneficiaries of public funds publish their results.
//!
//! An indicator's achieved value is either entered by an editor (stored in
//! `indicators.achieved`) or derived from the project's activities by a
//! named rule ([`IndicatorDerivation`]). A derived value is not stored: it
//! is counted when read, for the viewer, over the activities the viewer may
//! see ([`super::derived_values`]), so a PRIVATE course moves only what its
//! organizers' members read. The `achieved` column of a derived indicator
//! stays 0 and is served to nobody; it is no hidden total of every
//! visibility, so neither the column nor the audit log's snapshots of the
//! indicator carry one. Switching a derived indicator to entered starts it
//! from the value the public sees (see [`IndicatorChanges::derivation`]).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entities::{enums::IndicatorDerivation, indicator, project};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, Set, SqlErr, TransactionSession, TransactionTrait,
};

use super::{
    DateRange,
    actor::Actor,
    audit::{self, Author, Change},
    check_version, derived_values,
    error::{DomainError, DomainResult},
    input::fields,
    listing::{ChildQuery, OrderTerm, paginate},
    load_by_ids,
    pagination::{Page, PageArgs, PageLimits},
    policy::{Action, authorize},
    search_condition,
    text::searchable,
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
    let column = match sort {
        ProjectSort::StartDate => project::Column::StartDate,
        ProjectSort::Title => project::Column::Title,
        ProjectSort::Code => project::Column::Code,
    };
    let order = [
        OrderTerm::new(column, descending),
        OrderTerm::new(project::Column::Id, descending),
    ];
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
        vec![
            OrderTerm::desc(project::Column::StartDate),
            OrderTerm::desc(project::Column::Id),
        ],
    )
}

/// Each project's indicators, in the order they were defined.
pub fn indicators_of_projects() -> ChildQuery<indicator::Entity> {
    ChildQuery::new(
        indicator::Entity::find(),
        ("indicators", "project_id"),
        vec![OrderTerm::asc(indicator::Column::Id)],
    )
}

/// How far an indicator has come: `achieved` / `target` (1.0 = reached);
/// `None` for a zero target. `achieved` is the value the viewer reads (the
/// derived one for a derived indicator); `Indicator.progress` and the
/// `stats` indicator progress both use this.
pub fn progress(target: f64, achieved: f64) -> Option<f64> {
    (target > 0.0).then(|| achieved / target)
}

// ---------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------

/// A stored enum's name as users see it (`PEOPLE_TRAINED`).
fn name_of<E: ActiveEnum<Value = String>>(value: &E) -> String {
    value.to_value()
}

/// A quantity: finite and not negative.
fn quantity(field: &str, value: f64) -> DomainResult<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(DomainError::invalid(
            field,
            format!("`{field}` must be a number of at least 0"),
        ))
    }
}

/// What a new or edited project says.
#[derive(Debug, Clone)]
pub struct ProjectFields {
    /// Project code(s); unique across Pactum.
    pub code: String,
    /// Title.
    pub title: String,
    /// Funding programme.
    pub programme: String,
    /// Financing contract number.
    pub contract_number: Option<String>,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day (not before the first).
    pub end_date: NaiveDate,
    /// What the project sets out to do.
    pub summary: String,
}

impl ProjectFields {
    fn validated(self) -> DomainResult<Self> {
        if self.end_date < self.start_date {
            return Err(DomainError::invalid(
                "endDate",
                "the project cannot end before it starts",
            ));
        }
        Ok(Self {
            code: fields::PROJECT_CODE.required(&self.code)?,
            title: fields::PROJECT_TITLE.required(&self.title)?,
            programme: fields::PROGRAMME.required(&self.programme)?,
            contract_number: fields::CONTRACT_NUMBER.optional(self.contract_number.as_deref())?,
            start_date: self.start_date,
            end_date: self.end_date,
            summary: fields::PROJECT_SUMMARY.clean(&self.summary)?,
        })
    }

    fn search_text(&self) -> String {
        searchable(&[&self.code, &self.title, &self.programme, &self.summary])
    }
}

impl From<&project::Model> for ProjectFields {
    fn from(p: &project::Model) -> Self {
        Self {
            code: p.code.clone(),
            title: p.title.clone(),
            programme: p.programme.clone(),
            contract_number: p.contract_number.clone(),
            start_date: p.start_date,
            end_date: p.end_date,
            summary: p.summary.clone(),
        }
    }
}

/// Refuses a code another project already uses.
async fn code_is_free<C: ConnectionTrait>(
    db: &C,
    code: &str,
    except: Option<i64>,
) -> DomainResult<()> {
    let mut taken = project::Entity::find().filter(project::Column::Code.eq(code));
    if let Some(id) = except {
        taken = taken.filter(project::Column::Id.ne(id));
    }
    if taken.count(db).await? > 0 {
        return Err(code_taken());
    }
    Ok(())
}

fn code_taken() -> DomainError {
    DomainError::invalid("code", "another project already uses this code")
}

/// A unique-key violation on the code (a concurrent creation won) as the
/// same user error as the check before it.
fn on_unique_code(err: sea_orm::DbErr) -> DomainError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => code_taken(),
        _ => err.into(),
    }
}

/// Creates a project of `owner` (EDITOR of the owner).
pub async fn create_project<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    owner: i64,
    fields: ProjectFields,
    now: DateTime<Utc>,
) -> DomainResult<project::Model> {
    authorize(actor, Action::ManageProjects, owner)?;
    let fields = fields.validated()?;
    let txn = db.begin().await?;
    code_is_free(&txn, &fields.code, None).await?;
    let created = project::ActiveModel {
        owner_id: Set(owner),
        search_text: Set(fields.search_text()),
        code: Set(fields.code),
        title: Set(fields.title),
        programme: Set(fields.programme),
        contract_number: Set(fields.contract_number),
        start_date: Set(fields.start_date),
        end_date: Set(fields.end_date),
        summary: Set(fields.summary),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(on_unique_code)?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(owner),
            "project.create",
            "Project",
            created.id,
            None::<&()>,
            Some(&created),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Takes a write lock on a project's row (PostgreSQL row lock; SQLite's
/// single writer) and reads it.
async fn lock_project<C: ConnectionTrait>(db: &C, id: i64) -> DomainResult<project::Model> {
    super::lock_row::<project::Entity, _>(
        db,
        project::Column::Id,
        project::Column::Version,
        id,
        "Project",
    )
    .await?;
    project::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { entity: "Project" })
}

/// Edits a project (EDITOR of its owner); `version` is the one last read.
/// `change` receives the current fields and changes them.
pub async fn update_project<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    version: i32,
    change: impl FnOnce(&mut ProjectFields),
    now: DateTime<Utc>,
) -> DomainResult<project::Model> {
    super::policy::require_login(actor)?;
    let txn = db.begin().await?;
    let current = lock_project(&txn, id).await?;
    authorize(actor, Action::ManageProjects, current.owner_id)?;
    check_version("project", version, current.version)?;
    let mut fields = ProjectFields::from(&current);
    change(&mut fields);
    let fields = fields.validated()?;
    if fields.code != current.code {
        code_is_free(&txn, &fields.code, Some(id)).await?;
    }
    let before = current.clone();
    let mut active: project::ActiveModel = current.into();
    active.search_text = Set(fields.search_text());
    active.code = Set(fields.code);
    active.title = Set(fields.title);
    active.programme = Set(fields.programme);
    active.contract_number = Set(fields.contract_number);
    active.start_date = Set(fields.start_date);
    active.end_date = Set(fields.end_date);
    active.summary = Set(fields.summary);
    active.version = Set(before.version + 1);
    let updated = active.update(&txn).await.map_err(on_unique_code)?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(updated.owner_id),
            "project.update",
            "Project",
            updated.id,
            Some(&before),
            Some(&updated),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// What a new indicator says.
#[derive(Debug, Clone)]
pub struct NewIndicator {
    /// What is measured.
    pub name: String,
    /// Unit ("persoane", "documente", ...).
    pub unit: String,
    /// Value before the project.
    pub baseline: f64,
    /// Value aimed for.
    pub target: f64,
    /// Value reached so far, for an entered indicator.
    pub achieved: Option<f64>,
    /// The rule the value is derived by, for a derived indicator.
    pub derivation: Option<IndicatorDerivation>,
}

/// The user error for a value entered on a derived indicator.
fn derived_refuses_value(rule: IndicatorDerivation) -> DomainError {
    DomainError::invalid(
        "achieved",
        format!(
            "this indicator is derived from the project's activities ({}); its achieved value cannot be entered",
            name_of(&rule)
        ),
    )
}

/// Adds an indicator to a project (EDITOR of the project's owner). A
/// derived indicator stores 0: its value is counted for each reader.
pub async fn create_indicator<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    project_id: i64,
    new: NewIndicator,
    now: DateTime<Utc>,
) -> DomainResult<indicator::Model> {
    super::policy::require_login(actor)?;
    let txn = db.begin().await?;
    let project = lock_project(&txn, project_id).await?;
    authorize(actor, Action::ManageProjects, project.owner_id)?;
    if let (Some(rule), Some(_)) = (new.derivation, new.achieved) {
        return Err(derived_refuses_value(rule));
    }
    let created = indicator::ActiveModel {
        project_id: Set(project_id),
        name: Set(fields::INDICATOR_NAME.required(&new.name)?),
        unit: Set(fields::INDICATOR_UNIT.clean(&new.unit)?),
        baseline: Set(quantity("baseline", new.baseline)?),
        target: Set(quantity("target", new.target)?),
        achieved: Set(quantity("achieved", new.achieved.unwrap_or(0.0))?),
        derivation: Set(new.derivation),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(project.owner_id),
            "indicator.create",
            "Indicator",
            created.id,
            None::<&()>,
            Some(&created),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes to an indicator; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct IndicatorChanges {
    /// What is measured.
    pub name: Option<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Value before the project.
    pub baseline: Option<f64>,
    /// Value aimed for.
    pub target: Option<f64>,
    /// Value reached (entered indicators only).
    pub achieved: Option<f64>,
    /// A new rule. `Some(None)`: the value is entered from now on, starting
    /// from `achieved` when given, else from the value the rule gives for
    /// the public (PUBLIC activities only): an entered value is read by
    /// everyone, so it may not start from a count of activities some
    /// readers may not see.
    pub derivation: Option<Option<IndicatorDerivation>>,
}

/// Edits an indicator (EDITOR of the project's owner); `version` is the
/// one last read. A derived indicator refuses an entered value.
pub async fn update_indicator<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    version: i32,
    changes: IndicatorChanges,
    now: DateTime<Utc>,
) -> DomainResult<indicator::Model> {
    super::policy::require_login(actor)?;
    let txn = db.begin().await?;
    super::lock_row::<indicator::Entity, _>(
        &txn,
        indicator::Column::Id,
        indicator::Column::Version,
        id,
        "Indicator",
    )
    .await?;
    let current =
        indicator::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(DomainError::NotFound {
                entity: "Indicator",
            })?;
    let project = project::Entity::find_by_id(current.project_id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound { entity: "Project" })?;
    authorize(actor, Action::ManageProjects, project.owner_id)?;
    check_version("indicator", version, current.version)?;
    let derivation = changes.derivation.unwrap_or(current.derivation);
    if let (Some(rule), Some(_)) = (derivation, changes.achieved) {
        return Err(derived_refuses_value(rule));
    }
    let before = current.clone();
    let mut active: indicator::ActiveModel = current.into();
    if let Some(name) = &changes.name {
        active.name = Set(fields::INDICATOR_NAME.required(name)?);
    }
    if let Some(unit) = &changes.unit {
        active.unit = Set(fields::INDICATOR_UNIT.clean(unit)?);
    }
    if let Some(baseline) = changes.baseline {
        active.baseline = Set(quantity("baseline", baseline)?);
    }
    if let Some(target) = changes.target {
        active.target = Set(quantity("target", target)?);
    }
    if let Some(achieved) = changes.achieved {
        active.achieved = Set(quantity("achieved", achieved)?);
    }
    if changes.derivation.is_some() {
        active.derivation = Set(derivation);
    }
    match (before.derivation, derivation) {
        // A derived value is counted for each reader, never stored.
        (_, Some(_)) => active.achieved = Set(0.0),
        // Derived until now, entered from now on: start from the public
        // value unless the editor entered one.
        (Some(rule), None) if changes.achieved.is_none() => {
            let public =
                derived_values::value(&txn, &Actor::Anonymous, before.project_id, rule).await?;
            active.achieved = Set(public);
        }
        _ => {}
    }
    active.version = Set(before.version + 1);
    let updated = active.update(&txn).await?;
    audit::append(
        &txn,
        Author::Actor(actor),
        Change::of(
            Some(project.owner_id),
            "indicator.update",
            "Indicator",
            updated.id,
            Some(&before),
            Some(&updated),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
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

//! Adding and editing a project's result indicators (EDITORs of the
//! project's owner); a derived indicator refuses an entered value.

use chrono::{DateTime, Utc};
use entities::{enums::IndicatorDerivation, indicator, project};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, Set, TransactionSession, TransactionTrait,
};

use super::projects::lock_project;
use crate::domain::{
    actor::Actor,
    audit::{Author, Change},
    check_version, derived_values,
    error::{DomainError, DomainResult},
    input::fields,
    name_of,
    policy::{self, Action},
    write::Write,
};

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

/// Notes the audit entry of a change of `indicator` in `owner` (the
/// project's owner).
fn audit_indicator<T>(
    txn: &mut Write<'_, T>,
    owner: i64,
    action: &'static str,
    before: Option<&indicator::Model>,
    after: &indicator::Model,
) where
    T: ConnectionTrait + TransactionSession + Send,
{
    txn.audit(Change::of(
        Some(owner),
        action,
        "Indicator",
        after.id,
        before,
        Some(after),
    ));
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
    policy::require_login(actor)?;
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let project = lock_project(&txn, project_id).await?;
    txn.authorize(Action::ManageProjects, project.owner_id)?;
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
    audit_indicator(
        &mut txn,
        project.owner_id,
        "indicator.create",
        None,
        &created,
    );
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
    policy::require_login(actor)?;
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    txn.lock::<indicator::Entity>(
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
    txn.authorize(Action::ManageProjects, project.owner_id)?;
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
    audit_indicator(
        &mut txn,
        project.owner_id,
        "indicator.update",
        Some(&before),
        &updated,
    );
    txn.commit().await?;
    Ok(updated)
}

//! Creating and editing projects (EDITORs of the beneficiary). A project's
//! code is unique across Pactum.

use chrono::{DateTime, NaiveDate, Utc};
use entities::project;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

use crate::domain::{
    actor::Actor,
    audit::{Author, Change},
    check_version,
    error::{DomainError, DomainResult},
    input::fields,
    policy::{self, Action, authorize},
    text::searchable,
    write::Write,
};

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
    /// Last day of the sustainability period (not before the last day).
    pub sustainability_end_date: Option<NaiveDate>,
}

impl ProjectFields {
    fn validated(self) -> DomainResult<Self> {
        if self.end_date < self.start_date {
            return Err(DomainError::invalid(
                "endDate",
                "the project cannot end before it starts",
            ));
        }
        if self
            .sustainability_end_date
            .is_some_and(|s| s < self.end_date)
        {
            return Err(DomainError::invalid(
                "sustainabilityEndDate",
                "the sustainability period cannot end before the project does",
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
            sustainability_end_date: self.sustainability_end_date,
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
            sustainability_end_date: p.sustainability_end_date,
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
    DomainError::taken("code", CODE_TAKEN)
}

/// What a project code already in use is told as (by the check, and by
/// the unique key when a concurrent creation won).
const CODE_TAKEN: &str = "another project already uses this code";

/// The unique key on a project's code, as [`DomainError::on_unique`] reads it.
const CODE_KEY: &[(&str, &str, &str)] = &[("code", "code", CODE_TAKEN)];

/// Notes the audit entry of a change of `project` in its owner.
fn audit_project<T>(
    txn: &mut Write<'_, T>,
    action: &'static str,
    before: Option<&project::Model>,
    after: &project::Model,
) where
    T: ConnectionTrait + TransactionSession + Send,
{
    txn.audit(Change::of(
        Some(after.owner_id),
        action,
        "Project",
        after.id,
        before,
        Some(after),
    ));
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
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
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
        sustainability_end_date: Set(fields.sustainability_end_date),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|err| DomainError::on_unique(err, CODE_KEY))?;
    audit_project(&mut txn, "project.create", None, &created);
    txn.commit().await?;
    Ok(created)
}

/// Takes a write lock on a project's row (PostgreSQL row lock; SQLite's
/// single writer) and reads it.
pub(super) async fn lock_project<T>(txn: &Write<'_, T>, id: i64) -> DomainResult<project::Model>
where
    T: ConnectionTrait + TransactionSession + Send,
{
    txn.lock::<project::Entity>(project::Column::Id, project::Column::Version, id, "Project")
        .await?;
    project::Entity::find_by_id(id)
        .one(txn)
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
    policy::require_login(actor)?;
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let current = lock_project(&txn, id).await?;
    txn.authorize(Action::ManageProjects, current.owner_id)?;
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
    active.sustainability_end_date = Set(fields.sustainability_end_date);
    active.version = Set(before.version + 1);
    let updated = active
        .update(&txn)
        .await
        .map_err(|err| DomainError::on_unique(err, CODE_KEY))?;
    audit_project(&mut txn, "project.update", Some(&before), &updated);
    txn.commit().await?;
    Ok(updated)
}

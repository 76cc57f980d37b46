//! Creating organizations and editing their public profile. Any logged-in
//! person may register an organization and becomes its OWNER; its EDITORs
//! and above edit the profile, carrying the `version` they read. The fiscal
//! code's check digit is verified; slug and fiscal code are unique, and a
//! clash (checked first, and mapped from the unique index when two requests
//! race) is a `TAKEN` user error on that field.

use chrono::{DateTime, Utc};
use entities::{
    enums::{MemberRole, OrganizationKind},
    organization,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, TransactionTrait,
};

use super::{
    accounts::grant_role,
    actor::Actor,
    audit::{Author, Change},
    check_version,
    error::{DomainError, DomainResult},
    fiscal_code,
    input::fields,
    policy::{Action, authorize, may_create_organization},
    text::searchable,
    values::{EmailAddress, Slug},
    write::Write,
};

/// The unique keys of `organizations`, as the database names them, with the
/// input field each belongs to.
const UNIQUE_KEYS: &[(&str, &str, &str)] = &[
    (
        "slug",
        "slug",
        "this slug is already used by another organization",
    ),
    (
        "fiscal_code",
        "fiscalCode",
        "another organization is registered with this fiscal code",
    ),
];

/// A profile as entered for a new organization.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    /// Official name.
    pub name: String,
    /// URL handle; derived from the name when absent.
    pub slug: Option<String>,
    /// Kind of body.
    pub kind: OrganizationKind,
    /// Fiscal code (CIF), with or without "RO".
    pub fiscal_code: Option<String>,
    /// County.
    pub county: Option<String>,
    /// Locality.
    pub locality: Option<String>,
    /// Website (http or https).
    pub website: Option<String>,
    /// Public contact address.
    pub contact_email: Option<String>,
    /// Short presentation.
    pub description: Option<String>,
}

/// Changes to a profile: `None` leaves a field alone; for optional fields
/// `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfileChanges {
    /// New name.
    pub name: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New kind.
    pub kind: Option<OrganizationKind>,
    /// New or cleared fiscal code.
    pub fiscal_code: Option<Option<String>>,
    /// New or cleared county.
    pub county: Option<Option<String>>,
    /// New or cleared locality.
    pub locality: Option<Option<String>>,
    /// New or cleared website.
    pub website: Option<Option<String>>,
    /// New or cleared contact address.
    pub contact_email: Option<Option<String>>,
    /// New or cleared presentation.
    pub description: Option<Option<String>>,
}

fn valid_fiscal_code(code: Option<String>) -> DomainResult<Option<String>> {
    fields::FISCAL_CODE
        .optional(code.as_deref())?
        .map(|c| {
            fiscal_code::parse(&c).map_err(|e| DomainError::invalid("fiscalCode", e.to_string()))
        })
        .transpose()
}

fn valid_website(url: Option<String>) -> DomainResult<Option<String>> {
    let Some(url) = fields::WEBSITE.optional(url.as_deref())? else {
        return Ok(None);
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !url.chars().any(char::is_whitespace) => Ok(Some(url)),
        _ => Err(DomainError::invalid(
            "website",
            "the website must be an http:// or https:// address",
        )),
    }
}

fn valid_email(email: Option<String>) -> DomainResult<Option<String>> {
    fields::CONTACT_EMAIL
        .optional(email.as_deref())?
        .map(|e| EmailAddress::parse("contactEmail", &e).map(EmailAddress::into_string))
        .transpose()
}

/// Refuses a slug or fiscal code another organization (than `except`)
/// already has.
async fn ensure_free<C: ConnectionTrait>(
    db: &C,
    slug: &str,
    fiscal_code: Option<&str>,
    except: Option<i64>,
) -> DomainResult<()> {
    let others = |col: organization::Column, value: &str| {
        let mut q = organization::Entity::find().filter(col.eq(value));
        if let Some(id) = except {
            q = q.filter(organization::Column::Id.ne(id));
        }
        q
    };
    if others(organization::Column::Slug, slug).count(db).await? > 0 {
        return Err(DomainError::taken("slug", UNIQUE_KEYS[0].2));
    }
    if let Some(code) = fiscal_code
        && others(organization::Column::FiscalCode, code)
            .count(db)
            .await?
            > 0
    {
        return Err(DomainError::taken("fiscalCode", UNIQUE_KEYS[1].2));
    }
    Ok(())
}

fn search_text(m: &organization::Model) -> String {
    searchable(&[
        &m.name,
        m.county.as_deref().unwrap_or_default(),
        m.locality.as_deref().unwrap_or_default(),
        m.description.as_deref().unwrap_or_default(),
    ])
}

/// Registers an organization; the creator becomes its OWNER.
#[tracing::instrument(skip(db, actor, new), fields(name = %new.name))]
pub async fn create<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Actor,
    new: NewOrganization,
    now: DateTime<Utc>,
) -> DomainResult<organization::Model> {
    let user_id = may_create_organization(actor)?;
    let name = fields::ORGANIZATION_NAME.required(&new.name)?;
    let slug = match new.slug.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => Slug::parse(slug)?,
        None => Slug::from_name(&name)?,
    }
    .into_string();
    let fiscal_code = valid_fiscal_code(new.fiscal_code)?;
    let website = valid_website(new.website)?;
    let contact_email = valid_email(new.contact_email)?;
    let county = fields::COUNTY.optional(new.county.as_deref())?;
    let locality = fields::LOCALITY.optional(new.locality.as_deref())?;
    let description = fields::ORGANIZATION_DESCRIPTION.optional(new.description.as_deref())?;
    // Checked before the transaction, whose first statement must write (on
    // SQLite a transaction that reads first cannot wait for the lock); a
    // racing twin is caught by the unique index below.
    ensure_free(db, &slug, fiscal_code.as_deref(), None).await?;
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    let mut model = organization::Model {
        id: 0,
        slug,
        name,
        kind: new.kind,
        fiscal_code,
        county,
        locality,
        website,
        contact_email,
        description,
        search_text: String::new(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    model.search_text = search_text(&model);
    let mut active = model.into_active_model().reset_all();
    active.id = NotSet;
    let created = active
        .insert(&txn)
        .await
        .map_err(|e| DomainError::on_unique(e, UNIQUE_KEYS))?;
    grant_role(&txn, user_id, created.id, MemberRole::Owner, now).await?;
    txn.audit(Change::of(
        Some(created.id),
        "organization.create",
        "Organization",
        created.id,
        None::<&()>,
        Some(&created),
    ));
    txn.commit().await?;
    Ok(created)
}

/// Edits an organization's profile (EDITOR), from the `version` read.
#[tracing::instrument(skip(db, actor, changes))]
pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    organization_id: i64,
    version: i32,
    changes: ProfileChanges,
    now: DateTime<Utc>,
) -> DomainResult<organization::Model> {
    authorize(actor, Action::EditProfile, organization_id)?;
    let mut txn = Write::begin(db, Author::Actor(actor), now).await?;
    // Lock the row first: two edits from the same version must not both
    // pass the version check.
    txn.lock::<organization::Entity>(
        organization::Column::Id,
        organization::Column::Version,
        organization_id,
        "Organization",
    )
    .await?;
    let before = organization::Entity::find_by_id(organization_id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound {
            entity: "Organization",
        })?;
    check_version("organization", version, before.version)?;
    let mut next = before.clone();
    if let Some(name) = changes.name {
        next.name = fields::ORGANIZATION_NAME.required(&name)?;
    }
    if let Some(slug) = changes.slug {
        next.slug = Slug::parse(&slug)?.into_string();
    }
    if let Some(kind) = changes.kind {
        next.kind = kind;
    }
    if let Some(code) = changes.fiscal_code {
        next.fiscal_code = valid_fiscal_code(code)?;
    }
    if let Some(county) = changes.county {
        next.county = fields::COUNTY.optional(county.as_deref())?;
    }
    if let Some(locality) = changes.locality {
        next.locality = fields::LOCALITY.optional(locality.as_deref())?;
    }
    if let Some(website) = changes.website {
        next.website = valid_website(website)?;
    }
    if let Some(email) = changes.contact_email {
        next.contact_email = valid_email(email)?;
    }
    if let Some(description) = changes.description {
        next.description = fields::ORGANIZATION_DESCRIPTION.optional(description.as_deref())?;
    }
    ensure_free(
        &txn,
        &next.slug,
        next.fiscal_code.as_deref(),
        Some(organization_id),
    )
    .await?;
    next.search_text = search_text(&next);
    next.version = before.version + 1;
    next.updated_at = now;
    let active = next.into_active_model().reset_all();
    let updated = active
        .update(&txn)
        .await
        .map_err(|e| DomainError::on_unique(e, UNIQUE_KEYS))?;
    txn.audit(Change::of(
        Some(organization_id),
        "organization.update",
        "Organization",
        organization_id,
        Some(&before),
        Some(&updated),
    ));
    txn.commit().await?;
    Ok(updated)
}

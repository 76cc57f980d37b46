//! What an activity must satisfy before it is written: a sound schedule
//! and online link, an agreement and project the lead organizer may use,
//! organizations that exist, a number of certificates that is not negative.

use chrono::NaiveDate;
use entities::{
    activity, agreement, agreement_party, enums::AgreementStatus, organization, project,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::domain::name_of;
use crate::domain::{
    error::{DomainError, DomainResult},
    input::fields,
    text::searchable,
};

/// Checks an online link: an absolute http(s) URL with a host.
pub(super) fn online_url(value: Option<&str>) -> DomainResult<Option<String>> {
    let Some(value) = fields::ONLINE_URL.optional(value)? else {
        return Ok(None);
    };
    match url::Url::parse(&value) {
        Ok(parsed)
            if matches!(parsed.scheme(), "http" | "https")
                && parsed.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            Ok(Some(value))
        }
        _ => Err(DomainError::invalid(
            "onlineUrl",
            "the online link must be an http:// or https:// address",
        )),
    }
}

/// Where and when: the part of an activity frozen once it is no longer
/// PLANNED.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Schedule {
    pub(super) start_date: NaiveDate,
    pub(super) end_date: NaiveDate,
    pub(super) place: Option<String>,
    pub(super) online_url: Option<String>,
}

impl Schedule {
    pub(super) fn of(model: &activity::Model) -> Self {
        Self {
            start_date: model.start_date,
            end_date: model.end_date,
            place: model.place.clone(),
            online_url: model.online_url.clone(),
        }
    }

    pub(super) fn check(&self) -> DomainResult<()> {
        if self.end_date < self.start_date {
            return Err(DomainError::invalid(
                "endDate",
                "the activity cannot end before it starts",
            ));
        }
        if self.place.is_none() && self.online_url.is_none() {
            return Err(DomainError::invalid(
                "place",
                "give a place, an online link, or both",
            ));
        }
        Ok(())
    }

    pub(super) fn json(&self) -> serde_json::Value {
        json!({
            "startDate": self.start_date,
            "endDate": self.end_date,
            "place": self.place,
            "onlineUrl": self.online_url,
        })
    }
}

/// Refuses a negative number of certificates issued.
pub(super) fn check_certificates(certificates: i32) -> DomainResult<()> {
    if certificates < 0 {
        return Err(DomainError::invalid(
            "certificatesIssued",
            "`certificatesIssued` cannot be negative",
        ));
    }
    Ok(())
}

/// Refuses an agreement the owner is not a party to, or one that is not
/// ACTIVE or PROPOSED.
pub(super) async fn check_agreement<C: ConnectionTrait>(
    db: &C,
    owner: i64,
    agreement_id: i64,
) -> DomainResult<()> {
    let party = agreement_party::Entity::find()
        .filter(agreement_party::Column::AgreementId.eq(agreement_id))
        .filter(agreement_party::Column::OrganizationId.eq(owner))
        .count(db)
        .await?
        > 0;
    let found = agreement::Entity::find_by_id(agreement_id).one(db).await?;
    let Some(found) = found.filter(|_| party) else {
        return Err(DomainError::invalid(
            "agreementId",
            "the lead organizer is not a party to this agreement",
        ));
    };
    if !matches!(
        found.status,
        AgreementStatus::Active | AgreementStatus::Proposed
    ) {
        return Err(DomainError::invalid(
            "agreementId",
            format!(
                "the agreement is {}; an activity can implement only an ACTIVE or PROPOSED agreement",
                name_of(&found.status)
            ),
        ));
    }
    Ok(())
}

/// Refuses a project that is not the owner's.
pub(super) async fn check_project<C: ConnectionTrait>(
    db: &C,
    owner: i64,
    project_id: i64,
) -> DomainResult<()> {
    let owned = project::Entity::find_by_id(project_id)
        .filter(project::Column::OwnerId.eq(owner))
        .count(db)
        .await?
        > 0;
    if !owned {
        return Err(DomainError::invalid(
            "projectId",
            "the project is not one of the lead organizer's",
        ));
    }
    Ok(())
}

/// Refuses an organization that does not exist.
pub(super) async fn check_organization<C: ConnectionTrait>(db: &C, id: i64) -> DomainResult<()> {
    if organization::Entity::find_by_id(id).count(db).await? == 0 {
        return Err(DomainError::invalid(
            "organizationId",
            "there is no such organization",
        ));
    }
    Ok(())
}

pub(super) fn search_text(title: &str, description: &str, place: Option<&str>) -> String {
    searchable(&[title, description, place.unwrap_or_default()])
}

//! The demo people: users and their memberships, so that the alerts of the
//! demo's organizations reach someone on the default run. Nobody logs in as
//! them through an identity provider; `pactum session create` opens a
//! session for one.

use entities::user;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

use super::{Ids, at, id, records::PersonSpec};
use crate::domain::{accounts::grant_role, error::DomainResult, values::EmailAddress};

/// Inserts each person (refusing an address the API would refuse) with
/// their membership; returns how many.
pub(super) async fn insert_people<T: ConnectionTrait>(
    txn: &T,
    specs: &[PersonSpec],
    orgs: &Ids<'_>,
) -> DomainResult<usize> {
    for p in specs {
        let created = at(p.created, 8)?;
        let email = EmailAddress::parse("email", &p.email)?.into_string();
        let person = user::ActiveModel {
            email: Set(email),
            display_name: Set(p.name.clone()),
            preferred_language: Set(p.language),
            created_at: Set(created),
            updated_at: Set(created),
            last_login_at: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        grant_role(txn, person.id, id(orgs, &p.org)?, p.role, created).await?;
    }
    Ok(specs.len())
}

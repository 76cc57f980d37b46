//! Who may see what: the one visibility rule of Pactum, written once as an SQL
//! condition (so lists, counts and aggregates never leak) and once as a check
//! on a loaded record, kept in step by the tests below.
//!
//! Today every request is anonymous and sees PUBLIC records only; the login
//! issue extends [`Actor`] with members (PRIVATE to the owner's members) and
//! partners (PARTNERS to members of organizations sharing an ACTIVE agreement
//! with the owner).

use entities::enums::Visibility;
use sea_orm::{ColumnTrait, Condition};

/// Who is making a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Actor {
    /// Nobody logged in.
    #[default]
    Anonymous,
}

/// Restricts rows whose visibility sits in `visibility` (a column of the
/// owning record) to those `actor` may see.
pub fn visible_to<C: ColumnTrait>(actor: &Actor, visibility: C) -> Condition {
    match actor {
        Actor::Anonymous => Condition::all().add(visibility.eq(Visibility::Public)),
    }
}

/// Whether `actor` may see a loaded record with this visibility.
pub fn can_see(actor: &Actor, visibility: Visibility) -> bool {
    match actor {
        Actor::Anonymous => visibility == Visibility::Public,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{DbBackend, EntityTrait, QueryFilter, QueryTrait};

    #[test]
    fn anonymous_sees_public_only() {
        assert!(can_see(&Actor::Anonymous, Visibility::Public));
        assert!(!can_see(&Actor::Anonymous, Visibility::Partners));
        assert!(!can_see(&Actor::Anonymous, Visibility::Private));
    }

    #[test]
    fn the_sql_condition_says_the_same() {
        let sql = entities::document::Entity::find()
            .filter(visible_to(
                &Actor::Anonymous,
                entities::document::Column::Visibility,
            ))
            .build(DbBackend::Postgres)
            .to_string();
        assert!(
            sql.ends_with(r#"WHERE "documents"."visibility" = 'PUBLIC'"#),
            "{sql}"
        );
    }
}

//! Who may see what: the one visibility rule of Pactum, written once as an SQL
//! condition (so lists, counts and aggregates never leak) and once as a check
//! on a loaded record, kept in step by the tests below.
//!
//! - PUBLIC: anyone, even without login;
//! - PARTNERS: members of an owner, and members of organizations that share
//!   an ACTIVE agreement with an owner;
//! - PRIVATE: members of an owner only.
//!
//! A record's owners are its owner organization (documents), its parties
//! (agreements) or its organizers (activities). An API token sees what a
//! member of its organization sees.

use entities::enums::Visibility;
use sea_orm::{ColumnTrait, Condition};

use super::actor::Actor;

/// Restricts rows whose visibility sits in `visibility` to those `actor`
/// may see; `owned_by(orgs)` is the condition "one of `orgs` owns the row".
pub fn visible_to<C: ColumnTrait>(
    actor: &Actor,
    visibility: C,
    owned_by: impl Fn(Vec<i64>) -> Condition,
) -> Condition {
    shared_branches(actor, visibility, owned_by)
        .into_iter()
        .fold(
            Condition::any().add(visibility.eq(Visibility::Public)),
            Condition::add,
        )
}

/// The rows `actor` may see because of who they are rather than because
/// they are PUBLIC: everything their organizations own, and PARTNERS rows
/// of their partners. `None` for an actor who belongs to no organization.
/// The maintained dashboard figures count PUBLIC rows; a member's figures
/// add what this matches (see [`super::stats`]).
pub fn shared_with<C: ColumnTrait>(
    actor: &Actor,
    visibility: C,
    owned_by: impl Fn(Vec<i64>) -> Condition,
) -> Option<Condition> {
    let branches = shared_branches(actor, visibility, owned_by);
    (!branches.is_empty()).then(|| branches.into_iter().fold(Condition::any(), Condition::add))
}

/// The members' branch and the partners' branch of the rule, those that
/// apply to `actor`.
fn shared_branches<C: ColumnTrait>(
    actor: &Actor,
    visibility: C,
    owned_by: impl Fn(Vec<i64>) -> Condition,
) -> Vec<Condition> {
    let mut branches = Vec::new();
    let members = actor.member_of();
    if !members.is_empty() {
        branches.push(owned_by(members));
    }
    let partners = actor.partner_of();
    if !partners.is_empty() {
        branches.push(
            Condition::all()
                .add(visibility.eq(Visibility::Partners))
                .add(owned_by(partners.to_vec())),
        );
    }
    branches
}

/// Whether `actor` may see a loaded record with this visibility owned by
/// `owners`.
pub fn can_see(actor: &Actor, visibility: Visibility, owners: &[i64]) -> bool {
    let owned_by = |orgs: &[i64]| owners.iter().any(|o| orgs.contains(o));
    match visibility {
        Visibility::Public => true,
        Visibility::Partners => owned_by(&actor.member_of()) || owned_by(actor.partner_of()),
        Visibility::Private => owned_by(&actor.member_of()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::actor::{TokenActor, UserActor};
    use entities::enums::{MemberRole, TokenScope};
    use sea_orm::{DbBackend, EntityTrait, QueryFilter, QueryTrait};

    const OWNER: i64 = 1;
    const PARTNER: i64 = 2;
    const STRANGER: i64 = 3;

    fn member_of(org: i64, partners: Vec<i64>) -> Actor {
        Actor::User(UserActor {
            user_id: 7,
            session_id: None,
            memberships: vec![(org, MemberRole::Viewer)],
            partners,
        })
    }

    #[test]
    fn the_rule_by_actor_and_visibility() {
        let token = Actor::Token(TokenActor {
            token_id: 1,
            organization_id: OWNER,
            scope: TokenScope::Read,
            partners: vec![PARTNER],
        });
        let cases = [
            (Actor::Anonymous, [true, false, false]),
            (member_of(OWNER, vec![PARTNER]), [true, true, true]),
            (token, [true, true, true]),
            (member_of(PARTNER, vec![OWNER]), [true, true, false]),
            (member_of(STRANGER, vec![]), [true, false, false]),
        ];
        for (actor, expected) in cases {
            for (visibility, allowed) in [
                Visibility::Public,
                Visibility::Partners,
                Visibility::Private,
            ]
            .into_iter()
            .zip(expected)
            {
                assert_eq!(
                    can_see(&actor, visibility, &[OWNER]),
                    allowed,
                    "{actor:?} {visibility:?}"
                );
            }
        }
    }

    #[test]
    fn one_owner_among_several_is_enough() {
        let partner = member_of(PARTNER, vec![OWNER]);
        assert!(can_see(&partner, Visibility::Partners, &[STRANGER, OWNER]));
        assert!(!can_see(&partner, Visibility::Private, &[STRANGER, OWNER]));
    }

    fn sql(actor: &Actor) -> String {
        use entities::document::{Column, Entity};
        Entity::find()
            .filter(visible_to(actor, Column::Visibility, |orgs| {
                Condition::all().add(Column::OwnerId.is_in(orgs))
            }))
            .build(DbBackend::Postgres)
            .to_string()
    }

    #[test]
    fn the_sql_condition_says_the_same() {
        assert!(
            sql(&Actor::Anonymous).ends_with(r#"WHERE "documents"."visibility" = 'PUBLIC'"#),
            "{}",
            sql(&Actor::Anonymous)
        );
        let partner = sql(&member_of(PARTNER, vec![OWNER]));
        assert!(
            partner.ends_with(
                r#"WHERE "documents"."visibility" = 'PUBLIC' OR "documents"."owner_id" IN (2) OR ("documents"."visibility" = 'PARTNERS' AND "documents"."owner_id" IN (1))"#
            ),
            "{partner}"
        );
    }
}

//! The one policy: may this actor do this to this organization's records?
//! Every mutation names its [`Action`]; the action says which role it needs
//! and whether an API token may do it at all. Reading is governed by
//! [`super::visibility`] instead, in SQL.

use entities::enums::{MemberRole, TokenScope};

use super::actor::{Actor, rank};

/// Something an actor does within an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See the organization's members and their roles.
    ViewMembers,
    /// Edit the organization's public profile (website, contact, ...).
    EditProfile,
    /// Invite members and change or remove members below OWNER.
    ManageMembers,
    /// Grant, change or remove the OWNER role.
    ManageOwners,
    /// Create, list and revoke the organization's API tokens.
    ManageApiTokens,
    /// Read the organization's audit log.
    ViewAuditLog,
    // agreements
    /// Draft agreements the organization initiates: create, edit, change
    /// parties, propose.
    EditAgreements,
    /// Commit the organization to (or out of) an agreement: sign, decline,
    /// withdraw, terminate. Only a person may: a signature has a name.
    SignAgreements,
    // activities and results
    /// Plan, edit, cancel and complete the organization's activities, invite
    /// co-organizers, accept or decline co-organizing, record participation
    /// and link documents.
    ManageActivities,
    /// Create and edit the organization's funded projects and indicators.
    ManageProjects,
    // documents
    /// Create the organization's documents, edit them, change their
    /// visibility, upload versions, link them to agreements.
    EditDocuments,
}

impl Action {
    /// The least role that may do this.
    pub fn required_role(self) -> MemberRole {
        match self {
            Self::ViewMembers => MemberRole::Viewer,
            Self::EditProfile => MemberRole::Editor,
            Self::ManageMembers | Self::ManageApiTokens | Self::ViewAuditLog => MemberRole::Admin,
            Self::ManageOwners => MemberRole::Owner,
            // agreements
            Self::EditAgreements => MemberRole::Editor,
            Self::SignAgreements => MemberRole::Admin,
            // activities and results
            Self::ManageActivities | Self::ManageProjects => MemberRole::Editor,
            // documents
            Self::EditDocuments => MemberRole::Editor,
        }
    }

    /// Whether the action changes anything (a READ token may not).
    pub fn writes(self) -> bool {
        !matches!(self, Self::ViewMembers | Self::ViewAuditLog)
    }

    /// Whether only a person may do this: membership and tokens are never
    /// managed by a token, so a leaked token cannot entrench itself.
    pub fn needs_person(self) -> bool {
        matches!(
            self,
            Self::ViewMembers | Self::ManageMembers | Self::ManageOwners | Self::ManageApiTokens
                // agreements
                | Self::SignAgreements
        )
    }
}

/// Why the policy said no.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// Nobody is logged in.
    #[error("log in first")]
    NotLoggedIn,
    /// A READ token tried to change something.
    #[error("this API token is read-only")]
    ReadOnlyToken,
    /// The action is reserved to people.
    #[error("API tokens may not do this; a member must")]
    PersonOnly,
    /// The actor's role in the organization is too low (or absent).
    #[error("this needs the {} role in the organization", role_name(*needed))]
    RoleTooLow {
        /// The least role needed.
        needed: MemberRole,
    },
}

/// A role as users see it written (`ADMIN`).
fn role_name(role: MemberRole) -> &'static str {
    match role {
        MemberRole::Owner => "OWNER",
        MemberRole::Admin => "ADMIN",
        MemberRole::Editor => "EDITOR",
        MemberRole::Viewer => "VIEWER",
    }
}

// agreements
/// Decides whether `actor` may create a new organization: any logged-in
/// person (who becomes its OWNER), never an API token, which acts only for
/// its own organization. Returns the person's user id.
pub fn may_create_organization(actor: &Actor) -> Result<i64, Denied> {
    match actor {
        Actor::Anonymous => Err(Denied::NotLoggedIn),
        Actor::Token(_) => Err(Denied::PersonOnly),
        Actor::User(user) => Ok(user.user_id),
    }
}

/// Refuses anonymous callers before anything is looked up, so they learn
/// to log in rather than that a record is missing.
pub fn require_login(actor: &Actor) -> Result<(), Denied> {
    match actor {
        Actor::Anonymous => Err(Denied::NotLoggedIn),
        _ => Ok(()),
    }
}

/// Decides whether `actor` may do `action` in `organization`.
pub fn authorize(actor: &Actor, action: Action, organization: i64) -> Result<(), Denied> {
    match actor {
        Actor::Anonymous => return Err(Denied::NotLoggedIn),
        Actor::Token(token) => {
            if action.writes() && token.scope == TokenScope::Read {
                return Err(Denied::ReadOnlyToken);
            }
            if action.needs_person() {
                return Err(Denied::PersonOnly);
            }
        }
        Actor::User(_) => {}
    }
    let needed = action.required_role();
    match actor.role_in(organization) {
        Some(role) if rank(role) >= rank(needed) => Ok(()),
        _ => Err(Denied::RoleTooLow { needed }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::actor::{TokenActor, UserActor};

    fn user(role: MemberRole) -> Actor {
        Actor::User(UserActor {
            user_id: 1,
            session_id: None,
            memberships: vec![(10, role)],
            partners: vec![20],
        })
    }

    fn token(scope: TokenScope) -> Actor {
        Actor::Token(TokenActor {
            token_id: 1,
            organization_id: 10,
            scope,
            partners: vec![],
        })
    }

    #[test]
    fn each_action_needs_its_role_in_that_organization() {
        use MemberRole::*;
        let table = [
            (Action::ViewMembers, [true, true, true, true]),
            (Action::EditProfile, [true, true, true, false]),
            (Action::ManageMembers, [true, true, false, false]),
            (Action::ManageApiTokens, [true, true, false, false]),
            (Action::ManageOwners, [true, false, false, false]),
            // activities and results
            (Action::ManageActivities, [true, true, true, false]),
            (Action::ManageProjects, [true, true, true, false]),
        ];
        for (action, allowed) in table {
            for (role, allow) in [Owner, Admin, Editor, Viewer].into_iter().zip(allowed) {
                assert_eq!(
                    authorize(&user(role), action, 10).is_ok(),
                    allow,
                    "{role:?} {action:?}"
                );
                // Roles do not carry over to another organization, partner
                // or not.
                assert!(authorize(&user(role), action, 20).is_err());
            }
        }
    }

    #[test]
    fn nobody_anonymous_does_anything() {
        assert_eq!(
            authorize(&Actor::Anonymous, Action::ViewMembers, 10),
            Err(Denied::NotLoggedIn)
        );
    }

    #[test]
    fn tokens_write_only_with_read_write_scope_and_never_manage_people() {
        assert_eq!(
            authorize(&token(TokenScope::Read), Action::EditProfile, 10),
            Err(Denied::ReadOnlyToken)
        );
        assert_eq!(
            authorize(&token(TokenScope::ReadWrite), Action::EditProfile, 10),
            Ok(())
        );
        assert_eq!(
            authorize(&token(TokenScope::ReadWrite), Action::EditProfile, 11),
            Err(Denied::RoleTooLow {
                needed: MemberRole::Editor
            })
        );
        for action in [
            Action::ManageMembers,
            Action::ManageApiTokens,
            Action::ManageOwners,
        ] {
            assert_eq!(
                authorize(&token(TokenScope::ReadWrite), action, 10),
                Err(Denied::PersonOnly)
            );
            assert_eq!(
                authorize(&token(TokenScope::Read), action, 10),
                Err(Denied::ReadOnlyToken)
            );
        }
    }
}
